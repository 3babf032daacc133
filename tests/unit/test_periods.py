"""Calendar periods partition time: every day falls in exactly one period of each kind."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from hezhang_rules.evaluate.periods import label_zh, period_of, periods_between

KINDS = ("year", "half_year", "quarter", "month")
days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))


@given(days)
def test_each_day_in_exactly_one_period_per_kind(day: dt.date) -> None:
    for kind in KINDS:
        p = period_of(kind, day)
        assert p.start <= day <= p.end
        window = list(
            periods_between(kind, p.start - dt.timedelta(days=400), p.end + dt.timedelta(days=400))
        )
        assert sum(1 for q in window if q.start <= day <= q.end) == 1


@given(days, days)
def test_periods_between_are_contiguous(a: dt.date, b: dt.date) -> None:
    lo, hi = min(a, b), max(a, b)
    ps = list(periods_between("quarter", lo, hi))
    assert ps[0].start <= lo and ps[-1].end >= hi
    for x, y in itertools.pairwise(ps):
        assert y.start == x.end + dt.timedelta(days=1)


def test_boundaries_and_labels() -> None:
    assert period_of("half_year", dt.date(2021, 6, 30)).label == "2021-H1"
    assert period_of("half_year", dt.date(2021, 7, 1)).label == "2021-H2"
    assert period_of("quarter", dt.date(2021, 12, 31)).label == "2021-Q4"
    assert period_of("month", dt.date(2024, 2, 29)).end == dt.date(2024, 2, 29)
    assert label_zh("2021-H1") == "2021年上半年"
    assert label_zh("2021-Q3") == "2021年第3季度"
    assert label_zh("2021-07") == "2021年7月"
