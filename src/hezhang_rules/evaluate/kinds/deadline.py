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
DUE_OUTSIDE = Wording(
    zh="截止日早于办法施行或不在任期内",
    en="due before the rules took effect or outside tenure",
)
"""Not applicable: the due date falls before the rules took effect or outside the tenure."""
DUE_BEFORE_DUTY = Wording(
    zh="截止日早于办法施行或义务人开始承担义务",
    en="due before the rules took effect or before the duty fell to the holder",
)
TOO_SOON = Wording(
    zh="自办法施行（或义务人开始承担义务）至截止日仅{days}天，少于{need}天",
    en="only {days} days from the rules taking effect (or the duty falling to the holder) "
    "to the due date, fewer than {need}",
)
"""Not applicable: fewer than the policy's ``tenure_min_days`` between the start and the due
date (docs/rule-format.md, section 9)."""


def status(x: Ops[T], done: T, due: T, as_of: T) -> T:
    """``done``: the first delivery's date, missing when there is none."""
    return duty_status(x, x.is_set(done), done, due, as_of)
