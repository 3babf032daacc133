"""What a plan reads: the fact kinds of some articles, the words its conditions compare with.

Used by :mod:`hezhang_rules.testing.strategies` to aim generated worlds at chosen articles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from hezhang_rules.compile.logic import DEREF, atoms, field_info, satisfying
from hezhang_rules.compile.plan import (
    Cond,
    EvidencePlan,
    Plan,
    PlanRule,
    RelatedTest,
    ResponsePlan,
    RoleTest,
    walk_conditions,
)
from hezhang_rules.facts.models import FACT_KINDS

DEFAULT_WINDOW = (dt.date(2019, 1, 1), dt.date(2023, 12, 31))
"""The date window of worlds generated without a plan (any window will do)."""


def kinds_for(plan: Plan, articles: Collection[int] | None = None) -> frozenset[str]:
    """The fact kinds the rules of ``articles`` (all: None) read."""
    out: set[str] = set()
    for rule in plan.rules:
        if articles is not None and rule.article not in articles:
            continue
        req = rule.requirement
        conds: list[Cond] = []
        if isinstance(req, EvidencePlan):
            out.add(req.kind)
            conds += [*req.where, *req.must]
        elif isinstance(req, ResponsePlan):
            out |= {k for k in (req.trigger_kind, req.response.kind) if k}
            conds += [*req.trigger_where, *req.response.where]
        else:
            out.add(req.select.kind)
            conds += req.select.where
        out |= {
            c.operand.kind for c in walk_conditions(conds) if isinstance(c.operand, RelatedTest)
        }
    return frozenset(out)


def _conditions(rule: PlanRule) -> list[Cond]:
    """Every condition of a rule's requirement (selections, ``must``, triggers), nested too."""
    req = rule.requirement
    conds: list[Cond] = []
    for sel in (getattr(req, n, None) for n in ("select", "response")):
        if sel is not None:
            conds += sel.where
    for n in ("where", "must", "trigger_where"):
        conds += getattr(req, n, ())
    return list(walk_conditions(conds))


def vocabulary(plan: Plan) -> tuple[str, ...]:
    """Texts the plan's conditions compare with (portfolios …), so worlds can meet them."""
    out: set[str] = set()
    for rule in plan.rules:
        for c in _conditions(rule):
            if isinstance(c.operand, RoleTest) and c.operand.portfolio:
                out.update(c.operand.portfolio)
    return tuple(sorted(out))


def role_templates(
    plan: Plan, articles: Collection[int] | None = None
) -> tuple[HolderTemplate, ...]:
    """One post template per role test of the rules' conditions (a presider who must be the
    office director, an approver who must be a general chief …), so worlds have people in
    those posts for a record to name."""
    out: dict[HolderTemplate, None] = {}
    for rule in plan.rules:
        if articles is not None and rule.article not in articles:
            continue
        for c in _conditions(rule):
            if isinstance(c.operand, RoleTest):
                t = c.operand
                levels = tuple(sorted(str(v) for v in t.levels)) if t.levels is not None else None
                out[HolderTemplate("post", tuple(sorted(str(r) for r in t.roles)), levels)] = None
    return tuple(out)


def default_window(plan: Plan | None) -> tuple[dt.date, dt.date]:
    """A year before the plan's rules take effect to two years after (else DEFAULT_WINDOW)."""
    if plan is None or not plan.rules:
        return DEFAULT_WINDOW
    start = min(r.in_force_from for r in plan.rules)
    if start == dt.date.min:
        return DEFAULT_WINDOW
    return start.replace(year=start.year - 1, day=min(start.day, 28)), start.replace(
        year=start.year + 2, day=min(start.day, 28)
    )


@dataclass(frozen=True)
class HolderTemplate:
    """What a holder of some rule looks like: a post, or a unit with its fields."""

    way: str  # post | unit | jurisdiction
    roles: tuple[str, ...] = ()
    levels: tuple[str, ...] | None = None
    types: tuple[str, ...] = ()
    fields: tuple[tuple[str, tuple[Any, ...]], ...] = ()  # unit field → values meeting `where`


def holder_templates(
    plan: Plan, articles: Collection[int] | None = None
) -> tuple[HolderTemplate, ...]:
    """One template per distinct holder of the rules of ``articles`` (all: None)."""
    out: dict[HolderTemplate, None] = {}
    units = FACT_KINDS["units"]
    for rule in plan.rules:
        h = rule.holder
        if (articles is not None and rule.article not in articles) or h.way == "field":
            continue
        levels = tuple(sorted(str(v) for v in h.levels)) if h.levels is not None else None
        if h.way == "post":
            out[HolderTemplate("post", tuple(sorted(str(r) for r in h.roles)), levels)] = None
        elif h.way == "jurisdiction":
            out[HolderTemplate("jurisdiction", levels=levels)] = None
        else:
            by_path: dict[str, list[Cond]] = {}
            for a in atoms(h.where, units, ()):
                if "." not in a.path and DEREF not in a.path:
                    by_path.setdefault(a.path, []).append(a.cond)
            fields = []
            for path, conds in sorted(by_path.items()):
                values = {
                    v: None
                    for v in satisfying(field_info(units, path), conds)
                    if v is not None and isinstance(v, str | bool | int | float)
                }
                if values:
                    fields.append((path, tuple(sorted(values, key=repr))))
            types = tuple(sorted(str(t) for t in h.types))
            out[HolderTemplate("unit", levels=levels, types=types, fields=tuple(fields))] = None
    return tuple(out)
