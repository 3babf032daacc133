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
import random
from collections.abc import Collection, Sequence
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st

from hezhang_rules.compile.plan import EvidencePlan, Plan, PlanRule, ResponsePlan
from hezhang_rules.evaluate import evaluate
from hezhang_rules.evaluate.world import World
from hezhang_rules.facts.factset import FactSet
from hezhang_rules.facts.models import FACT_KINDS, Fact, Jurisdiction
from hezhang_rules.findings import Finding
from hezhang_rules.testing.duties import (
    OPEN,
    duty_window,
    meeting_record,
    selection,
)
from hezhang_rules.testing.evidence import aimed_records, evidence_records
from hezhang_rules.testing.plan_reads import (
    DEFAULT_WINDOW,
    HolderTemplate,
    default_window,
    holder_templates,
    kinds_for,
    role_templates,
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

_DAY = dt.timedelta(days=1)


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
        # most of the time (and in the simplest world) someone holds the articles' duties
        if make.number(0, 2) < 2:
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
        return out + _tenures(make.pick(template.roles), jurisdiction, pool, make)
    if template.way != "unit" or not template.types:
        return out
    fixed = {"type": make.pick(template.types), "jurisdiction": jurisdiction}
    fixed.update({name: make.pick(values) for name, values in template.fields})
    ident = pool.fresh("units")
    out.append(make.record(FACT_KINDS["units"], ident, fixed))
    pool.add("units", ident)
    return out


def _tenures(role: str, jurisdiction: str, pool: Pool, make: RecordMaker) -> list[Fact]:
    """One post held in one to three stretches: the first begins in the window's first half,
    each but the last ends some days to a year and a half later (mid-period, mostly), and the
    next begins the day after (a successor) or after a gap; half the time the same person
    comes back. So periods cut by a tenure, successions and gaps are common."""
    start, end_of_window = make.knobs.window[0], make.knobs.window[1]
    start += dt.timedelta(days=make.number(0, (end_of_window - start).days // 2))
    out: list[Fact] = []
    person = ""
    stretches = make.number(1, 3)
    for i in range(stretches):
        if i == 0 or make.number(0, 1):
            person = pool.fresh("people")
            out.append(FACT_KINDS["people"].model_validate({"id": person, "name": person}))
            pool.add("people", person)
        room = (end_of_window - start).days
        last = i == stretches - 1
        end = (
            None
            if last and not make.number(0, 1)  # (the simplest post: still held)
            else start + dt.timedelta(days=make.number(0, min(room, 540)))
        )
        ident = pool.fresh("appointments")
        fixed = {"person": person, "role": role, "jurisdiction": jurisdiction, "start": start}
        out.append(make.record(FACT_KINDS["appointments"], ident, {**fixed, "end": end}))
        pool.add("appointments", ident)
        if end is None:
            break
        start = end + dt.timedelta(days=1 + (make.number(1, 120) if make.number(0, 1) else 0))
        if start > end_of_window:
            break
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
    return facts + _answers(knobs, pool, make, facts)


def _answers(knobs: Knobs, pool: Pool, make: RecordMaker, facts: list[Fact]) -> list[Fact]:
    """Up to two records that open a duty of a response rule (its trigger's simple conditions
    met, so rare triggers are common), then up to ``knobs.answers`` records that meet open
    duties of the world (count, deadline, response, escalation; each rule as likely): bound
    to the duty's holder and trigger, dated half the time on or before its due date and half
    the time after it, so late fulfilment is common.

    The open duties are those the batch evaluator lists at the window's end. That couples the
    aim, not the verdict: a test still compares what every engine makes of the world."""
    if knobs.plan is None or not knobs.answers:
        return []
    seen = World(FactSet.build(facts), knobs.window[1])  # where aimed records find names
    out = _evidence(knobs, make, seen)
    n = make.number(0, knobs.answers)
    if not n:
        return out
    rules = {
        r.id: r
        for r in knobs.plan.rules
        if (sel := selection(r)) is not None
        and sel.kind in knobs.kinds
        and getattr(r.requirement, "trigger_kind", None) in (None, *knobs.kinds)
    }
    triggered = [r for r in rules.values() if getattr(r.requirement, "trigger_kind", None)]
    for _ in range(make.number(0, 2) if triggered else 0):  # rare triggers made on purpose
        rule = make.pick(triggered)
        req = rule.requirement
        assert isinstance(req, ResponsePlan) and req.trigger_kind is not None
        day = _day_in_force(rule, knobs, make)
        if day is not None:
            out += aimed_records(req.trigger_kind, req.trigger_where, seen, make, day)
    as_of = knobs.window[1]
    base = FactSet.build([*facts, *out])
    world = World(base, as_of)
    duties: dict[str, list[Finding]] = {}  # by rule: each rule as likely to be aimed at
    for f in evaluate(knobs.plan, base, as_of).findings:
        if f.status in OPEN and f.rule_id in rules:
            duties.setdefault(f.rule_id, []).append(f)
    for _ in range(n):
        if not duties:
            break
        rule_id = make.pick(sorted(duties))
        finding = duties[rule_id].pop(make.number(0, len(duties[rule_id]) - 1))
        if not duties[rule_id]:
            del duties[rule_id]
        rule = rules[finding.rule_id]
        lo, hi = duty_window(rule, finding, as_of)
        due = finding.due or finding.period.end
        if due < as_of and make.number(0, 1):  # late: up to four months after the due date
            lo, hi = due + _DAY, min(due + dt.timedelta(days=120), as_of)
        if lo > hi:
            continue
        day = lo + dt.timedelta(days=make.number(0, (hi - lo).days))
        kind = selection(rule).kind  # type: ignore[union-attr]
        ident = pool.fresh(kind)
        fact = meeting_record(rule, finding, base, world, make, ident, day)
        if fact is not None:
            out.append(fact)
            pool.add(kind, ident)
    return out


def _evidence(knobs: Knobs, make: RecordMaker, seen: World) -> list[Fact]:
    """Up to two records judged by evidence rules (each rule as likely), dated while the rule
    is in force: the rule's ``where`` met, and its ``must`` half the time (the records
    it names found or made, see ``evidence_records``), so both verdicts are common."""
    assert knobs.plan is not None
    rules = [
        r
        for r in knobs.plan.rules
        if isinstance(r.requirement, EvidencePlan) and r.requirement.kind in knobs.kinds
    ]
    out: list[Fact] = []
    for _ in range(make.number(0, 2) if rules else 0):
        rule = make.pick(rules)
        day = _day_in_force(rule, knobs, make)
        if day is not None:
            out += evidence_records(rule, seen, make, day, make.number(0, 1) > 0)
    return out


def _day_in_force(rule: PlanRule, knobs: Knobs, make: RecordMaker) -> dt.date | None:
    """A day of the window's stretch in which ``rule`` is in force, in its first half (so most
    as-of dates, drawn in the rule's life, see a record of that day); None: there is none."""
    lo = max(rule.in_force_from, knobs.window[0])
    if lo > knobs.window[1]:
        return None
    return lo + dt.timedelta(days=make.number(0, (knobs.window[1] - lo).days // 2))


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
    holders = (
        tuple(dict.fromkeys((*holder_templates(plan, articles), *role_templates(plan, articles))))
        if plan is not None
        else ()
    )
    return Knobs(frozenset(kinds), window, vocabulary=vocab, holders=holders, plan=plan, **sizes)


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
    answers: int = 6,
) -> st.SearchStrategy[list[Fact]]:
    """Valid worlds: lists of facts that ``hz.facts_from_models`` accepts.

    ``plan`` + ``articles``: only the kinds the rules of those articles read (with ``plan``
    alone: all the plan reads; neither: every kind), plus the structure and any kind a record
    must refer to. ``kinds`` names the kinds directly. ``window``: every date lies in it
    (default: from a year before the plan's rules take effect to two years after). The sizes
    bound people, units, records per kind and townships. ``seeded``: each record's fields come
    from a generator seeded by one Hypothesis draw (about twice as fast; Hypothesis still
    shrinks by dropping records and simplifying seeds, not field by field).

    With a plan, a post of the rules is held in one to three stretches (successions mid-period,
    gaps, the same person back), and up to ``answers`` records meet open duties of the world,
    half of them late (see ``_answers``), so tenure changes and late fulfilment are common.
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
        answers=answers,
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


def measures_life(plan: Plan, window: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """The days some rule of ``plan`` is in force, bounded by ``window`` (its end: the end)."""
    if not plan.rules:
        return window
    first = max(min(r.in_force_from for r in plan.rules), window[0])
    last = min(max(r.in_force_until or dt.date.max for r in plan.rules), window[1])
    return (first, last) if first <= last else window


def as_of_dates(
    window: tuple[dt.date, dt.date],
    after: int = 400,
    *,
    plan: Plan | None = None,
    near: Sequence[Fact] = (),
) -> st.SearchStrategy[dt.date]:
    """Audit dates from the window's start to ``after`` days past its end.

    With ``plan``, nineteen in twenty lie inside the measures' life (the days its rules are in
    force, within those bounds) and one in twenty outside it, so few examples are spent on
    dates when nothing is owed yet, and some still check that nothing is. With ``near`` (a
    world), a third of those inside are up to two weeks after one of its records' dates (or a
    day it opens a duty on, :func:`opening_days`), so
    duties due a few days after their trigger are often seen still open. The date comes from
    a generator seeded by one draw: Hypothesis draws small and simplest values often (most
    often after a large world), which as a date would be the first days of the window or of
    the life, when every period is still exempt; seeded, every draw gives a spread date.
    """
    bounds = (window[0], window[1] + dt.timedelta(days=after))
    if plan is None:
        return st.dates(*bounds)
    first, last = measures_life(plan, bounds)
    outside = [(a, b) for a, b in ((bounds[0], first - _DAY), (last + _DAY, bounds[1])) if a <= b]
    days = [*(f.fact_date() for f in near), *opening_days(plan, near)]
    dated = sorted({d for d in days if d is not None and first <= d <= last})

    def day(seed: int) -> dt.date:
        rng = random.Random(seed)
        if outside and rng.randrange(20) == 0:
            a, b = rng.choice(outside)
        elif dated and rng.randrange(3) == 0:
            a = rng.choice(dated)
            b = min(a + dt.timedelta(days=14), last)
        else:
            a, b = first, last
        return a + dt.timedelta(days=rng.randint(0, (b - a).days))

    return st.integers(0, 2**32 - 1).map(day)


def opening_days(plan: Plan, facts: Sequence[Fact]) -> list[dt.date]:
    """The days ``facts`` open response duties on: each rule's trigger date field (an
    enforcement case's ``suspected_crime_found``), which may differ from the record's own date.
    No duty is open before its opening day, so an as-of date aimed at a record's own date would
    rarely see such a duty pending."""
    fields = {
        (FACT_KINDS[r.requirement.trigger_kind], r.requirement.trigger_date_field)
        for r in plan.rules
        if isinstance(r.requirement, ResponsePlan)
        and r.requirement.trigger_kind
        and r.requirement.trigger_date_field
    }
    return [
        value
        for f in facts
        for model, field in fields
        if isinstance(f, model) and isinstance(value := getattr(f, field, None), dt.date)
    ]


def worlds_and_dates(
    window: tuple[dt.date, dt.date], plan: Plan, **sizes: Any
) -> st.SearchStrategy[tuple[list[Fact], dt.date]]:
    """A world of ``plan`` (:func:`worlds` with ``sizes``) and an as-of date aimed at it
    (:func:`as_of_dates` with ``near``: the world)."""
    return worlds(plan=plan, window=window, **sizes).flatmap(
        lambda w: st.tuples(st.just(w), as_of_dates(window, plan=plan, near=w))
    )


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
    "measures_life",
    "partitions",
    "shuffled",
    "vocabulary",
    "worlds",
    "worlds_and_dates",
]
