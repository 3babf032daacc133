"""Same answers with an overlay: the columnar evaluator and the batch evaluator on the plan that
compiles the bundled pack and the example town overlay (``examples/overlays/hexi_town``).

The columnar engine lists a count rule's post holders in columns (``appointments_to`` with the
overlay's scope) and every other holder through the batch code, so both paths are exercised:
the town's inspections (posts, in columns) and its river chief meetings (a unit, batch part).
Generated worlds name their townships ``j-town-N``: the example is compiled with its scope moved
to ``j-town-0``. 40 examples by default; ``HYPOTHESIS_PROFILE=slow``: 1,000.
"""

from __future__ import annotations

import datetime as dt
import os

from hypothesis import HealthCheck, event, given, settings
from tests.overlay_packs import HEXI, overlay_scoped_to

import hezhang_rules as hz
from hezhang_rules.columnar import Tables, evaluate_tables
from hezhang_rules.columnar.evaluate import columnar_rule
from hezhang_rules.facts.models import Fact
from hezhang_rules.testing import as_of_dates, default_window, worlds

EXAMPLES = 1_000 if os.environ.get("HYPOTHESIS_PROFILE") == "slow" else 40


PLAN = hz.compile_rules(hz.load_pack(), overlays=[overlay_scoped_to("j-town-0")])
WINDOW = default_window(PLAN)


def test_the_town_rules_run_both_ways() -> None:
    """The town's inspection counts over posts run as columns (``post_instances`` reads the
    scope); its meeting count, bound by the holder's jurisdiction, runs in the batch part."""
    how = {r.id: columnar_rule(r) for r in PLAN.rules if r.overlay == "hexi"}
    assert how == {
        "hexi.art004.river_chief_meeting_half_yearly": None,
        "hexi.art016.general_chief_annual_inspection": "count",
        "hexi.art016.river_chief_half_yearly_inspection": "count",
    }


def test_the_example_district_agrees() -> None:
    plan = hz.compile_rules(hz.load_pack(), overlays=[hz.load_rules(HEXI)])
    facts = hz.load_facts([hz.pack_path("qinghemen") / "example", HEXI / "example"])
    as_of = dt.date(2022, 1, 10)
    columnar = evaluate_tables(plan, Tables.from_facts(facts), as_of).to_report()
    batch = hz.evaluate(plan, facts, as_of)
    assert columnar == batch
    assert sum(f.rule_id.startswith("hexi.") for f in batch.findings) == 10


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    worlds(plan=PLAN, seeded=True, max_per_kind=12, max_people=6),
    as_of_dates(WINDOW, plan=PLAN),
)
def test_columnar_equals_batch_with_an_overlay(world: list[Fact], as_of: dt.date) -> None:
    facts = hz.facts_from_models(world)
    batch = hz.evaluate(PLAN, facts, as_of)
    assert evaluate_tables(PLAN, Tables.from_facts(facts), as_of).to_report() == batch
    town = sum(f.rule_id.startswith("hexi.") for f in batch.findings)
    event("the town's duties bind someone" if town else "no holder in the town's scope")
