"""The ``rules`` pass, per rule: holders, fact selections and requirements → plan pieces."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hezhang_rules.compile import params as P
from hezhang_rules.compile.conditions import ConditionCompiler, path_error_zh
from hezhang_rules.compile.context import Ctx, PathKey
from hezhang_rules.compile.plan import (
    AnswerSpec,
    CountPlan,
    DeadlinePlan,
    EvidencePlan,
    ForbidPlan,
    HolderSpec,
    PeriodPolicy,
    Requirement,
    ResponsePlan,
    Selection,
    Text2,
)
from hezhang_rules.diagnostics import did_you_mean, did_you_mean_zh
from hezhang_rules.facts.bounds import DAYS_MAX, YEAR_OFFSET_MAX
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.facts.schema import FieldShape, PathError, resolve_path
from hezhang_rules.rules import model as M

_BIND_TARGETS = ("holder", "holder.jurisdiction", "holder.unit")
_UNIT_ZH = {"days": "天", "years": "年"}
_TRIGGER_PREFIX = "trigger."


def _kind(ctx: Ctx, kind: str, path: PathKey) -> bool:
    if kind in FACT_KINDS:
        return True
    ctx.error(
        "hz_compile_unknown_kind",
        f"unknown fact kind `{kind}`",
        path,
        help=did_you_mean(kind, FACT_KINDS),
        zh=f"未知的事实种类 `{kind}`",
        help_zh=did_you_mean_zh(kind, FACT_KINDS),
    )
    return False


def _date_field(ctx: Ctx, kind: str, given: str | None, path: PathKey) -> str:
    model = FACT_KINDS[kind]
    if given is None:
        if model.DATE_FIELD is None:
            ctx.error(
                "hz_compile_no_date_field",
                f"facts of kind `{kind}` have no date; name a `date_field`",
                path,
                zh=f"`{kind}` 种类的事实没有日期；请指定 `date_field`",
            )
            return ""
        return model.DATE_FIELD
    shape = _shape(ctx, kind, given, path)
    if shape is None:
        return given
    if shape.scalar is not dt.date:
        ctx.error(
            "hz_compile_field_type",
            f"`{given}` is not a date field",
            path,
            zh=f"`{given}` 不是日期字段",
        )
    return given


def _selection(
    ctx: Ctx, cc: ConditionCompiler, spec: Any, path: PathKey, trigger_kind: str | None = None
) -> Selection | None:
    """Resolve a fact selection; ``trigger_kind`` allows ``trigger.<field>`` bind targets."""
    if not _kind(ctx, spec.facts, (*path, "facts")):
        return None
    model = FACT_KINDS[spec.facts]
    where = cc.conditions(spec.where, model, (*path, "where"))
    bind = []
    for fname, target in sorted(spec.bind.items()):
        bpath = (*path, "bind", fname)
        if target.startswith(_TRIGGER_PREFIX) and trigger_kind in FACT_KINDS:
            _shape(ctx, trigger_kind, target[len(_TRIGGER_PREFIX) :], bpath)
        elif target not in _BIND_TARGETS:
            allowed = list(_BIND_TARGETS)
            if trigger_kind:
                allowed.append("trigger.<field>")
            ctx.error(
                "hz_compile_bind_target",
                f"bind target `{target}` is not one of {', '.join(allowed)}",
                bpath,
                zh=f"绑定目标 `{target}` 不在可选值之中：{'、'.join(allowed)}",
            )
        shape = _shape(ctx, spec.facts, fname, (*path, "bind"))
        if shape is not None and not (shape.ref or (shape.item.ref if shape.item else None)):
            ctx.error(
                "hz_compile_field_type",
                f"`{fname}` is not a reference field; bind needs one",
                bpath,
                zh=f"`{fname}` 不是引用字段；`bind` 需要引用字段",
            )
        bind.append((fname, target))
    date_field = _date_field(ctx, spec.facts, spec.date_field, (*path, "date_field"))
    return Selection(spec.facts, where, tuple(bind), date_field)


def _shape(ctx: Ctx, kind: str, path: str, where: PathKey) -> FieldShape | None:
    """The shape of field ``path`` of facts of ``kind``; reported (with a suggestion) if none."""
    try:
        return resolve_path(FACT_KINDS[kind], path)
    except PathError as exc:
        ctx.error(
            "hz_compile_unknown_field",
            str(exc),
            where,
            help=did_you_mean(exc.segment, exc.available),
            zh=path_error_zh(exc),
            help_zh=did_you_mean_zh(exc.segment, exc.available),
        )
        return None


def _bounded(ctx: Ctx, value: Any, lo: int, hi: int, path: PathKey, unit: str) -> Any:
    """``value`` if it is a whole number from ``lo`` to ``hi`` (facts/bounds.py: dates plus
    or minus it stay within the calendar the engines compute in); else an error and ``None``."""
    if value is None or isinstance(value, bool) or not isinstance(value, int) or lo <= value <= hi:
        return value
    ctx.error(
        "hz_compile_value_out_of_range",
        f"{value} {unit} is outside the supported range {lo:,} to {hi:,} (facts/bounds.py)",
        path,
        zh=f"{value} {_UNIT_ZH[unit]}超出支持的范围 {lo:,} 至 {hi:,}（见 facts/bounds.py）",
    )
    return None


def _policy(ctx: Ctx, spec: M.PeriodPolicy, path: PathKey) -> PeriodPolicy:
    choices = ("clip", "exempt")
    tenure = ctx.value(spec.tenure, (*path, "tenure"), ("choice",), choices)
    min_days = ctx.value(spec.tenure_min_days, (*path, "tenure_min_days"), ("integer", "days"))
    min_days = _bounded(ctx, min_days, 0, DAYS_MAX, (*path, "tenure_min_days"), "days")
    in_force = ctx.value(spec.in_force, (*path, "in_force"), ("choice",), choices)
    return PeriodPolicy(tenure or "clip", min_days or 0, in_force or "clip")


def requirement(ctx: Ctx, cc: ConditionCompiler, rule: M.Rule, path: PathKey) -> Requirement | None:
    req = rule.requires
    rpath = (*path, "requires")
    if isinstance(req, M.CountRequirement | M.ForbidRequirement | M.DeadlineRequirement):
        sel = _selection(ctx, cc, req, rpath)
        per = ctx.value(req.per, (*rpath, "per"), ("period",))
        policy = _policy(ctx, req.periods, (*rpath, "periods"))
        if per == "once" and not isinstance(req, M.DeadlineRequirement):
            ctx.error(
                "hz_compile_once_period",
                "`per: once` is for deadlines only",
                (*rpath, "per"),
                zh="`per: once` 只用于期限类要求",
            )
            return None
        if sel is None:
            return None
        if isinstance(req, M.CountRequirement):
            n = ctx.value(req.at_least, (*rpath, "at_least"), ("integer",))
            if isinstance(n, int) and n < 1:
                ctx.error(
                    "hz_compile_bad_count",
                    f"`at_least` must be 1 or more, not {n}",
                    (*rpath, "at_least"),
                    help="a duty to do something 0 times is no duty",
                    zh=f"`at_least` 须为 1 或更大，不能是 {n}",
                    help_zh="做 0 次的义务不是义务",
                )
                return None
            per_river = ctx.value(req.per_river, (*rpath, "per_river"), ("boolean",))
            if per_river is True:
                _check_per_river(ctx, rule, sel.kind, (*rpath, "per_river"))
            return CountPlan(sel, per, n if isinstance(n, int) else 1, policy, per_river is True)
        if isinstance(req, M.ForbidRequirement):
            return ForbidPlan(sel, per, policy)
        return _deadline(ctx, req, sel, per, policy, rpath)
    if isinstance(req, M.ResponseRequirement):
        return _response(ctx, cc, req, rpath)
    return _evidence(ctx, cc, req, rpath)


def _deadline(
    ctx: Ctx,
    req: M.DeadlineRequirement,
    sel: Selection,
    per: Any,
    policy: PeriodPolicy,
    rpath: PathKey,
) -> DeadlinePlan | None:
    if per == "once":
        return _deadline_once(ctx, req, sel, policy, rpath)
    md = ctx.value(req.due.month_day, (*rpath, "due", "month_day"), ("month_day",))
    parsed = P.parse_month_day(md) if isinstance(md, str) else None
    if md is not None and parsed is None:
        ctx.error(
            "hz_compile_bad_month_day",
            f"`{md}` is not a day written MM-DD",
            (*rpath, "due", "month_day"),
            zh=f"`{md}` 不是写作 MM-DD 的日子",
        )
    offset = ctx.value(req.due.year_offset, (*rpath, "due", "year_offset"), ("integer",))
    where = (*rpath, "due", "year_offset")
    offset = _bounded(ctx, offset, -YEAR_OFFSET_MAX, YEAR_OFFSET_MAX, where, "years")
    inclusive = ctx.value(req.due.inclusive, (*rpath, "due", "inclusive"), ("boolean",))
    if per != "year":
        ctx.error(
            "hz_compile_deadline_period",
            "an absolute due date (month-day) needs yearly periods",
            (*rpath, "per"),
            zh="固定的截止日（月-日）需要按年的周期",
        )
    if offset and req.period_field is None:
        ctx.error(
            "hz_compile_deadline_period",
            "a due date in another year (year_offset) needs a `period_field` naming the year the "
            "deliverable covers",
            (*rpath, "due", "year_offset"),
            zh="截止日在另一年（year_offset）时，需要用 `period_field` 指明所交材料涵盖的年份",
        )
    if req.period_field is not None:
        shape = _shape(ctx, sel.kind, req.period_field, (*rpath, "period_field"))
        if shape is not None and shape.scalar is not int:
            ctx.error(
                "hz_compile_field_type",
                f"`{req.period_field}` is not a year field",
                (*rpath, "period_field"),
                zh=f"`{req.period_field}` 不是年份字段",
            )
    if parsed is None:
        return None
    return DeadlinePlan(
        sel,
        "year",
        req.period_field,
        parsed[0],
        parsed[1],
        offset or 0,
        bool(inclusive),
        policy,
        due_supplied=ctx.supplied(req.due.month_day),
    )


def _deadline_once(
    ctx: Ctx, req: M.DeadlineRequirement, sel: Selection, policy: PeriodPolicy, rpath: PathKey
) -> DeadlinePlan | None:
    raw = ctx.value(req.due.date, (*rpath, "due", "date"), ("date",))
    due = raw if isinstance(raw, dt.date) else None
    if isinstance(raw, str):
        try:
            due = dt.date.fromisoformat(raw) if len(raw) == 10 else None
        except ValueError:
            due = None
        if due is None:
            ctx.error(
                "hz_compile_bad_date",
                f"`{raw}` is not a date YYYY-MM-DD",
                (*rpath, "due"),
                zh=f"`{raw}` 不是 YYYY-MM-DD 格式的日期",
            )
    if req.period_field is not None:
        ctx.error(
            "hz_compile_once_period",
            "`per: once` takes no `period_field`",
            (*rpath, "period_field"),
            zh="`per: once` 不带 `period_field`",
        )
    if due is None:
        return None
    inclusive = ctx.value(req.due.inclusive, (*rpath, "due", "inclusive"), ("boolean",))
    return DeadlinePlan(
        sel,
        "once",
        None,
        0,
        0,
        0,
        bool(inclusive),
        policy,
        due_date=due,
        due_supplied=ctx.supplied(req.due.date),
    )


def _response(
    ctx: Ctx, cc: ConditionCompiler, req: M.ResponseRequirement, rpath: PathKey
) -> ResponsePlan | None:
    t = req.trigger
    tpath = (*rpath, "trigger")
    trigger_where: tuple[Any, ...] = ()
    trigger_date: str | None = None
    if t.facts is not None:
        if not _kind(ctx, t.facts, (*tpath, "facts")):
            return None
        trigger_where = cc.conditions(t.where, FACT_KINDS[t.facts], (*tpath, "where"))
        trigger_date = _date_field(ctx, t.facts, t.date_field, (*tpath, "date_field"))
    elif t.where or t.each is not None or t.date_fallback is not None:
        key = "where" if t.where else "each" if t.each is not None else "date_fallback"
        ctx.error(
            "hz_compile_trigger_where",
            f"a `finding_of` trigger takes no `{key}`",
            (*tpath, key),
            zh=f"`finding_of` 触发条件不带 `{key}`",
        )
    fallback = None
    if t.date_fallback is not None and t.facts is not None:
        fallback = _date_field(ctx, t.facts, t.date_fallback, (*tpath, "date_fallback"))
    each = _each(ctx, cc, t, req.response.facts, tpath)
    resp = _selection(ctx, cc, req.response, (*rpath, "response"), t.facts)
    if resp is None:
        return None
    link_to = req.response.link_to
    if link_to is not None and t.facts is not None:
        _shape(ctx, t.facts, link_to, (*rpath, "response", "link_to"))
    elif link_to is not None:
        ctx.error(
            "hz_compile_trigger_where",
            "`link_to` needs a trigger of `facts`",
            (*rpath, "response", "link_to"),
            zh="`link_to` 需要由 `facts` 触发",
        )
    link = req.response.link
    if link is not None:
        _shape(ctx, resp.kind, link, (*rpath, "response", "link"))
    days = ctx.value(req.due.days, (*rpath, "due", "days"), ("days", "integer"))
    days = _bounded(ctx, days, 0, DAYS_MAX, (*rpath, "due", "days"), "days")
    if req.due.field is not None and t.facts is not None:
        _date_field(ctx, t.facts, req.due.field, (*rpath, "due", "field"))
    return ResponsePlan(
        t.facts,
        t.finding_of,
        frozenset(t.statuses),
        trigger_where,
        trigger_date,
        resp,
        link,
        link_to,
        days if isinstance(days, int) else 0,
        req.due.field,
        ctx.supplied(req.due.days),
        fallback,
        *each,
    )


def _check_per_river(ctx: Ctx, rule: M.Rule, kind: str, path: PathKey) -> None:
    """``per_river`` needs a post holder (posts name rivers) and facts with a ``rivers`` list."""
    if rule.holder.post is None:
        ctx.error(
            "hz_compile_holder_way",
            "`per_river` needs a `post` holder",
            path,
            zh="`per_river` 需要 `post` 类责任主体",
        )
    try:
        shape = resolve_path(FACT_KINDS[kind], "rivers")
    except PathError:
        shape = None
    item = shape.item if shape is not None and shape.kind == "list" else None
    if item is None or "rivers" not in (item.ref or ()):
        ctx.error(
            "hz_compile_field_type",
            f"`{kind}` has no `rivers` list to count by",
            path,
            zh=f"`{kind}` 没有可用于计数的 `rivers` 列表",
        )


def _each(
    ctx: Ctx, cc: ConditionCompiler, t: M.Trigger, reply_kind: str, tpath: PathKey
) -> tuple[str | None, tuple[Any, ...], str | None]:
    """``trigger.each``: the list of records, the conditions on an item, the replies' field."""
    if t.each is None or t.facts is None:
        return None, (), None
    epath = (*tpath, "each")
    shape = _shape(ctx, t.facts, t.each.field, (*epath, "field"))
    if shape is None:
        return None, (), None
    item = shape.item.model if shape.kind == "list" and shape.item is not None else None
    if item is None or "id" not in item.model_fields:
        ctx.error(
            "hz_compile_field_type",
            f"`{t.each.field}` is not a list of records with an `id`",
            (*epath, "field"),
            zh=f"`{t.each.field}` 不是带 `id` 的记录列表",
        )
        return None, (), None
    where = cc.conditions(t.each.where, item, (*epath, "where"))
    link = _shape(ctx, reply_kind, t.each.link, (*epath, "link"))
    if link is not None and link.kind != "list":
        ctx.error(
            "hz_compile_field_type",
            f"`{t.each.link}` is not a list of ids",
            (*epath, "link"),
            zh=f"`{t.each.link}` 不是 id 列表",
        )
    return t.each.field, where, t.each.link


def _evidence(
    ctx: Ctx, cc: ConditionCompiler, req: M.EvidenceRequirement, rpath: PathKey
) -> EvidencePlan | None:
    if not _kind(ctx, req.facts, (*rpath, "facts")):
        return None
    model = FACT_KINDS[req.facts]
    where = cc.conditions(req.where, model, (*rpath, "where"))
    must = cc.conditions(req.must, model, (*rpath, "must"))
    date_field = _date_field(ctx, req.facts, req.date_field, (*rpath, "date_field"))
    return EvidencePlan(req.facts, where, date_field, must)


def holder(ctx: Ctx, cc: ConditionCompiler, rule: M.Rule, path: PathKey) -> HolderSpec | None:
    h = rule.holder
    hpath = (*path, "holder")
    req = rule.requires
    if h.field is not None:
        kind = (
            req.facts
            if isinstance(req, M.EvidenceRequirement)
            else (req.trigger.facts if isinstance(req, M.ResponseRequirement) else None)
        )
        if kind is None or kind not in FACT_KINDS:
            ctx.error(
                "hz_compile_holder_way",
                "a `field` holder needs an evidence rule or a response rule triggered by facts",
                (*hpath, "field"),
                zh="`field` 类责任主体只用于证据规则或由事实触发的回应规则",
            )
            return None
        shape = _shape(ctx, kind, h.field, (*hpath, "field"))
        if shape is None:
            return None
        ref = shape.ref or (shape.item.ref if shape.item else None)
        if not ref or not set(ref) <= {"people", "units", "jurisdictions"}:
            ctx.error(
                "hz_compile_field_type",
                f"`{h.field}` does not name a person, unit or jurisdiction",
                (*hpath, "field"),
                zh=f"`{h.field}` 指的不是人员、单位或辖区",
            )
        return HolderSpec("field", field=h.field)
    placed = h.post or h.unit  # an evidence rule may name the holder of the record's place
    if isinstance(req, M.EvidenceRequirement) and (placed is None or placed.within is None):
        ctx.error(
            "hz_compile_holder_way",
            "an evidence rule takes its holder from a `field` of the fact it checks, or a "
            "`post` or `unit` holder with `within` (the place of the record)",
            hpath,
            zh="证据规则的责任主体取自所查事实的某个 `field`，或是带 `within`（记录所在地）的 "
            "`post` 或 `unit` 类责任主体",
        )
        return None
    if h.post is not None:
        roles = ctx.value(h.post.roles, (*hpath, "post", "roles"), ("roles",))
        levels = ctx.value(h.post.levels, (*hpath, "post", "levels"), ("levels",))
        return HolderSpec(
            "post",
            roles=frozenset(roles or ()),
            levels=frozenset(levels) if levels is not None else None,
            within=_within(ctx, req, h.post.within, (*hpath, "post", "within")),
        )
    if h.unit is not None:
        types = ctx.value(h.unit.types, (*hpath, "unit", "types"), ("unit_types",))
        levels = ctx.value(h.unit.levels, (*hpath, "unit", "levels"), ("levels",))
        where = cc.conditions(h.unit.where, FACT_KINDS["units"], (*hpath, "unit", "where"))
        return HolderSpec(
            "unit",
            types=frozenset(types or ()),
            where=where,
            levels=frozenset(levels) if levels is not None else None,
            within=_within(ctx, req, h.unit.within, (*hpath, "unit", "within")),
        )
    assert h.jurisdiction is not None
    levels = ctx.value(h.jurisdiction.levels, (*hpath, "jurisdiction", "levels"), ("levels",))
    return HolderSpec("jurisdiction", levels=frozenset(levels or ()))


def _within(ctx: Ctx, req: Any, within: str | None, path: PathKey) -> str | None:
    """A holder's ``within``: a field of the trigger naming a jurisdiction or unit.

    Checked here for fact triggers; for ``finding_of`` triggers the field belongs to the
    source rule's trigger, checked once every rule is compiled (the escalation pass).
    """
    if within is None:
        return None
    if not isinstance(req, M.ResponseRequirement | M.EvidenceRequirement):
        ctx.error(
            "hz_compile_holder_way",
            "`within` scopes the holders of a response or evidence rule to its fact's place",
            path,
            zh="`within` 把回应规则或证据规则的责任主体限定在其事实所在地",
        )
        return None
    kind = req.facts if isinstance(req, M.EvidenceRequirement) else req.trigger.facts
    if kind is not None and kind in FACT_KINDS:
        shape = _shape(ctx, kind, within, path)
        if shape is not None and not (
            shape.kind == "scalar" and shape.ref and set(shape.ref) <= {"jurisdictions", "units"}
        ):
            ctx.error(
                "hz_compile_field_type",
                f"`{within}` does not name a jurisdiction or unit",
                path,
                zh=f"`{within}` 指的不是辖区或单位",
            )
    return within


def modality(ctx: Ctx, rule: M.Rule, path: PathKey) -> None:
    forbid = isinstance(rule.requires, M.ForbidRequirement)
    if forbid != (rule.modality == "prohibition"):
        ctx.error(
            "hz_compile_modality",
            "a `forbid` requirement is a prohibition and only it is"
            if forbid
            else "a prohibition needs a `forbid` requirement",
            (*path, "modality"),
            zh="`forbid` 要求即禁止性规范，且只有它是"
            if forbid
            else "禁止性规范需要 `forbid` 要求",
        )


def _holder_kinds(rule: M.Rule, holder: HolderSpec) -> set[str]:
    """The fact kinds a holder of this rule can be."""
    if holder.way == "post":
        return {"people"}
    if holder.way == "unit":
        return {"units"}
    if holder.way == "jurisdiction":
        return {"jurisdictions"}
    req = rule.requires
    kind = (
        req.facts
        if isinstance(req, M.EvidenceRequirement)
        else (req.trigger.facts if isinstance(req, M.ResponseRequirement) else None)
    )
    if kind is None or holder.field is None or kind not in FACT_KINDS:
        return set()
    try:
        shape = resolve_path(FACT_KINDS[kind], holder.field)
    except PathError:
        return set()
    return set(shape.ref or (shape.item.ref if shape.item and shape.item.ref else ()))


def check_bind_kinds(
    ctx: Ctx, rule: M.Rule, holder: HolderSpec, req: Requirement, path: PathKey
) -> None:
    """A bound field must be able to name what it is bound to (a person, a unit …)."""
    sel = req.response if isinstance(req, ResponsePlan) else getattr(req, "select", None)
    if not isinstance(sel, Selection):
        return
    where = (*path, "response") if isinstance(req, ResponsePlan) else path
    for fname, target in sel.bind:
        if target.startswith(_TRIGGER_PREFIX):
            continue
        wanted = {"holder.jurisdiction": {"jurisdictions"}, "holder.unit": {"units"}}.get(
            target, _holder_kinds(rule, holder)
        )
        try:
            shape = resolve_path(FACT_KINDS[sel.kind], fname)
        except PathError:
            continue  # already reported by the selection pass
        names = set(shape.ref or (shape.item.ref if shape.item and shape.item.ref else ()))
        if wanted and names and not names & wanted:
            ctx.error(
                "hz_compile_bind_kind",
                f"`{fname}` names {'/'.join(sorted(names))} but `{target}` is a "
                f"{'/'.join(sorted(wanted))} record: they can never be equal",
                (*where, "bind", fname),
                zh=f"`{fname}` 指向 {'/'.join(sorted(names))}，而 `{target}` 是 "
                f"{'/'.join(sorted(wanted))} 记录：两者永远不会相等",
            )


def answers(ctx: Ctx, rule: M.Rule, holder: HolderSpec, path: PathKey) -> AnswerSpec | None:
    """Who answers for ``rule``'s findings: its ``answers``, else its file's, else the holder.

    A jurisdiction cannot be held to account (arts. 35-36 assess units and people), so a rule
    held by jurisdictions must say who answers for it (``hz_compile_answers``)."""
    file = ctx.file
    given, where = rule.answers, (*path, "answers")
    if given is None and file is not None and file.model.answers is not None:
        given, where = file.model.answers, ("answers",)
    if given is None:
        if holder.way == "jurisdiction":
            ctx.error(
                "hz_compile_answers",
                "a jurisdiction holds this duty but cannot answer for it (arts. 35-36 hold "
                "units and people to account): say who does, `answers: {by: unit, …}` or "
                "`{by: post, …}`",
                (*path, "holder"),
                zh="此义务的责任主体是辖区，而辖区无法被问责（第三十五、三十六条考核、问责的是单位"
                "和个人）：须以 `answers: {by: unit, …}` 或 `{by: post, …}` 写明由谁负责",
            )
            return None
        return AnswerSpec()
    ok = True
    by = ctx.value(given.by, (*where, "by"), ("choice",), choices=("holder", "unit", "post"))
    types = ctx.value(given.types, (*where, "types"), ("unit_types",))
    roles = ctx.value(given.roles, (*where, "roles"), ("roles",))
    levels = ctx.value(given.levels, (*where, "levels"), ("levels",))
    needs = {"unit": ("types", types), "post": ("roles", roles)}
    for way, (key, value) in needs.items():
        if (by == way) != (value is not None):
            ok = False
            ctx.error(
                "hz_compile_answers",
                f"`answers: {{by: {way}}}` takes `{key}` (and only it does)",
                (*where, key) if value is not None else (*where, "by"),
                zh=f"`answers: {{by: {way}}}` 须写 `{key}`（也只有它可写）",
            )
    if by == "holder" and holder.way == "jurisdiction":
        ok = False
        ctx.error(
            "hz_compile_answers",
            "`answers: {by: holder}` on a rule held by jurisdictions: a jurisdiction cannot "
            "answer (arts. 35-36); use `by: unit` or `by: post`",
            (*where, "by"),
            zh="责任主体为辖区的规则不能写 `answers: {by: holder}`：辖区无法被问责"
            "（第三十五、三十六条）；应写 `by: unit` 或 `by: post`",
        )
    articles = {f.model.article for f in ctx.ruleset.files}
    if given.article not in articles:
        ok = False
        ctx.error(
            "hz_compile_answers",
            f"`answers` reads article {given.article}, which the pack does not have",
            (*where, "article"),
            zh=f"`answers` 所依据的第{given.article}条不在本规则包中",
        )
    if not ok or by is None:
        return None
    return AnswerSpec(
        by,
        types=frozenset(types or ()),
        roles=tuple(roles or ()),
        levels=frozenset(levels) if levels is not None else None,
        article=given.article,
        reads=given.reads,
        reading=Text2(given.reading.zh, given.reading.en),
        reason=Text2(given.reason.zh, given.reason.en),
    )
