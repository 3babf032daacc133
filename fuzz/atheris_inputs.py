"""Coverage-guided fuzzing of the inputs that are not fact files: tables and the monitor stream.

    .venv/bin/pip install atheris
    .venv/bin/python fuzz/atheris_inputs.py -max_total_time=600 -rss_limit_mb=2048 fuzz/in

Each input is one byte saying where the rest goes, then the bytes themselves:

- a fact table (``<kind>.jsonl``, the kind chosen by the first byte) put in a folder beside the
  example district's other tables, checked by the columnar engine and by the records engine;
- the monitor's stream (``monitor FILE``).

Both go through the command line in this process (``hezhang_rules.cli.main``) with a two-article
pack, so what is fuzzed is what a user runs. A finding is an exception escaping ``main``, or an
exit code other than 0 (clean), 1 (violations) or 2 (located diagnostic). Seeds: the example
district's tables and stream lines:

    mkdir -p fuzz/in
    .venv/bin/python fuzz/atheris_inputs.py --seeds fuzz/in
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["hezhang_rules"]):
    from hezhang_rules.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
KINDS = ("people", "inspections", "appointments", "jurisdictions", "meetings", "units", "rivers")
WORK = Path(tempfile.mkdtemp(prefix="hz-atheris-"))
PACK = WORK / "pack"
TABLES = WORK / "tables"


def _prepare() -> None:
    PACK.mkdir()
    for name in ("pack.yaml", "art_016.yaml", "art_019.yaml"):
        shutil.copy(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / name, PACK / name)
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli_main(["tables", str(EXAMPLE), "--out", str(TABLES), "--format", "jsonl"])
    if code != 0:
        raise SystemExit(f"could not write the example tables (exit {code})")


def _run(argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli_main(argv)
    except SystemExit as exc:  # argparse
        code = exc.code if isinstance(exc.code, int) else 2
    if code not in (0, 1, 2) or "Traceback" in err.getvalue():
        sys.stderr.write(err.getvalue()[-4000:])
        raise RuntimeError(f"exit {code} for {argv}")


def test_one(data: bytes) -> None:
    if not data:
        return
    where, body = data[0], data[1:]
    case = Path(tempfile.mkdtemp(dir=WORK))
    try:
        if where % 2 == 0:
            folder = case / "t"
            shutil.copytree(TABLES, folder)
            (folder / f"{KINDS[(where // 2) % len(KINDS)]}.jsonl").write_bytes(body)
            for engine in ("columnar", "records"):
                _run(
                    [
                        "check",
                        str(folder),
                        "--as-of",
                        "2022-01-10",
                        "--rules",
                        str(PACK),
                        "--engine",
                        engine,
                        "--format",
                        "jsonl",
                        "--output",
                        str(case / "r.jsonl"),
                    ]
                )
        else:
            stream = case / "facts.jsonl"
            stream.write_bytes(body)
            _run(["monitor", str(stream), "--as-of", "2022-01-10", "--rules", str(PACK)])
    finally:
        shutil.rmtree(case, ignore_errors=True)


def write_seeds(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, kind in enumerate(KINDS):
        (folder / f"table-{kind}").write_bytes(
            bytes([2 * i]) + (TABLES / f"{kind}.jsonl").read_bytes()
        )
    lines = (EXAMPLE / "facts.jsonl").read_bytes().splitlines(keepends=True)
    for n in (10, 40, 120):
        (folder / f"stream-{n}").write_bytes(b"\x01" + b"".join(lines[:n]))


def main() -> None:
    _prepare()
    try:
        if len(sys.argv) == 3 and sys.argv[1] == "--seeds":
            write_seeds(Path(sys.argv[2]))
            return
        atheris.Setup(sys.argv, test_one)
        atheris.Fuzz()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
