"""``evidence``: each record of a kind states what it must (docs/rule-format.md, section 8).

Judged once its dated act is known: ``violated`` when a ``must`` condition fails, else
``fulfilled``. The detail lists the failed conditions (``compile.operators`` words them); a
missing element hides the checks on its parts.
"""

from __future__ import annotations

from typing import TypeVar

from hezhang_rules.evaluate.kinds.ops import Ops

T = TypeVar("T")

DETAIL_KEYS = ("failed",)
"""``details``: the English text of each failed condition, in the rule's order."""

JOIN = {"zh": "；", "en": "; "}
"""Between the failed conditions of the detail text."""


def status(x: Ops[T], failures: T) -> T:
    """``failures``: how many ``must`` conditions failed (or a non-zero mask of them)."""
    return x.when(x.gt(failures, x.lit(0)), x.lit("violated"), x.lit("fulfilled"))
