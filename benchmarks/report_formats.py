"""Benchmark: every report format, ``todo`` and ``explain`` against ``check --format jsonl``.

For each scale (``--scales``: a number of chiefs, or ``province`` = 40,000 chiefs and 1,000,000
inspections) it generates a world with ``hezhang-rules synth`` (Parquet tables, year 2021), then
runs, each in its own process (so peak RSS is that command's own), at as-of 2022-01-10:

* ``check WORLD --format F --output FILE`` for every format (jsonl, parquet, json, text,
  markdown, junit, html, xlsx): wall time and peak RSS, each as a ratio to ``jsonl`` in the
  same run (goal: within 2x of jsonl, html and xlsx within 3x; memory within 1.5x);
* ``todo WORLD --output FILE`` and ``explain ID WORLD`` (the first violated finding) against
  ``check --format jsonl`` (goal: within 2x);
* the Python API: ``hz.evaluate`` on the same facts loaded from a JSON fact file
  (``hz.load_facts``, the batch evaluator) and ``hz.audit`` on them (the columnar engine above
  ``COLUMNAR_FROM`` records), against ``hz.audit`` on the tables.

A format that fails (e.g. xlsx past Excel's row limit) is reported with its error, not a time.

    .venv/bin/python benchmarks/report_formats.py [--scales 20000,100000,province]
        [--formats jsonl,json,...] [--no-api] [--work DIR] [--seed 7]

Figures vary on shared machines; never gate CI on them. Ratios inside one run are the figures to
compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FORMATS = ("jsonl", "parquet", "json", "text", "markdown", "junit", "html", "xlsx")
GOAL = {"html": 3.0, "xlsx": 3.0}  # others: 2.0
AS_OF = "2022-01-10"
PROVINCE = (40_000, 1_000_000)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sub(*args: str) -> dict[str, Any]:
    """One stage in a fresh process: its last stdout line is its JSON result."""
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["?"])[-1][:200]}
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def stage_cli(argv: list[str]) -> dict[str, Any]:
    """``hezhang-rules ARGV`` in this process: exit code, wall time, peak RSS."""
    from hezhang_rules.cli import main

    t = time.perf_counter()
    code = main(argv)
    return {"code": code, "seconds": time.perf_counter() - t, "peak_mb": _rss_mb()}


def stage_api(world: Path, facts_file: Path, how: str) -> dict[str, Any]:
    """The Python API: ``evaluate-files`` (hz.load_facts + hz.evaluate), ``audit-files``
    (hz.load_facts + hz.audit) or ``audit-tables`` (load_tables + hz.audit)."""
    import hezhang_rules as hz
    from hezhang_rules.columnar import load_tables

    plan = hz.compile_rules(hz.load_pack("qinghemen"))
    as_of = dt.date.fromisoformat(AS_OF)
    t = time.perf_counter()
    if how == "evaluate-files":
        violated = hz.evaluate(plan, hz.load_facts([facts_file]), as_of).summary.violated
    elif how == "audit-files":
        with hz.audit(plan, hz.load_facts([facts_file]), as_of) as table:
            violated = table.counts().get_column("violated").item()
    else:
        with hz.audit(plan, load_tables([world]), as_of) as table:
            violated = table.counts().get_column("violated").item()
    return {"seconds": time.perf_counter() - t, "peak_mb": _rss_mb(), "violated": violated}


def stage_facts_file(world: Path, out: Path) -> dict[str, Any]:
    """The world's records as one JSON fact file (what a YAML/JSON user would load)."""
    from hezhang_rules.columnar import load_tables
    from hezhang_rules.facts import FACT_KINDS

    tables = load_tables([world])
    data = {
        kind: [r.model_dump(mode="json", exclude_none=True) for r in tables.records(kind)]
        for kind in FACT_KINDS
        if kind in tables.frames
    }
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return {"bytes": out.stat().st_size}


def _generate(chiefs: int, inspections: int | None, folder: Path, seed: int) -> float:
    cmd = [sys.executable, "-m", "hezhang_rules.cli", "synth", "--chiefs", str(chiefs)]
    cmd += ["--year", "2021", "--seed", str(seed), "--out", str(folder), "--force"]
    if inspections:
        cmd += ["--inspections", str(inspections)]
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t


def _first_violated(jsonl: Path) -> str | None:
    with jsonl.open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            if '"status":"violated"' in line:
                return str(json.loads(line)["id"])
    return None


def _row(name: str, r: dict[str, Any], base: dict[str, Any], goal: float) -> str:
    if r.get("code") not in (None, 0, 1):  # 2: refused, 3: internal error
        r = {"error": f"exit {r['code']}"}
    if "error" in r or "seconds" not in base:
        return f"| {name} | failed: {r.get('error', '?')} | | | | |"
    t, m = r["seconds"] / base["seconds"], r["peak_mb"] / base["peak_mb"]
    ok = "yes" if t <= goal and m <= 1.5 else "NO"
    figures = f"{r['seconds']:.1f} | {t:.2f} | {r['peak_mb']:.0f} | {m:.2f}"
    return f"| {name} | {figures} | {ok} (≤{goal:g}x) |"


def run_scale(label: str, chiefs: int, inspections: int | None, args: Any, work: Path) -> None:
    world = work / f"world-{label}"
    gen = _generate(chiefs, inspections, world, args.seed)
    print(f"\n## {label}: {chiefs} chiefs (generated in {gen:.0f} s)\n", flush=True)
    results: dict[str, dict[str, Any]] = {}
    for fmt in args.formats:
        out = work / f"report-{label}.{fmt}"
        results[fmt] = _sub("cli", "check", str(world), "--as-of", AS_OF, "--format", fmt,
                            "--output", str(out))  # fmt: skip
        if out.exists():
            results[fmt]["mb"] = out.stat().st_size / 1e6
    base = results.get("jsonl", {})
    print("| command | seconds | × jsonl | peak MB | × jsonl | within goal |")
    print("|---|---|---|---|---|---|")
    for fmt in args.formats:
        print(_row(f"check --format {fmt}", results[fmt], base, GOAL.get(fmt, 2.0)), flush=True)
    todo = _sub("cli", "todo", str(world), "--as-of", AS_OF, "--output", str(work / "todo.txt"))
    print(_row("todo", todo, base, 2.0), flush=True)
    finding = _first_violated(work / f"report-{label}.jsonl") if "jsonl" in results else None
    if finding:
        explain = _sub("cli", "explain", finding, str(world), "--as-of", AS_OF)
        print(_row("explain", explain, base, 2.0), flush=True)
    if args.api:
        facts_file = work / f"facts-{label}.json"
        _sub("facts-file", str(world), str(facts_file))
        api = {how: _sub("api", str(world), str(facts_file), how)
               for how in ("audit-tables", "audit-files", "evaluate-files")}  # fmt: skip
        print("\n| Python API | seconds | × audit(tables) | peak MB | × audit(tables) |")
        print("|---|---|---|---|---|")
        ref = api["audit-tables"]
        for how, r in api.items():
            if "error" in r or "error" in ref:
                print(f"| {how} | failed: {r.get('error', ref.get('error'))} | | | |")
                continue
            print(
                f"| {how} | {r['seconds']:.1f} | {r['seconds'] / ref['seconds']:.2f} | "
                f"{r['peak_mb']:.0f} | {r['peak_mb'] / ref['peak_mb']:.2f} |",
                flush=True,
            )
        facts_file.unlink(missing_ok=True)
    shutil.rmtree(world, ignore_errors=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "cli":
        print(json.dumps(stage_cli(sys.argv[2:])))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "api":
        print(json.dumps(stage_api(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "facts-file":
        print(json.dumps(stage_facts_file(Path(sys.argv[2]), Path(sys.argv[3]))))
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--scales", default="20000,100000,province")
    p.add_argument("--formats", default=",".join(FORMATS))
    p.add_argument("--no-api", dest="api", action="store_false")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--work", type=Path)
    args = p.parse_args()
    args.formats = [f for f in args.formats.split(",") if f]
    if "jsonl" in args.formats:  # the reference runs first
        args.formats.remove("jsonl")
    args.formats.insert(0, "jsonl")
    work = args.work or Path(tempfile.mkdtemp(prefix="hz-report-formats-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"# report formats vs jsonl (as of {AS_OF}, work folder {work})")
    for scale in args.scales.split(","):
        if scale == "province":
            run_scale(scale, *PROVINCE, args, work)
        else:
            run_scale(scale, int(scale), None, args, work)


if __name__ == "__main__":
    main()
