"""Properties of evaluation over generated valid worlds (hezhang_rules.testing strategies).

* determinism: the same plan and facts give byte-identical reports, whatever plan object;
* order independence: shuffled facts, facts split over YAML and JSON files, rule files loaded
  in any order give the same report;
* monotonicity: adding a fact of the kind a duty asks for never makes that duty's findings
  worse (a violation never appears where there was none, nor any new finding of it);
* as-of stability: once a period is closed its status is final when the as-of date moves on
  over the same facts (a violated deadline or response may still be met late);
* periods partition time: a holder's periods of one rule never overlap.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import tempfile
from collections import defaultdict
from pathlib import Path

from hypothesis import event, given, settings
from hypothesis import strategies as st

import hezhang_rules as hz
from hezhang_rules.compile.plan import (
    Cond,
    CountPlan,
    DeadlinePlan,
    Plan,
    PlanRule,
    RelatedTest,
    ResponsePlan,
)
from hezhang_rules.testing import as_of_dates, default_window, extra_facts, partitions, worlds
from hezhang_rules.testing.duties import fulfilling_facts
from hezhang_rules.testing.files import write_fact_files

ROOT = Path(__file__).resolve().parents[2]
PLAN = hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))
WINDOW = default_window(PLAN)
SCALE = settings().max_examples / 100  # the profile's (tests/property/conftest.py): 1 or 10
RANK = {"violated": 0, "pending": 1, "fulfilled_late": 2, "fulfilled": 3}


def examples(n: int) -> int:
    return int(n * SCALE)


small_worlds = worlds(plan=PLAN, max_people=3, max_units=4, max_per_kind=3)
as_of = as_of_dates(WINDOW, plan=PLAN)


def report(facts: list[hz.Fact], day: dt.date, plan: Plan = PLAN) -> hz.Report:
    return hz.evaluate(plan, hz.facts_from_models(facts), day)


AGAIN = hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))


@settings(max_examples=examples(50))
@given(small_worlds, as_of)
def test_determinism(world: list[hz.Fact], day: dt.date) -> None:
    """Twice on one plan, and on a plan compiled separately: the same bytes."""
    first = report(world, day).to_json()
    assert report(world, day).to_json() == first
    assert report(world, day, AGAIN).to_json() == first


@settings(max_examples=examples(50))
@given(small_worlds.flatmap(lambda w: st.tuples(st.just(w), st.permutations(w))), as_of)
def test_shuffled_facts_give_the_same_report(
    pair: tuple[list[hz.Fact], list[hz.Fact]], day: dt.date
) -> None:
    world, shuffled = pair
    assert report(shuffled, day).to_json() == report(world, day).to_json()


@settings(max_examples=examples(30))
@given(small_worlds.flatmap(lambda w: st.tuples(st.just(w), partitions(w))), as_of)
def test_facts_split_across_files_give_the_same_report(
    pair: tuple[list[hz.Fact], list[list[hz.Fact]]], day: dt.date
) -> None:
    world, groups = pair
    with tempfile.TemporaryDirectory() as tmp:
        write_fact_files(groups, Path(tmp), formats=("yaml", "json"))
        loaded = hz.load_facts([tmp])
    assert hz.evaluate(PLAN, loaded, day).to_json() == report(world, day).to_json()


RULESET = hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen")


@settings(max_examples=examples(20))
@given(st.permutations(range(len(RULESET.files))), small_worlds, as_of)
def test_rule_files_in_any_order_give_the_same_plan_and_report(
    order: list[int], world: list[hz.Fact], day: dt.date
) -> None:
    files = tuple(RULESET.files[i] for i in order)
    plan = hz.compile_rules(dataclasses.replace(RULESET, files=files))
    assert plan.rules == PLAN.rules and plan.parameters == PLAN.parameters
    assert plan.rules_digest == PLAN.rules_digest
    assert sorted(plan.articles, key=lambda a: a.number) == list(PLAN.articles)
    assert report(world, day, plan).to_json() == report(world, day).to_json()


def test_rule_files_written_in_any_order_load_the_same(tmp_path: Path) -> None:
    """A pack copied file by file in reverse order loads as the same rule set."""
    for f in sorted(
        (ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen").iterdir(), reverse=True
    ):
        if f.is_file():  # the rule files, not the pack's cases, example and source text
            (tmp_path / f.name).write_bytes(f.read_bytes())
    again = hz.load_rules(tmp_path)
    assert [f.model for f in again.files] == [f.model for f in RULESET.files]
    assert again.digest() == RULESET.digest()


# --- monotonicity ----------------------------------------------------------------------------


def _related_kinds(conds: tuple[Cond, ...]) -> set[str]:
    out: set[str] = set()
    for c in conds:
        if isinstance(c.operand, RelatedTest):
            out |= {c.operand.kind, *_related_kinds(c.operand.where)}
        elif isinstance(c.operand, tuple):
            out |= _related_kinds(tuple(x for x in c.operand if isinstance(x, Cond)))
    return out


def _fulfilling_kind(rule: PlanRule) -> str | None:
    """The kind of fact that meets ``rule``'s duty, when adding one can only help.

    Count and deadline rules and fact-triggered responses; not when the kind also opens the
    duty (a trigger) or decides it through ``related`` (a reverse look-up).
    """
    req = rule.requirement
    if isinstance(req, CountPlan | DeadlinePlan):
        sel, trigger = req.select, None
    elif isinstance(req, ResponsePlan) and req.trigger_kind is not None:
        sel, trigger = req.response, req.trigger_kind
    else:
        return None
    if sel.kind == trigger or sel.kind in _related_kinds(sel.where):
        return None
    return sel.kind


MONOTONE = {r.id: k for r in PLAN.rules if (k := _fulfilling_kind(r)) is not None}


def _no_worse(before: hz.Report, after: hz.Report, kind: str) -> bool:
    """Every duty ``kind`` meets keeps its findings, none worse; True if some got better."""
    improved = False
    for rule_id, fulfilling in MONOTONE.items():
        if fulfilling != kind:
            continue
        old = {f.id: f.status for f in before.by_rule(rule_id)}
        new = {f.id: f.status for f in after.by_rule(rule_id)}
        assert set(new) == set(old), f"{rule_id}: findings {set(new) ^ set(old)} came or went"
        for fid, status in old.items():
            if status == "not_applicable":
                assert new[fid] == status, fid
                continue
            assert RANK[new[fid]] >= RANK[status], f"{fid}: {status} → {new[fid]}"
            improved |= new[fid] != status
    return improved


@st.composite
def open_duty_and_fulfilling_fact(
    draw: st.DrawFn,
) -> tuple[list[hz.Fact], dt.date, hz.Finding, hz.Fact]:
    world = draw(small_worlds)
    day = draw(as_of)
    finding, fact = draw(fulfilling_facts(PLAN, world, day))
    return world, day, finding, fact


@settings(max_examples=examples(75))
@given(open_duty_and_fulfilling_fact())
def test_adding_a_fulfilling_fact_never_adds_a_violation(
    case: tuple[list[hz.Fact], dt.date, hz.Finding, hz.Fact],
) -> None:
    world, day, duty, fact = case
    before = report(world, day)
    after = report([*world, fact], day)
    if duty.rule_id in MONOTONE:
        _no_worse(before, after, fact.KIND)
    met = after.finding(duty.id).status
    assert RANK.get(met, -1) >= RANK[duty.status], f"{duty.id}: {duty.status} → {met}"
    event(f"the open duty became {met}")


@st.composite
def world_and_extra(draw: st.DrawFn) -> tuple[list[hz.Fact], hz.Fact]:
    world = draw(small_worlds)
    extra = draw(extra_facts(world, set(MONOTONE.values()), plan=PLAN))
    return world, extra


@settings(max_examples=examples(50))
@given(world_and_extra(), as_of)
def test_adding_any_fact_of_the_kind_a_duty_asks_for_never_makes_it_worse(
    pair: tuple[list[hz.Fact], hz.Fact], day: dt.date
) -> None:
    world, extra = pair
    improved = _no_worse(report(world, day), report([*world, extra], day), extra.KIND)
    event("a duty was met by the added fact" if improved else "no status changed")


# --- as-of stability -------------------------------------------------------------------------

LATE_OK = ("deadline", "response")


@settings(max_examples=examples(75))
@given(small_worlds, as_of, st.integers(1, 800))
def test_closed_periods_keep_their_status(world: list[hz.Fact], day: dt.date, later: int) -> None:
    facts = hz.facts_from_models(world)
    first = hz.evaluate(PLAN, facts, day)
    second = {f.id: f for f in hz.evaluate(PLAN, facts, day + dt.timedelta(days=later)).findings}
    for f in first.findings:
        closed = (f.due or f.period.end) < day
        if not closed:
            continue
        g = second.get(f.id)
        if g is None:
            # An escalation waits for a violation; met late, it is no longer owed.
            assert f.escalated_from is not None, f"{f.id} vanished"
            origin = second.get(f.escalated_from)
            assert origin is not None and origin.status == "fulfilled_late", f.id
            continue
        if f.status == "violated" and f.requirement in LATE_OK:
            assert g.status in ("violated", "fulfilled_late"), f"{f.id}: violated → {g.status}"
        else:
            assert g.status == f.status, f"{f.id}: {f.status} → {g.status} ({f.requirement})"


def test_a_later_penalty_opens_the_duty_with_its_own_due_date() -> None:
    """art029.no_penalty_in_lieu_of_prosecution(_undated) is opened by a penalised suspected-crime
    case: before the penalty is visible there is no finding; once it is, the duty is judged
    against the transfer window counted from the case (here long closed), not from the audit."""
    world = [
        hz.Jurisdiction(id="j", name="区", level="district"),  # type: ignore[arg-type]
        hz.Unit(id="u", name="局", type="department", jurisdiction="j"),  # type: ignore[arg-type]
        hz.EnforcementCase(id="c", unit="u", opened=dt.date(2021, 3, 1), suspected_crime=True),
        hz.Penalty(id="f", case="c", unit="u", kind="fine", date=dt.date(2022, 2, 1)),  # type: ignore[arg-type]
    ]
    fid = "art029.no_penalty_in_lieu_of_prosecution_undated/u/c"
    early = {f.id for f in report(world, dt.date(2022, 1, 15)).findings}
    late = report(world, dt.date(2022, 3, 1)).finding(fid)
    assert fid not in early
    assert late.status == "violated" and late.due == dt.date(2021, 3, 8)


# --- periods partition time ------------------------------------------------------------------


@settings(max_examples=examples(50))
@given(small_worlds, as_of)
def test_a_holders_periods_never_overlap(world: list[hz.Fact], day: dt.date) -> None:
    spans: dict[tuple[str, str], list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for f in report(world, day).findings:
        if f.requirement in ("count", "forbid"):
            spans[(f.rule_id, f.holder.id)].append((f.period.start, f.period.end))
    for key, periods in spans.items():
        periods.sort()
        for (_, end), (start, _) in itertools.pairwise(periods):
            assert end < start, f"{key}: periods overlap: {periods}"
