"""Agreement: the monitor fed a generated world in any order, with the clock advanced in random
steps, ends with exactly the batch report (statuses, evidence, ids, messages — the whole Report).

Examples: 500 in the normal run and CI (the monitor also runs every golden case, held to the
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

import hezhang_rules as hz
from hezhang_rules.compile import Plan
from hezhang_rules.facts.models import Fact
from hezhang_rules.testing import as_of_dates, default_window, worlds

ROOT = Path(__file__).resolve().parents[2]
PLAN = hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))
WINDOW = default_window(PLAN)
SLOW = os.environ.get("HYPOTHESIS_PROFILE") == "slow"
EXAMPLES = int(os.environ.get("MONITOR_EXAMPLES") or (20_000 if SLOW else 500))


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Fact], dt.date, list[tuple[int, dt.date]]]:
    world = draw(worlds(plan=PLAN, seeded=True))
    order = draw(st.permutations(world))
    as_of = draw(as_of_dates(WINDOW, plan=PLAN))
    n = draw(st.integers(0, 5))
    days = sorted(draw(st.lists(st.dates(WINDOW[0], as_of), min_size=n, max_size=n)))
    cuts = sorted(draw(st.lists(st.integers(0, len(order)), min_size=n, max_size=n)))
    return order, as_of, list(zip(cuts, days, strict=True))


def run(plan: Plan, order: list[Fact], as_of: dt.date, steps: list[tuple[int, dt.date]]) -> None:
    events: list[hz.MonitorEvent] = []
    with hz.Monitor(plan, on_event=events.append) as m:
        done = 0
        for cut, day in steps:
            m.submit_many(order[done:cut])
            done = cut
            m.advance_to(day)
        m.submit_many(order[done:])
        m.advance_to(as_of)
        live = m.report()
    batch = hz.evaluate(plan, hz.facts_from_models(order), as_of)
    assert live == batch
    # The events tell the same story: the duties opened and not withdrawn are exactly the
    # report's live findings, and each one's last status event is its final status.
    last: dict[str, str] = {}
    opened: set[str] = set()
    for e in events:
        if e.kind in ("opened", "escalation_opened"):
            opened.add(e.finding_id)
        elif e.kind == "withdrawn":
            opened.discard(e.finding_id)
            last.pop(e.finding_id, None)
        elif e.kind != "due_soon":
            last[e.finding_id] = e.kind
    live_ids = {f.id for f in batch.findings if f.status != "not_applicable"}
    assert opened == live_ids
    for f in batch.findings:
        if f.status not in ("not_applicable", "pending"):
            assert last.get(f.id) == f.status, f.id


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
@given(scenarios())
def test_monitor_equals_batch(
    scenario: tuple[list[Fact], dt.date, list[tuple[int, dt.date]]],
) -> None:
    order, as_of, steps = scenario
    run(PLAN, order, as_of, steps)
