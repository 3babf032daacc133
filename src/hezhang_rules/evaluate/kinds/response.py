"""``response``: a duty opened by a trigger, due a number of days later (or by a stated date)
(docs/rule-format.md, section 8).

Met by the first linked reply dated on or after the day the duty opened; the status is the
dated duty's. A trigger without the date the rule reads opens no dated duty: not applicable.
"""

from __future__ import annotations

from typing import TypeVar

from hezhang_rules.evaluate.kinds.ops import Ops, duty_status
from hezhang_rules.evaluate.kinds.words import Wording
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.facts.schema import PathError, resolve_path

T = TypeVar("T")

DETAIL_KEYS = ("opened", "done", "due_supplied")
"""``details``: the day the duty opened, the first reply's date (or null), and the parameter a
supplied number of days rests on."""

DONE = Wording(zh="{opened}起，截止{due}，{done}办理", en="opened {opened}, due {due}, done {done}")
NOT_DONE = Wording(
    zh="{opened}起，截止{due}，未见办理", en="opened {opened}, due {due}, nothing done"
)
UNDATED = Wording(
    zh="触发记录未载明{title}，无法确定期限",
    en="the trigger has no `{field}`: no due date",
)
"""``title``: the field's title in the fact model (Chinese: no raw field path in a Chinese
message); ``field``: its path, a code in English."""


def undated(trigger_kind: str | None, field: str | None) -> tuple[str, str]:
    """The (zh, en) detail of a trigger without the date ``field`` the rule reads."""
    title = field or ""
    if trigger_kind in FACT_KINDS and field:
        try:
            title = resolve_path(FACT_KINDS[trigger_kind], field).title or field
        except PathError:  # the compiler checked it; a path it did not is shown as written
            title = field
    return UNDATED.fill(field=field or "", title=title)


def status(x: Ops[T], done: T, due: T, as_of: T) -> T:
    """``done``: the first answering reply's date, missing when there is none."""
    return duty_status(x, x.is_set(done), done, due, as_of)
