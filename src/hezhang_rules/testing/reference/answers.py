"""§7.1 of docs/rule-format.md, read on its own: who answers for a finding (``answerable``).

Written from the text, not from ``evaluate.answers`` (the import contract forbids reading it):
the day read is the due date, else the period's end, never after the as-of date; the place of
the holder is its own id (a jurisdiction), its jurisdiction (a unit), or the jurisdiction of
the person's post in force that day (the latest begun; none in force: the latest begun before
it); from that place upwards through ``parent``, the first jurisdiction at ``levels`` that has
a fitting unit (by id) or a person in post (roles in the order written, then person id)
answers; nobody: the holder, ``vacant``.
"""

from __future__ import annotations

import datetime as dt

from hezhang_rules.compile.plan import PlanRule
from hezhang_rules.facts.factset import FactSet
from hezhang_rules.facts.models import Appointment, Jurisdiction, Unit
from hezhang_rules.findings import Answerable, AnswerBasis, HolderKind


def answerable(
    facts: FactSet,
    rule: PlanRule,
    holder: tuple[str, str, str],
    due: dt.date | None,
    period_end: dt.date,
    as_of: dt.date,
) -> Answerable:
    """Who answers for ``rule``'s finding held by ``holder`` (kind, id, name)."""
    spec = rule.answers
    kind, hid, name = holder
    article = rule.article if spec.article is None else spec.article
    if spec.by == "holder":
        basis = AnswerBasis(article=article, by="holder", on=None, vacant=kind == "jurisdiction")
        return Answerable(kind=_k(kind), id=hid, name=name, basis=basis)
    day = min(period_end if due is None else due, as_of)
    found = None
    place = _place(facts, kind, hid, day)
    while place is not None and found is None:
        j = facts.get(place)
        if spec.levels is None or (isinstance(j, Jurisdiction) and j.level.value in spec.levels):
            found = _unit(facts, spec.types, place, day) if spec.by == "unit" else None
            if spec.by == "post":
                found = _person(facts, spec.roles, place, day)
        place = j.parent if isinstance(j, Jurisdiction) else None
    if found is None:
        basis = AnswerBasis(article=article, by=spec.by, on=day, vacant=True)
        return Answerable(kind=_k(kind), id=hid, name=name, basis=basis)
    basis = AnswerBasis(article=article, by=spec.by, on=day, vacant=False)
    who = facts.get(found)
    named = getattr(who, "name", None)
    return Answerable(
        kind="unit" if isinstance(who, Unit) else "person",
        id=found,
        name=named if isinstance(named, str) else found,
        basis=basis,
    )


def _place(facts: FactSet, kind: str, hid: str, day: dt.date) -> str | None:
    if kind == "jurisdiction":
        return hid
    f = facts.get(hid)
    if isinstance(f, Unit):
        return f.jurisdiction
    posts = [
        a
        for a in facts.of_kind("appointments")
        if isinstance(a, Appointment) and a.person == hid and a.start <= day
    ]
    current = [a for a in posts if a.end is None or day <= a.end]
    pool = current or posts
    return max(pool, key=lambda a: (a.start, a.id)).jurisdiction if pool else None


def _unit(facts: FactSet, types: frozenset[str], place: str, day: dt.date) -> str | None:
    fits = sorted(
        u.id
        for u in facts.of_kind("units")
        if isinstance(u, Unit)
        and u.jurisdiction == place
        and u.type.value in types
        and (u.established is None or u.established <= day)
        and (u.dissolved is None or day <= u.dissolved)
    )
    return fits[0] if fits else None


def _person(facts: FactSet, roles: tuple[str, ...], place: str, day: dt.date) -> str | None:
    for role in roles:
        people = sorted(
            a.person
            for a in facts.of_kind("appointments")
            if isinstance(a, Appointment)
            and a.jurisdiction == place
            and a.role.value == str(role)
            and a.start <= day
            and (a.end is None or day <= a.end)
        )
        if people:
            return people[0]
    return None


def _k(kind: str) -> HolderKind:
    if kind == "person":
        return "person"
    if kind == "unit":
        return "unit"
    return "jurisdiction"
