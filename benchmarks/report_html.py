"""Benchmark: the HTML and xlsx reports against ``jsonl`` on generated worlds, in one run.

For each world (``--scales``: ``20k`` = 20,000 chiefs; ``province`` = 40,000 chiefs and
1,000,000 inspections) it generates the fact tables once, then runs each format in its own
process (so the peak RSS is that format's own), the way ``check`` does on a table folder:
load and validate the tables, evaluate at 2022-01-10 (columnar), then

* ``jsonl``: the columnar result's lines written to a file;
* ``html`` / ``xlsx``: the findings table (spilled to Parquet), each holder's unit
  (``holder_infos``), then ``render_html`` / ``render_xlsx`` written to a file.

It prints the wall time, peak RSS and size of each, and their ratios to ``jsonl``. Then it
opens each HTML page in headless Chromium three times: the browser's wall time (start to exit,
with a screenshot) beside a blank page's in the same run, the page's own load time
(``data-load-ms``), and, with a virtual-time budget, when the first page of findings was drawn
from the embedded data (``data-ready-ms``).

    .venv/bin/python benchmarks/report_html.py [--scales 20k,province] [--work DIR]

Figures vary on shared machines; ratios inside one run are the figures to compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SCALES = {"20k": (20_000, None), "province": (40_000, 1_000_000)}
AS_OF = dt.date(2022, 1, 10)
PACK = Path(__file__).resolve().parents[1] / "src" / "hezhang_rules" / "packs" / "qinghemen"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stage(folder: Path, out: Path, fmt: str) -> dict[str, Any]:
    """One format, start to file, in this process."""
    import hezhang_rules as hz
    from hezhang_rules.columnar import evaluate_tables, load_tables

    t0 = time.perf_counter()
    plan = hz.compile_rules(hz.load_rules(PACK))
    tables = load_tables([folder])
    result = evaluate_tables(plan, tables, AS_OF)
    t1 = time.perf_counter()
    if fmt == "jsonl":
        with out.open("w", encoding="utf-8") as fh:
            result.write_jsonl(fh)
    else:
        from hezhang_rules.report.context import AuditContext, all_titles, columns_of, holder_infos
        from hezhang_rules.report.table import FindingsTable
        from hezhang_rules.report.weights import EQUAL

        with FindingsTable.of_columnar(result) as table:
            infos = holder_infos(tables, table.holders(), "zh")
            ctx = AuditContext({}, infos, all_titles(), columns_of(infos.values()), "zh")
            if fmt == "html":
                from hezhang_rules.report.html import render_html

                out.write_text(render_html(table, plan, ctx, EQUAL, "zh", 30), encoding="utf-8")
            else:
                from hezhang_rules.report.xlsx import render_xlsx

                out.write_bytes(render_xlsx(table, plan, ctx, EQUAL, "zh", 30))
    t2 = time.perf_counter()
    return {
        "seconds": t2 - t0,
        "evaluate_s": t1 - t0,
        "report_s": t2 - t1,
        "peak_mb": _rss_mb(),
        "bytes": out.stat().st_size,
        "findings": result.summary.total,
    }


def _chromium(page: Path, profile: Path, budget: int | None) -> tuple[float, dict[str, str]]:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        raise SystemExit("chromium is not installed")
    args = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--window-size=1400,2400",
        f"--screenshot={page.with_suffix('.png')}",
        "--dump-dom",
    ]
    if budget is not None:
        args.append(f"--virtual-time-budget={budget}")
    t = time.perf_counter()
    proc = subprocess.run([*args, page.as_uri()], capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - t
    m = re.search(r"<body([^>]*)>", proc.stdout)
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(1))) if m else {}
    return seconds, attrs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="20k,province")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", help="where the worlds and reports go (default: a temporary folder)")
    ap.add_argument("--stage", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stage:
        folder, out, fmt = args.stage
        print(json.dumps(stage(Path(folder), Path(out), fmt)))
        return
    from hezhang_rules.synth import generate

    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="hz-report-html-"))
    print(
        f"{'world':>9} {'format':>6} {'findings':>9} {'total s':>8} {'report s':>9} "
        f"{'peak MB':>8} {'MB out':>8} {'x time':>7} {'x RSS':>6}",
        flush=True,
    )
    pages = []
    for name in args.scales.split(","):
        chiefs, inspections = SCALES[name]
        folder = work / name
        if not folder.exists():
            generate(chiefs, 2021, args.seed, folder, "parquet", inspections=inspections)
        base: dict[str, Any] = {}
        for fmt in ("jsonl", "html", "xlsx"):
            out = work / f"{name}.{fmt}"
            proc = subprocess.run(
                [sys.executable, __file__, "--stage", str(folder), str(out), fmt],
                capture_output=True,
                text=True,
            )
            if proc.returncode != 0:
                raise SystemExit(f"{name} {fmt} failed:\n{proc.stderr[-3000:]}")
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            base = base or row
            print(
                f"{name:>9} {fmt:>6} {row['findings']:>9} {row['seconds']:>8.1f} "
                f"{row['report_s']:>9.1f} {row['peak_mb']:>8.0f} {row['bytes'] / 1e6:>8.1f} "
                f"{row['seconds'] / base['seconds']:>7.2f} "
                f"{row['peak_mb'] / base['peak_mb']:>6.2f}",
                flush=True,
            )
            if fmt == "html":
                pages.append((name, out))
    blank = work / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body>.</body></html>", encoding="utf-8")
    print(f"\n{'page':>9} {'chromium s':>11} {'blank s':>8} {'load ms':>8} {'ready ms':>9}")
    for name, page in pages:
        for _ in range(3):
            blank_s, _attrs = _chromium(blank, work / "profile", None)
            seconds, attrs = _chromium(page, work / "profile", None)
            _, later = _chromium(page, work / "profile", 30_000)
            print(
                f"{name:>9} {seconds:>11.1f} {blank_s:>8.1f} {attrs.get('data-load-ms', '-'):>8} "
                f"{later.get('data-ready-ms', '-'):>9}",
                flush=True,
            )


if __name__ == "__main__":
    main()
