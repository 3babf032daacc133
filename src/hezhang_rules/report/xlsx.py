"""The spreadsheet report (openpyxl): summary, findings, to-do, matrix, scores, parameters, run.

The file is byte-identical for the same inputs: document times are the as-of date, and the zip
entries carry a fixed timestamp.

Every cell is written by :func:`_put`, which makes fact text safe to open (docs/report.md, "Safe
to open"): text that a spreadsheet would read as a formula is stored as a string cell with the
quote-prefix style, characters XML cannot hold are replaced (:mod:`hezhang_rules.report.safe`),
and text longer than a cell can hold is cut with a visible note. A report with more rows or
columns than a sheet can hold is refused (exit 2), never written as a file Excel must repair.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]
from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]

from hezhang_rules.compile.plan import Plan
from hezhang_rules.diagnostics import Diagnostic, Span, UsageError
from hezhang_rules.findings import STATUSES, Report
from hezhang_rules.report.context import AuditContext
from hezhang_rules.report.i18n import (
    GROUP,
    MARK,
    REQUIREMENT,
    SEVERITY,
    TINT,
    article_titles,
    basis_name,
    due_supplied,
    pack_title,
    status_name,
)
from hezhang_rules.report.matrix import build_matrix
from hezhang_rules.report.record import param_rows, run_rows
from hezhang_rules.report.safe import holdable
from hezhang_rules.report.table import FindingsTable
from hezhang_rules.report.todo import todo_items
from hezhang_rules.report.weights import Weights, formula, scores

SHEETS = {
    "zh": ("汇总", "检查结果", "待办事项", "条款矩阵", "考核得分", "参数", "运行记录"),
    "en": ("Summary", "Findings", "To do", "Matrix", "Scores", "Parameters", "Run record"),
}
_H: dict[str, dict[str, Any]] = {
    "zh": {
        "findings": (
            "编号",
            "条",
            "规则",
            "规则名称",
            "状态",
            "性质",
            "要求类型",
            "责任主体",
            "主体编号",
            "归属",
            "期间",
            "开始",
            "结束",
            "截止日",
            "依据",
            "说明",
            "所用参数",
            "规则位置",
            "期限来源",
        ),
        "todo": ("截止日", "剩余天数", "预警", "责任主体", "归属", "条", "说明", "编号"),
        "scores": ("归属", "类别", "得分", "已判定（件）"),
        "params": (
            "参数",
            "取值",
            "默认值",
            "本次改用",
            "条",
            "原文",
            "解读",
            "理由",
            "使用的规则",
            "取值来源",
        ),
        "summary": ("条", "条款"),
        "status": "状态",
        "count": "件数",
        "total": "合计",
        "as_of": "检查基准日",
        "report": "合规检查报告",
        "article": "条款",
        "soon": "⚠ {n}天内到期",
        "yes": "是",
        "no": "",
    },
    "en": {
        "findings": (
            "id",
            "article",
            "rule",
            "rule title",
            "status",
            "severity",
            "requirement",
            "holder",
            "holder id",
            "counted under",
            "period",
            "start",
            "end",
            "due",
            "evidence",
            "message",
            "parameters",
            "source",
            "due basis",
        ),
        "todo": (
            "due",
            "days left",
            "warning",
            "holder",
            "counted under",
            "article",
            "message",
            "id",
        ),
        "scores": ("counted under", "group", "score", "decided"),
        "params": (
            "parameter",
            "value",
            "default",
            "overridden",
            "article",
            "reads",
            "reading",
            "reason",
            "used by",
            "basis",
        ),
        "summary": ("article", "title"),
        "status": "status",
        "count": "findings",
        "total": "total",
        "as_of": "As of",
        "report": "Compliance report",
        "article": "article",
        "soon": "⚠ due within {n} days",
        "yes": "yes",
        "no": "",
    },
}
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DCE4EF")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

MAX_ROWS = 1_048_576
"""Rows in one Excel sheet (the header row included)."""
MAX_COLUMNS = 16_384
"""Columns in one Excel sheet (XFD)."""
MAX_CELL_CHARS = 32_767
"""Characters in one Excel cell, counted in UTF-16 code units as Excel counts them."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""First characters that make a spreadsheet read typed or imported text as a formula.

OWASP's CSV-injection list (``= + - @``, tab, carriage return), line feed, and their full-width
forms (＝ ＋ － ＠), which East Asian input methods type and some spreadsheets accept.
"""
_CUT = {
    "zh": "…（已截断：全文{n}字符，完整内容见JSON报告）",
    "en": "… (cut: {n} characters in all; the JSON report has the whole text)",
}


def _utf16_len(text: str) -> int:
    if len(text) <= MAX_CELL_CHARS // 2:  # even all astral, it fits
        return len(text)
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def cell_text(text: str, lang: str) -> str:
    """``text`` as one cell can hold it: holdable characters, at most MAX_CELL_CHARS long.

    A carriage return becomes a line feed: a cell breaks lines with LF, and XML reading turns a
    raw CR into LF anyway (OOXML's ``_x000D_`` escape is read back verbatim by openpyxl).
    """
    text = holdable(text).replace("\r\n", "\n").replace("\r", "\n")
    if _utf16_len(text) <= MAX_CELL_CHARS:
        return text
    note = _CUT[lang].format(n=len(text))
    budget, units, keep = MAX_CELL_CHARS - len(note), 0, 0  # the note is in the BMP
    for char in text:
        units += 2 if ord(char) > 0xFFFF else 1
        if units > budget:
            break
        keep += 1
    return text[:keep] + note


def _put(ws: Worksheet, row: int, column: int, value: Any, lang: str) -> Any:
    """Write one cell. Text is always a string cell, never a formula, and shows unchanged.

    openpyxl stores text starting with ``=`` as a formula; the cell's type is set back to string.
    Text that a spreadsheet would re-read as a formula when edited or exported (FORMULA_STARTS)
    gets the quote-prefix style: Excel and LibreOffice show it as it is and keep it text.
    """
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        text = cell_text(value, lang)
        cell.value = text
        cell.data_type = "s"
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


_WHAT_ZH = {"rows": "行", "columns": "列"}


def _too_large(what: str, count: int, limit: int) -> UsageError:
    return UsageError(
        [
            Diagnostic(
                "hz_usage_xlsx_too_large",
                f"the xlsx report would need {count} {what} in one sheet; a sheet holds {limit}",
                Span("<command line>"),
                help="write --format jsonl or --format parquet for an audit this large",
                zh=f"xlsx 报告的一张表需要 {count} {_WHAT_ZH.get(what, what)}；一张表最多 {limit}",
                help_zh="这么大的审计请用 --format jsonl 或 --format parquet",
            )
        ]
    )


def _fill(status: str) -> PatternFill:
    return PatternFill("solid", fgColor=TINT[status])  # type: ignore[index]


def _table(
    ws: Worksheet,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[int],
    lang: str,
    start_row: int = 1,
    wrap: Sequence[int] = (),
) -> None:
    for c, name in enumerate(header, 1):
        cell = _put(ws, start_row, c, name, lang)
        cell.font, cell.fill = _BOLD, _HEAD_FILL
    for r, row in enumerate(rows, start_row + 1):
        for c, value in enumerate(row, 1):
            cell = _put(ws, r, c, value, lang)
            cell.alignment = _WRAP if c in wrap else _TOP
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for c, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    last = get_column_letter(len(header))
    ws.auto_filter.ref = f"A{start_row}:{last}{start_row + max(len(rows), 1)}"
    ws.freeze_panes = ws.cell(row=start_row + 1, column=1)


def _summary(ws: Worksheet, report: Report, plan: Plan, lang: str, title: str) -> None:
    h = _H[lang]
    _put(ws, 1, 1, f"{title} — {h['report']}", lang).font = Font(bold=True, size=14)
    _put(ws, 2, 1, f"{h['as_of']}: {report.as_of.isoformat()}", lang)
    _put(ws, 4, 1, h["status"], lang).font = _BOLD
    _put(ws, 4, 2, h["count"], lang).font = _BOLD
    for i, s in enumerate(STATUSES, 5):
        _put(ws, i, 1, f"{MARK[s]} {status_name(s, lang)}", lang).fill = _fill(s)
        _put(ws, i, 2, getattr(report.summary, s), lang)
    _put(ws, 10, 1, h["total"], lang).font = _BOLD
    _put(ws, 10, 2, report.summary.total, lang).font = _BOLD
    titles = article_titles(plan, lang)
    per: dict[int, dict[str, int]] = {}
    for f in report.findings:
        per.setdefault(f.article, {}).setdefault(f.status, 0)
        per[f.article][f.status] += 1
    rows = [
        [n, titles.get(n, ""), *(per[n].get(s, 0) for s in STATUSES), sum(per[n].values())]
        for n in sorted(per)
    ]
    header = [*h["summary"], *(status_name(s, lang) for s in STATUSES), h["total"]]
    _table(ws, header, rows, [8, 34, 10, 10, 10, 10, 10, 10], lang, start_row=12)
    for r, row in enumerate(rows, 13):
        for c, s in enumerate(STATUSES, 3):
            if row[c - 1] and s in ("violated", "fulfilled_late"):
                ws.cell(row=r, column=c).fill = _fill(s)


def _findings(ws: Worksheet, report: Report, plan: Plan, ctx: AuditContext, lang: str) -> None:
    titles = {r.id: (r.title.zh if lang == "zh" else r.title.en) for r in plan.rules}
    rows = []
    for f in sorted(
        report.findings,
        key=lambda f: (f.article, STATUSES.index(f.status), f.rule_id, f.holder.id, f.id),
    ):
        rows.append(
            [
                f.id,
                f.article,
                f.rule_id,
                titles.get(f.rule_id, ""),
                status_name(f.status, lang),
                SEVERITY[lang][f.severity],
                REQUIREMENT[lang][f.requirement],
                f.holder.name,
                f.holder.id,
                ctx.holder(f.holder).column_name,
                f.period.label,
                f.period.start,
                f.period.end,
                f.due,
                ", ".join(f.evidence),
                f.message.zh if lang == "zh" else f.message.en,
                ", ".join(f.parameters),
                f.source,
                due_supplied(f, lang),
            ]
        )
    _table(
        ws,
        _H[lang]["findings"],
        rows,
        [44, 6, 36, 30, 10, 10, 10, 14, 16, 14, 11, 11, 11, 11, 28, 70, 30, 30, 40],
        lang,
        wrap=(16,),
    )
    for r, f in enumerate(
        sorted(
            report.findings,
            key=lambda f: (f.article, STATUSES.index(f.status), f.rule_id, f.holder.id, f.id),
        ),
        2,
    ):
        ws.cell(row=r, column=5).fill = _fill(f.status)


def _todo(ws: Worksheet, table: FindingsTable, ctx: AuditContext, lang: str, within: int) -> None:
    h = _H[lang]
    items = todo_items(table, ctx.holders, within)
    rows = [
        [
            t.due,
            t.days_left,
            h["soon"].format(n=within) if t.soon else h["no"],
            t.finding.holder.name,
            t.holder.column_name,
            t.finding.article,
            t.finding.message.zh if lang == "zh" else t.finding.message.en,
            t.finding.id,
        ]
        for t in items
    ]
    _table(ws, h["todo"], rows, [12, 10, 16, 14, 16, 6, 80, 48], lang, wrap=(7,))
    for r, t in enumerate(items, 2):
        if t.soon:
            for c in range(1, 4):
                ws.cell(row=r, column=c).fill = PatternFill("solid", fgColor="FFF3C4")


def _matrix(ws: Worksheet, report: Report, plan: Plan, ctx: AuditContext, lang: str) -> None:
    m = build_matrix(report, ctx)
    if len(m.columns) + 1 > MAX_COLUMNS:
        raise _too_large("columns", len(m.columns) + 1, MAX_COLUMNS)
    titles = article_titles(plan, lang)
    _put(ws, 1, 1, _H[lang]["article"], lang).font = _BOLD
    for c, col in enumerate(m.columns, 2):
        top = _put(ws, 1, c, GROUP[lang][col.group], lang)
        top.font, top.fill = _BOLD, _HEAD_FILL
        cell = _put(ws, 2, c, col.column_name, lang)
        cell.font, cell.fill = _BOLD, _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="bottom")
        ws.column_dimensions[get_column_letter(c)].width = 11
    ws.column_dimensions["A"].width = 34
    for r, a in enumerate(m.articles, 3):
        prefix = f"第{a}条" if lang == "zh" else f"Art. {a}"
        _put(ws, r, 1, f"{prefix} {titles.get(a, '')}", lang)
        for c, col in enumerate(m.columns, 2):
            cell = m.cell(a, col.column)
            if cell is None or cell.worst is None:
                continue
            text = f"{MARK[cell.worst]}{cell.counts[cell.worst]}/{cell.total}"
            out = _put(ws, r, c, text, lang)
            out.fill = _fill(cell.worst)
            out.alignment = Alignment(horizontal="center")
    ws.freeze_panes = "B3"


def _scores(ws: Worksheet, report: Report, ctx: AuditContext, weights: Weights, lang: str) -> None:
    rows = []
    for sc in scores(report, ctx, weights):
        decided = sum(sc.counts.get(s, 0) for s in ("fulfilled", "fulfilled_late", "violated"))
        rows.append(
            [
                sc.column.column_name,
                GROUP[lang][sc.column.group],
                sc.score,
                decided,
                *(sc.counts.get(s, 0) for s in STATUSES),
            ]
        )
    header = [*_H[lang]["scores"], *(status_name(s, lang) for s in STATUSES)]
    _table(ws, header, rows, [24, 14, 10, 12, 10, 10, 10, 10, 10], lang, start_row=3)
    _put(ws, 1, 1, formula(weights, lang), lang).alignment = Alignment(wrap_text=False)
    for r in range(4, 4 + len(rows)):
        ws.cell(row=r, column=3).number_format = "0.0"


def _params(ws: Worksheet, plan: Plan, lang: str) -> None:
    h = _H[lang]
    rows = [
        [
            p.name,
            p.value,
            p.default,
            h["yes"] if p.overridden else h["no"],
            p.article,
            p.reads,
            p.reading,
            p.reason,
            ", ".join(p.rules),
            basis_name(p.basis, lang),
        ]
        for p in param_rows(plan)
    ]
    _table(ws, h["params"], rows, [40, 24, 24, 9, 6, 40, 60, 60, 50, 24], lang, wrap=(6, 7, 8, 9))


def _run(ws: Worksheet, report: Report, plan: Plan, weights: Weights, lang: str) -> None:
    for r, (k, v) in enumerate(run_rows(report, plan, lang, weights.source), 1):
        _put(ws, r, 1, k, lang).font = _BOLD
        _put(ws, r, 2, v, lang)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 80


def _normalise(data: bytes) -> bytes:
    """Re-zip with a fixed timestamp on every entry, so the same workbook gives the same bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def render_xlsx(
    report: Report,
    plan: Plan,
    ctx: AuditContext,
    weights: Weights,
    lang: str = "zh",
    within: int = 30,
) -> bytes:
    title = pack_title(plan, lang)
    if len(report.findings) + 1 > MAX_ROWS:
        raise _too_large("rows", len(report.findings) + 1, MAX_ROWS)
    wb = Workbook()
    names = SHEETS[lang]
    first = wb.active
    assert first is not None
    first.title = names[0]
    sheets = [first, *(wb.create_sheet(n) for n in names[1:])]
    _summary(sheets[0], report, plan, lang, title)
    _findings(sheets[1], report, plan, ctx, lang)
    _todo(sheets[2], FindingsTable.of_report(report, plan), ctx, lang, within)
    _matrix(sheets[3], report, plan, ctx, lang)
    _scores(sheets[4], report, ctx, weights, lang)
    _params(sheets[5], plan, lang)
    _run(sheets[6], report, plan, weights, lang)
    stamp = dt.datetime(report.as_of.year, report.as_of.month, report.as_of.day)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "hezhang-rules"
    wb.properties.title = cell_text(
        f"{title} — {_H[lang]['report']} {report.as_of.isoformat()}", lang
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    return _normalise(buf.getvalue())
