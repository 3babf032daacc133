"""Rule set → :class:`Plan`, through named passes that each add diagnostics.

Passes, in order: ``parameters`` (declared values fit their types; overrides are known and fit),
``rules`` (each rule: parameters resolved where used, fact kinds and field paths resolved against
the fact model, holders and requirements checked), ``escalation`` (``finding_of`` names a rule;
no cycles; rules ordered so a trigger rule runs before the rules it triggers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, assert_never

from hezhang_rules.compile import params as P
from hezhang_rules.compile import requirements as R
from hezhang_rules.compile.conditions import ConditionCompiler
from hezhang_rules.compile.context import Ctx, Param, PathKey
from hezhang_rules.compile.plan import (
    ArticleInfo,
    CountPlan,
    DeadlinePlan,
    EvidencePlan,
    ForbidPlan,
    ParameterInfo,
    Plan,
    PlanRule,
    Requirement,
    ResponsePlan,
    Text2,
)
from hezhang_rules.diagnostics import Diagnostic, RuleLoadError, Span, did_you_mean, did_you_mean_zh
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.facts.schema import PathError, resolve_path
from hezhang_rules.rules import model as M
from hezhang_rules.rules.loader import LoadedRuleFile, RuleSet


def _declare(
    ctx: Ctx,
    table: dict[str, Param],
    params: Mapping[str, M.Parameter],
    article: int | None,
    qualify: str | None,
    overrides: dict[str, Any],
) -> None:
    for name, decl in params.items():
        path: PathKey = ("parameters", name)
        if not M.re_param(name):
            ctx.error(
                "hz_rule_parameter_name",
                f"parameter name `{name}` is not snake_case",
                path,
                zh=f"参数名 `{name}` 不是 snake_case 形式",
            )
        if qualify is not None and name in ctx.pack_params:
            ctx.error(
                "hz_compile_parameter_shadows",
                f"parameter `{name}` is already a pack parameter",
                path,
                help="rename it",
                zh=f"参数 `{name}` 已是规则包级参数",
                help_zh="给它改名",
            )
        expected = P.check_value(decl.type, decl.value, decl.choices)
        if expected:
            ctx.error(
                "hz_compile_parameter_type",
                f"value of `{name}` should be {expected[0]}",
                (*path, "value"),
                zh=f"`{name}` 的值应为 {expected[1]}",
            )
            continue
        qualified = f"{qualify}.{name}" if qualify else name
        value = P.convert(decl.type, decl.value)
        overridden = False
        if qualified in overrides:
            raw = overrides.pop(qualified)
            problem = P.check_value(decl.type, raw, decl.choices)
            if problem:
                ctx.diags.append(
                    Diagnostic(
                        "hz_usage_bad_override",
                        f"override {qualified}={P.shown(raw)}: expected {problem[0]}",
                        Span("<overrides>"),
                        zh=f"覆盖 {qualified}={P.shown(raw)}：应为 {problem[1]}",
                    )
                )
                raw = None  # keep the declared value so its uses do not cascade into more errors
            value, overridden = P.convert(decl.type, raw), True
        table[name] = Param(qualified, decl, decl.article or article, value, overridden)


def _parameters_pass(ctx: Ctx, overrides: dict[str, Any]) -> None:
    ctx.file = None
    _declare(ctx, ctx.pack_params, ctx.ruleset.pack.model.parameters, None, None, overrides)
    for f in ctx.ruleset.files:
        ctx.file = f
        table: dict[str, Param] = {}
        _declare(
            ctx, table, f.model.parameters, f.model.article, f"art{f.model.article:03d}", overrides
        )
        ctx.file_params[f.model.article] = table
    ctx.file = None
    for name in sorted(overrides):
        known = [p.qualified for p in ctx.pack_params.values()] + [
            p.qualified for t in ctx.file_params.values() for p in t.values()
        ]
        ctx.diags.append(
            Diagnostic(
                "hz_usage_unknown_override",
                f"no parameter `{name}` to override",
                Span("<overrides>"),
                help=did_you_mean(name, known),
                zh=f"没有可覆盖的参数 `{name}`",
                help_zh=did_you_mean_zh(name, known),
            )
        )


def _in_force(ctx: Ctx, f: LoadedRuleFile) -> tuple[dt.date, dt.date | None]:
    raw = ctx.value(f.model.in_force.from_, ("in_force", "from"), ("date",))
    start = raw if isinstance(raw, dt.date) else None
    if isinstance(raw, str):
        start = P.parse_date(raw)
        if start is None:
            ctx.error(
                "hz_compile_bad_date",
                f"`{raw}` is not a date YYYY-MM-DD",
                ("in_force", "from"),
                zh=f"`{raw}` 不是 YYYY-MM-DD 格式的日期",
            )
    raw_until = f.model.in_force.until
    until = P.parse_date(raw_until) if raw_until is not None else None
    if raw_until is not None and until is None:
        ctx.error(
            "hz_compile_bad_date",
            f"`{raw_until}` is not a date YYYY-MM-DD",
            ("in_force", "until"),
            zh=f"`{raw_until}` 不是 YYYY-MM-DD 格式的日期",
        )
    return start or dt.date.min, until


def _definitions_pass(ctx: Ctx) -> None:
    """Each ``defines`` entry names a fact-model enumeration and only values it has."""
    from hezhang_rules.facts.enums import ENUMS

    for f in ctx.ruleset.files:
        ctx.file = f
        for i, d in enumerate(f.model.defines):
            path: PathKey = ("defines", i)
            enum = ENUMS.get(d.enum)
            if enum is None:
                ctx.error(
                    "hz_compile_unknown_enum",
                    f"no enumeration `{d.enum}` in the fact model",
                    (*path, "enum"),
                    help=did_you_mean(d.enum, ENUMS),
                    zh=f"事实模型中没有枚举 `{d.enum}`",
                    help_zh=did_you_mean_zh(d.enum, ENUMS),
                )
                continue
            values = {m.value for m in enum}
            for value in d.terms:
                if value not in values:
                    ctx.error(
                        "hz_compile_unknown_value",
                        f"`{value}` is not a value of {d.enum}",
                        (*path, "terms", value),
                        help=did_you_mean(value, values),
                        zh=f"`{value}` 不是 {d.enum} 的值",
                        help_zh=did_you_mean_zh(value, values),
                    )
    ctx.file = None


def _rules_pass(ctx: Ctx) -> list[PlanRule]:
    out: list[PlanRule] = []
    for f in ctx.ruleset.files:
        ctx.file = f
        ctx.uses = {}
        start, until = _in_force(ctx, f)
        file_uses = dict(ctx.uses)
        for i, rule in enumerate(f.model.rules):
            path: PathKey = ("rules", i)
            ctx.uses = dict(file_uses)
            cc = ConditionCompiler(ctx.value, ctx.error)
            R.modality(ctx, rule, path)
            holder = R.holder(ctx, cc, rule, path)
            req = R.requirement(ctx, cc, rule, path)
            answers = R.answers(ctx, rule, holder, path) if holder is not None else None
            if holder is None or req is None or answers is None:
                continue
            R.check_bind_kinds(ctx, rule, holder, req, (*path, "requires"))
            span = f.doc.span((*path, "id"))
            out.append(
                PlanRule(
                    rule.id,
                    f.model.article,
                    Text2(rule.title.zh, rule.title.en),
                    rule.clause,
                    rule.modality,
                    rule.severity,
                    holder,
                    req,
                    start,
                    until,
                    tuple(sorted(ctx.uses.values(), key=lambda u: u.name)),
                    span,
                    pack_location(ctx.ruleset, span),
                    answers,
                )
            )
    ctx.file = None
    return out


def _check_escalated_within(ctx: Ctx, rule: PlanRule, source: PlanRule) -> None:
    """An escalated duty's ``within`` reads the source rule's trigger (its findings' subject)."""
    within = rule.holder.within
    src = source.requirement
    kind = src.trigger_kind if isinstance(src, ResponsePlan) else None
    problem = problem_zh = None
    if kind is None:
        problem = f"`within` needs a trigger fact, and `{source.id}` has none"
        problem_zh = f"`within` 需要触发事实，而 `{source.id}` 没有"
    else:
        try:
            shape = resolve_path(FACT_KINDS[kind], within or "")
            if not (
                shape.kind == "scalar"
                and shape.ref
                and set(shape.ref) <= {"jurisdictions", "units"}
            ):
                problem = f"`{within}` of {kind} does not name a jurisdiction or unit"
                problem_zh = f"{kind} 的 `{within}` 指的不是辖区或单位"
        except PathError as exc:
            problem = f"`{within}` is not a field of {kind} ({exc})"
            problem_zh = f"`{within}` 不是 {kind} 的字段"
    if problem is not None and problem_zh is not None:
        ctx.diags.append(Diagnostic("hz_compile_field_type", problem, rule.span, zh=problem_zh))


def _escalation_pass(ctx: Ctx, rules: list[PlanRule]) -> list[PlanRule]:
    by_id = {r.id: r for r in rules}
    deps: dict[str, str | None] = {}
    for r in rules:
        req = r.requirement
        target = req.trigger_rule if isinstance(req, ResponsePlan) else None
        if target is not None and target not in by_id:
            ctx.diags.append(
                Diagnostic(
                    "hz_compile_unknown_rule",
                    f"`finding_of` names no rule `{target}`",
                    r.span,
                    help=did_you_mean(target, by_id),
                    zh=f"`finding_of` 所指的规则 `{target}` 不存在",
                    help_zh=did_you_mean_zh(target, by_id),
                )
            )
            target = None
        deps[r.id] = target
        if target is not None and r.holder.within is not None:
            _check_escalated_within(ctx, r, by_id[target])
    ordered: list[PlanRule] = []
    state: dict[str, int] = {}
    for rid in sorted(by_id, key=lambda x: (by_id[x].article, x)):
        chain: list[str] = []
        cur: str | None = rid
        while cur is not None and state.get(cur) != 2:
            if cur in chain:
                cycle = " → ".join([*chain[chain.index(cur) :], cur])
                ctx.diags.append(
                    Diagnostic(
                        "hz_compile_escalation_cycle",
                        f"escalation cycle: {cycle}",
                        by_id[cur].span,
                        zh=f"升级链形成循环：{cycle}",
                    )
                )
                for c in chain:
                    state[c] = 2
                break
            chain.append(cur)
            cur = deps.get(cur)
        for c in reversed(chain):
            if state.get(c) != 2:
                state[c] = 2
                ordered.append(by_id[c])
    return ordered


def _article_info(f: LoadedRuleFile) -> ArticleInfo:
    m = f.model
    return ArticleInfo(
        m.article,
        m.chapter,
        Text2(m.title.zh, m.title.en),
        m.text,
        tuple((u.clause, u.reason, u.explanation) for u in m.unchecked),
        f.path,
        f.doc.span(("text",)),
    )


_TYPE_ENUMS = {
    "roles": "Role",
    "levels": "JurisdictionLevel",
    "unit_types": "UnitType",
    "period": "Period",
    "choice": "PeriodPolicy",
}
"""The glossary's enumeration of a parameter type's values (``choice`` parameters are the period
policy's `clip`/`exempt`; a value the glossary lacks is shown as written)."""


def _parameter_infos(ctx: Ctx) -> tuple[ParameterInfo, ...]:
    tables = [ctx.pack_params, *ctx.file_params.values()]
    infos = [
        ParameterInfo(
            p.qualified,
            p.decl.type,
            p.value,
            P.convert(p.decl.type, p.decl.value),
            p.article,
            p.decl.reads,
            Text2(p.decl.reading.zh, p.decl.reading.en),
            Text2(p.decl.reason.zh, p.decl.reason.en),
            p.overridden,
            p.decl.basis,
            ctx.param_enums.get(p.qualified) or _TYPE_ENUMS.get(p.decl.type),
        )
        for t in tables
        for p in t.values()
    ]
    return tuple(sorted(infos, key=lambda x: x.name))


def pack_location(ruleset: RuleSet, span: Span) -> str:
    """``span`` relative to the pack: its name, the file's path inside the pack folder, line and
    column (``qinghemen/art_005.yaml:162:9``)."""
    inside = Path(span.file).relative_to(ruleset.root).as_posix()
    return str(Span(f"{ruleset.pack.model.pack}/{inside}", span.line, span.col))


def compile_rules(ruleset: RuleSet, overrides: Mapping[str, Any] | None = None) -> Plan:
    """Compile a loaded rule set; raise :class:`RuleLoadError` with every problem found."""
    ctx = Ctx(ruleset)
    pending = dict(overrides or {})
    _parameters_pass(ctx, pending)
    _definitions_pass(ctx)
    rules = _rules_pass(ctx)
    ordered = _escalation_pass(ctx, rules)
    if ctx.diags:
        raise RuleLoadError(ctx.diags)
    kinds = {k for r in ordered for k in _kinds_of(r.requirement)}
    return Plan(
        ruleset.pack.model.pack,
        ruleset.digest(),
        tuple(ordered),
        tuple(_article_info(f) for f in sorted(ruleset.files, key=lambda f: f.model.article)),
        _parameter_infos(ctx),
        frozenset(kinds),
        Text2(ruleset.pack.model.title.zh, ruleset.pack.model.title.en),
    )


def _kinds_of(req: Requirement) -> list[str]:
    match req:
        case EvidencePlan():
            return [req.kind]
        case ResponsePlan():
            return [k for k in (req.trigger_kind, req.response.kind) if k]
        case CountPlan() | ForbidPlan() | DeadlinePlan():
            return [req.select.kind]
        case _:
            assert_never(req)
