"""Calendar periods partition time, and the finer kinds refine the coarser ones.

tests/unit/test_periods.py shows every day falls in exactly one period of each kind and that
consecutive periods touch; here: a period of a finer kind lies inside exactly one period of each
coarser kind, and the periods between two days tile them with no gap and no overlap.
(test_evaluation.py checks the evaluator's clipped periods of one holder never overlap.)
"""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from hezhang_rules.evaluate.periods import ONE_DAY, period_of, periods_between

KINDS = ("month", "quarter", "half_year", "year")  # finest first
PER_YEAR = {"month": 12, "quarter": 4, "half_year": 2, "year": 1}
SCALE = settings().max_examples / 100  # the profile's (tests/property/conftest.py): 1 or 10
days = st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))


def examples(n: int) -> int:
    return int(n * SCALE)


@settings(max_examples=examples(200))
@given(days)
def test_finer_periods_nest_in_coarser_ones(day: dt.date) -> None:
    for fine, coarse in itertools.combinations(KINDS, 2):
        p, q = period_of(fine, day), period_of(coarse, day)
        assert q.start <= p.start and p.end <= q.end, (fine, coarse, p, q)
        # p's first and last days fall in the same coarse period
        assert period_of(coarse, p.start) == q == period_of(coarse, p.end)


@settings(max_examples=examples(200))
@given(days, st.integers(0, 800), st.sampled_from(KINDS))
def test_periods_between_two_days_tile_them(start: dt.date, length: int, kind: str) -> None:
    end = start + dt.timedelta(days=length)
    ps = list(periods_between(kind, start, end))
    assert ps[0].start <= start <= ps[0].end and ps[-1].start <= end <= ps[-1].end
    for a, b in itertools.pairwise(ps):
        assert b.start == a.end + ONE_DAY
    assert sum(p.days() for p in ps) == (ps[-1].end - ps[0].start).days + 1
    assert len({p.label for p in ps}) == len(ps)


@settings(max_examples=examples(50))
@given(st.integers(1990, 2100), st.sampled_from(KINDS))
def test_a_year_holds_the_expected_number_of_periods(year: int, kind: str) -> None:
    ps = list(periods_between(kind, dt.date(year, 1, 1), dt.date(year, 12, 31)))
    assert len(ps) == PER_YEAR[kind]
    assert ps[0].start == dt.date(year, 1, 1) and ps[-1].end == dt.date(year, 12, 31)
