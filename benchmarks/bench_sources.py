"""Benchmark: the same world read from Parquet, SQLite and PostgreSQL, in one run.

The goal (issue 21): the province world read from SQLite and from PostgreSQL within 2x of
reading it from Parquet, measured in the same run; the national world from PostgreSQL measured;
and every source giving the same report, byte for byte.

For each scale (``--scales``; the sizes of bench_scale.py: a province is 40,000 chiefs and
1,000,000 inspections):

* ``generate``: ``hezhang-rules synth --chiefs N --inspections M --year 2021 --seed S`` writes
  the world as Parquet tables (the baseline source);
* ``write``: ``hezhang-rules tables WORLD --format sqlite --out WORLD.db`` and ``--format
  postgresql --out postgresql://…/hezhang_bench_SCALE`` (wall time, reported, not compared);
* for each source, each stage in its own process so its peak RSS is its own:
  ``load``: ``hezhang_rules.facts.sources.load_sources([SOURCE])`` (reading and validation);
  ``check``: the whole ``hezhang-rules check SOURCE --as-of 2022-01-10 --format json --output
  FILE`` (load, evaluate, write; ``--format``: another report format, e.g. ``jsonl``, which a
  province writes in seconds where ``json`` builds the whole report in memory): wall time, peak
  RSS, the report's size and sha256.

Each time is the best of ``--repeat`` runs and is printed with its ratio to Parquet's in the
same run; the report digests must all be equal (exit 1 otherwise). ``--national`` adds the
national world (1.2 million chiefs, 7 million inspections) from Parquet and PostgreSQL.

PostgreSQL: ``--postgres URL`` or ``HEZHANG_BENCH_POSTGRES`` names a server's admin address
(a user allowed to create databases); without one, a throwaway server is started with
tests/pg_server.py (Debian's postgresql package) and stopped at the end. The benchmark owns the
databases named ``hezhang_bench_<scale>`` on that server: it drops and recreates them.

    .venv/bin/python benchmarks/bench_sources.py [--scales province] [--national]
        [--sources parquet,sqlite,postgresql] [--format json] [--repeat 1] [--seed 7]
        [--work DIR]

Figures vary on shared machines; never gate CI on them. Ratios inside one run are the figures
to compare.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "hezhang_rules.cli"]
SCALES = {
    "district": (400, None),
    "province": (40_000, 1_000_000),
    "national": (1_200_000, 7_000_000),
}
SOURCES = ("parquet", "sqlite", "postgresql")
AS_OF = "2022-01-10"
YEAR = "2021"
ENV_POSTGRES = "HEZHANG_BENCH_POSTGRES"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- stages, each in its own process --------------------------------------------------------


def stage_load(source: str) -> dict[str, Any]:
    """Read ``source`` with the loader ``check`` uses: seconds, records, peak RSS."""
    from hezhang_rules.facts.sources import load_sources

    t = time.perf_counter()
    facts = load_sources([source])
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "facts": len(facts), "peak_mb": _rss_mb()}


def stage_check(source: str, report: Path, fmt: str) -> dict[str, Any]:
    """The whole ``check`` of ``source`` into a report: seconds, peak RSS, the report."""
    from hezhang_rules.cli import main as cli

    t = time.perf_counter()
    code = cli(["check", source, "--as-of", AS_OF, "--format", fmt, "--output", str(report)])
    seconds = time.perf_counter() - t
    if code not in (0, 1):  # 1: some finding is violated, as every generated world has
        raise SystemExit(f"check {source} exited {code}")
    digest = hashlib.sha256()
    with report.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return {
        "seconds": seconds,
        "peak_mb": _rss_mb(),
        "report_bytes": report.stat().st_size,
        "digest": digest.hexdigest(),
    }


def _stage(*args: str) -> dict[str, Any]:
    """Run a stage of this script in a new process; its last line is its JSON result."""
    out = subprocess.run(
        [sys.executable, __file__, "--stage", *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"stage {args[0]} {args[1]} failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _timed(cmd: list[str]) -> float:
    """Wall seconds of a command line; its failure stops the benchmark with its error."""
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - t


# --- PostgreSQL ------------------------------------------------------------------------------


@contextmanager
def postgres_server(url: str | None) -> Iterator[str]:
    """The admin address of the server to write to: ``url``, else a throwaway server's."""
    if url:
        yield url
        return
    sys.path.insert(0, str(ROOT / "tests"))
    import pg_server  # tests/pg_server.py

    server = pg_server.start()
    try:
        yield server.url
    finally:
        pg_server.stop(server)


def fresh_database(admin_url: str, name: str) -> str:
    """Drop and create database ``name`` (the benchmark's own); its address."""
    import adbc_driver_postgresql.dbapi as pg

    with pg.connect(admin_url, autocommit=True) as con, con.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cur.execute(f"CREATE DATABASE {name}")
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(admin_url: str, name: str) -> None:
    import adbc_driver_postgresql.dbapi as pg

    with pg.connect(admin_url, autocommit=True) as con, con.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# --- one scale -------------------------------------------------------------------------------


def best(repeat: int, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The run with the least time of ``repeat`` (a shared machine's noise only adds)."""
    return min((run() for _ in range(repeat)), key=lambda r: float(r["seconds"]))


def bench_scale(
    name: str, sources: list[str], work: Path, admin_url: str | None, args: argparse.Namespace
) -> bool:
    """Generate, write and measure one world; print its rows. Whether all reports agree."""
    chiefs, inspections = SCALES[name]
    world = work / name
    gen = ["synth", "--chiefs", str(chiefs), "--year", YEAR, "--seed", str(args.seed)]
    if inspections is not None:
        gen += ["--inspections", str(inspections)]
    gen_s = _timed([*CLI, *gen, "--out", str(world), "--force"])
    print(f"\n{name}: {chiefs:,} chiefs, generated as Parquet in {gen_s:.1f} s", flush=True)
    where: dict[str, str] = {"parquet": str(world)}
    write_s: dict[str, float] = {}
    database = f"hezhang_bench_{name}"
    if "sqlite" in sources:
        db = work / f"{name}.db"
        db.unlink(missing_ok=True)
        write_s["sqlite"] = _timed(
            [*CLI, "tables", str(world), "--format", "sqlite", "--out", str(db)]
        )
        where["sqlite"] = f"sqlite:///{db}"
    if "postgresql" in sources:
        assert admin_url is not None
        url = fresh_database(admin_url, database)
        write_s["postgresql"] = _timed(
            [*CLI, "tables", str(world), "--format", "postgresql", "--out", url]
        )
        where["postgresql"] = url
    print(
        f"{'source':>11} {'write s':>8} {'load s':>8} {'load MB':>8} {'load/pq':>8} "
        f"{'check s':>8} {'check MB':>9} {'check/pq':>9} {'report MB':>10}  report sha256",
        flush=True,
    )
    rows: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for source in sources:
        load = best(args.repeat, lambda s=source: _stage("load", where[s]))
        report = work / f"{name}.{source}.{args.format}"
        check = best(
            args.repeat,
            lambda s=source, r=report: _stage("check", where[s], str(r), args.format),
        )
        report.unlink()
        rows[source] = (load, check)
        base_load, base_check = rows.get("parquet", (load, check))
        written = f"{write_s[source]:>8.1f}" if source in write_s else f"{'-':>8}"
        print(
            f"{source:>11} {written} {load['seconds']:>8.2f} {load['peak_mb']:>8.0f} "
            f"{load['seconds'] / base_load['seconds']:>7.2f}x {check['seconds']:>8.2f} "
            f"{check['peak_mb']:>9.0f} {check['seconds'] / base_check['seconds']:>8.2f}x "
            f"{check['report_bytes'] / 1e6:>10.1f}  {check['digest']}",
            flush=True,
        )
    base = rows["parquet"][0]["seconds"]
    goal = [
        f"{s} {load['seconds'] / base:.2f}x {'yes' if load['seconds'] <= 2 * base else 'NO'}"
        for s, (load, _) in rows.items()
        if s != "parquet"
    ]
    if goal:
        print(f"{name}: loading within 2x of Parquet: {', '.join(goal)}")
    digests = {check["digest"] for _, check in rows.values()}
    print(f"{name}: the same report from every source: {'yes' if len(digests) == 1 else 'NO'}")
    if "postgresql" in sources and admin_url is not None and not args.work:
        drop_database(admin_url, database)
    if not args.work:
        shutil.rmtree(world)
        (work / f"{name}.db").unlink(missing_ok=True)
    return len(digests) == 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="province", help="comma-separated: district, province")
    ap.add_argument(
        "--national", action="store_true", help="also the national world (Parquet, PostgreSQL)"
    )
    ap.add_argument("--sources", default=",".join(SOURCES), help="comma-separated; first: parquet")
    ap.add_argument("--postgres", help=f"a server's admin address (default: ${ENV_POSTGRES})")
    ap.add_argument(
        "--format", default="json", choices=("json", "jsonl", "parquet"), help="check's report"
    )
    ap.add_argument("--repeat", type=int, default=1, help="runs of each stage; the best counts")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", help="where worlds go, kept (default: a temporary folder)")
    ap.add_argument("--stage", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stage:
        kind, *rest = args.stage
        if kind == "load":
            row = stage_load(rest[0])
        else:
            row = stage_check(rest[0], Path(rest[1]), rest[2])
        print(json.dumps(row))
        return
    scales = args.scales.split(",")
    sources = args.sources.split(",")
    if any(s not in SCALES or s == "national" for s in scales):
        ap.error(f"--scales: choose among district, province (national: --national): {scales}")
    if sources[0] != "parquet" or any(s not in SOURCES for s in sources):
        ap.error(f"--sources: parquet first (the baseline), then sqlite, postgresql: {sources}")
    if args.repeat < 1:
        ap.error("--repeat: at least 1")
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="hz-sources-"))
    work.mkdir(parents=True, exist_ok=True)
    runs = [(s, sources) for s in scales]
    if args.national:
        runs.append(("national", ["parquet", "postgresql"]))
    wants_server = any("postgresql" in srcs for _, srcs in runs)
    agree = True
    try:
        url = args.postgres or os.environ.get(ENV_POSTGRES)
        server = postgres_server(url) if wants_server else nullcontext(None)
        with server as admin_url:
            for scale, srcs in runs:
                agree &= bench_scale(scale, srcs, work, admin_url, args)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    if not agree:
        raise SystemExit("the sources gave different reports")


if __name__ == "__main__":
    main()
