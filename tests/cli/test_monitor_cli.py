"""``monitor``'s outputs: events and the report never share a stream (issue 19 item 4).

Events go to standard output or ``--events FILE``; the report to ``--output FILE`` (any report
format, ``--lang``), or to standard output when the events went to a file. Both files are
checked like every output before the stream is read. A two-article pack keeps each run short.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import pytest

from hezhang_rules.cli import main

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"
EXAMPLE = PACK / "example"
STREAM = EXAMPLE / "facts.jsonl"
AS_OF = "2022-01-10"


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pack")
    for name in ("pack.yaml", "art_016.yaml", "art_019.yaml"):
        shutil.copy(PACK / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def check(pack: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The batch audit of the same facts with the same pack, as JSON and as English text."""
    out = {}
    for fmt, lang in (("json", "zh"), ("text", "en")):
        p = tmp_path_factory.mktemp("check") / f"r.{fmt}"
        args = ["check", str(EXAMPLE), "--as-of", AS_OF, "--rules", str(pack), "--format", fmt]
        assert main([*args, "--lang", lang, "--output", str(p)]) == 1
        out[fmt] = p.read_text(encoding="utf-8")
    return out


def monitor(
    pack: Path, capsys: pytest.CaptureFixture[str], *extra: str, source: str = str(STREAM)
) -> tuple[int, str, str]:
    code = main(["monitor", source, "--as-of", AS_OF, "--rules", str(pack), *extra])
    o, e = capsys.readouterr()
    return code, o, e


def _events(text: str) -> list[dict[str, object]]:
    rows = [json.loads(x) for x in text.splitlines()]
    assert rows and all(set(r) >= {"day", "event", "finding"} for r in rows)
    return rows


def _counts(report: str) -> str:
    s = json.loads(report)["summary"]
    return f"未履行 {s['violated']} · 逾期履行 {s['fulfilled_late']} · 待履行 {s['pending']}"


def test_by_default_standard_output_holds_the_events_alone(
    pack: Path, check: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, o, e = monitor(pack, capsys)
    assert code == 1
    _events(o)  # every line an event: no report after them
    assert '"schema_version"' not in o
    assert e.startswith("报告未写出（用 --output FILE 写出）：") and e.count("\n") == 1
    assert _counts(check["json"]) in e


def test_output_takes_the_report_and_a_line_says_so(
    pack: Path, check: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.json"
    code, o, e = monitor(pack, capsys, "--output", str(out))
    assert code == 1
    assert out.read_text(encoding="utf-8") == check["json"]  # as check --format json
    assert _events(o)
    assert e.startswith(f"已写出 {out}：") and _counts(check["json"]) in e
    assert e.count("\n") == 1
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary left


def test_events_file_moves_the_report_to_standard_output(
    pack: Path, check: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, plain, _ = monitor(pack, capsys)
    events = tmp_path / "events.jsonl"
    code, o, e = monitor(pack, capsys, "--events", str(events), "--format", "text", "--lang", "en")
    assert code == 1 and e == ""
    assert events.read_text(encoding="utf-8") == plain  # the same events, in the file
    assert o == check["text"]  # the report alone on standard output


def test_both_files_and_any_format(
    pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events, out = tmp_path / "events.jsonl", tmp_path / "r.html"
    code, o, e = monitor(
        pack, capsys, "--events", str(events), "--output", str(out), "--format", "html"
    )
    assert code == 1 and o == ""
    assert _events(events.read_text(encoding="utf-8"))
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'lang="zh' in page
    assert e.startswith(f"已写出 {out}：")


def test_one_file_for_both_is_refused_before_reading(
    pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    same = tmp_path / "x.json"
    code, o, e = monitor(pack, capsys, "--events", str(same), "--output", str(same))
    assert code == 2 and o == ""
    assert "<command line>: hz_usage_output_is_events:" in e
    assert not same.exists()


@pytest.mark.parametrize("option", ["--output", "--events"])
def test_an_input_is_never_overwritten(
    option: str, pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stream = tmp_path / "facts.jsonl"
    shutil.copy(STREAM, stream)
    before = stream.read_bytes()
    for target in (stream, pack / "art_016.yaml"):
        code, o, e = monitor(pack, capsys, option, str(target), source=str(stream))
        assert code == 2 and o == "", e
        assert "hz_usage_output_is_input" in e and option in e
    assert stream.read_bytes() == before


def test_a_link_at_the_events_file_is_replaced_not_followed(
    pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "events.jsonl"
    link.symlink_to(victim)
    code, _, _ = monitor(pack, capsys, "--events", str(link), "--output", str(tmp_path / "r"))
    assert code == 1
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert not link.is_symlink() and _events(link.read_text(encoding="utf-8"))


def test_a_bad_line_writes_no_report_but_keeps_the_events_so_far(
    pack: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = STREAM.read_text(encoding="utf-8").splitlines()
    bad = "\n".join(lines) + '\n{"kind": "inspections", "record": {"id": 3}}\n'
    monkeypatch.setattr(sys, "stdin", io.StringIO(bad))
    events, out = tmp_path / "events.jsonl", tmp_path / "r.json"
    code, o, e = monitor(pack, capsys, "--events", str(events), "--output", str(out), source="-")
    assert code == 2 and o == ""
    assert f"<stdin>:{len(lines) + 1}:" in e and "已写出" not in e
    assert not out.exists()
    assert _events(events.read_text(encoding="utf-8"))  # true of the lines before
