"""Field types shared by the fact models: ids, references, strict scalars and ISO dates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, StringConstraints

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


Date = Annotated[dt.date, BeforeValidator(_parse_date)]
"""A calendar date. ``2021-02-30`` and ``20210101`` are errors, not guesses."""

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
