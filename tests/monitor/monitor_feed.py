"""Feeding a monitor in tests: facts shuffled, the clock advanced in random steps."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

import hezhang_rules as hz
from hezhang_rules.compile import Plan
from hezhang_rules.facts import FactSet
from hezhang_rules.facts.models import Fact
from hezhang_rules.findings import Report


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


def monitor_evaluator(plan: Plan, facts: FactSet, as_of: dt.date) -> Report:
    """The golden corpus' evaluator signature, on the monitor (seeded by the facts' digest)."""
    return feed(plan, list(facts), as_of, seed=int(facts.digest()[:8], 16))
