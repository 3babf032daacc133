"""Text, Markdown, JSON and JSON-lines renderings of a findings table, and the dispatcher over
every format.

Every format reads a :class:`~hezhang_rules.report.table.FindingsTable`: summaries are
group-bys over it, and the findings list is written batch by batch, each batch's lines made by
polars expressions (never one Python object per finding). Text and Markdown put the summaries
first (totals, scores, counts per article, the roll-up per unit and per person) and the
findings after; ``only`` (``check --only``) keeps the findings of some statuses and says which
were left out, with their counts. Chinese by default, English on request.

:func:`write_report` writes a text format to a stream; :func:`render_report` returns any format
whole (text, or bytes for ``xlsx`` and ``parquet``).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO

import polars as pl

from hezhang_rules.compile.plan import Plan
from hezhang_rules.findings import STATUSES, Report, shown_statuses
from hezhang_rules.report.answers import answers_text
from hezhang_rules.report.context import AuditContext, table_context
from hezhang_rules.report.i18n import (
    GROUP,
    HOLDER_KIND,
    MARK,
    SUPPLIED,
    VERSION_MARK,
    article_heading,
    basis_name,
    pack_title,
    status_name,
    versions_text,
)
from hezhang_rules.report.record import overlay_label, overlays_text, param_rows, run_rows
from hezhang_rules.report.rollup import article_counts, overlay_of
from hezhang_rules.report.safe import holdable, json_text, markdown_code, markdown_text, one_line
from hezhang_rules.report.table import FindingsTable, answerer, write_table_parquet
from hezhang_rules.report.waivers import WORDS as WAIVER_WORDS
from hezhang_rules.report.waivers import columns as waiver_columns
from hezhang_rules.report.waivers import waiver_lines, waiver_rows
from hezhang_rules.report.weights import EQUAL, Weights, formula, scores

FORMATS = ("text", "json", "jsonl", "parquet", "markdown", "html", "xlsx", "junit")
BINARY_FORMATS = ("xlsx", "parquet")
FILTERED_FORMATS = ("text", "markdown", "json", "jsonl")
"""The formats ``only`` applies to (the others summarise every finding)."""

ROLLUP = 20
"""Holders listed in each roll-up (per unit, per person) before "and N more"."""

OPEN = ("violated", "fulfilled_late", "pending")
"""The statuses the roll-ups count: what a holder is answerable for."""

_COLS = {
    "zh": {
        "score": ("归属", "类别", "得分", "已判定"),
        "param": ("参数", "取值", "本次改用", "原文"),
        "finding": ("状态", "发现", "截止", "依据", "编号"),
        "holder": ("责任主体", "类别", "归属"),
    },
    "en": {
        "score": ("counted under", "group", "score", "decided"),
        "param": ("parameter", "value", "overridden", "reads"),
        "finding": ("status", "finding", "due", "evidence", "id"),
        "holder": ("holder", "kind", "counted under"),
    },
}
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
        "evidence": "依据",
        "due": "截止",
        "advisory": "（一般性要求）",
        "versions": "条文版本",
        "overridden": "改用的参数",
        "none": "无检查结果",
        "unchecked": "未由机器检查的条款",
        "n_rules": "{n}条规则",
        "quiet": "无检查结果的条款（描述性条款、未检查条款或没有相关事实）：第",
        "version": "程序版本",
        "scores": "考核得分",
        "score": "得分",
        "decided": "已判定",
        "run": "运行记录",
        "params": "参数",
        "yes": "是",
        "by_article": "各条款检查结果",
        "by_unit": "各负责单位未履行、逾期履行、待履行情况（按严重程度排列；含无人负责的行政区）",
        "by_person": "各负责人未履行、逾期履行、待履行情况（按严重程度排列）",
        "more": "……另有{n}个",
        "nobody": "无",
        "findings": "检查结果清单",
        "left_out": "本报告未列出的检查结果：{items}（--only 只列出：{kept}）",
        "sep": "、",
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
        "evidence": "evidence",
        "due": "due",
        "advisory": " (advisory duty)",
        "versions": "Article versions",
        "overridden": "Parameters overridden",
        "none": "no findings",
        "unchecked": "clauses not checked by machine",
        "n_rules": "{n} rules",
        "quiet": "Articles without findings (descriptive, unchecked, or no facts): ",
        "version": "Package version",
        "scores": "Assessment scores",
        "score": "score",
        "decided": "decided",
        "run": "Run record",
        "params": "Parameters",
        "yes": "yes",
        "by_article": "Findings by article",
        "by_unit": "Answering units (and jurisdictions no one answers for): violated, late and "
        "pending (worst first)",
        "by_person": "Answering people: violated, late and pending (worst first)",
        "more": "… and {n} more",
        "nobody": "none",
        "findings": "Findings",
        "left_out": "Findings not listed in this report: {items} (--only lists: {kept})",
        "sep": ", ",
    },
}


# --- options ---------------------------------------------------------------------------------


def parse_only(text: str | None) -> tuple[str, ...] | None:
    """``--only violated,fulfilled_late``: the statuses named, in report order; ``ValueError``
    naming an unknown one. None (or empty) keeps every status."""
    if not text or not text.strip():
        return None
    named = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in named if s not in STATUSES]
    if unknown:
        raise ValueError(
            f"unknown status `{unknown[0]}` (statuses: {', '.join(STATUSES)})", unknown[0]
        )
    return tuple(s for s in STATUSES if s in named)


def _where(only: Sequence[str] | None) -> pl.Expr | None:
    return None if only is None else pl.col("status").is_in(list(only))


def _left_out(table: FindingsTable, only: Sequence[str] | None, lang: str) -> str | None:
    """The sentence naming the statuses ``only`` leaves out, with their counts; None if none."""
    if only is None:
        return None
    w = _WORDS[lang]
    out = [s for s in STATUSES if s not in only and getattr(table.summary, s)]
    if not out:
        return None
    items = w["sep"].join(f"{status_name(s, lang)} {getattr(table.summary, s)}" for s in out)
    kept = w["sep"].join(status_name(s, lang) for s in only)
    return w["left_out"].format(items=items, kept=kept)


# --- shared pieces ---------------------------------------------------------------------------


def _summary_line(table: FindingsTable, lang: str) -> str:
    s = table.summary
    parts = [f"{status_name(k, lang)} {getattr(s, k)}" for k in shown_statuses(s)]
    return " · ".join(parts) + f" · {_WORDS[lang]['total']} {s.total}"


def _header(table: FindingsTable, plan: Plan, lang: str, esc: Callable[[str], str]) -> list[str]:
    """The report's first lines; ``esc`` makes each value safe in the target format."""
    w = _WORDS[lang]
    title = pack_title(plan, lang)
    r = table.run
    lines = [
        f"{esc(title)} — {w['title']}",
        f"{w['as_of']}: {table.as_of}",
        f"{w['rules']}: {esc(r.pack)} ({w['n_rules'].format(n=plan.rule_count)}, "
        f"{w['digest']} {esc(r.rules_digest[:12])})",
        f"{w['facts']}: {r.facts_count} {w['records']} ({w['digest']} {esc(r.facts_digest[:12])})",
        f"{w['version']}: hezhang-rules {esc(r.package_version)}",
    ]
    overlays = overlays_text(table, plan, lang)
    if overlays:
        lines.append(f"{overlay_label(lang)}: {esc(overlays)}")
    if r.versions:
        lines.append(f"{w['versions']}: {esc(versions_text(r, lang))}")
    if r.parameters_overridden:
        lines.append(
            f"{w['overridden']}: "
            + ", ".join(
                esc(f"{k}={json.dumps(v, ensure_ascii=False)}")
                for k, v in sorted(r.parameters_overridden.items())
            )
        )
    return lines


def _counts_text(row: Mapping[str, int], lang: str, statuses: Sequence[str] = STATUSES) -> str:
    return " · ".join(f"{status_name(s, lang)} {row[s]}" for s in statuses if row[s])


def _rollups(table: FindingsTable) -> tuple[pl.DataFrame, pl.DataFrame, int, int]:
    """Who answers (each finding's ``answerable``) for a violated, late or pending finding,
    worst first (most violated, then late, then pending, then id): (units, and jurisdictions no
    one answers for; people) each cut at ``ROLLUP``, and how many of each were cut."""
    by = table.counts(answerer("kind"), answerer("id"), answerer("name"))
    open_ = by.filter(pl.any_horizontal(pl.col(s) > 0 for s in OPEN)).sort(
        [*OPEN, "id"], descending=[True, True, True, False]
    )
    units = open_.filter(pl.col("kind") != "person")
    people = open_.filter(pl.col("kind") == "person")
    return (
        units.head(ROLLUP),
        people.head(ROLLUP),
        max(units.height - ROLLUP, 0),
        max(people.height - ROLLUP, 0),
    )


def _ordered(
    table: FindingsTable,
    article: int,
    only: Sequence[str] | None,
    overlay: tuple[Plan, str] | None = None,
) -> pl.LazyFrame:
    """One article's findings (of ``only``'s statuses; ``overlay``: of that overlay's article,
    or the base pack's when empty) in listing order: status (worst first), rule, holder, id."""
    where = pl.col("article") == article
    if overlay is not None and overlay[0].overlays:
        where = where & (overlay_of(overlay[0]) == overlay[1])
    if only is not None:
        where = where & pl.col("status").is_in(list(only))
    rank = pl.col("status").replace_strict(
        {s: i for i, s in enumerate(STATUSES)}, return_dtype=pl.Int8
    )
    return (
        table.frame.filter(where)
        .with_columns(rank.alias("_rank"), pl.col("holder").struct.field("id").alias("_hid"))
        .sort("_rank", "rule_id", "_hid", "id")
    )


def _lined(expr: pl.Expr) -> pl.Expr:
    """:func:`one_line` in polars: each line break becomes a space (the rest of ``holdable``
    is applied to the written text as a whole)."""
    return expr.str.replace_all("\r\n|[\r\n\u2028\u2029]", " ")


def _due_marked(lang: str) -> pl.Expr:
    """:func:`~hezhang_rules.report.i18n.due_marked` in polars."""
    supplied = pl.col("details").str.json_path_match("$.due_supplied")
    due = pl.col("due").cast(pl.String).fill_null("")
    before, after = SUPPLIED[lang].split("{name}")
    text = pl.lit(before) + supplied + pl.lit(after)
    marked = (due + "（" + text + "）") if lang == "zh" else (due + " (" + text + ")")
    return pl.when(supplied.is_null()).then(due).otherwise(marked)


def version_mark(lang: str) -> pl.Expr:
    """:data:`~hezhang_rules.report.i18n.VERSION_MARK` of each finding (null when its rule is
    not versioned: ``details.version``)."""
    label = pl.col("details").str.json_path_match("$.version")
    before, after = VERSION_MARK[lang].split("{label}")
    return pl.when(label.is_not_null()).then(pl.lit(before) + label + pl.lit(after))


def _status_word(lang: str) -> pl.Expr:
    return pl.col("status").replace_strict({s: status_name(s, lang) for s in STATUSES})


def _waiver_id(lang: str) -> pl.Expr:
    """``豁免: ID`` / ``waiver: ID`` for a waived finding, else null."""
    waiver = pl.col("waiver").struct.field("id")
    return pl.when(waiver.is_not_null()).then(
        pl.lit(f"{WAIVER_WORDS[lang]['waiver']}: ") + _lined(waiver)
    )


def _message(lang: str) -> pl.Expr:
    return pl.col("message").struct.field("zh" if lang == "zh" else "en")


def _evidence() -> pl.Expr:
    return _lined(pl.col("evidence").list.join(", "))


# --- text ------------------------------------------------------------------------------------


def _text_finding(lang: str) -> pl.Expr:
    """A finding's two lines in the text report."""
    w = _WORDS[lang]
    mark = pl.col("status").replace_strict(MARK)
    adv = (
        pl.when((pl.col("severity") == "advisory") & (pl.col("status") == "violated"))
        .then(pl.lit(w["advisory"]))
        .otherwise(pl.lit(""))
    )
    first = pl.concat_str(
        pl.lit("  "), mark, pl.lit(" ["), _status_word(lang), pl.lit("] "),
        _lined(_message(lang)), adv,
    )  # fmt: skip
    shows_due = (
        pl.col("due").is_not_null()
        & (pl.col("requirement") != "evidence")
        & pl.col("status").is_in(["violated", "pending", "fulfilled_late"])
    )
    due = pl.when(shows_due).then(pl.lit(f"{w['due']}: ") + _due_marked(lang))
    ev = pl.when(pl.col("evidence").list.len() > 0).then(pl.lit(f"{w['evidence']}: ") + _evidence())
    parts = pl.concat_str(
        due,
        ev,
        _waiver_id(lang),
        _lined(version_mark(lang)),
        answers_text(lang),
        separator="; ",
        ignore_nulls=True,
    ).fill_null("")
    second = pl.concat_str(
        pl.lit("      "),
        _lined(pl.col("id")),
        pl.when(parts != "").then(pl.lit(" — ") + parts).otherwise(pl.lit("")),
    )
    return pl.concat_str(first, pl.lit("\n"), second).alias("text")


def _text_summaries(
    table: FindingsTable, plan: Plan, ctx: AuditContext, weights: Weights, lang: str
) -> list[str]:
    w = _WORDS[lang]
    out = ["", f"{w['scores']}: {one_line(formula(weights, lang))}"]
    for sc in scores(table, ctx, weights):
        decided = sum(sc.counts.get(k, 0) for k in ("fulfilled", "fulfilled_late", "violated"))
        value = "—" if sc.score is None else f"{sc.score:.1f}"
        counts: dict[str, int] = {s: sc.counts.get(s, 0) for s in STATUSES}
        group = GROUP[lang][sc.column.group]
        name = one_line(sc.column.column_name)
        label = name if name == group else f"{name} ({group})"
        out.append(
            f"  {label}: {w['score']} {value} · {w['decided']} {decided} · "
            f"{_counts_text(counts, lang)}"
        )
    out += ["", f"{w['by_article']}:"]
    for row in article_counts(table, plan).iter_rows(named=True):
        name, title = article_heading(plan, row["overlay"], row["article"], lang)
        title = one_line(title)
        out.append(f"  {name} {title}: {_counts_text(row, lang)} · {w['total']} {row['total']}")
    units, people, more_units, more_people = _rollups(table)
    blocks = ((w["by_unit"], units, more_units), (w["by_person"], people, more_people))
    for heading, rows, more in blocks:
        out += ["", f"{heading}:"]
        if not rows.height:
            out.append(f"  {w['nobody']}")
        for row in rows.iter_rows(named=True):
            column = ctx.holders[row["id"]].column_name if row["id"] in ctx.holders else ""
            kind = HOLDER_KIND[lang][row["kind"]]
            where = f" · {one_line(column)}" if column and column != row["name"] else ""
            out.append(
                f"  {one_line(row['name'])} ({kind} {one_line(row['id'])}){where}: "
                f"{_counts_text(row, lang, OPEN)}"
            )
        if more:
            out.append("  " + w["more"].format(n=more))
    return out


def write_text(
    table: FindingsTable,
    plan: Plan,
    out: IO[str],
    lang: str = "zh",
    *,
    context: AuditContext | None = None,
    weights: Weights = EQUAL,
    only: Sequence[str] | None = None,
) -> None:
    """The text report: header, summaries, then every article's findings (of ``only``'s
    statuses), written batch by batch."""
    w = _WORDS[lang]
    ctx = context or table_context(None, table, lang)
    unchecked_counts = {a.number: len(a.unchecked) for a in plan.base_articles()}
    head = _header(table, plan, lang, one_line)
    head += ["", f"{w['summary']}: {_summary_line(table, lang)}"]
    left_out = _left_out(table, only, lang)
    if left_out:
        head.append(left_out)
    head += [one_line(line) for line in waiver_lines(table.waivers, lang)]
    head += _text_summaries(table, plan, ctx, weights, lang)
    out.write(holdable("\n".join(head) + "\n"))
    listed = article_counts(table, plan)
    articles = listed.filter(pl.col("overlay") == "").get_column("article").to_list()
    if table.summary.total:
        out.write(f"\n== {w['findings']} ==\n")
    for overlay, article in listed.select("overlay", "article").iter_rows():
        name, title = article_heading(plan, overlay, article, lang)
        out.write(f"\n{name} {one_line(title)}\n")
        found = _ordered(table, article, only, (plan, overlay))
        for batch in _batches(found.select(_text_finding(lang))):
            out.write(holdable(batch.get_column("text").str.join("\n").item() + "\n"))
        unchecked = 0 if overlay else unchecked_counts.get(article, 0)
        if unchecked:
            out.write(f"  {w['unchecked']}: {unchecked}\n")
    quiet = sorted({a.number for a in plan.base_articles()} - set(articles))
    tail: list[str] = []
    if quiet:
        sep, end = ("、", "条") if lang == "zh" else (", ", "")
        tail += ["", w["quiet"] + sep.join(str(n) for n in quiet) + end]
    if not table.summary.total:
        tail += ["", w["none"]]
    if tail:
        out.write("\n".join(tail) + "\n")


def _batches(lf: pl.LazyFrame, size: int = 50_000) -> Iterator[pl.DataFrame]:
    """One article's rows (``_ordered``), collected at once (sorting needs them all, and the
    in-memory engine runs the string expressions in parallel), handed out ``size`` at a time."""
    yield from lf.collect().iter_slices(size)


# --- markdown --------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    """Text of our own making (labels, figures) in a table cell."""
    return one_line(text).replace("|", "\\|")


_MD_SPECIAL = r"([\\`*_\[\]<>!|~&$])"


def _md_text(expr: pl.Expr) -> pl.Expr:
    """:func:`markdown_text` in polars."""
    return _lined(expr).str.replace_all(_MD_SPECIAL, r"\${1}")


def _md_own(expr: pl.Expr) -> pl.Expr:
    """:func:`_md_cell` in polars: our own words on one line, ``|`` escaped."""
    return _lined(expr).str.replace_all("|", "\\|", literal=True)


def _md_code(expr: pl.Expr) -> pl.Expr:
    """:func:`markdown_code` in polars for text without a backtick (a finding id has none
    unless its facts' ids do: ``_md_rows`` falls back to :func:`markdown_code` then)."""
    return pl.concat_str(pl.lit("`"), _md_own(expr), pl.lit("`"))


def _md_rows(batch: pl.DataFrame) -> str:
    """A batch of ``_md_finding`` rows as lines; an id with a backtick fenced by
    :func:`markdown_code`."""
    if batch.get_column("_tick").any():
        ids = pl.Series([markdown_code(i) for i in batch.get_column("id")], dtype=pl.String)
        batch = batch.with_columns(
            pl.when(pl.col("_tick")).then(ids).otherwise(pl.col("_id")).alias("_id")
        )
    text = batch.select(pl.concat_str("text", "_id", pl.lit(" |")).alias("text"))
    return str(text.get_column("text").str.join("\n").item())


def _md_finding(lang: str) -> list[pl.Expr]:
    """A finding's row in the Markdown report: ``text`` up to the id's cell, the cell
    (``_id``), whether the id holds a backtick (``_tick``) and the id."""
    mark = pl.col("status").replace_strict(MARK)
    waiver = pl.col("waiver").struct.field("id")
    status = _md_own(
        pl.concat_str(
            mark,
            pl.lit(" "),
            _status_word(lang),
            pl.when(waiver.is_not_null()).then(pl.lit(" (") + waiver + pl.lit(")")),
            ignore_nulls=True,
        )
    )
    row = pl.concat_str(
        pl.lit("| "),
        status,
        pl.lit(" | "),
        _md_text(_message(lang)),
        pl.when(answers_text(lang).is_not_null())
        .then(pl.lit(" — ") + _md_text(answers_text(lang)))
        .otherwise(pl.lit("")),
        pl.lit(" | "),
        _md_own(_due_marked(lang)),  # our words and a parameter name, not fact text
        # a version's label is the pack's text: escaped as text
        pl.when(version_mark(lang).is_not_null())
        .then(pl.lit("<br>") + _md_text(version_mark(lang)))
        .otherwise(pl.lit("")),
        pl.lit(" | "),
        _md_text(pl.col("evidence").list.join(", ")),
        pl.lit(" | "),
    ).alias("text")
    tick = pl.col("id").str.contains("`", literal=True).alias("_tick")
    return [row, _md_code(pl.col("id")).alias("_id"), tick, pl.col("id")]


def _md_table(cols: Sequence[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(cols) + " |",
        "|" + "---|" * len(cols),
        *("| " + " | ".join(r) + " |" for r in rows),
    ]


def _md_summaries(
    table: FindingsTable, plan: Plan, ctx: AuditContext, weights: Weights, lang: str
) -> list[str]:
    w = _WORDS[lang]
    out = ["", f"## {w['scores']}", "", markdown_text(formula(weights, lang)), ""]
    shown = shown_statuses(table.summary)
    rows = []
    for sc in scores(table, ctx, weights):
        decided = sum(sc.counts.get(k, 0) for k in ("fulfilled", "fulfilled_late", "violated"))
        rows.append(
            [
                markdown_text(sc.column.column_name),
                _md_cell(GROUP[lang][sc.column.group]),
                "—" if sc.score is None else f"{sc.score:.1f}",
                str(decided),
                *(str(sc.counts.get(k, 0)) for k in shown),
            ]
        )
    out += _md_table([*_COLS[lang]["score"], *(status_name(k, lang) for k in shown)], rows)
    out += ["", f"## {w['by_article']}", ""]
    rows = [
        [
            _md_cell(heading[0]),
            markdown_text(heading[1]),
            *(str(r[s]) for s in shown),
            str(r["total"]),
        ]
        for r in article_counts(table, plan).iter_rows(named=True)
        for heading in [article_heading(plan, r["overlay"], r["article"], lang)]
    ]
    first = ("条款", "标题") if lang == "zh" else ("article", "title")
    out += _md_table([*first, *(status_name(s, lang) for s in shown), w["total"]], rows)
    units, people, more_units, more_people = _rollups(table)
    blocks = ((w["by_unit"], units, more_units), (w["by_person"], people, more_people))
    for heading, found, more in blocks:
        out += ["", f"## {markdown_text(heading)}", ""]
        rows = []
        for r in found.iter_rows(named=True):
            info = ctx.holders.get(r["id"])
            rows.append(
                [
                    markdown_text(r["name"]) + " " + markdown_code(r["id"]),
                    _md_cell(HOLDER_KIND[lang][r["kind"]]),
                    markdown_text(info.column_name) if info else "",
                    *(str(r[s]) for s in OPEN),
                ]
            )
        if rows:
            cols = [*_COLS[lang]["holder"], *(status_name(s, lang) for s in OPEN)]
            out += _md_table(cols, rows)
        else:
            out.append(w["nobody"])
        if more:
            out += ["", markdown_text(w["more"].format(n=more))]
    return out


def _md_waivers(table: FindingsTable, lang: str) -> list[str]:
    """The waivers table (docs/waivers.md), none without a waiver file."""
    if not table.waivers:
        return []
    rows = [
        [
            markdown_code(r.id),
            _md_cell(r.state),
            str(r.matched),
            str(r.waived),
            markdown_text(r.approver),
            r.approved,
            r.expires,
            markdown_text(r.reason),
        ]
        for r in waiver_rows(table.waivers, lang)
    ]
    return ["", f"## {WAIVER_WORDS[lang]['title']}", "", *_md_table(waiver_columns(lang), rows)]


def _md_record(table: FindingsTable, plan: Plan, weights: Weights, lang: str) -> list[str]:
    w = _WORDS[lang]
    out = ["", f"## {w['run']}", "", "| | |", "|---|---|"]
    out += [
        f"| {_md_cell(k)} | {markdown_text(v)} |"
        for k, v in run_rows(table, plan, lang, weights.source)
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


def write_markdown(
    table: FindingsTable,
    plan: Plan,
    out: IO[str],
    lang: str = "zh",
    *,
    context: AuditContext | None = None,
    weights: Weights = EQUAL,
    only: Sequence[str] | None = None,
) -> None:
    """The Markdown report: header, summaries, each article's findings table (of ``only``'s
    statuses, written batch by batch), then the run record and the parameters."""
    w = _WORDS[lang]
    ctx = context or table_context(None, table, lang)
    head = _header(table, plan, lang, markdown_text)
    lines = [f"# {head[0]}", ""] + [f"- {line}" for line in head[1:]]
    lines += [
        "",
        f"## {w['summary']}",
        "",
        *_md_table(
            [*(status_name(k, lang) for k in shown_statuses(table.summary)), w["total"]],
            [
                [
                    *(str(getattr(table.summary, k)) for k in shown_statuses(table.summary)),
                    str(table.summary.total),
                ]
            ],
        ),
    ]
    left_out = _left_out(table, only, lang)
    if left_out:
        lines += ["", markdown_text(left_out)]
    lines += _md_waivers(table, lang)
    lines += _md_summaries(table, plan, ctx, weights, lang)
    out.write(holdable("\n".join(lines) + "\n"))
    cols = _COLS[lang]["finding"]
    listed = (
        article_counts(table, plan)
        if only is None
        else article_counts(table, plan).filter(pl.sum_horizontal(list(only)) > 0)
    )
    for overlay, article in listed.select("overlay", "article").iter_rows():
        name, title = article_heading(plan, overlay, article, lang)
        heading = f"## {markdown_text(name)} {markdown_text(title)}"
        head_lines = ["", heading, "", *_md_table(cols, [])]
        out.write("\n".join(head_lines) + "\n")
        found = _ordered(table, article, only, (plan, overlay))
        for batch in _batches(found.select(_md_finding(lang))):
            out.write(holdable(_md_rows(batch) + "\n"))
    out.write(holdable("\n".join(_md_record(table, plan, weights, lang)) + "\n"))


# --- dispatch --------------------------------------------------------------------------------


def write_report(
    table: FindingsTable,
    plan: Plan,
    fmt: str,
    out: IO[str],
    lang: str = "zh",
    *,
    context: AuditContext | None = None,
    weights: Weights = EQUAL,
    only: Sequence[str] | None = None,
) -> None:
    """Write a text format (``FILTERED_FORMATS``) of ``table`` to ``out`` as it is made.

    ``json`` and ``jsonl`` are the findings' lines (:meth:`FindingsTable.write_json`,
    ``write_jsonl``); with ``only`` the header's summary still counts every finding."""
    if fmt == "text":
        write_text(table, plan, out, lang, context=context, weights=weights, only=only)
    elif fmt == "markdown":
        write_markdown(table, plan, out, lang, context=context, weights=weights, only=only)
    elif fmt == "json":
        table.write_json(out, _where(only))
    elif fmt == "jsonl":
        table.write_jsonl(out, _where(only))
    else:
        raise ValueError(f"{fmt} is not written as a stream (see FILTERED_FORMATS)")


def render_report(
    findings: FindingsTable | Report,
    plan: Plan,
    fmt: str = "text",
    lang: str = "zh",
    *,
    context: AuditContext | None = None,
    weights: Weights = EQUAL,
    within: int = 30,
    only: Sequence[str] | None = None,
) -> str | bytes:
    """Render ``findings`` (a table, or a :class:`Report` made into one) in ``fmt`` (see
    FORMATS) and ``lang`` (zh, en), whole.

    ``context`` (from :func:`~hezhang_rules.report.context.table_context`) supplies each
    holder's town or department and the deciding facts; without it holders are grouped by kind
    and explanations list fact ids only. ``only`` keeps the findings of some statuses in the
    ``FILTERED_FORMATS``. ``xlsx`` and ``parquet`` return bytes, every other format text.
    """
    table = (
        findings if isinstance(findings, FindingsTable) else FindingsTable.of_report(findings, plan)
    )
    ctx = context or table_context(None, table, lang)
    if fmt in FILTERED_FORMATS:
        buf = io.StringIO()
        write_report(table, plan, fmt, buf, lang, context=ctx, weights=weights, only=only)
        text = buf.getvalue()
        return json_text(text) if fmt in ("json", "jsonl") else text
    if fmt == "html":
        from hezhang_rules.report.html import render_html

        return render_html(table, plan, ctx, weights, lang, within)
    if fmt == "xlsx":
        from hezhang_rules.report.xlsx import render_xlsx  # openpyxl is loaded only when needed

        return render_xlsx(table, plan, ctx, weights, lang, within)
    if fmt == "junit":
        from hezhang_rules.report.junit import render_junit

        return render_junit(table, plan, lang)
    if fmt == "parquet":  # the jsonl report's fields as columns (report.parquet)
        buf_bytes = io.BytesIO()
        write_table_parquet(table, plan, buf_bytes)
        return buf_bytes.getvalue()
    raise ValueError(f"unknown format {fmt} (formats: {', '.join(FORMATS)})")


__all__ = [
    "BINARY_FORMATS",
    "FILTERED_FORMATS",
    "FORMATS",
    "ROLLUP",
    "parse_only",
    "render_report",
    "write_report",
]
