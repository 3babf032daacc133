"""Feeding a monitor in tests: facts shuffled, the clock advanced in random steps."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

import hezhang_rules as hz
from hezhang_rules.compile import Plan
from hezhang_rules.facts import FactSet
from hezhang_rules.facts.models import Fact
from hezhang_rules.findings import Report
from hezhang_rules.waivers import Waivers

Steps = list[tuple[int, dt.date]]
"""Clock advances while facts arrive: (how many facts submitted before it, the day advanced to)."""


def clock_steps(rng: random.Random, start: dt.date, end: dt.date, n: int) -> list[dt.date]:
    """``n`` sorted random days in [start, end], ending with ``end``."""
    span = max(0, (end - start).days)
    days = sorted(start + dt.timedelta(days=rng.randint(0, span)) for _ in range(n))
    return [*days, end]


def feed(
    plan: Plan,
    facts: Sequence[Fact],
    as_of: dt.date,
    seed: int,
    steps: int = 3,
) -> Report:
    """Facts in a shuffled order, interleaved with random clock advances, then the report."""
    rng = random.Random(seed)
    order = list(facts)
    rng.shuffle(order)
    start = as_of - dt.timedelta(days=800)
    days = clock_steps(rng, start, as_of, steps)
    cuts = sorted(rng.randint(0, len(order)) for _ in days)
    with hz.Monitor(plan) as m:
        done = 0
        for day, cut in zip(days, cuts, strict=True):
            m.submit_many(order[done:cut])
            done = cut
            m.advance_to(day)
        m.submit_many(order[done:])
        m.advance_to(as_of)
        return m.report(as_of)


def steps_drawn(draw: Any, facts: int, start: dt.date, as_of: dt.date, most: int = 5) -> Steps:
    """Hypothesis draws of up to ``most`` clock advances between ``start`` and ``as_of``, each
    after a drawn number of the ``facts`` facts."""
    n = draw(st.integers(0, most))
    days = sorted(draw(st.lists(st.dates(start, as_of), min_size=n, max_size=n)))
    cuts = sorted(draw(st.lists(st.integers(0, facts), min_size=n, max_size=n)))
    return list(zip(cuts, days, strict=True))


def stepped(
    plan: Plan,
    order: Sequence[Fact],
    as_of: dt.date,
    steps: Steps,
    waivers: Waivers | None = None,
) -> tuple[Report, list[hz.MonitorEvent]]:
    """``order`` fed to a monitor with the clock advanced at ``steps``, then to ``as_of``: its
    report and the events it sent."""
    events: list[hz.MonitorEvent] = []
    with hz.Monitor(plan, on_event=events.append, waivers=waivers) as m:
        done = 0
        for cut, day in steps:
            m.submit_many(order[done:cut])
            done = cut
            m.advance_to(day)
        m.submit_many(order[done:])
        m.advance_to(as_of)
        return m.report(), events


def assert_agrees(
    plan: Plan,
    order: Sequence[Fact],
    as_of: dt.date,
    steps: Steps,
    waivers: Waivers | None = None,
) -> Report:
    """The monitor fed in steps gives the batch report, and its events tell the same story:
    the duties opened and not withdrawn are the report's applicable findings, and each decided
    one's last status event is its final status. Returns the batch report."""
    live, events = stepped(plan, order, as_of, steps, waivers)
    batch = hz.evaluate(plan, hz.facts_from_models(list(order)), as_of, waivers)
    assert live == batch
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
    assert opened == {f.id for f in batch.findings if f.status != "not_applicable"}
    for f in batch.findings:
        if f.status not in ("not_applicable", "pending"):
            assert last.get(f.id) == f.status, f.id
    return batch


def monitor_evaluator(plan: Plan, facts: FactSet, as_of: dt.date) -> Report:
    """The golden corpus' evaluator signature, on the monitor (seeded by the facts' digest)."""
    return feed(plan, list(facts), as_of, seed=int(facts.digest()[:8], 16))
