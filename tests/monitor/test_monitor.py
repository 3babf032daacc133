"""The live monitor: API, events, the durable-rules envelope, the CLI and the example stream."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import hezhang_rules as hz
from hezhang_rules.cli import main
from hezhang_rules.compile import Plan
from hezhang_rules.facts.stream import read_lines, to_lines
from hezhang_rules.monitor import rete

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
AS_OF = dt.date(2022, 1, 10)


@pytest.fixture(scope="module")
def example() -> hz.FactSet:
    return hz.load_facts([EXAMPLE])


def test_report_equals_batch_and_events_follow_the_clock(plan: Plan, example: hz.FactSet) -> None:
    events: list[hz.MonitorEvent] = []
    with hz.Monitor(plan, warn_days=30, on_event=events.append, queue=True) as m:
        m.submit_many(example)
        for month in range(1, 13):
            m.advance_to(dt.date(2021, month, 1))
        m.advance_to(AS_OF)
        assert m.report() == hz.evaluate(plan, example, AS_OF)
        assert [e.finding_id for e in m.events()] == [e.finding_id for e in events]
    kinds = {e.kind for e in events}
    assert kinds == {
        "opened",
        "due_soon",
        "fulfilled",
        "fulfilled_late",
        "violated",
        "escalation_opened",
    }
    for e in events:
        assert e.finding is not None and e.finding.id == e.finding_id
        if e.kind == "due_soon":
            assert e.finding.status == "pending" and e.finding.due is not None
            assert 0 <= (e.finding.due - e.day).days <= 30
        if e.kind == "escalation_opened":
            assert e.finding.escalated_from
    # an event's finding is the batch finding at that day
    e = next(e for e in events if e.kind == "violated")
    assert e.finding is not None
    at = hz.evaluate(plan, example, e.day)
    assert at.finding(e.finding.id) == e.finding


def test_warning_window_is_configurable(plan: Plan, example: hz.FactSet) -> None:
    def due_soon(days: int) -> int:
        with hz.Monitor(plan, warn_days=days) as m:
            m.submit_many(example)
            m.advance_to(dt.date(2021, 6, 20))
            return sum(e.kind == "due_soon" for e in m.events())

    assert due_soon(0) <= due_soon(10) < due_soon(60)
    with pytest.raises(ValueError):
        hz.Monitor(plan, warn_days=-1)


def test_monitors_are_isolated(plan: Plan, example: hz.FactSet) -> None:
    facts = list(example)
    half = [f for f in facts if f.KIND != "appointments"]
    with hz.Monitor(plan) as a, hz.Monitor(plan) as b:
        a.submit_many(facts)
        b.submit_many(half)
        ra, rb = a.report(AS_OF), b.report(AS_OF)
    assert ra == hz.evaluate(plan, example, AS_OF)
    assert rb == hz.evaluate(plan, hz.facts_from_models(half), AS_OF)
    assert ra != rb


def test_misuse_is_refused(plan: Plan, example: hz.FactSet) -> None:
    f = next(iter(example))
    m = hz.Monitor(plan)
    m.submit(f)
    with pytest.raises(hz.FactLoadError, match="already submitted"):
        m.submit(f)
    m.advance_to(dt.date(2021, 5, 1))
    with pytest.raises(ValueError, match="cannot go back"):
        m.advance_to(dt.date(2021, 4, 1))
    with pytest.raises(hz.FactLoadError, match="hz_facts_wrong_type"):
        m.submit("not a fact")  # type: ignore[arg-type]
    m.close()
    with pytest.raises(rete.MonitorEngineError):
        m.submit(list(example)[1])


def test_dangling_reference_waits_until_report(plan: Plan, example: hz.FactSet) -> None:
    """Live, a record may arrive before what it refers to; the final report needs them all."""
    inspections = list(example.of_kind("inspections"))
    with hz.Monitor(plan) as m:
        m.submit_many(inspections)
        m.advance_to(AS_OF)  # no error: nobody holds a post yet
        with pytest.raises(hz.FactLoadError):
            m.report()


def test_close_releases_every_state_and_partitions_stay_small(
    plan: Plan, example: hz.FactSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rete, "PARTITION", 7)
    m = hz.Monitor(plan)
    m.submit_many(example)
    assert m._matcher.live_states() <= len(hz.FACT_KINDS)
    assert m.report(AS_OF) == hz.evaluate(plan, example, AS_OF)
    m.close()
    assert m._matcher.live_states() == 0


def test_fnv1a_and_id_collisions_are_resolved() -> None:
    assert rete.fnv1a32("") == 0x811C9DC5
    assert rete.fnv1a32("a") == 0xE40C292C
    plan = hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))
    m = rete.Matcher(plan)
    m._hashes["s"] = {rete.fnv1a32("x1")}  # the next id's hash is taken: re-suffixed
    assert m._fact_id("s") == "x2"
    m.close()


def test_rulesets_are_generated_data(plan: Plan) -> None:
    m = rete.Matcher(plan)
    try:
        defs = json.loads(m.definitions_json())
    finally:
        m.close()
    assert len(defs) == len(hz.FACT_KINDS)
    n = 0
    for rules in defs.values():
        assert "seen" in rules and len(rules) < 200
        for rule in rules.values():
            (pattern,) = rule["all"]
            tests = pattern["fct"]["$and"]
            assert list(tests[0]) == ["hz_type"]  # type test first
            n += 1
    assert n - len(defs) == len(rete.selections(plan))
    keys = {s.key.split("#")[0] for s in rete.selections(plan)}
    assert keys == {r.id for r in plan.rules}
    # what durable-rules cannot judge on one message stays in Python
    ops = {c.op for s in rete.selections(plan) for c in s.residual}
    assert "refers_to" in ops and "holds_role" in ops
    assert all(
        c.op in ("equals", "in", "present") for s in rete.selections(plan) for c in s.compiled
    )


def test_example_stream_is_current(example: hz.FactSet) -> None:
    """Regenerate (EX=src/hezhang_rules/packs/qinghemen/example):
    .venv/bin/python -m hezhang_rules.facts.stream $EX > $EX/facts.jsonl"""
    path = EXAMPLE / "facts.jsonl"
    assert path.read_text(encoding="utf-8") == to_lines(example)
    with path.open(encoding="utf-8") as fh:
        again = hz.facts_from_models(list(read_lines(fh, str(path))))
    assert again.digest() == example.digest()


def test_cli_monitor_report_equals_check(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert main(["check", str(EXAMPLE), "--as-of", "2022-01-10", "--format", "json"]) == 1
    check = capsys.readouterr().out
    lines = (EXAMPLE / "facts.jsonl").read_text(encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    report_file = tmp_path / "report.json"
    args = ["monitor", "-", "--as-of", "2022-01-10", "--warn-days", "7"]
    assert main([*args, "--output", str(report_file)]) == 1
    out = capsys.readouterr().out
    events = [json.loads(x) for x in out.splitlines()]  # standard output: the events alone
    assert report_file.read_text(encoding="utf-8") == check
    assert events and {e["event"] for e in events} >= {"opened", "violated", "due_soon"}
    days = [e["day"] for e in events]
    assert days == sorted(days)  # --clock follow: the clock only moves forward


def test_cli_monitor_rejects_a_bad_line(tmp_path: Path) -> None:
    bad = tmp_path / "facts.jsonl"
    first = (EXAMPLE / "facts.jsonl").read_text(encoding="utf-8").splitlines()[0]
    bad.write_text(first + "\n\n" + '{"kind": "inspections", "record": {"id": 3}}\n')
    run = subprocess.run(
        [sys.executable, "-m", "hezhang_rules.cli", "monitor", str(bad), "--as-of", "2022-01-10"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert f"{bad}:3:" in run.stderr


def test_platform_example_runs() -> None:
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "platform_integration.py"),
            "--until",
            "2021-03-15",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.rstrip().endswith("monitor report == batch report: True")


def test_evaluate_live_has_the_evaluator_signature(plan: Plan, example: hz.FactSet) -> None:
    from hezhang_rules.monitor import evaluate_live
    from hezhang_rules.testing.cases import Evaluator

    fn: Evaluator = evaluate_live
    assert fn(plan, example, AS_OF) == hz.evaluate(plan, example, AS_OF)


def test_a_duty_whose_holder_is_gone_before_it_falls_due_is_withdrawn(plan: Plan) -> None:
    """A township government dissolved before art. 37's due date: opened while it existed, then
    withdrawn (no finding any more) once the clock has passed the dissolution; batch agrees."""
    facts = [
        hz.FACT_KINDS["jurisdictions"].model_validate(
            {"id": "j-d", "name": "区", "level": "district"}
        ),
        hz.FACT_KINDS["units"].model_validate(
            {
                "id": "u-t",
                "name": "某镇政府",
                "type": "township_government",
                "jurisdiction": "j-d",
                "established": "2021-05-22",
                "dissolved": "2021-09-19",
            }
        ),
    ]
    fid = "art037.township_measures_issued/u-t/once"
    with hz.Monitor(plan) as m:
        m.submit_many(facts)
        first = m.advance_to(dt.date(2021, 6, 1))
        assert ("opened", fid) in [(e.kind, e.finding_id) for e in first]
        later = m.advance_to(dt.date(2022, 1, 1))
        gone = [e for e in later if e.finding_id == fid]
        assert [(e.kind, e.finding) for e in gone] == [("withdrawn", None)]
        assert gone[0].to_dict()["finding"] is None
        report = m.report()
    assert report == hz.evaluate(plan, hz.facts_from_models(facts), dt.date(2022, 1, 1))
    assert fid not in {f.id for f in report.findings}
