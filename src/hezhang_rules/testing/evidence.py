"""A record an evidence rule judges, made on purpose (for the strategies, issue 23).

An evidence rule's ``must`` often asks for a record naming other records that meet conditions
of their own: a meeting convened by a deputy district head with a water portfolio, minutes
approved by the convener, a report sent to a city unit. Drawn at random such records are rare,
so ``evidence_records`` makes one: the record's ``where`` met, and most of the time its
``must`` too, each condition read from the plan (``equals``, ``in``, ``present``,
``refers_to``, ``holds_role``, ``same_as``): a named record that meets the nested conditions is
taken from the world, or made (a unit of a type, a person appointed to a post on the day).
Conditions it cannot aim at are drawn like any field, so the record is still a valid fact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from hezhang_rules.compile.logic import field_info, satisfying
from hezhang_rules.compile.operators import Op
from hezhang_rules.compile.plan import Cond, EvidencePlan, PlanRule, RelatedTest, RoleTest
from hezhang_rules.evaluate.world import World
from hezhang_rules.facts.models import FACT_KINDS, Fact, Jurisdiction
from hezhang_rules.facts.schema import FieldShape, model_fields
from hezhang_rules.testing.records import RecordMaker, Skip

_SIMPLE = (Op.EQUALS, Op.IN, Op.PRESENT, Op.NONEMPTY, Op.NOT_EQUALS, Op.NOT_IN)


class _Aim:
    """The records made so far for one evidence record, and the world they are made in."""

    def __init__(self, world: World, make: RecordMaker, day: dt.date, create: bool) -> None:
        self.world = world
        self.make = make
        self.day = day
        self.create = create  # False: name only records of the world
        self.made: list[Fact] = []
        self.related: list[RelatedTest] = []

    def shape(self, model: type[BaseModel], path: str) -> FieldShape | None:
        """The shape of a dotted path inside ``model`` (None: no such field)."""
        head, _, rest = path.partition(".")
        shape = model_fields(model).get(head)
        if not rest or shape is None:
            return shape
        if shape.kind != "model" or shape.model is None:
            return None
        return self.shape(shape.model, rest)

    def solve(self, model: type[BaseModel], conds: Sequence[Cond]) -> dict[str, Any]:
        """Field values (nested models as dicts) meeting the conditions it can aim at; a
        ``related`` condition is kept in ``self.related`` for the record's own id."""
        data: dict[str, Any] = {}
        for c in conds:
            if c.op is Op.RELATED and c.operand.exists:
                self.related.append(c.operand)
            if c.field is None or c.op is Op.SAME_AS or _get(data, c.field) is not None:
                continue
            if c.op is Op.PRESENT and c.operand is False:
                _set(data, c.field, None)  # not stated
                continue
            value = self.value(model, c)
            if value is not None:
                _set(data, c.field, value)
        for c in conds:  # the same value in two fields: whichever is known, else a drawn one
            if c.op is not Op.SAME_AS or c.field is None:
                continue
            mine, other = _get(data, c.field), _get(data, str(c.operand))
            if mine is None and other is None:
                other = self.value(model, Cond(c.field, Op.PRESENT, True))
            if other is None and mine is not None:
                _set(data, str(c.operand), mine)
            elif other is not None:
                _set(data, str(c.operand), other)
                _set(data, c.field, other)
        return data

    def value(self, model: type[BaseModel], c: Cond) -> Any:
        """A value of ``c.field`` meeting ``c`` (None: left to chance)."""
        assert c.field is not None
        shape = self.shape(model, c.field)
        if shape is None:
            return None
        many = shape.kind == "list" and shape.item is not None
        refs = (shape.item.ref if many and shape.item is not None else shape.ref) or ()
        if c.op is Op.REFERS_TO and refs:
            found = self.target(refs, c.operand)
            return None if found is None else ([found] if many else found)
        if c.op is Op.HOLDS_ROLE and "people" in refs and c.operand.within is None:
            person = self.holder(c.operand)
            return None if person is None else ([person] if many else person)
        if c.op not in _SIMPLE:
            return None
        if c.op is Op.PRESENT and refs:
            ids = self.make.pool.of(refs)
            return (self.make.pick(ids) if not many else [self.make.pick(ids)]) if ids else None
        values = [
            v
            for v in satisfying(field_info(model, c.field), [c])
            if v is not None and isinstance(v, str | bool | int | float)
        ]
        if values:
            return self.make.pick(sorted(values, key=repr))
        if c.op is not Op.PRESENT:
            return None
        if shape.kind == "model":
            return {}
        if shape.scalar is dt.date:
            return self.day
        return None

    def target(self, kinds: Sequence[str], conds: Sequence[Cond]) -> str | None:
        """A record of ``kinds`` meeting ``conds``: one of the world's, else one made now."""
        kinds = [  # the kinds that have the fields the conditions read
            k
            for k in kinds
            if all(
                c.field is None or c.field.split(".")[0] in FACT_KINDS[k].model_fields
                for c in conds
            )
        ]
        if not kinds:
            return None
        found = [
            f.id
            for k in kinds
            for f in self.world.of_kind(k)
            if all(self.world.check(s, f, f) for s in conds)
        ]
        if found or not self.create:
            return str(self.make.pick(sorted(found))) if found else None
        kind = kinds[0]
        model = FACT_KINDS[kind]
        fixed = self.solve(model, conds)
        for name, shape in model_fields(model).items():  # undated: seen on every as-of date
            if shape.scalar is dt.date and not model.model_fields[name].is_required():
                fixed.setdefault(name, None)
        return self.add(model, fixed)

    def holder(self, test: RoleTest) -> str | None:
        """Someone holding a post of ``test`` on the day: in the world, else appointed now."""
        found = self.world.role_holders(test, self.day)
        if found or not self.create:
            return str(self.make.pick(found)) if found else None
        levels = sorted(str(v) for v in test.levels) if test.levels is not None else None
        places = [
            f.id
            for f in self.world.of_kind("jurisdictions")
            if isinstance(f, Jurisdiction) and (levels is None or f.level.value in levels)
        ]
        if not places:
            return None
        person = self.add(FACT_KINDS["people"], {})
        if person is None:
            return None
        fixed: dict[str, Any] = {
            "person": person,
            "role": self.make.pick(sorted(str(r) for r in test.roles)),
            "jurisdiction": self.make.pick(places),
            "start": self.day,
            "end": None,
        }
        if test.portfolio:
            fixed["portfolio"] = [self.make.pick(sorted(test.portfolio))]
        return None if self.add(FACT_KINDS["appointments"], fixed) is None else person

    def add(self, model: type[Fact], fixed: dict[str, Any]) -> str | None:
        """A record of ``model`` with ``fixed`` fields, kept in the pool (None: refused)."""
        ident = self.make.pool.fresh(model.KIND)
        if model.KIND == "people":
            fixed = {"name": ident}
        try:
            fact = self.make.record(model, ident, fixed)
        except (Skip, ValidationError):
            return None
        self.made.append(fact)
        self.make.pool.add(model.KIND, ident)
        return ident


def _get(data: dict[str, Any], path: str) -> Any:
    head, _, rest = path.partition(".")
    value = data.get(head)
    if not rest:
        return value
    return _get(value, rest) if isinstance(value, dict) else None


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    head, _, rest = path.partition(".")
    if not rest:
        data[head] = value
        return
    inner = data.get(head)
    if not isinstance(inner, dict):
        inner = data[head] = {}
    _set(inner, rest, value)


def aimed_records(
    kind: str, conds: Sequence[Cond], world: World, make: RecordMaker, day: dt.date
) -> list[Fact]:
    """A record of ``kind`` dated ``day`` meeting ``conds`` as far as they can be aimed at,
    with the records it names that the world lacks before it and the records a ``related``
    condition asks for (naming it, dated ``day``) after it; only the records it names when
    the model refuses it. Named records are looked for in ``world`` (records made since it
    was built are not: new ones are made instead)."""
    aim = _Aim(world, make, day, create=True)
    model = FACT_KINDS[kind]
    fixed = aim.solve(model, conds)
    own = getattr(model, "DATE_FIELD", None)
    if own:
        fixed[own] = day
    ident = make.pool.fresh(kind)
    try:
        fact = make.record(model, ident, fixed)
    except (Skip, ValidationError):
        return aim.made  # in the pool already: later records may name them
    make.pool.add(kind, ident)
    before, aim.made = aim.made, []
    for test in aim.related:
        naming = aim.solve(FACT_KINDS[test.kind], test.where)
        shape = model_fields(FACT_KINDS[test.kind])[test.link]
        naming[test.link] = [ident] if shape.kind == "list" else ident
        date = getattr(FACT_KINDS[test.kind], "DATE_FIELD", None)
        if date:
            naming[date] = day
        aim.add(FACT_KINDS[test.kind], naming)
    return [*before, fact, *aim.made]


def named_values(
    kind: str, conds: Sequence[Cond], world: World, make: RecordMaker, day: dt.date
) -> dict[str, Any]:
    """Field values of a record of ``kind`` dated ``day`` meeting ``conds`` as far as records
    of ``world`` allow (a unit of a type, someone in a post that day); nothing is made."""
    return _Aim(world, make, day, create=False).solve(FACT_KINDS[kind], conds)


def evidence_records(
    rule: PlanRule, world: World, make: RecordMaker, day: dt.date, aim_must: bool
) -> list[Fact]:
    """A record ``rule`` (an evidence rule) judges, dated ``day``, and the records it names
    (see ``aimed_records``): its ``where`` met, its ``must`` too when ``aim_must`` (else
    drawn, so mostly not met)."""
    req = rule.requirement
    if not isinstance(req, EvidencePlan):
        return []
    return aimed_records(req.kind, [*req.where, *(req.must if aim_must else ())], world, make, day)


__all__ = ["aimed_records", "evidence_records", "named_values"]
