"""The spreadsheet report: the summaries with native charts, then the long tables, at any size.

Sheets: 汇总 (totals, counts by article, by group and the worst units, with three native bar
charts), 单位矩阵 (units × articles), 单位汇总 (score and counts per unit), 人员汇总 (counts per
holder), 待办事项 (pending duties due within the warning window, never a prohibition), 检查结果
(the findings, worst first, over as many sheets as they need), 参数, 运行记录. Every summary
is a group-by over the findings table (:mod:`.rollup`).

Speed: openpyxl writes the small sheets and the charts in write-only mode. The long tables
(findings, holders, to-do) are written as sheet XML by polars string expressions, a batch of
rows at a time, straight into the zip: openpyxl's cell-by-cell writer does some 3,000 rows a
second, far too slow for a province. openpyxl still writes a placeholder for each of these
sheets, holding one row of styled cells; the styles it registered for them (header, date, quote
prefix, a fill per status) are read back from that row, so the workbook's style table stays
openpyxl's own.

Size: a sheet holds ``max_rows`` rows (Excel's 1,048,576 by default), header included; a table
longer than that continues on the next sheet (检查结果, 检查结果 (2), …). The findings sheets
hold every violated, late and pending finding, and the fulfilled and not-applicable ones while
the listing stays within :data:`LIST_MAX` rows (:func:`~.rollup.listed_statuses`); the summary
sheet says what is listed and that the jsonl and Parquet reports hold every finding.

Safe to open (docs/report.md): text that a spreadsheet would read as a formula is a string
cell with the quote-prefix style, characters XML cannot hold are replaced
(:mod:`hezhang_rules.report.safe`), and text longer than a cell can hold is cut with a visible
note. The file is byte-identical for the same inputs: document times are the as-of date, and
the zip entries carry a fixed timestamp.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.chart import BarChart, Reference  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]

from hezhang_rules.compile.plan import Plan
from hezhang_rules.findings import STATUSES, Report
from hezhang_rules.report.changes import Since, cells, headline, since_words
from hezhang_rules.report.changes import columns as change_columns
from hezhang_rules.report.context import AuditContext
from hezhang_rules.report.i18n import (
    COLOUR,
    GROUP,
    GROUPS,
    HOLDER_KIND,
    MARK,
    REQUIREMENT,
    SEVERITY,
    SUPPLIED,
    TINT,
    article_heading,
    basis_name,
    pack_title,
    status_name,
)
from hezhang_rules.report.record import param_rows, run_rows
from hezhang_rules.report.rollup import (
    ACTIONABLE,
    HOLDER_ID,
    Rollup,
    column_expr,
    listed_statuses,
    listing,
    overlay_article,
    rollup,
    todo_frame,
)
from hezhang_rules.report.safe import holdable
from hezhang_rules.report.table import FindingsTable, answerer
from hezhang_rules.report.waivers import WORDS as WAIVER_WORDS
from hezhang_rules.report.waivers import columns as waiver_columns
from hezhang_rules.report.waivers import waiver_rows
from hezhang_rules.report.weights import Weights, formula

MAX_ROWS = 1_048_576
"""Rows in one Excel sheet (the header row included)."""
MAX_CELL_CHARS = 32_767
"""Characters in one Excel cell, counted in UTF-16 code units as Excel counts them."""
SINCE_MAX = 50_000
"""Changes listed at most on the "since the last run" sheet (written cell by cell by openpyxl);
the ``diff`` command lists them all."""
LIST_MAX = 2_000_000
"""Findings listed at most (two full sheets): more is for the jsonl and Parquet reports."""
BATCH = 50_000
"""Rows turned into sheet XML at a time."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""First characters that make a spreadsheet read typed or imported text as a formula.

OWASP's CSV-injection list (``= + - @``, tab, carriage return), line feed, and their full-width
forms (＝ ＋ － ＠), which East Asian input methods type and some spreadsheets accept.
"""
_CUT = {
    "zh": "…（已截断：全文{n}字符，完整内容见JSON报告）",
    "en": "… (cut: {n} characters in all; the JSON report has the whole text)",
}
_UNHOLDABLE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\r]"
"""What :func:`cell_text` changes (besides length): a polars test finds the rare cells."""

SHEETS = {
    "zh": {
        "summary": "汇总",
        "matrix": "单位矩阵",
        "units": "单位汇总",
        "holders": "人员汇总",
        "todo": "待办事项",
        "findings": "检查结果",
        "params": "参数",
        "run": "运行记录",
    },
    "en": {
        "summary": "Summary",
        "matrix": "Matrix",
        "units": "Units",
        "holders": "Holders",
        "todo": "To do",
        "findings": "Findings",
        "params": "Parameters",
        "run": "Run record",
    },
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
            "规则位置",
            "豁免",
            "负责人或负责单位",
            "负责人编号",
            "负责依据",
            "期限来源",
            "条文版本",
        ),
        "todo": ("截止日", "剩余天数", "责任主体", "归属", "条", "说明", "编号"),
        "units": ("归属", "类别", "得分", "已判定（件）"),
        "holders": ("负责人或负责单位", "编号", "类型", "归属"),
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
        "unit": "单位",
        "group": "类别",
        "article": "条款",
        "yes": "是",
        "no": "",
        "chart_article": "各条款未履行、逾期履行和待履行的件数",
        "chart_group": "各类别的检查结果",
        "chart_unit": "问题最多的单位",
        "worst": "问题最多的单位",
        "listed": "“检查结果”表列出{statuses}，共{n}项（{sheets}张表）。",
        "left_out": "未列出：{parts}；全部检查结果见 jsonl 或 Parquet 报告"
        "（--format jsonl / parquet）。",
        "count_of": "{name}{n}项",
        "cut": "超出列表上限（{cap}项）的{n}项",
        "todo_note": "{n}天内（至{last}）到期的待履行义务；禁止性规定不列入待办。",
        "sep": "、",
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
            "source",
            "waiver",
            "answerable",
            "answerable id",
            "answers by",
            "due basis",
            "article version",
        ),
        "todo": ("due", "days left", "holder", "counted under", "article", "message", "id"),
        "units": ("counted under", "group", "score", "decided"),
        "holders": ("answerable", "answerable id", "kind", "counted under"),
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
        "unit": "unit",
        "group": "group",
        "article": "article",
        "yes": "yes",
        "no": "",
        "chart_article": "Violated, late and pending findings by article",
        "chart_group": "Findings by group",
        "chart_unit": "Units with most violations",
        "worst": "Units with most violations",
        "listed": "The Findings sheets list {statuses}: {n} findings ({sheets} sheets).",
        "left_out": "Not listed: {parts}; the jsonl and Parquet reports hold every finding "
        "(--format jsonl / parquet).",
        "count_of": "{name} {n}",
        "cut": "{n} beyond the listing's limit of {cap}",
        "todo_note": "Pending duties due within {n} days (by {last}); prohibitions are never "
        "to-dos.",
        "sep": ", ",
    },
}
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DCE4EF")
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CHART_UNITS = 20
_NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


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


def _cell(ws: Any, value: Any, lang: str, **style: Any) -> Any:
    """One write-only cell. Text is always a string cell, never a formula, and shows unchanged:
    text a spreadsheet would re-read as a formula gets the quote-prefix style."""
    if isinstance(value, str):
        text = cell_text(value, lang)
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def _fill(status: str) -> PatternFill:
    return PatternFill("solid", fgColor=TINT[status])  # type: ignore[index]


def _header(ws: Any, names: Sequence[str], lang: str) -> list[Any]:
    return [_cell(ws, n, lang, font=_BOLD, fill=_HEAD_FILL) for n in names]


def _widths(ws: Any, widths: Sequence[int]) -> None:
    for c, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = width


# --- the long tables: sheet XML written by polars --------------------------------------------


@dataclass(frozen=True)
class Col:
    """A column of a long table: its header, its value, how it is written, its width."""

    header: str
    value: pl.Expr
    kind: str  # text, int, float, date
    width: int
    fill: pl.Expr | None = None  # a status: the cell takes its tint (none when null)


_STYLE_KEYS = ("plain", "head", "date", "quote", "decimal", *STATUSES)


def _prototype(ws: Any) -> list[Any]:
    """One row of cells styled as the long tables need (read back by :func:`_style_ids`)."""
    return [
        WriteOnlyCell(ws, value="."),
        _cell(ws, ".", "zh", font=_BOLD, fill=_HEAD_FILL),
        _cell(ws, dt.date(2000, 1, 1), "zh"),
        _cell(ws, "=", "zh"),
        _cell(ws, 0.5, "zh", number_format="0.0"),
        *(_cell(ws, ".", "zh", fill=_fill(s)) for s in STATUSES),
    ]


_C_TAG = re.compile(r"<c\b([^>]*)>")
_S_ATTR = re.compile(r'\bs="(\d+)"')


def _style_ids(sheet_xml: bytes) -> dict[str, str]:
    """The style index openpyxl gave each prototype cell, by key (``_STYLE_KEYS``)."""
    text = sheet_xml.decode("utf-8")
    tags = _C_TAG.findall(text)[: len(_STYLE_KEYS)]
    ids = []
    for attrs in tags:
        m = _S_ATTR.search(attrs)
        ids.append(m.group(1) if m else "0")
    return dict(zip(_STYLE_KEYS, ids, strict=True))


def _escaped(expr: pl.Expr) -> pl.Expr:
    return (
        expr.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )


_FORMULA_START = "^[" + "".join(re.escape(c) for c in FORMULA_STARTS) + "]"


def _cell_xml(col: Col, k: int, styles: dict[str, str]) -> pl.Expr:
    """One cell of every row, as XML (``<c/>`` when empty: cells carry no reference, so an
    empty one must still take its place)."""
    v = pl.col(f"c{k}")
    if col.kind == "text":
        text = v.cast(pl.String)
        style: pl.Expr = pl.lit(styles["plain"])
        if col.fill is not None:
            style = pl.col(f"f{k}").replace_strict(
                list(STATUSES),
                [styles[s] for s in STATUSES],
                default=pl.lit(styles["plain"]),
                return_dtype=pl.String,
            )
        style = (
            pl.when(text.str.contains(_FORMULA_START))
            .then(pl.lit(styles["quote"]))
            .otherwise(style)
        )
        escaped = (
            pl.when(text.str.contains_any(["&", "<", ">"]))
            .then(text.str.replace_many(["&", "<", ">"], ["&amp;", "&lt;", "&gt;"]))
            .otherwise(text)
        )
        body = pl.concat_str(
            [
                pl.lit('<c t="inlineStr" s="'),
                style,
                pl.lit('"><is><t xml:space="preserve">'),
                escaped,
                pl.lit("</t></is></c>"),
            ]
        )
    elif col.kind == "date":
        serial = (v - pl.lit(dt.date(1899, 12, 30))).dt.total_days().cast(pl.String)
        body = pl.concat_str([pl.lit(f'<c s="{styles["date"]}"><v>'), serial, pl.lit("</v></c>")])
    elif col.kind == "float":
        body = pl.concat_str(
            [pl.lit(f'<c s="{styles["decimal"]}"><v>'), v.cast(pl.String), pl.lit("</v></c>")]
        )
    else:
        body = pl.concat_str([pl.lit("<c><v>"), v.cast(pl.String), pl.lit("</v></c>")])
    return body.fill_null("<c/>")  # concat_str is null where the value is


def _safe_text(frame: pl.DataFrame, cols: Sequence[Col], lang: str) -> pl.DataFrame:
    """Text cells :func:`cell_text` would change (controls, CR, over-long): only where any."""
    for k, col in enumerate(cols):
        if col.kind != "text":
            continue
        name = f"c{k}"
        s = frame.get_column(name).cast(pl.String)
        bad = s.str.contains(_UNHOLDABLE) | (s.str.len_chars() > MAX_CELL_CHARS // 2)
        if bad.any():
            frame = frame.with_columns(
                pl.col(name)
                .cast(pl.String)
                .map_elements(lambda t: cell_text(t, lang), return_dtype=pl.String)
            )
    return frame


def _inline(text: str, style: str) -> str:
    body = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c t="inlineStr" s="{style}"><is><t xml:space="preserve">{body}</t></is></c>'


def _sheet_xml(
    t: LongTable,
    batches: Iterator[pl.DataFrame],
    rows: int,
    styles: dict[str, str],
    lang: str,
) -> Iterator[bytes]:
    """A worksheet's XML: the preamble lines, the header (frozen with the rows above it),
    widths, autofilter; ``batches`` hold the columns ``c0…`` and ``f0…`` (fills)."""
    cols = t.cols
    top = len(t.preamble) + 1  # the header's row
    last = f"{get_column_letter(len(cols))}{top + rows}"
    widths = "".join(
        f'<col min="{k}" max="{k}" width="{c.width}" customWidth="1"/>'
        for k, c in enumerate(cols, 1)
    )
    lines = "".join(
        f"<row>{_inline(cell_text(line, lang), styles['plain'])}</row>" for line in t.preamble
    )
    lines += "<row>" + "".join(_inline(c.header, styles["head"]) for c in cols) + "</row>"
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet {_NS}><dimension ref="A1:{last}"/><sheetViews>'
        f'<sheetView workbookViewId="0"><pane xSplit="{t.frozen_columns}" ySplit="{top}" '
        f'topLeftCell="{get_column_letter(t.frozen_columns + 1)}{top + 1}" '
        'activePane="bottomRight" state="frozen"/><selection pane="bottomRight"/></sheetView>'
        f'</sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols><sheetData>'
        f"{lines}"
    ).encode()
    row = pl.concat_str(
        [pl.lit("<row>"), *(_cell_xml(c, k, styles) for k, c in enumerate(cols)), pl.lit("</row>")]
    )
    for batch in batches:
        batch = _safe_text(batch, cols, lang)
        out = io.BytesIO()  # one row a line: polars' CSV writer, nothing quoted, is the fastest
        batch.select(row.alias("x")).write_csv(out, include_header=False, quote_style="never")
        yield out.getvalue()
    yield f'</sheetData><autoFilter ref="A{top}:{last}"/></worksheet>'.encode()


@dataclass
class LongTable:
    """A table written as sheet XML: its sheets' names, its columns, and its rows (lazy)."""

    name: str
    cols: Sequence[Col]
    frame: pl.LazyFrame  # columns c0… (values), f0… (fills)
    rows: int
    preamble: Sequence[str] = ()  # lines above the header
    frozen_columns: int = 0


def _parts(t: LongTable, max_rows: int) -> list[tuple[str, int, int]]:
    """(sheet name, first row, rows) of each sheet ``t`` needs: at least one."""
    per = max_rows - 1
    count = max(1, -(-t.rows // per))
    return [
        (t.name if k == 0 else f"{t.name} ({k + 1})", k * per, min(per, t.rows - k * per))
        for k in range(count)
    ]


def _batches(frame: pl.LazyFrame, start: int, rows: int) -> Iterator[pl.DataFrame]:
    part = frame.slice(start, rows).collect()
    yield from part.iter_slices(BATCH)


def _answer_basis(lang: str) -> pl.Expr:
    """The article whose reading chose the answerer, and when no person or unit answers."""
    basis = pl.col("answerable").struct.field("basis")
    article = basis.struct.field("article").cast(pl.String)
    cited = pl.format("第{}条" if lang == "zh" else "art. {}", article)
    vacant = "（空缺：无人负责）" if lang == "zh" else " (vacant: no one answers)"
    return pl.when(basis.struct.field("vacant")).then(cited + pl.lit(vacant)).otherwise(cited)


def _select(cols: Sequence[Col]) -> list[pl.Expr]:
    out = [c.value.alias(f"c{k}") for k, c in enumerate(cols)]
    out += [c.fill.alias(f"f{k}") for k, c in enumerate(cols) if c.fill is not None]
    return out


# --- the summaries (openpyxl, write-only) ------------------------------------------------------


def _summary(
    wb: Workbook, table: FindingsTable, plan: Plan, r: Rollup, lang: str, notes: list[str]
) -> None:
    h = _H[lang]
    ws = wb.create_sheet(SHEETS[lang]["summary"])
    _widths(ws, [30, 34, 10, 10, 10, 10, 10, 10, 3, 24, 10, 10, 10])
    title = pack_title(plan, lang)
    ws.append([_cell(ws, f"{title} — {h['report']}", lang, font=Font(bold=True, size=14))])
    ws.append([_cell(ws, f"{h['as_of']}: {table.as_of.isoformat()}", lang)])
    for note in notes:
        ws.append([_cell(ws, note, lang)])
    ws.append([])
    first = 4 + len(notes)  # the status table's header row
    ws.append(_header(ws, [h["status"], h["count"]], lang))
    for s in STATUSES:
        ws.append(
            [
                _cell(ws, f"{MARK[s]} {status_name(s, lang)}", lang, fill=_fill(s)),
                _cell(ws, int(getattr(table.summary, s)), lang),
            ]
        )
    ws.append([_cell(ws, h["total"], lang, font=_BOLD), _cell(ws, table.summary.total, lang)])
    ws.append([])
    # counts by article (rows), the worst units beside them (columns J-M)
    art_head = first + len(STATUSES) + 3
    articles = list(r.by_article.iter_rows(named=True))
    worst = [u for u in r.units if any(u.counts[s] for s in ACTIONABLE)][:_CHART_UNITS]
    groups = {row["group"]: row for row in r.by_group.iter_rows(named=True)}
    group_rows = [(GROUP[lang][g], groups[g]) for g in GROUPS if g in groups]
    header = [*h["summary"], *(status_name(s, lang) for s in STATUSES), h["total"]]
    side_head = [h["worst"], *(status_name(s, lang) for s in ACTIONABLE)]
    ws.append([*_header(ws, header, lang), None, *_header(ws, side_head, lang)])
    height = max(len(articles), len(worst) + len(group_rows) + 2)
    for k in range(height):
        line: list[Any] = [None] * 9
        if k < len(articles):
            a = articles[k]
            name, title = article_heading(plan, a["overlay"], a["article"], lang, short=True)
            line = [  # an overlay's article by its name: its numbers are its own
                _cell(ws, name if a["overlay"] else a["article"], lang),
                _cell(ws, title, lang),
                *(_cell(ws, int(a[s]), lang) for s in STATUSES),
                _cell(ws, int(a["total"]), lang),
                None,
            ]
        if k < len(worst):
            u = worst[k]
            line += [
                _cell(ws, u.info.column_name, lang),
                *(_cell(ws, u.counts[s], lang) for s in ACTIONABLE),
            ]
        elif k == len(worst) + 1:
            line += _header(ws, [h["group"], *(status_name(s, lang) for s in STATUSES)], lang)
        elif len(worst) + 2 <= k < len(worst) + 2 + len(group_rows):
            name, g = group_rows[k - len(worst) - 2]
            line += [_cell(ws, name, lang), *(_cell(ws, int(g[s]), lang) for s in STATUSES)]
        ws.append(line)
    _charts(ws, art_head, len(articles), len(worst), len(group_rows), lang)


def _bar(title: str, stacked: bool) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.style = 10
    if stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    chart.height, chart.width = 12, 18
    return chart


def _colour(chart: BarChart, statuses: Sequence[str]) -> None:
    for series, s in zip(chart.series, statuses, strict=False):
        series.graphicalProperties.solidFill = COLOUR[s]  # type: ignore[index]
        series.graphicalProperties.line.solidFill = COLOUR[s]  # type: ignore[index]


def _charts(ws: Any, head: int, articles: int, units: int, groups: int, lang: str) -> None:
    """Native bar charts over the summary sheet's tables (the header row ``head``)."""
    h = _H[lang]
    at = head + max(articles, units + groups + 2) + 3
    if articles:
        chart = _bar(h["chart_article"], stacked=True)
        data = Reference(ws, min_col=3, max_col=5, min_row=head, max_row=head + articles)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=head + articles))
        _colour(chart, ACTIONABLE)
        chart.height = max(8, articles * 0.55)
        ws.add_chart(chart, f"A{at}")
    if units:
        chart = _bar(h["chart_unit"], stacked=True)
        data = Reference(ws, min_col=11, max_col=13, min_row=head, max_row=head + units)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=10, min_row=head + 1, max_row=head + units))
        _colour(chart, ACTIONABLE)
        ws.add_chart(chart, f"J{at}")
    if groups:
        top = head + units + 2
        chart = _bar(h["chart_group"], stacked=True)
        data = Reference(ws, min_col=11, max_col=15, min_row=top, max_row=top + groups)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=10, min_row=top + 1, max_row=top + groups))
        _colour(chart, STATUSES)
        ws.add_chart(chart, f"J{at + 26}")


def _matrix_table(r: Rollup, plan: Plan, lang: str) -> LongTable:
    """Units (rows, worst first) × articles: the worst status of each cell, its count and the
    cell's total (``✗3/20``), tinted by the worst status. An overlay's article is a column of
    its own, headed by its name (``《河西镇河长制工作实施办法》第3条``)."""
    h = _H[lang]
    # each article's column key: ".3"; an overlay's: "hexi.3"
    column = pl.concat_str(pl.col("overlay"), pl.col("article").cast(pl.String), separator=".")
    articles = r.by_article.select(column).to_series().to_list()
    names = [
        article_heading(plan, o, a, lang, short=True)[0]
        for o, a in r.by_article.select("overlay", "article").iter_rows()
    ]
    worst = pl.coalesce([pl.when(pl.col(s) > 0).then(pl.lit(s)) for s in STATUSES])
    count = pl.coalesce([pl.when(pl.col(s) > 0).then(pl.col(s)) for s in STATUSES])
    cells = r.matrix.with_columns(
        worst.alias("w"),
        pl.concat_str(
            [
                worst.replace_strict(MARK, return_dtype=pl.String),
                count.cast(pl.String),
                pl.lit("/"),
                pl.col("total").cast(pl.String),
            ]
        ).alias("t"),
        column.alias("a"),
    )
    units = pl.DataFrame(
        {
            "unit": [u.info.column for u in r.units],
            "name": [u.info.column_name for u in r.units],
            "group": [GROUP[lang][u.info.group] for u in r.units],
            "tot": [
                " ".join(f"{MARK[s]}{u.counts[s]}" for s in ACTIONABLE if u.counts[s])
                for u in r.units
            ],
            "pos": list(range(len(r.units))),
        },
        schema={
            "unit": pl.String,
            "name": pl.String,
            "group": pl.String,
            "tot": pl.String,
            "pos": pl.Int64,
        },
    )
    frame = units
    for key, prefix in (("t", "t"), ("w", "w")):
        if cells.height:
            wide = cells.pivot(on="a", index="unit", values=key)
            wide = wide.rename({c: f"{prefix}{c}" for c in wide.columns if c != "unit"})
            frame = frame.join(wide, on="unit", how="left")
    for a in articles:
        for prefix in ("t", "w"):
            if f"{prefix}{a}" not in frame.columns:
                frame = frame.with_columns(pl.lit(None, pl.String).alias(f"{prefix}{a}"))
    cols = [
        Col(h["unit"], pl.col("name"), "text", 24),
        Col(h["group"], pl.col("group"), "text", 12),
        *(
            Col(name, pl.col(f"t{a}"), "text", 9, fill=pl.col(f"w{a}"))
            for a, name in zip(articles, names, strict=True)
        ),
        Col(h["total"], pl.col("tot"), "text", 16),
    ]
    lazy = frame.lazy().sort("pos").select(_select(cols))
    return LongTable(SHEETS[lang]["matrix"], cols, lazy, frame.height, frozen_columns=2)


def _units_table(r: Rollup, weights: Weights, lang: str) -> LongTable:
    """Each unit's score and counts, worst first; the scoring formula above the table."""
    h = _H[lang]
    data: dict[str, list[Any]] = {
        "name": [u.info.column_name for u in r.units],
        "group": [GROUP[lang][u.info.group] for u in r.units],
        "score": [u.score for u in r.units],
        "decided": [
            sum(u.counts[s] for s in ("fulfilled", "fulfilled_late", "violated")) for u in r.units
        ],
    }
    schema: dict[str, Any] = {
        "name": pl.String,
        "group": pl.String,
        "score": pl.Float64,
        "decided": pl.Int64,
    }
    for s in STATUSES:
        data[s] = [u.counts[s] for u in r.units]
        schema[s] = pl.Int64
    frame = pl.DataFrame(data, schema=schema)
    cols = [
        Col(h["units"][0], pl.col("name"), "text", 24),
        Col(h["units"][1], pl.col("group"), "text", 14),
        Col(h["units"][2], pl.col("score"), "float", 10),
        Col(h["units"][3], pl.col("decided"), "int", 12),
        *(Col(status_name(s, lang), pl.col(s), "int", 10) for s in STATUSES),
    ]
    return LongTable(
        SHEETS[lang]["units"],
        cols,
        frame.lazy().select(_select(cols)),
        frame.height,
        preamble=(formula(weights, lang), ""),
    )


def _params(wb: Workbook, plan: Plan, lang: str) -> None:
    h = _H[lang]
    ws = wb.create_sheet(SHEETS[lang]["params"])
    _widths(ws, [40, 24, 24, 9, 6, 40, 60, 60, 50, 24])
    ws.freeze_panes = "A2"
    ws.append(_header(ws, h["params"], lang))
    wrap = Alignment(wrap_text=True, vertical="top")
    for p in param_rows(plan, lang):
        values: list[Any] = [
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
        ws.append([_cell(ws, v, lang, alignment=wrap) for v in values])


def _since(wb: Workbook, since: Since, lang: str) -> None:
    """The "since the last run" sheet (``check --store``, docs/store.md): which run it compares
    with, the counts, then the changes (kind, finding, …, before, after; at most
    :data:`SINCE_MAX` rows, the ``diff`` command lists them all)."""
    w = since_words(lang)
    ws = wb.create_sheet(w["since"][:31])
    changes = since.changes
    if changes is None:
        ws.append([_cell(ws, w["since_none"], lang)])
        return
    _widths(ws, [14, 30, 10, 24, 24, 16, 12, 14, 14])
    before = changes.before
    note = w["since_note"].format(a=before.label(lang), a_as_of=before.as_of)
    ws.append([_cell(ws, note, lang)])
    for line in headline(changes, lang)[1:]:
        ws.append([_cell(ws, line, lang, font=_BOLD)])
    ws.append([])
    ws.append(_header(ws, [w["change"], *change_columns(lang)], lang))
    for row in changes.rows.head(SINCE_MAX).iter_rows(named=True):
        values = [w[str(row["change"])], *cells(row, lang)]
        ws.append([_cell(ws, v, lang) for v in values])
    left = changes.rows.height - min(changes.rows.height, SINCE_MAX)
    if left:
        ws.append([_cell(ws, w["more"].format(n=left), lang)])


def _run(wb: Workbook, table: FindingsTable, plan: Plan, weights: Weights, lang: str) -> None:
    ws = wb.create_sheet(SHEETS[lang]["run"])
    _widths(ws, [24, 80])
    header = Report(as_of=table.as_of, run=table.run, summary=table.summary, findings=[])
    for k, v in run_rows(header, plan, lang, weights.source):
        ws.append([_cell(ws, k, lang, font=_BOLD), _cell(ws, v, lang)])
    if table.waivers:  # the waivers (docs/waivers.md) below the run record
        ws.append([])
        ws.append([_cell(ws, WAIVER_WORDS[lang]["title"], lang, font=_BOLD)])
        ws.append(_header(ws, waiver_columns(lang), lang))
        for r in waiver_rows(table.waivers, lang):
            values: list[Any] = [
                r.id,
                r.state,
                r.matched,
                r.waived,
                r.approver,
                r.approved,
                r.expires,
                r.reason,
            ]
            ws.append([_cell(ws, v, lang) for v in values])


# --- the long tables ------------------------------------------------------------------------


def _findings_table(
    table: FindingsTable,
    plan: Plan,
    ctx: AuditContext,
    lang: str,
    listed: tuple[str, ...],
    limit: int,
) -> LongTable:
    h = _H[lang]["findings"]
    titles = {r.id: (r.title.zh if lang == "zh" else r.title.en) for r in plan.rules}
    names = {c.column: c.column_name for c in ctx.columns}
    unit = column_expr(ctx)
    supplied = pl.col("details").str.json_path_match("$.due_supplied")
    cols = [
        Col(h[0], pl.col("id"), "text", 44),
        _article_col(h[1], plan, lang),
        Col(h[2], pl.col("rule_id"), "text", 36),
        Col(h[3], pl.col("rule_id").replace_strict(titles, default=""), "text", 30),
        Col(
            h[4],
            pl.col("status").replace_strict({s: status_name(s, lang) for s in STATUSES}),
            "text",
            10,
            fill=pl.col("status"),
        ),
        Col(
            h[5],
            pl.col("severity").replace_strict(SEVERITY[lang], default=pl.col("severity")),
            "text",
            10,
        ),
        Col(
            h[6],
            pl.col("requirement").replace_strict(REQUIREMENT[lang], default=pl.col("requirement")),
            "text",
            10,
        ),
        Col(h[7], pl.col("holder").struct.field("name"), "text", 14),
        Col(h[8], HOLDER_ID, "text", 16),
        Col(h[9], unit.replace_strict(names, default=unit), "text", 14),
        Col(h[10], pl.col("period").struct.field("label"), "text", 11),
        Col(h[11], pl.col("period").struct.field("start"), "date", 11),
        Col(h[12], pl.col("period").struct.field("end"), "date", 11),
        Col(h[13], pl.col("due"), "date", 11),
        Col(h[14], pl.col("evidence").list.join(", "), "text", 28),
        Col(h[15], pl.col("message").struct.field(lang), "text", 70),
        Col(h[16], pl.col("source"), "text", 30),
        Col(h[17], pl.col("waiver").struct.field("id"), "text", 24),
        Col(h[18], answerer("name"), "text", 14),
        Col(h[19], answerer("id"), "text", 16),
        Col(h[20], _answer_basis(lang), "text", 24),
        Col(
            h[21],
            pl.when(supplied.is_not_null()).then(
                pl.lit(SUPPLIED[lang].split("{name}")[0]) + supplied
            ),
            "text",
            40,
        ),
        Col(h[22], pl.col("details").str.json_path_match("$.version"), "text", 16),
    ]
    frame = listing(table, listed, limit).select(_select(cols))
    rows = min(limit, sum(int(getattr(table.summary, s)) for s in listed))
    return LongTable(SHEETS[lang]["findings"], cols, frame, rows)


def _holders_table(r: Rollup, ctx: AuditContext, lang: str) -> LongTable:
    h = _H[lang]["holders"]
    names = {c.column: c.column_name for c in ctx.columns}
    cols = [
        Col(h[0], pl.col("name"), "text", 16),
        Col(h[1], pl.col("id"), "text", 20),
        Col(
            h[2],
            pl.col("kind").replace_strict(HOLDER_KIND[lang], default=pl.col("kind")),
            "text",
            8,
        ),
        Col(h[3], pl.col("unit").replace_strict(names, default=pl.col("unit")), "text", 16),
        *(Col(status_name(s, lang), pl.col(s), "int", 10) for s in STATUSES),
    ]
    return LongTable(
        SHEETS[lang]["holders"], cols, r.holders.lazy().select(_select(cols)), r.holders.height
    )


def _article_col(header: str, plan: Plan, lang: str) -> Col:
    """A long table's article column: the article's number; with overlays a text column, an
    overlay's article by its name (``《河西镇河长制工作实施办法》第3条``: its numbers are its
    own)."""
    if not plan.overlays:
        return Col(header, pl.col("article"), "int", 6)
    named = overlay_article(plan, lang).fill_null(pl.col("article").cast(pl.String))
    return Col(header, named, "text", 30)


def _todo_table(
    table: FindingsTable, plan: Plan, ctx: AuditContext, within: int, lang: str
) -> LongTable:
    h = _H[lang]["todo"]
    names = {c.column: c.column_name for c in ctx.columns}
    unit = column_expr(ctx)
    cols = [
        Col(h[0], pl.col("due"), "date", 12),
        Col(h[1], (pl.col("due") - pl.lit(table.as_of)).dt.total_days(), "int", 10),
        Col(h[2], pl.col("holder").struct.field("name"), "text", 14),
        Col(h[3], unit.replace_strict(names, default=unit), "text", 16),
        _article_col(h[4], plan, lang),
        Col(h[5], pl.col("message").struct.field(lang), "text", 80),
        Col(h[6], pl.col("id"), "text", 48),
    ]
    frame = todo_frame(table, within)
    return LongTable(SHEETS[lang]["todo"], cols, frame.lazy().select(_select(cols)), frame.height)


# --- the workbook -------------------------------------------------------------------------------


def _repack(
    data: bytes, long: dict[str, tuple[LongTable, int, int]], styles_from: str, lang: str
) -> bytes:
    """Re-zip with a fixed timestamp on every entry (the same workbook gives the same bytes),
    the placeholder sheets of the long tables replaced by their XML."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as dst,
    ):
        styles = _style_ids(src.read(styles_from))
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            part = long.get(info.filename)
            if part is None:
                dst.writestr(fixed, src.read(info.filename))
                continue
            t, start, rows = part
            fixed._compresslevel = 1  # type: ignore[attr-defined]  # long sheets: speed first
            with dst.open(fixed, "w", force_zip64=True) as fh:
                for chunk in _sheet_xml(t, _batches(t.frame, start, rows), rows, styles, lang):
                    fh.write(chunk)
    return out.getvalue()


def render_xlsx(
    table: FindingsTable,
    plan: Plan,
    ctx: AuditContext,
    weights: Weights,
    lang: str = "zh",
    within: int = 30,
    *,
    max_rows: int | None = None,
) -> bytes:
    """The report as an xlsx workbook (see the module's docstring); ``max_rows`` is the rows
    of one sheet (:data:`MAX_ROWS`, Excel's limit, when None; smaller in tests)."""
    max_rows = MAX_ROWS if max_rows is None else max_rows
    h = _H[lang]
    r = rollup(table, plan, ctx, weights)
    counts: dict[str, int] = {s: int(getattr(table.summary, s)) for s in STATUSES}
    listed, limit = listed_statuses(counts, LIST_MAX)
    findings = _findings_table(table, plan, ctx, lang, listed, limit)
    todo = _todo_table(table, plan, ctx, within, lang)
    holders = _holders_table(r, ctx, lang)
    sheets = _parts(findings, max_rows)
    notes = [
        h["listed"].format(
            statuses=h["sep"].join(status_name(s, lang) for s in listed),
            n=findings.rows,
            sheets=len(sheets),
        )
    ]
    left = [
        h["count_of"].format(name=status_name(s, lang), n=counts[s])
        for s in STATUSES
        if counts[s] and s not in listed
    ]
    cut = sum(counts[s] for s in listed) - findings.rows
    if cut:
        left.append(h["cut"].format(n=cut, cap=LIST_MAX))
    if left:
        notes.append(h["left_out"].format(parts=h["sep"].join(left)))
    last = table.as_of + dt.timedelta(days=within)
    notes.append(h["todo_note"].format(n=within, last=last.isoformat()))

    wb = Workbook(write_only=True)
    _summary(wb, table, plan, r, lang, notes)
    long: dict[str, tuple[LongTable, int, int]] = {}
    order: list[tuple[LongTable, str, int, int]] = []
    for t in (_matrix_table(r, plan, lang), _units_table(r, weights, lang), holders, todo):
        order += [(t, *p) for p in _parts(t, max_rows)]
    order += [(findings, *p) for p in sheets]
    for t, name, start, rows in order:
        ws = wb.create_sheet(name)
        ws.append(_prototype(ws))
        long[f"xl/worksheets/sheet{len(wb.worksheets)}.xml"] = (t, start, rows)
    if ctx.since is not None:  # check --store: what changed since the last run
        _since(wb, ctx.since, lang)
    _params(wb, plan, lang)
    _run(wb, table, plan, weights, lang)
    title = pack_title(plan, lang)
    stamp = dt.datetime(table.as_of.year, table.as_of.month, table.as_of.day)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "hezhang-rules"
    wb.properties.title = cell_text(f"{title} — {h['report']} {table.as_of.isoformat()}", lang)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    return _repack(buf.getvalue(), long, next(iter(long)), lang)
