"""Which version of an amended rule judges a finding (docs/rule-format.md, "Amendments and
versions").

A versioned article (or a rule reading dated parameter values) compiles to one rule per version,
all with the same id, each evaluated over the whole force of the pack; of each version's
findings only those whose period's anchor day lies in the version's window are kept. The test
is written once over an :class:`~.ops.Ops`: the batch evaluator and the monitor apply it to a
finding's dates (``VALUES``, in ``Run.emit``), the columnar one to its finding frames
(``columnar.exprs.EXPRS``), before any finding is counted, checked for a repeated id or read by
an escalated duty.
"""

from __future__ import annotations

from typing import TypeVar

from hezhang_rules.compile.plan import PlanRule, VersionInfo
from hezhang_rules.evaluate.kinds.ops import Ops

T = TypeVar("T")


def anchored_on_end(rule: PlanRule) -> bool:
    """Whether the anchor day of ``rule``'s findings is their period's last day: when the pack
    reads `end`, except for a response duty, whose period runs from the trigger's day to the
    due date and whose anchor is the trigger's day (the day the duty was opened)."""
    version = rule.version
    return version is not None and version.anchor == "end" and rule.requirement.type != "response"


def judged_here(x: Ops[T], anchor: T, version: VersionInfo) -> T:
    """Whether a finding whose anchor day is ``anchor`` is judged under ``version``: the day
    lies in its window (``judged_from`` … ``judged_until``, both included; the first window
    open before, the last after: the windows of one rule cover every day once)."""
    before = None if version.judged_until is None else x.le(anchor, x.lit(version.judged_until))
    if version.open_before:
        return x.is_set(anchor) if before is None else before
    after = x.ge(anchor, x.lit(version.judged_from))
    if before is None:
        return after
    return x.when(after, before, x.lit(False))
