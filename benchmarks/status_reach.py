"""Which statuses of which rules generated worlds reach: the rule × status table (issue 23).

Draws N worlds and as-of dates as the reference comparison's batch property does
(tests/reference/test_reference.py: ``worlds_and_dates(window, plan, max_people=2, max_units=3,
max_per_kind=2, seeded=True)``), judges each with the batch evaluator under the bundled
readings, and prints, for every rule, in how many examples it reached each status; then how
many examples were wasted or aimed:

* only ``not_applicable``: every finding of the example is not_applicable (or there is none);
* ``fulfilled_late``: some finding is fulfilled_late;
* a tenure change: a post or unit begins or ends inside the measures' life on or before the
  as-of date (an appointment's start or end, a unit's establishment or dissolution);
* as-of in force: the as-of date lies inside the measures' life.

    .venv/bin/python benchmarks/status_reach.py [-n 1600] [--seed 0] [--old] [--json]

``--old`` draws the as-of dates as before issue 23 (from a year before the measures, blind to
the world), for a before/after comparison of the as-of dates alone (the worlds are today's).
tests/property/test_status_reach.py runs it (``--json``, in a process of its own: under pytest
Hypothesis draws other worlds from the same seed) and asserts the table on 800 worlds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

import hezhang_rules as hz
from hezhang_rules.compile.plan import Plan
from hezhang_rules.facts.models import Appointment, Fact, Unit
from hezhang_rules.findings import STATUSES, Report
from hezhang_rules.testing import as_of_dates, default_window, worlds, worlds_and_dates

ROOT = Path(__file__).resolve().parents[1]
PLAN = hz.compile_rules(hz.load_pack("qinghemen"))
DEFAULT_N = 1600
"""Worlds drawn by default: as many as the reference comparison's batch property draws."""


@dataclass
class Reach:
    """What N examples reached: (rule, status) → examples, and the shares above."""

    examples: int = 0
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    only_not_applicable: int = 0
    late: int = 0
    tenure_change: int = 0
    in_force: int = 0


def life(plan: Plan) -> tuple[dt.date, dt.date]:
    """The first and last day any rule of ``plan`` is in force."""
    return (
        min(r.in_force_from for r in plan.rules),
        max(r.in_force_until or dt.date.max for r in plan.rules),
    )


def tenure_changes(world: list[Fact], start: dt.date, as_of: dt.date) -> bool:
    """Whether a post or a unit begins or ends between ``start`` and ``as_of``."""
    for f in world:
        if isinstance(f, Appointment):
            days: tuple[dt.date | None, ...] = (f.start, f.end)
        elif isinstance(f, Unit):
            days = (f.established, f.dissolved)
        else:
            continue
        if any(d is not None and start < d <= as_of for d in days):
            return True
    return False


def add(reach: Reach, plan: Plan, world: list[Fact], as_of: dt.date, report: Report) -> None:
    """Count one example."""
    first, last = life(plan)
    reach.examples += 1
    reach.pairs.update({(f.rule_id, f.status) for f in report.findings})
    statuses = {f.status for f in report.findings}
    reach.only_not_applicable += statuses <= {"not_applicable"}
    reach.late += "fulfilled_late" in statuses
    reach.tenure_change += tenure_changes(world, first, as_of)
    reach.in_force += first <= as_of <= last


Run = Callable[[Callable[[list[Fact], dt.date], None]], None]


def examples(n: int, at: int, old: bool = False) -> Run:
    """Call a function on ``n`` drawn (world, as-of) pairs, reproducibly (seed ``at``)."""
    window = default_window(PLAN)
    sizes: dict[str, Any] = {"max_people": 2, "max_units": 3, "max_per_kind": 2, "seeded": True}
    pairs = (
        st.tuples(worlds(plan=PLAN, **sizes), as_of_dates(window))
        if old
        else worlds_and_dates(window, PLAN, **sizes)
    )

    def run(fn: Callable[[list[Fact], dt.date], None]) -> None:
        @seed(at)
        @settings(
            max_examples=n,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(pairs)
        def one(pair: tuple[list[Fact], dt.date]) -> None:
            fn(*pair)

        one()

    return run


def tally(n: int, at: int = 0, old: bool = False) -> Reach:
    """The reach of ``n`` examples judged by the batch evaluator under the bundled readings."""
    reach = Reach()

    def judge(world: list[Fact], as_of: dt.date) -> None:
        add(reach, PLAN, world, as_of, hz.evaluate(PLAN, hz.facts_from_models(world), as_of))

    examples(n, at, old)(judge)
    return reach


def table(reach: Reach) -> str:
    """The rule × status table, then the shares."""
    width = max(len(r.id) for r in PLAN.rules)
    lines = [f"{'rule':<{width}} " + " ".join(f"{s:>14}" for s in STATUSES)]
    for rule in PLAN.rules:
        cells = (reach.pairs[(rule.id, s)] for s in STATUSES)
        lines.append(f"{rule.id:<{width}} " + " ".join(f"{c or '-':>14}" for c in cells))
    n = max(reach.examples, 1)
    lines += [
        "",
        f"examples:                  {reach.examples}",
        f"only not_applicable:       {reach.only_not_applicable / n:6.1%}",
        f"with a fulfilled_late:     {reach.late / n:6.1%}",
        f"with a tenure change:      {reach.tenure_change / n:6.1%}",
        f"as-of inside the measures: {reach.in_force / n:6.1%}",
        f"(rule, status) pairs:      {len(reach.pairs)}",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=DEFAULT_N, help="worlds to draw")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--old", action="store_true", help="as-of dates from a year before the measures"
    )
    ap.add_argument("--json", action="store_true", help="the tally as JSON (for the test)")
    args = ap.parse_args()
    start = time.perf_counter()
    reach = tally(args.n, args.seed, args.old)
    if args.json:
        pairs = [[rule, status, n] for (rule, status), n in sorted(reach.pairs.items())]
        shares = {k: v for k, v in vars(reach).items() if k != "pairs"}
        print(json.dumps({"pairs": pairs, **shares}))
        return
    print(table(reach))
    print(f"{'seconds:':<27}{time.perf_counter() - start:.1f}")


if __name__ == "__main__":
    main()
