"""The example overlay's golden cases (``examples/overlays/hexi_town/cases``) on every evaluator.

An overlay's cases belong to the overlay: the runner compiles the pack it refines (the bundled
``qinghemen``) and the overlay into one plan (``Runner(..., overlays=[...])``) and runs each case
on the batch, columnar and monitor evaluators, the two others held to batch's whole report (as
the bundled corpus is: ``golden_suite.evaluators``). Together the cases give each of the overlay's
rules a compliant and a violating case, and every case's world holds a river chief and a river
chief office outside the town, whom no duty of the town's may bind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import hezhang_rules as hz
from hezhang_rules.rules.packs import DEFAULT_PACK, pack_path
from hezhang_rules.testing.cases import EVALUATORS, Runner, is_case_file, load_case, tally
from hezhang_rules.testing.pytest_plugin import CaseSuite

OVERLAY = Path(__file__).resolve().parents[2] / "examples" / "overlays" / "hexi_town"
CASES_DIR = OVERLAY / "cases"
CASES = sorted(p for p in CASES_DIR.rglob("*") if is_case_file(p, CASES_DIR))
RUNNER = Runner(pack_path(DEFAULT_PACK), overlays=[hz.load_rules(OVERLAY)])


def test_the_overlay_cases_are_found() -> None:
    assert len(CASES) >= 6, CASES


@pytest.mark.parametrize("evaluator", list(EVALUATORS))
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.relative_to(CASES_DIR).as_posix())
def test_overlay_case(path: Path, evaluator: str, golden_suite: CaseSuite) -> None:
    case = load_case(path)
    result = RUNNER.run(case, evaluator, golden_suite.evaluators[evaluator])
    assert result.passed, "\n".join(result.messages())


def test_every_overlay_rule_has_a_compliant_and_a_violating_case() -> None:
    results = [RUNNER.run(load_case(p)) for p in CASES]
    tallies = tally(RUNNER.plan(), results)
    ours = [r.id for r in RUNNER.plan().rules if r.overlay == "hexi"]
    assert len(ours) == 3
    assert [rid for rid in ours if not tallies[rid].covered] == []
