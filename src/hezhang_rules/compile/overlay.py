"""Overlays (art. 37): a town's measures or a department's plan compiled into the base plan.

An overlay is a pack whose ``pack.yaml`` says ``refines: {pack, scope: {jurisdiction}, kind}``.
It *adds* duties for its scope and never takes one away (docs/rule-format.md, "Overlays"):

* its own rules (its article files, citing its own text) join the plan as
  ``<overlay>.<rule id>``, their holders restricted to the scope (``HolderSpec.scope``);
* each parameter it tightens (``tightens:``) gives, for every base rule that reads it, a copy
  ``<overlay>.<base rule id>`` with the stricter value, holders restricted to the scope, citing
  the overlay's article and file and in force with that article; the base rule stays.

A tightening is checked by exact comparison of compiled rules: the base rule compiled as the
base pack states it, and compiled again with that one parameter set to the overlay's value.
Every field that differs must move in the direction this module knows for it (a count higher,
a period shorter, a due date earlier, more holders …); a field of unknown direction is refused
rather than guessed. Values are plain numbers, dates, periods and sets, and each field's order
is fixed, so no solver is needed: the comparison is exact, one field at a time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hezhang_rules.compile import params as P
from hezhang_rules.compile.compiler import compile_pack, pack_location
from hezhang_rules.compile.plan import (
    ArticleInfo,
    DeadlinePlan,
    OverlayInfo,
    ParameterInfo,
    ParamUse,
    Plan,
    PlanRule,
    ResponsePlan,
    Text2,
)
from hezhang_rules.diagnostics import Diagnostic, RuleLoadError, Span, did_you_mean, did_you_mean_zh
from hezhang_rules.rules import model as M
from hezhang_rules.rules.loader import RuleSet

PERIOD_ORDER = {"month": 0, "quarter": 1, "half_year": 2, "year": 3}
"""Shorter first: a duty per month is stricter than one per quarter, … per year."""
POLICY_ORDER = {"clip": 0, "exempt": 1}
"""A partial period judged on its days (``clip``) is stricter than one exempted."""


def with_overlays(
    base: RuleSet, plan: Plan, overrides: dict[str, Any], overlays: Sequence[RuleSet]
) -> Plan:
    """``plan`` (the base pack compiled) with each of ``overlays`` compiled into it; raise
    :class:`RuleLoadError` with every problem of every overlay. ``overrides``: the run's, those
    of an overlay's own parameters named ``<overlay>.<name>``."""
    diags: list[Diagnostic] = []
    names = {o.pack.model.pack for o in overlays}
    rules = list(plan.rules)
    articles = list(plan.articles)
    parameters = list(plan.parameters)
    kinds = set(plan.fact_kinds)
    infos: list[OverlayInfo] = []
    seen: dict[str, str] = {}
    for overlay in overlays:
        name = overlay.pack.model.pack
        if name == plan.pack or name in seen:
            diags.append(
                Diagnostic(
                    "hz_overlay_duplicate",
                    f"the pack `{name}` is already in the plan",
                    overlay.pack.doc.span(("pack",)),
                    help="name each overlay once, and never the base pack itself",
                    zh=f"规则包 `{name}` 已在计划中",
                    help_zh="每个叠加规则包只列一次，且不能是基础规则包本身",
                )
            )
            continue
        seen[name] = overlay.root
        own = {k.split(".", 1)[1]: v for k, v in overrides.items() if k.split(".", 1)[0] == name}
        rest = {k: v for k, v in overrides.items() if k.split(".", 1)[0] not in names}
        part = _Overlay(base, plan, rest, overlay, diags, own)
        part.compile()
        rules += part.rules
        articles += part.articles
        parameters += part.parameters
        kinds |= part.kinds
        if part.info is not None:
            infos.append(part.info)
    if diags:
        raise RuleLoadError(diags)
    return dataclasses.replace(
        plan,
        rules=tuple(rules),
        articles=tuple(articles),
        parameters=tuple(sorted(parameters, key=lambda p: p.name)),
        fact_kinds=frozenset(kinds),
        overlays=tuple(infos),
    )


def _error(
    diags: list[Diagnostic],
    code: str,
    span: Span,
    en: tuple[str, str | None],
    zh: tuple[str, str | None],
) -> None:
    diags.append(Diagnostic(code, en[0], span, help=en[1], zh=zh[0], help_zh=zh[1]))


@dataclasses.dataclass
class _Overlay:
    """One overlay compiled against the base: its rules, articles, parameters and record."""

    base: RuleSet
    plan: Plan
    overrides: dict[str, Any]
    overlay: RuleSet
    diags: list[Diagnostic]
    own_overrides: dict[str, Any] = dataclasses.field(default_factory=dict)
    rules: list[PlanRule] = dataclasses.field(default_factory=list)
    articles: list[ArticleInfo] = dataclasses.field(default_factory=list)
    parameters: list[ParameterInfo] = dataclasses.field(default_factory=list)
    kinds: set[str] = dataclasses.field(default_factory=set)
    info: OverlayInfo | None = None

    @property
    def name(self) -> str:
        return self.overlay.pack.model.pack

    def span(self, *path: str | int, key: bool = False) -> Span:
        return self.overlay.pack.doc.span(path, key=key)

    def compile(self) -> None:
        model = self.overlay.pack.model
        refines = model.refines
        if refines is None:
            _error(
                self.diags,
                "hz_overlay_not_overlay",
                self.span("pack"),
                (
                    f"the pack `{self.name}` refines no pack: it has no `refines:`",
                    "an overlay's pack.yaml says `refines: {pack, scope: {jurisdiction}, kind}`",
                ),
                (
                    f"规则包 `{self.name}` 没有 `refines:`，不细化任何规则包",
                    "叠加规则包的 pack.yaml 须写明 `refines: {pack, scope: {jurisdiction}, kind}`",
                ),
            )
            return
        if refines.pack != self.plan.pack:
            _error(
                self.diags,
                "hz_overlay_wrong_base",
                self.span("refines", "pack"),
                (
                    f"the overlay `{self.name}` refines `{refines.pack}`, not `{self.plan.pack}`",
                    f"run it with --rules {refines.pack}",
                ),
                (
                    f"叠加规则包 `{self.name}` 细化的是 `{refines.pack}`，不是 `{self.plan.pack}`",
                    f"请用 --rules {refines.pack} 运行",
                ),
            )
            return
        scope = refines.scope.jurisdiction
        try:
            own, forces = compile_pack(self.overlay, self.own_overrides)
        except RuleLoadError as exc:  # an override's problem names the overlay's parameter
            self.diags += [
                _named_override(d, self.overlay, self.own_overrides) for d in exc.diagnostics
            ]
            return
        base_ids = {r.id for r in self.plan.rules}
        for rule in own.rules:
            self._add_own(rule, scope, base_ids)
        self.articles = [dataclasses.replace(a, overlay=self.name) for a in own.articles]
        self.parameters = [
            dataclasses.replace(p, name=f"{self.name}.{p.name}") for p in own.parameters
        ]
        self.kinds = set(own.fact_kinds)
        self._tighten(scope, forces)
        self.info = OverlayInfo(
            self.name,
            Text2(model.title.zh, model.title.en),
            refines.kind,
            refines.pack,
            scope,
            model.issued_by,
            model.issued,
            model.source,
            self.overlay.digest(),
        )

    # --- the overlay's own rules ---------------------------------------------------------------

    def _add_own(self, rule: PlanRule, scope: str, base_ids: set[str]) -> None:
        if rule.id in base_ids:
            _error(
                self.diags,
                "hz_overlay_redefines",
                rule.span,
                (
                    f"the overlay redefines the base rule `{rule.id}`",
                    "an overlay adds rules and tightens the base pack's parameters "
                    "(`tightens:` in pack.yaml); it neither replaces nor removes a base rule",
                ),
                (
                    f"叠加规则包重新定义了基础规则 `{rule.id}`",
                    "叠加规则包只能新增规则、收紧基础规则包的参数（pack.yaml 中的 `tightens:`），"
                    "不能替换或删除基础规则",
                ),
            )
            return
        if not self._scopable(rule):
            return
        req = rule.requirement
        if isinstance(req, ResponsePlan) and req.trigger_rule is not None:
            req = dataclasses.replace(req, trigger_rule=f"{self.name}.{req.trigger_rule}")
        self.rules.append(
            dataclasses.replace(
                rule,
                id=f"{self.name}.{rule.id}",
                holder=dataclasses.replace(rule.holder, scope=scope),
                requirement=req,
                params=tuple(
                    dataclasses.replace(u, name=f"{self.name}.{u.name}") for u in rule.params
                ),
                overlay=self.name,
            )
        )

    def _scopable(self, rule: PlanRule, at: Span | None = None) -> bool:
        """A holder named by a fact's field has no place the scope could restrict."""
        if rule.holder.way != "field":
            return True
        _error(
            self.diags,
            "hz_overlay_field_holder",
            at or rule.span,
            (
                f"`{rule.id}`: a holder named by a fact's field cannot be restricted to the "
                "overlay's scope",
                "give the rule a post, unit or jurisdiction holder",
            ),
            (
                f"`{rule.id}`：由事实字段指定的责任主体无法限定在叠加规则包的适用范围内",
                "请为该规则指定职务、单位或辖区作为责任主体",
            ),
        )
        return False

    # --- tightened parameters ------------------------------------------------------------------

    def _tighten(self, scope: str, forces: Mapping[int, tuple[dt.date, dt.date | None]]) -> None:
        model = self.overlay.pack.model
        known = {p.name: p for p in self.plan.parameters}
        numbers = {a.number for a in self.articles}
        good: dict[str, M.Tightening] = {}
        for name, t in model.tightens.items():
            if self._tightening_ok(name, t, known, numbers):
                good[name] = t
        if not good:
            self._check_titles(set())
            return
        readers: dict[str, list[str]] = {}  # base rule id → the tightened parameters it reads
        for name in list(good):
            alone = self._compiled({name: good[name].value})
            if alone is None:  # said at the tightening; the others are still compared
                del good[name]
                continue
            read = [r for r in alone.rules if any(u.name == name for u in r.params)]
            if not read:
                self._nothing_read(name)
            for rule in read:
                readers.setdefault(rule.id, []).append(name)
                self._compare(name, good[name], self.plan.rule(rule.id), rule, known[name])
        together = self._compiled({n: t.value for n, t in good.items()}) if good else None
        if together is None:
            return
        for rule in together.rules:
            names = readers.get(rule.id)
            if names and self._scopable(rule, self.span("tightens", names[0], key=True)):
                self._add_copy(rule, names, good, scope, forces)
        self._check_titles(set(readers))
        for name, t in good.items():
            p = known[name]
            self.parameters.append(
                dataclasses.replace(
                    p,
                    name=f"{self.name}.{name}",
                    value=P.convert(p.type, t.value),
                    default=P.convert(p.type, t.value),
                    article=t.article,
                    reads=t.reads,
                    reading=Text2(t.reading.zh, t.reading.en),
                    reason=Text2(t.reason.zh, t.reason.en),
                    overridden=False,
                )
            )

    def _tightening_ok(
        self, name: str, t: M.Tightening, known: Mapping[str, ParameterInfo], numbers: set[int]
    ) -> bool:
        p = known.get(name)
        if p is None:
            _error(
                self.diags,
                "hz_overlay_unknown_parameter",
                self.span("tightens", name, key=True),
                (
                    f"the base pack `{self.plan.pack}` has no parameter `{name}` to tighten",
                    did_you_mean(name, known),
                ),
                (
                    f"基础规则包 `{self.plan.pack}` 没有可收紧的参数 `{name}`",
                    did_you_mean_zh(name, known),
                ),
            )
            return False
        problem = P.check_value(p.type, t.value, self._choices(name))
        if problem:
            _error(
                self.diags,
                "hz_overlay_parameter_type",
                self.span("tightens", name, "value"),
                (f"the tightened value of `{name}` should be {problem[0]}", None),
                (f"`{name}` 收紧后的值应为 {problem[1]}", None),
            )
            return False
        if t.article not in numbers:
            _error(
                self.diags,
                "hz_overlay_unknown_article",
                self.span("tightens", name, "article"),
                (
                    f"the overlay has no article {t.article}",
                    "a tightening cites the overlay's own article that states it",
                ),
                (
                    f"叠加规则包没有第 {t.article} 条",
                    "收紧须引用叠加规则包中规定它的条文",
                ),
            )
            return False
        return True

    def _choices(self, name: str) -> list[str] | None:
        decl = _declaration(self.base, name)
        return decl.choices if decl is not None else None

    def _compiled(self, values: dict[str, Any]) -> Plan | None:
        try:
            return compile_pack(self.base, {**self.overrides, **values})[0]
        except RuleLoadError as exc:  # a value the base's uses refuse: said at the tightening
            # each tightening is compiled alone first, and is named there
            where = self.span(
                "tightens", *([next(iter(values)), "value"] if len(values) == 1 else [])
            )
            self.diags += [dataclasses.replace(d, span=where) for d in exc.diagnostics]
            return None

    def _nothing_read(self, name: str) -> None:
        _error(
            self.diags,
            "hz_overlay_tightens_nothing",
            self.span("tightens", name, key=True),
            (
                f"no rule of `{self.plan.pack}` reads `{name}`: tightening it adds no duty",
                "tighten a parameter a rule reads, or add the duty as a rule of the overlay",
            ),
            (
                f"`{self.plan.pack}` 中没有规则读取 `{name}`：收紧它不增加任何义务",
                "请收紧有规则读取的参数，或在叠加规则包中新增规则",
            ),
        )

    def _check_titles(self, tightened: set[str]) -> None:
        for rid in self.overlay.pack.model.titles:
            if rid not in tightened:
                _error(
                    self.diags,
                    "hz_overlay_unknown_rule",
                    self.span("titles", rid, key=True),
                    (
                        f"`{rid}` is not a base rule this overlay tightens",
                        did_you_mean(rid, sorted(tightened)),
                    ),
                    (
                        f"`{rid}` 不是本叠加规则包收紧的基础规则",
                        did_you_mean_zh(rid, sorted(tightened)),
                    ),
                )

    def _compare(
        self, name: str, t: M.Tightening, base: PlanRule, tight: PlanRule, p: ParameterInfo
    ) -> None:
        """Every field of ``tight`` that differs from ``base`` moved the stricter way."""
        for field, was, now, stricter in _differences(base, tight):
            if stricter is None:
                en = (
                    f"`{name}` changes `{base.id}` at `{field}`, where this check knows no "
                    "stricter direction",
                    "an overlay may tighten counts, periods, due dates, holders and period "
                    "policies; add any other duty as a rule of the overlay",
                )
                zh = (
                    f"`{name}` 改变了 `{base.id}` 的 `{field}`，该处无法判定何为更严格",
                    "叠加规则包可以收紧次数、周期、期限、责任主体和期间规则；其他义务请作为叠加"
                    "规则包的新规则写入",
                )
                _error(self.diags, "hz_overlay_not_comparable", self._at(name), en, zh)
            elif not stricter:
                where = self._base_location(name)
                en = (
                    f"`{name}`: {P.shown(t.value)} is less strict than the base pack's "
                    f"{P.shown(p.value)} for `{base.id}` ({field}: {_shown(was)} → "
                    f"{_shown(now)}); an overlay may only tighten",
                    f"the base parameter `{name}` is declared at {where}",
                )
                zh = (
                    f"`{name}`：{P.shown(t.value)} 比基础规则包的 {P.shown(p.value)} 宽松"
                    f"（`{base.id}` 的 {field}：{_shown(was)} → {_shown(now)}）；"
                    "叠加规则包只能收紧",
                    f"基础参数 `{name}` 声明于 {where}",
                )
                _error(self.diags, "hz_overlay_looser", self._at(name), en, zh)

    def _at(self, name: str) -> Span:
        return self.span("tightens", name, "value")

    def _base_location(self, name: str) -> str:
        if "." in name:
            number, local = int(name[3:6]), name.split(".", 1)[1]
            f = next((f for f in self.base.files if f.model.article == number), None)
            if f is not None:
                return pack_location(self.base, f.doc.span(("parameters", local), key=True))
        span = self.base.pack.doc.span(("parameters", name), key=True)
        return pack_location(self.base, span)

    def _add_copy(
        self,
        rule: PlanRule,
        names: list[str],
        good: Mapping[str, M.Tightening],
        scope: str,
        forces: Mapping[int, tuple[dt.date, dt.date | None]],
    ) -> None:
        """The base ``rule`` (compiled with the tightened values) as the overlay's rule."""
        # The most specific words: a tightening whose words hold another's gives way to it.
        reads = {n: good[n].reads for n in names}
        narrow = sorted(
            (n for n in names if not any(o != n and reads[o] in reads[n] for o in names)),
            key=lambda n: (good[n].article, n),
        ) or sorted(names)
        first = narrow[0]
        article = good[first].article
        start, until = forces.get(article, (dt.date.min, None))
        ends = [d for d in (until, rule.in_force_until) if d is not None]
        title = self.overlay.pack.model.titles.get(rule.id)
        span = self.span("tightens", first, key=True)
        tightened = {n: (f"{self.name}.{n}", good[n].article) for n in names}
        self.rules.append(
            dataclasses.replace(
                rule,
                id=f"{self.name}.{rule.id}",
                article=article,
                title=Text2(title.zh, title.en) if title is not None else rule.title,
                clause="；".join(dict.fromkeys(reads[n] for n in narrow)),
                holder=dataclasses.replace(rule.holder, scope=scope),
                in_force_from=max(start, rule.in_force_from),
                in_force_until=min(ends) if ends else None,
                params=tuple(
                    sorted(
                        (_renamed(u, tightened) for u in rule.params),
                        key=lambda u: u.name,
                    )
                ),
                span=span,
                location=pack_location(self.overlay, span),
                overlay=self.name,
            )
        )


def _named_override(d: Diagnostic, overlay: RuleSet, given: Mapping[str, Any]) -> Diagnostic:
    """An override diagnostic of the overlay's compilation, naming its parameters as the run
    names them (``hexi.art004.meetings_per_half_year``, not ``art004.meetings_per_half_year``)."""
    if d.span is None or d.span.file != "<overrides>":
        return d
    names = {*given, *overlay.pack.model.parameters}
    names |= {f"art{f.model.article:03d}.{n}" for f in overlay.files for n in f.model.parameters}
    known = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.])({known})(?![\w.])")
    prefix = overlay.pack.model.pack

    def named(text: str | None) -> str | None:
        return None if text is None else pattern.sub(rf"{prefix}.\1", text)

    return dataclasses.replace(
        d,
        message=named(d.message) or d.message,
        help=named(d.help),
        zh=named(d.zh),
        help_zh=named(d.help_zh),
    )


def _renamed(u: ParamUse, tightened: Mapping[str, tuple[str, int]]) -> ParamUse:
    """A tightened parameter's use under the overlay's name and article; others as they are."""
    new = tightened.get(u.name)
    return u if new is None else dataclasses.replace(u, name=new[0], article=new[1])


def _declaration(base: RuleSet, name: str) -> M.Parameter | None:
    """The base pack's declaration of the parameter ``name`` (qualified)."""
    if "." not in name:
        return base.pack.model.parameters.get(name)
    number, local = name.split(".", 1)
    for f in base.files:
        if f"art{f.model.article:03d}" == number:
            return f.model.parameters.get(local)
    return None


def _shown(value: Any) -> str:
    if isinstance(value, frozenset | set):
        return "[" + ", ".join(sorted(str(v) for v in value)) + "]"
    return P.shown(value)


# --- the comparison ----------------------------------------------------------------------------


def _ordered(order: Mapping[str, int]) -> Callable[[Any, Any], bool]:
    return lambda was, now: order.get(now, -1) <= order.get(was, -1)


def _superset(was: Any, now: Any) -> bool:
    """More holders bind more: ``None`` (any) includes every set."""
    return now is None or (was is not None and set(now) >= set(was))


def _no_later(was: Any, now: Any) -> bool:
    return bool(now <= was)


def _no_lower(was: Any, now: Any) -> bool:
    return bool(now >= was)


def _until(was: Any, now: Any) -> bool:
    """In force at least as long: ``None`` is open-ended."""
    return now is None or (was is not None and now >= was)


STRICTER: dict[str, Callable[[Any, Any], bool]] = {
    "at_least": _no_lower,
    "per": _ordered(PERIOD_ORDER),
    "due_days": _no_later,
    "due": _no_later,  # a deadline's (year_offset, month, day): see ``_differences``
    "due_date": _no_later,
    "inclusive": _no_later,  # due *before* the day (false) is stricter than *on* it (true)
    "roles": _superset,
    "levels": _superset,
    "types": _superset,
    "tenure": _ordered(POLICY_ORDER),
    "in_force": _ordered(POLICY_ORDER),
    "tenure_min_days": _no_later,
    "per_river": _no_lower,  # one duty per river is more duties than one per holder
    "in_force_from": _no_later,
    "in_force_until": _until,
}
"""Each comparable field's test ``stricter(base value, tightened value)`` (equal passes)."""

_IGNORED = frozenset({"params", "due_supplied"})
"""What the rule read, not what it requires."""


_DUE_PARTS = ("year_offset", "due_month", "due_day")
"""A deadline's due day, compared as one value ``due`` (year offset first, then month, day)."""


def _differences(base: PlanRule, tight: PlanRule) -> list[tuple[str, Any, Any, bool | None]]:
    """(field path, base value, tightened value, stricter or ``None`` when unknown) for each
    field that differs: the holder, the requirement and the force window."""
    out: list[tuple[str, Any, Any, bool | None]] = []

    def leaf(path: str, was: Any, now: Any) -> None:
        test = STRICTER.get(path.rsplit(".", 1)[-1])
        out.append((path, was, now, None if test is None else test(was, now)))

    def walk(path: str, was: Any, now: Any) -> None:
        if was == now:
            return
        name = path.rsplit(".", 1)[-1]
        if name in STRICTER or not dataclasses.is_dataclass(was) or type(was) is not type(now):
            leaf(path, was, now)
            return
        skip = set(_IGNORED)
        if isinstance(was, DeadlinePlan):
            skip |= set(_DUE_PARTS)
            walk(
                f"{path}.due",
                tuple(getattr(was, f) for f in _DUE_PARTS),
                tuple(getattr(now, f) for f in _DUE_PARTS),
            )
        for f in dataclasses.fields(was):
            if f.name not in skip:
                walk(f"{path}.{f.name}", getattr(was, f.name), getattr(now, f.name))

    walk("holder", base.holder, tight.holder)
    walk("requires", base.requirement, tight.requirement)
    walk("in_force_from", base.in_force_from, tight.in_force_from)
    walk("in_force_until", base.in_force_until, tight.in_force_until)
    return out
