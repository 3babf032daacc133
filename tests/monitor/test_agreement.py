"""Agreement: the monitor fed a generated world in any order, with the clock advanced in random
steps, ends with exactly the batch report (statuses, evidence, ids, messages — the whole Report).

Examples: 300 in the normal run and CI (the monitor also runs every golden case, held to the
batch report whole in tests/golden and fed in any order in test_golden_monitor.py, and
tests/reference compares it with the reference on worlds under other readings);
``HYPOTHESIS_PROFILE=slow`` runs 20,000; ``MONITOR_EXAMPLES=N`` runs N.
Worlds come from the public strategies (``hezhang_rules.testing.worlds(plan=…, seeded=True)``:
one draw per record, its fields from a seeded generator, about twice as fast to generate).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from monitor_feed import Steps, assert_agrees, steps_drawn

import hezhang_rules as hz
from hezhang_rules.facts.models import Fact
from hezhang_rules.testing import as_of_dates, default_window, worlds

ROOT = Path(__file__).resolve().parents[2]
PLAN = hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))
WINDOW = default_window(PLAN)
SLOW = os.environ.get("HYPOTHESIS_PROFILE") == "slow"
EXAMPLES = int(os.environ.get("MONITOR_EXAMPLES") or (20_000 if SLOW else 300))


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Fact], dt.date, Steps]:
    world = draw(worlds(plan=PLAN, seeded=True))
    order = draw(st.permutations(world))
    as_of = draw(as_of_dates(WINDOW, plan=PLAN))
    return order, as_of, steps_drawn(draw, len(order), WINDOW[0], as_of)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
@given(scenarios())
def test_monitor_equals_batch(
    scenario: tuple[list[Fact], dt.date, Steps],
) -> None:
    order, as_of, steps = scenario
    assert_agrees(PLAN, order, as_of, steps)
