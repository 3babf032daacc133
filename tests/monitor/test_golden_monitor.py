"""The golden corpus' facts fed to the monitor in any order.

The cases themselves run on the registered monitor in tests/golden (facts in the fact set's
order, one advance). Here each case's facts go in a shuffled order with the clock advanced in
random steps (seeded by the facts' digest), and the monitor's whole report must still equal the
batch report (every finding of every rule, not only the rules the case names).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from monitor_feed import monitor_evaluator

from hezhang_rules.evaluate import evaluate
from hezhang_rules.testing import cases

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "cases"
RUNNER = cases.Runner(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen")
CASES = cases.discover([GOLDEN])


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(GOLDEN)) for p in CASES])
def test_case_in_any_order(path: Path) -> None:
    case = cases.load_case(path, str(path))
    plan = RUNNER.plan(case)
    facts = RUNNER.facts(case)
    as_of = case.model.as_of
    assert monitor_evaluator(plan, facts, as_of) == evaluate(plan, facts, as_of)
