"""The few operations a status rule is written in, and their interpretation over Python values.

A status rule (``kinds.<kind>.status``) is written once as a function of an ``Ops``: the batch
evaluator passes :data:`VALUES` and gets a status; the columnar evaluator passes
``columnar.exprs.EXPRS`` and gets a polars expression that computes the same status per row.
Missing values follow SQL's rule on both sides: a comparison with a missing value does not hold.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Ops(Generic[T]):
    """The operations a status rule uses; ``T`` is what they compute (a value, an expression)."""

    def lit(self, value: Any) -> T:
        raise NotImplementedError

    def when(self, cond: T, then: T, otherwise: T) -> T:
        raise NotImplementedError

    def le(self, a: T, b: T) -> T:
        raise NotImplementedError

    def gt(self, a: T, b: T) -> T:
        raise NotImplementedError

    def ge(self, a: T, b: T) -> T:
        raise NotImplementedError

    def is_set(self, a: T) -> T:
        raise NotImplementedError


class _Values(Ops[Any]):
    """Python values: ``when`` picks a branch; a comparison with ``None`` is false."""

    def lit(self, value: Any) -> Any:
        return value

    def when(self, cond: Any, then: Any, otherwise: Any) -> Any:
        return then if cond else otherwise

    def le(self, a: Any, b: Any) -> bool:
        return a is not None and b is not None and bool(a <= b)

    def gt(self, a: Any, b: Any) -> bool:
        return a is not None and b is not None and bool(a > b)

    def ge(self, a: Any, b: Any) -> bool:
        return a is not None and b is not None and bool(a >= b)

    def is_set(self, a: Any) -> bool:
        return a is not None


VALUES: Ops[Any] = _Values()
"""The status rules applied to Python values (the batch evaluator and the monitor)."""


def duty_status(x: Ops[T], met: T, done: T, due: T, as_of: T) -> T:
    """The status of a dated duty (count, deadline, response): met by an act dated on or before
    its due date, ``fulfilled``; met later, ``fulfilled_late``; unmet and the as-of date past
    the due date, ``violated``; otherwise ``pending`` (docs/rule-format.md, section 8)."""
    return x.when(
        met,
        x.when(x.le(done, due), x.lit("fulfilled"), x.lit("fulfilled_late")),
        x.when(x.gt(as_of, due), x.lit("violated"), x.lit("pending")),
    )


def status_of(done: dt.date | None, due: dt.date, as_of: dt.date) -> str:
    """:func:`duty_status` over values, met when there is an act (``done``)."""
    return str(duty_status(VALUES, done is not None, done, due, as_of))
