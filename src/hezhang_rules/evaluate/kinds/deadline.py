"""``deadline``: a deliverable per year (or once) by a due date (docs/rule-format.md, section 8).

Met by the first delivery dated by the as-of date; the status is the dated duty's.
"""

from __future__ import annotations

from typing import TypeVar

from hezhang_rules.evaluate.kinds.ops import Ops, duty_status
from hezhang_rules.evaluate.kinds.words import Wording

T = TypeVar("T")

DETAIL_KEYS = ("delivered", "due_supplied")
"""``details``: the first delivery's date (or null); the parameter a supplied due date rests on."""

DELIVERED = Wording(zh="截止{due}，{done}报送", en="due {due}, delivered {done}")
NOT_DELIVERED = Wording(zh="截止{due}，未见报送", en="due {due}, nothing delivered")


def status(x: Ops[T], done: T, due: T, as_of: T) -> T:
    """``done``: the first delivery's date, missing when there is none."""
    return duty_status(x, x.is_set(done), done, due, as_of)
