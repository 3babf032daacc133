"""Where a plan rule and its pieces are written, and what a rule's holders can be."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from hezhang_rules.compile.logic import Atom, atoms, field_info
from hezhang_rules.compile.operators import Op
from hezhang_rules.compile.plan import (
    Cond,
    EvidencePlan,
    PlanRule,
    ResponsePlan,
    Selection,
)
from hezhang_rules.diagnostics import Span
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.rules.loader import LoadedRuleFile, RuleSet

PathKey = tuple[str | int, ...]
HOLDER_KIND = {"post": "people", "unit": "units", "jurisdiction": "jurisdictions"}


@dataclass
class Locator:
    """Rule id → the file and position of the rule, for spans of its parts (a versioned
    rule: its first version's)."""

    ruleset: RuleSet
    _rules: dict[str, tuple[LoadedRuleFile, PathKey]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for f in self.ruleset.files:
            for i, rule in enumerate(f.model.rules):
                self._rules[rule.id] = (f, ("rules", i))
            for vi, version in enumerate(f.model.versions):
                for i, rule in enumerate(version.rules):
                    self._rules.setdefault(rule.id, (f, ("versions", vi, "rules", i)))

    def span(self, rule_id: str, path: PathKey = ("id",)) -> Span:
        f, at = self._rules[rule_id]
        return f.doc.span((*at, *path))

    def file_span(self, rule_id: str, path: PathKey) -> Span:
        f, _ = self._rules[rule_id]
        return f.doc.span(path)


def holder_kinds(rule: PlanRule) -> frozenset[str]:
    """The fact kinds the rule's holders are records of (people, units, jurisdictions)."""
    h = rule.holder
    if h.way != "field":
        return frozenset({HOLDER_KIND[h.way]})
    req = rule.requirement
    kind = req.kind if isinstance(req, EvidencePlan) else getattr(req, "trigger_kind", None)
    if kind is None or h.field is None:
        return frozenset()
    info = field_info(FACT_KINDS[kind], h.field)
    if info is None:
        return frozenset()
    shape = info.shape.item if info.shape.kind == "list" and info.shape.item else info.shape
    return frozenset(shape.ref or ())


def unit_atoms(rule: PlanRule) -> list[Atom]:
    """A unit holder's filters as atoms on the unit record (types, levels, where)."""
    h = rule.holder
    types = frozenset(str(t) for t in h.types)
    out = [Atom("type", Cond("type", Op.IN, types), ("holder", "unit", "types"))]
    if h.levels is not None:
        levels = frozenset(str(v) for v in h.levels)
        out.append(
            Atom("jurisdiction->level", Cond("level", Op.IN, levels), ("holder", "unit", "levels"))
        )
    return out + atoms(h.where, FACT_KINDS["units"], ("holder", "unit", "where"))


def selection_of(rule: PlanRule) -> tuple[Selection, PathKey] | None:
    """The facts that fulfil (or, for forbid, break) the duty, and where they are written."""
    req = rule.requirement
    if isinstance(req, ResponsePlan):
        return req.response, ("requires", "response")
    sel = getattr(req, "select", None)
    return (sel, ("requires",)) if isinstance(sel, Selection) else None


def model_of(kind: str) -> type[BaseModel]:
    return FACT_KINDS[kind]
