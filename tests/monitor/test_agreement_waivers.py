"""Agreement with waivers: the monitor fed a generated world in any order, the clock advanced in
random steps, and waivers drawn from the batch report's own findings (their rules, holders,
periods and ids, some cut to a ``*`` pattern; in force, expired or not yet approved) ends with
exactly the batch report with the same waivers — findings, ``waived`` statuses, the waivers
section and the run record's digest — and its last status event of each finding is the
finding's final status (a waived finding's is ``waived``).

Examples: 120 in the normal run; ``HYPOTHESIS_PROFILE=slow`` runs 5,000; ``MONITOR_EXAMPLES=N``
runs N. The columnar engine is held to the same reports by the golden cases under
``cases/waivers`` and by tests/unit/test_waivers.py.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from monitor_feed import Steps, assert_agrees, steps_drawn

import hezhang_rules as hz
from hezhang_rules.facts.models import Fact
from hezhang_rules.testing import as_of_dates, default_window, worlds
from hezhang_rules.waivers import Waiver, Waivers

ROOT = Path(__file__).resolve().parents[2]
PLAN = hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))
WINDOW = default_window(PLAN)
SLOW = os.environ.get("HYPOTHESIS_PROFILE") == "slow"
EXAMPLES = int(os.environ.get("MONITOR_EXAMPLES") or (5_000 if SLOW else 120))


def _cut(draw: st.DrawFn, text: str) -> str:
    """``text``, or a prefix of it followed by ``*``."""
    k = draw(st.integers(0, len(text)))
    return text if k == len(text) else text[:k] + "*"


@st.composite
def waivers_for(draw: st.DrawFn, report: hz.Report) -> Waivers:
    """Up to four waivers, each naming some finding of ``report`` (or, with no findings, a
    rule of the plan), its window around the as-of date."""
    out = []
    for i in range(draw(st.integers(1, 4))):
        fields: dict[str, Any] = {"id": f"w{i}"}
        if report.findings:
            f = draw(st.sampled_from(report.findings))
            fields["rule"] = _cut(draw, f.rule_id)
            if draw(st.booleans()):
                fields["finding"] = _cut(draw, f.id)
            else:
                if draw(st.booleans()):
                    fields["holder"] = _cut(draw, f.holder.id)
                if draw(st.booleans()):
                    fields["period"] = _cut(draw, f.period.label)
        else:
            fields["rule"] = draw(st.sampled_from(PLAN.rules)).id
        start = report.as_of + dt.timedelta(days=draw(st.integers(-400, 30)))
        end = start + dt.timedelta(days=draw(st.integers(0, 500)))
        fields |= {
            "approver": "区总河长",
            "approved": start,
            "reason": "经批准",
            "expires": end,
        }
        out.append(Waiver.model_validate(fields))
    return Waivers(tuple(out), "<generated>", f"sha256:{len(out)}")


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Fact], dt.date, Steps, Waivers]:
    world = draw(worlds(plan=PLAN, seeded=True))
    order = draw(st.permutations(world))
    as_of = draw(as_of_dates(WINDOW, plan=PLAN))
    steps = steps_drawn(draw, len(order), WINDOW[0], as_of)
    plain = hz.evaluate(PLAN, hz.facts_from_models(order), as_of)
    return order, as_of, steps, draw(waivers_for(plain))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
@given(scenarios())
def test_monitor_with_waivers_equals_batch(
    scenario: tuple[list[Fact], dt.date, Steps, Waivers],
) -> None:
    order, as_of, steps, waivers = scenario
    batch = assert_agrees(PLAN, order, as_of, steps, waivers)
    event(f"findings waived: {'some' if batch.summary.waived else 'none'}")
    assert len(batch.waivers) == len(waivers.waivers)
    assert batch.summary.waived == sum(u.waived for u in batch.waivers)
    for f in batch.findings:
        assert (f.status == "waived") == (f.waiver is not None), f.id
