"""Parameter values: type checks for declared types and for the place a parameter is used."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from hezhang_rules.facts.bounds import DAYS_MAX, date_in_range, date_range_text, date_range_zh
from hezhang_rules.facts.enums import JurisdictionLevel, Role, UnitType

PERIODS = ("year", "half_year", "quarter", "month")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _members(value: Any, enum: type[Any]) -> tuple[str, str] | None:
    if not _strings(value):
        return "a list of names", "名称列表"
    allowed = {m.value for m in enum}
    bad = [v for v in value if v not in allowed]
    if bad:
        return (
            f"known values ({', '.join(sorted(allowed))}); `{bad[0]}` is not one",
            f"已知的值（{'、'.join(sorted(allowed))}）；`{bad[0]}` 不在其中",
        )
    return None


def parse_month_day(value: str) -> tuple[int, int] | None:
    m = _MONTH_DAY.match(value)
    if not m:
        return None
    month, day = int(m.group(1)), int(m.group(2))
    try:
        dt.date(2001, month, day)  # a common year: 02-29 is not a valid yearly due date
    except ValueError:
        return None
    return month, day


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: Any) -> dt.date | None:
    """A ``YYYY-MM-DD`` string (or a date) as a date; ``None`` for anything else."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def check_value(ptype: str, value: Any, choices: list[str] | None = None) -> tuple[str, str] | None:
    """Return what was expected, in English and in Chinese, if ``value`` does not fit
    ``ptype``; ``None`` if it fits."""
    if ptype in ("integer", "days"):
        if isinstance(value, bool) or not isinstance(value, int):
            return "a whole number", "整数"
        if ptype == "days" and not 0 <= value <= DAYS_MAX:
            return (
                f"a number of days from 0 to {DAYS_MAX:,} (facts/bounds.py)",
                f"0 至 {DAYS_MAX:,} 的天数（见 facts/bounds.py）",
            )
        return None
    if ptype == "boolean":
        return None if isinstance(value, bool) else ("true or false", "true 或 false")
    if ptype == "string":
        return None if isinstance(value, str) and value else ("a non-empty string", "非空文本")
    if ptype == "date":
        day = parse_date(value)
        if day is not None and not date_in_range(day):
            return (
                f"a date from {date_range_text()} (facts/bounds.py)",
                f"{date_range_zh()} 之间的日期（见 facts/bounds.py）",
            )
        return None if day else ("a date written YYYY-MM-DD", "写作 YYYY-MM-DD 的日期")
    if ptype == "month_day":
        if isinstance(value, str) and parse_month_day(value):
            return None
        return "a day written MM-DD", "写作 MM-DD 的日子"
    if ptype == "period":
        if value in PERIODS:
            return None
        return "one of " + ", ".join(PERIODS), "其中之一：" + "、".join(PERIODS)
    if ptype == "strings":
        return None if _strings(value) else ("a list of strings", "文本列表")
    if ptype == "values":
        ok = isinstance(value, list) and all(
            v is None or isinstance(v, str | int | float | bool) for v in value
        )
        if ok:
            return None
        return (
            "a list of plain values (text, numbers, true/false, null)",
            "简单值的列表（文本、数、true/false、null）",
        )
    if ptype == "roles":
        return _members(value, Role)
    if ptype == "levels":
        return _members(value, JurisdictionLevel)
    if ptype == "unit_types":
        return _members(value, UnitType)
    if ptype == "choice":
        if not choices:
            return "a `choice` parameter to list its `choices`", "`choice` 参数列出其 `choices`"
        if value in choices:
            return None
        return "one of " + ", ".join(choices), "其中之一：" + "、".join(choices)
    return f"a known parameter type, not `{ptype}`", f"已知的参数类型，而不是 `{ptype}`"


def shown(value: Any) -> str:
    """``value`` as a message shows it: a long number or text is cut (a number of thousands of
    digits cannot even be written out: Python refuses past 4,300)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        return f"<a whole number of about {value.bit_length() * 30103 // 100000 + 1} digits>"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def convert(ptype: str, value: Any) -> Any:
    """The Python value of a checked parameter value."""
    if ptype == "date":
        return parse_date(value)
    if ptype in ("strings", "values", "roles", "levels", "unit_types"):
        return list(value)
    return value
