"""`explain`, `todo`, the weights file, binary output and the progress bar, as auditors run them."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from hezhang_rules.cli import main
from hezhang_rules.report.safe import markdown_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
WEIGHTS = Path(__file__).resolve().parent / "data" / "weights.yaml"
AS_OF = "2022-01-10"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    o, e = capsys.readouterr()
    return code, o, e


def explain(finding_id: str, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code, o, e = run(["explain", finding_id, str(EXAMPLE), "--as-of", AS_OF, *extra], capsys)
    assert code == 0 and e == ""
    return o


# --- explain ------------------------------------------------------------------------------------


def test_explain_a_violated_count(capsys: pytest.CaptureFixture[str]) -> None:
    o = explain("art016.river_chief_half_yearly_inspection/p-zhao-wenbo/2021-H2", capsys)
    assert "状态: 未履行" in o
    assert "规则: art016.river_chief_half_yearly_inspection — 河长每半年至少巡查1次" in o
    assert "第十六条　为全面推行河长制工作" in o  # the article's text
    assert "责任主体: 赵文博 (人员 p-zhao-wenbo) · 归属: 区级" in o
    assert "期间: 2021-H2 (2021-07-01 至 2021-12-31) · 截止日: 2021-12-31" in o
    assert "  - a-zhao-wenbo-rc · 任职" in o and "职务: 河长" in o  # deciding fact, glossary word
    assert "  - art016.river_chief_min_inspections = 1" in o
    assert "解读: 每名河长每半年至少巡查1次。" in o  # the reading in Chinese
    assert "  - art016.chief_levels = 区级" in o  # an enumerated parameter value, in words
    assert "理由: " in o
    assert (
        "怎样才算合规: 本应在2021-07-01至2021-12-31之间（含）有至少1条巡查记录：巡查人为赵文博" in o
    )


def test_explain_a_fulfilled_deadline(capsys: pytest.CaptureFixture[str]) -> None:
    o = explain("art034.department_results_by_december_5/u-ecology/2021", capsys)
    assert "状态: 已履行" in o and "怎样才算合规" not in o
    assert "  - ar-2021-ecology · 考核结果 · 2021-12-05" in o
    assert "报送日期: 2021-12-05" in o and "正式文件: 是" in o
    assert "art034.results_due_inclusive = 是" in o


def test_explain_a_pending_response(capsys: pytest.CaptureFixture[str]) -> None:
    o = explain("art019.rectification_report_timely/u-xinhua-st/op-2022-001", capsys)
    assert "状态: 待履行" in o
    assert "  - op-2022-001 · 整改意见" in o
    assert (
        "怎样才算合规: 一条整改报告记录：所答复意见为op-2022-001，报送主体为新华街道办事处，"
        "报送对象与触发记录的出具单位一致，报送日期在2022-01-06至2022-01-31之间（含）。" in o
    )
    assert "已逾期" not in o


def test_explain_evidence_and_english(capsys: pytest.CaptureFixture[str]) -> None:
    o = explain("art018.inspection_record_elements/p-han-xue/insp-2021-012", capsys)
    assert "怎样才算合规: 记录insp-2021-012须更正，消除以下问题：缺少巡查地点。" in o
    o = explain(
        "art034.department_results_by_december_5/u-natural-resources/2021", capsys, "--lang", "en"
    )
    assert "Status: violated" in o and "Article text (Art. 34" in o
    assert "with submitted on or before 2021-12-05" in o
    assert "It is overdue: delivering it now makes the finding fulfilled late." in o


def test_explain_unknown_finding_exits_2_with_a_suggestion(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, o, e = run(
        [
            "explain",
            "art034.department_results_by_december_5/u-ecolgy/2021",
            str(EXAMPLE),
            "--as-of",
            AS_OF,
        ],
        capsys,
    )
    assert code == 2 and o == ""
    assert e.startswith("<command line>: hz_usage_unknown_finding: no finding")
    assert "help: did you mean `art034.department_results_by_december_5/u-ecology/2021`?" in e
    code, o, e = run(["explain", "nothing/like/this", str(EXAMPLE), "--as-of", AS_OF], capsys)
    assert code == 2 and o == "" and "hz_usage_unknown_finding" in e and "--format json" in e


# --- todo ---------------------------------------------------------------------------------------


def _pending(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    main(["check", str(EXAMPLE), "--as-of", AS_OF, "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    return {f["id"]: f["due"] for f in report["findings"] if f["status"] == "pending"}


def test_todo_lists_every_pending_obligation_and_flags_the_window(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pending = _pending(capsys)
    soon = {i for i, due in pending.items() if due <= "2022-02-09"}  # as-of + 30 days
    assert soon, "the example has obligations due within 30 days"
    code, o, _ = run(["todo", str(EXAMPLE), "--as-of", AS_OF], capsys)
    assert code == 0
    assert f"共{len(pending)}项，其中{len(soon)}项在30天内到期" in o
    for finding_id in pending:
        assert finding_id in o
    flagged = [line for line in o.splitlines() if line.startswith("  ⚠ ")]
    assert len(flagged) == 2 * len(soon)  # once in the due-soon list, once under its holder
    assert "== 乡镇（街道） · 乌龙坝镇 ==" in o and "== 区级 ==" in o
    code, o, _ = run(["todo", str(EXAMPLE), "--as-of", AS_OF, "--within", "0"], capsys)
    assert "  ⚠ " not in o


def test_todo_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, o, _ = run(
        ["todo", str(EXAMPLE), "--as-of", AS_OF, "--format", "json", "--within", "90"], capsys
    )
    doc = json.loads(o)
    dues = [i["due"] for i in doc["items"]]
    assert code == 0 and dues == sorted(dues) and doc["within_days"] == 90
    assert all(i["due_soon"] == (i["days_left"] <= 90) for i in doc["items"])
    assert any(i["group"] == "department" for i in doc["items"])


def test_todo_bad_window_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, o, e = run(["todo", str(EXAMPLE), "--as-of", AS_OF, "--within", "soon"], capsys)
    assert code == 2 and o == "" and "hz_usage_bad_days" in e


# --- weights file -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, code, where, hint",
    [
        (
            "weights:\n  art016.general_chief_anual_inspection: 2\n",
            "hz_weights_unknown_rule",
            "2:3",
            "did you mean `art016.general_chief_annual_inspection`?",
        ),
        ("weights:\n  art099: 2\n", "hz_weights_unknown_article", "2:3", None),
        ("weights:\n  art016: -1\n", "hz_weights_bad_value", "2:11", None),
        ("weights:\n  art016: yes\n", "hz_weights_bad_value", "2:11", None),
        ("late_credit: 2\n", "hz_weights_bad_value", "1:14", None),
        ("defaults: 1\n", "hz_weights_unknown_key", "1:1", "did you mean `default`?"),
        ("weights: [art016]\n", "hz_weights_bad_value", "1:10", None),
        ("weights:\n  art016: 1\n  art016: 2\n", "hz_load_duplicate_key", "3:3", None),
    ],
)
def test_bad_weights_file_is_located_and_nothing_is_written(
    text: str,
    code: str,
    where: str,
    hint: str | None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    w = tmp_path / "w.yaml"
    w.write_text(text, encoding="utf-8")
    out = tmp_path / "report.xlsx"
    rc, o, e = run(
        [
            "check",
            str(EXAMPLE),
            "--as-of",
            AS_OF,
            "--format",
            "xlsx",
            "--weights",
            str(w),
            "--output",
            str(out),
        ],
        capsys,
    )
    assert rc == 2 and o == ""
    assert f"{w}:{where}: {code}: " in e, e
    if hint:
        assert f"help: {hint}" in e
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.yaml"]


def test_missing_weights_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, e = run(
        ["check", str(EXAMPLE), "--as-of", AS_OF, "--weights", str(tmp_path / "none.yaml")], capsys
    )
    assert rc == 2 and "hz_weights_no_such_file" in e


def test_example_weights_file_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    rc, o, e = run(
        [
            "check",
            str(EXAMPLE),
            "--as-of",
            AS_OF,
            "--format",
            "markdown",
            "--weights",
            str(WEIGHTS),
        ],
        capsys,
    )
    # the path as Markdown shows it (a checkout under a folder named with `_` escapes it)
    assert rc == 1 and e == "" and f"权重：{markdown_text(str(WEIGHTS))}" in o


# --- binary output, atomically ------------------------------------------------------------------


def test_xlsx_is_written_atomically_and_a_failed_run_leaves_the_old_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.xlsx"
    rc, o, _ = run(
        ["check", str(EXAMPLE), "--as-of", AS_OF, "--format", "xlsx", "--output", str(out)], capsys
    )
    assert rc == 1 and o == ""
    data = out.read_bytes()
    assert data[:2] == b"PK" and [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]
    rc, _, _ = run(
        ["check", str(EXAMPLE), "--as-of", "2022-02-30", "--format", "xlsx", "--output", str(out)],
        capsys,
    )
    assert rc == 2 and out.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


# --- progress bar -------------------------------------------------------------------------------


def _check_cmd(tmp_path: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "hezhang_rules.cli",
        "check",
        str(EXAMPLE),
        "--as-of",
        AS_OF,
        "--format",
        "html",
        "--output",
        str(tmp_path / "r.html"),
    ]


def test_no_progress_output_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    proc = subprocess.run(_check_cmd(tmp_path), capture_output=True, check=False)
    assert proc.returncode == 1 and proc.stderr == b"" and proc.stdout == b""


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(_check_cmd(tmp_path), stderr=slave, stdout=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=60) == 1
    seen = b"".join(chunks).decode("utf-8", "replace")
    assert "━" in seen or "评估" in seen or "读取" in seen, seen[:500]
    assert (tmp_path / "r.html").exists()
