"""Worst-case cost of each input limit (docs/limits.md): wall time and peak memory.

    .venv/bin/python benchmarks/bench_limits.py [--scale 1.0]

Each case runs in a fresh process that loads one generated file with ``load_facts`` (the same
path as ``check``) and reports its wall time and peak RSS. The baseline, in the same run, is
``json.loads`` of the same records in a fresh process: figures are given as ratios to it
because these machines are shared and noisy. ``--scale 0.1`` runs every case at a tenth of the
limit, for a quick look.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hezhang_rules.source import DEFAULT_LIMITS

PROBE = r"""
import json, sys, time
def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
with open("/proc/self/clear_refs", "w") as fh:  # reset the peak inherited through fork
    fh.write("5")
path, mode = sys.argv[1], sys.argv[2]
start = time.perf_counter()
outcome = "ok"
if mode == "json":
    json.loads(open(path, encoding="utf-8").read())
else:
    import hezhang_rules as hz
    try:
        hz.load_facts(path)
    except hz.FactLoadError as exc:
        outcome = exc.diagnostics[0].code
wall = time.perf_counter() - start
print(json.dumps({"wall": wall, "rss_mb": peak_mb(), "outcome": outcome}))
"""


def run(path: Path, mode: str) -> dict[str, float | str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(path), mode], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def cases(scale: float) -> Iterator[tuple[str, str, object]]:
    """(limit, description, JSON-able content or raw text) at ``scale`` × the limit.

    A generator: each case's content is built, written and dropped before the next one.
    """
    lim = DEFAULT_LIMITS
    n_records = int(lim.max_records * scale)
    name = "名" * 60
    per_record = len(json.dumps({"id": "p0000000", "name": name}, ensure_ascii=False).encode())
    n_bytes = int(lim.max_bytes * scale * 0.98) // (per_record + 8)
    n_nodes = int(lim.max_nodes * scale) - 10
    yield (
        "max_records",
        f"{n_records:,} person records (id, name)",
        {"people": [{"id": f"p{i}", "name": "x"} for i in range(n_records)]},
    )
    yield (
        "max_bytes",
        f"{n_bytes:,} records of ~{per_record} bytes (~{scale * 64:.0f} MiB)",
        {"people": [{"id": f"p{i:07d}", "name": name} for i in range(n_bytes)]},
    )
    yield (
        "max_nodes",
        f"one record listing {n_nodes:,} numbers (rejected at the limit)",
        {"rivers": [{"id": "r", "name": "x", "jurisdictions": [0] * (n_nodes + 20)}]},
    )
    yield ("max_depth", "1,000,000 nested lists (rejected at depth 65)", "[" * 1_000_000)
    yield (
        "max_alias_nodes",
        "aliases expanding past 100,000 nodes (rejected)",
        "a: &a [" + ", ".join(["x"] * 100) + "]\nb: [" + ", ".join(["*a"] * 1_001) + "]\n",
    )
    yield (
        "max_scalar_chars",
        "one 1,000,000-character name (rejected at 1,000,001)",
        {"people": [{"id": "p", "name": "河" * min(lim.max_scalar_chars, 1_000_000)}]},
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument(
        "--yaml",
        action="store_true",
        help="also load each JSON case written as YAML (JSON is valid YAML)",
    )
    args = ap.parse_args()
    print(
        f"{'limit':<17} {'case':<58} {'outcome':<26} {'s':>7} {'MB':>7} "
        f"{'s/json':>7} {'MB/json':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for limit, what, content in cases(args.scale):
            base = Path(tmp) / f"{limit}.json"
            yml = Path(tmp) / f"{limit}.yaml"
            if isinstance(content, str):
                yml.write_text(content, encoding="utf-8")
                ours, ref = run(yml, "ours"), None
            else:
                base.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
                del content
                ours, ref = run(base, "ours"), run(base, "json")
            ratio_t = f"{float(ours['wall']) / float(ref['wall']):7.1f}" if ref else "      -"
            ratio_m = f"{float(ours['rss_mb']) / float(ref['rss_mb']):8.1f}" if ref else "       -"
            print(
                f"{limit:<17} {what:<58} {ours['outcome']!s:<26} {float(ours['wall']):7.2f} "
                f"{float(ours['rss_mb']):7.0f} {ratio_t} {ratio_m}",
                flush=True,
            )
            if args.yaml and ref is not None:
                yml.write_text(base.read_text(encoding="utf-8"), encoding="utf-8")
                as_yaml = run(yml, "ours")
                print(
                    f"{limit + ' (yaml)':<17} {'the same file read as YAML':<58} "
                    f"{as_yaml['outcome']!s:<26} {float(as_yaml['wall']):7.2f} "
                    f"{float(as_yaml['rss_mb']):7.0f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
