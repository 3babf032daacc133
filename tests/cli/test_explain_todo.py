"""`explain`, `todo`, the weights file, binary output and progress, as auditors run them."""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import hezhang_rules as hz
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
    """Only the one-line summary of the report written (cli/summary.py), nothing else."""
    proc = subprocess.run(_check_cmd(tmp_path), capture_output=True, check=False)
    assert proc.returncode == 1 and proc.stdout == b""
    err = proc.stderr.decode("utf-8")
    assert err.startswith(f"已写出 {tmp_path / 'r.html'}：未履行 ") and err.count("\n") == 1
    assert "\r" not in err and "\x1b" not in err


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


def test_todo_progress_on_a_terminal_counts_rules_and_rows(world: Path, tmp_path: Path) -> None:
    """On fact tables ``todo`` shows the rows read and the rules evaluated (n of N)."""
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "160"}
    env.pop("NO_COLOR", None)
    out = tmp_path / "todo.txt"
    cmd = [sys.executable, "-m", "hezhang_rules.cli", "todo", str(world), "--as-of", AS_OF]
    proc = subprocess.Popen(
        [*cmd, "--output", str(out)], stderr=slave, stdout=subprocess.DEVNULL, env=env
    )
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
    assert proc.wait(timeout=300) == 0
    seen = b"".join(chunks).decode("utf-8", "replace")
    rules = len(hz.compile_rules(hz.load_pack()).rules)
    assert re.search(rf"评估规则 \d+/{rules}", seen), seen[-500:]
    assert re.search(r"已读 [\d,]+ 行（\d+ 张表）", seen), seen[-500:]
    assert out.read_text(encoding="utf-8").startswith("待办事项")


# --- progress: the engine's and the loader's callbacks, the plain line ----------------------------


def test_evaluate_tables_tells_each_rule_once() -> None:
    from hezhang_rules.columnar import evaluate_tables
    from hezhang_rules.facts.tables import Tables

    plan = hz.compile_rules(hz.load_pack())
    done: list[str] = []
    lock = threading.Lock()

    def tell(rule_id: str) -> None:
        with lock:
            done.append(rule_id)

    tables = Tables.from_facts(hz.load_facts([EXAMPLE]))
    evaluate_tables(plan, tables, dt.date(2022, 1, 10), on_rule=tell)
    assert sorted(done) == sorted(r.id for r in plan.rules)


def test_load_tables_tells_each_table_and_its_rows(world: Path) -> None:
    from hezhang_rules.columnar import load_tables

    read: dict[str, int] = {}
    tables = load_tables([world], on_table=lambda kind, rows: read.__setitem__(kind, rows))
    assert read == {kind: tables.frame(kind).height for kind in tables.frames}
    assert read["inspections"] > 1000


def test_progress_line_without_rich(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without rich: one plain line rewritten in place, erased at the end."""
    import importlib.util

    from hezhang_rules.cli import progress

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "rich" else real(name, *a)
    )
    monkeypatch.setattr(progress, "_EVERY", 0.0)
    with progress.progress_for("zh", enabled=True) as shown:
        shown.table_read("people", 1200)
        shown.table_read("inspections", 1_000_000)
        shown.evaluating(3)
        for rule in ("a", "b", "c"):
            shown.rule_done(rule)
        shown.writing()
    err = capsys.readouterr().err
    drawn = err.split("\r\x1b[2K")
    assert drawn[-1] == ""  # erased at the end
    assert any(d.startswith("读取事实 · 已读 1,001,200 行（2 张表）") for d in drawn)
    assert any(d.startswith("评估规则 2/3 · 已读 1,001,200 行（2 张表） · ") for d in drawn)
    assert any(d.startswith("生成报告 · ") for d in drawn)
    assert "\n" not in err


def test_no_progress_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    from hezhang_rules.cli.progress import progress_for

    with progress_for("en") as shown:  # standard error is captured: not a terminal
        shown.evaluating(2)
        shown.rule_done("a")
    assert capsys.readouterr().err == ""


# --- prohibitions are never to-dos --------------------------------------------------------------

PROHIBITION = """
  - id: art016.no_inspection_by_other_means
    title: {zh: 河长不得以其他方式巡查, en: River chiefs do not inspect by other means}
    clause: 河长每半年至少巡查1次
    modality: prohibition
    severity: mandatory
    holder:
      post:
        roles: [river_chief]
    requires:
      type: forbid
      facts: inspections
      bind: {inspector: holder}
      where: [{field: method, equals: other}]
      per: year
"""
PROHIBITION_ID = "art016.no_inspection_by_other_means"


@pytest.fixture(scope="module")
def forbidding_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled pack with a prohibition added (the bundled one states none as ``forbid``):
    in the year under way it is pending for every river chief."""
    pack = tmp_path_factory.mktemp("pack") / "qinghemen"
    shutil.copytree(
        ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen",
        pack,
        ignore=shutil.ignore_patterns("cases", "example", "__pycache__"),
    )
    rule_file = pack / "art_016.yaml"
    text = rule_file.read_text(encoding="utf-8")
    assert "\nunchecked:" in text
    rule_file.write_text(text.replace("\nunchecked:", PROHIBITION + "\nunchecked:", 1), "utf-8")
    return pack


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from hezhang_rules.synth import generate

    folder = tmp_path_factory.mktemp("world") / "w"
    generate(300, 2021, 11, folder, "parquet")
    return folder


@pytest.mark.parametrize("facts", ["example", "world"])
def test_a_pending_prohibition_is_never_a_to_do(
    facts: str,
    forbidding_pack: Path,
    world: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = str(EXAMPLE if facts == "example" else world)
    common = [source, "--as-of", AS_OF, "--rules", str(forbidding_pack)]
    main(["check", *common, "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    pending = [f for f in report["findings"] if f["status"] == "pending"]
    prohibited = [f for f in pending if f["rule_id"] == PROHIBITION_ID]
    assert prohibited and all(f["modality"] == "prohibition" for f in prohibited)
    assert "发现0项禁止事项" in prohibited[0]["message"]["zh"]  # what the issue saw as a to-do
    code, o, _ = run(["todo", *common, "--format", "json"], capsys)
    items = json.loads(o)["items"]
    assert code == 0
    assert {i["id"] for i in items} == {f["id"] for f in pending if f not in prohibited}
    code, o, _ = run(["todo", *common], capsys)
    assert PROHIBITION_ID not in o and "发现0项禁止事项" not in o
    assert f"共{len(items)}项" in o
    assert "禁止性规定不列为待办" in o  # and the reader is told why


def test_report_to_do_sections_leave_prohibitions_out(forbidding_pack: Path) -> None:
    """HTML and xlsx list ``todo_items``: no prohibition there either."""
    from hezhang_rules.report.context import build_context
    from hezhang_rules.report.table import FindingsTable
    from hezhang_rules.report.todo import todo_items

    plan = hz.compile_rules(hz.load_rules(forbidding_pack))
    facts = hz.load_facts([EXAMPLE])
    report = hz.evaluate(plan, facts, dt.date(2022, 1, 10))
    assert any(f.rule_id == PROHIBITION_ID and f.status == "pending" for f in report.findings)
    ctx = build_context(facts, report)
    items = todo_items(FindingsTable.of_report(report, plan), ctx.holders, 30)
    want = [f.id for f in report.findings if f.status == "pending" and f.rule_id != PROHIBITION_ID]
    assert sorted(t.finding.id for t in items) == sorted(want)
    assert [t.due for t in items] == sorted(t.due or dt.date.max for t in items)


def test_junit_gives_a_prohibition_no_deadline(
    forbidding_pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pending prohibition is skipped (counted as the summary counts it) with no "截止": the
    end of its period is no deadline anyone has to meet."""
    import xml.etree.ElementTree as ET

    args = [str(EXAMPLE), "--as-of", AS_OF, "--rules", str(forbidding_pack), "--format", "junit"]
    main(["check", *args])
    root = ET.fromstring(capsys.readouterr().out)
    mine = [c for c in root.iter("testcase") if (c.get("name") or "").startswith(PROHIBITION_ID)]
    messages = [s.get("message") or "" for c in mine if (s := c.find("skipped")) is not None]
    pending = [m for m in messages if m.startswith("待履行：")]
    assert pending and all("发现0项禁止事项" in m and "截止" not in m for m in pending), pending


# --- check --output: one line says what was written -----------------------------------------------


@pytest.mark.parametrize(("fmt", "lang"), [("jsonl", "en"), ("markdown", "zh")])
def test_check_output_says_what_it_wrote(
    fmt: str, lang: str, world: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The streamed path (fact tables to jsonl) and the rendered one both print the line."""
    out = tmp_path / f"r.{fmt}"
    args = ["check", str(world), "--as-of", AS_OF, "--format", fmt, "--lang", lang]
    code, o, e = run([*args, "--output", str(out)], capsys)
    assert code == 1 and o == ""
    main(["check", str(world), "--as-of", AS_OF, "--format", "json"])
    s = json.loads(capsys.readouterr().out)["summary"]
    if lang == "en":
        want = (
            rf"wrote {re.escape(str(out))}: violated {s['violated']} · fulfilled late "
            rf"{s['fulfilled_late']} · pending {s['pending']} · fulfilled {s['fulfilled']} · "
            rf"not applicable {s['not_applicable']} · total {s['total']} · \d+\.\d s\n"
        )
    else:
        want = (
            rf"已写出 {re.escape(str(out))}：未履行 {s['violated']} · 逾期履行 "
            rf"{s['fulfilled_late']} · 待履行 {s['pending']} · 已履行 {s['fulfilled']} · "
            rf"不适用 {s['not_applicable']} · 合计 {s['total']} · 用时 \d+\.\d 秒\n"
        )
    assert re.fullmatch(want, e), e
    assert out.stat().st_size > 0
    code, o, e = run(args, capsys)  # to standard output: the report alone, nothing on stderr
    assert code == 1 and e == "" and o
