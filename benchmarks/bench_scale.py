"""Benchmark: district, province and national years through the columnar path; the monitor beside.

For each scale (``--scales``; sizes below) it runs, each stage in its own process so peak RSS
is that stage's own:

* ``generate``: ``hezhang-rules synth --chiefs N --inspections M --year 2021 --format parquet``;
* ``check``, once per report format (``jsonl``, then ``parquet``), each in its own process:
  load the tables (validation included), evaluate at 2022-01-10, write the report to a file:
  wall time of each step, the process's peak RSS after each step, the report's size, and the
  findings by status. The report's rows are counted against its summary.

Then the monitor on a ~100,000-fact slice (``--slice``: a generated world of that size, the
facts in a shuffled order with the clock moved on the 1st of every month) beside the columnar
batch (ingest + evaluate) on the same facts, in the same run: facts per second of each and
their ratio. Both final reports must be equal (compared as jsonl lines).

    .venv/bin/python benchmarks/bench_scale.py [--scales district,province,national]
        [--slice 100000] [--seed 7] [--work DIR]

Figures vary on shared machines; never gate CI on them. Ratios inside one run are the figures
to compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SCALES = {
    "district": (400, None),
    "province": (40_000, 1_000_000),
    "national": (1_200_000, 7_000_000),
}
AS_OF = dt.date(2022, 1, 10)
YEAR = 2021


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sub(*args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"stage {args[:2]} failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def stage_generate(chiefs: int, inspections: int | None, seed: int, out: Path) -> dict[str, Any]:
    from hezhang_rules.synth import generate

    t = time.perf_counter()
    counts = generate(chiefs, YEAR, seed, out, "parquet", inspections=inspections, force=True)
    return {
        "seconds": time.perf_counter() - t,
        "peak_mb": _rss_mb(),
        "rows": sum(counts.values()),
        "inspections": counts.get("inspections", 0),
    }


def stage_check(folder: Path, report: Path, fmt: str) -> dict[str, Any]:
    import hezhang_rules as hz
    from hezhang_rules.columnar import evaluate_tables, load_tables
    from hezhang_rules.report.parquet import read_parquet_report, write_columnar

    plan = hz.compile_rules(
        hz.load_rules(
            Path(__file__).resolve().parents[1] / "src" / "hezhang_rules" / "packs" / "qinghemen"
        )
    )
    t0 = time.perf_counter()
    tables = load_tables([folder])
    t1 = time.perf_counter()
    rss_ingest = _rss_mb()
    result = evaluate_tables(plan, tables, AS_OF)
    t2 = time.perf_counter()
    rss_eval = _rss_mb()
    if fmt == "jsonl":
        with report.open("w", encoding="utf-8") as fh:
            result.write_jsonl(fh)
    else:
        write_columnar(result, report)
    t3 = time.perf_counter()
    rss_report = _rss_mb()
    if fmt == "jsonl":
        with report.open(encoding="utf-8") as fh:
            rows = sum(1 for _ in fh) - 1
    else:
        header, frame = read_parquet_report(report)
        rows = frame.height
        assert header["summary"]["total"] == rows, (header["summary"], rows)
    assert rows == result.summary.total, (rows, result.summary.total)
    return {
        "facts": len(tables),
        "ingest_s": t1 - t0,
        "ingest_mb": rss_ingest,
        "evaluate_s": t2 - t1,
        "evaluate_mb": rss_eval,
        "report_s": t3 - t2,
        "report_mb": rss_report,
        "findings": result.summary.total,
        "violated": result.summary.violated,
        "report_bytes": report.stat().st_size,
    }


def stage_slice(folder: Path, mode: str, seed: int) -> dict[str, Any]:
    """``batch``: columnar ingest + evaluate; ``monitor``: every fact submitted, 12 clock moves."""
    import hezhang_rules as hz
    from hezhang_rules.columnar import evaluate_tables, load_tables, tables_factset
    from hezhang_rules.findings import report_lines

    plan = hz.compile_rules(
        hz.load_rules(
            Path(__file__).resolve().parents[1] / "src" / "hezhang_rules" / "packs" / "qinghemen"
        )
    )
    if mode == "batch":
        t = time.perf_counter()
        result = evaluate_tables(plan, load_tables([folder]), AS_OF)
        seconds = time.perf_counter() - t
        lines = list(result.lines())
        n = result.run.facts_count
    else:
        facts = list(tables_factset(load_tables([folder])))  # records, outside the timing
        random.Random(seed).shuffle(facts)
        n = len(facts)
        t = time.perf_counter()
        with hz.Monitor(plan, queue=False) as m:
            for step in range(12):
                m.submit_many(facts[step * n // 12 : (step + 1) * n // 12])
                m.advance_to(dt.date(YEAR, step + 1, 1))
            m.advance_to(AS_OF)
            report = m.report(AS_OF)
        seconds = time.perf_counter() - t
        lines = list(report_lines(report))[1:]
    import hashlib

    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
    return {
        "facts": n,
        "seconds": seconds,
        "facts_per_s": n / seconds,
        "peak_mb": _rss_mb(),
        "findings": len(lines),
        "digest": digest,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="district,province,national")
    ap.add_argument(
        "--slice", type=int, default=100_000, help="facts in the monitor slice (0: skip)"
    )
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", help="where the generated worlds go (default: a temporary folder)")
    ap.add_argument("--stage", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stage:
        kind, *rest = args.stage
        if kind == "generate":
            insp = None if rest[1] == "-" else int(rest[1])
            row = stage_generate(int(rest[0]), insp, args.seed, Path(rest[2]))
        elif kind == "check":
            row = stage_check(Path(rest[0]), Path(rest[1]), rest[2])
        else:
            row = stage_slice(Path(rest[0]), rest[1], args.seed)
        print(json.dumps(row))
        return
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="hz-scale-"))
    print(
        f"{'scale':>9} {'report':>7} {'facts':>10} {'gen s':>7} {'gen MB':>7} {'ingest s':>9} "
        f"{'eval s':>7} {'report s':>9} {'total s':>8} {'peak MB':>8} {'eval/ingest':>12} "
        f"{'report MB':>10} {'findings':>9} {'violated':>9}",
        flush=True,
    )
    for name in args.scales.split(","):
        chiefs, insp = SCALES[name]
        folder = work / name
        gen = _sub(
            "--seed",
            str(args.seed),
            "--stage",
            "generate",
            str(chiefs),
            "-" if insp is None else str(insp),
            str(folder),
        )
        # Each report format in its own process: ingest and evaluate again, its own peak.
        for fmt in ("jsonl", "parquet"):
            report = work / f"{name}.report.{fmt}"
            chk = _sub("--stage", "check", str(folder), str(report), fmt)
            total = chk["ingest_s"] + chk["evaluate_s"] + chk["report_s"]
            print(
                f"{name:>9} {fmt:>7} {chk['facts']:>10,} {gen['seconds']:>7.1f} "
                f"{gen['peak_mb']:>7.0f} {chk['ingest_s']:>9.1f} {chk['evaluate_s']:>7.1f} "
                f"{chk['report_s']:>9.1f} {total:>8.1f} {chk['report_mb']:>8.0f} "
                f"{chk['evaluate_s'] / chk['ingest_s']:>12.2f} "
                f"{chk['report_bytes'] / 1e6:>10,.0f} {chk['findings']:>9,} "
                f"{chk['violated']:>9,}",
                flush=True,
            )
            report.unlink()
        if not args.work:
            shutil.rmtree(folder)
    if args.slice:
        folder = work / "slice"
        chiefs = max(10, args.slice // 10)  # ~10 facts per chief in a generated world
        _sub("--seed", str(args.seed), "--stage", "generate", str(chiefs), "-", str(folder))
        batch = _sub("--seed", str(args.seed), "--stage", "slice", str(folder), "batch")
        live = _sub("--seed", str(args.seed), "--stage", "slice", str(folder), "monitor")
        print(
            f"\nslice of {batch['facts']:,} facts: batch (columnar ingest + evaluate) "
            f"{batch['seconds']:.1f} s = {batch['facts_per_s']:,.0f} facts/s, "
            f"{batch['peak_mb']:.0f} MB; monitor (shuffled, 12 clock moves) "
            f"{live['seconds']:.1f} s = {live['facts_per_s']:,.0f} facts/s, "
            f"{live['peak_mb']:.0f} MB; batch/monitor = "
            f"{batch['facts_per_s'] / live['facts_per_s']:.0f}x; "
            f"reports equal: {batch['digest'] == live['digest']}",
            flush=True,
        )
        if not args.work:
            shutil.rmtree(folder)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
