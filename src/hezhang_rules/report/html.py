"""The HTML report: one self-contained file (inline CSS, SVG and script; no network, no assets)
that opens at once whatever the size of the audit.

Summaries first, all of them group-bys over the findings table (:mod:`.rollup`): the totals,
three inline SVG charts (status by article, by group, the worst units), the unit × article
matrix, a score and roll-up per unit, a roll-up per holder, the to-do list (pending duties due
within the warning window, never a prohibition), then the findings, the parameters and the run
record.

The findings are not written as HTML rows: a province has a million of them, and a page of a
million rows is hundreds of megabytes a browser cannot open. They travel as compact JSON
(dictionary-coded columns), deflated and base64-encoded inside the page; the script inflates
them with the browser's ``DecompressionStream`` and renders one page of rows at a time, with
filters by status, article and unit and a text search. The listing holds every violated,
late and pending finding, and the fulfilled and not-applicable ones only while the listing
stays within :data:`LIST_MAX` rows (:func:`~.rollup.listed_statuses`); a note gives the counts
left out and points to the xlsx, jsonl and Parquet reports, which hold them all. Explanations
(the deciding facts, the parameters and what would make it compliant) are written for the first
:data:`DETAIL_MAX` findings of the listing only; every other row says how to get its own
(``hezhang-rules explain``). Long tables (units, holders, matrix, to-do) show their
:data:`TABLE_MAX` worst rows, with the count of the rest.

Every value is escaped with :func:`html.escape` (quotes included) where it is written; the
script sets values only as text (``textContent``), never as markup, and moves explanation nodes
written here, never parses strings as HTML. Characters no document should hold are replaced on
the whole page and in the embedded data (:mod:`hezhang_rules.report.safe`).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import zlib
from collections.abc import Mapping, Sequence
from html import escape

import polars as pl

from hezhang_rules.compile.plan import Plan
from hezhang_rules.findings import STATUSES, Report, shown_statuses
from hezhang_rules.report.answers import answers_text
from hezhang_rules.report.changes import KINDS, Since, cells, headline, since_words
from hezhang_rules.report.changes import columns as change_columns
from hezhang_rules.report.context import AuditContext
from hezhang_rules.report.explain import Explanation, explain, labels
from hezhang_rules.report.html_assets import CSS, JS
from hezhang_rules.report.i18n import (
    COLOUR,
    GROUP,
    GROUPS,
    HOLDER_KIND,
    MARK,
    REQUIREMENT,
    SUPPLIED,
    VERSION_MARK,
    article_heading,
    basis_name,
    due_marked,
    kind_name,
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
    overlay_of,
    rollup,
    todo_frame,
)
from hezhang_rules.report.safe import holdable
from hezhang_rules.report.table import FindingsTable, finding_of_row
from hezhang_rules.report.waivers import WORDS as WAIVER_WORDS
from hezhang_rules.report.waivers import columns as waiver_columns
from hezhang_rules.report.waivers import waiver_rows
from hezhang_rules.report.weights import Weights, formula

LIST_MAX = 100_000
"""Findings embedded in the page at most (some 30 bytes each once deflated)."""
DETAIL_MAX = 100
"""Findings of the listing written with their full explanation (a few kB each): the first
page's."""
TABLE_MAX = 200
"""Rows of the unit, holder, matrix and to-do tables (the worst first); the rest is counted."""
PAGE = 100
"""Findings per page of the listing (the first page is also written as HTML)."""
CHART_UNITS = 20
"""Units in the chart of the worst units."""

_W = {
    "zh": {
        "report": "合规检查报告",
        "as_of": "检查基准日",
        "rules": "条规则",
        "facts": "条事实记录",
        "total": "合计",
        "by_article": "各条款未履行、逾期履行和待履行的件数",
        "by_group": "各类别的检查结果构成",
        "by_unit": "问题最多的{n}个单位",
        "matrix_note": "每格为该单位在该条款下最严重的状态及其件数（斜线后为全部件数）；"
        "点击格子可在下方列出这些结果。单位按未履行、逾期履行、待履行件数从多到少排列。",
        "unit": "单位",
        "group": "类别",
        "score": "得分",
        "decided": "已判定",
        "holder": "责任主体",
        "answerable": "负责人或负责单位",
        "kind": "类型",
        "more": "另有{n}行未列出，完整表格见 xlsx 报告。",
        "todo_note": "{n}天内（至{last}）到期的待履行义务，按截止日排序；禁止性规定不列入待办"
        "（待履行的禁止事项只表示尚未发生）。",
        "todo_more": "共{n}项，此处列出前{m}项；全部待办见 todo 命令或 xlsx 报告。",
        "due": "截止日",
        "left": "剩余天数",
        "finding": "说明",
        "none_todo": "没有{n}天内到期的待履行义务。",
        "search": "搜索：人名、单位、编号、内容…",
        "all_articles": "全部条款",
        "all_units": "全部单位",
        "shown": "共 {n} 项 · 第 {p}/{m} 页",
        "prev": "上一页",
        "next": "下一页",
        "loading": "正在载入检查结果…",
        "nostream": "本浏览器不支持解压嵌入的数据（DecompressionStream），请用较新版本的浏览器"
        "打开，或查看 xlsx、jsonl 或 Parquet 报告。",
        "status": "状态",
        "art": "条",
        "rule": "规则",
        "period": "期间",
        "requirement": "要求类型",
        "click": "点击任一行查看说明。",
        "listed": "列出 {statuses}，共 {n} 项。",
        "left_out": "未列出：{parts}。全部检查结果见 xlsx、jsonl 或 Parquet 报告"
        "（--format xlsx / jsonl / parquet）。",
        "detail_note": "前 {n} 项附有判定依据、所用参数和整改要求；其余各项的说明可用命令查看：",
        "explain_cmd": "hezhang-rules explain {id} <事实目录> --as-of {as_of}",
        "param": "参数",
        "value": "取值",
        "default": "默认值",
        "reads": "原文",
        "reading": "解读",
        "used_by": "使用的规则",
        "reason": "理由",
        "overridden": "本次改用",
        "quiet": "没有检查结果的条款（描述性条款、未由机器检查的条款或没有相关事实）：",
        "footer": "由 hezhang-rules 生成。相同的规则、事实、基准日和参数生成的报告逐字节相同；"
        "报告不记录生成时间。",
        "ok": "该义务已履行或不适用，无需整改。",
        "sep": "、",
        "count_of": "{name} {n} 项",
        "cut": "超出列表上限（{cap}项）的 {n} 项",
    },
    "en": {
        "report": "Compliance report",
        "as_of": "As of",
        "rules": "rules",
        "facts": "fact records",
        "total": "total",
        "by_article": "Violated, late and pending findings by article",
        "by_group": "Findings by group",
        "by_unit": "The {n} units with most violations",
        "matrix_note": "Each cell shows the worst status of that unit under that article, with "
        "its number (after the slash, all findings). Click a cell to list them below. Units "
        "with most violations, late and pending findings come first.",
        "unit": "Unit",
        "group": "Group",
        "score": "Score",
        "decided": "decided",
        "holder": "Holder",
        "answerable": "Answerable",
        "kind": "Kind",
        "more": "{n} more rows not shown; the xlsx report has the whole table.",
        "todo_note": "Pending duties due within {n} days (by {last}), by due date; prohibitions "
        "are never to-dos (a pending prohibition only means nothing has happened yet).",
        "todo_more": "{n} items; the first {m} are shown. The todo command or the xlsx report "
        "lists them all.",
        "due": "Due",
        "left": "Days left",
        "finding": "Finding",
        "none_todo": "No pending duty due within {n} days.",
        "search": "Search: names, units, ids, text…",
        "all_articles": "All articles",
        "all_units": "All units",
        "shown": "{n} findings · page {p} of {m}",
        "prev": "Previous",
        "next": "Next",
        "loading": "Loading the findings…",
        "nostream": "This browser cannot inflate the embedded data (DecompressionStream): open "
        "the page in a recent browser, or read the xlsx, jsonl or Parquet report.",
        "status": "Status",
        "art": "Art.",
        "rule": "Rule",
        "period": "Period",
        "requirement": "Requirement",
        "click": "Click a row for its explanation.",
        "listed": "Listed: {statuses}, {n} findings.",
        "left_out": "Not listed: {parts}. The xlsx, jsonl and Parquet reports hold every "
        "finding (--format xlsx / jsonl / parquet).",
        "detail_note": "The first {n} carry the deciding facts, the parameters used and what "
        "is needed; for any other, run:",
        "explain_cmd": "hezhang-rules explain {id} <facts> --as-of {as_of}",
        "param": "Parameter",
        "value": "Value",
        "default": "Default",
        "reads": "Reads",
        "reading": "Reading",
        "used_by": "Used by",
        "reason": "Reason",
        "overridden": "overridden",
        "quiet": "Articles without findings (descriptive, unchecked, or no facts): ",
        "footer": "Generated by hezhang-rules. The same rules, facts, as-of date and parameters "
        "give a byte-identical report; no generation time is recorded.",
        "ok": "Fulfilled or not applicable: nothing to do.",
        "sep": ", ",
        "count_of": "{name} {n}",
        "cut": "{n} beyond the listing's limit of {cap}",
    },
}
_NAV = {
    "zh": (
        "汇总",
        "单位矩阵",
        "单位汇总",
        "负责人汇总",
        "待办事项",
        "检查结果",
        "参数",
        "运行记录",
    ),
    "en": (
        "Summary",
        "Matrix",
        "Units",
        "Holders",
        "To do",
        "Findings",
        "Parameters",
        "Run record",
    ),
}
_IDS = ("summary", "matrix", "scores", "holders", "todo", "findings", "params", "run")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _article(plan: Plan, overlay: str, article: int, lang: str) -> tuple[int | str, str, str]:
    """An article's key in the page (``data-a``, the listing's article, the filter's value: its
    number for the base pack's, its name for an overlay's, whose numbers are its own), its short
    name and its title (:func:`~hezhang_rules.report.i18n.article_heading`)."""
    name, title = article_heading(plan, overlay, article, lang, short=True)
    return (name if overlay else article), name, title


def _badge(status: str, lang: str) -> str:
    return f'<span class="badge {status}">{MARK[status]} {_e(status_name(status, lang))}</span>'


# --- charts -------------------------------------------------------------------------------------


def _chart(
    title: str,
    rows: Sequence[tuple[str, Mapping[str, int]]],
    statuses: Sequence[str],
    lang: str,
    shown: Sequence[str] | None = None,
) -> str:
    """Horizontal stacked bars, one per row, scaled to the largest row; inline SVG. Each row is
    named by its ``shown`` text (by default its label's first 16 characters, what the label
    column holds), its bars' tooltips by the whole label."""
    label_w, bar_w, step, bar_h = 200, 470, 22, 16
    top = max((sum(c[s] for s in statuses) for _, c in rows), default=0) or 1
    legend = "".join(
        f'<rect x="{label_w + i * 120}" y="4" width="12" height="12" fill="#{COLOUR[s]}"/>'  # type: ignore[index]
        f'<text x="{label_w + i * 120 + 16}" y="15">{_e(status_name(s, lang))}</text>'
        for i, s in enumerate(statuses)
    )
    bars = []
    for r, (label, counts) in enumerate(rows):
        text = shown[r] if shown is not None else label[:16]
        y = 28 + r * step
        x = float(label_w)
        parts = []
        for s in statuses:
            n = counts[s]
            if not n:
                continue
            w = bar_w * n / top
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{max(w, 0.5):.1f}" height="{bar_h}" '
                f'fill="#{COLOUR[s]}"><title>{_e(label)} · {_e(status_name(s, lang))} {n}</title>'  # type: ignore[index]
                "</rect>"
            )
            x += w
        total = sum(counts[s] for s in statuses)
        bars.append(
            f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{_e(text)}</text>'
            + "".join(parts)
            + f'<text x="{x + 4:.1f}" y="{y + 12}" class="n">{total}</text>'
        )
    height = 32 + len(rows) * step
    return (
        f'<figure class="chart"><figcaption>{_e(title)}</figcaption>'
        f'<svg role="img" aria-label="{_e(title)}" '
        f'width="{label_w + bar_w + 60}" height="{height}" '
        f'viewBox="0 0 {label_w + bar_w + 60} {height}">{legend}{"".join(bars)}</svg></figure>'
    )


def _counts(row: Mapping[str, object]) -> dict[str, int]:
    return {s: int(row[s]) for s in STATUSES}  # type: ignore[call-overload]


def _summary(table: FindingsTable, plan: Plan, r: Rollup, lang: str) -> str:
    w, s = _W[lang], table.summary
    cards = "".join(
        f'<div class="card {k}"><b>{getattr(s, k)}</b><span>{_e(status_name(k, lang))}</span></div>'
        for k in shown_statuses(s)
    )
    cards += f'<div class="card total"><b>{s.total}</b><span>{_e(w["total"])}</span></div>'
    bar = ""
    if s.total:
        bar = (
            '<div class="bar">'
            + "".join(
                f'<i class="{k}" style="width:{100 * getattr(s, k) / s.total:.2f}%" '
                f'title="{_e(status_name(k, lang))} {getattr(s, k)}"></i>'
                for k in STATUSES
                if getattr(s, k)
            )
            + "</div>"
        )
    acted = [row for row in r.by_article.iter_rows(named=True) if any(row[k] for k in ACTIONABLE)]
    art_rows, art_shown = [], []
    for row in acted:
        _, name, title = _article(plan, row["overlay"], row["article"], lang)
        art_rows.append((f"{name} {title}", _counts(row)))
        # an overlay's article keeps its number in view: the tail of its name (…办法》第3条)
        art_shown.append(f"…{name[-15:]}" if row["overlay"] else f"{name} {title}"[:16])
    groups = {row["group"]: _counts(row) for row in r.by_group.iter_rows(named=True)}
    group_rows = [(GROUP[lang][g], groups[g]) for g in GROUPS if g in groups]
    worst = [u for u in r.units if any(u.counts[k] for k in ACTIONABLE)][:CHART_UNITS]
    unit_rows = [(u.info.column_name, dict(u.counts)) for u in worst]
    charts = (
        (_chart(w["by_article"], art_rows, ACTIONABLE, lang, art_shown) if art_rows else "")
        + (_chart(w["by_group"], group_rows, STATUSES, lang) if group_rows else "")
        + (
            _chart(w["by_unit"].format(n=len(unit_rows)), unit_rows, ACTIONABLE, lang)
            if unit_rows
            else ""
        )
    )
    present = set(r.by_article.filter(pl.col("overlay") == "").get_column("article").to_list())
    quiet = sorted({a.number for a in plan.base_articles()} - present)
    quiet_text = (
        f'<p class="note">{_e(w["quiet"])}{_e(w["sep"].join(map(str, quiet)))}</p>' if quiet else ""
    )
    return (
        f'<div class="cards">{cards}</div>{bar}{_waivers(table, lang)}'
        f'<div class="charts">{charts}</div>{quiet_text}'
    )


def _waivers(table: FindingsTable, lang: str) -> str:
    """The waivers table (docs/waivers.md); nothing without a waiver file."""
    if not table.waivers:
        return ""
    head = "".join(f"<th>{_e(c)}</th>" for c in waiver_columns(lang))
    rows = "".join(
        f'<tr><td class="mono">{_e(r.id)}</td><td>{_e(r.state)}</td>'
        f'<td class="num">{r.matched}</td><td class="num">{r.waived}</td>'
        f"<td>{_e(r.approver)}</td><td>{_e(r.approved)}</td><td>{_e(r.expires)}</td>"
        f"<td>{_e(r.reason)}</td></tr>"
        for r in waiver_rows(table.waivers, lang)
    )
    return (
        f"<h3>{_e(WAIVER_WORDS[lang]['title'])}</h3>"
        f'<div class="scroll"><table class="params"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


def _since(since: Since, lang: str) -> str:
    """ "Since the last run" (``check --store``, docs/store.md): which run it compares with,
    the counts, then a table per kind of change (at most ``TABLE_MAX`` rows each)."""
    w = since_words(lang)
    changes = since.changes
    if changes is None:
        return f'<p class="note">{_e(w["since_none"])}</p>'
    before = changes.before
    note = w["since_note"].format(a=before.label(lang), a_as_of=before.as_of)
    head = "".join(f"<th>{_e(c)}</th>" for c in change_columns(lang))
    out = [f'<p class="note">{_e(note)}</p>', f"<p><b>{_e(headline(changes, lang)[1])}</b></p>"]
    out.append(f'<p class="note">{_e(headline(changes, lang)[2])}</p>')
    for kind in KINDS:
        rows = changes.of(kind, TABLE_MAX)
        if not rows.height:
            continue
        body = "".join(
            "<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells(row, lang)) + "</tr>"
            for row in rows.iter_rows(named=True)
        )
        out.append(
            f"<h3>{_e(w[kind])}</h3>"
            f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
            f"</table></div>"
        )
        left = changes.count(kind) - rows.height
        if left > 0:
            out.append(f'<p class="note">{_e(w["more"].format(n=left))}</p>')
    return "".join(out)


# --- matrix, units, holders ---------------------------------------------------------------------


def _more(n: int, lang: str) -> str:
    return f'<p class="note">{_e(_W[lang]["more"].format(n=n))}</p>' if n > 0 else ""


def _matrix(r: Rollup, plan: Plan, lang: str) -> str:
    w = _W[lang]
    articles = list(r.by_article.select("overlay", "article").iter_rows())
    if not articles:
        return ""
    named = {(o, a): _article(plan, o, a, lang) for o, a in articles}
    cells: dict[tuple[str, str, int], dict[str, int]] = {
        (row["unit"], row["overlay"], row["article"]): _counts(row)
        for row in r.matrix.iter_rows(named=True)
    }
    head = (
        f'<th class="art">{_e(w["unit"])}</th><th>{_e(w["group"])}</th>'
        + "".join(
            f'<th title="{_e(title)}" data-a="{_e(key)}">{_e(name)}</th>'
            for key, name, title in named.values()
        )
        + f"<th>{_e(w['total'])}</th>"
    )
    rows = []
    for u in r.units[:TABLE_MAX]:
        c = u.info
        tds = []
        for o, a in articles:
            counts = cells.get((c.column, o, a))
            worst = next((s for s in STATUSES if counts and counts[s]), None)
            if counts is None or worst is None:
                tds.append('<td class="empty"></td>')
                continue
            total = sum(counts.values())
            key, name, _ = named[o, a]
            label = f"{c.column_name} × {name}"
            detail = " · ".join(
                f"{status_name(s, lang)} {counts[s]}" for s in STATUSES if counts[s]
            )
            small = f"<small>/{total}</small>" if total != counts[worst] else ""
            tds.append(
                f'<td class="s-{worst}" data-a="{_e(key)}" data-c="{_e(c.column)}" '
                f'data-label="{_e(label)}" title="{_e(label)}: {_e(detail)}">'
                f"{MARK[worst]}{counts[worst]}{small}</td>"
            )
        tot = " ".join(
            f'<span class="badge {s}" title="{_e(status_name(s, lang))}">{MARK[s]}{u.counts[s]}'
            "</span>"
            for s in ACTIONABLE
            if u.counts[s]
        )
        rows.append(
            f'<tr><th class="art">{_e(c.column_name)}</th><td class="grp">'
            f"{_e(GROUP[lang][c.group])}</td>{''.join(tds)}"
            f'<td class="tot">{tot or "✓"}</td></tr>'
        )
    legend = "".join(
        f'<span><i class="s-{s}"></i>{MARK[s]} {_e(status_name(s, lang))}</span>' for s in STATUSES
    )
    return (
        f'<p class="note">{_e(w["matrix_note"])}</p><div class="legend">{legend}</div>'
        f'<div class="scroll"><table class="matrix"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>" + _more(len(r.units) - TABLE_MAX, lang)
    )


def _band(score: float | None) -> str:
    v = score or 0.0
    return "b1" if v >= 90 else "b2" if v >= 75 else "b3" if v >= 60 else "b4"


def _units(r: Rollup, weights: Weights, lang: str) -> str:
    w = _W[lang]
    head = "".join(
        f"<th>{_e(x)}</th>" for x in (w["unit"], w["group"], w["score"], w["decided"])
    ) + "".join(f"<th>{_e(status_name(s, lang))}</th>" for s in STATUSES)
    rows = []
    for u in r.units[:TABLE_MAX]:
        value = "—" if u.score is None else f"{u.score:.1f}"
        decided = sum(u.counts[s] for s in ("fulfilled", "fulfilled_late", "violated"))
        rows.append(
            f"<tr><td>{_e(u.info.column_name)}</td><td>{_e(GROUP[lang][u.info.group])}</td>"
            f'<td><div class="score"><div class="track"><i class="{_band(u.score)}" '
            f'style="width:{u.score or 0.0:.1f}%"></i></div><b>{value}</b></div></td>'
            f"<td>{decided}</td>"
            + "".join(f'<td class="num">{u.counts[s]}</td>' for s in STATUSES)
            + "</tr>"
        )
    return (
        f'<p class="note">{_e(formula(weights, lang))}</p><div class="scroll"><table>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        + _more(len(r.units) - TABLE_MAX, lang)
    )


def _holders(r: Rollup, ctx: AuditContext, lang: str) -> str:
    w = _W[lang]
    head = "".join(f"<th>{_e(x)}</th>" for x in (w["answerable"], w["kind"], w["unit"])) + "".join(
        f"<th>{_e(status_name(s, lang))}</th>" for s in (*ACTIONABLE, "fulfilled")
    )
    shown = r.holders.head(TABLE_MAX)
    rows = []
    for h in shown.iter_rows(named=True):
        info = ctx.holders.get(h["id"])
        unit = info.column_name if info is not None else h["name"]
        rows.append(
            f'<tr><td>{_e(h["name"])} <span class="fid">{_e(h["id"])}</span></td>'
            f"<td>{_e(HOLDER_KIND[lang].get(h['kind'], h['kind']))}</td><td>{_e(unit)}</td>"
            + "".join(f'<td class="num">{h[s]}</td>' for s in (*ACTIONABLE, "fulfilled"))
            + "</tr>"
        )
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        + _more(r.holders.height - shown.height, lang)
    )


def _todo(table: FindingsTable, ctx: AuditContext, within: int, lang: str) -> str:
    w = _W[lang]
    frame = todo_frame(table, within)
    if frame.height == 0:
        return f'<p class="note">{_e(w["none_todo"].format(n=within))}</p>'
    last = table.as_of + dt.timedelta(days=within)
    rows = []
    for row in frame.head(TABLE_MAX).iter_rows(named=True):
        holder = row["holder"]
        info = ctx.holders.get(holder["id"])
        unit = info.column_name if info is not None else holder["name"]
        left = (row["due"] - table.as_of).days
        rows.append(
            f'<tr><td class="nowrap">{_e(row["due"])}</td>'
            f'<td class="num">{left}</td><td>{_e(holder["name"])}</td><td>{_e(unit)}</td>'
            f'<td>{_e(row["message"][lang])}<div class="fid">{_e(row["id"])}</div></td></tr>'
        )
    head = "".join(
        f"<th>{_e(x)}</th>" for x in (w["due"], w["left"], w["holder"], w["unit"], w["finding"])
    )
    note = w["todo_note"].format(n=within, last=last.isoformat())
    more = (
        f'<p class="note">{_e(w["todo_more"].format(n=frame.height, m=TABLE_MAX))}</p>'
        if frame.height > TABLE_MAX
        else ""
    )
    return (
        f'<p class="note">{_e(note)}</p><div class="scroll"><table>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>{more}"
    )


# --- findings -----------------------------------------------------------------------------------


def explanation_html(e: Explanation, lang: str) -> str:
    """One finding's explanation as an HTML fragment (the same content as ``explain``)."""
    L, f = labels(lang), e.finding
    kind = HOLDER_KIND[lang][f.holder.kind]
    facts = "".join(
        f'<div class="fact"><div class="h">{_e(kind_name(v.kind, lang))} '
        f'<span class="mono">{_e(v.id)}</span>{" · " + _e(v.date) if v.date else ""}</div>'
        f"<dl>{''.join(f'<dt>{_e(x.title)}</dt><dd>{_e(x.value)}</dd>' for x in v.fields)}</dl>"
        "</div>"
        for v in e.facts
    ) + "".join(
        f'<div class="fact"><span class="mono">{_e(i)}</span> {_e(L["unknown"])}</div>'
        for i in e.unknown_facts
    )
    colon = "：" if lang == "zh" else ": "
    params = "".join(
        f'<div class="param"><code>{_e(p.name)}</code> = <code>{_e(p.value)}</code>'
        + (f" ({_e(basis_name(p.basis, lang))})" if p.basis else "")
        + f'<a href="#param-{_e(p.name)}">{_e(L["reason"])} →</a>'
        + (
            f' <span class="badge fulfilled_late">{_e(L["overridden"])}</span>'
            if p.overridden
            else ""
        )
        + (f"<div>{_e(L['reads'])}{colon}{_e(p.reads)}</div>" if p.reads else "")
        + f"<div>{_e(L['reading'])}{colon}{_e(' '.join(p.reading.split()))}</div></div>"
        for p in e.params
    )
    remedy = (
        f'<div class="remedy">{_e(e.remedy)}</div>'
        if e.remedy
        else f'<div class="remedy ok">{_e(_W[lang]["ok"])}</div>'
    )
    left = (
        f"<h4>{_e(L['rule'])}</h4><dl><dt>{_e(L['rule'])}</dt><dd>{_e(e.rule_title)} "
        f'<span class="mono">{_e(f.rule_id)}</span></dd><dt>{_e(L["clause"])}</dt>'
        f"<dd>{_e(e.clause)}</dd><dt>{_e(L['holder'])}</dt><dd>{_e(f.holder.name)} "
        f'({_e(kind)} <span class="mono">{_e(f.holder.id)}</span>) · {_e(e.holder.column_name)}'
        f"</dd><dt>{_e(L['period'])}</dt><dd>{_e(f.period.label)} ({_e(f.period.start)} "
        f"{_e(L['to'])} {_e(f.period.end)})</dd>"
        + (f"<dt>{_e(L['due'])}</dt><dd>{_e(due_marked(f, lang))}</dd>" if f.due else "")
        + f'<dt>{_e(L["source"])}</dt><dd class="mono">{_e(f.source)}</dd></dl>'
        f"<h4>{_e(L['text'])} · {_e(e.article_heading)}</h4>"
        f"<blockquote>{_e(e.article_text)}</blockquote>"
        f"<h4>{_e(L['remedy'])}</h4>{remedy}"
        f'<p class="how">{_e(L["how"])}{colon}{_e(e.status_rule)}</p>'
        + (f'<p class="how">{_e(L["waiver"])}{colon}{_e(e.waiver)}</p>' if e.waiver else "")
    )
    right = (
        f"<h4>{_e(L['facts'])}</h4>{facts or _e(L['no_facts'])}"
        f"<h4>{_e(L['params'])}</h4>{params or _e(L['no_facts'])}"
    )
    return f'<div class="ex"><div>{left}</div><div>{right}</div></div>'


def _codes(values: Sequence[str]) -> tuple[list[str], dict[str, int]]:
    """A dictionary of ``values`` (sorted, so the page is deterministic) and each one's index."""
    words = sorted(set(values))
    return words, {v: i for i, v in enumerate(words)}


def _holdable_column(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """``name`` with characters no document can hold replaced (only where there are any)."""
    bad = frame.get_column(name).str.contains(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
    if not bad.any():
        return frame
    return frame.with_columns(
        pl.col(name).map_elements(holdable, return_dtype=pl.String).alias(name)
    )


def findings_payload(
    table: FindingsTable,
    plan: Plan,
    ctx: AuditContext,
    lang: str,
    statuses: tuple[str, ...],
    cap: int,
) -> tuple[str, pl.DataFrame]:
    """The listed findings as deflated, base64-encoded JSON (the page's data), and the rows
    themselves (in listing order: the first page, the explanations, the article filter).

    The JSON holds dictionaries (``rules``, ``holders``, ``units``) and one array per column
    (``s`` status, ``a`` article, ``r`` rule, ``h`` holder, ``p`` period, ``d`` due, ``m``
    message — with who answers where it is not the holder, ``report.answers`` —, ``i`` id),
    row ``k`` of the listing at index ``k`` of each.
    """
    rows = (
        listing(table, statuses, cap)
        .select(
            pl.col("status"),
            pl.col("article"),
            overlay_of(plan),
            overlay_article(plan, lang),
            pl.col("rule_id"),
            HOLDER_ID.alias("hid"),
            pl.col("holder").struct.field("name").alias("hname"),
            pl.col("holder").struct.field("kind").alias("hkind"),
            column_expr(ctx),
            pl.col("period").struct.field("label").alias("label"),
            pl.col("due").cast(pl.String).fill_null("").alias("due"),
            pl.col("details").str.json_path_match("$.due_supplied").fill_null("").alias("sup"),
            pl.col("details").str.json_path_match("$.version").fill_null("").alias("ver"),
            pl.concat_str(
                pl.col("message").struct.field(lang),
                pl.when(answers_text(lang).is_not_null())
                .then(pl.lit(" — ") + answers_text(lang))
                .otherwise(pl.lit("")),
            ).alias("msg"),
            pl.col("id"),
            pl.col("requirement"),
        )
        .collect()
    )
    for name in ("hname", "label", "msg", "id", "hid"):
        rows = _holdable_column(rows, name)
    titles = {r.id: (r.title.zh if lang == "zh" else r.title.en) for r in plan.rules}
    rule_words, rule_index = _codes(rows.get_column("rule_id").to_list())
    holders = rows.select("hid", "hname", "hkind", "unit").unique("hid").sort("hid")
    holder_index = {h: i for i, h in enumerate(holders.get_column("hid").to_list())}
    unit_words, unit_index = _codes(holders.get_column("unit").to_list())
    names = {c.column: c.column_name for c in ctx.columns}
    units = [names.get(u, u) for u in unit_words]
    req_words, req_index = _codes(rows.get_column("requirement").to_list())
    data = {
        "statuses": [[s, MARK[s], status_name(s, lang)] for s in STATUSES],
        "supplied": SUPPLIED[lang],
        "version": VERSION_MARK[lang],
        "rules": [[r, titles.get(r, r)] for r in rule_words],
        "holders": [
            [
                h["hid"],
                holdable(h["hname"]),
                HOLDER_KIND[lang].get(h["hkind"], h["hkind"]),
                unit_index[h["unit"]],
            ]
            for h in holders.iter_rows(named=True)
        ],
        "units": [[u, name] for u, name in zip(unit_words, units, strict=True)],
        "requirements": [REQUIREMENT[lang].get(q, q) for q in req_words],
        "s": [STATUSES.index(s) for s in rows.get_column("status").to_list()],
        "a": [  # an overlay's article by its name: its numbers are its own
            a if name is None else name
            for a, name in rows.select("article", "overlay_article").iter_rows()
        ],
        "r": [rule_index[r] for r in rows.get_column("rule_id").to_list()],
        "q": [req_index[q] for q in rows.get_column("requirement").to_list()],
        "h": [holder_index[h] for h in rows.get_column("hid").to_list()],
        "p": rows.get_column("label").to_list(),
        "d": rows.get_column("due").to_list(),
        "u": rows.get_column("sup").to_list(),
        "v": rows.get_column("ver").to_list(),
        "m": rows.get_column("msg").to_list(),
        "i": rows.get_column("id").to_list(),
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    packed = base64.b64encode(zlib.compress(text.encode("utf-8"), 6)).decode("ascii")
    return packed, rows


def _explanations(
    table: FindingsTable, plan: Plan, ctx: AuditContext, ids: list[str], lang: str
) -> str:
    """The explanation of each of ``ids`` (in that order), as hidden nodes ``data-x="k"``."""
    if not ids:
        return ""
    frame = table.collect(pl.col("id").is_in(ids))
    found = {row["id"]: finding_of_row(row) for row in frame.iter_rows(named=True)}
    parts = []
    for k, i in enumerate(ids):
        f = found.get(i)
        if f is None:
            continue
        parts.append(
            f'<div data-x="{k}">{explanation_html(explain(f, plan, ctx, table.as_of, lang), lang)}'
            "</div>"
        )
    return f'<div id="explanations" hidden>{"".join(parts)}</div>'


def _first_page(rows: pl.DataFrame, plan: Plan, ctx: AuditContext, lang: str) -> str:
    """The first :data:`PAGE` rows of the listing as HTML, so the page shows findings before
    its script has inflated the data (the script then draws the same rows, and the others)."""
    titles = {r.id: (r.title.zh if lang == "zh" else r.title.en) for r in plan.rules}
    names = {c.column: c.column_name for c in ctx.columns}
    out = []
    for k, row in enumerate(rows.head(PAGE).iter_rows(named=True)):
        due = row["due"] + (" *" if row["sup"] else "")
        basis = SUPPLIED[lang].format(name=row["sup"]) if row["sup"] else ""
        out.append(
            f'<tr class="row" data-k="{k}"><td>{_badge(row["status"], lang)}</td>'
            f'<td class="num">{_e(row["overlay_article"] or row["article"])}</td>'
            f'<td title="{_e(row["rule_id"])}">'
            f"{_e(titles.get(row['rule_id'], row['rule_id']))}</td>"
            f"<td>{_e(row['hname'])}</td><td>{_e(names.get(row['unit'], row['unit']))}</td>"
            f'<td class="nowrap">{_e(row["label"])}</td>'
            f'<td class="nowrap" title="{_e(basis)}">{_e(due)}</td>'
            f'<td class="msg">{_e(row["msg"])}<div class="fid">{_e(row["id"])}</div>'
            + (
                f'<div class="fid">{_e(VERSION_MARK[lang].format(label=row["ver"]))}</div>'
                if row["ver"]
                else ""
            )
            + "</td></tr>"
        )
    return "".join(out)


def _findings(table: FindingsTable, plan: Plan, ctx: AuditContext, lang: str) -> str:
    w = _W[lang]
    counts: dict[str, int] = {s: int(getattr(table.summary, s)) for s in STATUSES}
    statuses, limit = listed_statuses(counts, LIST_MAX)
    packed, rows = findings_payload(table, plan, ctx, lang, statuses, limit)
    listed = rows.height
    ids = rows.get_column("id").head(DETAIL_MAX).to_list()
    shown_statuses = w["sep"].join(status_name(s, lang) for s in statuses)
    notes = [w["listed"].format(statuses=shown_statuses, n=listed)]
    left = [
        w["count_of"].format(name=status_name(s, lang), n=counts[s])
        for s in STATUSES
        if counts[s] and s not in statuses
    ]
    cut = sum(counts[s] for s in statuses) - listed
    if cut:
        left.append(w["cut"].format(n=cut, cap=LIST_MAX))
    if left:
        notes.append(w["left_out"].format(parts=w["sep"].join(left)))
    detail = ""
    if listed > len(ids):
        placeholder = "<编号>" if lang == "zh" else "<id>"
        command = w["explain_cmd"].format(id=placeholder, as_of=table.as_of)
        detail = (
            f'<p class="note">{_e(w["detail_note"].format(n=len(ids)))} '
            f"<code>{_e(command)}</code></p>"
        )
    articles = "".join(
        f'<option value="{_e(key)}">{_e(name)} {_e(title)}</option>'
        for o, a in sorted(set(rows.select("overlay", "article").iter_rows()))
        for key, name, title in [_article(plan, o, a, lang)]
    )
    chips = "".join(
        f'<button type="button" class="chip {s}" data-status="{s}" aria-pressed="true">'
        f"{MARK[s]} {_e(status_name(s, lang))} {counts[s]}</button>"
        for s in statuses
    )
    head = "".join(
        f"<th>{_e(x)}</th>"
        for x in (
            w["status"],
            w["art"],
            w["rule"],
            w["holder"],
            w["unit"],
            w["period"],
            w["due"],
            w["finding"],
        )
    )
    toolbar = (
        f'<div class="toolbar">{chips}'
        f'<select id="f-article" aria-label="{_e(w["all_articles"])}"><option value="">'
        f"{_e(w['all_articles'])}</option>{articles}</select>"
        f'<select id="f-unit" aria-label="{_e(w["all_units"])}"><option value="">'
        f"{_e(w['all_units'])}</option></select>"
        f'<input type="search" id="search" placeholder="{_e(w["search"])}" '
        f'aria-label="{_e(w["search"])}"></div>'
        f'<div class="pager"><button type="button" id="prev">{_e(w["prev"])}</button>'
        f'<span id="shown" data-fmt="{_e(w["shown"])}"></span>'
        f'<button type="button" id="next">{_e(w["next"])}</button></div>'
    )
    notes_html = "".join(f'<p class="note">{_e(x)}</p>' for x in notes)
    return (
        f'{notes_html}<p class="note">{_e(w["click"])}</p>{detail}{toolbar}'
        f'<div class="scroll"><table class="findings" id="findings-table" data-page="{PAGE}" '
        f'data-ex-cmd="{_e(w["explain_cmd"].format(id="{id}", as_of=table.as_of))}">'
        f'<thead><tr>{head}</tr></thead><tbody id="findings-body">'
        f"{_first_page(rows, plan, ctx, lang)}"
        f'<tr><td colspan="8" id="findings-status" data-nostream="{_e(w["nostream"])}">'
        f"{_e(w['loading'])}</td></tr></tbody></table></div>"
        f'<script type="application/octet-stream" id="findings-data" data-rows="{listed}">'
        f"{packed}</script>" + _explanations(table, plan, ctx, ids, lang)
    )


# --- parameters, run, page ----------------------------------------------------------------------


def _params(plan: Plan, lang: str) -> str:
    w = _W[lang]
    head = "".join(
        f"<th>{_e(x)}</th>"
        for x in (
            w["param"],
            w["value"],
            w["default"],
            w["reads"],
            w["reading"],
            w["reason"],
            w["used_by"],
        )
    )
    rows = "".join(
        f'<tr id="param-{_e(p.name)}"><td class="mono">{_e(p.name)}'
        + (
            f' <span class="badge fulfilled_late">{_e(w["overridden"])}</span>'
            if p.overridden
            else ""
        )
        + f'</td><td class="mono">{_e(p.value)}'
        + (f"<br>({_e(basis_name(p.basis, lang))})" if p.basis else "")
        + f'</td><td class="mono">{_e(p.default)}</td>'
        f"<td>{_e(p.reads)}</td><td>{_e(p.reading)}</td><td>{_e(p.reason)}</td>"
        f'<td class="mono">{"<br>".join(_e(r) for r in p.rules)}</td></tr>'
        for p in param_rows(plan, lang)
    )
    return (
        f'<div class="scroll"><table class="params"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


def render_html(
    table: FindingsTable,
    plan: Plan,
    ctx: AuditContext,
    weights: Weights,
    lang: str = "zh",
    within: int = 30,
) -> str:
    """The report as one HTML page (see the module's docstring for what it holds)."""
    w = _W[lang]
    title = pack_title(plan, lang)
    header = Report(as_of=table.as_of, run=table.run, summary=table.summary, findings=[])
    run = "".join(
        f'<tr><th>{_e(k)}</th><td class="mono">{_e(v)}</td></tr>'
        for k, v in run_rows(header, plan, lang, weights.source)
    )
    r = rollup(table, plan, ctx, weights)
    ids, names = list(_IDS), list(_NAV[lang])
    if ctx.since is not None:  # check --store: what changed since the last run
        ids.insert(1, "since")
        names.insert(1, since_words(lang)["since"])
    nav = "".join(f'<a href="#{i}">{_e(n)}</a>' for i, n in zip(ids, names, strict=True))
    bodies = {
        "summary": _summary(table, plan, r, lang),
        "matrix": _matrix(r, plan, lang),
        "scores": _units(r, weights, lang),
        "holders": _holders(r, ctx, lang),
        "todo": _todo(table, ctx, within, lang),
        "findings": _findings(table, plan, ctx, lang),
        "params": _params(plan, lang),
        "run": f'<table class="kv"><tbody>{run}</tbody></table>',
    }
    if ctx.since is not None:
        bodies["since"] = _since(ctx.since, lang)
    sections = "".join(
        f'<section id="{i}"><h2>{_e(n)}</h2>{bodies[i]}</section>'
        for i, n in zip(ids, names, strict=True)
    )
    open_, close = ("（", "）") if lang == "zh" else (" (", ")")
    meta = (
        f"{w['as_of']} {table.as_of} · {table.run.pack}{open_}{plan.rule_count} {w['rules']}"
        f"{close} · {table.run.facts_count} {w['facts']} · hezhang-rules "
        f"{table.run.package_version}"
    )
    return holdable(
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{_e(title)} — {_e(w['report'])} {table.as_of}</title>"
        f"<style>{CSS}</style></head><body>"
        f'<header class="top"><div class="wrap"><h1>{_e(title)}<span>— {_e(w["report"])}</span>'
        f'</h1><p class="meta">{_e(meta)}</p></div></header>'
        f'<nav class="toc"><div class="wrap">{nav}</div></nav>'
        f'<main class="wrap">{sections}</main>'
        f"<footer>{_e(w['footer'])}</footer>"
        f"<script>{JS}</script></body></html>\n"
    )
