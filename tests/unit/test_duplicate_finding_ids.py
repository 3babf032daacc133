"""Two findings with one id are an engine defect: every engine raises, none collapses them.

A finding id names its rule, holder and period or fact and is unique within a report
(docs/report.md). The duplicate is forced the way a defect in plan building would make it: the
plan lists one rule twice under the same id (``dataclasses.replace``), so every finding of that
rule is produced twice. Each engine must raise :class:`DuplicateFindingError` naming the id
and the rule — the batch evaluator and the monitor as ``Run.emit`` sees the second one, the
columnar engine as it builds the rule's finding columns (its column-computed rules never pass
through ``Run.emit``) — rather than give a report holding the duty twice.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hezhang_rules.columnar.evaluate import columnar_rule
from hezhang_rules.compile import Plan
from hezhang_rules.findings import DuplicateFindingError
from hezhang_rules.testing import cases

ROOT = Path(__file__).resolve().parents[2]
RUNNER = cases.Runner(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen")
GOLDEN = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "cases"
CASE = cases.load_case(GOLDEN / "chains" / "inspection_to_opinion_to_report.yaml")
PLAN = RUNNER.plan(CASE)
FACTS = RUNNER.facts(CASE)
REPORT = cases.EVALUATORS["batch"](PLAN, FACTS, CASE.model.as_of)


def _shapes() -> dict[str, str]:
    """One rule per requirement shape with findings in the case's world (the first in plan
    order), and per columnar shape (``count``, ``evidence``, ``response``, and the rules the
    columnar engine leaves to the batch code, ``batch``)."""
    out: dict[str, str] = {}
    for rule in PLAN.rules:
        if REPORT.by_rule(rule.id):
            out.setdefault(rule.requirement.type, rule.id)
            out.setdefault(f"columnar-{columnar_rule(rule) or 'batch'}", rule.id)
    return out


SHAPES = _shapes()


def twice(plan: Plan, rule_id: str) -> Plan:
    """``plan`` with the rule ``rule_id`` listed a second time, right after itself."""
    rules = []
    for r in plan.rules:
        rules.append(r)
        if r.id == rule_id:
            rules.append(dataclasses.replace(r))
    return dataclasses.replace(plan, rules=tuple(rules))


def test_the_world_reaches_every_shape() -> None:
    """The case's world gives findings of every requirement and columnar shape tested here."""
    assert {"count", "deadline", "response", "evidence"} <= SHAPES.keys()
    assert {"columnar-count", "columnar-evidence", "columnar-response", "columnar-batch"} <= (
        SHAPES.keys()
    )


@pytest.mark.parametrize("engine", sorted(cases.EVALUATORS))
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_duplicated_finding_id_is_an_internal_error(engine: str, shape: str) -> None:
    rule_id = SHAPES[shape]
    first = REPORT.by_rule(rule_id)[0].id
    with pytest.raises(DuplicateFindingError) as err:
        cases.EVALUATORS[engine](twice(PLAN, rule_id), FACTS, CASE.model.as_of)
    assert err.value.rule_id == rule_id
    assert err.value.finding_id.startswith(f"{rule_id}/")
    assert f"`{err.value.finding_id}`" in str(err.value) and f"`{rule_id}`" in str(err.value)
    assert "unique" in str(err.value)
    if engine != "columnar":  # emitted in report order: the rule's first finding repeats first
        assert err.value.finding_id == first


@pytest.mark.parametrize("engine", sorted(cases.EVALUATORS))
def test_without_the_duplicate_the_same_plan_runs(engine: str) -> None:
    """The error comes from the repeated rule, not from the rebuilt plan."""
    same = dataclasses.replace(PLAN, rules=tuple(PLAN.rules))
    assert cases.EVALUATORS[engine](same, FACTS, CASE.model.as_of) == REPORT
