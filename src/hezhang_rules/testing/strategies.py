"""Hypothesis strategies for valid worlds of the fact model (docs/testing.md).

A *world* is a list of :class:`~hezhang_rules.facts.models.Fact` records that
``hz.facts_from_models`` accepts: ids are unique, every reference names an existing record of
the right kind, and dates are consistent. Every date lies inside a window, and within one record
the dates run in the order the model declares them, starting from the record's own date
(an appointment starts before it ends, minutes are issued on or after the meeting, a plan is
drafted, then approved, then issued). Structure comes first: a district with townships and
villages under it, people, units, rivers and appointments (posts with tenures), then the records
of the chosen kinds, each referring only to records made before it.

Records are built from the fact model itself (field shapes, enumerations, references), so new
fact kinds are covered without changes here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st

from hezhang_rules.compile.plan import Plan
from hezhang_rules.facts.models import FACT_KINDS, Fact, Jurisdiction
from hezhang_rules.testing.plan_reads import (
    DEFAULT_WINDOW,
    HolderTemplate,
    default_window,
    holder_templates,
    kinds_for,
    vocabulary,
)
from hezhang_rules.testing.records import (
    STRUCTURE,
    Knobs,
    Pool,
    RecordMaker,
    Skip,
    generation_order,
)


def _structure(draw: st.DrawFn, pool: Pool, knobs: Knobs, make: RecordMaker) -> list[Fact]:
    """A district, townships and villages under it, people, units, rivers and posts."""
    J = FACT_KINDS["jurisdictions"]
    out: list[Fact] = [J.model_validate({"id": "j-district", "name": "区", "level": "district"})]
    pool.add("jurisdictions", "j-district")
    for t in range(draw(st.integers(0, knobs.townships))):
        tid = f"j-town-{t}"
        out.append(
            J.model_validate(
                {"id": tid, "name": f"镇{t}", "level": "township", "parent": "j-district"}
            )
        )
        pool.add("jurisdictions", tid)
        if draw(st.booleans()):
            vid = f"j-village-{t}"
            out.append(
                J.model_validate({"id": vid, "name": f"村{t}", "level": "village", "parent": tid})
            )
            pool.add("jurisdictions", vid)
    office = {
        "id": "u-office",
        "name": "河长办",
        "type": "river_chief_office",
        "jurisdiction": "j-district",
    }
    out.append(FACT_KINDS["units"].model_validate(office))
    pool.add("units", "u-office")
    for i in range(draw(st.integers(1, max(1, knobs.max_people)))):
        out.append(FACT_KINDS["people"].model_validate({"id": f"p-{i}", "name": f"人{i}"}))
        pool.add("people", f"p-{i}")
    counts = {"units": knobs.max_units, "rivers": 2, "appointments": knobs.max_people + 2}
    for kind in ("units", "rivers", "appointments"):
        for _ in range(draw(st.integers(1 if kind == "appointments" else 0, counts[kind]))):
            ident = pool.fresh(kind)
            out.append(make.record(FACT_KINDS[kind], ident))
            pool.add(kind, ident)
    for template in knobs.holders:
        if make.number(0, 2):  # most of the time: someone holds the duties of the articles
            out += _holder(template, pool, make, out)
    return out


def _jurisdiction_at(
    levels: tuple[str, ...] | None, pool: Pool, make: RecordMaker, facts: list[Fact]
) -> tuple[str, list[Fact]]:
    """A jurisdiction at one of ``levels`` (made under the district if there is none)."""
    level = make.pick(levels) if levels else "district"
    found = [f.id for f in facts if isinstance(f, Jurisdiction) and f.level == level]
    if found:
        return make.pick(found), []
    ident = pool.fresh("jurisdictions")
    parent = None if level in ("city", "district") else "j-district"
    made = FACT_KINDS["jurisdictions"].model_validate(
        {"id": ident, "name": f"{level}-{ident}", "level": level, "parent": parent}
    )
    pool.add("jurisdictions", ident)
    return ident, [made]


def _holder(
    template: HolderTemplate, pool: Pool, make: RecordMaker, facts: list[Fact]
) -> list[Fact]:
    """Someone who holds a rule's duty: a person in its post, or a unit of its kind."""
    if template.way == "jurisdiction":
        return _jurisdiction_at(template.levels, pool, make, facts)[1]
    jurisdiction, out = _jurisdiction_at(template.levels, pool, make, facts)
    if template.way == "post" and template.roles:
        person = pool.fresh("people")
        out.append(FACT_KINDS["people"].model_validate({"id": person, "name": person}))
        pool.add("people", person)
        fixed = {"person": person, "role": make.pick(template.roles), "jurisdiction": jurisdiction}
        kind = "appointments"
    elif template.way == "unit" and template.types:
        fixed = {"type": make.pick(template.types), "jurisdiction": jurisdiction}
        fixed.update({name: make.pick(values) for name, values in template.fields})
        kind = "units"
    else:
        return out
    ident = pool.fresh(kind)
    out.append(make.record(FACT_KINDS[kind], ident, fixed))
    pool.add(kind, ident)
    return out


@st.composite
def _worlds(draw: st.DrawFn, knobs: Knobs) -> list[Fact]:
    pool = Pool()
    make = RecordMaker(draw, pool, knobs)
    facts = _structure(draw, pool, knobs, make)
    for kind in generation_order(knobs.kinds):
        if kind in STRUCTURE:
            continue
        for _ in range(draw(st.integers(knobs.min_per_kind, knobs.max_per_kind))):
            ident = pool.fresh(kind)
            try:
                facts.append(make.record(FACT_KINDS[kind], ident))
            except Skip:
                break
            pool.add(kind, ident)
    return facts


def _knobs(
    plan: Plan | None,
    articles: Collection[int] | None,
    kinds: Collection[str] | None,
    window: tuple[dt.date, dt.date] | None,
    **sizes: Any,
) -> Knobs:
    if articles is not None and plan is None:
        raise ValueError("`articles` needs the `plan` whose rules say what they read")
    if kinds is None:
        kinds = kinds_for(plan, articles) if plan is not None else FACT_KINDS.keys()
    elif articles is not None:
        raise ValueError("give `articles` (with a plan) or `kinds`, not both")
    unknown = set(kinds) - set(FACT_KINDS)
    if unknown:
        raise ValueError(f"unknown fact kinds: {sorted(unknown)}")
    if window is None:
        window = default_window(plan)
    if window[0] > window[1]:
        raise ValueError("the window ends before it starts")
    vocab = vocabulary(plan) if plan is not None else ()
    holders = holder_templates(plan, articles) if plan is not None else ()
    return Knobs(frozenset(kinds), window, vocabulary=vocab, holders=holders, **sizes)


def worlds(
    *,
    plan: Plan | None = None,
    articles: Collection[int] | None = None,
    kinds: Collection[str] | None = None,
    window: tuple[dt.date, dt.date] | None = None,
    max_people: int = 4,
    max_units: int = 5,
    max_per_kind: int = 4,
    min_per_kind: int = 0,
    townships: int = 2,
    seeded: bool = False,
) -> st.SearchStrategy[list[Fact]]:
    """Valid worlds: lists of facts that ``hz.facts_from_models`` accepts.

    ``plan`` + ``articles``: only the kinds the rules of those articles read (with ``plan``
    alone: all the plan reads; neither: every kind), plus the structure and any kind a record
    must refer to. ``kinds`` names the kinds directly. ``window``: every date lies in it
    (default: from a year before the plan's rules take effect to two years after). The sizes
    bound people, units, records per kind and townships. ``seeded``: each record's fields come
    from a generator seeded by one Hypothesis draw (about twice as fast; Hypothesis still
    shrinks by dropping records and simplifying seeds, not field by field).
    """
    knobs = _knobs(
        plan,
        articles,
        kinds,
        window,
        max_people=max_people,
        max_units=max_units,
        max_per_kind=max_per_kind,
        min_per_kind=min_per_kind,
        townships=townships,
        seeded=seeded,
    )
    return _worlds(knobs)


@st.composite
def _extra(draw: st.DrawFn, world: Sequence[Fact], kind: str, knobs: Knobs) -> Fact:
    pool = Pool.of_world(world)
    make = RecordMaker(draw, pool, knobs)
    try:
        return make.record(FACT_KINDS[kind], f"{kind}-extra-{pool.counter}")
    except Skip:
        reject()


def extra_facts(
    world: Sequence[Fact],
    kinds: Collection[str],
    *,
    plan: Plan | None = None,
    window: tuple[dt.date, dt.date] | None = None,
) -> st.SearchStrategy[Fact]:
    """One more record of one of ``kinds`` that is valid in ``world`` (its references resolve)."""
    knobs = _knobs(plan, None, kinds, window)
    return st.sampled_from(sorted(kinds)).flatmap(lambda k: _extra(world, k, knobs))


def as_of_dates(window: tuple[dt.date, dt.date], after: int = 400) -> st.SearchStrategy[dt.date]:
    """Audit dates from the window's start to ``after`` days past its end."""
    return st.dates(window[0], window[1] + dt.timedelta(days=after))


def shuffled(facts: Sequence[Fact]) -> st.SearchStrategy[list[Fact]]:
    """The same facts in another order."""
    return st.permutations(list(facts))


def partitions(facts: Sequence[Fact], max_parts: int = 4) -> st.SearchStrategy[list[list[Fact]]]:
    """The facts spread over 1 to ``max_parts`` groups (files), each group non-empty."""

    @st.composite
    def build(draw: st.DrawFn) -> list[list[Fact]]:
        n = draw(st.integers(1, max(1, min(max_parts, len(facts)))))
        labels = draw(st.lists(st.integers(0, n - 1), min_size=len(facts), max_size=len(facts)))
        groups: list[list[Fact]] = [[] for _ in range(n)]
        for f, label in zip(draw(st.permutations(list(facts))), labels, strict=True):
            groups[label].append(f)
        return [g for g in groups if g]

    return build()


__all__ = [
    "DEFAULT_WINDOW",
    "STRUCTURE",
    "Knobs",
    "as_of_dates",
    "default_window",
    "extra_facts",
    "generation_order",
    "kinds_for",
    "partitions",
    "shuffled",
    "vocabulary",
    "worlds",
]
