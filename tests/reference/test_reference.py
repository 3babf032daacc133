"""The engines against the reference evaluator, finding by finding and field by field.

``hezhang_rules.testing.reference`` is written from docs/rule-format.md and docs/report.md
alone and shares no evaluation code with the engines, so these tests see what the engines'
agreement tests cannot: a meaning changed in code they share (issue 23).

* the golden corpus: for every case, every finding of the world (not only the case's rules) of
  the batch engine equals the reference's, every field; of the columnar engine and the monitor
  too in the full run (:data:`GOLDEN_ENGINES`: in CI, tests/golden holds their whole reports
  equal to batch's on the same cases, so they equal the reference's through it);
* generated worlds: the batch engine equals the reference on ``worlds`` at ``as_of_dates``,
  under the bundled readings and under others (parameter overrides); the monitor and the
  columnar engine on fewer (:data:`EXAMPLES`: 850 worlds in all in CI, 8,200 in the slow profile).

The full run: ``HYPOTHESIS_PROFILE=slow`` (the property suite's slow profile), or
``HEZHANG_REFERENCE_EXAMPLES=N`` for N base examples (100: the 2,050 worlds CI used to draw),
either with every engine on the golden corpus (docs/testing.md, "How deep CI goes").

Where an engine and the reference disagree and the docs do not settle it (or the engine departs
from them), the disagreement is listed in :data:`KNOWN` with the reason and the verdict, and
the cases showing it are strict xfails that raise :class:`KnownDisagreement`: any *other*
difference in such a case still fails, and the day the disagreement is settled the xfail
passes and must be removed. The lead decides each one (the report of issue 23).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import hezhang_rules as hz
from hezhang_rules.compile.plan import Cond, Plan, Selection
from hezhang_rules.facts.models import (
    Appointment,
    EnforcementCase,
    Fact,
    Inspection,
    Jurisdiction,
    Person,
    RectificationReport,
    SupervisionOpinion,
    Unit,
)
from hezhang_rules.findings import Finding, Report
from hezhang_rules.testing import cases, default_window, worlds_and_dates
from hezhang_rules.testing.reference import reference_evaluate

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"
GOLDEN = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "cases"
PLAN = hz.compile_rules(hz.load_rules(RULES))

FIELDS = (
    "id",
    "rule_id",
    "article",
    "status",
    "severity",
    "modality",
    "requirement",
    "holder",
    "period",
    "due",
    "evidence",
    "details",
    "message",
    "parameters",
    "source",
    "subject",
    "escalated_from",
    "answerable",
)
"""Every field of a finding (findings.Finding), compared one by one."""

ABSENT = "<no such finding>"


@dataclass(frozen=True)
class Diff:
    """One difference: a field of one finding, the engine's value and the reference's."""

    rule: str
    finding: str
    field: str
    engine: Any
    reference: Any
    engine_finding: Finding | None
    reference_finding: Finding | None

    def __str__(self) -> str:
        return (
            f"{self.rule}  {self.finding}\n    {self.field}:\n"
            f"      engine:    {self.engine!r}\n      reference: {self.reference!r}"
        )


def _by_id(report: Report, who: str, out: list[Diff]) -> dict[str, Finding]:
    found: dict[str, Finding] = {}
    for f in report.findings:
        if f.id in found:  # ids are unique within a report (docs/report.md, "Finding ids")
            out.append(Diff(f.rule_id, f.id, f"duplicate id in {who}", f, None, f, None))
        found[f.id] = f
    return found


def differences(engine: Report, reference: Report) -> list[Diff]:
    """Every field of every finding that differs (missing findings and duplicate ids too)."""
    out: list[Diff] = []
    mine, theirs = _by_id(engine, "engine", out), _by_id(reference, "reference", out)
    for fid in sorted(mine.keys() | theirs.keys()):
        a, b = mine.get(fid), theirs.get(fid)
        if a is None or b is None:
            rule = (a or b).rule_id  # type: ignore[union-attr]
            out.append(
                Diff(
                    rule, fid, "finding", a.status if a else ABSENT, b.status if b else ABSENT, a, b
                )
            )
            continue
        for name in FIELDS:
            x, y = getattr(a, name), getattr(b, name)
            if x != y:
                out.append(Diff(a.rule_id, fid, name, x, y, a, b))
    if not out and engine.summary != reference.summary:  # (else it follows from the above)
        out.append(Diff("-", "-", "summary", engine.summary, reference.summary, None, None))
    return out


# --- known disagreements --------------------------------------------------------------------


class KnownDisagreement(Exception):
    """Raised by a case that shows only known disagreements (its strict xfail)."""


@dataclass(frozen=True)
class Known:
    """A disagreement the docs do not settle, or where an engine departs from them."""

    name: str
    reason: str
    applies: Callable[[Diff, Plan, hz.FactSet, dt.date], bool]


KNOWN: tuple[Known, ...] = ()
"""None today: the disagreements issue 23 found are settled (the engines, the reference and
the docs changed; the tests near the end of this file assert each decision)."""


def split(
    diffs: list[Diff], plan: Plan, facts: hz.FactSet, as_of: dt.date
) -> tuple[dict[str, list[Diff]], list[Diff]]:
    """The differences by known disagreement, and the unknown ones."""
    known: dict[str, list[Diff]] = {}
    unknown: list[Diff] = []
    for d in diffs:
        kind = next((k for k in KNOWN if k.applies(d, plan, facts, as_of)), None)
        if kind is None:
            unknown.append(d)
        else:
            known.setdefault(kind.name, []).append(d)
    return known, unknown


def check(engine: Report, plan: Plan, facts: hz.FactSet, as_of: dt.date) -> dict[str, list[Diff]]:
    """Fail on any unknown difference; return the known ones by name."""
    reference = reference_evaluate(plan, facts, as_of)
    known, unknown = split(differences(engine, reference), plan, facts, as_of)
    if unknown:
        shown = "\n".join(str(d) for d in unknown[:20])
        more = f"\n… and {len(unknown) - 20} more" if len(unknown) > 20 else ""
        pytest.fail(f"{len(unknown)} difference(s) from the reference:\n{shown}{more}", False)
    return known


# --- the golden corpus ----------------------------------------------------------------------

XFAIL: dict[str, str] = {}
"""Golden cases (relative to tests/golden) that show a known disagreement, by its name."""

RUNNER = cases.Runner(RULES)
ENGINES = dict(cases.EVALUATORS)
"""batch, columnar, monitor: every engine is compared with the reference."""
FULL = (
    os.environ.get("HYPOTHESIS_PROFILE") == "slow"
    or os.environ.get("HEZHANG_REFERENCE_EXAMPLES") is not None
)
"""The full run (docstring above); else the CI depth."""
GOLDEN_ENGINES = tuple(ENGINES) if FULL else (cases.DEFAULT_EVALUATOR,)
"""The engines the golden corpus is compared on: every one in the full run; batch in CI, where
tests/golden/test_golden_cases.py fails any case on which the columnar engine's or the
monitor's whole report differs from batch's (same case, plan, facts and date), so each of
them equals the reference wherever batch does."""


def _golden() -> Iterator[Any]:
    for path, case in cases.iter_cases(cases.discover([GOLDEN])):
        rel = path.relative_to(GOLDEN).as_posix()
        for engine in GOLDEN_ENGINES:
            marks = []
            if rel in XFAIL:
                why = next(k.reason for k in KNOWN if k.name == XFAIL[rel])
                marks.append(pytest.mark.xfail(strict=True, raises=KnownDisagreement, reason=why))
            yield pytest.param(engine, case, id=f"{engine}:{rel}", marks=marks)


@pytest.mark.parametrize(("engine", "case"), list(_golden()))
def test_golden_case_agrees_with_reference(engine: str, case: cases.Case | Exception) -> None:
    """Every finding of the case's world, every field, the engine's equal to the reference's."""
    assert isinstance(case, cases.Case), case
    plan, facts, as_of = RUNNER.plan(case), RUNNER.facts(case), case.model.as_of
    known = check(ENGINES[engine](plan, facts, as_of), plan, facts, as_of)
    if known:
        raise KnownDisagreement("; ".join(f"{k}: {len(v)} finding(s)" for k, v in known.items()))


# --- generated worlds -----------------------------------------------------------------------

WINDOW = default_window(PLAN)
EXAMPLES = int(
    os.environ.get("HEZHANG_REFERENCE_EXAMPLES")
    or (400 if os.environ.get("HYPOTHESIS_PROFILE") == "slow" else 40)
)
"""The base number of generated worlds: 40 in CI (850 worlds), 400 in the slow profile (8,200),
``HEZHANG_REFERENCE_EXAMPLES`` to choose. The batch engine sees 16 times as many under the
bundled readings and 4 times as many under others, the monitor and the columnar engine a
quarter as many each but never fewer than 25 (:data:`OTHER_ENGINE_EXAMPLES`; issue 23). In CI
batch is compared on 640 worlds under the bundled readings, fewer than the 800 on which
tests/property/test_status_reach.py shows the strategy reaching every reachable (rule, status)
pair: a pair reached rarely may go uncompared in one CI run, never in the slow profile."""
SMALL_WORLDS = worlds_and_dates(
    WINDOW, PLAN, max_people=2, max_units=3, max_per_kind=2, seeded=True
)
"""Small worlds (each record drawn from one seed: cheap enough for two thousand) and as-of
dates aimed at them. The strategies' aim (posts changing hands, duties opened and met late,
dates inside the measures' life and just after a record) reaches the statuses
tests/property/test_status_reach.py lists."""


@settings(
    max_examples=16 * EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(SMALL_WORLDS)
def test_generated_world_agrees_with_reference(example: tuple[list[Fact], dt.date]) -> None:
    """Batch equals the reference on a generated world, but for the known disagreements."""
    world, as_of = example
    facts = hz.facts_from_models(world)
    for name in check(hz.evaluate(PLAN, facts, as_of), PLAN, facts, as_of):
        event(f"known disagreement: {name}")


READINGS = st.fixed_dictionaries(
    {},
    optional={
        "partial_tenure": st.sampled_from(["clip", "exempt"]),
        "partial_first_period": st.sampled_from(["clip", "exempt"]),
        "partial_tenure_min_days": st.sampled_from([0, 1, 30, 200]),
        "in_force": st.sampled_from(["2020-12-29", "2021-03-15"]),
        "art016.count_per_river": st.booleans(),
        "art016.river_chief_period": st.sampled_from(["year", "half_year", "quarter", "month"]),
        "art016.river_chief_min_inspections": st.integers(1, 3),
        "art013.notification_period": st.sampled_from(["half_year", "quarter", "month"]),
        "art028.joint_meetings_per_year": st.integers(1, 3),
        "art034.results_due_inclusive": st.booleans(),
        "art031.indicators_due": st.sampled_from(["12-31", "06-30"]),
        "art028.liaison_list_due": st.sampled_from(["2021-01-05", "2021-03-31", "2022-02-28"]),
        "art019.opinion_days": st.sampled_from([0, 1, 30]),
        "art025.supervision_days": st.sampled_from([0, 10]),
    },
)
"""Other readings of the pack (parameter overrides): other periods, policies, due dates and
numbers, so the generated worlds reach what the bundled readings do not (per-river counts,
quarters and months, clipped first periods, exclusive due dates, once-deadlines due early)."""

_PLANS: dict[str, Plan] = {}


def plan_for(readings: dict[str, Any]) -> Plan:
    key = repr(sorted(readings.items()))
    if key not in _PLANS:
        _PLANS[key] = hz.compile_rules(RUNNER.ruleset, readings)
    return _PLANS[key]


@settings(
    max_examples=4 * EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(READINGS, SMALL_WORLDS)
def test_generated_world_under_other_readings_agrees_with_reference(
    readings: dict[str, Any], example: tuple[list[Fact], dt.date]
) -> None:
    """The same under other readings of the pack."""
    world, as_of = example
    plan = plan_for(readings)
    facts = hz.facts_from_models(world)
    for name in check(hz.evaluate(plan, facts, as_of), plan, facts, as_of):
        event(f"known disagreement: {name}")


OTHER_ENGINE_EXAMPLES = max(25, EXAMPLES // 4)
"""The monitor's and the columnar engine's generated worlds: the only ones they are judged on
under other readings (their agreement properties use the bundled readings), so CI keeps the 25
it always drew."""


@pytest.mark.parametrize("engine", ["monitor", "columnar"])
def test_other_engines_on_generated_worlds_agree_with_reference(engine: str) -> None:
    """The live monitor and the columnar engine too, on fewer worlds (they are slower)."""

    @settings(
        max_examples=OTHER_ENGINE_EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(READINGS, worlds_and_dates(WINDOW, PLAN, max_people=3, max_units=4, max_per_kind=3))
    def agrees(readings: dict[str, Any], example: tuple[list[Fact], dt.date]) -> None:
        world, as_of = example
        plan = plan_for(readings)
        facts = hz.facts_from_models(world)
        for name in check(ENGINES[engine](plan, facts, as_of), plan, facts, as_of):
            event(f"known disagreement: {name}")

    agrees()


# --- the settled disagreements, each on a small world (issue 23) ---------------------------

EVALUATORS = ["reference", *ENGINES]
"""The reference and every engine: each settled disagreement is asserted on all of them."""


def _evaluate(who: str, plan: Plan, facts: hz.FactSet, as_of: dt.date) -> Report:
    return (
        reference_evaluate(plan, facts, as_of)
        if who == "reference"
        else ENGINES[who](plan, facts, as_of)
    )


def _district(*extra: Fact) -> hz.FactSet:
    return hz.facts_from_models(
        [
            Jurisdiction(id="j-qhm", name="清河门区", level="district"),
            Person(id="p-wu", name="吴涛"),
            *extra,
        ]
    )


def _chief(aid: str, start: str, end: str | None) -> Appointment:
    return Appointment(
        id=aid,
        person="p-wu",
        role="river_chief",
        jurisdiction="j-qhm",
        start=dt.date.fromisoformat(start),
        end=dt.date.fromisoformat(end) if end else None,
    )


def _inspection(iid: str, day: str) -> Inspection:
    return Inspection(id=iid, inspector="p-wu", date=dt.date.fromisoformat(day))


GAP = _district(_chief("a-1", "2022-01-01", "2022-05-01"), _chief("a-2", "2022-06-16", None))
"""吴涛 in post 1 Jan - 1 May 2022 and again from 16 June: a gap inside 2022-H1, the second
stretch (15 days) shorter than ``partial_tenure_min_days`` (30)."""
GAP_ID = "art016.river_chief_half_yearly_inspection/p-wu/2022-H1"


@pytest.mark.parametrize("who", EVALUATORS)
def test_a_period_with_a_gap_is_judged_from_first_to_last_day_in_post(who: str) -> None:
    """§9: "judged once, from the first to the last day in post" (1 Jan - 30 Jun), the short
    stretch after the gap included: an inspection on 20 June counts, one in the gap does not."""
    facts = hz.facts_from_models(
        [*GAP, _inspection("i-gap", "2022-05-20"), _inspection("i-back", "2022-06-20")]
    )
    f = _evaluate(who, PLAN, facts, dt.date(2022, 11, 21)).finding(GAP_ID)
    assert (f.period.start, f.period.end, f.due) == (
        dt.date(2022, 1, 1),
        dt.date(2022, 6, 30),
        dt.date(2022, 6, 30),
    )
    assert (f.status, f.evidence) == ("fulfilled", ["i-back"])


SHORT_STRETCHES = _district(
    _chief("a-1", "2022-01-01", "2022-01-10"), _chief("a-2", "2022-02-20", "2022-03-01")
)
"""吴涛 in post 1-10 January and 20 February - 1 March 2022: two stretches of 10 days, 40 days
apart (a span of 60 days, 20 of them held)."""
LONGER_STRETCHES = _district(
    _chief("a-1", "2022-01-01", "2022-01-20"), _chief("a-2", "2022-03-02", "2022-03-21")
)
"""吴涛 in post 1-20 January and 2-21 March 2022: two stretches of 20 days, 40 days apart."""


@pytest.mark.parametrize("who", EVALUATORS)
def test_tenure_min_days_counts_the_days_held_not_the_span(who: str) -> None:
    """§9 and readings.md item 17 ("held the post fewer than 30 days"): the period is judged
    once, but ``partial_tenure_min_days`` (30) is compared with the 20 days held, not with the
    60-day span from the first to the last day in post: not applicable, and the message says
    20 days."""
    f = _evaluate(who, PLAN, SHORT_STRETCHES, dt.date(2022, 7, 1)).finding(GAP_ID)
    assert (f.status, f.period.start, f.period.end) == (
        "not_applicable",
        dt.date(2022, 1, 1),
        dt.date(2022, 3, 1),
    )
    assert "in post for 20 days, fewer than 30" in f.message.en


@pytest.mark.parametrize("who", EVALUATORS)
def test_stretches_holding_enough_days_are_judged_on_their_whole_span(who: str) -> None:
    """§9: two 20-day stretches are 40 days held, at least 30: the period is judged on its
    span (1 January - 21 March), and violated without an inspection in post."""
    f = _evaluate(who, PLAN, LONGER_STRETCHES, dt.date(2022, 7, 1)).finding(GAP_ID)
    assert (f.status, f.period.start, f.due) == (
        "violated",
        dt.date(2022, 1, 1),
        dt.date(2022, 3, 21),
    )


CRIME_FOUND_LATER = _district(
    Unit(id="u-police", name="公安分局", type="department", jurisdiction="j-qhm"),
    EnforcementCase(
        id="case-1",
        unit="u-police",
        opened=dt.date(2020, 1, 23),
        suspected_crime=True,
        suspected_crime_found=dt.date(2021, 1, 12),
    ),
)
"""A case opened in 2020 whose suspected crime is found on 12 January 2021."""
TRANSFER = "art029.criminal_case_transferred"


@pytest.mark.parametrize("who", EVALUATORS)
def test_no_duty_opens_before_its_opening_day(who: str) -> None:
    """§8.1: the case is visible on 2 January, but the duty it opens (on the day the crime is
    found) is not open yet: no finding; on 12 January it is pending."""
    assert not _evaluate(who, PLAN, CRIME_FOUND_LATER, dt.date(2021, 1, 2)).by_rule(TRANSFER)
    later = _evaluate(who, PLAN, CRIME_FOUND_LATER, dt.date(2021, 1, 12)).by_rule(TRANSFER)
    assert [(f.status, f.period.start) for f in later] == [("pending", dt.date(2021, 1, 12))]


OPINION = "art019.office_issues_rectification_opinion"
TWO_PROBLEMS = _district(
    _chief("a-1", "2020-01-01", None),
    Unit(id="u-office", name="河长办", type="river_chief_office", jurisdiction="j-qhm"),
    Inspection(
        id="i-1",
        inspector="p-wu",
        date=dt.date(2021, 3, 1),
        jurisdiction="j-qhm",
        record={
            "time": "上午",
            "place": "细河",
            "content": "巡查",
            "problems": [
                {"id": "pr-1", "description": "垃圾", "major": True},
                {"id": "pr-2", "description": "排污口", "major": True},
            ],
        },
    ),
)
"""One inspection that found two main problems (art. 19: an opinion is owed on each)."""


@pytest.mark.parametrize("who", EVALUATORS)
def test_an_each_duty_is_keyed_by_the_item_and_its_subject_is_the_trigger(who: str) -> None:
    """§8.6 "each" and report.md (`subject`: "the fact that opened the duty"): one finding per
    item, its id ending with the item's id, its subject and evidence the inspection."""
    found = _evaluate(who, PLAN, TWO_PROBLEMS, dt.date(2021, 4, 1)).by_rule(OPINION)
    assert [(f.id, f.subject, f.evidence) for f in found] == [
        (f"{OPINION}/u-office/pr-1", "i-1", ["i-1"]),
        (f"{OPINION}/u-office/pr-2", "i-1", ["i-1"]),
    ]


# --- disagreements the bundled pack does not reach: a rule changed for the test -------------


def _changed(rule_id: str, **changes: Any) -> Plan:
    """The bundled plan with one rule's requirement changed (its other rules as they are)."""
    rules = tuple(
        dataclasses.replace(r, requirement=dataclasses.replace(r.requirement, **changes))
        if r.id == rule_id
        else r
        for r in PLAN.rules
    )
    return dataclasses.replace(PLAN, rules=rules)


INSPECT = "art016.river_chief_half_yearly_inspection"
NOT_IN = _changed(
    INSPECT,
    select=Selection(
        "inspections",
        (Cond("jurisdiction", "not_in", frozenset({"j-elsewhere"})),),
        (("inspector", "holder"),),
        "date",
    ),
)
"""Art. 16 counting only inspections whose jurisdiction is stated and not ``j-elsewhere``."""
UNPLACED = _district(
    _chief("a-1", "2020-01-01", None),
    Inspection(id="i-1", inspector="p-wu", date=dt.date(2021, 3, 1)),
)
"""One inspection in 2021-H1 that does not state its jurisdiction."""


@pytest.mark.parametrize("engine", ["reference", *ENGINES])
def test_not_in_holds_for_an_absent_value(engine: str) -> None:
    """rule-format.md §10: `not_in` holds on an absent value (the operators' table says so):
    the inspection that states no jurisdiction counts, in the reference and every engine."""
    fn = reference_evaluate if engine == "reference" else ENGINES[engine]
    f = fn(NOT_IN, UNPLACED, dt.date(2021, 7, 1)).finding(f"{INSPECT}/p-wu/2021-H1")
    assert (f.status, f.details["count"]) == ("fulfilled", 1)


REPORT = "art022.rectification_report_to_supervisor"
TO_ADDRESSEE = _changed(
    REPORT,
    response=Selection(
        "rectification_reports",
        (),
        (("submitted_by", "holder"), ("to", "trigger.addressed_to")),
        "submitted",
    ),
)
"""Art. 22 with the report bound to the opinion's addressees (a list field of the trigger)."""
ADDRESSED = _district(
    Unit(id="u-office", name="河长办", type="river_chief_office", jurisdiction="j-qhm"),
    Unit(id="u-water", name="水务局", type="department", jurisdiction="j-qhm"),
    SupervisionOpinion(
        id="so-1",
        issued_by="u-office",
        level="river_chief_office",
        addressed_to=["u-water"],
        issued=dt.date(2021, 3, 1),
    ),
    RectificationReport(
        id="rr-1",
        responds_to="so-1",
        submitted_by="u-water",
        to="u-water",
        submitted=dt.date(2021, 3, 10),
    ),
)
ELSEWHERE = hz.facts_from_models(
    [
        *(f for f in ADDRESSED if f.id != "rr-1"),
        RectificationReport(
            id="rr-2",
            responds_to="so-1",
            submitted_by="u-water",
            to="u-office",
            submitted=dt.date(2021, 3, 10),
        ),
    ]
)
"""The same opinion answered by a report to a unit it is not addressed to."""


@pytest.mark.parametrize("who", EVALUATORS)
def test_trigger_bind_to_a_list_field_matches_any_element(who: str) -> None:
    """§11: a `trigger.<field>` bind on a list field of the trigger (`addressed_to`) holds
    when the reply's field names one of its elements: the report to ``u-water`` answers the
    opinion addressed to ``[u-water]``; a report to ``u-office`` does not."""
    fid = f"{REPORT}/u-water/so-1"
    assert _evaluate(who, TO_ADDRESSEE, ADDRESSED, dt.date(2021, 6, 1)).finding(fid).status == (
        "fulfilled"
    )
    assert _evaluate(who, TO_ADDRESSEE, ELSEWHERE, dt.date(2021, 6, 1)).finding(fid).status == (
        "violated"
    )


SUPERVISED = "art025.unrectified_matter_supervised"
SUPERVISION_OFFICE = Unit(
    id="u-office", name="河长办", type="river_chief_office", jurisdiction="j-qhm"
)


def _escalating(source: str) -> Plan:
    """The bundled plan with art. 25's escalation reading ``source``'s violated and late
    findings (the source comes before it in plan order, as the compiler orders escalations)."""
    ids = [r.id for r in PLAN.rules]
    assert ids.index(source) < ids.index(SUPERVISED)
    return _changed(
        SUPERVISED, trigger_rule=source, trigger_statuses=frozenset({"violated", "fulfilled_late"})
    )


TWO_MISSED_HALVES = _district(SUPERVISION_OFFICE, _chief("a-1", "2020-01-01", None))
"""吴涛 river chief since 2020 who never inspects: 2021-H1 and 2021-H2 both violated."""


@pytest.mark.parametrize("who", EVALUATORS)
def test_escalations_of_one_holders_count_findings_have_distinct_ids(who: str) -> None:
    """§8.6 and §12: the escalation of a count finding (no subject) is keyed by the earlier
    finding's id, so one holder's two violated periods open two duties with two ids."""
    report = _evaluate(who, _escalating(INSPECT), TWO_MISSED_HALVES, dt.date(2022, 6, 1))
    found = [f for f in report.by_rule(SUPERVISED) if "/2021-" in f.id]
    earlier = [f"{INSPECT}/p-wu/2021-H1", f"{INSPECT}/p-wu/2021-H2"]
    assert [(f.id, f.subject, f.escalated_from) for f in found] == [
        (f"{SUPERVISED}/u-office/{e}", e, e) for e in earlier
    ]


TWO_PROBLEMS_SUPERVISED = hz.facts_from_models(
    [
        *TWO_PROBLEMS,
        SupervisionOpinion(
            id="so-1",
            issued_by="u-office",
            level="river_chief_office",
            addressed_to=["u-office"],
            issued=dt.date(2021, 11, 1),
            source="i-1",
        ),
    ]
)
"""The inspection of :data:`TWO_PROBLEMS` (no opinion on either problem), and a supervision
opinion on 1 November 2021 naming the inspection as its source."""


@pytest.mark.parametrize("who", EVALUATORS)
def test_an_escalation_of_an_each_duty_is_keyed_by_the_fact_and_the_item(who: str) -> None:
    """§8.6 and §12: the two items of one inspection escalate to two duties, keyed by the
    inspection and the item (two ids, not one twice); each one's subject, and what ``link``
    names, is the inspection, so one opinion naming it answers both."""
    escalating = _escalating(OPINION)
    found = _evaluate(who, escalating, TWO_PROBLEMS, dt.date(2021, 12, 1)).by_rule(SUPERVISED)
    assert [(f.id, f.subject, f.escalated_from, f.status) for f in found] == [
        (f"{SUPERVISED}/u-office/i-1/{p}", "i-1", f"{OPINION}/u-office/{p}", "violated")
        for p in ("pr-1", "pr-2")
    ]
    answered = _evaluate(who, escalating, TWO_PROBLEMS_SUPERVISED, dt.date(2021, 12, 1))
    assert [(f.status, f.evidence) for f in answered.by_rule(SUPERVISED)] == [
        ("fulfilled_late", ["i-1", "so-1"])
    ] * 2
