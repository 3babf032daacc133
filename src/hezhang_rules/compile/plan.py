"""The compiled plan: the only thing evaluators read.

Plain frozen dataclasses with every parameter resolved to a value, every field path checked
against the fact model, and rules in dependency order (a rule triggered by another rule's
findings comes after it). Each rule keeps its source span and the parameters it used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, assert_never

from hezhang_rules.compile.operators import OPERATORS, Op, Operand
from hezhang_rules.diagnostics import Span

PeriodKind = Literal["year", "half_year", "quarter", "month"]

BREACH_PARAMETER = "breach_statuses"
"""The pack parameter no rule reads but the exit-code gate does (``check``/``monitor``
``--fail-on``): the statuses of a mandatory finding that count as a breach."""


@dataclass(frozen=True)
class Text2:
    """A Chinese and an English text."""

    zh: str
    en: str


@dataclass(frozen=True)
class RoleTest:
    roles: frozenset[str]
    levels: frozenset[str] | None
    on: str | None  # date field of the fact; None: the fact's own date
    portfolio: frozenset[str] | None = None
    within: str | None = None  # field naming a jurisdiction or unit: posts there or below


@dataclass(frozen=True)
class RelatedTest:
    kind: str
    link: str
    where: tuple[Cond, ...]
    exists: bool


@dataclass(frozen=True)
class Cond:
    """A resolved condition: ``op`` applied to the value at ``field``."""

    field: str | None
    op: Op
    operand: Any  # by ``OPERATORS[op].operand``: bool, scalar, frozenset, field path, RoleTest,
    # tuple[Cond, ...], RelatedTest
    label: Text2 | None = None
    field_title: str | None = None
    enum: str | None = None  # the enumeration the field's values come from (facts/enums.py)


@dataclass(frozen=True)
class HolderSpec:
    way: Literal["post", "unit", "jurisdiction", "field"]
    roles: frozenset[str] = frozenset()
    levels: frozenset[str] | None = None
    types: frozenset[str] = frozenset()
    where: tuple[Cond, ...] = ()
    field: str | None = None
    within: str | None = None  # trigger field naming a jurisdiction or unit: holders there/above
    # An overlay's scope (a jurisdiction id): only holders there or below it (posts in it, its
    # units, itself and the jurisdictions under it); every engine lists holders through it.
    scope: str | None = None


@dataclass(frozen=True)
class AnswerSpec:
    """Who answers for a rule's findings (rule-file ``answers``; docs/rule-format.md).

    ``holder``: the holder itself; ``unit``: the unit of ``types`` in the holder's jurisdiction
    or the nearest above it (at ``levels``); ``post``: the person in one of ``roles`` there on
    the finding's date. ``article`` is the article read (``None``: the rule's own)."""

    by: Literal["holder", "unit", "post"] = "holder"
    types: frozenset[str] = frozenset()
    roles: tuple[str, ...] = ()  # in the order written: the first role with someone in post
    levels: frozenset[str] | None = None
    article: int | None = None
    reads: str | None = None
    reading: Text2 | None = None
    reason: Text2 | None = None


@dataclass(frozen=True)
class PeriodPolicy:
    tenure: Literal["clip", "exempt"]
    tenure_min_days: int
    in_force: Literal["clip", "exempt"]


@dataclass(frozen=True)
class Selection:
    """Facts of ``kind`` meeting ``where`` and bound to the holder by ``bind``."""

    kind: str
    where: tuple[Cond, ...]
    bind: tuple[tuple[str, str], ...]  # (fact field, holder attribute)
    date_field: str


@dataclass(frozen=True)
class CountPlan:
    select: Selection
    per: PeriodKind
    at_least: int
    periods: PeriodPolicy
    per_river: bool = False  # one duty per river of the holder's posts (see CountRequirement)
    type: Literal["count"] = "count"


@dataclass(frozen=True)
class ForbidPlan:
    select: Selection
    per: PeriodKind
    periods: PeriodPolicy
    type: Literal["forbid"] = "forbid"


@dataclass(frozen=True)
class DeadlinePlan:
    select: Selection
    per: PeriodKind | Literal["once"]
    period_field: str | None
    due_month: int
    due_day: int
    year_offset: int
    inclusive: bool
    periods: PeriodPolicy
    due_date: dt.date | None = None  # `per: once`: one absolute due date
    # the parameter (qualified name) giving the due date when the pack supplies it, the text not
    due_supplied: str | None = None
    type: Literal["deadline"] = "deadline"


@dataclass(frozen=True)
class ResponsePlan:
    trigger_kind: str | None
    trigger_rule: str | None
    trigger_statuses: frozenset[str]
    trigger_where: tuple[Cond, ...]
    trigger_date_field: str | None
    response: Selection
    link: str | None
    link_to: str | None
    due_days: int
    due_field: str | None
    # the parameter (qualified name) giving ``due_days`` when the pack supplies it, the text not:
    # findings due by it say so; a due date the trigger states (``due_field``) is not supplied
    due_supplied: str | None = None
    # The date the duty opens on when ``trigger_date_field`` is empty on the trigger.
    trigger_date_fallback: str | None = None
    # One duty per item of this list of records in the trigger (``each``), the items meeting
    # ``each_where``; a reply answers an item when its ``each_link`` lists the item's id or
    # lists nothing.
    each_field: str | None = None
    each_where: tuple[Cond, ...] = ()
    each_link: str | None = None
    type: Literal["response"] = "response"


@dataclass(frozen=True)
class EvidencePlan:
    kind: str
    where: tuple[Cond, ...]
    date_field: str
    must: tuple[Cond, ...]
    type: Literal["evidence"] = "evidence"


Requirement = CountPlan | ForbidPlan | DeadlinePlan | ResponsePlan | EvidencePlan


@dataclass(frozen=True)
class ParamUse:
    """A parameter a rule used: its qualified name, value and the reading it encodes (in
    Chinese and in English)."""

    name: str
    value: Any
    article: int
    reading: Text2


@dataclass(frozen=True)
class VersionInfo:
    """The version of an article (or the window of a parameter's dated values) a compiled rule
    stands for: the rule judges only the periods whose anchor day lies in
    ``judged_from``…``judged_until`` (``None``: open; the last window is open, the first
    ``open_before``) (docs/rule-format.md, "Amendments and versions").

    ``label`` names it in findings (``details.version``) and is unique among the rules of one id;
    ``anchor`` is the pack's reading of which day of a period picks the version (`start` or
    `end`; a response duty's period is its trigger's day, so its start); ``amended_by`` the
    instrument (name, date) that made it; ``text`` and ``text_span`` the article's text in this
    version (``None`` for a window of a dated parameter value alone)."""

    label: str
    judged_from: dt.date
    judged_until: dt.date | None
    anchor: Literal["start", "end"]
    amended_by: tuple[str, str] | None = None
    text: str | None = None
    text_span: Span | None = None
    open_before: bool = False
    """The rule's first window: it also judges what is anchored before ``judged_from`` (a
    yearly deadline's year began before the measures did; the force of the pack, not the
    version, decides whether it applies)."""


@dataclass(frozen=True)
class PlanRule:
    """One compiled rule: who holds the duty, what it requires, when it is in force, the
    parameters it reads and where it is written (``span``)."""

    id: str
    article: int
    title: Text2
    clause: str
    modality: Literal["obligation", "prohibition"]
    severity: Literal["mandatory", "advisory"]
    holder: HolderSpec
    requirement: Requirement
    in_force_from: dt.date
    in_force_until: dt.date | None
    params: tuple[ParamUse, ...]
    span: Span
    location: str
    """Where the rule is, relative to the pack: ``qinghemen/art_005.yaml:162:9`` (the pack's
    name, the file inside the pack, line and column). Reports cite this, never ``span``'s path,
    so the same audit gives the same bytes on any machine and from any folder."""
    answers: AnswerSpec = AnswerSpec()
    """Who answers for its findings (the holder unless the rule or its file says otherwise)."""
    overlay: str | None = None
    """The overlay pack (art. 37) this rule comes from, or ``None`` for the base pack's: its
    ``article`` is then the overlay's article (:meth:`Plan.article_of`)."""
    version: VersionInfo | None = None
    """The article's version (or a parameter value's window) this rule judges; ``None`` for a
    rule of an unversioned article with no dated parameter: it judges every period."""


@dataclass(frozen=True)
class ArticleInfo:
    number: int
    chapter: int
    title: Text2
    text: str
    unchecked: tuple[tuple[str, str, str], ...]  # (clause, reason, explanation)
    path: str
    text_span: Span | None = None
    overlay: str | None = None  # the overlay pack this article belongs to; None: the base pack


@dataclass(frozen=True)
class OverlayInfo:
    """An overlay compiled into the plan (docs/rule-format.md, "Overlays"): the pack, its title
    and kind, the jurisdiction it binds, its issuer and text, and the digest of its files."""

    pack: str
    title: Text2
    kind: Literal["town_measures", "department_plan"]
    refines: str
    scope: str
    issued_by: str
    issued: str
    source: str
    digest: str


@dataclass(frozen=True)
class ParameterInfo:
    name: str  # qualified: `art019.report_days` or a pack parameter's bare name
    type: str
    value: Any
    default: Any
    article: int | None
    reads: str
    reading: Text2  # what the value means, zh and en
    reason: Text2  # why the pack chose it, zh and en
    overridden: bool
    basis: str | None = None  # `stated` / `supplied` for numbers and dates (rule-format.md)
    enum: str | None = None  # the glossary's enumeration its values come from (report words)
    dated: tuple[tuple[dt.date, Any], ...] | None = None  # dated values: (first day, value)


@dataclass(frozen=True)
class Plan:
    """A compiled rule pack, what the engines run: its rules, articles and parameters (the
    readings in force, overrides applied) and the digest of its rule files."""

    pack: str
    rules_digest: str
    rules: tuple[PlanRule, ...]
    articles: tuple[ArticleInfo, ...]
    parameters: tuple[ParameterInfo, ...]
    fact_kinds: frozenset[str] = field(default_factory=frozenset)
    title: Text2 = Text2("", "")
    overlays: tuple[OverlayInfo, ...] = ()
    pack_reads: frozenset[str] = field(default_factory=frozenset)
    """Parameters the pack file reads itself, not a rule: its ``amendments``' period anchor,
    which stands ready for an amended article before any article has versions."""

    @property
    def rule_count(self) -> int:
        """The number of rules, a versioned rule once (``rules`` holds one per version)."""
        return len({r.id for r in self.rules})

    def rule(self, rule_id: str, version: str | None = None) -> PlanRule:
        """The rule with this id; of a versioned rule, the one of ``version`` (its label), or
        the first when ``version`` is ``None`` (every version has the same kind and holder)."""
        for r in self.rules:
            if r.id == rule_id and (
                version is None or (r.version is not None and r.version.label == version)
            ):
                return r
        raise KeyError(rule_id)

    def article_of(self, rule: PlanRule) -> ArticleInfo | None:
        """The article ``rule`` cites: the base pack's, or its overlay's (whose numbers are the
        overlay's own)."""
        return next(
            (a for a in self.articles if a.number == rule.article and a.overlay == rule.overlay),
            None,
        )

    def base_articles(self) -> tuple[ArticleInfo, ...]:
        """The base pack's articles (an overlay's are numbered in its own text)."""
        return tuple(a for a in self.articles if a.overlay is None)


def nested_conditions(c: Cond) -> tuple[Cond, ...]:
    """The conditions written inside ``c``: the list of an ``any``/``all``/``refers_to``/
    ``one_of``, the ``where`` of a ``related`` test (by the operand the table gives ``c.op``)."""
    match OPERATORS[c.op].operand:
        case Operand.CONDITIONS:
            return tuple(c.operand)
        case Operand.RELATED:
            return tuple(c.operand.where)
        case Operand.FLAG | Operand.VALUE | Operand.VALUES | Operand.FIELD | Operand.ROLES:
            return ()
        case unknown:
            assert_never(unknown)


def walk_conditions(conds: Iterable[Cond]) -> Iterator[Cond]:
    """Each of ``conds`` followed by every condition nested in it, depth first, in order."""
    for c in conds:
        yield c
        yield from walk_conditions(nested_conditions(c))


def selections(rule: PlanRule) -> list[tuple[str, tuple[Cond, ...]]]:
    """(fact kind, ``where``) of each selection of the rule: a count's, forbid's or deadline's
    ``select``, a response's reply and then its trigger (a fact trigger), an evidence rule's
    ``where``."""
    req = rule.requirement
    match req:
        case CountPlan() | ForbidPlan() | DeadlinePlan():
            return [(req.select.kind, req.select.where)]
        case ResponsePlan():
            out = [(req.response.kind, req.response.where)]
            if req.trigger_kind is not None:
                out.append((req.trigger_kind, req.trigger_where))
            return out
        case EvidencePlan():
            return [(req.kind, req.where)]
        case _:
            assert_never(req)


def rule_conditions(rule: PlanRule) -> Iterator[Cond]:
    """Every condition of the rule — its unit holder's ``where``, its selections' (see
    :func:`selections`), an evidence rule's ``must`` — and every condition nested in them."""
    yield from walk_conditions(rule.holder.where)
    for _kind, where in selections(rule):
        yield from walk_conditions(where)
    if isinstance(rule.requirement, EvidencePlan):
        yield from walk_conditions(rule.requirement.must)
