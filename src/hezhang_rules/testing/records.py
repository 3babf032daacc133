"""One record at a time: the fields of a fact drawn from the fact model (for the strategies).

``RecordMaker`` draws each field from its shape: a reference names a record already made (from
the ``Pool``), an enumeration one of its values, a date lies in the window and not before the
record's earlier dates (its own date first), a text comes from a small vocabulary. Fields may be
given (``fixed``) instead of drawn.
"""

from __future__ import annotations

import datetime as dt
import random
import types
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from hezhang_rules.compile.plan import Plan
from hezhang_rules.facts.models import FACT_KINDS, Fact
from hezhang_rules.facts.schema import FieldShape, model_fields
from hezhang_rules.testing.plan_reads import HolderTemplate

STRUCTURE = ("jurisdictions", "people", "units", "rivers", "appointments")
"""Kinds every world has: who and what the duties are about."""

_TEXTS = ("河", "湖库", "水利", "环保", "巡查", "整改", "甲", "乙丙", "abc", "区镇村")
"""Free text: what it says matters to no rule, except words the plan compares with."""


@dataclass(frozen=True)
class Knobs:
    """What a world holds and how big it gets (see :func:`worlds`)."""

    kinds: frozenset[str]
    window: tuple[dt.date, dt.date]
    max_people: int = 4
    max_units: int = 5
    max_per_kind: int = 4
    min_per_kind: int = 0
    townships: int = 2
    vocabulary: tuple[str, ...] = ()
    holders: tuple[HolderTemplate, ...] = ()
    seeded: bool = False
    plan: Plan | None = None
    answers: int = 0


@dataclass
class Pool:
    """Ids made so far, by kind (``problems`` for the problems inside inspection records)."""

    ids: dict[str, list[str]] = field(default_factory=dict)
    counter: int = 0

    def add(self, kind: str, ident: str) -> None:
        self.ids.setdefault(kind, []).append(ident)

    def of(self, kinds: Iterable[str]) -> list[str]:
        return [i for k in kinds for i in self.ids.get(k, [])]

    def fresh(self, kind: str) -> str:
        self.counter += 1
        return f"{kind}-{self.counter}"

    @classmethod
    def of_world(cls, facts: Iterable[Fact]) -> Pool:
        pool = cls()
        for f in facts:
            pool.add(f.KIND, f.id)
            record = getattr(f, "record", None)
            for p in getattr(record, "problems", None) or []:
                pool.add("problems", p.id)
        pool.counter = len(pool.of(pool.ids)) + 1
        return pool


class Skip(Exception):
    """A required reference has nothing to refer to: the record cannot be made."""


def _references(model: type[BaseModel]) -> set[str]:
    out: set[str] = set()
    for shape in model_fields(model).values():
        out |= _shape_refs(shape)
    return out


def _shape_refs(shape: FieldShape) -> set[str]:
    refs = set(shape.ref or ())
    for sub in (shape.item, shape.key):
        if sub is not None:
            refs |= _shape_refs(sub)
    if shape.kind == "model" and shape.model is not None:
        refs |= _references(shape.model)
    return refs


def generation_order(kinds: Collection[str]) -> list[str]:
    """``kinds`` with what they must refer to, referenced kinds first (structure first)."""
    wanted = set(kinds) | set(STRUCTURE)
    changed = True
    while changed:  # a required reference needs at least one kind it may name
        changed = False
        for kind in list(wanted):
            for name, shape in model_fields(FACT_KINDS[kind]).items():
                targets = [k for k in (shape.ref or ()) if k in FACT_KINDS]
                required = not shape.optional and FACT_KINDS[kind].model_fields[name].is_required()
                if required and targets and not wanted & set(targets):
                    wanted.add(targets[0])
                    changed = True
    order = list(STRUCTURE)
    rest = [k for k in FACT_KINDS if k in wanted and k not in STRUCTURE]
    while rest:
        for kind in rest:
            deps = (_references(FACT_KINDS[kind]) & set(FACT_KINDS)) - {kind}
            if deps <= set(order) or not deps & set(rest):
                order.append(kind)
                rest.remove(kind)
                break
        else:  # a cycle: keep the model's order
            order += rest
            break
    return order


def _is_id(annotation: Any) -> bool:
    """Whether an annotation is the ``Id`` type (a pattern-constrained string), maybe optional."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *meta = get_args(annotation)
        return any(getattr(m, "pattern", None) for m in meta) or _is_id(base)
    if origin in (Union, types.UnionType):
        return any(_is_id(a) for a in get_args(annotation))
    return False


def date_order(model: type[BaseModel]) -> list[str]:
    """The fields of ``model``, its own date (``DATE_FIELD``) first."""
    names = list(model_fields(model))
    own = getattr(model, "DATE_FIELD", None)
    if own:
        names.remove(own)
        names.insert(0, own)
    return names


def _min_len(info: FieldInfo | None) -> int:
    for m in info.metadata if info else ():
        if hasattr(m, "min_length") and isinstance(m.min_length, int):
            return int(m.min_length)
    return 0


class RecordMaker:
    """Draws one record's fields (references from the pool, dates in declaration order)."""

    def __init__(self, draw: st.DrawFn, pool: Pool, knobs: Knobs) -> None:
        self.draw = draw
        self.pool = pool
        self.knobs = knobs
        self.years = (knobs.window[0].year - 1, knobs.window[1].year + 1)
        self.texts = (*knobs.vocabulary, *_TEXTS)
        self.last: dt.date | None = None
        self.rng: random.Random | None = None

    def record(self, model: type[Fact], ident: str, fixed: Mapping[str, Any] | None = None) -> Fact:
        """A record of ``model``; ``fixed`` fields are given (a date also fixes earlier dates)."""
        self.last = None
        if self.knobs.seeded:  # one draw per record; its fields come from a seeded generator
            self.rng = random.Random(self.number_drawn(0, 2**32 - 1))
        data: dict[str, Any] = {"id": ident}
        names = date_order(model)
        given = dict(fixed or {})
        dated = [n for n in names if isinstance(given.get(n), dt.date)]
        if dated:  # dates before a given date are on that day: the record stays in order
            cut = names.index(dated[0])
            for n in names[:cut]:
                if model_fields(model)[n].scalar is dt.date and n not in given:
                    given[n] = given[dated[0]]
        data.update(self._fields(model, names, skip={"id", "note"}, fixed=given))
        return model.model_validate(data)

    def _fields(
        self,
        model: type[BaseModel],
        names: list[str],
        skip: set[str],
        fixed: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        shapes = model_fields(model)
        for name in names:
            if name in skip:
                continue
            if fixed and name in fixed:
                if fixed[name] is not None:
                    out[name] = fixed[name]
                if isinstance(fixed[name], dt.date):
                    self.last = fixed[name]
                continue
            info = model.model_fields[name]
            shape = shapes[name]
            optional = shape.optional or not info.is_required()
            if optional and self.number(0, 3) == 0:
                continue  # not stated
            try:
                value = self._value(shape, info, name)
            except Skip:
                if optional:
                    continue
                raise
            out[name] = value
        return out

    def _value(self, shape: FieldShape, info: FieldInfo | None, name: str) -> Any:
        if shape.kind == "list" and shape.item is not None:
            lo = _min_len(info)
            if shape.item.ref:
                choices = self._targets(shape.item.ref)
                if len(choices) < max(lo, 1):
                    raise Skip
                return self.some(choices, max(lo, 1), 3)
            members = shape.item.scalar
            if isinstance(members, type) and issubclass(members, Enum):  # up to all of them
                return self.some([m.value for m in members], lo, len(members))
            return [self._value(shape.item, None, name) for _ in range(self.number(lo, 3))]
        if shape.kind == "dict" and shape.item is not None:
            key = shape.key.scalar if shape.key is not None else None
            keys = (
                self.some([m.value for m in key], 0, 4)
                if isinstance(key, type) and issubclass(key, Enum)
                else self.some(_TEXTS, 0, 3)
            )
            return {k: self._value(shape.item, None, name) for k in keys}
        if shape.kind == "model" and shape.model is not None:
            data = self._fields(shape.model, list(model_fields(shape.model)), skip={"id"})
            if "id" in shape.model.model_fields:  # a record inside a record: a problem
                data["id"] = self.pool.fresh("problem")
                self.pool.add("problems", data["id"])
            return data
        return self._scalar(shape, info, name)

    def _targets(self, kinds: Sequence[str]) -> list[str]:
        return self.pool.of(kinds)

    def _scalar(self, shape: FieldShape, info: FieldInfo | None, name: str) -> Any:
        scalar = shape.scalar
        if shape.ref:
            choices = self._targets(shape.ref)
            if not choices:
                raise Skip
            return self.pick(choices)
        if info is not None and (
            _is_id(info.annotation) or any(getattr(m, "pattern", None) for m in info.metadata)
        ):
            choices = self.pool.of(self.pool.ids)
            if not choices:
                raise Skip
            return self.pick(choices)
        if scalar is dt.date:
            lo = max(self.last or self.knobs.window[0], self.knobs.window[0])
            day = lo + dt.timedelta(days=self.number(0, max(0, (self.knobs.window[1] - lo).days)))
            self.last = day
            return day
        if isinstance(scalar, type) and issubclass(scalar, Enum):
            return self.pick([m.value for m in scalar])
        if scalar is bool:
            return self.number(0, 1) == 1
        if scalar is int:
            return self.number(*self.years) if name == "year" else self.number(0, 120)
        if scalar is float:
            whole = self.number(0, 1000)
            return whole + 0.5 if self.number(0, 1) else whole
        return self.pick(self.texts)

    # Cheap draws: integer strategies are cached by hypothesis, new sampled_from are not.

    def number(self, lo: int, hi: int) -> int:
        if self.rng is not None:
            return self.rng.randint(lo, hi)
        return self.number_drawn(lo, hi)

    def number_drawn(self, lo: int, hi: int) -> int:
        return int(self.draw(st.integers(lo, hi)))

    def pick(self, choices: Sequence[Any]) -> Any:
        return choices[self.number(0, len(choices) - 1)]

    def some(self, choices: Sequence[Any], lo: int, hi: int) -> list[Any]:
        """Between ``lo`` and ``hi`` distinct items of ``choices``."""
        pool = list(choices)
        out = []
        for _ in range(self.number(min(lo, len(pool)), min(hi, len(pool)))):
            out.append(pool.pop(self.number(0, len(pool) - 1)))
        return out
