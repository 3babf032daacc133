"""Benchmark: what the installed pytest plugin costs a project that does not use it.

pytest loads every installed ``pytest11`` entry point in every project. This makes an empty
project with one trivial test in a temporary folder and times ``python -m pytest`` there, with
the plugin (as installed) and without it (``-p no:hezhang_rules``), alternating the two so the
machine's noise falls on both; it prints the medians and their difference. The goal (issue 18)
is under 50 ms.

    .venv/bin/python benchmarks/plugin_overhead.py [--runs 15]

It needs the package installed (``python3 dev.py setup``): the entry point comes from the
installed metadata. Figures vary on shared machines; never gate CI on them.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEST = "def test_one():\n    assert 1 + 1 == 2\n"
IMPORT = (
    "import time, pytest; t = time.perf_counter(); import hezhang_rules_pytest; "
    "print(time.perf_counter() - t)"
)
"""The entry point's own import, timed inside a fresh interpreter (pytest already loaded)."""


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout}{done.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    points = [e for e in importlib.metadata.entry_points(group="pytest11") if "hezhang" in e.name]
    if not points:
        raise SystemExit("the hezhang_rules pytest11 entry point is not installed")
    print(f"entry point: {points[0].name} = {points[0].value}")
    with tempfile.TemporaryDirectory(prefix="hz-empty-project-") as tmp:
        project = Path(tmp)
        (project / "test_one.py").write_text(TEST, encoding="utf-8")
        base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        without = [*base, "-p", "no:hezhang_rules"]
        timed(base, project)  # warm the file cache for both
        on: list[float] = []
        off: list[float] = []
        for _ in range(args.runs):
            on.append(timed(base, project))
            off.append(timed(without, project))
        loads = [
            float(subprocess.run([sys.executable, "-c", IMPORT], capture_output=True, text=True,
                                 check=True, cwd=project).stdout)
            for _ in range(args.runs)
        ]  # fmt: skip
    with_ms, without_ms = statistics.median(on) * 1000, statistics.median(off) * 1000
    print(f"runs: {args.runs} each, alternating")
    print(f"pytest on an empty project, plugin installed: median {with_ms:.0f} ms")
    print(f"pytest on an empty project, plugin disabled:  median {without_ms:.0f} ms")
    print(f"overhead: {with_ms - without_ms:+.0f} ms (ratio {with_ms / without_ms:.3f})")
    print(f"importing the entry point itself: median {statistics.median(loads) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
