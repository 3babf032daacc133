"""``count``: at least k dated acts per period (docs/rule-format.md, section 8).

The status is the dated duty's (``ops.duty_status``), met once ``count >= required``, on the
date of the k-th act; the due date is the period's end (clipped by tenure and force).
"""

from __future__ import annotations

from typing import TypeVar

from hezhang_rules.evaluate.kinds.ops import Ops, duty_status
from hezhang_rules.evaluate.kinds.words import Wording

T = TypeVar("T")

DETAIL_KEYS = ("count", "required", "river")
"""``details``: acts counted, acts required, and for a ``per_river`` count the river's id."""

DETAIL = Wording(
    zh="{start}至{end}共{count}次，要求至少{required}次",
    en="{count} between {start} and {end}, at least {required} required",
)
ON_RIVER = Wording(zh="{river}：{detail}", en="{river}: {detail}")
"""A ``per_river`` count's detail: the river's name before it."""


def status(x: Ops[T], count: T, required: T, kth: T, end: T, as_of: T) -> T:
    """``kth``: the date of the required-th act in date order (missing when there are fewer)."""
    return duty_status(x, x.ge(count, required), kth, end, as_of)
