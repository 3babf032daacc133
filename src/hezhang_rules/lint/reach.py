"""Rules no valid world can bring to life, and duties no fact can ever meet.

``hz_lint_unreachable``: the rule can never produce a finding (no holder can exist, no fact can
trigger it or be judged by it, its escalation waits for a status its trigger rule never gives,
its file is in force for no day) or, for a prohibition, can never be broken.
``hz_lint_unfulfillable``: the rule produces findings but no fact can ever meet the duty (the
selection's ``where`` or an evidence rule's ``must`` contradicts itself), so it is always
violated in the end.
"""

from __future__ import annotations

from collections.abc import Sequence

from hezhang_rules.compile import plan
from hezhang_rules.compile.logic import Atom, Contradiction, atoms, contradiction, describe
from hezhang_rules.compile.operators import Op
from hezhang_rules.compile.plan import Plan, PlanRule
from hezhang_rules.diagnostics import Diagnostic
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.lint.locate import Locator, PathKey, unit_atoms

# Statuses each requirement type can give (rule-format.md §8): a count's fulfilling act lies in
# its period, a prohibition is broken or not, a record shows its elements or it does not.
_NEVER_LATE = (plan.CountPlan, plan.ForbidPlan, plan.EvidencePlan)


def _diag(
    loc: Locator,
    rule: PlanRule,
    code: str,
    message: str,
    path: PathKey,
    help: str | None = None,
    *,
    zh: str,
    help_zh: str | None = None,
) -> Diagnostic:
    return Diagnostic(
        code,
        f"rule `{rule.id}`: {message}",
        loc.span(rule.id, path),
        help=help,
        zh=f"规则 `{rule.id}`：{zh}",
        help_zh=help_zh,
    )


def _contradiction_zh(c: Contradiction) -> str:
    """:meth:`Contradiction.describe` in Chinese; each condition quoted as the rule writes it."""
    said = "；".join(
        f"`{a.path}` "
        + ("担任空列表中的角色" if a.cond.op == Op.HOLDS_ROLE else f"`{describe(a.cond)}`")
        for a in [*c.others, c.culprit]
    )
    return f"没有记录能同时满足：{said}"


def _holder(rule: PlanRule, loc: Locator) -> list[Diagnostic]:
    h = rule.holder
    empty: list[tuple[str, PathKey]] = []
    if h.way == "post":
        if not h.roles:
            empty.append(("roles", ("holder", "post", "roles")))
        if h.levels is not None and not h.levels:
            empty.append(("levels", ("holder", "post", "levels")))
    elif h.way == "jurisdiction" and not h.levels:
        empty.append(("levels", ("holder", "jurisdiction", "levels")))
    elif h.way == "unit":
        if not h.types:
            empty.append(("types", ("holder", "unit", "types")))
        if h.levels is not None and not h.levels:
            empty.append(("levels", ("holder", "unit", "levels")))
        if not empty:
            found = contradiction(FACT_KINDS["units"], unit_atoms(rule))
            if found is not None:
                return [
                    _diag(
                        loc,
                        rule,
                        "hz_lint_unreachable",
                        f"no unit can hold this duty: {found.describe()}",
                        found.culprit.origin,
                        zh=f"没有单位能承担这项义务：{_contradiction_zh(found)}",
                    )
                ]
    return [
        _diag(
            loc,
            rule,
            "hz_lint_unreachable",
            f"the holder's `{what}` list is empty: nobody can hold this duty",
            path,
            zh=f"责任主体的 `{what}` 列表为空：没有人能承担这项义务",
        )
        for what, path in empty
    ]


def _where(
    loc: Locator,
    rule: PlanRule,
    kind: str,
    found: Sequence[Atom],
    code: str,
    consequence: str,
    consequence_zh: str,
) -> list[Diagnostic]:
    c = contradiction(FACT_KINDS[kind], found)
    if c is None:
        return []
    return [
        _diag(
            loc,
            rule,
            code,
            f"no `{kind}` record can meet the conditions, so {consequence}: {c.describe()}",
            c.culprit.origin,
            zh=f"没有 `{kind}` 记录能满足这些条件，所以{consequence_zh}：{_contradiction_zh(c)}",
        )
    ]


def _requirement(rule: PlanRule, loc: Locator, by_id: dict[str, PlanRule]) -> list[Diagnostic]:
    req = rule.requirement
    if isinstance(req, plan.CountPlan | plan.DeadlinePlan | plan.ForbidPlan):
        found = atoms(req.select.where, FACT_KINDS[req.select.kind], ("requires", "where"))
        if isinstance(req, plan.ForbidPlan):
            return _where(
                loc,
                rule,
                req.select.kind,
                found,
                "hz_lint_unreachable",
                "it can never be broken",
                "它永远不会被违反",
            )
        return _where(
            loc,
            rule,
            req.select.kind,
            found,
            "hz_lint_unfulfillable",
            "the duty can never be met",
            "这项义务永远无法履行",
        )
    if isinstance(req, plan.EvidencePlan):
        model = FACT_KINDS[req.kind]
        where = atoms(req.where, model, ("requires", "where"))
        out = _where(
            loc,
            rule,
            req.kind,
            where,
            "hz_lint_unreachable",
            "no record is judged",
            "没有记录受审查",
        )
        if not out:
            must = atoms(req.must, model, ("requires", "must"))
            out = _where(
                loc,
                rule,
                req.kind,
                [*where, *must],
                "hz_lint_unfulfillable",
                "every record fails",
                "每条记录都不合格",
            )
        return out
    return _response(rule, req, loc, by_id)


def _response(
    rule: PlanRule, req: plan.ResponsePlan, loc: Locator, by_id: dict[str, PlanRule]
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if req.trigger_kind is not None:
        found = atoms(
            req.trigger_where, FACT_KINDS[req.trigger_kind], ("requires", "trigger", "where")
        )
        out += _where(
            loc,
            rule,
            req.trigger_kind,
            found,
            "hz_lint_unreachable",
            "nothing opens the duty",
            "这项义务永远不会产生",
        )
    elif req.trigger_rule in by_id:
        target = by_id[req.trigger_rule]
        if isinstance(target.requirement, _NEVER_LATE) and req.trigger_statuses <= {
            "fulfilled_late"
        }:
            out.append(
                _diag(
                    loc,
                    rule,
                    "hz_lint_unreachable",
                    f"it waits for `fulfilled_late` findings of `{target.id}`, a "
                    f"{target.requirement.type} rule, which are never late",
                    ("requires", "trigger", "statuses"),
                    help="a count, forbid or evidence duty is met in time or not at all; "
                    "escalate its `violated` findings",
                    zh=f"它等待 `{target.id}` 的 `fulfilled_late` 结论，而那是一条 "
                    f"{target.requirement.type} 规则，从不会逾期",
                    help_zh="count、forbid 或 evidence 类义务要么按时履行，要么根本未履行；"
                    "请升级它的 `violated` 结论",
                )
            )
    found = atoms(
        req.response.where, FACT_KINDS[req.response.kind], ("requires", "response", "where")
    )
    out += _where(
        loc,
        rule,
        req.response.kind,
        found,
        "hz_lint_unfulfillable",
        "the duty can never be met",
        "这项义务永远无法履行",
    )
    return out


def reach_problems(plan: Plan, loc: Locator) -> list[Diagnostic]:
    """Every unreachable rule and unfulfillable duty of the plan."""
    by_id = {r.id: r for r in plan.rules}
    out: list[Diagnostic] = []
    windows: set[str] = set()
    for rule in plan.rules:
        until = rule.in_force_until
        if until is not None and until < rule.in_force_from:
            span = loc.file_span(rule.id, ("in_force", "until"))
            if str(span) not in windows:
                windows.add(str(span))
                out.append(
                    Diagnostic(
                        "hz_lint_unreachable",
                        f"article {rule.article} is in force on no day: `until` "
                        f"{until} is before `from` {rule.in_force_from}",
                        span,
                        zh=f"第 {rule.article} 条没有一天生效：`until` {until} 早于 `from` "
                        f"{rule.in_force_from}",
                    )
                )
        holder = _holder(rule, loc)
        out += holder
        if not holder:
            out += _requirement(rule, loc, by_id)
    return out
