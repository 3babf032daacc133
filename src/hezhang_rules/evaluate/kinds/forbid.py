"""``forbid``: no act of the kind in the period (docs/rule-format.md, section 8).

Any act seen in the period is a breach at once; a period without one is ``fulfilled`` once it
has ended and ``pending`` while it runs (it may still be breached).
"""

from __future__ import annotations

from typing import TypeVar

from hezhang_rules.evaluate.kinds.ops import Ops
from hezhang_rules.evaluate.kinds.words import Wording

T = TypeVar("T")

DETAIL_KEYS = ("count",)
"""``details``: the forbidden acts found."""

DETAIL = Wording(zh="发现{count}项禁止事项", en="{count} forbidden fact(s)")


def status(x: Ops[T], count: T, end: T, as_of: T) -> T:
    return x.when(
        x.gt(count, x.lit(0)),
        x.lit("violated"),
        x.when(x.gt(as_of, end), x.lit("fulfilled"), x.lit("pending")),
    )
