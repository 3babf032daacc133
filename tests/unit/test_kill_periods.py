"""Calendar periods, stated day by day: each kind's first and last day, its label in both
languages, its length, and the edges of the calendar (the mutation score's survivors in
``evaluate/periods.py``, docs/testing.md "Mutation score")."""

from __future__ import annotations

import datetime as dt

import pytest

from hezhang_rules.evaluate.periods import Period, label_zh, period_of, periods_between

D = dt.date


@pytest.mark.parametrize(
    ("kind", "day", "start", "end", "label"),
    [
        ("year", D(2021, 7, 15), D(2021, 1, 1), D(2021, 12, 31), "2021"),
        ("half_year", D(2021, 1, 1), D(2021, 1, 1), D(2021, 6, 30), "2021-H1"),
        ("half_year", D(2021, 6, 30), D(2021, 1, 1), D(2021, 6, 30), "2021-H1"),
        ("half_year", D(2021, 7, 1), D(2021, 7, 1), D(2021, 12, 31), "2021-H2"),
        ("half_year", D(2021, 12, 31), D(2021, 7, 1), D(2021, 12, 31), "2021-H2"),
        ("quarter", D(2021, 2, 15), D(2021, 1, 1), D(2021, 3, 31), "2021-Q1"),
        ("quarter", D(2021, 4, 1), D(2021, 4, 1), D(2021, 6, 30), "2021-Q2"),
        ("quarter", D(2021, 9, 30), D(2021, 7, 1), D(2021, 9, 30), "2021-Q3"),
        ("quarter", D(2021, 11, 11), D(2021, 10, 1), D(2021, 12, 31), "2021-Q4"),
        ("month", D(2021, 1, 31), D(2021, 1, 1), D(2021, 1, 31), "2021-01"),
        ("month", D(2021, 2, 10), D(2021, 2, 1), D(2021, 2, 28), "2021-02"),
        ("month", D(2020, 2, 10), D(2020, 2, 1), D(2020, 2, 29), "2020-02"),
        ("month", D(2021, 4, 30), D(2021, 4, 1), D(2021, 4, 30), "2021-04"),
        ("month", D(2021, 11, 1), D(2021, 11, 1), D(2021, 11, 30), "2021-11"),
        ("month", D(2021, 12, 31), D(2021, 12, 1), D(2021, 12, 31), "2021-12"),
    ],
)
def test_the_period_of_a_day(
    kind: str, day: dt.date, start: dt.date, end: dt.date, label: str
) -> None:
    assert period_of(kind, day) == Period(start, end, label)


@pytest.mark.parametrize("kind", ["fortnight", "yearly", "years", "week", "Year", ""])
def test_an_unknown_period_kind_is_an_error(kind: str) -> None:
    with pytest.raises(ValueError, match="unknown period kind"):
        period_of(kind, D(2021, 1, 1))


def test_a_period_counts_both_its_ends() -> None:
    h1 = period_of("half_year", D(2021, 3, 1))
    assert h1.days() == 181  # 31 + 28 + 31 + 30 + 31 + 30
    assert period_of("year", D(2020, 3, 1)).days() == 366
    assert Period(D(2021, 5, 5), D(2021, 5, 5), "x").days() == 1
    assert h1.contains(D(2021, 1, 1)) and h1.contains(D(2021, 6, 30))
    assert not h1.contains(D(2020, 12, 31)) and not h1.contains(D(2021, 7, 1))


def test_periods_between_two_days() -> None:
    def labels(kind: str, a: dt.date, b: dt.date) -> list[str]:
        return [p.label for p in periods_between(kind, a, b)]

    assert labels("quarter", D(2021, 3, 31), D(2021, 10, 1)) == [
        "2021-Q1",
        "2021-Q2",
        "2021-Q3",
        "2021-Q4",
    ]
    assert labels("half_year", D(2021, 6, 30), D(2021, 6, 30)) == ["2021-H1"]
    assert labels("month", D(2021, 12, 1), D(2022, 1, 1)) == ["2021-12", "2022-01"]
    assert labels("year", D(2021, 5, 1), D(2021, 4, 30)) == []  # an empty span: no period


def test_the_last_period_of_the_calendar_ends_the_listing() -> None:
    """A tenure without end runs to ``date.max``: the last period is listed, and nothing past
    the calendar is asked for."""
    assert [p.label for p in periods_between("year", D(9998, 6, 1), dt.date.max)] == [
        "9998",
        "9999",
    ]
    last = list(periods_between("month", D(9999, 11, 15), dt.date.max))
    assert [(p.start, p.end) for p in last] == [
        (D(9999, 11, 1), D(9999, 11, 30)),
        (D(9999, 12, 1), D(9999, 12, 31)),
    ]


@pytest.mark.parametrize(
    ("label", "zh"),
    [
        ("2021", "2021年"),
        ("2021-H1", "2021年上半年"),
        ("2021-H2", "2021年下半年"),
        ("2021-Q1", "2021年第1季度"),
        ("2021-Q4", "2021年第4季度"),
        ("2021-01", "2021年1月"),
        ("2021-12", "2021年12月"),
        ("2021-W07x", "2021-W07x"),  # no form of a period: said as it is
    ],
)
def test_period_labels_in_chinese(label: str, zh: str) -> None:
    assert label_zh(label) == zh
