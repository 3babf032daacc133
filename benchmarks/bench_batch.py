"""Benchmark: the batch evaluator on generated districts of growing size.

Prints a table: facts, wall time to build the fact set, to evaluate, and the ratio of the
evaluation to a baseline measured in the same run (a plain-Python count of inspections per
chief and half-year over the same records, which is also checked against the findings).

    .venv/bin/python benchmarks/bench_batch.py [--sizes 50,200,800] [--seed 7]

Figures are ratios because these machines are shared and noisy; never gate CI on them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections import Counter
from pathlib import Path

import hezhang_rules as hz

ROOT = Path(__file__).resolve().parents[1]


def world(chiefs: int, seed: int) -> list[hz.Fact]:
    """A district with ``chiefs`` river chiefs, ~3 inspections each per half of 2021."""
    rng = random.Random(seed)
    facts: list[hz.Fact] = [hz.Jurisdiction(id="j-d", name="区", level="district")]  # type: ignore[arg-type]
    for i in range(chiefs):
        facts.append(hz.Person(id=f"p{i}", name=f"河长{i}"))
        facts.append(
            hz.Appointment(
                id=f"a{i}",
                person=f"p{i}",
                role="river_chief",  # type: ignore[arg-type]
                jurisdiction="j-d",
                start="2019-01-01",
            )
        )
        for k in range(rng.randint(0, 8)):
            day = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(365))
            facts.append(
                hz.Inspection(
                    id=f"i{i}-{k}",
                    inspector=f"p{i}",
                    date=day,
                    record=hz.InspectionRecord(
                        time="上午", place="河段", content="巡河", problems=[], requirements=[]
                    ),
                )
            )
    return facts


def baseline(facts: list[hz.Fact]) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for f in facts:
        if isinstance(f, hz.Inspection):
            half = "H1" if f.date.month <= 6 else "H2"
            counts[(f.inspector, f"{f.date.year}-{half}")] += 1
    return counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="50,200,800")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    plan = hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))
    print(
        f"{'chiefs':>7} {'facts':>7} {'build s':>8} {'eval s':>8} {'base s':>8} "
        f"{'eval/base':>10} {'findings':>9}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        records = world(size, args.seed)
        t0 = time.perf_counter()
        facts = hz.facts_from_models(records)
        t1 = time.perf_counter()
        report = hz.evaluate(plan, facts, dt.date(2022, 1, 10))
        t2 = time.perf_counter()
        counts = baseline(records)
        t3 = time.perf_counter()
        for f in report.by_rule("art016.river_chief_half_yearly_inspection"):
            if f.period.label.startswith("2021"):
                assert f.details["count"] == counts[(f.holder.id, f.period.label)], f.id
        print(
            f"{size:>7} {len(facts):>7} {t1 - t0:>8.3f} {t2 - t1:>8.3f} {t3 - t2:>8.4f} "
            f"{(t2 - t1) / max(t3 - t2, 1e-9):>10.0f} {len(report.findings):>9}"
        )


if __name__ == "__main__":
    main()
