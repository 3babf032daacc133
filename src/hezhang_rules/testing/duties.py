"""A fact that would meet an open duty: for monotonicity and "what if it had been done" tests.

``fulfilling_facts(plan, world, as_of)`` evaluates the world, picks a duty that is open
(``violated`` or ``pending``) and makes a record of the kind that meets it: bound to the holder
(and the trigger, for a response), dated inside the duty's window and not after the as-of date,
and with the simple conditions of the rule's ``where`` met. Conditions it cannot aim at (a
``refers_to`` on another record, ``related`` …) are drawn like any field, so the record meets
the duty most of the time, not always.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st
from pydantic import ValidationError

from hezhang_rules.compile.logic import DEREF, atoms, field_info, satisfying
from hezhang_rules.compile.plan import (
    CountPlan,
    DeadlinePlan,
    Plan,
    PlanRule,
    ResponsePlan,
    Selection,
)
from hezhang_rules.evaluate import evaluate
from hezhang_rules.evaluate.world import Holder, World
from hezhang_rules.facts.factset import FactSet
from hezhang_rules.facts.models import FACT_KINDS, Fact
from hezhang_rules.facts.schema import get_path, model_fields
from hezhang_rules.findings import Finding
from hezhang_rules.testing.evidence import named_values
from hezhang_rules.testing.plan_reads import default_window
from hezhang_rules.testing.records import Knobs, Pool, RecordMaker, Skip

OPEN = ("violated", "pending")


def selection(rule: PlanRule) -> Selection | None:
    """The facts that meet ``rule``'s duty (count, deadline, response, escalation)."""
    req = rule.requirement
    if isinstance(req, CountPlan | DeadlinePlan):
        return req.select
    if isinstance(req, ResponsePlan):
        return req.response
    return None


def _holder(world: World, rule: PlanRule, finding: Finding) -> Holder | None:
    spec = rule.holder
    if spec.way == "post":
        found = world.post_holders(spec.roles, spec.levels, spec.scope)
    elif spec.way == "unit":
        found = world.unit_holders(spec.types, spec.levels, spec.where, spec.scope)
    elif spec.way == "jurisdiction":
        found = world.jurisdiction_holders(spec.levels or frozenset(), spec.scope)
    else:
        one = world.holder_for_id(finding.holder.id)
        found = [one] if one is not None else []
    return next((h for h in found if h.id == finding.holder.id), None)


def duty_window(rule: PlanRule, finding: Finding, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The days an act meets the duty on time or late, and is seen on ``as_of``."""
    req = rule.requirement
    due = finding.due or finding.period.end
    if isinstance(req, DeadlinePlan) and (req.per == "once" or req.period_field):
        lo = finding.period.start if req.per == "once" else dt.date(due.year - 1, 1, 1)
        return lo, min(due, as_of)
    return finding.period.start, min(finding.period.end, as_of)


def _fixed(
    rule: PlanRule, sel: Selection, finding: Finding, holder: Holder, facts: FactSet, day: dt.date
) -> dict[str, Any] | None:
    shapes = model_fields(FACT_KINDS[sel.kind])
    out: dict[str, Any] = {sel.date_field: day} if "." not in sel.date_field else {}
    req = rule.requirement
    if isinstance(req, DeadlinePlan) and req.period_field:
        out[req.period_field] = finding.period.start.year
    trigger = facts.get(finding.subject) if finding.subject else None
    wanted = list(sel.bind)
    if isinstance(req, ResponsePlan) and req.link is not None:
        target = get_path(trigger, req.link_to) if req.link_to and trigger else finding.subject
        wanted.append((req.link, f"value:{target}"))
    for name, target in wanted:
        if "." in name or name not in shapes:
            continue
        if target.startswith("value:"):
            value: Any = target[len("value:") :]
        elif target.startswith("trigger."):
            value = get_path(trigger, target[len("trigger.") :]) if trigger else None
            value = value[0] if isinstance(value, list) and value else value
        else:
            value = {
                "holder": holder.id,
                "holder.jurisdiction": holder.jurisdiction,
                "holder.unit": holder.unit,
            }[target]
        if value is None or value == "None":
            return None
        out[name] = [value] if shapes[name].kind == "list" else value
    return out


def _where_values(sel: Selection, make: RecordMaker, fixed: dict[str, Any]) -> None:
    """Meet the selection's simple conditions on the record's own fields."""
    model = FACT_KINDS[sel.kind]
    by_path: dict[str, list[Any]] = {}
    for a in atoms(sel.where, model, ()):
        if "." not in a.path and DEREF not in a.path and a.path not in fixed:
            by_path.setdefault(a.path, []).append(a.cond)
    for path, conds in sorted(by_path.items()):
        values = [
            v
            for v in satisfying(field_info(model, path), conds)
            if v is None or isinstance(v, str | bool | int | float)
        ]
        if values:
            fixed[path] = make.pick(sorted(values, key=repr))


def meeting_record(
    rule: PlanRule,
    finding: Finding,
    facts: FactSet,
    world: World,
    make: RecordMaker,
    ident: str,
    day: dt.date,
) -> Fact | None:
    """A record ``ident`` dated ``day`` that meets ``finding``'s duty if dated in time: bound to
    its holder (and trigger), with the simple conditions of the rule's ``where`` met; None when
    the duty's holder or a value it needs cannot be found, or the model refuses the record."""
    sel = selection(rule)
    holder = _holder(world, rule, finding) if sel is not None else None
    if sel is None or holder is None:
        return None
    fixed = _fixed(rule, sel, finding, holder, facts, day)
    if fixed is None:
        return None
    _where_values(sel, make, fixed)
    for name, value in named_values(sel.kind, sel.where, world, make, day).items():
        fixed.setdefault(name, value)  # the records its conditions name, from the world
    try:
        return make.record(FACT_KINDS[sel.kind], ident, fixed)
    except (Skip, ValidationError):  # nothing to refer to; a value the model refuses
        return None


@st.composite
def fulfilling_facts(
    draw: st.DrawFn, plan: Plan, world: Sequence[Fact], as_of: dt.date
) -> tuple[Finding, Fact]:
    """An open duty of ``world`` at ``as_of`` and a new record that would meet it."""
    facts = FactSet.build(world)
    report = evaluate(plan, facts, as_of)
    rules = {r.id: r for r in plan.rules if selection(r) is not None}
    open_duties = [f for f in report.findings if f.status in OPEN and f.rule_id in rules]
    if not open_duties:
        reject()
    finding = draw(st.sampled_from(open_duties))
    rule = rules[finding.rule_id]
    sel = selection(rule)
    assert sel is not None
    lo, hi = duty_window(rule, finding, as_of)
    if lo > hi:
        reject()
    pool = Pool.of_world(world)
    make = RecordMaker(draw, pool, Knobs(frozenset({sel.kind}), default_window(plan)))
    day = lo + dt.timedelta(days=make.number(0, (hi - lo).days))
    fact = meeting_record(
        rule, finding, facts, World(facts, as_of), make, f"{sel.kind}-meets-{pool.counter}", day
    )
    if fact is None:
        reject()
    return finding, fact


__all__ = [
    "OPEN",
    "duty_window",
    "fulfilling_facts",
    "meeting_record",
    "selection",
]
