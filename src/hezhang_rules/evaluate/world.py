"""The facts as seen on the as-of date, with the indexes the evaluator needs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum as Enum_
from typing import Any, assert_never

from hezhang_rules.compile.operators import Op, holds_on_value, holds_when_absent
from hezhang_rules.compile.plan import Cond, RoleTest
from hezhang_rules.evaluate.scope import ancestors_of
from hezhang_rules.facts.factset import FactSet
from hezhang_rules.facts.models import Appointment, Fact, Jurisdiction, Unit
from hezhang_rules.facts.schema import get_path

Interval = tuple[dt.date, dt.date]  # inclusive


@dataclass(frozen=True)
class Holder:
    """A duty holder with the intervals it exists (tenure, a unit's life)."""

    kind: str  # person | unit | jurisdiction
    id: str
    name: str
    tenure: tuple[Interval, ...]
    jurisdiction: str | None = None
    unit: str | None = None
    source_ids: tuple[str, ...] = ()  # appointments behind a person holder

    def active_on(self, day: dt.date) -> bool:
        return any(a <= day <= b for a, b in self.tenure)


def merge_intervals(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Merge overlapping or adjacent inclusive intervals."""
    out: list[Interval] = []
    for a, b in sorted(intervals):
        if out and (out[-1][1] == dt.date.max or a <= out[-1][1] + dt.timedelta(days=1)):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return tuple(out)


@dataclass
class World:
    facts: FactSet
    as_of: dt.date
    _related: dict[tuple[str, str], dict[str, list[Fact]]] = field(default_factory=dict)
    _appointments: dict[str, list[Appointment]] = field(default_factory=dict)
    _visible: dict[str, list[Fact]] = field(default_factory=dict)
    _ancestors: dict[str, frozenset[str]] = field(default_factory=dict)
    _by_role: dict[tuple[str, str | None], list[str]] = field(default_factory=dict)
    _in_place: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_person: dict[str, list[Appointment]] = defaultdict(list)
        for a in self.facts.of_kind("appointments"):
            assert isinstance(a, Appointment)
            by_person[a.person].append(a)
        self._appointments = dict(by_person)
        by_role: dict[tuple[str, str | None], set[str]] = defaultdict(set)
        in_place: dict[tuple[str, str], set[str]] = defaultdict(set)
        for a in self.facts.of_kind("appointments"):
            assert isinstance(a, Appointment)
            by_role[(a.role.value, self.level_of(a.jurisdiction))].add(a.person)
            for place in self.ancestors(a.jurisdiction):
                in_place[(a.role.value, place)].add(a.person)
        self._by_role = {k: sorted(p) for k, p in by_role.items()}
        self._in_place = {k: sorted(p) for k, p in in_place.items()}

    def visible(self, f: Fact) -> bool:
        d = f.fact_date()
        return d is None or d <= self.as_of

    def of_kind(self, kind: str) -> list[Fact]:
        """The records of ``kind`` dated on or before the as-of date (cached)."""
        if kind not in self._visible:
            self._visible[kind] = [f for f in self.facts.of_kind(kind) if self.visible(f)]
        return self._visible[kind]

    def level_of(self, jurisdiction_id: str | None) -> str | None:
        j = self.facts.get(jurisdiction_id) if jurisdiction_id else None
        return j.level.value if isinstance(j, Jurisdiction) else None

    def place_of(self, ref_id: Any) -> str | None:
        """The jurisdiction a record names: itself, or a unit's jurisdiction."""
        f = self.facts.get(str(ref_id)) if ref_id is not None else None
        if isinstance(f, Jurisdiction):
            return f.id
        if isinstance(f, Unit):
            return f.jurisdiction
        return None

    def ancestors(self, jurisdiction: str) -> frozenset[str]:
        """``jurisdiction`` and every jurisdiction above it (through ``parent``), cached."""
        found = self._ancestors.get(jurisdiction)
        if found is None:
            found = ancestors_of(jurisdiction, self._parent_of)
            self._ancestors[jurisdiction] = found
        return found

    def _parent_of(self, jurisdiction: str) -> str | None:
        j = self.facts.get(jurisdiction)
        return j.parent if isinstance(j, Jurisdiction) else None

    def within(self, jurisdiction: str | None, scope: str) -> bool:
        """Whether ``jurisdiction`` is ``scope`` or lies under it (through ``parent``)."""
        return jurisdiction is not None and scope in self.ancestors(jurisdiction)

    def holds_role(
        self, person: str, test: RoleTest, day: dt.date, scope: str | None = None
    ) -> bool:
        """``scope``: only posts in that jurisdiction or below it (a ``within`` test)."""
        for a in self._appointments.get(person, ()):
            if a.role.value not in test.roles:
                continue
            if test.levels is not None and self.level_of(a.jurisdiction) not in test.levels:
                continue
            if scope is not None and not self.within(a.jurisdiction, scope):
                continue
            if test.portfolio is not None and not test.portfolio & set(a.portfolio or ()):
                continue
            if a.start <= day and (a.end is None or day <= a.end):
                return True
        return False

    def role_holders(self, test: RoleTest, day: dt.date, scope: str | None = None) -> list[str]:
        """Everyone holding a role of ``test`` on ``day`` (in ``scope``, if given), sorted."""
        if scope is not None:  # posts in the scope or below it: indexed by every ancestor
            candidates = {p for r in test.roles for p in self._in_place.get((str(r), scope), ())}
        else:
            candidates = {
                p
                for (role, level), people in self._by_role.items()
                if role in test.roles and (test.levels is None or level in test.levels)
                for p in people
            }
        return sorted(p for p in candidates if self.holds_role(p, test, day, scope))

    # --- holders -----------------------------------------------------------------------------

    def post_holders(
        self, roles: frozenset[str], levels: frozenset[str] | None, scope: str | None = None
    ) -> list[Holder]:
        """One holder per person: all their appointments to ``roles`` merged into one tenure
        (``scope``: an overlay's, only the appointments in that jurisdiction or below it).

        INVARIANT: a person is one holder even when posted in two jurisdictions in turn, so a
        finding id (rule/person/period) is unique; the latest appointment gives the jurisdiction.
        """
        groups: dict[str, list[Appointment]] = defaultdict(list)
        for person, appts in self._appointments.items():
            for a in appts:
                if (
                    a.role.value in roles
                    and (levels is None or self.level_of(a.jurisdiction) in levels)
                    and (scope is None or self.within(a.jurisdiction, scope))
                ):
                    groups[person].append(a)
        out = []
        for person, appts in sorted(groups.items()):
            appts.sort(key=lambda a: (a.start, a.id))
            tenure = merge_intervals((a.start, a.end or dt.date.max) for a in appts)
            last = appts[-1]
            out.append(
                Holder(
                    "person",
                    person,
                    self.facts.name_of(person),
                    tenure,
                    last.jurisdiction,
                    last.unit,
                    tuple(sorted(a.id for a in appts)),
                )
            )
        return out

    def rivers_of(self, holder: Holder) -> list[tuple[str, tuple[Interval, ...]]]:
        """The rivers the holder's posts name, each with the tenure of the posts naming it."""
        spans: dict[str, list[Interval]] = defaultdict(list)
        for aid in holder.source_ids:
            a = self.facts.get(aid)
            if isinstance(a, Appointment):
                for r in a.rivers or ():
                    spans[r].append((a.start, a.end or dt.date.max))
        return [(r, merge_intervals(spans[r])) for r in sorted(spans)]

    def unit_holders(
        self,
        types: frozenset[str],
        levels: frozenset[str] | None,
        where: tuple[Cond, ...],
        scope: str | None = None,
    ) -> list[Holder]:
        """The units of ``types`` (at ``levels``, in ``scope`` or below it) meeting ``where``."""
        out = []
        for u in self.facts.of_kind("units"):
            assert isinstance(u, Unit)
            if u.type.value not in types:
                continue
            if scope is not None and not self.within(u.jurisdiction, scope):
                continue
            if levels is not None and self.level_of(u.jurisdiction) not in levels:
                continue
            if not all(self.check(c, u, None) for c in where):
                continue
            tenure = ((u.established or dt.date.min, u.dissolved or dt.date.max),)
            out.append(Holder("unit", u.id, u.name, tenure, u.jurisdiction, u.id))
        return out

    def jurisdiction_holders(
        self, levels: frozenset[str], scope: str | None = None
    ) -> list[Holder]:
        """The jurisdictions at ``levels`` (``scope`` and those under it, if given)."""
        return [
            Holder(
                "jurisdiction", j.id, self.facts.name_of(j.id), ((dt.date.min, dt.date.max),), j.id
            )
            for j in self.facts.of_kind("jurisdictions")
            if isinstance(j, Jurisdiction)
            and j.level.value in levels
            and (scope is None or self.within(j.id, scope))
        ]

    def holder_for_id(self, ref_id: str) -> Holder | None:
        f = self.facts.get(ref_id)
        always = ((dt.date.min, dt.date.max),)
        if f is None:
            return None
        if f.KIND == "people":
            return Holder("person", f.id, self.facts.name_of(f.id), always)
        if isinstance(f, Unit):
            return Holder("unit", f.id, f.name, always, f.jurisdiction, f.id)
        if isinstance(f, Jurisdiction):
            return Holder("jurisdiction", f.id, f.name, always, f.id)
        return None

    # --- conditions --------------------------------------------------------------------------

    def related(self, kind: str, link: str, target: str) -> list[Fact]:
        key = (kind, link)
        if key not in self._related:
            index: dict[str, list[Fact]] = defaultdict(list)
            for f in self.of_kind(kind):
                value = get_path(f, link)
                for v in value if isinstance(value, list) else [value]:
                    if v is not None:
                        index[str(v)].append(f)
            self._related[key] = dict(index)
        return self._related[key].get(target, [])

    def check(self, c: Cond, record: Any, fact: Fact | None) -> bool:
        """Whether ``record`` (a fact or a nested record of ``fact``) meets condition ``c``.

        An absent value is judged as ``OPERATORS`` says (``holds_when_absent``); the cases
        below judge a stated value, or a condition that reads no field.
        """
        value: Any = get_path(record, c.field) if c.field else None
        if value is None and c.field:
            absent = holds_when_absent(c)
            if absent is not None:
                return absent
        if isinstance(value, Enum_):
            value = value.value
        op = c.op
        match op:
            case Op.PRESENT | Op.NONEMPTY | Op.EQUALS | Op.NOT_EQUALS | Op.IN | Op.NOT_IN:
                return holds_on_value(c, value)
            case Op.SAME_AS:
                other = get_path(record, c.operand)
                if other is None:
                    return False
                if isinstance(other, list):
                    return _plain(value) in [_plain(o) for o in other]
                return bool(_plain(value) == _plain(other))
            case Op.CONTAINS_ALL:
                have = {_plain(v) for v in value}  # a mapping: its keys
                return bool(c.operand <= have)
            case Op.ANY | Op.ALL:
                test = any if op == Op.ANY else all
                return bool(value) and test(
                    all(self.check(s, it, fact) for s in c.operand) for it in value
                )
            case Op.REFERS_TO:
                ids = value if isinstance(value, list) else [value]
                targets = [self.facts.get(str(v)) for v in ids if v is not None]
                return any(
                    t is not None
                    and self.visible(t)
                    and all(self.check(s, t, t) for s in c.operand)
                    for t in targets
                )
            case Op.HOLDS_ROLE | Op.INCLUDES_HOLDERS_OF:
                return self._check_role(c, value, record, fact)
            case Op.ONE_OF:
                return any(self.check(s, record, fact) for s in c.operand)
            case Op.RELATED:
                own = fact if fact is not None else record
                found = [
                    f
                    for f in self.related(c.operand.kind, c.operand.link, own.id)
                    if all(self.check(s, f, f) for s in c.operand.where)
                ]
                return bool(found) == bool(c.operand.exists)
            case unknown:
                assert_never(unknown)

    def _check_role(self, c: Cond, value: Any, record: Any, fact: Fact | None) -> bool:
        test: RoleTest = c.operand
        day = self.date_for(test, record, fact)
        if day is None:
            return False
        scope = None
        if test.within is not None:
            # A record that does not state the place is not scoped (one district's records).
            scope = self.place_of(get_path(record, test.within))
        if c.op == Op.HOLDS_ROLE:
            people = value if isinstance(value, list) else [value]
            return any(p is not None and self.holds_role(str(p), test, day, scope) for p in people)
        listed = set(value or [])
        holders = self.role_holders(test, day, scope)
        # Nobody in post on the day: nobody can have been left out.
        return set(holders) <= listed

    def date_for(self, test: RoleTest, record: Any, fact: Fact | None) -> dt.date | None:
        if test.on is not None:
            d = get_path(record, test.on)
        else:
            d = (fact or record).fact_date() if hasattr(fact or record, "fact_date") else None
        return d if isinstance(d, dt.date) else None


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum_) else value
