"""Write every report the CLI makes of fixed worlds, to compare two versions byte for byte.

A refactoring that must not change behaviour (issue 17) runs this before and after:

    python benchmarks/report_bytes.py /tmp/before            # on the old commit
    python benchmarks/report_bytes.py /tmp/after             # on the new one
    python benchmarks/report_bytes.py --compare /tmp/before /tmp/after

Worlds: the bundled example district (fact files: the records engine; fact tables: the columnar
engine), a generated world of 2,000 chiefs (tables and JSON-lines fact files: both engines), and
a generated province (40,000 chiefs, 1M inspections; jsonl and parquet, the formats that scale).
Every format and both languages are written, plus `todo`, `explain` of a few findings, and the
monitor's report of the example. Version fields (`package_version`, the generator line) are
blanked before comparing, since a version bump is not a change of behaviour.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
CLI = [sys.executable, "-m", "hezhang_rules.cli"]
FORMATS = ("text", "json", "jsonl", "parquet", "markdown", "html", "xlsx", "junit")
EXPLAIN = (
    "art016.river_chief_half_yearly_inspection/p-zhao-wenbo/2021-H2",
    "art005.general_chief_meeting_yearly/u-office/2021",
)


def cli(args: list[str], out: Path | None = None) -> None:
    target = out or (Path(args[args.index("--output") + 1]) if "--output" in args else None)
    if target is None and "--out" in args:
        target = Path(args[args.index("--out") + 1])
    if target is not None and target.exists():
        return  # written by an earlier, interrupted run
    done = subprocess.run([*CLI, *args], cwd=ROOT, capture_output=True, check=False)
    if done.returncode not in (0, 1):
        sys.exit(f"exit {done.returncode}: {' '.join(args)}\n{done.stderr.decode()}")
    if out is not None:
        out.write_bytes(done.stdout)


def write_all(dest: Path, province: bool) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    worlds = dest / "worlds"
    worlds.mkdir(exist_ok=True)
    cli(["tables", str(EXAMPLE), "--out", str(worlds / "example-tables")])
    cli(["synth", "--chiefs", "2000", "--year", "2021", "--out", str(worlds / "s2k")])
    cli(
        [
            "synth",
            "--chiefs",
            "2000",
            "--year",
            "2021",
            "--format",
            "jsonl",
            "--out",
            str(worlds / "s2k-jsonl"),
        ]
    )
    runs: list[tuple[str, Path, str, tuple[str, ...]]] = [
        ("example", EXAMPLE, "2022-01-10", FORMATS),
        ("example-tables", worlds / "example-tables", "2022-01-10", FORMATS),
        ("s2k", worlds / "s2k", "2022-01-10", FORMATS),
        ("s2k-records", worlds / "s2k-jsonl", "2022-01-10", ("jsonl", "json")),
        ("example-mid", EXAMPLE, "2021-07-15", ("json",)),
    ]
    if province:
        cli(
            [
                "synth",
                "--chiefs",
                "40000",
                "--year",
                "2021",
                "--inspections",
                "1000000",
                "--out",
                str(worlds / "province"),
            ]
        )
        runs.append(("province", worlds / "province", "2022-01-10", ("jsonl", "parquet")))
    for name, facts, as_of, formats in runs:
        for fmt in formats:
            for lang in ("zh", "en"):
                start = time.monotonic()
                out = dest / f"{name}.{lang}.{fmt}"
                cli(
                    [
                        "check",
                        str(facts),
                        "--as-of",
                        as_of,
                        "--format",
                        fmt,
                        "--lang",
                        lang,
                        "--output",
                        str(out),
                    ]
                )
                print(f"{out.name}: {time.monotonic() - start:.1f}s", flush=True)
    for lang in ("zh", "en"):
        for fmt in ("text", "json"):
            cli(
                ["todo", str(EXAMPLE), "--as-of", "2021-07-15", "--format", fmt, "--lang", lang],
                dest / f"todo.{lang}.{fmt}",
            )
        for i, fid in enumerate(EXPLAIN):
            cli(
                ["explain", fid, str(EXAMPLE), "--as-of", "2022-01-10", "--lang", lang],
                dest / f"explain{i}.{lang}.txt",
            )
    cli(["monitor", str(EXAMPLE / "facts.jsonl"), "--as-of", "2022-01-10"], dest / "monitor.txt")


_VERSION = re.compile(rb'("package_version": ?")[^"]*(")|(hezhang-rules )\d+\.\d+\.\d+\S*')


_ROOT = re.compile(
    rb"/[^\s\"'<>()]*?(?=/rules/qinghemen/|/src/hezhang_rules/packs/qinghemen/example)"
)


def normalized(path: Path) -> bytes:
    """The file's bytes with version fields blanked and the checkout's and the output folder's
    absolute paths replaced by ``<root>`` and ``<out>`` (reports still embed absolute rule-file
    paths: issue 18), so two checkouts compare (Parquet and xlsx: their cell values)."""
    if path.suffix == ".parquet":
        frame = pl.read_parquet(path)
        buf = io.StringIO()
        frame.write_ndjson(buf)
        data = buf.getvalue().encode()
    elif path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        rows = [
            [sheet.title, *map(str, row)]
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        ]
        data = json.dumps(rows, ensure_ascii=False).encode()
    else:
        data = path.read_bytes()
    data = data.replace(str(path.parent.resolve()).encode(), b"<out>")
    data = _ROOT.sub(b"<root>", data)
    return _VERSION.sub(lambda m: (m.group(1) or m.group(3) or b"") + (m.group(2) or b""), data)


def compare(a: Path, b: Path, renamed: list[tuple[bytes, bytes]]) -> int:
    names = sorted(
        {p.name for p in a.iterdir() if p.is_file()} | {p.name for p in b.iterdir() if p.is_file()}
    )
    bad = 0
    for name in names:
        pa, pb = a / name, b / name
        if not (pa.exists() and pb.exists()):
            print(f"MISSING {name}")
            bad += 1
            continue
        da, db = normalized(pa), normalized(pb)
        for old, new in renamed:  # a wording changed on purpose: compare everything else
            da = da.replace(old, new)
        same = da == db
        bad += not same
        print(
            f"{'same   ' if same else 'DIFFERS'} {name} {hashlib.sha256(da).hexdigest()[:12]}"
            f" {len(da):,} bytes"
        )
    print(f"{len(names) - bad} of {len(names)} identical")
    return 1 if bad else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--compare", action="store_true")
    ap.add_argument("--no-province", action="store_true")
    ap.add_argument(
        "--renamed",
        action="append",
        default=[],
        metavar="OLD=NEW",
        help="text changed on purpose between the two (replaced in the first before comparing)",
    )
    ns = ap.parse_args()
    if ns.compare:
        pairs = [tuple(x.encode().split(b"=", 1)) for x in ns.renamed]
        return compare(ns.dirs[0], ns.dirs[1], [(p[0], p[1]) for p in pairs])
    write_all(ns.dirs[0], province=not ns.no_province)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
