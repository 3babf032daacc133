"""The golden corpus (tests/golden) on the live monitor, case by case.

Each case must pass on the monitor exactly as on the batch evaluator (same expectations), and the
monitor's whole report must equal the batch report (every finding of every rule, not only the
rules the case names). Facts are fed in a shuffled order with the clock advanced in random steps.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from monitor_feed import monitor_evaluator

from hezhang_rules.compile import Plan
from hezhang_rules.evaluate import evaluate
from hezhang_rules.testing import cases

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
RUNNER = cases.Runner(ROOT / "rules" / "qinghemen")
CASES = cases.discover([GOLDEN])


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(GOLDEN)) for p in CASES])
def test_case_on_monitor(path: Path, plan: Plan) -> None:
    case = cases.load_case(path, str(path))
    result = RUNNER.run(case, "monitor", fn=monitor_evaluator)
    assert result.passed, "\n".join(result.messages())
    case_plan = RUNNER.plan(case)
    facts = RUNNER.facts(case)
    batch = evaluate(case_plan, facts, case.model.as_of)
    live = monitor_evaluator(case_plan, facts, case.model.as_of)
    assert live == batch
