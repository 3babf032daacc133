"""Stated or supplied deadlines (legal review C, docs/readings.md): `basis` on numbers and dates,
checked by lint, carried by findings due by a supplied one and shown by every report format."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

import hezhang_rules as hz
from hezhang_rules.cli import main
from hezhang_rules.columnar import Tables, evaluate_tables
from hezhang_rules.report.render import render_report

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
AS_OF = dt.date(2022, 1, 10)
LINE = re.compile(r"^(?P<file>\S+?):(?P<line>\d+):(?P<col>\d+): (?P<code>hz_\w+): (?P<msg>.*)$")


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    ignored = shutil.ignore_patterns("cases", "example", "__pycache__")
    shutil.copytree(
        ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen",
        tmp_path / "qinghemen",
        ignore=ignored,
    )
    return tmp_path / "qinghemen"


def _lint(pack: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[tuple[object, ...]]]:
    code = main(
        [
            "lint",
            str(pack),
            "--cases",
            str(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "cases"),
        ]
    )
    err = capsys.readouterr().err
    found = [
        (Path(m["file"]).name, int(m["line"]), int(m["col"]), m["code"], m["msg"])
        for m in (LINE.match(x) for x in err.splitlines())
        if m
    ]
    return code, found


def _line_of(path: Path, needle: str) -> tuple[int, int]:
    text = path.read_text(encoding="utf-8")
    i = text.index(needle)
    return text.count("\n", 0, i) + 1, i - text.rfind("\n", 0, i)


def test_a_date_without_basis_is_refused(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    art = pack / "art_028.yaml"
    text = art.read_text(encoding="utf-8")
    marked = "  liaison_list_due:\n    type: date\n    basis: supplied\n"
    assert marked in text
    art.write_text(text.replace(marked, "  liaison_list_due:\n    type: date\n"), "utf-8")
    code, found = _lint(pack, capsys)
    assert code == 2
    line, col = _line_of(art, "liaison_list_due:")
    assert [f[:4] for f in found] == [("art_028.yaml", line, col, "hz_lint_parameter_basis")]
    assert "art028.liaison_list_due" in str(found[0][4])


def test_a_pack_number_without_basis_is_refused(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = pack / "pack.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    basis: supplied\n", "", 1), "utf-8")
    code, found = _lint(pack, capsys)
    assert code == 2
    line, col = _line_of(path, "partial_tenure_min_days:")
    assert [f[:4] for f in found] == [("pack.yaml", line, col, "hz_lint_parameter_basis")]


def test_basis_on_a_reading_that_is_no_number_is_refused(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    art = pack / "art_019.yaml"
    text = art.read_text(encoding="utf-8")
    old = "  main_problem_flags:\n    type: values\n"
    assert old in text
    art.write_text(text.replace(old, old + "    basis: stated\n"), "utf-8")
    code, found = _lint(pack, capsys)
    assert code == 2
    line, col = _line_of(art, "    basis: stated\n    value: [true")
    assert [f[:4] for f in found] == [("art_019.yaml", line, col + 4, "hz_lint_parameter_basis")]


def test_an_unknown_basis_is_a_schema_error(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    art = pack / "art_028.yaml"
    text = art.read_text(encoding="utf-8")
    art.write_text(text.replace("basis: supplied", "basis: invented", 1), "utf-8")
    code, found = _lint(pack, capsys)
    assert code == 2
    assert found and all(f[0] == "art_028.yaml" for f in found)


@pytest.fixture(scope="module")
def plan() -> hz.Plan:
    return hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))


@pytest.fixture(scope="module")
def facts() -> hz.FactSet:
    return hz.load_facts([EXAMPLE])


def _engines(plan: hz.Plan, facts: hz.FactSet) -> dict[str, hz.Report]:
    return {
        "batch": hz.evaluate(plan, facts, AS_OF),
        "columnar": evaluate_tables(plan, Tables.from_facts(facts), AS_OF).to_report(),
    }


def test_findings_say_when_the_pack_supplied_their_due_date(
    plan: hz.Plan, facts: hz.FactSet
) -> None:
    for engine, report in _engines(plan, facts).items():
        marked = {f.rule_id: f.details.get("due_supplied") for f in report.findings}
        # a supplied date (art. 28's liaison list) and a stated one (art. 34's 12月5日前)
        liaison = report.by_rule("art028.liaison_list_filed")
        assert liaison and all(
            f.details["due_supplied"] == "art028.liaison_list_due" for f in liaison
        ), engine
        results = report.by_rule("art034.department_results_by_december_5")
        assert results and all("due_supplied" not in f.details for f in results), engine
        assert marked.get("art016.river_chief_half_yearly_inspection") is None, engine
        # a response is marked only where the days counted, not where the opinion set a deadline
        reports = report.by_rule("art019.rectification_report_timely")
        for f in reports:
            opinion = facts.get(f.subject or "")
            stated = getattr(opinion, "deadline", None)
            expected = None if stated is not None else "art019.report_days"
            assert f.details.get("due_supplied") == expected, (engine, f.id)
        assert {f.details.get("due_supplied") for f in reports} == {
            None,
            "art019.report_days",
        }, engine


def test_not_applicable_findings_carry_no_mark(plan: hz.Plan, facts: hz.FactSet) -> None:
    report = hz.evaluate(plan, facts, dt.date(2021, 1, 5))
    na = [f for f in report.findings if f.status == "not_applicable"]
    assert na and all("due_supplied" not in f.details for f in na)


@pytest.mark.parametrize(
    ("fmt", "lang", "words"),
    [
        ("text", "zh", "期限由规则包补充，条文未规定：art019.report_days"),
        ("text", "en", "deadline supplied by the pack, not by the text: art019.report_days"),
        ("markdown", "zh", "期限由规则包补充，条文未规定：art019.report_days"),
        ("html", "en", "deadline supplied by the pack, not by the text: art019.report_days"),
        ("junit", "zh", "期限由规则包补充，条文未规定：art019.report_days"),
    ],
)
def test_every_format_marks_a_supplied_deadline(
    plan: hz.Plan, facts: hz.FactSet, fmt: str, lang: str, words: str
) -> None:
    report = hz.evaluate(plan, facts, AS_OF)
    out = render_report(report, plan, fmt, lang)
    assert isinstance(out, str)
    assert words in out
    # a finding due by a date the text states (art. 34's 12月5日前) is not marked
    stated = next(
        f
        for f in report.by_rule("art034.department_results_by_december_5")
        if f.status in ("violated", "fulfilled_late")
    )
    if fmt != "html":  # the other formats give a finding's due date on its id's line
        line = next(x for x in out.splitlines() if stated.id in x)
        assert str(stated.due) in line
        assert "规则包补充" not in line and "supplied by the pack" not in line


def test_xlsx_has_a_due_basis_column(plan: hz.Plan, facts: hz.FactSet) -> None:
    report = hz.evaluate(plan, facts, AS_OF)
    data = render_report(report, plan, "xlsx", "en")
    assert isinstance(data, bytes)
    ws = load_workbook(io.BytesIO(data))["Findings"]
    header = [c.value for c in ws[1]]
    col = header.index("due basis")
    by_id = {row[0]: row[col] for row in ws.iter_rows(min_row=2, values_only=True)}
    liaison = report.by_rule("art028.liaison_list_filed")[0]
    assert by_id[liaison.id] == (
        "deadline supplied by the pack, not by the text: art028.liaison_list_due"
    )
    results = report.by_rule("art034.department_results_by_december_5")[0]
    assert by_id[results.id] in (None, "")


def test_parameter_tables_say_where_a_number_comes_from(plan: hz.Plan, facts: hz.FactSet) -> None:
    report = hz.evaluate(plan, facts, AS_OF)
    md = render_report(report, plan, "markdown", "en")
    assert isinstance(md, str)
    rows = {line.split(" | ")[0]: line for line in md.splitlines() if line.startswith("| `")}
    assert "(supplied by the pack, not by the text)" in rows["| `art028.liaison_list_due`"]
    assert "(stated by the text)" in rows["| `art034.results_due`"]
    assert "stated" not in rows["| `art019.main_problem_flags`"]
    data = render_report(report, plan, "xlsx", "zh")
    assert isinstance(data, bytes)
    sheet = next(ws for ws in load_workbook(io.BytesIO(data)).worksheets if ws.title == "参数")
    assert [c.value for c in sheet[1]][-1] == "取值来源"
    basis = {row[0]: row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert basis["art037.township_measures_due"] == "规则包补充，条文未规定"
    assert basis["in_force"] == "条文规定"
    assert basis["art016.chief_levels"] in (None, "")
