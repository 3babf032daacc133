"""The text formats rendered from the findings table (issue 19): the same bytes whatever the
engine and whatever the input (fact files or fact tables), summaries first, ``--only``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hezhang_rules.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
AS_OF = "2022-01-10"


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args, "--as-of", AS_OF])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tables") / "world"
    assert main(["tables", str(EXAMPLE), "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "jsonl"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_engine_and_input_gives_the_same_bytes(
    fmt: str, lang: str, tables: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # (fact files and fact tables differ in their facts digest only, in the run record)
    for source in (EXAMPLE, tables):
        outputs = set()
        for engine in ("auto", "records", "columnar"):
            code, out, err = check(
                capsys, str(source), "--format", fmt, "--lang", lang, "--engine", engine
            )
            assert code == 1 and err == "", err
            outputs.add(out)
        assert len(outputs) == 1


def test_only_keeps_some_statuses_and_says_what_was_left_out(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, full, _ = check(capsys, str(EXAMPLE), "--format", "json")
    everything = json.loads(full)
    code, out, _ = check(
        capsys, str(EXAMPLE), "--format", "json", "--only", "fulfilled_late,violated"
    )
    kept = json.loads(out)
    assert code == 1
    assert kept["summary"] == everything["summary"]  # the summary still counts all
    assert [f["id"] for f in kept["findings"]] == [
        f["id"] for f in everything["findings"] if f["status"] in ("violated", "fulfilled_late")
    ]
    _, text, _ = check(capsys, str(EXAMPLE), "--only", "violated")
    s = everything["summary"]
    assert (
        f"本报告未列出的检查结果：逾期履行 {s['fulfilled_late']}、待履行 {s['pending']}、"
        f"已履行 {s['fulfilled']}、不适用 {s['not_applicable']}（--only 只列出：未履行）"
    ) in text
    listed = text.split("== 检查结果清单 ==", 1)[1]
    assert listed.count("✗ [未履行]") == s["violated"]
    assert "✓ [已履行]" not in listed and "[待履行]" not in listed
    _, md, _ = check(
        capsys, str(EXAMPLE), "--format", "markdown", "--lang", "en", "--only", "pending"
    )
    assert "Findings not listed in this report: violated" in md
    assert md.count("| … pending |") == s["pending"]


@pytest.mark.parametrize(
    "args",
    [
        ("--only", "violated,late"),
        ("--only", "violated", "--format", "html"),
    ],
)
def test_bad_only_is_refused(args: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check(capsys, str(EXAMPLE), *args)
    assert code == 2 and out == ""
    assert "hz_usage_bad_only" in err


def test_text_summaries_come_first(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = check(capsys, str(EXAMPLE), "--lang", "en")
    order = [
        out.index("Summary:"),
        out.index("Assessment scores:"),
        out.index("Findings by article:"),
        out.index(
            "Answering units (and jurisdictions no one answers for): violated, late and pending "
            "(worst first):"
        ),
        out.index("Answering people: violated, late and pending (worst first):"),
        out.index("== Findings =="),
    ]
    assert order == sorted(order)
    people = out.split("Answering people: violated, late and pending (worst first):\n", 1)[1]
    rows = people.split("\n\n", 1)[0].splitlines()
    violated = [int(r.split("violated ")[1].split()[0]) if "violated " in r else 0 for r in rows]
    assert violated == sorted(violated, reverse=True) and violated[0] > 0


def test_explain_reads_fact_tables(tables: Path, capsys: pytest.CaptureFixture[str]) -> None:
    finding = "art016.river_chief_half_yearly_inspection/p-zhao-wenbo/2021-H2"
    outs = []
    for source in (EXAMPLE, tables):
        code = main(["explain", finding, str(source), "--as-of", AS_OF, "--lang", "en"])
        out, err = capsys.readouterr()
        assert code == 0 and err == ""
        outs.append(out)
    assert outs[0] == outs[1]
    assert finding in outs[0]
