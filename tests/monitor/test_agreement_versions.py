"""Agreement with a versioned plan: the monitor fed a generated world in any order, the clock
advanced in random steps, ends with exactly the batch report, for plans whose rules have dated
versions (docs/rule-format.md, "Amendments and versions").

Two plans: the bundled pack with every article cut into two versions on 2021-10-01 (every
requirement kind, escalation and period policy versioned; worlds from the default window, which
straddles the cut), on either period anchor; and the amendment example (a FICTIONAL amendment of
art. 16 in force from 2023-04-01), with worlds dated from mid-2022 to mid-2024. Modelled on
test_agreement.py (its ``run`` checks the report and the event stream). 40 examples per plan by
default; ``MONITOR_EXAMPLES=N`` runs N.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from monitor_feed import Steps, assert_agrees, steps_drawn
from tests.amendment_packs import compiled, example_pack, split_pack

from hezhang_rules.compile import Plan
from hezhang_rules.facts.models import Fact
from hezhang_rules.testing import as_of_dates, default_window, worlds

_TMP = Path(tempfile.mkdtemp(prefix="hezhang-versions-"))
SPLIT = {
    anchor: compiled(split_pack(_TMP / anchor, dt.date(2021, 10, 1), anchor))
    for anchor in ("start", "end")
}
AMENDED = compiled(example_pack(_TMP / "example", "versions"))
EXAMPLE_WINDOW = (dt.date(2022, 6, 1), dt.date(2024, 6, 30))
EXAMPLES = int(os.environ.get("MONITOR_EXAMPLES") or 40)


@st.composite
def scenarios(
    draw: st.DrawFn,
) -> tuple[Plan, list[Fact], dt.date, Steps]:
    which = draw(st.sampled_from(["start", "end", "example"]))
    plan = AMENDED if which == "example" else SPLIT[which]
    window = EXAMPLE_WINDOW if which == "example" else default_window(plan)
    world = draw(worlds(plan=plan, seeded=True, window=window))
    order = draw(st.permutations(world))
    as_of = draw(as_of_dates(window, plan=plan))
    return plan, order, as_of, steps_drawn(draw, len(order), window[0], as_of)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
@given(scenarios())
def test_monitor_equals_batch_with_versions(
    scenario: tuple[Plan, list[Fact], dt.date, Steps],
) -> None:
    plan, order, as_of, steps = scenario
    assert_agrees(plan, order, as_of, steps)
