"""The calendar and number bounds every input is held to, in one place.

Dates (fact dates, the as-of date, date parameters), years (assessment years), day counts
(``type: days`` parameters, due offsets) and whole numbers in facts are bounded here, and the
records engine (the pydantic models), the columnar engine (the table checks), the compiler
(parameters) and the command line (``--as-of``) all read these constants, so that a value is
accepted or refused the same way on every path (docs/limits.md, "Dates, days and numbers").

Why these bounds:

* **Dates from 1900-01-01 to 2199-12-31.** The regulation dates from 2020; river chief records
  begin in the 2010s. 1900 leaves room for historical structure (a river's or a unit's
  founding), 2199 for deadlines set far ahead. Within these bounds every computation the
  engines make — a due date ``DAYS_MAX`` days after a fact, a period's end, a year's offset —
  stays far inside Python's ``date`` (years 1–9999) and polars' dates, so no date arithmetic
  can overflow; a date outside them is almost always a typing slip (``20210`` for ``2021``).
* **Day counts from 0 to 36,600** (about a hundred years): the longest reading of a "within N
  days" clause is a few years; 36,600 days after 2199-12-31 is still in year 2300.
* **Year offsets from -100 to 100** (a due date in another year than its period).
* **Whole numbers within 64 bits** (``-2**63 .. 2**63-1``): what a Parquet or polars integer
  column holds; a larger number in a fact is refused instead of overflowing a column.
"""

from __future__ import annotations

import datetime as dt

from hezhang_rules.diagnostics import Diagnostic, Span, UsageError

DATE_MIN = dt.date(1900, 1, 1)
"""The earliest date accepted in a fact, as the as-of date or as a date parameter."""

DATE_MAX = dt.date(2199, 12, 31)
"""The latest date accepted in a fact, as the as-of date or as a date parameter."""

YEAR_MIN = DATE_MIN.year
"""The earliest year accepted in a fact (an assessment year)."""

YEAR_MAX = DATE_MAX.year
"""The latest year accepted in a fact."""

DAYS_MAX = 36_600
"""The largest day count (``type: days`` parameters, ``days:`` of a due date); the least is 0."""

YEAR_OFFSET_MAX = 100
"""The largest year offset of a due date, either way (``due.year_offset``)."""

INT_MIN = -(2**63)
"""The least whole number a fact may hold (a 64-bit column)."""

INT_MAX = 2**63 - 1
"""The largest whole number a fact may hold (a 64-bit column)."""


def date_in_range(day: dt.date) -> bool:
    """Whether ``day`` lies within ``DATE_MIN`` .. ``DATE_MAX``."""
    return DATE_MIN <= day <= DATE_MAX


def date_range_text() -> str:
    """The bounds as written in messages: ``1900-01-01 to 2199-12-31``."""
    return f"{DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}"


def date_range_zh() -> str:
    """:func:`date_range_text` in Chinese: ``1900-01-01 至 2199-12-31``."""
    return f"{DATE_MIN.isoformat()} 至 {DATE_MAX.isoformat()}"


def as_of_diagnostic(day: dt.date, where: str = "<command line>") -> Diagnostic | None:
    """``hz_usage_date_out_of_range`` if the as-of date ``day`` is outside the bounds."""
    if date_in_range(day):
        return None
    return Diagnostic(
        "hz_usage_date_out_of_range",
        f"the as-of date {day.isoformat()} is outside the supported range {date_range_text()}",
        Span(where),
        help="dates are bounded so that no due date computed from them can overflow "
        "(docs/limits.md)",
        zh=f"基准日 {day.isoformat()} 超出支持的范围 {date_range_zh()}",
        help_zh="日期有界，由它算出的任何期限都不会溢出（见 docs/limits.md）",
    )


def require_as_of(day: dt.date) -> None:
    """Raise :class:`UsageError` if ``day`` cannot be an as-of date (both evaluators call it)."""
    problem = as_of_diagnostic(day, "<as-of>")
    if problem is not None:
        raise UsageError([problem])


__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "DAYS_MAX",
    "INT_MAX",
    "INT_MIN",
    "YEAR_MAX",
    "YEAR_MIN",
    "YEAR_OFFSET_MAX",
    "as_of_diagnostic",
    "date_in_range",
    "date_range_text",
    "require_as_of",
]
