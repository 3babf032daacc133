"""Duties that contradict each other.

``hz_lint_duty_conflict``: a prohibition forbids every act that would meet an obligation of the
same holder while both are in force: the obligation's facts are of the forbidden kind, every
one of them meets the prohibition's ``where`` (implication, see ``compile.logic``), the
prohibition's ``bind`` is part of the obligation's, and some holder can hold both.

``hz_lint_deadline_conflict``: two deadline rules ask the same holders for the same deliverable
(same kind, same ``bind``, equivalent ``where``, same period) by different due dates; or two
response rules open the same duty on the same triggers with different due days.

Both are reported at the later rule (the prohibition, or the second deadline) with the other
rule's location in the help.
"""

from __future__ import annotations

import datetime as dt
from itertools import combinations

from hezhang_rules.compile.logic import contradiction, equivalent, implies, meet
from hezhang_rules.compile.plan import (
    DeadlinePlan,
    ForbidPlan,
    Plan,
    PlanRule,
    ResponsePlan,
    Selection,
)
from hezhang_rules.diagnostics import Diagnostic
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.lint.locate import Locator, holder_kinds, selection_of, unit_atoms

_SAMPLE_YEARS = (2001, 2004)  # a common and a leap year: any two due dates that differ, differ here


def _windows_overlap(a: PlanRule, b: PlanRule) -> bool:
    """Both rules are in force on some day, and judge some day in common: two versions of an
    amended article judge different days (docs/rule-format.md, "Amendments and versions")."""
    a_end, b_end = a.in_force_until or dt.date.max, b.in_force_until or dt.date.max
    if max(a.in_force_from, b.in_force_from) > min(a_end, b_end):
        return False
    return max(_judged(a)[0], _judged(b)[0]) <= min(_judged(a)[1], _judged(b)[1])


def _judged(rule: PlanRule) -> tuple[dt.date, dt.date]:
    """The days whose periods ``rule`` judges: every day, or its version's window."""
    v = rule.version
    if v is None:
        return dt.date.min, dt.date.max
    return (dt.date.min if v.open_before else v.judged_from), v.judged_until or dt.date.max


def holders_overlap(a: PlanRule, b: PlanRule) -> bool:
    """Whether some holder (person, unit, jurisdiction) can hold both rules' duties."""
    ha, hb = a.holder, b.holder
    if "field" in (ha.way, hb.way):
        return bool(holder_kinds(a) & holder_kinds(b))
    if ha.way != hb.way:
        return False
    levels = meet(ha.levels, hb.levels)
    if levels is not None and not levels:
        return False
    if ha.way == "post":
        return bool(meet(ha.roles, hb.roles))
    if ha.way == "unit":
        return contradiction(FACT_KINDS["units"], [*unit_atoms(a), *unit_atoms(b)]) is None
    return True


def _binds(sel: Selection) -> frozenset[tuple[str, str]]:
    return frozenset(b for b in sel.bind if not b[1].startswith("trigger."))


def _forbids(obligation: PlanRule, prohibition: PlanRule) -> bool:
    found = selection_of(obligation)
    forbid = prohibition.requirement
    if found is None or not isinstance(forbid, ForbidPlan):
        return False
    sel = found[0]
    return (
        sel.kind == forbid.select.kind
        and _binds(forbid.select) <= _binds(sel)
        and _windows_overlap(obligation, prohibition)
        and holders_overlap(obligation, prohibition)
        and implies(FACT_KINDS[sel.kind], sel.where, forbid.select.where)
    )


def _due(req: DeadlinePlan) -> tuple[dt.date, ...]:
    """The last day on time, for sample years (``once``: the one due date)."""
    back = dt.timedelta(days=0 if req.inclusive else 1)
    if req.due_date is not None:
        return (req.due_date - back,)
    return tuple(
        dt.date(y + req.year_offset, req.due_month, req.due_day) - back for y in _SAMPLE_YEARS
    )


def _same_deliverable(a: PlanRule, b: PlanRule) -> bool:
    ra, rb = a.requirement, b.requirement
    if isinstance(ra, DeadlinePlan) and isinstance(rb, DeadlinePlan):
        sa, sb = ra.select, rb.select
        return (
            sa.kind == sb.kind
            and set(sa.bind) == set(sb.bind)
            and ra.per == rb.per
            and ra.period_field == rb.period_field
            and _due(ra) != _due(rb)
            and equivalent(FACT_KINDS[sa.kind], sa.where, sb.where)
        )
    if isinstance(ra, ResponsePlan) and isinstance(rb, ResponsePlan):
        if (ra.trigger_kind, ra.trigger_rule) != (rb.trigger_kind, rb.trigger_rule):
            return False
        if (ra.due_days, ra.due_field) == (rb.due_days, rb.due_field):
            return False
        same_trigger = ra.trigger_kind is None or equivalent(
            FACT_KINDS[ra.trigger_kind], ra.trigger_where, rb.trigger_where
        )
        sa, sb = ra.response, rb.response
        return (
            same_trigger
            and ra.trigger_statuses == rb.trigger_statuses
            and sa.kind == sb.kind
            and set(sa.bind) == set(sb.bind)
            and (ra.link, ra.link_to) == (rb.link, rb.link_to)
            and equivalent(FACT_KINDS[sa.kind], sa.where, sb.where)
        )
    return False


def _describe_due_zh(rule: PlanRule) -> str:
    """:func:`_describe_due` in Chinese."""
    req = rule.requirement
    if isinstance(req, DeadlinePlan):
        if req.due_date is not None:
            return f"期限 {_due(req)[0]}"
        day = _due(req)[0]
        offset = f"（年份 {req.year_offset:+d}）" if req.year_offset else ""
        return f"期限 {day.month:02d}-{day.day:02d}{offset}"
    assert isinstance(req, ResponsePlan)
    field = f"（或按触发事实的 `{req.due_field}`）" if req.due_field else ""
    return f"触发后 {req.due_days} 天内{field}"


def _describe_due(rule: PlanRule) -> str:
    req = rule.requirement
    if isinstance(req, DeadlinePlan):
        if req.due_date is not None:
            return f"due {_due(req)[0]}"
        day = _due(req)[0]
        offset = f" of year {req.year_offset:+d}" if req.year_offset else ""
        return f"due {day.month:02d}-{day.day:02d}{offset}"
    assert isinstance(req, ResponsePlan)
    field = f" (or by the trigger's `{req.due_field}`)" if req.due_field else ""
    return f"due {req.due_days} days after the trigger{field}"


def conflict_problems(plan: Plan, loc: Locator) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    prohibitions = [r for r in plan.rules if isinstance(r.requirement, ForbidPlan)]
    obligations = [r for r in plan.rules if r.requirement.type in ("count", "deadline", "response")]
    for p in prohibitions:
        for o in obligations:
            if _forbids(o, p):
                out.append(
                    Diagnostic(
                        "hz_lint_duty_conflict",
                        f"rule `{p.id}` forbids every act that meets obligation `{o.id}`: "
                        "the same holder is obliged and forbidden the same act while both "
                        "are in force",
                        loc.span(p.id),
                        help=f"`{o.id}` is at {o.span}; narrow the prohibition's `where`, "
                        "its holder or its `in_force`, or drop one rule",
                        zh=f"规则 `{p.id}` 禁止了满足义务 `{o.id}` 的每一种行为：两者同时有效时，"
                        "同一责任主体对同一行为既负有义务又被禁止",
                        help_zh=f"`{o.id}` 位于 {o.span}；收窄禁止性规范的 `where`、责任主体或 "
                        "`in_force`，或删去其中一条规则",
                    )
                )
    ordered = sorted(plan.rules, key=lambda r: (r.span.file, r.span.line, r.span.col))
    for a, b in combinations(ordered, 2):
        if (
            a.requirement.type == b.requirement.type
            and _windows_overlap(a, b)
            and holders_overlap(a, b)
            and _same_deliverable(a, b)
        ):
            out.append(
                Diagnostic(
                    "hz_lint_deadline_conflict",
                    f"rules `{a.id}` ({_describe_due(a)}) and `{b.id}` ({_describe_due(b)}) "
                    "ask the same holders for the same deliverable by different dates",
                    loc.span(b.id),
                    help=f"`{a.id}` is at {a.span}; keep one due date (a parameter if the "
                    "text can be read both ways)",
                    zh=f"规则 `{a.id}`（{_describe_due_zh(a)}）与 `{b.id}`（{_describe_due_zh(b)}）"
                    "要求同一责任主体在不同日期前交同一份材料",
                    help_zh=f"`{a.id}` 位于 {a.span}；只保留一个期限（若条文两种读法都说得通，"
                    "就用参数）",
                )
            )
    return out
