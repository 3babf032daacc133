"""What the reference evaluator sees: visible facts, holders (§7), conditions (§10), bind (§11).

Read from docs/rule-format.md sections 7, 8.1, 10 and 11; shares nothing with the engines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any

from hezhang_rules.compile.plan import Cond, HolderSpec, RoleTest
from hezhang_rules.facts.factset import FactSet
from hezhang_rules.facts.models import Appointment, Fact, Jurisdiction, Person, Unit
from hezhang_rules.facts.schema import get_path
from hezhang_rules.testing.reference.periods import DAY, FOREVER, Stretch

ALWAYS: tuple[Stretch, ...] = ((dt.date.min, FOREVER),)


@dataclass(frozen=True)
class Holder:
    """§7: who owes a duty, while it lives, and the attributes ``bind`` reads (§11)."""

    kind: str  # person | unit | jurisdiction
    id: str
    name: str
    tenure: tuple[Stretch, ...]
    jurisdiction: str | None
    unit: str | None
    appointments: tuple[str, ...] = ()

    def lives_on(self, day: dt.date) -> bool:
        return any(a <= day <= b for a, b in self.tenure)


def union(stretches: list[Stretch]) -> tuple[Stretch, ...]:
    """§7: several stretches merge into one tenure; a gap between them stays a gap (stretches
    that touch, one ending the day before the next begins, leave no gap)."""
    out: list[Stretch] = []
    for a, b in sorted(stretches):
        if out and (out[-1][1] == FOREVER or a <= out[-1][1] + DAY):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return tuple(out)


def plain(value: Any) -> Any:
    """An enumerated value compared by its name (§10, ``equals``)."""
    return value.value if isinstance(value, Enum) else value


class World:
    """The facts as the as-of date sees them (§8.1)."""

    def __init__(self, facts: FactSet, as_of: dt.date) -> None:
        self.facts = facts
        self.as_of = as_of

    # --- §8.1 as-of visibility ---------------------------------------------------------------

    def visible(self, f: Fact) -> bool:
        """Structure is always visible; a dated record once its kind's own date has come."""
        day = f.fact_date()
        return day is None or day <= self.as_of

    def visible_of(self, kind: str) -> list[Fact]:
        return [f for f in self.facts.of_kind(kind) if self.visible(f)]

    def name(self, fact_id: str) -> str:
        """docs/report.md, ``holder``: the record's name, or the id if it has none."""
        name = getattr(self.facts.get(fact_id), "name", None)
        return name if isinstance(name, str) else fact_id

    # --- places -----------------------------------------------------------------------------

    def level(self, jurisdiction: str | None) -> str | None:
        j = self.facts.get(jurisdiction) if jurisdiction else None
        return plain(j.level) if isinstance(j, Jurisdiction) else None

    def place(self, named: Any) -> str | None:
        """§7 ``within``: the jurisdiction a field names — a jurisdiction, or a unit's."""
        f = self.facts.get(str(named)) if named is not None else None
        if isinstance(f, Jurisdiction):
            return f.id
        if isinstance(f, Unit):
            return f.jurisdiction
        return None

    def lies_under(self, jurisdiction: str | None, above: str) -> bool:
        """Whether ``jurisdiction`` is ``above`` or lies below it (through ``parent``)."""
        seen: list[str] = []
        cur = jurisdiction
        while cur is not None and cur not in seen:
            if cur == above:
                return True
            seen.append(cur)
            j = self.facts.get(cur)
            cur = j.parent if isinstance(j, Jurisdiction) else None
        return False

    # --- §7 holders --------------------------------------------------------------------------

    def appointments(self) -> list[Appointment]:
        return [a for a in self.facts.of_kind("appointments") if isinstance(a, Appointment)]

    def holders(self, spec: HolderSpec) -> list[Holder]:
        """The holders of a ``post``, ``unit`` or ``jurisdiction`` holder spec (§7's table)."""
        if spec.way == "post":
            return self._post_holders(spec)
        if spec.way == "unit":
            return self._unit_holders(spec)
        assert spec.way == "jurisdiction"
        return [
            Holder("jurisdiction", j.id, j.name, ALWAYS, j.id, None)
            for j in self.facts.of_kind("jurisdictions")
            if isinstance(j, Jurisdiction) and plain(j.level) in (spec.levels or ())
        ]

    def _post_holders(self, spec: HolderSpec) -> list[Holder]:
        """Every person appointed to one of ``roles`` in a jurisdiction of one of ``levels``;
        one holder per person, living the union of the matching appointments, placed by the
        latest matching appointment (by ``start``)."""
        mine: dict[str, list[Appointment]] = {}
        for a in self.appointments():
            if plain(a.role) in spec.roles and (
                spec.levels is None or self.level(a.jurisdiction) in spec.levels
            ):
                mine.setdefault(a.person, []).append(a)
        out = []
        for person in sorted(mine):
            posts = sorted(mine[person], key=lambda a: (a.start, a.id))
            latest = posts[-1]
            out.append(
                Holder(
                    "person",
                    person,
                    self.name(person),
                    union([(a.start, a.end or FOREVER) for a in posts]),
                    latest.jurisdiction,
                    latest.unit,
                    tuple(a.id for a in posts),
                )
            )
        return out

    def _unit_holders(self, spec: HolderSpec) -> list[Holder]:
        """Every unit of one of ``types`` (jurisdiction of one of ``levels``) meeting ``where``,
        living from ``established`` to ``dissolved``."""
        out = []
        for u in self.facts.of_kind("units"):
            if not isinstance(u, Unit) or plain(u.type) not in spec.types:
                continue
            if spec.levels is not None and self.level(u.jurisdiction) not in spec.levels:
                continue
            if all(self.holds(c, u, u) for c in spec.where):
                life = ((u.established or dt.date.min, u.dissolved or FOREVER),)
                out.append(Holder("unit", u.id, u.name, life, u.jurisdiction, u.id))
        return out

    def named_holders(self, fact: Fact, field: str) -> list[Holder]:
        """§7 ``field`` holder: whoever the fact's field names (each of a list), always alive;
        an empty field names nobody."""
        value = get_path(fact, field)
        out: dict[str, Holder] = {}
        for ref in value if isinstance(value, list) else [value]:
            f = self.facts.get(str(ref)) if ref is not None else None
            if isinstance(f, Person):
                out[f.id] = Holder("person", f.id, f.name, ALWAYS, None, None)
            elif isinstance(f, Unit):
                out[f.id] = Holder("unit", f.id, f.name, ALWAYS, f.jurisdiction, f.id)
            elif isinstance(f, Jurisdiction):
                out[f.id] = Holder("jurisdiction", f.id, f.name, ALWAYS, f.id, None)
        return [out[k] for k in sorted(out)]

    def holders_on(self, spec: HolderSpec, day: dt.date, place_fact: Fact | None) -> list[Holder]:
        """§7 for responses and evidence: the holders in existence on ``day``; with ``within``,
        only those whose jurisdiction is the place ``place_fact`` names or lies above it (a
        fact that does not state the place falls to every holder)."""
        found = [h for h in self.holders(spec) if h.lives_on(day)]
        if spec.within is None or place_fact is None:
            return found
        place = self.place(get_path(place_fact, spec.within))
        if place is None:
            return found
        return [
            h
            for h in found
            if h.jurisdiction is not None and self.lies_under(place, h.jurisdiction)
        ]

    # --- §11 bind ----------------------------------------------------------------------------

    @staticmethod
    def attribute(holder: Holder, target: str) -> str | None:
        return {
            "holder": holder.id,
            "holder.jurisdiction": holder.jurisdiction,
            "holder.unit": holder.unit,
        }[target]

    @staticmethod
    def names(value: Any, wanted: str) -> bool:
        """A field equals ``wanted``, or, a list, contains it."""
        if isinstance(value, list):
            return wanted in [str(v) for v in value]
        return value is not None and str(value) == wanted

    def bound(self, f: Fact, bind: tuple[tuple[str, str], ...], holder: Holder) -> bool:
        """§11: every bound field equals (or lists) the holder's attribute; an absent attribute
        binds nothing. ``trigger.`` targets are the response's to judge."""
        for field, target in bind:
            if target.startswith("trigger."):
                continue
            want = self.attribute(holder, target)
            if want is None or not self.names(get_path(f, field), want):
                return False
        return True

    # --- §10 conditions ----------------------------------------------------------------------

    def holds(self, c: Cond, record: Any, fact: Fact) -> bool:
        """Whether ``record`` (the fact ``fact`` or a record inside it) meets ``c`` (§10)."""
        v = plain(get_path(record, c.field)) if c.field else None
        op, want = c.op, c.operand
        if op == "equals":
            return bool(v == want)
        if op == "not_equals":  # an absent value differs
            return bool(v != want)
        if op == "in":  # some element of a list; a null in the list matches an absent value
            return any(plain(x) in want for x in v) if isinstance(v, list) else v in want
        if op == "not_in":  # not in the list; for a list, no element is; absent holds (§10)
            if v is None:
                return True
            return not any(plain(x) in want for x in (v if isinstance(v, list) else [v]))
        if op == "contains_all":  # an absent list counts as empty (a mapping: its keys)
            return all(x in {plain(i) for i in (v or [])} for x in want)
        if op == "same_as":
            other = get_path(record, want)
            if v is None or other is None:
                return False
            return v in [plain(o) for o in other] if isinstance(other, list) else v == plain(other)
        if op == "present":
            return (v is not None) == bool(want)
        if op == "nonempty":
            return bool(v) == bool(want)
        if op in ("any", "all"):
            items = v if isinstance(v, list) else []
            meets = [all(self.holds(s, item, fact) for s in want) for item in items]
            return bool(items) and (any(meets) if op == "any" else all(meets))
        if op == "refers_to":
            # The record named, if visible (§8.1).
            refs = v if isinstance(v, list) else [v]
            targets = [self.facts.get(str(r)) for r in refs if r is not None]
            return any(
                t is not None and self.visible(t) and all(self.holds(s, t, t) for s in want)
                for t in targets
            )
        if op in ("holds_role", "includes_holders_of"):
            return self._role_test(op, want, v, record, fact)
        if op == "one_of":
            return any(self.holds(s, record, fact) for s in want)
        if op == "related":
            others = [
                f
                for f in self.visible_of(want.kind)
                if self.names(get_path(f, want.link), fact.id)
                and all(self.holds(s, f, f) for s in want.where)
            ]
            return bool(others) == bool(want.exists)
        raise ValueError(f"unknown operator {op}")

    def _role_test(self, op: str, test: RoleTest, v: Any, record: Any, fact: Fact) -> bool:
        """``holds_role`` / ``includes_holders_of`` on the fact's own date (or ``on``)."""
        day = get_path(record, test.on) if test.on else fact.fact_date()
        if not isinstance(day, dt.date):
            return False
        scope = self.place(get_path(record, test.within)) if test.within else None
        holding = {a.person for a in self.appointments() if self._fits(a, test, day, scope)}
        if op == "holds_role":
            people = v if isinstance(v, list) else [v]
            return any(p is not None and str(p) in holding for p in people)
        return holding <= {str(p) for p in (v or [])}

    def _fits(self, a: Appointment, test: RoleTest, day: dt.date, scope: str | None) -> bool:
        return (
            plain(a.role) in test.roles
            and (test.levels is None or self.level(a.jurisdiction) in test.levels)
            and (test.portfolio is None or bool(test.portfolio & set(a.portfolio or ())))
            and (scope is None or self.lies_under(a.jurisdiction, scope))
            and a.start <= day <= (a.end or FOREVER)
        )
