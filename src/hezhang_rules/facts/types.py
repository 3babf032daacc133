"""Field types shared by the fact models: ids, references, strict scalars and ISO dates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StrictInt, StringConstraints
from pydantic_core import PydanticCustomError

from hezhang_rules.facts.bounds import (
    INT_MAX,
    INT_MIN,
    YEAR_MAX,
    YEAR_MIN,
    date_in_range,
    date_range_text,
)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_date(value: Any) -> Any:
    """Accept a ``date`` or a ``YYYY-MM-DD`` string; never a number or a datetime string."""
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date (YYYY-MM-DD), found a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        if not _ISO_DATE.match(value):
            raise ValueError(f"expected a date written YYYY-MM-DD, found `{value}`")
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"`{value}` is not a calendar date ({exc})") from None
    raise ValueError(f"expected a date written YYYY-MM-DD, found {type(value).__name__}")


def _date_in_range(value: dt.date) -> dt.date:
    if not date_in_range(value):
        raise PydanticCustomError(
            "date_out_of_range",
            "date outside the supported range {range} (facts/bounds.py)",
            {"range": date_range_text()},
        )
    return value


def _year_in_range(value: int) -> int:
    if not YEAR_MIN <= value <= YEAR_MAX:
        raise PydanticCustomError(
            "date_out_of_range",
            "year {year} is outside the supported range {lo} to {hi} (facts/bounds.py)",
            {"year": value, "lo": YEAR_MIN, "hi": YEAR_MAX},
        )
    return value


def _int_in_range(value: int) -> int:
    if not INT_MIN <= value <= INT_MAX:
        raise PydanticCustomError(
            "int_out_of_range", "a whole number beyond 64 bits (-2**63 to 2**63-1)"
        )
    return value


Date = Annotated[dt.date, BeforeValidator(_parse_date), AfterValidator(_date_in_range)]
"""A calendar date from ``DATE_MIN`` to ``DATE_MAX`` (facts/bounds.py). ``2021-02-30`` and
``20210101`` are errors, not guesses."""

Year = Annotated[
    StrictInt,
    AfterValidator(_year_in_range),
    Field(json_schema_extra={"minimum": YEAR_MIN, "maximum": YEAR_MAX}),
]
"""A calendar year from ``YEAR_MIN`` to ``YEAR_MAX``."""

Int = Annotated[StrictInt, AfterValidator(_int_in_range)]
"""A whole number that fits a 64-bit column (what a fact table can hold)."""


Id = Annotated[str, StringConstraints(pattern=r"^[\w.:\-]+$", max_length=128)]
"""A record id: letters (any script), digits, ``_ . : -``; unique across all facts."""

Text = Annotated[str, StringConstraints(min_length=1, max_length=100_000)]
"""Non-empty free text. A record states an element by giving it; ``null`` means not stated."""


@dataclass(frozen=True)
class Ref:
    """Marks an id field as a reference to records of the given kinds (checked on load)."""

    kinds: tuple[str, ...]


PARTY_KINDS = ("people", "units")
"""People and organisational units can both hold duties, send and receive documents."""


def ref(*kinds: str) -> Ref:
    return Ref(tuple(kinds))


PersonRef = Annotated[str, ref("people")]
UnitRef = Annotated[str, ref("units")]
PartyRef = Annotated[str, ref(*PARTY_KINDS)]
JurisdictionRef = Annotated[str, ref("jurisdictions")]
RiverRef = Annotated[str, ref("rivers")]
