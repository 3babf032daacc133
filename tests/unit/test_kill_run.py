"""The engine seam: what a run records, what it refuses, what it sees on the as-of date, stated
on the golden district (the mutation score's survivors in ``evaluate/core.py`` and
``evaluate/run.py``, docs/testing.md "Mutation score")."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
from pathlib import Path

import pytest
from kill_world import DISTRICT, evaluate, finding, plan

import hezhang_rules as hz
from hezhang_rules.evaluate.core import Run, WorldSelector, collector_paused, jsonable
from hezhang_rules.evaluate.periods import Period
from hezhang_rules.evaluate.run import Draft
from hezhang_rules.evaluate.world import World
from hezhang_rules.findings import STATUSES

D = dt.date


def test_the_run_record_says_what_was_overridden(tmp_path: Path) -> None:
    report = evaluate(tmp_path, {}, D(2022, 2, 1), {"in_force": D(2021, 1, 1)})
    record = report.run
    assert record.parameters_overridden == {"in_force": "2021-01-01"}
    assert record.pack == plan().pack and record.rules_digest == plan().rules_digest
    facts = hz.load_facts([DISTRICT, tmp_path / "facts.yaml"])
    assert (record.facts_count, record.facts_digest) == (len(facts), facts.digest())
    assert evaluate(tmp_path, {}, D(2022, 2, 1)).run.parameters_overridden == {}
    assert jsonable(D(2021, 1, 1)) == "2021-01-01" and jsonable(30) == 30


def test_the_summary_counts_every_finding_by_status(tmp_path: Path) -> None:
    report = evaluate(tmp_path, {}, D(2022, 2, 1))
    summary = report.summary.model_dump()
    assert summary["total"] == len(report.findings)
    for status in STATUSES:
        assert summary[status] == sum(f.status == status for f in report.findings)
    assert summary["violated"] > 0 and summary["not_applicable"] > 0


@pytest.mark.parametrize("day", [D(1899, 12, 31), D(2200, 1, 1)])
def test_an_as_of_date_outside_the_calendar_is_refused(day: dt.date) -> None:
    facts = hz.load_facts([DISTRICT])
    with pytest.raises(hz.UsageError, match="as-of date"):
        hz.evaluate(plan(), facts, day)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_and_left_as_it_was(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_a_finding_of_no_known_status_or_holder_kind_is_refused() -> None:
    facts = hz.load_facts([DISTRICT])
    world = World(facts, D(2021, 7, 1))
    p = plan()
    run = Run(p, world, WorldSelector(world))
    rule = next(r for r in p.rules if r.id == "art016.river_chief_half_yearly_inspection")
    holder = run.holders(rule.holder)[0]
    period = Period(D(2021, 1, 1), D(2021, 6, 30), "2021-H1")
    draft = Draft(rule, holder, period, "2021-H1", "done", None, [], ("", ""), {})
    with pytest.raises(ValueError, match="done"):
        run.emit(draft)
    with pytest.raises(ValueError, match="robot"):
        run.emit(
            dataclasses.replace(
                draft, status="violated", holder=dataclasses.replace(holder, kind="robot")
            )
        )
    assert run.findings == []
    made = run.emit(dataclasses.replace(draft, status="violated", evidence=["b", "a", "b"]))
    assert made.evidence == ["a", "b"]  # sorted, each once
    assert made.id == f"{rule.id}/{holder.id}/2021-H1" and run.by_rule[rule.id] == [made]


def test_a_fact_dated_on_the_as_of_date_is_seen_and_one_after_it_is_not(tmp_path: Path) -> None:
    facts = {"inspections": [
        {"id": "i-1", "inspector": "p-rc1", "date": D(2021, 3, 1), "jurisdiction": "j-qhm",
         "rivers": ["r-xihe"], "method": "site_survey"},
        {"id": "i-2", "inspector": "p-rc2", "date": D(2021, 3, 2), "jurisdiction": "j-qhm",
         "rivers": ["r-qinghe"], "method": "site_survey"},
    ]}  # fmt: skip
    report = evaluate(tmp_path, facts, D(2021, 3, 1))
    rule = "art016.river_chief_half_yearly_inspection"
    assert finding(report, f"{rule}/p-rc1/2021-H1").status == "fulfilled"
    assert finding(report, f"{rule}/p-rc2/2021-H1").status == "pending"
