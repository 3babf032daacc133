"""What a conjunction of compiled conditions allows: satisfiability and implication.

Conditions are read as *atoms* on field paths. ``present``, ``nonempty``, ``equals``,
``not_equals``, ``in`` and ``not_in`` on a field are atoms; ``refers_to`` on a field naming one
record becomes ``present: true`` on the field plus its own atoms on ``field->sub.field``; a
``holds_role`` from an empty list of roles (or levels) is an atom no value meets. Other operators
(``any``, ``all``, ``related``, ``one_of``, ``same_as``, ``contains_all``, other role tests) are
not analysed: they are taken to allow anything, so a conjunction found unsatisfiable is
unsatisfiable whatever they say.

One field's atoms are decided exactly by trying every value an atom mentions, every value of an
enumeration or boolean, ``None`` where the field may be absent, and one fresh value that equals
nothing mentioned. The semantics are those of ``evaluate.world.World.check``: an absent value is
judged as ``compile.operators.OPERATORS`` says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal, assert_never

from pydantic import BaseModel

from hezhang_rules.compile.operators import (
    OPERATORS,
    Op,
    Operand,
    holds_on_value,
    holds_when_absent,
)
from hezhang_rules.compile.plan import Cond, RoleTest
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.facts.schema import FieldShape, PathError, resolve_path

PathKey = tuple[str | int, ...]
DEREF = "->"


@dataclass(frozen=True)
class Atom:
    """A simple condition on a field path; ``origin`` is where its condition is written."""

    path: str
    cond: Cond
    origin: PathKey


@dataclass(frozen=True)
class FieldInfo:
    shape: FieldShape
    nullable: bool


class _Fresh:
    """A value equal to nothing but itself (stands for every value no atom mentions)."""

    def __repr__(self) -> str:
        return "<another value>"


def field_info(model: type[BaseModel], path: str) -> FieldInfo | None:
    """The shape of ``path`` (``a.b`` or ``ref->field``) and whether it may be absent."""
    nullable = False
    current: type[BaseModel] = model
    parts = path.split(DEREF)
    shape: FieldShape | None = None
    for n, part in enumerate(parts):
        if n:
            assert shape is not None
            kinds = [k for k in (shape.ref or ()) if k in FACT_KINDS]
            found = next((k for k in kinds if _resolves(FACT_KINDS[k], part)), None)
            if found is None:
                return None
            current = FACT_KINDS[found]
        walk: type[BaseModel] | None = current
        for segment in part.split("."):
            if walk is None:
                return None
            try:
                shape = resolve_path(walk, segment)
            except PathError:
                return None
            nullable = nullable or shape.optional
            walk = shape.model if shape.kind == "model" else None
    assert shape is not None
    return FieldInfo(shape, nullable)


def _resolves(model: type[BaseModel], path: str) -> bool:
    try:
        resolve_path(model, path)
    except PathError:
        return False
    return True


def atoms(conds: Sequence[Cond], model: type[BaseModel], origin: PathKey) -> list[Atom]:
    """The atoms of ``conds`` (each located at ``origin + (index,)``)."""
    out: list[Atom] = []
    for i, c in enumerate(conds):
        out.extend(_atoms_of(c, model, (*origin, i), ""))
    return out


Reading = Literal["atom", "scalar atom", "refers", "role", "opaque"]


def _reading(op: Op) -> Reading:
    """How the analysis reads an operator: an atom on any field (``present``, ``nonempty``), an
    atom on a scalar field (the comparisons), a reference whose conditions become atoms past
    it, a role test (an atom only for an empty list of roles), or not at all."""
    match op:
        case Op.PRESENT | Op.NONEMPTY:
            return "atom"
        case Op.EQUALS | Op.NOT_EQUALS | Op.IN | Op.NOT_IN:
            return "scalar atom"
        case Op.REFERS_TO:
            return "refers"
        case Op.HOLDS_ROLE:
            return "role"
        case (
            Op.INCLUDES_HOLDERS_OF
            | Op.CONTAINS_ALL
            | Op.SAME_AS
            | Op.ANY
            | Op.ALL
            | Op.ONE_OF
            | Op.RELATED
        ):
            return "opaque"
        case unknown:
            assert_never(unknown)


def _atoms_of(c: Cond, model: type[BaseModel], origin: PathKey, prefix: str) -> list[Atom]:
    if c.field is None:
        return []
    path = prefix + c.field
    info = field_info(model, path)
    if info is None:
        return []
    match _reading(c.op):
        case "atom":
            return [Atom(path, c, origin)]
        case "scalar atom":
            return [Atom(path, c, origin)] if info.shape.kind == "scalar" else []
        case "refers":
            if info.shape.kind != "scalar":
                return []
            out = [Atom(path, Cond(c.field, Op.PRESENT, True), origin)]
            for sub in c.operand:
                out.extend(_atoms_of(sub, model, origin, path + DEREF))
            return out
        case "role":
            test: RoleTest = c.operand
            empty = not test.roles or (test.levels is not None and not test.levels)
            # Nobody holds a role from an empty list: an atom no value meets (see `holds`).
            return [Atom(path, c, origin)] if empty else []
        case "opaque":
            return []  # not analysed: taken to allow anything
        case unknown:
            assert_never(unknown)


def decomposable(c: Cond, model: type[BaseModel], prefix: str = "") -> bool:
    """Whether ``c`` is exactly the conjunction of its atoms."""
    if c.field is None:
        return False
    info = field_info(model, prefix + c.field)
    if info is None:
        return False
    match _reading(c.op):
        case "atom":
            return True
        case "scalar atom":
            return info.shape.kind == "scalar"
        case "refers":
            return info.shape.kind == "scalar" and all(
                decomposable(s, model, prefix + c.field + DEREF) for s in c.operand
            )
        case "role" | "opaque":
            return False
        case unknown:
            assert_never(unknown)


def holds(c: Cond, value: Any) -> bool:
    """``World.check`` for the condition of one atom on a value (an absent one: ``None``)."""
    if value is None:
        absent = holds_when_absent(c)
        assert absent is not None  # an atom reads a field, and not the posts held
        return absent
    if c.op == Op.HOLDS_ROLE:
        return False  # an atom only for an empty list of roles (see `_atoms_of`)
    return holds_on_value(c, value.value if isinstance(value, Enum) else value)


def candidates(info: FieldInfo | None, conds: Iterable[Cond]) -> list[Any]:
    """Values that stand for every value the field can take, as far as ``conds`` can tell."""
    shape = info.shape if info else None
    values: list[Any] = []
    for c in conds:
        match OPERATORS[c.op].operand:
            case Operand.VALUE:
                values.append(c.operand)
            case Operand.VALUES:
                values.extend(c.operand)
            case (
                Operand.FLAG | Operand.FIELD | Operand.CONDITIONS | Operand.ROLES | Operand.RELATED
            ):
                pass  # mentions no value of the field
            case unknown:
                assert_never(unknown)
    scalar = shape.scalar if shape is not None and shape.kind == "scalar" else None
    if isinstance(scalar, type) and issubclass(scalar, Enum):
        allowed = [m.value for m in scalar]
        values = [*(v for v in values if v in allowed), *allowed]
    elif scalar is bool:
        values = [*(v for v in values if isinstance(v, bool)), True, False]
    elif shape is None or shape.kind == "scalar":
        values = [v for v in values if v is not None] + [_Fresh()]
        if scalar in (int, float):
            values.append(0)
        if scalar is dt.date:
            values = [v for v in values if isinstance(v, dt.date | _Fresh)]
    else:  # a list, mapping or nested record: absent, empty or not
        values = [[], _Fresh()]
    if info is None or info.nullable:
        values.append(None)
    return values


def satisfying(info: FieldInfo | None, conds: Sequence[Cond]) -> list[Any]:
    return [v for v in candidates(info, conds) if all(holds(c, v) for c in conds)]


def _within(outer: str, inner: str) -> bool:
    """Whether ``inner`` is ``outer`` or a path inside it."""
    return inner == outer or inner.startswith((outer + ".", outer + DEREF))


def _parent(path: str) -> str | None:
    cut = max(path.rfind("."), path.rfind(DEREF))
    return path[:cut] if cut > 0 else None


@dataclass(frozen=True)
class Contradiction:
    """An atom that no value can meet together with the atoms before it."""

    culprit: Atom
    others: tuple[Atom, ...]

    def describe(self) -> str:
        parts = [*self.others, self.culprit]
        said = "; ".join(f"`{a.path}` {describe(a.cond)}" for a in parts)
        return f"no record can meet all of: {said}"


def describe(c: Cond) -> str:
    """An atom's condition as lint quotes it (``equals 'x'``, ``present true``)."""
    if c.op == Op.HOLDS_ROLE:
        return "holds a role from an empty list"  # its only atom (see `_atoms_of`)
    operand = c.operand
    if isinstance(operand, frozenset):
        operand = sorted(operand, key=repr)
    if OPERATORS[c.op].operand is Operand.FLAG:
        return f"{c.op} {operand}"
    return f"{c.op} {operand!r}"


def contradiction(model: type[BaseModel], found: Sequence[Atom]) -> Contradiction | None:
    """The first atom (in order) that makes the conjunction unsatisfiable, if any."""
    by_path: dict[str, list[Atom]] = {}
    for a in found:
        by_path.setdefault(a.path, []).append(a)
        if not _satisfiable(model, by_path):
            related = [
                b
                for p, bs in by_path.items()
                for b in bs
                if b is not a and (_within(p, a.path) or _within(a.path, p))
            ]
            return Contradiction(a, tuple(related))
    return None


def _satisfiable(model: type[BaseModel], by_path: dict[str, list[Atom]]) -> bool:
    sat: dict[str, list[Any]] = {}
    for path, found in by_path.items():
        sat[path] = satisfying(field_info(model, path), [a.cond for a in found])
        if not sat[path]:
            return False
    for path, values in sat.items():
        if None in values:
            continue
        # This path needs a value: so does every record above it.
        parent = _parent(path)
        while parent is not None:
            if parent in sat and all(v is None for v in sat[parent]):
                return False
            parent = _parent(parent)
    return True


def implies(model: type[BaseModel], premises: Sequence[Cond], goals: Sequence[Cond]) -> bool:
    """Whether every record meeting ``premises`` meets ``goals`` (False when unsure)."""
    have = atoms(premises, model, ())
    for g in goals:
        if not decomposable(g, model):
            if not any(_same(g, p) for p in premises):
                return False
            continue
        for goal in atoms([g], model, ()):
            on_path = [a.cond for a in have if a.path == goal.path]
            info = field_info(model, goal.path)
            values = candidates(info, [*on_path, goal.cond])
            if any(all(holds(c, v) for c in on_path) and not holds(goal.cond, v) for v in values):
                return False
    return True


def equivalent(model: type[BaseModel], a: Sequence[Cond], b: Sequence[Cond]) -> bool:
    return implies(model, a, b) and implies(model, b, a)


def _same(a: Cond, b: Cond) -> bool:
    return (a.field, a.op, a.operand) == (b.field, b.op, b.operand)


def meet(a: frozenset[Any] | None, b: frozenset[Any] | None) -> frozenset[Any] | None:
    """Intersection where ``None`` means "any"."""
    if a is None:
        return b
    if b is None:
        return a
    return frozenset(str(x) for x in a) & frozenset(str(x) for x in b)
