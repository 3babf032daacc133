"""``check`` reads the monitor's JSON-lines stream (``FILE.jsonl`` not named after a kind, or
``-``): the same report, byte for byte, as on the fact files the stream was written from; every
bad line located at ``FILE:LINE:COL``."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from hezhang_rules.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
STREAM = EXAMPLE / "facts.jsonl"
AS_OF = "2022-01-10"


def _report(source: str, fmt: str, out: Path, lang: str = "zh") -> bytes:
    args = ["check", source, "--as-of", AS_OF, "--format", fmt, "--lang", lang]
    assert main([*args, "--output", str(out)]) in (0, 1)
    return out.read_bytes()


@pytest.mark.parametrize(
    ("fmt", "lang"), [("json", "en"), ("markdown", "zh"), ("html", "zh"), ("text", "en")]
)
def test_stream_gives_the_fact_files_report(tmp_path: Path, fmt: str, lang: str) -> None:
    files = _report(str(EXAMPLE), fmt, tmp_path / f"files.{fmt}", lang)
    stream = _report(str(STREAM), fmt, tmp_path / f"stream.{fmt}", lang)
    assert stream == files


def test_standard_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(STREAM.read_bytes()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    piped = _report("-", "json", tmp_path / "stdin.json")
    assert piped == _report(str(EXAMPLE), "json", tmp_path / "files.json")


def _refused(source: Path, capsys: pytest.CaptureFixture[str], *more: str) -> list[str]:
    code = main(["check", str(source), *more, "--as-of", AS_OF, "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return [line for line in err.splitlines() if ": hz_" in line]


def test_every_bad_line_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = STREAM.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2][:-1]  # the closing brace gone
    lines[4] = lines[4].replace('"record": {', '"record": {"colour": "red", ', 1)
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = _refused(path, capsys)
    assert [line.split(": ")[0].rsplit(":", 1)[0] for line in found] == [
        f"{path}:3",
        f"{path}:5",
    ], found
    assert ": hz_load_syntax: " in found[0]
    assert ": hz_facts_unknown_field: " in found[1] and "`colour`" in found[1]


def test_a_dangling_reference_and_a_duplicate_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = STREAM.read_text(encoding="utf-8").splitlines()
    last = len(lines)
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join([*lines, lines[0]]) + "\n", encoding="utf-8")
    found = _refused(path, capsys)
    assert found[0].startswith(f"{path}:{last + 1}:1: hz_facts_duplicate_id: "), found
    gone = next(x for x in lines if '"kind": "people"' in x)
    path.write_text("\n".join(x for x in lines if x != gone) + "\n", encoding="utf-8")
    found = _refused(path, capsys)
    assert found and all(": hz_facts_dangling_reference: " in x for x in found), found
    assert all(x.startswith(f"{path}:") for x in found)


def test_an_empty_stream(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    assert _refused(path, capsys) == [
        f"{path}:1:1: hz_facts_no_files: the stream holds no fact lines"
    ]


def test_a_stream_among_other_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = _refused(STREAM, capsys, str(EXAMPLE / "structure.yaml"))
    assert found == [
        f"{STREAM}: hz_facts_mixed_inputs: a JSON-lines stream among other fact sources: give "
        "the stream alone"
    ]


def test_a_folder_is_no_stream(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "x.jsonl"
    folder.mkdir()
    found = _refused(folder, capsys)
    assert found and found[0].startswith(f"{folder}: hz_facts_no_files"), found
