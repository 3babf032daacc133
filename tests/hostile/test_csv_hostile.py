"""Hostile CSV tables and xlsx workbooks, through ``check`` with both engines and both languages.

Each case is the example district as CSV tables (``hezhang-rules tables --format csv``) with one
table broken, or as one workbook replaced by something that is not one. A hostile table gives
exit 2, the expected code located at the file and line (CSV) or the file (a workbook), no
traceback, nothing written to ``--output``, the same diagnostics from ``--engine columnar`` and
``--engine records``, and in ``--lang zh`` no English sentence (``--lang en``: no Chinese
outside the file names). Tables that are valid after all (a BOM, CRLF line ends, a quoted line
break, a formula-looking cell, a header-only table) give the base report.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from hezhang_rules.cli import main

from .kit import small_pack
from .test_diagnostics_lang import chinese_outside_values, english_sentences

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
AS_OF = "2022-01-10"

Build = Callable[[Path], None]


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_pack(tmp_path_factory.mktemp("pack"))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("csv")
    assert main(["tables", str(EXAMPLE), "--out", str(folder), "--format", "csv"]) == 0
    return folder


def _edit(kind: str, change: Callable[[bytes], bytes]) -> Build:
    def build(folder: Path) -> None:
        path = folder / f"{kind}.csv"
        path.write_bytes(change(path.read_bytes()))

    return build


def _line(n: int, change: Callable[[bytes], bytes], kind: str = "people") -> Build:
    """Change line ``n`` (1-based) of ``<kind>.csv``."""

    def edit(data: bytes) -> bytes:
        lines = data.split(b"\n")
        lines[n - 1] = change(lines[n - 1])
        return b"\n".join(lines)

    return _edit(kind, edit)


def _workbook(data: bytes) -> Build:
    def build(folder: Path) -> None:
        for p in folder.glob("*.csv"):
            p.unlink()
        (folder / "district.xlsx").write_bytes(data)

    return build


@dataclass(frozen=True)
class Case:
    name: str
    build: Build
    code: str
    where: str  # relative to the folder; ends with ":" to match any column
    args: tuple[str, ...] = ()


def _ole() -> bytes:
    """The start of an OLE2 compound file: what a password-protected xlsx is (encrypted in a
    CFB container, not a zip)."""
    return bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 2040


CASES = [
    Case(
        "too-many-cells", _line(3, lambda b: b + b",extra"), "hz_facts_csv_ragged", "people.csv:3:1"
    ),
    Case(
        "too-few-cells",
        _line(4, lambda b: b.split(b",")[0]),
        "hz_facts_csv_ragged",
        "people.csv:4:1",
    ),
    Case("blank-line", _line(3, lambda b: b""), "hz_facts_csv_ragged", "people.csv:3:1"),
    Case(
        "duplicate-header",
        _line(1, lambda b: b"id,name,name"),
        "hz_facts_csv_bad_header",
        "people.csv:1:1",
    ),
    Case(
        "empty-header-name",
        _line(1, lambda b: b"id,,name"),
        "hz_facts_csv_bad_header",
        "people.csv:1:1",
    ),
    Case("empty-file", _edit("people", lambda b: b""), "hz_facts_csv_no_header", "people.csv"),
    Case("not-utf8", _line(3, lambda b: b + b"\xff"), "hz_load_encoding", "people.csv:3:"),
    Case("gbk", _line(2, lambda b: "甲".encode("gbk") + b), "hz_load_encoding", "people.csv:2:1"),
    Case("nul-byte", _line(5, lambda b: b"\x00" + b), "hz_load_encoding", "people.csv:5:1"),
    Case("stray-quote", _line(3, lambda b: b'"x"y' + b), "hz_facts_csv_syntax", "people.csv:3:1"),
    Case(
        "huge-cell",
        _line(3, lambda b: b + b"x" * 50_000),
        "hz_limit_max_bytes",
        "people.csv:3:1",
        ("--limit", "max_bytes=40000"),
    ),
    Case(
        "line-after-a-quoted-break",
        _edit(
            "inspections",
            lambda d: (
                d.replace(b",,p-", b',"a\nb",p-', 1).replace(b",115,", b",1h55,", 1)
                if d.index(b",,p-") < d.index(b",115,")
                else d.replace(b",115,", b",1h55,", 1).replace(b",,p-", b',"a\nb",p-', 1)
            ),
        ),
        "hz_facts_wrong_type",
        "inspections.csv:",
    ),
    Case(
        "bad-boolean",
        _edit("units", lambda d: d.replace(b",true", b",yes", 1)),
        "hz_facts_wrong_type",
        "units.csv:",
    ),
    Case(
        "bad-json",
        _edit("inspections", lambda d: d.replace(b'"[""', b'"[""x"",', 1)),
        "hz_facts_wrong_type",
        "inspections.csv:2:1",
    ),
    Case(
        "unknown-column",
        _line(1, lambda b: b.replace(b"name", b"nmae")),
        "hz_facts_unknown_field",
        "people.csv:2:1",
    ),
    Case(
        "misnamed-table",
        lambda f: (f / "people.csv").rename(f / "People.csv"),
        "hz_facts_unknown_kind",
        "People.csv",
    ),
    Case(
        "stray-file",
        lambda f: (f / "notes.txt").write_text("x"),
        "hz_facts_unknown_file",
        "notes.txt",
    ),
    Case(
        "corrupt-workbook",
        _workbook(b"PK\x03\x04" + b"\x00" * 100),
        "hz_facts_bad_workbook",
        "district.xlsx",
    ),
    Case(
        "csv-named-xlsx", _workbook(b"id,name\np-1,x\n"), "hz_facts_bad_workbook", "district.xlsx"
    ),
    Case("password-protected", _workbook(_ole()), "hz_facts_bad_workbook", "district.xlsx"),
]


@dataclass
class Run:
    code: int
    err: str
    report: dict[str, object] | None


def _check(
    folder: Path,
    pack: Path,
    engine: str,
    lang: str,
    tmp: Path,
    args: tuple[str, ...],
    cap: pytest.CaptureFixture[str],
) -> Run:
    out_dir = tmp / f"out-{engine}-{lang}"
    out_dir.mkdir()
    out = out_dir / "report.json"
    argv = ["check", str(folder), "--as-of", AS_OF, "--rules", str(pack), "--format", "json"]
    code = main([*argv, *args, "--engine", engine, "--lang", lang, "--output", str(out)])
    err = cap.readouterr().err
    if code == 2:
        assert list(out_dir.iterdir()) == [], "nothing may be written for invalid input"
    report = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    return Run(code, err.replace(str(folder) + "/", "<facts>/"), report)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_csv(
    case: Case, base: Path, pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "facts"
    shutil.copytree(base, folder)
    case.build(folder)
    runs = {
        (engine, lang): _check(folder, pack, engine, lang, tmp_path, case.args, capsys)
        for engine in ("columnar", "records")
        for lang in ("en", "zh")
    }
    for (engine, lang), run in runs.items():
        assert run.code == 2, f"{engine} {lang}: exit {run.code}\n{run.err}"
        assert "Traceback" not in run.err and "内部错误" not in run.err, run.err
        heads = [line.split(": ")[:2] for line in run.err.splitlines() if ": hz_" in line]
        where = f"<facts>/{case.where}"
        assert any(
            code == case.code and (at == where or (where.endswith(":") and at.startswith(where)))
            for at, code in heads
        ), f"{case.code} not at {where}:\n{run.err}"
        if lang == "zh":
            assert not english_sentences(run.err, ["<facts>", str(pack)]), run.err
        else:
            assert not chinese_outside_values(run.err, ["<facts>", str(pack)]), run.err
    for lang in ("en", "zh"):
        assert runs[("columnar", lang)].err == runs[("records", lang)].err


def test_bad_cell_after_a_quoted_line_break_is_at_its_own_line(
    base: Path, pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "facts"
    shutil.copytree(base, folder)
    path = folder / "people.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    cells = lines[1].split(",")
    cells[1] = '"one\r\ntwo\nthree"'  # a note over three lines
    lines[1] = ",".join(cells)
    lines[3] = lines[3] + ",surplus"
    path.write_text("\n".join(lines), encoding="utf-8")
    run = _check(folder, pack, "columnar", "en", tmp_path, (), capsys)
    assert run.code == 2
    assert run.err.startswith("<facts>/people.csv:6:1: hz_facts_csv_ragged: "), run.err


VALID: list[tuple[str, Build]] = [
    ("bom", _edit("people", lambda d: b"\xef\xbb\xbf" + d)),
    ("crlf", _edit("inspections", lambda d: d.replace(b"\n", b"\r\n"))),
    (
        "formula-text",
        _edit(
            "people",
            lambda d: d.replace("住房和城乡建设局城建科".encode(), b"\"=cmd|' /C calc'!A0\"", 1),
        ),
    ),
    (
        "quoted-break",
        _edit(
            "people",
            lambda d: d.replace("住房和城乡建设局城建科".encode(), '"住房和\n城建科"'.encode(), 1),
        ),
    ),
    ("header-only", _edit("disclosures", lambda d: d.split(b"\n")[0] + b"\n")),
]


@pytest.mark.parametrize(("name", "build"), VALID, ids=[v[0] for v in VALID])
def test_valid_after_all(
    name: str,
    build: Build,
    base: Path,
    pack: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "facts"
    shutil.copytree(base, folder)
    build(folder)
    (tmp_path / "base").mkdir()
    want = _check(base, pack, "columnar", "en", tmp_path / "base", (), capsys)
    for engine in ("columnar", "records"):
        run = _check(folder, pack, engine, "en", tmp_path, (), capsys)
        assert run.code in (0, 1), run.err
        assert run.report is not None and want.report is not None
        assert run.report["findings"] == want.report["findings"]
