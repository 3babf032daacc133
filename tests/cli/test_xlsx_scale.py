"""The xlsx report at any size: findings split across sheets before the row limit, a capped
listing says what it left out, native charts, and the long tables written as sheet XML stay
safe to open.

The row limit is a parameter of :func:`render_xlsx` (Excel's 1,048,576 by default): the tests
use 50, so the example district (393 findings) needs several findings sheets and runs in
seconds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest

import hezhang_rules as hz
from hezhang_rules.findings import STATUSES
from hezhang_rules.report import xlsx
from hezhang_rules.report.context import build_context
from hezhang_rules.report.i18n import TINT
from hezhang_rules.report.rollup import todo_frame
from hezhang_rules.report.table import FindingsTable
from hezhang_rules.report.weights import EQUAL

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
AS_OF = dt.date(2022, 1, 10)
ROWS = 50


@pytest.fixture(scope="module")
def audit() -> tuple[hz.Plan, hz.Report, Any]:
    plan = hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))
    facts = hz.load_facts([EXAMPLE])
    report = hz.evaluate(plan, facts, AS_OF)
    return plan, report, build_context(facts, report, "zh")


def _book(audit: tuple[hz.Plan, hz.Report, Any], lang: str = "zh", rows: int = ROWS) -> Any:
    plan, report, ctx = audit
    data = xlsx.render_xlsx(
        FindingsTable.of_report(report, plan), plan, ctx, EQUAL, lang, 30, max_rows=rows
    )
    return openpyxl.load_workbook(io.BytesIO(data))


def _worst_first(report: hz.Report) -> list[str]:
    return [
        f.id
        for f in sorted(
            report.findings,
            key=lambda f: (STATUSES.index(f.status), f.article, f.rule_id, f.holder.id, f.id),
        )
    ]


def test_findings_continue_on_new_sheets_before_the_row_limit(
    audit: tuple[hz.Plan, hz.Report, Any],
) -> None:
    _, report, _ = audit
    wb = _book(audit)
    parts = [n for n in wb.sheetnames if n.startswith("检查结果")]
    assert len(parts) == -(-len(report.findings) // (ROWS - 1)) > 1
    assert parts[:2] == ["检查结果", "检查结果 (2)"]
    ids = []
    for name in parts:
        ws = wb[name]
        assert ws.max_row <= ROWS
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0][:5] == ("编号", "条", "规则", "规则名称", "状态")
        ids += [r[0] for r in rows[1:]]
    assert ids == _worst_first(report)  # every finding once, worst first
    ws = wb["检查结果"]
    assert ws.cell(row=2, column=5).value == "未履行"
    assert ws.cell(row=2, column=5).fill.fgColor.rgb.endswith(TINT["violated"])
    late = next(f for f in report.findings if f.status == "fulfilled_late" and f.due)
    for name in parts:
        hit = [r for r in wb[name].iter_rows(values_only=True) if r[0] == late.id]
        if hit:
            assert hit[0][13].date() == late.due  # a real date cell
            break
    else:
        raise AssertionError("the late finding is listed")
    assert wb["检查结果"].freeze_panes == "A2"


def test_summary_has_native_charts_and_counts(audit: tuple[hz.Plan, hz.Report, Any]) -> None:
    _, report, _ = audit
    wb = _book(audit)
    ws = wb["汇总"]
    charts = ws._charts
    assert len(charts) == 3
    assert all(c.tagname == "barChart" for c in charts)
    values = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0]}
    assert values["✗ 未履行"] == report.summary.violated
    assert values["合计"] == report.summary.total
    assert wb.sheetnames[:5] == ["汇总", "单位矩阵", "单位汇总", "人员汇总", "待办事项"]
    units = list(wb["单位汇总"].iter_rows(min_row=3, values_only=True))
    assert units[0][:3] == ("归属", "类别", "得分")
    assert {"河西镇", "乌龙坝镇", "区级"} <= {r[0] for r in units[1:]}
    violated = [r[4] for r in units[1:]]
    assert violated == sorted(violated, reverse=True)  # worst first


def test_a_capped_listing_says_how_many_and_where_the_rest_are(
    audit: tuple[hz.Plan, hz.Report, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, report, _ = audit
    s = report.summary
    actionable = s.violated + s.fulfilled_late + s.pending
    monkeypatch.setattr(xlsx, "LIST_MAX", actionable - 10)
    wb = _book(audit, rows=xlsx.MAX_ROWS)
    listed = list(wb["检查结果"].iter_rows(min_row=2, values_only=True))
    assert len(listed) == actionable - 10
    assert {r[4] for r in listed} <= {"未履行", "逾期履行", "待履行"}
    notes = [r[0] for r in wb["汇总"].iter_rows(max_row=6, values_only=True) if r and r[0]]
    text = "\n".join(str(n) for n in notes)
    assert f"超出列表上限（{actionable - 10}项）的10项" in text
    assert f"已履行{s.fulfilled}项" in text and "parquet" in text


def test_to_do_never_lists_a_prohibition(audit: tuple[hz.Plan, hz.Report, Any]) -> None:
    """A pending prohibition (``forbid``: nothing forbidden has happened yet) is no to-do; a
    pending duty due within the window is. The pack has no ``forbid`` rule yet, so one pending
    finding is made a prohibition in the table."""
    plan, report, _ = audit
    pending = sorted(
        (f for f in report.findings if f.status == "pending" and f.due is not None),
        key=lambda f: (f.due, f.id),
    )
    assert len(pending) > 1
    made = pending[0].id
    base = FindingsTable.of_report(report, plan)
    table = dataclasses.replace(
        base,
        frame=base.frame.with_columns(
            pl.when(pl.col("id") == made)
            .then(pl.lit("forbid"))
            .otherwise(pl.col("requirement"))
            .alias("requirement")
        ),
    )
    todo = todo_frame(table, 365)
    wanted = {
        f.id
        for f in pending
        if f.id != made and f.due is not None and f.due <= AS_OF + dt.timedelta(days=365)
    }
    assert wanted and set(todo.get_column("id")) == wanted
    dues = todo.get_column("due").to_list()
    assert dues == sorted(dues)
    wb = _book(audit)
    rows = list(wb["待办事项"].iter_rows(min_row=2, values_only=True))
    within = {f.id for f in pending if f.due is not None and f.due <= AS_OF + dt.timedelta(days=30)}
    assert {r[6] for r in rows} == within
    assert all(r[1] == (r[0].date() - AS_OF).days <= 30 for r in rows)


def test_long_tables_keep_fact_text_safe(audit: tuple[hz.Plan, hz.Report, Any]) -> None:
    """Text the sheet XML writer gets from facts: a formula stays text with the quote prefix,
    markup is escaped, controls are replaced."""
    plan, report, ctx = audit
    hostile = '=HYPERLINK("x")<b>&\x07'
    findings = [
        f.model_copy(update={"holder": f.holder.model_copy(update={"name": hostile})})
        for f in report.findings
    ]
    changed = report.model_copy(update={"findings": findings})
    data = xlsx.render_xlsx(FindingsTable.of_report(changed, plan), plan, ctx, EQUAL, "zh", 30)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["检查结果"]
    cell = ws.cell(row=2, column=8)
    assert cell.value == '=HYPERLINK("x")<b>&\u2407'
    assert cell.data_type == "s" and cell.quotePrefix


def test_english_workbook(audit: tuple[hz.Plan, hz.Report, Any]) -> None:
    wb = _book(audit, "en")
    assert wb.sheetnames[:2] == ["Summary", "Matrix"] and "Findings" in wb.sheetnames
    header = next(wb["Findings"].iter_rows(max_row=1, values_only=True))
    assert header[4] == "status"
