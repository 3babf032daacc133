"""The rule × status table: generated worlds reach every status every rule can reach (issue 23).

The worlds and as-of dates are those of the reference comparison's batch property
(tests/reference/test_reference.py), drawn reproducibly (a fixed seed) by
benchmarks/status_reach.py, which prints the table. Every (rule, status) pair of the bundled
pack is either reached, or listed below as one no world can reach (with why, and a check that
the reason holds; reaching one fails), or listed as one the strategies do not reach in this
draw yet (with why; reaching one fails too, so the list only shrinks). The draw is
reproducible, so a change to the strategies (or to Hypothesis) that loses or gains a pair fails
here; ``python benchmarks/status_reach.py`` shows the whole table.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import hezhang_rules as hz
from hezhang_rules.compile.operators import Op
from hezhang_rules.compile.plan import (
    Cond,
    CountPlan,
    DeadlinePlan,
    EvidencePlan,
    Plan,
    PlanRule,
    ResponsePlan,
)
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.findings import STATUSES

ROOT = Path(__file__).resolve().parents[2]
PLAN = hz.compile_rules(hz.load_pack("qinghemen"))
SCRIPT = ROOT / "benchmarks" / "status_reach.py"
WORLDS = 800
"""Worlds drawn (about 40 s): half as many as the reference comparison's batch property."""


def tally(n: int, seed: int) -> dict[str, Any]:
    """The script's tally as JSON, from a process of its own: the draw is reproducible there,
    while under pytest (profiles, plugins) Hypothesis draws other worlds from the same seed."""
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "-n", str(n), "--seed", str(seed), "--json"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


BY_KIND: dict[type, dict[str, str]] = {
    CountPlan: {
        "fulfilled_late": "a count's acts lie inside its period, so it is met on time or not at "
        "all (rule-format.md §8.3)",
    },
    EvidencePlan: {
        "pending": "a record shows the element or it does not, at once (§8.7)",
        "fulfilled_late": "a record shows the element or it does not, at once (§8.7)",
        "not_applicable": "a record dated before the rules take effect is not judged at all: "
        "no finding (§8.7)",
    },
    ResponsePlan: {
        "not_applicable": "only a trigger without its opening date is not_applicable (§8.6), and "
        "every trigger of the bundled pack has one: a required date field, a `date_fallback`, "
        "or a `where` that asks for the date (art. 29); an escalation opens on a due date",
    },
}
"""Statuses a kind of requirement never gives, in the bundled pack, and why."""

UNREACHABLE: dict[tuple[str, str], str] = {
    ("art024.townships_evaluated", "not_applicable"): "a once-deadline is not_applicable only "
    "when due fewer than partial_tenure_min_days (30) after the holder began or the rules took "
    "effect; its holders are townships, which always exist, and it is due 2021-12-29, a year "
    "after the rules took effect",
}
"""Single (rule, status) pairs no world can reach under the bundled readings, and why."""

NOT_AIMED: dict[tuple[str, str], str] = {}
"""Reachable pairs the strategies do not reach in this draw, and why. Records an evidence
rule's ``must`` needs (naming other records that meet conditions of their own), the triggers
of response rules (with a ``related`` record naming them) and the records meeting open duties
are made on purpose (``worlds(answers=…)``, testing/evidence.py); what is left are rare
meetings of an aimed record and an as-of date."""


def _trigger_dated(rule: PlanRule) -> bool:
    """Whether every trigger of a response rule has its opening date (BY_KIND's reason)."""
    req = rule.requirement
    assert isinstance(req, ResponsePlan)
    if req.trigger_kind is None or req.trigger_date_fallback is not None:
        return True
    field = (req.trigger_date_field or "").split(".")[0]
    if FACT_KINDS[req.trigger_kind].model_fields[field].is_required():
        return True
    asks: list[Cond] = [c for c in req.trigger_where if c.op is Op.PRESENT]
    return any(c.field == req.trigger_date_field and c.operand is True for c in asks)


WAIVED = (
    "`waived` is decided by a waiver file, never by the facts: these worlds run without one "
    "(tests/monitor/test_agreement_waivers.py draws waivers for generated worlds)"
)


def unreachable(plan: Plan) -> dict[tuple[str, str], str]:
    """Every pair no world can reach, with why."""
    out = dict(UNREACHABLE)
    out.update({(rule.id, "waived"): WAIVED for rule in plan.rules})
    for rule in plan.rules:
        for kind, statuses in BY_KIND.items():
            if isinstance(rule.requirement, kind):
                out.update({(rule.id, s): why for s, why in statuses.items()})
    return out


def test_the_reasons_hold() -> None:
    """The reasons given for unreachable pairs are true of the bundled pack."""
    kinds = {type(r.requirement) for r in PLAN.rules}
    assert kinds <= {CountPlan, EvidencePlan, ResponsePlan, DeadlinePlan}  # no forbid rule
    for rule in PLAN.rules:
        if isinstance(rule.requirement, ResponsePlan):
            assert _trigger_dated(rule), rule.id
    rule = next(r for r in PLAN.rules if r.id == "art024.townships_evaluated")
    req = rule.requirement
    assert isinstance(req, DeadlinePlan) and req.per == "once" and req.due_date is not None
    assert rule.holder.way == "jurisdiction"
    assert (req.due_date - rule.in_force_from).days + 1 >= req.periods.tenure_min_days
    ids = {r.id for r in PLAN.rules}
    for rule_id, status in [*UNREACHABLE, *NOT_AIMED]:
        assert rule_id in ids and status in STATUSES, (rule_id, status)


@pytest.fixture(scope="module")
def reach() -> dict[str, Any]:
    """The tally of the default run's worlds."""
    return tally(WORLDS, 0)


SEEDS = (0, 1)
"""The draws whose pairs are counted together. One draw of 800 worlds reaches all but a handful
of the rare pairs, and which handful changes with any change to the strategies (the glossary's
wording, issue 19, moved five); two draws reach every reachable pair (measured with
benchmarks/status_reach.py, seeds 0-2)."""


@pytest.fixture(scope="module")
def reached(reach: dict[str, Any]) -> set[tuple[str, str]]:
    pairs = {(rule, status) for rule, status, _ in reach["pairs"]}
    for seed in SEEDS[1:]:
        pairs |= {(rule, status) for rule, status, _ in tally(WORLDS, seed)["pairs"]}
    return pairs


def test_every_reachable_status_is_reached(reached: set[tuple[str, str]]) -> None:
    """Every pair that is neither unreachable nor listed as not aimed at is reached."""
    never = unreachable(PLAN)
    wanted = {(r.id, s) for r in PLAN.rules for s in STATUSES} - never.keys() - NOT_AIMED.keys()
    missing = sorted(wanted - reached)
    assert not missing, f"{len(missing)} reachable (rule, status) pairs not reached: {missing}"
    impossible = sorted(reached & never.keys())
    assert not impossible, f"reached, though listed as unreachable: {impossible}"


def test_pairs_not_aimed_at_are_not_reached(reached: set[tuple[str, str]]) -> None:
    """A pair listed as not reached that this draw reaches leaves the list."""
    assert not sorted(reached & NOT_AIMED.keys())


def test_the_as_of_dates_aim_at_the_measures_life(reach: dict[str, Any]) -> None:
    """Most as-of dates lie inside the measures' life, and few examples only find
    not_applicable duties; late fulfilment and tenure changes are common (before issue 23:
    34 %, 64 %, 0 % and 32 % of examples)."""
    n = reach["examples"]
    assert n == WORLDS
    assert reach["in_force"] >= 0.85 * n
    assert reach["only_not_applicable"] <= 0.2 * n
    assert reach["late"] >= 0.1 * n
    assert reach["tenure_change"] >= 0.6 * n
