"""Who answers for a finding (arts. 35-36): one resolver every engine calls.

A rule's :class:`~hezhang_rules.compile.plan.AnswerSpec` says how: the holder itself
(``holder``), a unit of the holder's jurisdiction or the nearest one above it (``unit``), or
the person in a post there (``post``), read on the finding's day — its due date, else its
period's end, never after the as-of date (a later appointment is not known on it). The place
of a holder is its own id for a jurisdiction, a unit's jurisdiction, and for a person the
jurisdiction of their post in force on that day (the latest begun, then by id; none in force:
their latest post before it).

When nobody fits (no unit of those types, nobody in post that day) the holder itself is named
with ``vacant: true``: the finding is never dropped and never given to someone the reading did
not choose. The batch and monitor engines call :meth:`Answerers.of` per finding; the columnar
engine calls it once per distinct (holder, day) of a rule (``columnar.evaluate``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import cast, get_args

from hezhang_rules.compile.plan import AnswerSpec, PlanRule
from hezhang_rules.facts.factset import FactSet
from hezhang_rules.facts.models import Appointment, Fact, Jurisdiction, Unit
from hezhang_rules.findings import Answerable, AnswerBasis, HolderKind

_Post = tuple[dt.date, dt.date, str, str]  # start, end (inclusive), person, appointment id


def answer_day(due: dt.date | None, period_end: dt.date, as_of: dt.date) -> dt.date:
    """The day a unit or post is read for a finding: its due date, else its period's end,
    never after the as-of date."""
    return min(due if due is not None else period_end, as_of)


class Answerers:
    """The units, posts and jurisdictions answerers are chosen from (indexed once).

    ``facts`` needs the jurisdictions, the units and the appointments of the roles the rules'
    ``answers`` name (and, for person holders, their own posts), and the people they name.
    """

    def __init__(self, facts: FactSet) -> None:
        self.facts = facts
        self._units: dict[str, list[Unit]] = defaultdict(list)  # by jurisdiction
        for u in facts.of_kind("units"):
            assert isinstance(u, Unit)
            self._units[u.jurisdiction].append(u)
        for units in self._units.values():
            units.sort(key=lambda u: u.id)
        self._posts: dict[tuple[str, str], list[_Post]] = defaultdict(list)  # (role, place)
        self._own: dict[str, list[tuple[dt.date, dt.date, str, str]]] = defaultdict(list)
        for a in facts.of_kind("appointments"):
            assert isinstance(a, Appointment)
            end = a.end or dt.date.max
            self._posts[(a.role.value, a.jurisdiction)].append((a.start, end, a.person, a.id))
            self._own[a.person].append((a.start, end, a.jurisdiction, a.id))
        self._chains: dict[str, tuple[str, ...]] = {}

    def of(
        self, rule: PlanRule, kind: str, holder_id: str, holder_name: str, day: dt.date
    ) -> Answerable:
        """Who answers for ``rule``'s finding held by ``holder_id`` (of ``kind``) on ``day``."""
        spec = rule.answers
        if spec.by == "holder":
            return held(rule, kind, holder_id, holder_name)
        place = self._place(kind, holder_id, day)
        found = self._find(spec, place, day) if place is not None else None
        article = spec.article if spec.article is not None else rule.article
        if found is None:  # nobody fits: the holder itself, marked vacant
            basis = AnswerBasis.model_construct(article=article, by=spec.by, on=day, vacant=True)
            return Answerable.model_construct(
                kind=_kind(kind), id=holder_id, name=holder_name, basis=basis
            )
        basis = AnswerBasis.model_construct(article=article, by=spec.by, on=day, vacant=False)
        who: HolderKind = "unit" if isinstance(found, Unit) else "person"
        return Answerable.model_construct(
            kind=who, id=found.id, name=self.facts.name_of(found.id), basis=basis
        )

    def _find(self, spec: AnswerSpec, place: str, day: dt.date) -> Fact | None:
        """The unit or person ``spec`` names for ``place`` on ``day``: the nearest jurisdiction
        (at ``levels``) that has one; at one place, units by id, posts by role order then id."""
        for j in self._chain(place):
            if spec.levels is not None and self._level(j) not in spec.levels:
                continue
            if spec.by == "unit":
                for u in self._units.get(j, ()):
                    if u.type.value in spec.types and _alive(u, day):
                        return u
            else:
                for role in spec.roles:
                    people = sorted(
                        p for s, e, p, _ in self._posts.get((str(role), j), ()) if s <= day <= e
                    )
                    if people:
                        return self.facts.get(people[0])
        return None

    def _place(self, kind: str, holder_id: str, day: dt.date) -> str | None:
        if kind == "jurisdiction":
            return holder_id
        if kind == "unit":
            u = self.facts.get(holder_id)
            return u.jurisdiction if isinstance(u, Unit) else None
        posts = self._own.get(holder_id, [])
        current = [p for p in posts if p[0] <= day <= p[1]]
        began = current or [p for p in posts if p[0] <= day]
        if not began:
            return None
        return max(began, key=lambda p: (p[0], p[3]))[2]

    def _chain(self, place: str) -> tuple[str, ...]:
        """``place`` and the jurisdictions above it, nearest first."""
        found = self._chains.get(place)
        if found is None:
            chain: list[str] = []
            cur: str | None = place
            while cur is not None and cur not in chain:
                chain.append(cur)
                j = self.facts.get(cur)
                cur = j.parent if isinstance(j, Jurisdiction) else None
            found = self._chains[place] = tuple(chain)
        return found

    def _level(self, jurisdiction: str) -> str | None:
        j = self.facts.get(jurisdiction)
        return j.level.value if isinstance(j, Jurisdiction) else None


def held(rule: PlanRule, kind: str, holder_id: str, holder_name: str) -> Answerable:
    """``by: holder``: the holder answers (``vacant`` when it is a jurisdiction, which a field
    holder may name: no person or unit then answers)."""
    article = rule.answers.article if rule.answers.article is not None else rule.article
    basis = AnswerBasis.model_construct(
        article=article, by="holder", on=None, vacant=kind == "jurisdiction"
    )
    return Answerable.model_construct(kind=_kind(kind), id=holder_id, name=holder_name, basis=basis)


def _alive(u: Unit, day: dt.date) -> bool:
    return (u.established is None or u.established <= day) and (
        u.dissolved is None or day <= u.dissolved
    )


def _kind(kind: str) -> HolderKind:
    if kind not in _KINDS:
        raise ValueError(f"holder kind {kind!r}")
    return cast(HolderKind, kind)


_KINDS = frozenset(get_args(HolderKind))


def answer_roles(rules: Iterable[PlanRule]) -> frozenset[str]:
    """The posts any rule's ``answers`` reads (the appointments a resolver needs)."""
    return frozenset(str(r) for rule in rules for r in rule.answers.roles)
