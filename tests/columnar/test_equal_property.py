"""Same answers: the columnar evaluator and the batch evaluator on generated worlds.

Worlds come from the public strategies (``hezhang_rules.testing.worlds``), with many inspections
per world so the columnar rules (counts per period, evidence per record) see full periods,
tenure changes and missing elements. Each world is evaluated at a random date by the batch
evaluator over the records, and by the columnar evaluator over the same records as tables (in
memory, and written to Parquet or JSON lines and read back through the column validator); the
reports must be equal, finding for finding. 50 examples by default and in CI (the golden corpus
also runs on the columnar engine, in memory and through Parquet, and tests/reference compares it
with the reference on generated worlds under other readings); ``HYPOTHESIS_PROFILE=slow``:
1,500.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hezhang_rules as hz
from hezhang_rules.columnar import (
    Tables,
    evaluate_tables,
    frames_from_facts,
    load_tables,
    tables_factset,
    write_tables,
)
from hezhang_rules.facts.models import Fact
from hezhang_rules.testing import as_of_dates, default_window, worlds

ROOT = Path(__file__).resolve().parents[2]
PLAN = hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))
WINDOW = default_window(PLAN)
EXAMPLES = 1_500 if os.environ.get("HYPOTHESIS_PROFILE") == "slow" else 50


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    worlds(plan=PLAN, seeded=True, max_per_kind=12, max_people=6),
    as_of_dates(WINDOW, plan=PLAN),
    st.sampled_from(["memory", "parquet", "jsonl"]),
)
def test_columnar_equals_batch(world: list[Fact], as_of: dt.date, via: str) -> None:
    facts = hz.facts_from_models(world)
    if via == "memory":
        tables = Tables.from_facts(facts)
        records = facts
    else:
        with tempfile.TemporaryDirectory() as tmp:
            write_tables(frames_from_facts(facts), Path(tmp), via)
            tables = load_tables([Path(tmp)])
        records = tables_factset(tables)
        assert sorted(records, key=lambda f: f.id) == sorted(facts, key=lambda f: f.id)
    columnar = evaluate_tables(PLAN, tables, as_of)
    assert columnar.to_report() == hz.evaluate(PLAN, records, as_of)
