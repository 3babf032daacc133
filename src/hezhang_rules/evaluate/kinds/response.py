"""``response``: a duty opened by a trigger, due a number of days later (or by a stated date)
(docs/rule-format.md, section 8).

Met by the first linked reply dated on or after the day the duty opened; the status is the
dated duty's. A trigger without the date the rule reads opens no dated duty: not applicable.
"""

from __future__ import annotations

from typing import TypeVar

from hezhang_rules.evaluate.kinds.ops import Ops, duty_status
from hezhang_rules.evaluate.kinds.words import Wording

T = TypeVar("T")

DETAIL_KEYS = ("opened", "done", "due_supplied")
"""``details``: the day the duty opened, the first reply's date (or null), and the parameter a
supplied number of days rests on."""

DONE = Wording(zh="{opened}起，截止{due}，{done}办理", en="opened {opened}, due {due}, done {done}")
NOT_DONE = Wording(
    zh="{opened}起，截止{due}，未见办理", en="opened {opened}, due {due}, nothing done"
)
UNDATED = Wording(
    zh="触发记录未载明{field}，无法确定期限",
    en="the trigger has no `{field}`: no due date",
)


def status(x: Ops[T], done: T, due: T, as_of: T) -> T:
    """``done``: the first answering reply's date, missing when there is none."""
    return duty_status(x, x.is_set(done), done, due, as_of)
