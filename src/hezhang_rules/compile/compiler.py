"""Rule set → :class:`Plan`, through named passes that each add diagnostics.

Passes, in order: ``parameters`` (declared values fit their types; overrides are known and fit),
``rules`` (each rule: parameters resolved where used, fact kinds and field paths resolved against
the fact model, holders and requirements checked), ``escalation`` (``finding_of`` names a rule;
no cycles; rules ordered so a trigger rule runs before the rules it triggers).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, assert_never

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
    ParamUse,
    Plan,
    PlanRule,
    Requirement,
    ResponsePlan,
    Text2,
    VersionInfo,
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
    under: PathKey = (),
) -> None:
    for name, decl in params.items():
        path: PathKey = (*under, "parameters", name)
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
        dated = _dated_values(ctx, name, decl, path)
        expected = (
            None if decl.values is not None else P.check_value(decl.type, decl.value, decl.choices)
        )
        if expected:
            ctx.error(
                "hz_compile_parameter_type",
                f"value of `{name}` should be {expected[0]}",
                (*path, "value"),
                zh=f"`{name}` 的值应为 {expected[1]}",
            )
            continue
        if decl.values is not None and dated is None:
            continue
        qualified = f"{qualify}.{name}" if qualify else name
        value = dated[0][1] if dated else P.convert(decl.type, decl.value)
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
            value, overridden, dated = P.convert(decl.type, raw), True, None
        table[name] = Param(qualified, decl, decl.article or article, value, overridden, dated)


def _dated_values(
    ctx: Ctx, name: str, decl: M.Parameter, path: PathKey
) -> tuple[tuple[dt.date, Any, tuple[str, str] | None], ...] | None:
    """A parameter's dated ``values`` checked (each fits the type; dates real and in order):
    (first day, value, amending instrument) each, oldest first; ``None`` when it has none or
    one is wrong (located)."""
    if decl.values is None:
        return None
    out: list[tuple[dt.date, Any, tuple[str, str] | None]] = []
    ok = True
    for i, v in enumerate(decl.values):
        at: PathKey = (*path, "values", i)
        day = P.parse_date(v.from_)
        expected = P.check_value(decl.type, v.value, decl.choices)
        if day is None:
            ctx.error(
                "hz_compile_bad_date",
                f"`{v.from_}` is not a date YYYY-MM-DD",
                (*at, "from"),
                zh=f"`{v.from_}` 不是 YYYY-MM-DD 格式的日期",
            )
            ok = False
        elif out and day <= out[-1][0]:
            ctx.error(
                "hz_compile_dated_value_order",
                f"the values of `{name}` are not in date order: {day} is not after {out[-1][0]}",
                (*at, "from"),
                help="list the values oldest first, each from a later day",
                zh=f"`{name}` 的各值未按日期排列：{day} 不晚于 {out[-1][0]}",
                help_zh="按时间先后列出各值，每个值的起始日都晚于前一个",
            )
            ok = False
        if expected:
            ctx.error(
                "hz_compile_parameter_type",
                f"value of `{name}` should be {expected[0]}",
                (*at, "value"),
                zh=f"`{name}` 的值应为 {expected[1]}",
            )
            ok = False
        amended = _amendment(ctx, v.amended_by, (*at, "amended_by"))
        if day is not None and not expected:
            out.append((day, P.convert(decl.type, v.value), amended))
    return tuple(out) if ok else None


def _amendment(ctx: Ctx, raw: M.Amendment | None, path: PathKey) -> tuple[str, str] | None:
    """An ``amended_by`` as (name, date YYYY-MM-DD), its date checked."""
    if raw is None:
        return None
    day = P.parse_date(raw.date)
    if day is None:
        ctx.error(
            "hz_compile_bad_date",
            f"`{raw.date}` is not a date YYYY-MM-DD",
            (*path, "date"),
            zh=f"`{raw.date}` 不是 YYYY-MM-DD 格式的日期",
        )
        return None
    return raw.name, day.isoformat()


def _parameters_pass(ctx: Ctx, overrides: dict[str, Any]) -> None:
    ctx.file = None
    _declare(ctx, ctx.pack_params, ctx.ruleset.pack.model.parameters, None, None, overrides)
    amendments = ctx.ruleset.pack.model.amendments
    if amendments is not None:
        ctx.uses = {}
        anchor = ctx.value(
            amendments.period_anchor,
            ("amendments", "period_anchor"),
            ("choice",),
            choices=("start", "end"),
        )
        if anchor in ("start", "end"):
            ctx.anchor = (anchor, next(iter(ctx.uses.values()), None))
        elif anchor is not None:
            ctx.error(
                "hz_compile_parameter_type",
                f"the period anchor is `{anchor}`: start or end",
                ("amendments", "period_anchor"),
                zh=f"期间锚定日为 `{anchor}`：应为 start 或 end",
            )
        ctx.uses = {}
    for f in ctx.ruleset.files:
        ctx.file = f
        table: dict[str, Param] = {}
        _declare(
            ctx, table, f.model.parameters, f.model.article, f"art{f.model.article:03d}", overrides
        )
        ctx.file_params[f.model.article] = table
        for vi, version in enumerate(f.model.versions):
            vtable: dict[str, Param] = {}
            _declare(
                ctx,
                vtable,
                version.parameters,
                f.model.article,
                f"art{f.model.article:03d}",
                overrides,
                ("versions", vi),
            )
            for name in vtable:
                if name in table or any(name in t for t in _version_tables(ctx, f)):
                    ctx.error(
                        "hz_compile_parameter_twice",
                        f"parameter `{name}` is declared twice in this file",
                        ("versions", vi, "parameters", name),
                        help="a parameter whose value changes with an amendment takes dated "
                        "`values`; a version's own parameter needs a name of its own",
                        zh=f"参数 `{name}` 在本文件中声明了两次",
                        help_zh="值随修正而变的参数写作带日期的 `values`；版本自有的参数须另起名称",
                    )
            ctx.version_tables[(f.model.article, vi)] = vtable
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


def _version_tables(ctx: Ctx, f: LoadedRuleFile) -> list[dict[str, Param]]:
    """The parameter tables of ``f``'s versions declared so far."""
    return [t for (article, _), t in ctx.version_tables.items() if article == f.model.article]


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
        ctx.forces[f.model.article] = (start, until)
        file_uses = dict(ctx.uses)
        if not f.model.versions:
            for i, rule in enumerate(f.model.rules):
                force = (start, until)
                out += _rule_windows(ctx, rule, ("rules", i), force, file_uses, None, force)
            continue
        for vi, version, window in _versions(ctx, f, start, until):
            ctx.version_params = ctx.version_tables.get((f.model.article, vi), {})
            text_span = f.doc.span(("versions", vi, "text"))
            base = VersionInfo(
                version.version,
                window[0],
                window[1],
                "start",
                _amendment(ctx, version.amended_by, ("versions", vi, "amended_by")),
                version.text,
                text_span,
                open_before=vi == 0,
            )
            for i, rule in enumerate(version.rules):
                path: PathKey = ("versions", vi, "rules", i)
                out += _rule_windows(ctx, rule, path, window, file_uses, base, (start, until))
        ctx.version_params = {}
    ctx.file = None
    _check_versions_agree(ctx, out)
    return out


def _rule_windows(
    ctx: Ctx,
    rule: M.Rule,
    path: PathKey,
    window: tuple[dt.date, dt.date | None],
    file_uses: dict[str, ParamUse],
    base: VersionInfo | None,
    force: tuple[dt.date, dt.date | None],
) -> list[PlanRule]:
    """``rule`` compiled once per window of the dated parameter values it reads inside
    ``window`` (its version's, or the file's force): one rule without a version when it is
    unversioned and reads none."""
    ctx.on, ctx.dated_used = window[0], {}
    first = _compile_rule(ctx, rule, path, file_uses, force)
    if first is None:
        return []
    end = window[1] or dt.date.max
    cuts = sorted(
        {d for p in ctx.dated_used.values() for d, _, _ in p.dated or () if window[0] < d <= end}
    )
    if base is None and not cuts:
        return [first]
    if ctx.anchor is None:
        ctx.error(
            "hz_compile_no_period_anchor",
            "a versioned rule (or one reading dated parameter values) needs the pack's "
            "`amendments: {period_anchor: …}`",
            (*path, "id"),
            help="add `amendments: {period_anchor: {param: amendment_period_anchor}}` to "
            "pack.yaml with that parameter (start or end; docs/rule-format.md)",
            zh="有版本的规则（或读取带日期参数值的规则）需要规则包的 "
            "`amendments: {period_anchor: …}`",
            help_zh="在 pack.yaml 中加入 `amendments: {period_anchor: {param: "
            "amendment_period_anchor}}` 及该参数（start 或 end；见 docs/rule-format.md）",
        )
        return []
    anchor: Literal["start", "end"] = "end" if ctx.anchor[0] == "end" else "start"
    anchor_use = ctx.anchor[1]
    starts = [window[0], *cuts]
    out = []
    for k, lo in enumerate(starts):
        hi = starts[k + 1] - dt.timedelta(days=1) if k + 1 < len(starts) else window[1]
        compiled = first
        if k:
            ctx.on, ctx.dated_used = lo, {}
            again = _compile_rule(ctx, rule, path, file_uses, force)
            if again is None:
                return []
            compiled = again
        amended = next(
            (a for p in ctx.dated_used.values() for d, _, a in p.dated or () if d == lo and a),
            None,
        )
        if base is None:
            info = VersionInfo(lo.isoformat(), lo, hi, anchor, amended, open_before=not k)
        else:
            info = dataclasses.replace(
                base,
                label=base.label if not k else f"{base.label}@{lo.isoformat()}",
                judged_from=lo,
                judged_until=hi,
                anchor=anchor,
                amended_by=amended or base.amended_by,
                open_before=base.open_before and not k,
            )
        uses = {u.name: u for u in compiled.params}
        if anchor_use is not None:
            uses[anchor_use.name] = anchor_use
        params = tuple(sorted(uses.values(), key=lambda u: u.name))
        out.append(dataclasses.replace(compiled, version=info, params=params))
    return out


def _compile_rule(
    ctx: Ctx,
    rule: M.Rule,
    path: PathKey,
    file_uses: dict[str, ParamUse],
    force: tuple[dt.date, dt.date | None],
) -> PlanRule | None:
    """One rule of the file being compiled, its parameters read on ``ctx.on``."""
    f = ctx.file
    assert f is not None
    ctx.uses = dict(file_uses)
    cc = ConditionCompiler(ctx.value, ctx.error)
    R.modality(ctx, rule, path)
    holder = R.holder(ctx, cc, rule, path)
    req = R.requirement(ctx, cc, rule, path)
    answers = R.answers(ctx, rule, holder, path) if holder is not None else None
    if holder is None or req is None or answers is None:
        return None
    R.check_bind_kinds(ctx, rule, holder, req, (*path, "requires"))
    span = f.doc.span((*path, "id"))
    start, until = force
    return PlanRule(
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


def _versions(
    ctx: Ctx, f: LoadedRuleFile, start: dt.date, until: dt.date | None
) -> list[tuple[int, M.ArticleVersion, tuple[dt.date, dt.date | None]]]:
    """The versions of ``f`` with the days each judges: from its ``in_force.from`` to the day
    before the next one's (the last: to the file's ``until``). Located errors for a version
    that is out of order, overlaps the next, leaves a gap before it or before the file's first
    day, or ends before the file does; for a label used twice; and for a rule of the previous
    version that a version drops without naming it in ``repeals`` (and names it there)."""
    versions = f.model.versions
    froms: list[dt.date | None] = []
    for vi, v in enumerate(versions):
        raw = ctx.value(v.in_force.from_, ("versions", vi, "in_force", "from"), ("date",))
        day = P.parse_date(raw) if raw is not None else None
        if raw is not None and day is None:
            ctx.error(
                "hz_compile_bad_date",
                f"`{raw}` is not a date YYYY-MM-DD",
                ("versions", vi, "in_force", "from"),
                zh=f"`{raw}` 不是 YYYY-MM-DD 格式的日期",
            )
        froms.append(day)
    if any(d is None for d in froms):
        return []
    days = [d for d in froms if d is not None]
    ok = True
    labels: dict[str, int] = {}
    for vi, v in enumerate(versions):
        at: PathKey = ("versions", vi)
        if v.version in labels:
            ctx.error(
                "hz_compile_version_label",
                f"version `{v.version}` is listed twice",
                (*at, "version"),
                zh=f"版本 `{v.version}` 列出了两次",
            )
            ok = False
        labels.setdefault(v.version, vi)
        if vi == 0 and days[0] > start:
            ctx.error(
                "hz_compile_version_gap",
                f"the first version starts on {days[0]}, after the article takes effect "
                f"({start}): the days between are judged by no version",
                (*at, "in_force", "from"),
                help="start the first version on the article's `in_force.from` (usually "
                "`{param: in_force}`)",
                zh=f"第一个版本自 {days[0]} 起，晚于本条施行之日（{start}）："
                "其间的日子没有版本可依",
                help_zh="让第一个版本自本条的 `in_force.from` 起（通常为 `{param: in_force}`）",
            )
            ok = False
        if vi and days[vi] <= days[vi - 1]:
            ctx.error(
                "hz_compile_version_order",
                f"version `{v.version}` starts on {days[vi]}, not after the previous one "
                f"({days[vi - 1]})",
                (*at, "in_force", "from"),
                help="list the versions oldest first, each from a later day",
                zh=f"版本 `{v.version}` 自 {days[vi]} 起，不晚于前一个版本（{days[vi - 1]}）",
                help_zh="按时间先后列出各版本，每个版本的起始日都晚于前一个",
            )
            ok = False
        raw_until = v.in_force.until
        if raw_until is not None:
            end = P.parse_date(raw_until)
            expected = days[vi + 1] - dt.timedelta(days=1) if vi + 1 < len(days) else until
            if end != expected:
                what, what_zh = (
                    ("overlaps the next version", "与下一个版本重叠")
                    if end is not None and expected is not None and end > expected
                    else ("leaves a gap", "留下空档")
                )
                ctx.error(
                    "hz_compile_version_until",
                    f"`until: {raw_until}` {what}: a version runs to the day before the next "
                    f"one's `from` ({expected or 'open'})",
                    (*at, "in_force", "until"),
                    help="leave `until` out: it is the day before the next version's `from`",
                    zh=f"`until: {raw_until}` {what_zh}：版本施行至下一个版本 `from` 的前一日"
                    f"（{expected or '不限'}）",
                    help_zh="省略 `until`：它就是下一个版本 `from` 的前一日",
                )
                ok = False
        if vi:
            _check_repeals(ctx, versions[vi - 1], v, at)
    if not ok:
        return []
    out = []
    for vi, v in enumerate(versions):
        # the last version is open: the file's `until` ends its rules' force, not its window
        hi = days[vi + 1] - dt.timedelta(days=1) if vi + 1 < len(days) else None
        out.append((vi, v, (max(days[vi], start) if vi == 0 else days[vi], hi)))
    return out


def _check_repeals(
    ctx: Ctx, before: M.ArticleVersion, version: M.ArticleVersion, at: PathKey
) -> None:
    """A rule of ``before`` that ``version`` does not list is named in its ``repeals``; a name
    there is a rule of ``before`` that it does not list."""
    old = {r.id for r in before.rules}
    new = {r.id for r in version.rules}
    named = set(version.repeals)
    for rid in sorted(old - new - named):
        ctx.error(
            "hz_compile_version_drops_rule",
            f"version `{version.version}` drops rule `{rid}` of `{before.version}` without "
            "saying so",
            (*at, "rules"),
            help="list it in the version's `repeals` if the amendment repeals the duty, or "
            "keep the rule",
            zh=f"版本 `{version.version}` 未加说明地去掉了 `{before.version}` 的规则 `{rid}`",
            help_zh="若修正废止了该义务，把它列入本版本的 `repeals`；否则保留该规则",
        )
    for i, rid in enumerate(version.repeals):
        if rid not in old or rid in new:
            ctx.error(
                "hz_compile_version_repeals",
                f"`repeals` names `{rid}`, which is not a rule `{version.version}` drops from "
                f"`{before.version}`",
                (*at, "repeals", i),
                zh=f"`repeals` 所列的 `{rid}` 不是本版本从 `{before.version}` 中去掉的规则",
            )


def _check_versions_agree(ctx: Ctx, rules: list[PlanRule]) -> None:
    """The versions of one rule keep its modality, severity, requirement kind and holder's
    way (a changed kind is a new duty: a new id); reports write these once per rule."""
    first: dict[str, PlanRule] = {}
    for r in rules:
        seen = first.setdefault(r.id, r)
        if seen is r:
            continue
        a = (seen.modality, seen.severity, seen.requirement.type, seen.holder.way)
        b = (r.modality, r.severity, r.requirement.type, r.holder.way)
        if a != b:
            ctx.diags.append(
                Diagnostic(
                    "hz_compile_version_kind",
                    f"rule `{r.id}` changes its modality, severity, requirement type or "
                    f"holder between versions ({'/'.join(a)} → {'/'.join(b)})",
                    r.span,
                    help="give the amended duty a new id, and list the old one in `repeals`",
                    zh=f"规则 `{r.id}` 在不同版本间改变了其情态、强度、要求类型或义务人方式"
                    f"（{'/'.join(a)} → {'/'.join(b)}）",
                    help_zh="给修正后的义务另起 id，并把旧 id 列入 `repeals`",
                )
            )


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
    versions: dict[str, list[PlanRule]] = {}  # a versioned rule: one per version, in order
    for r in rules:
        versions.setdefault(r.id, []).append(r)
    by_id = {rid: group[0] for rid, group in versions.items()}
    deps: dict[str, str | None] = {}
    for r in by_id.values():
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
                ordered.extend(versions[c])
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
    tables = [ctx.pack_params, *ctx.file_params.values(), *ctx.version_tables.values()]
    infos = [
        ParameterInfo(
            p.qualified,
            p.decl.type,
            p.value,
            p.dated[0][1] if p.dated else P.convert(p.decl.type, p.decl.value),
            p.article,
            p.decl.reads,
            Text2(p.decl.reading.zh, p.decl.reading.en),
            Text2(p.decl.reason.zh, p.decl.reason.en),
            p.overridden,
            p.decl.basis,
            ctx.param_enums.get(p.qualified) or _TYPE_ENUMS.get(p.decl.type),
            tuple((d, v) for d, v, _ in p.dated) if p.dated else None,
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


def compile_rules(
    ruleset: RuleSet,
    overrides: Mapping[str, Any] | None = None,
    overlays: Sequence[RuleSet] = (),
) -> Plan:
    """Compile a loaded rule set, with the ``overlays`` that refine it (art. 37: a town's
    measures, a department's plan; docs/rule-format.md, "Overlays") compiled into the same
    plan; raise :class:`RuleLoadError` with every problem found (an overlay less strict than
    the pack it refines is one)."""
    refines = ruleset.pack.model.refines
    if refines is not None:
        name = ruleset.pack.model.pack
        raise RuleLoadError(
            [
                Diagnostic(
                    "hz_overlay_as_base",
                    f"the pack `{name}` refines `{refines.pack}`: it adds to that pack's duties "
                    "and does not run alone",
                    ruleset.pack.doc.span(("refines",), key=True),
                    help=f"run it as --rules {refines.pack} --overlay {ruleset.root}",
                    zh=f"规则包 `{name}` 细化 `{refines.pack}`：它在该规则包的义务之上增加义务，"
                    "不能单独运行",
                    help_zh=f"请以 --rules {refines.pack} --overlay {ruleset.root} 运行",
                )
            ]
        )
    # An override of an overlay's own parameter is named `<overlay>.<name>` (as in the plan).
    names = {o.pack.model.pack for o in overlays}
    given = dict(overrides or {})
    base = {k: v for k, v in given.items() if k.split(".", 1)[0] not in names}
    plan = compile_pack(ruleset, base)[0]
    if not overlays:
        return plan
    from hezhang_rules.compile.overlay import with_overlays

    return with_overlays(ruleset, plan, given, overlays)


def compile_pack(
    ruleset: RuleSet, overrides: Mapping[str, Any] | None = None
) -> tuple[Plan, dict[int, tuple[dt.date, dt.date | None]]]:
    """One pack compiled alone, with each article's in-force window (``from``, ``until``)."""
    ctx = Ctx(ruleset)
    pending = dict(overrides or {})
    _parameters_pass(ctx, pending)
    _definitions_pass(ctx)
    rules = _rules_pass(ctx)
    ordered = _escalation_pass(ctx, rules)
    if ctx.diags:
        raise RuleLoadError(ctx.diags)
    kinds = {k for r in ordered for k in _kinds_of(r.requirement)}
    plan = Plan(
        ruleset.pack.model.pack,
        ruleset.digest(),
        tuple(ordered),
        tuple(_article_info(f) for f in sorted(ruleset.files, key=lambda f: f.model.article)),
        _parameter_infos(ctx),
        frozenset(kinds),
        Text2(ruleset.pack.model.title.zh, ruleset.pack.model.title.en),
        pack_reads=frozenset(
            u.name for u in ([ctx.anchor[1]] if ctx.anchor and ctx.anchor[1] else [])
        ),
    )
    return plan, dict(ctx.forces)


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
