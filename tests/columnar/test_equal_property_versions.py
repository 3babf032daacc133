"""Same answers with a versioned plan: the columnar evaluator and the batch evaluator on
generated worlds, for plans whose rules have dated versions (docs/rule-format.md, "Amendments
and versions"): the version filter written once over ``Ops`` (``evaluate.kinds.version``) keeps
the same findings in columns as on values, and the columnar report cites each version's source
and parameters.

Plans as in tests/monitor/test_agreement_versions.py: the bundled pack cut into two versions on
2021-10-01 (either anchor), and the amendment example (art. 16, a FICTIONAL amendment in force
from 2023-04-01) on worlds dated from mid-2022 to mid-2024. Modelled on test_equal_property.py;
25 examples by default, ``HYPOTHESIS_PROFILE=slow``: 600.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.amendment_packs import compiled, example_pack, split_pack

import hezhang_rules as hz
from hezhang_rules.columnar import Tables, evaluate_tables
from hezhang_rules.compile import Plan
from hezhang_rules.facts.models import Fact
from hezhang_rules.report.table import FindingsTable
from hezhang_rules.testing import as_of_dates, default_window, worlds

_TMP = Path(tempfile.mkdtemp(prefix="hezhang-versions-"))
SPLIT = {
    anchor: compiled(split_pack(_TMP / anchor, dt.date(2021, 10, 1), anchor))
    for anchor in ("start", "end")
}
AMENDED = compiled(example_pack(_TMP / "example", "versions"))
EXAMPLE_WINDOW = (dt.date(2022, 6, 1), dt.date(2024, 6, 30))
EXAMPLES = 600 if os.environ.get("HYPOTHESIS_PROFILE") == "slow" else 25


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Plan, list[Fact], dt.date]:
    which = draw(st.sampled_from(["start", "end", "example"]))
    plan = AMENDED if which == "example" else SPLIT[which]
    window = EXAMPLE_WINDOW if which == "example" else default_window(plan)
    world = draw(worlds(plan=plan, seeded=True, window=window, max_per_kind=12, max_people=6))
    return plan, world, draw(as_of_dates(window, plan=plan))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
def test_columnar_equals_batch_with_versions(scenario: tuple[Plan, list[Fact], dt.date]) -> None:
    plan, world, as_of = scenario
    facts = hz.facts_from_models(world)
    columnar = evaluate_tables(plan, Tables.from_facts(facts), as_of)
    batch = hz.evaluate(plan, facts, as_of)
    assert columnar.to_report() == batch
    # the Parquet rows (each version's source and parameters read per finding) say the same
    with FindingsTable.of_columnar(columnar) as table:
        rows = table.frame.collect()
    assert rows.get_column("source").to_list() == [f.source for f in batch.findings]
    assert rows.get_column("parameters").to_list() == [f.parameters for f in batch.findings]
