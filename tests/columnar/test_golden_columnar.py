"""The golden corpus (tests/golden) on the columnar evaluator, case by case.

Each case's facts go through the columnar path twice: as in-memory tables over the loaded
records, and written to Parquet and read back with the column validator. Both times the case
must pass its expectations and the whole report must equal the batch evaluator's (every finding
of every rule, in the same order, with the same run record).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hezhang_rules.columnar import (
    Tables,
    evaluate_tables,
    frames_from_facts,
    load_tables,
    tables_factset,
    write_tables,
)
from hezhang_rules.compile import Plan
from hezhang_rules.evaluate import evaluate
from hezhang_rules.facts import FactSet
from hezhang_rules.findings import Report
from hezhang_rules.testing import cases

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
RUNNER = cases.Runner(ROOT / "rules" / "qinghemen")
CASES = cases.discover([GOLDEN])


def columnar_evaluator(plan: Plan, facts: FactSet, as_of: dt.date) -> Report:
    return evaluate_tables(plan, Tables.from_facts(facts), as_of).to_report()


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(GOLDEN)) for p in CASES])
def test_case_on_columns(path: Path, tmp_path: Path) -> None:
    case = cases.load_case(path, str(path))
    result = RUNNER.run(case, "columnar", fn=columnar_evaluator)
    assert result.passed, "\n".join(result.messages())
    case_plan = RUNNER.plan(case)
    facts = RUNNER.facts(case)
    as_of = case.model.as_of
    assert columnar_evaluator(case_plan, facts, as_of) == evaluate(case_plan, facts, as_of)
    # Through Parquet files and the column validator: the same report as batch over the
    # records those tables hold (the tables' own digest names the facts).
    write_tables(frames_from_facts(facts), tmp_path, "parquet")
    tables = load_tables([tmp_path])
    on_files = evaluate_tables(case_plan, tables, as_of).to_report()
    assert on_files == evaluate(case_plan, tables_factset(tables), as_of)
