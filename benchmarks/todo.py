"""Benchmark: ``todo`` (and JUnit from the findings table) beside ``check --format jsonl``.

Issue 19's goal: ``todo`` within 2x of ``check`` in wall time and peak memory on the province
world (40,000 chiefs, 1,000,000 inspections). Each stage runs the command line in a process of
its own (``main([...])`` in a child of this script), so peak RSS is that stage's own:

* ``check``: ``check WORLD --format jsonl --output FILE`` (the streamed path);
* ``todo``: ``todo WORLD --output FILE`` (text) and ``todo WORLD --format json``;
* ``junit``: the findings table of the columnar run (``FindingsTable.of_columnar``) written by
  ``report.junit.write_junit``, checked to hold one test case per finding.

    .venv/bin/python benchmarks/todo.py [--world DIR | --chiefs 40000 --inspections 1000000]
        [--work DIR] [--stages check,todo,todo-json,junit]

A world is generated into ``--work`` (``hezhang-rules synth``, seed 7) unless ``--world`` names
one. Figures vary on shared machines: compare the ratios of one run, never gate CI on them.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

AS_OF = "2022-01-10"
STAGES = ("check", "todo", "todo-json", "junit")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stage(name: str, world: Path, out: Path) -> dict[str, Any]:
    """Run one stage in this process: wall seconds, peak MB, output bytes."""
    from hezhang_rules.cli import main

    t = time.perf_counter()
    if name == "check":
        argv = ["check", str(world), "--as-of", AS_OF, "--format", "jsonl", "--output", str(out)]
        code = main(argv)
        assert code in (0, 1), code
    elif name in ("todo", "todo-json"):
        fmt = "json" if name == "todo-json" else "text"
        argv = ["todo", str(world), "--as-of", AS_OF, "--format", fmt, "--output", str(out)]
        assert main(argv) == 0
    else:
        _junit(world, out)
    seconds = time.perf_counter() - t
    return {"stage": name, "seconds": seconds, "peak_mb": _rss_mb(), "bytes": out.stat().st_size}


def _junit(world: Path, out: Path) -> None:
    import datetime as dt

    import hezhang_rules as hz
    from hezhang_rules.columnar import evaluate_tables, load_tables
    from hezhang_rules.report.junit import write_junit
    from hezhang_rules.report.table import FindingsTable

    plan = hz.compile_rules(hz.load_pack())
    result = evaluate_tables(plan, load_tables([world]), dt.date.fromisoformat(AS_OF))
    with FindingsTable.of_columnar(result) as table, out.open("w", encoding="utf-8") as fh:
        write_junit(table, plan, "zh", fh)
    with out.open(encoding="utf-8") as fh:
        cases = sum(1 for line in fh if line.startswith("    <testcase "))
    assert cases == result.summary.total, (cases, result.summary.total)


def _child(*args: str) -> dict[str, Any]:
    run = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"stage {args} failed:\n{run.stderr[-3000:]}")
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--world", type=Path, help="a folder of fact tables (else one is generated)")
    ap.add_argument("--chiefs", type=int, default=40_000)
    ap.add_argument("--inspections", type=int, default=1_000_000)
    ap.add_argument("--work", type=Path, help="where the world and the outputs go")
    ap.add_argument("--stages", default=",".join(STAGES))
    ap.add_argument("--stage", nargs=3, metavar=("NAME", "WORLD", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stage:
        name, world, out = args.stage
        print(json.dumps(stage(name, Path(world), Path(out))))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="hz-bench-todo-"))
    world = args.world
    if world is None:
        from hezhang_rules.synth import generate

        world = work / "world"
        generate(args.chiefs, 2021, 7, world, "parquet", inspections=args.inspections, force=True)
    rows = []
    for name in args.stages.split(","):
        row = _child("--stage", name, str(world), str(work / f"out.{name}"))
        rows.append(row)
        print(f"{name:10} {row['seconds']:8.1f} s {row['peak_mb']:8.0f} MB {row['bytes']:>14,} B")
    base = next((r for r in rows if r["stage"] == "check"), None)
    if base is not None:
        for r in rows:
            ratio_s, ratio_mb = r["seconds"] / base["seconds"], r["peak_mb"] / base["peak_mb"]
            print(f"{r['stage']:10} {ratio_s:5.2f}x time {ratio_mb:5.2f}x memory (vs check)")


if __name__ == "__main__":
    main()
