"""Text, Markdown and JSON renderings of a report, and the dispatcher over every format.

Chinese by default, English on request. ``render_report`` returns text for every format but
``xlsx``, which is bytes.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from itertools import groupby

from hezhang_rules.compile.plan import Plan
from hezhang_rules.findings import STATUSES, Finding, Report, report_lines
from hezhang_rules.report.context import AuditContext, plain_context
from hezhang_rules.report.html import render_html
from hezhang_rules.report.i18n import (
    GROUP,
    MARK,
    article_titles,
    basis_name,
    due_marked,
    pack_title,
    status_name,
)
from hezhang_rules.report.junit import render_junit
from hezhang_rules.report.record import param_rows, run_rows
from hezhang_rules.report.safe import holdable, json_text, markdown_code, markdown_text, one_line
from hezhang_rules.report.table import FindingsTable
from hezhang_rules.report.weights import EQUAL, Weights, formula, scores

FORMATS = ("text", "json", "jsonl", "parquet", "markdown", "html", "xlsx", "junit")
BINARY_FORMATS = ("xlsx", "parquet")

_COLS = {
    "zh": {
        "score": ("归属", "类别", "得分", "已判定"),
        "param": ("参数", "取值", "本次改用", "原文"),
    },
    "en": {
        "score": ("counted under", "group", "score", "decided"),
        "param": ("parameter", "value", "overridden", "reads"),
    },
}
_MARK = MARK
_WORDS = {
    "zh": {
        "title": "合规检查报告",
        "as_of": "检查基准日",
        "rules": "规则包",
        "facts": "事实",
        "records": "条记录",
        "digest": "摘要",
        "summary": "汇总",
        "total": "合计",
        "article": "第{n}条",
        "evidence": "依据",
        "due": "截止",
        "advisory": "（一般性要求）",
        "overridden": "改用的参数",
        "none": "无检查结果",
        "unchecked": "未由机器检查的条款",
        "n_rules": "{n}条规则",
        "quiet": "无检查结果的条款（描述性条款、未检查条款或没有相关事实）：第",
        "version": "程序版本",
        "scores": "考核得分",
        "run": "运行记录",
        "params": "参数",
        "yes": "是",
    },
    "en": {
        "title": "Compliance report",
        "as_of": "As of",
        "rules": "Rule pack",
        "facts": "Facts",
        "records": "records",
        "digest": "digest",
        "summary": "Summary",
        "total": "total",
        "article": "Article {n}",
        "evidence": "evidence",
        "due": "due",
        "advisory": " (advisory duty)",
        "overridden": "Parameters overridden",
        "none": "no findings",
        "unchecked": "clauses not checked by machine",
        "n_rules": "{n} rules",
        "quiet": "Articles without findings (descriptive, unchecked, or no facts): ",
        "version": "Package version",
        "scores": "Assessment scores",
        "run": "Run record",
        "params": "Parameters",
        "yes": "yes",
    },
}


def _order(f: Finding) -> tuple[int, int, str, str, str]:
    return (f.article, STATUSES.index(f.status), f.rule_id, f.holder.id, f.id)


def _summary_line(report: Report, lang: str) -> str:
    s = report.summary
    w = _WORDS[lang]
    parts = [f"{status_name(k, lang)} {getattr(s, k)}" for k in STATUSES]
    return " · ".join(parts) + f" · {w['total']} {s.total}"


def _header(report: Report, plan: Plan, lang: str, esc: Callable[[str], str]) -> list[str]:
    """The report's first lines; ``esc`` makes each value safe in the target format."""
    w = _WORDS[lang]
    title = pack_title(plan, lang)
    r = report.run
    lines = [
        f"{esc(title)} — {w['title']}",
        f"{w['as_of']}: {report.as_of}",
        f"{w['rules']}: {esc(r.pack)} ({w['n_rules'].format(n=len(plan.rules))}, "
        f"{w['digest']} {esc(r.rules_digest[:12])})",
        f"{w['facts']}: {r.facts_count} {w['records']} ({w['digest']} {esc(r.facts_digest[:12])})",
        f"{w['version']}: hezhang-rules {esc(r.package_version)}",
    ]
    if r.parameters_overridden:
        lines.append(
            f"{w['overridden']}: "
            + ", ".join(
                esc(f"{k}={json.dumps(v, ensure_ascii=False)}")
                for k, v in sorted(r.parameters_overridden.items())
            )
        )
    return lines


def render_text(report: Report, plan: Plan, lang: str = "zh") -> str:
    w = _WORDS[lang]
    titles = article_titles(plan, lang)
    unchecked_counts = {a.number: len(a.unchecked) for a in plan.articles}
    out = _header(report, plan, lang, one_line)
    out += ["", f"{w['summary']}: {_summary_line(report, lang)}"]
    for article, group in groupby(sorted(report.findings, key=_order), key=lambda f: f.article):
        out += ["", f"{w['article'].format(n=article)} {one_line(titles.get(article, ''))}"]
        for f in group:
            msg = one_line(f.message.zh if lang == "zh" else f.message.en)
            adv = w["advisory"] if f.severity == "advisory" and f.status == "violated" else ""
            out.append(f"  {_MARK[f.status]} [{status_name(f.status, lang)}] {msg}{adv}")
            parts = []
            if (
                f.due
                and f.requirement != "evidence"
                and f.status in ("violated", "pending", "fulfilled_late")
            ):
                parts.append(f"{w['due']}: {due_marked(f, lang)}")
            if f.evidence:
                parts.append(f"{w['evidence']}: {one_line(', '.join(f.evidence))}")
            out.append(f"      {one_line(f.id)}" + (" — " + "; ".join(parts) if parts else ""))
        unchecked = unchecked_counts.get(article, 0)
        if unchecked:
            out.append(f"  {w['unchecked']}: {unchecked}")
    quiet = sorted({a.number for a in plan.articles} - {f.article for f in report.findings})
    if quiet:
        sep, end = ("、", "条") if lang == "zh" else (", ", "")
        out += ["", w["quiet"] + sep.join(str(n) for n in quiet) + end]
    if not report.findings:
        out += ["", w["none"]]
    return holdable("\n".join(out) + "\n")


def _md_cell(text: str) -> str:
    """Text of our own making (labels, figures) in a table cell."""
    return one_line(text).replace("|", "\\|")


def render_markdown(report: Report, plan: Plan, lang: str = "zh") -> str:
    w = _WORDS[lang]
    titles = article_titles(plan, lang)
    head = _header(report, plan, lang, markdown_text)
    out = [f"# {head[0]}", ""] + [f"- {line}" for line in head[1:]]
    out += [
        "",
        f"## {w['summary']}",
        "",
        "| " + " | ".join(status_name(k, lang) for k in STATUSES) + f" | {w['total']} |",
        "|" + "---|" * (len(STATUSES) + 1),
        "| "
        + " | ".join(str(getattr(report.summary, k)) for k in STATUSES)
        + f" | {report.summary.total} |",
    ]
    cols = (
        ("状态", "发现", "截止", "依据", "编号")
        if lang == "zh"
        else ("status", "finding", "due", "evidence", "id")
    )
    for article, group in groupby(sorted(report.findings, key=_order), key=lambda f: f.article):
        out += [
            "",
            f"## {w['article'].format(n=article)} {markdown_text(titles.get(article, ''))}",
            "",
            "| " + " | ".join(cols) + " |",
            "|---|---|---|---|---|",
        ]
        for f in group:
            msg = f.message.zh if lang == "zh" else f.message.en
            cells = (
                _md_cell(f"{_MARK[f.status]} {status_name(f.status, lang)}"),
                markdown_text(msg),
                _md_cell(due_marked(f, lang)),  # our words and a parameter name, not fact text
                markdown_text(", ".join(f.evidence)),
                markdown_code(f.id),
            )
            out.append("| " + " | ".join(cells) + " |")
    return holdable("\n".join(out) + "\n")


def _md_scores(report: Report, ctx: AuditContext, weights: Weights, lang: str) -> list[str]:
    w = _WORDS[lang]
    cols = [*_COLS[lang]["score"], *(status_name(k, lang) for k in STATUSES)]
    out = [
        "",
        f"## {w['scores']}",
        "",
        markdown_text(formula(weights, lang)),
        "",
        "| " + " | ".join(cols) + " |",
        "|" + "---|" * len(cols),
    ]
    for sc in scores(report, ctx, weights):
        decided = sum(sc.counts.get(k, 0) for k in ("fulfilled", "fulfilled_late", "violated"))
        value = "—" if sc.score is None else f"{sc.score:.1f}"
        cells = [
            markdown_text(sc.column.column_name),
            _md_cell(GROUP[lang][sc.column.group]),
            value,
            str(decided),
            *(str(sc.counts.get(k, 0)) for k in STATUSES),
        ]
        out.append("| " + " | ".join(cells) + " |")
    return out


def _md_record(report: Report, plan: Plan, weights: Weights, lang: str) -> list[str]:
    w = _WORDS[lang]
    out = ["", f"## {w['run']}", "", "| | |", "|---|---|"]
    out += [
        f"| {_md_cell(k)} | {markdown_text(v)} |"
        for k, v in run_rows(report, plan, lang, weights.source)
    ]
    cols = _COLS[lang]["param"]
    out += ["", f"## {w['params']}", "", "| " + " | ".join(cols) + " |", "|---|---|---|---|"]
    for p in param_rows(plan, lang):
        cells = [
            markdown_code(p.name),
            markdown_code(str(p.value))
            + (f" ({markdown_text(basis_name(p.basis, lang))})" if p.basis else ""),
            w["yes"] if p.overridden else "",
            markdown_text(p.reads),
        ]
        out.append("| " + " | ".join(cells) + " |")
    return out


def render_markdown_full(
    report: Report, plan: Plan, lang: str, ctx: AuditContext, weights: Weights
) -> str:
    """Markdown with the assessment scores, the run record and the parameters appended."""
    body = render_markdown(report, plan, lang).rstrip("\n").split("\n")
    extra = _md_scores(report, ctx, weights, lang) + _md_record(report, plan, weights, lang)
    return holdable("\n".join(body + extra) + "\n")


def render_json(report: Report, plan: Plan, lang: str = "zh") -> str:
    return json_text(report.to_json())


def render_jsonl(report: Report, plan: Plan, lang: str = "zh") -> str:
    """A header line (as-of date, run record, summary), then one compact line per finding."""
    return json_text("".join(line + "\n" for line in report_lines(report)))


_RENDERERS: dict[str, Callable[[Report, Plan, str], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "jsonl": render_jsonl,
}


def render_report(
    report: Report,
    plan: Plan,
    fmt: str = "text",
    lang: str = "zh",
    *,
    context: AuditContext | None = None,
    weights: Weights = EQUAL,
    within: int = 30,
) -> str | bytes:
    """Render ``report`` in ``fmt`` (see FORMATS) and ``lang`` (zh, en).

    ``context`` (from :func:`~hezhang_rules.report.context.build_context`) supplies the
    deciding facts and each holder's town or department; without it holders are not grouped and
    explanations list fact ids only. ``xlsx`` and ``parquet`` return bytes, every other format
    text.
    """
    ctx = context or plain_context(report, lang)
    if fmt == "markdown":
        return render_markdown_full(report, plan, lang, ctx, weights)
    if fmt == "html":
        return render_html(FindingsTable.of_report(report, plan), plan, ctx, weights, lang, within)
    if fmt == "xlsx":
        from hezhang_rules.report.xlsx import render_xlsx  # openpyxl is loaded only when needed

        return render_xlsx(FindingsTable.of_report(report, plan), plan, ctx, weights, lang, within)
    if fmt == "junit":
        return render_junit(FindingsTable.of_report(report, plan), plan, lang)
    if fmt == "parquet":  # the jsonl report's fields as columns (report.parquet)
        buf = io.BytesIO()
        from hezhang_rules.report.parquet import report_parquet  # polars: the tables extra

        report_parquet(report, plan, buf)
        return buf.getvalue()
    return _RENDERERS[fmt](report, plan, lang)
