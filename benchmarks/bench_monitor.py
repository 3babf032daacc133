"""Benchmark: the live monitor beside the batch evaluator on the same facts.

Two worlds (``--world``): ``chiefs`` (default), bench_batch.py's district of river chiefs and
their inspections grown to the size asked; ``example``, the example district
(src/hezhang_rules/packs/qinghemen/example, 259 records, all 38 articles) cloned with every id
and reference suffixed (sizes rounded to whole clones; batch time grows faster than linearly on
it because rules over every role holder see every clone). Each (mode, size)
runs in its own process, so peak memory (ru_maxrss) is its own.

* ``batch``: build the fact set, evaluate at the as-of date.
* ``monitor``: submit every fact one at a time in a shuffled order (facts/s of ``submit``:
  the durable-rules stage), advancing the clock ``--advances`` times through 2021 (default 12:
  the 1st of every month; each advance is a full evaluation over the facts so far, diffed into
  events), then to the as-of date, then ``report``.

The monitor's final report must equal batch's (compared by a sha256 over the report, finding by
finding: see ``report_digest``).

    .venv/bin/python benchmarks/bench_monitor.py [--sizes 1000,10000,100000] [--world chiefs]
        [--advances 12] [--seed 7]

Figures vary on shared machines; never gate CI on them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import hezhang_rules as hz

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2022, 1, 10)


def _rename(value: Any, ids: set[str], suffix: str) -> Any:
    if isinstance(value, str):
        return value + suffix if value in ids else value
    if isinstance(value, list):
        return [_rename(v, ids, suffix) for v in value]
    if isinstance(value, dict):
        return {k: _rename(v, ids, suffix) for k, v in value.items()}
    return value


def facts(n: int) -> list[hz.Fact]:
    base = list(hz.load_facts([ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"]))
    ids = {f.id for f in base}
    for f in base:
        for p in getattr(getattr(f, "record", None), "problems", None) or []:
            ids.add(p.id)
    copies = max(1, round(n / len(base)))
    out: list[hz.Fact] = []
    for k in range(copies):
        suffix = "" if k == 0 else f".c{k}"
        for f in base:
            data = _rename(f.model_dump(mode="json", exclude_none=True), ids, suffix)
            out.append(type(f).model_validate(data))
    return out


def chiefs_world(n: int, seed: int) -> list[hz.Fact]:
    """bench_batch.py's district (river chiefs and their inspections), grown to ~``n`` facts."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_batch import world

    return world(max(1, n // 6), seed)  # ~6 facts per chief


def one(mode: str, n: int, seed: int, advances: int, kind: str) -> dict[str, Any]:
    plan = hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))
    world = facts(n) if kind == "example" else chiefs_world(n, seed)
    t0 = time.perf_counter()
    row: dict[str, Any] = {"mode": mode, "facts": len(world)}
    if mode == "batch":
        report = hz.evaluate(plan, hz.facts_from_models(world), AS_OF)
    else:
        random.Random(seed).shuffle(world)
        by_month: dict[int, list[hz.Fact]] = {}
        for i, f in enumerate(world):
            by_month.setdefault(i * advances // len(world), []).append(f)
        submit = 0.0
        events = 0
        with hz.Monitor(plan, queue=False) as m:
            for step in range(advances):
                s = time.perf_counter()
                m.submit_many(by_month.get(step, []))
                submit += time.perf_counter() - s
                events += len(m.advance_to(dt.date(2021, 1 + step * 12 // advances, 1)))
            events += len(m.advance_to(AS_OF))
            report = m.report(AS_OF)
        row["submit_facts_per_s"] = round(len(world) / submit)
        row["events"] = events
    row["seconds"] = round(time.perf_counter() - t0, 2)
    row["facts_per_s"] = round(len(world) / row["seconds"])
    row["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    row["findings"] = len(report.findings)
    row["violated"] = report.summary.violated
    row["report_sha"] = report_digest(report)
    return row


def report_digest(report: hz.Report) -> str:
    """sha256 over the report's run record, summary and each finding's JSON, one at a time.

    Equal reports give equal digests; unlike ``report.to_json()`` this never holds the whole
    report as one dict and one string (at 1M facts that alone took over 10 GB).
    """
    h = hashlib.sha256()
    h.update(report.model_dump_json(include={"as_of", "run", "summary"}).encode())
    for f in report.findings:
        h.update(f.model_dump_json().encode())
        h.update(b"\n")
    return h.hexdigest()[:16]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--advances", type=int, default=12, help="clock steps in 2021 (default 12)")
    ap.add_argument(
        "--world",
        choices=("chiefs", "example"),
        default="chiefs",
        help="chiefs: bench_batch.py's district grown (linear for batch); example: the example "
        "district cloned (all 38 articles; batch grows faster than linearly on it)",
    )
    ap.add_argument("--one", nargs=2, metavar=("MODE", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]), args.seed, args.advances, args.world)))
        return
    cols = (
        "mode",
        "facts",
        "seconds",
        "facts_per_s",
        "submit_facts_per_s",
        "peak_mb",
        "findings",
        "violated",
        "events",
        "report_sha",
    )
    print(" ".join(f"{c:>18}" for c in cols))
    for n in (int(s) for s in args.sizes.split(",")):
        rows = []
        for mode in ("batch", "monitor"):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--one",
                    mode,
                    str(n),
                    "--seed",
                    str(args.seed),
                    "--advances",
                    str(args.advances),
                    "--world",
                    args.world,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            rows.append(json.loads(out))
            print(" ".join(f"{rows[-1].get(c, '-')!s:>18}" for c in cols), flush=True)
        agree = rows[0]["report_sha"] == rows[1]["report_sha"]
        print(f"{'':>18} monitor report == batch report: {agree}", flush=True)


if __name__ == "__main__":
    main()
