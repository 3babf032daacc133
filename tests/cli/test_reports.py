"""Every report format of the example audit, opened and checked for content.

html with an HTML parser (the browser check is in test_browser.py), xlsx with openpyxl,
markdown as text, json against the published JSON Schema (junit: test_junit.py).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest

import hezhang_rules as hz
from hezhang_rules.cli import main
from hezhang_rules.report.i18n import TINT

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
WEIGHTS = Path(__file__).resolve().parent / "data" / "weights.yaml"
AS_OF = "2022-01-10"
ZHAO = "art016.river_chief_half_yearly_inspection/p-zhao-wenbo/2021-H2"
HOUSING_LATE = "art034.department_results_by_december_5/u-housing/2021"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example audit written once in every format (zh, and html/xlsx also in en)."""
    d = tmp_path_factory.mktemp("reports")
    paths = {}
    for fmt, lang in [
        ("json", "zh"),
        ("html", "zh"),
        ("html", "en"),
        ("xlsx", "zh"),
        ("xlsx", "en"),
        ("markdown", "zh"),
    ]:
        p = d / f"report.{lang}.{fmt}"
        args = ["check", str(EXAMPLE), "--as-of", AS_OF, "--format", fmt, "--output", str(p)]
        assert main([*args, "--lang", lang]) == 1
        paths[f"{fmt}.{lang}"] = p
    return paths


@pytest.fixture(scope="module")
def report(out: dict[str, Path]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(out["json.zh"].read_text(encoding="utf-8"))
    return data


# --- json ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        ["--as-of", "2021-07-01"],
        ["--as-of", "2022-01-10", "--lang", "en"],
        ["--as-of", "2022-12-31", "--param", "art034.results_due_inclusive=false"],
    ],
)
def test_json_reports_validate_against_the_published_schema(
    extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", str(EXAMPLE), "--format", "json", *extra])
    data = json.loads(capsys.readouterr().out)
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["summary"]["total"] == len(data["findings"]) > 0


# --- html ---------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(text: str) -> list[tuple[str, dict[str, str | None]]]:
    p = _Tags()
    p.feed(text)
    return p.tags


def _finding_block(text: str, finding_id: str) -> str:
    """A finding of the page's first page and its explanation (``data-k`` ↔ ``data-x``)."""
    m = re.search(
        rf'<tr class="row" data-k="(\d+)">(?:(?!</tr>).)*<div class="fid">'
        rf"{re.escape(finding_id)}</div>",
        text,
    )
    assert m is not None, f"no row for {finding_id} on the first page"
    row = text[m.start() : text.index("</tr>", m.end()) + 5]
    ex = text.split(f'<div data-x="{m.group(1)}">', 1)[1].split('<div data-x="', 1)[0]
    return row + ex


def test_html_is_one_self_contained_file(out: dict[str, Path]) -> None:
    text = out["html.zh"].read_text(encoding="utf-8")
    tags = _tags(text)
    for tag, attrs in tags:
        for name in ("src", "href", "action", "srcset", "poster"):
            value = attrs.get(name)
            assert value is None or value.startswith(("#", "data:")), (tag, name, value)
        assert not (tag == "link" and attrs.get("rel") == "stylesheet")
        assert not (tag == "script" and "src" in attrs)
    assert "@import" not in text and not re.search(r"url\((?!data:)", text)
    assert not re.search(r"https?://", text), "no network address anywhere in the page"
    assert [t for t, _ in tags].count("style") == 1
    scripts = [a.get("type") for t, a in tags if t == "script"]
    assert scripts == [None] or sorted(map(str, scripts)) == ["None", "application/octet-stream"]


def test_html_has_summary_matrix_scores_todo_findings_params_and_run(
    out: dict[str, Path], report: dict[str, Any]
) -> None:
    text = out["html.zh"].read_text(encoding="utf-8")
    tags = _tags(text)
    ids = [a.get("id") for _, a in tags if a.get("id")]
    for section in ("summary", "matrix", "scores", "todo", "findings", "params", "run"):
        assert section in ids
    s = report["summary"]
    assert f'<div class="card violated"><b>{s["violated"]}</b><span>未履行</span>' in text
    assert f'<div class="card total"><b>{s["total"]}</b>' in text
    # every finding of the example is in the embedded data; the first page is also HTML
    data = next(a for t, a in tags if t == "script" and a.get("id") == "findings-data")
    assert data["data-rows"] == str(s["total"])
    rows = [a for t, a in tags if t == "tr" and a.get("class") == "row"]
    assert len(rows) == min(100, s["total"])
    # The matrix: the 八家子河 district river chief skipped 2021-H2 (art. 16, district chiefs).
    cells = {(a.get("data-a"), a.get("data-c")): a.get("class") for t, a in tags if t == "td"}
    assert cells[("16", "district")] == "s-violated"
    assert cells[("34", "u-ecology")] == "s-pending"  # 2021 on time; the 2022 duty is pending
    assert "乡镇（街道）" in text and "部门" in text
    # Run record, in full.
    assert report["run"]["rules_digest"] in text and report["run"]["facts_digest"] in text
    assert "hezhang-rules 0.1.0" in text or f"hezhang-rules {hz.__version__}" in text


def test_html_findings_open_to_their_explanation(out: dict[str, Path]) -> None:
    text = out["html.zh"].read_text(encoding="utf-8")
    block = _finding_block(text, ZHAO)
    assert '<span class="badge violated">' in block
    assert "第十六条" in block  # the article's text
    assert "a-zhao-wenbo-rc" in block  # the deciding fact (his appointment)
    assert "art016.river_chief_min_inspections" in block and "解读" in block
    assert "巡查人为赵文博" in block  # what would have made it compliant
    late = _finding_block(text, HOUSING_LATE)
    assert "无需整改" in late and "ar-2021-housing" in late
    first_page = re.findall(r'<tr class="row" data-k="(\d+)">', text)
    assert all(f'<div data-x="{k}">' in text for k in first_page), (
        "every finding of the first page has its explanation"
    )


def test_html_in_english(out: dict[str, Path]) -> None:
    text = out["html.en"].read_text(encoding="utf-8")
    assert '<html lang="en">' in text and "Compliance report" in text
    assert "What would make it compliant" in text and "Townships" in text
    assert "未履行 " not in text.split("<main", 1)[1].split("<tbody", 1)[0]


# --- xlsx ---------------------------------------------------------------------------------------


def test_xlsx_sheets_and_findings(out: dict[str, Path], report: dict[str, Any]) -> None:
    wb = openpyxl.load_workbook(out["xlsx.zh"])
    assert wb.sheetnames == [
        "汇总",
        "单位矩阵",
        "单位汇总",
        "人员汇总",
        "待办事项",
        "检查结果",
        "参数",
        "运行记录",
    ]
    rows = list(wb["检查结果"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:5] == ("编号", "条", "规则", "规则名称", "状态")
    assert {r[0] for r in body} == {f["id"] for f in report["findings"]}
    by_id = {r[0]: r for r in body}
    assert by_id[HOUSING_LATE][4] == "逾期履行"
    assert by_id[HOUSING_LATE][13].date().isoformat() == "2021-12-05"  # a real date cell
    ws = wb["检查结果"]
    row = next(c.row for c in ws["A"] if c.value == ZHAO)
    assert ws.cell(row=row, column=5).fill.fgColor.rgb.endswith(TINT["violated"])
    summary = {r[0]: r[1] for r in wb["汇总"].iter_rows(values_only=True) if r[0]}
    assert summary["✗ 未履行"] == report["summary"]["violated"]
    assert summary["合计"] == report["summary"]["total"]


def test_xlsx_todo_sheet_is_sorted_by_due_date(
    out: dict[str, Path], report: dict[str, Any]
) -> None:
    wb = openpyxl.load_workbook(out["xlsx.zh"])
    rows = list(wb["待办事项"].iter_rows(values_only=True))[1:]
    pending = {f["id"]: f for f in report["findings"] if f["status"] == "pending"}
    soon = {i for i, f in pending.items() if f["due"] and f["due"] <= "2022-02-09"}
    assert {r[6] for r in rows} == soon  # due within the 30-day window
    dues = [r[0] for r in rows]
    assert dues == sorted(dues)
    for r in rows:
        assert r[0].date().isoformat() == pending[r[6]]["due"]
        assert r[1] <= 30


def test_xlsx_matrix_scores_parameters_and_run_record(
    out: dict[str, Path], report: dict[str, Any], plan: hz.Plan
) -> None:
    wb = openpyxl.load_workbook(out["xlsx.zh"])
    matrix = list(wb["单位矩阵"].iter_rows(values_only=True))
    col = matrix[0].index("第16条")
    district = next(r for r in matrix if r[0] == "区级")
    assert str(district[col]).startswith("✗")
    scores = list(wb["单位汇总"].iter_rows(min_row=3, values_only=True))
    assert scores[0][:3] == ("归属", "类别", "得分")
    names = {r[0]: r for r in scores[1:]}
    assert {"河西镇", "乌龙坝镇", "清河门街道", "新华街道", "区级"} <= set(names)
    assert all(r[2] is None or 0 <= r[2] <= 100 for r in scores[1:])
    # equal weights: fulfilled 1, late 0.5, violated 0, over the decided findings (art. 28's
    # joint meetings of 2021, held once, are the police branch's one breach)
    credit = {"fulfilled": 1.0, "fulfilled_late": 0.5, "violated": 0.0}
    police = [
        credit[f["status"]]
        for f in report["findings"]
        if f["holder"]["id"] == "u-police" and f["status"] in credit
    ]
    assert 0.0 in police
    assert names["公安局清河门分局"][2] == round(100 * sum(police) / len(police), 1)
    params = list(wb["参数"].iter_rows(values_only=True))[1:]
    assert len(params) == len(plan.parameters)
    p = next(r for r in params if r[0] == "art016.general_chief_min_inspections")
    assert p[1] == "1" and p[5] == "总河长每年至少巡查1次" and "art016" in p[8]
    run = dict(wb["运行记录"].iter_rows(values_only=True))
    assert run["规则摘要 (sha256)"] == report["run"]["rules_digest"]
    assert run["事实摘要 (sha256)"] == report["run"]["facts_digest"]
    assert run["检查基准日"] == AS_OF and run["程序版本"].startswith("hezhang-rules ")


def test_xlsx_in_english(out: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(out["xlsx.en"])
    assert wb.sheetnames[:5] == ["Summary", "Matrix", "Units", "Holders", "To do"]
    header = next(wb["Findings"].iter_rows(max_row=1, values_only=True))
    assert header[4] == "status"


# --- markdown -----------------------------------------------------------------------------------


def test_markdown_has_scores_run_record_and_parameters(
    out: dict[str, Path], report: dict[str, Any]
) -> None:
    text = out["markdown.zh"].read_text(encoding="utf-8")
    assert "\n## 考核得分\n" in text and "\n## 运行记录\n" in text and "\n## 参数\n" in text
    assert re.search(r"^\| 河西镇 \| 乡镇（街道） \| \d+\.\d \|", text, re.M)
    assert report["run"]["facts_digest"] in text
    assert "| `art016.general_chief_min_inspections` | `1` (条文规定) |" in text


def test_weights_change_the_scores(tmp_path: Path) -> None:
    def score(extra: list[str]) -> str:
        p = tmp_path / "r.md"
        main(
            [
                "check",
                str(EXAMPLE),
                "--as-of",
                AS_OF,
                "--format",
                "markdown",
                "--output",
                str(p),
                *extra,
            ]
        )
        text = p.read_text(encoding="utf-8")
        m = re.search(r"^\| 乌龙坝镇 \| 乡镇（街道） \| ([\d.]+) \|", text, re.M)
        assert m is not None
        return m.group(1)

    equal, weighted = score([]), score(["--weights", str(WEIGHTS)])
    assert equal != weighted
