"""Agreement with an overlay: the monitor fed a generated world in any order, the clock advanced
in random steps, ends with exactly the batch report of the plan that compiles the bundled pack
and the example town overlay (``examples/overlays/hexi_town``, art. 37) together.

The overlay's duties bind only holders in its scope. Generated worlds name their townships
``j-town-N``, so the example is compiled here with its scope moved to ``j-town-0`` (a copy of the
pack, the one line changed): a world with that township and chiefs or an office in it gets the
town's duties, one without it (or with holders elsewhere) none, and both must agree.
Examples: 150 by default (the monitor also runs the overlay's golden cases, held to the batch
report whole, in tests/golden/test_overlay_cases.py); ``MONITOR_EXAMPLES=N`` runs N.
"""

from __future__ import annotations

import datetime as dt
import os

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from monitor_feed import Steps, assert_agrees, steps_drawn
from tests.overlay_packs import HEXI, overlay_scoped_to

import hezhang_rules as hz
from hezhang_rules.facts.models import Fact
from hezhang_rules.testing import as_of_dates, default_window, worlds

EXAMPLES = int(os.environ.get("MONITOR_EXAMPLES") or 150)


PLAN = hz.compile_rules(hz.load_pack(), overlays=[overlay_scoped_to("j-town-0")])
WINDOW = default_window(PLAN)


def test_the_plan_holds_the_overlay() -> None:
    ours = [r for r in PLAN.rules if r.overlay == "hexi"]
    assert len(ours) == 3 and {r.holder.scope for r in ours} == {"j-town-0"}


def test_the_example_district_agrees() -> None:
    """The real scope on the example district: the town's findings, the same from both."""
    plan = hz.compile_rules(hz.load_pack(), overlays=[hz.load_rules(HEXI)])
    example = hz.pack_path("qinghemen") / "example"
    facts = hz.load_facts([example, HEXI / "example"])
    as_of = dt.date(2022, 1, 10)
    with hz.Monitor(plan) as m:
        m.submit_many(sorted(facts, key=lambda f: f.id, reverse=True))
        m.advance_to(as_of)
        live = m.report()
    batch = hz.evaluate(plan, facts, as_of)
    assert live == batch
    assert sum(f.rule_id.startswith("hexi.") for f in batch.findings) == 10


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Fact], dt.date, Steps]:
    world = draw(worlds(plan=PLAN, seeded=True))
    order = draw(st.permutations(world))
    as_of = draw(as_of_dates(WINDOW, plan=PLAN))
    return order, as_of, steps_drawn(draw, len(order), WINDOW[0], as_of, most=4)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
@given(scenarios())
def test_monitor_equals_batch_with_an_overlay(
    scenario: tuple[list[Fact], dt.date, Steps],
) -> None:
    order, as_of, steps = scenario
    batch = assert_agrees(PLAN, order, as_of, steps)
    town = sum(f.rule_id.startswith("hexi.") for f in batch.findings)
    event("the town's duties bind someone" if town else "no holder in the town's scope")
