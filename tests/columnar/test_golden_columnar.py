"""The golden corpus' facts through Parquet files and the column validator.

The cases themselves run on the columnar evaluator in tests/golden (one registry, every
evaluator, each report equal to batch's). Here each case's facts take the file path instead:
written to Parquet and read back with the column validator, the columnar report over those
tables must equal the batch evaluator's over the records they hold (the tables' own digest names
the facts).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hezhang_rules.columnar import (
    evaluate_tables,
    frames_from_facts,
    load_tables,
    tables_factset,
    write_tables,
)
from hezhang_rules.evaluate import evaluate
from hezhang_rules.testing import cases

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "cases"
RUNNER = cases.Runner(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen")
CASES = cases.discover([GOLDEN])


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(GOLDEN)) for p in CASES])
def test_case_through_parquet(path: Path, tmp_path: Path) -> None:
    case = cases.load_case(path, str(path))
    plan = RUNNER.plan(case)
    as_of = case.model.as_of
    write_tables(frames_from_facts(RUNNER.facts(case)), tmp_path, "parquet")
    tables = load_tables([tmp_path])
    on_files = evaluate_tables(plan, tables, as_of).to_report()
    assert on_files == evaluate(plan, tables_factset(tables), as_of)
