"""Calendar periods: years, halves (Jan–Jun, Jul–Dec), quarters, months. They partition time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    label: str

    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - ONE_DAY


def period_of(kind: str, day: dt.date) -> Period:
    """The one period of ``kind`` that contains ``day``."""
    y = day.year
    if kind == "year":
        return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), f"{y}")
    if kind == "half_year":
        if day.month <= 6:
            return Period(dt.date(y, 1, 1), dt.date(y, 6, 30), f"{y}-H1")
        return Period(dt.date(y, 7, 1), dt.date(y, 12, 31), f"{y}-H2")
    if kind == "quarter":
        q = (day.month - 1) // 3
        return Period(dt.date(y, 3 * q + 1, 1), _month_end(y, 3 * q + 3), f"{y}-Q{q + 1}")
    if kind == "month":
        return Period(dt.date(y, day.month, 1), _month_end(y, day.month), f"{y}-{day.month:02d}")
    raise ValueError(f"unknown period kind {kind!r}")


def periods_between(kind: str, start: dt.date, end: dt.date) -> Iterator[Period]:
    """Every period of ``kind`` overlapping [start, end], in order."""
    if end < start:
        return
    p = period_of(kind, start)
    while p.start <= end:
        yield p
        if p.end >= dt.date.max - ONE_DAY:
            return
        p = period_of(kind, p.end + ONE_DAY)


def label_zh(label: str) -> str:
    """``2021-H1`` → ``2021年上半年`` and so on."""
    if len(label) == 4:
        return f"{label}年"
    year, part = label.split("-", 1)
    if part == "H1":
        return f"{year}年上半年"
    if part == "H2":
        return f"{year}年下半年"
    if part.startswith("Q"):
        return f"{year}年第{part[1:]}季度"
    if len(part) == 2:
        return f"{year}年{int(part)}月"
    return label
