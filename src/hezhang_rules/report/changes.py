"""What changed between two runs, by finding id: new breaches, fixed ones, other status changes.

A finding id is stable (the same rule, holder and period give the same id in every run), so two
runs are compared by joining their findings on the id. A **breach** is what the exit-code gate
counts (``cli.gate``): a finding whose status is one of the gate's statuses (the pack's
``breach_statuses``, or ``--fail-on``'s), and mandatory unless advisory findings count too. Each
id whose status differs between the runs is one change:

* ``new_breach``: a breach in the later run that was not one in the earlier (absent, or another
  status);
* ``fixed``: a breach in the earlier run that is not one in the later (another status, or no such
  finding any more: the facts or the period no longer call for it);
* ``changed``: every other difference of status, a finding appearing or disappearing included.

Both sides are frames of :data:`COMPARED` columns: :func:`comparable` makes them from a findings
table's frame (``REPORT_SCHEMA``), the findings store (``hezhang_rules.store``) keeps them. The
``diff`` command prints a :class:`Changes` (:func:`changes_text`, :func:`changes_json`,
:func:`changes_markdown`); the HTML and xlsx reports show one as "since the last run" (the
section's words are :func:`since_words`).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from hezhang_rules.diagnostics import Diagnostic, Span, UsageError, os_reason_zh
from hezhang_rules.findings import STATUSES
from hezhang_rules.report.i18n import status_name

COMPARED: dict[str, pl.DataType] = {
    "id": pl.String(),
    "rule_id": pl.String(),
    "article": pl.Int32(),
    "severity": pl.String(),
    "status": pl.String(),
    "holder_id": pl.String(),
    "holder_name": pl.String(),
    "period_label": pl.String(),
    "due": pl.Date(),
}
"""The columns of a run's findings that a comparison reads (one row per finding id)."""

KINDS = ("new_breach", "fixed", "changed")
"""The kinds of change, in the order they are listed."""

CHANGE_COLUMNS = (
    "change",
    "id",
    "rule_id",
    "article",
    "holder_name",
    "period_label",
    "due",
    "before",
    "after",
)
"""The columns of :attr:`Changes.rows`; ``before`` and ``after`` are statuses (null: absent)."""


def comparable(frame: pl.LazyFrame) -> pl.LazyFrame:
    """A findings table's frame (``REPORT_SCHEMA`` columns) as :data:`COMPARED` columns."""
    holder = pl.col("holder").struct
    return frame.select(
        pl.col("id"),
        pl.col("rule_id"),
        pl.col("article").cast(pl.Int32),
        pl.col("severity"),
        pl.col("status"),
        holder.field("id").alias("holder_id"),
        holder.field("name").alias("holder_name"),
        pl.col("period").struct.field("label").alias("period_label"),
        pl.col("due"),
    )


@dataclass(frozen=True)
class Side:
    """One run compared: a store's run (``run``: its number) or a report file (``file``: its
    name as given), its as-of date and pack."""

    as_of: dt.date
    pack: str
    run: int | None = None
    file: str | None = None

    def label(self, lang: str) -> str:
        """``运行 #3`` / ``run #3``, or the file's name."""
        if self.run is not None:
            return f"运行 #{self.run}" if lang == "zh" else f"run #{self.run}"
        if self.file is None:
            return "本次运行" if lang == "zh" else "this run"
        return self.file

    def to_json(self) -> dict[str, object]:
        return {
            "run": self.run,
            "file": self.file,
            "as_of": self.as_of.isoformat(),
            "pack": self.pack,
        }


@dataclass(frozen=True)
class Changes:
    """The changes from ``before`` to ``after``: ``rows`` (:data:`CHANGE_COLUMNS`, by kind in
    :data:`KINDS` order, then by finding id) and the statuses that made a breach."""

    before: Side
    after: Side
    rows: pl.DataFrame
    breach: tuple[str, ...]
    advisory: bool

    def count(self, kind: str) -> int:
        """How many changes of ``kind``."""
        return int(self.rows.filter(pl.col("change") == kind).height)

    def of(self, kind: str, limit: int | None = None) -> pl.DataFrame:
        """The changes of ``kind``, at most ``limit``."""
        rows = self.rows.filter(pl.col("change") == kind)
        return rows if limit is None else rows.head(limit)


@dataclass(frozen=True)
class Since:
    """What a report shows as "since the last run" (``check --store``): the changes from the
    previous run of the store, or None when the store holds no run to compare with."""

    changes: Changes | None


def compare(
    before: pl.LazyFrame,
    after: pl.LazyFrame,
    breach: frozenset[str],
    *,
    advisory: bool = False,
    sides: tuple[Side, Side],
) -> Changes:
    """The changes between two runs' findings (:data:`COMPARED` frames). ``breach``: the
    gate's statuses; ``advisory``: advisory findings are breaches too (``--fail-on-advisory``)."""
    statuses = pl.Series(sorted(breach), dtype=pl.String)

    def is_breach(status: str, severity: str) -> pl.Expr:
        counted = pl.col(status).is_in(statuses.implode())
        if not advisory:
            counted = counted & (pl.col(severity) == "mandatory")
        return counted.fill_null(False)

    described = ["rule_id", "article", "holder_name", "period_label", "due"]
    a = before.select(["id", "status", "severity", *described])
    b = after.select(["id", "status", "severity", *described])
    joined = a.join(b, on="id", how="full", coalesce=True, suffix="_b")
    was, now = is_breach("status", "severity"), is_breach("status_b", "severity_b")
    rows = (
        joined.with_columns(
            pl.when(now & ~was)
            .then(pl.lit("new_breach"))
            .when(was & ~now)
            .then(pl.lit("fixed"))
            .when(pl.col("status").ne_missing(pl.col("status_b")))
            .then(pl.lit("changed"))
            .alias("change"),
            *[pl.coalesce(f"{c}_b", c).alias(c) for c in described],
        )
        .filter(pl.col("change").is_not_null())
        .select(
            pl.col("change"),
            pl.col("id"),
            *[pl.col(c) for c in described],
            pl.col("status").alias("before"),
            pl.col("status_b").alias("after"),
        )
        .with_columns(pl.col("change").replace_strict(KINDS, range(len(KINDS))).alias("_k"))
        .sort("_k", "id")
        .drop("_k")
        .collect()
    )
    return Changes(sides[0], sides[1], rows, tuple(s for s in STATUSES if s in breach), advisory)


# --- words ----------------------------------------------------------------------------------

_W = {
    "zh": {
        "title": "对比：{a}（基准日 {a_as_of}，规则包 {a_pack}）→ {b}（基准日 {b_as_of}，规则包 "
        "{b_pack}）",
        "summary": "新增违规 {new_breach} 项 · 已纠正 {fixed} 项 · 其他状态变化 {changed} 项",
        "breach": "“违规”指{which}结论处于以下状态之一：{statuses}。",
        "mandatory": "强制性",
        "any": "（含一般性要求的）",
        "new_breach": "新增违规",
        "fixed": "已纠正",
        "changed": "其他状态变化",
        "none": "无",
        "absent": "（无此结论）",
        "id": "编号",
        "article": "条",
        "rule": "规则",
        "holder": "责任主体",
        "period": "期间",
        "due": "截止日",
        "before": "原状态",
        "after": "现状态",
        "change": "变化",
        "art": "第{n}条",
        "more": "另有 {n} 项未列出（完整列表用 diff 命令查看）。",
        "since": "自上次运行以来",
        "since_note": "与{a}（基准日 {a_as_of}）相比：同一规则包中基准日不晚于本次的最近一次"
        "存档运行。",
        "since_none": "存档中没有可比较的上次运行（同一规则包、基准日不晚于本次）。",
    },
    "en": {
        "title": "Comparing {a} (as of {a_as_of}, pack {a_pack}) → {b} (as of {b_as_of}, pack "
        "{b_pack})",
        "summary": "{new_breach} new breaches · {fixed} fixed · {changed} other status changes",
        "breach": "A breach is a {which}finding in one of these statuses: {statuses}.",
        "mandatory": "mandatory ",
        "any": "",
        "new_breach": "New breaches",
        "fixed": "Fixed",
        "changed": "Other status changes",
        "none": "none",
        "absent": "(absent)",
        "id": "Finding",
        "article": "Art.",
        "rule": "Rule",
        "holder": "Holder",
        "period": "Period",
        "due": "Due",
        "before": "Before",
        "after": "After",
        "change": "Change",
        "art": "art. {n}",
        "more": "{n} more not listed (the diff command lists them all).",
        "since": "Since the last run",
        "since_note": "Compared with {a} (as of {a_as_of}): the latest recorded run of the same "
        "pack with an as-of date on or before this one's.",
        "since_none": "The store holds no earlier run to compare with (same pack, as-of date on "
        "or before this one's).",
    },
}


def since_words(lang: str) -> dict[str, str]:
    """The words of a comparison in ``lang`` (titles, column names, notes)."""
    return _W[lang]


def status_or_absent(status: str | None, lang: str) -> str:
    """A status for people, or "absent" for a finding the run does not have."""
    return _W[lang]["absent"] if status is None else status_name(status, lang)


def headline(changes: Changes, lang: str) -> list[str]:
    """The comparison's title, its counts, and what a breach is."""
    w = _W[lang]
    a, b = changes.before, changes.after
    sep = "、" if lang == "zh" else ", "
    return [
        w["title"].format(
            a=a.label(lang),
            a_as_of=a.as_of,
            a_pack=a.pack,
            b=b.label(lang),
            b_as_of=b.as_of,
            b_pack=b.pack,
        ),
        w["summary"].format(**{k: changes.count(k) for k in KINDS}),
        w["breach"].format(
            which=w["any"] if changes.advisory else w["mandatory"],
            statuses=sep.join(status_name(s, lang) for s in changes.breach) or w["none"],
        ),
    ]


def cells(row: dict[str, object], lang: str) -> list[str]:
    """One change as the cells people read: id, article, rule, holder, period, due, before,
    after."""
    w = _W[lang]
    due = row["due"]
    before = row["before"]
    after = row["after"]
    return [
        str(row["id"]),
        w["art"].format(n=row["article"]),
        str(row["rule_id"]),
        str(row["holder_name"] or ""),
        str(row["period_label"] or ""),
        due.isoformat() if isinstance(due, dt.date) else "",
        status_or_absent(before if isinstance(before, str) else None, lang),
        status_or_absent(after if isinstance(after, str) else None, lang),
    ]


def columns(lang: str) -> list[str]:
    """The column names of :func:`cells`."""
    w = _W[lang]
    keys = ("id", "article", "rule", "holder", "period", "due", "before", "after")
    return [w[k] for k in keys]


def changes_text(changes: Changes, lang: str) -> str:
    """The comparison as text: the headline, then each kind's changes, one per line."""
    w = _W[lang]
    lines = headline(changes, lang)
    for kind in KINDS:
        rows = changes.of(kind)
        lines += [
            "",
            f"{w[kind]}（{rows.height}）" if lang == "zh" else f"{w[kind]} ({rows.height})",
        ]
        for row in rows.iter_rows(named=True):
            c = cells(row, lang)
            lines.append(
                f"  {c[0]}  {c[1]}  {c[2]}  {c[3]}  {c[4]}  {c[5]}  {c[6]} → {c[7]}".rstrip()
            )
    return "\n".join(lines) + "\n"


def changes_markdown(changes: Changes, lang: str) -> str:
    """The comparison as Markdown: the headline, then a table per kind of change."""
    w = _W[lang]
    head = headline(changes, lang)
    out = [f"# {head[0]}", "", f"**{head[1]}**", "", head[2]]
    for kind in KINDS:
        rows = changes.of(kind)
        out += [
            "",
            f"## {w[kind]}（{rows.height}）" if lang == "zh" else f"## {w[kind]} ({rows.height})",
            "",
        ]
        if not rows.height:
            out.append(w["none"])
            continue
        names = columns(lang)
        out.append("| " + " | ".join(names) + " |")
        out.append("|" + "---|" * len(names))
        for row in rows.iter_rows(named=True):
            out.append("| " + " | ".join(_md(c) for c in cells(row, lang)) + " |")
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def changes_json(changes: Changes) -> str:
    """The comparison as JSON (codes, not words: a program reads it): both sides, the breach
    statuses, the counts by kind, and every change."""
    rows = changes.rows.with_columns(pl.col("due").dt.to_string("%Y-%m-%d"))
    data = {
        "before": changes.before.to_json(),
        "after": changes.after.to_json(),
        "breach_statuses": list(changes.breach),
        "advisory_counts": changes.advisory,
        "counts": {k: changes.count(k) for k in KINDS},
        "changes": rows.to_dicts(),
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


__all__ = [
    "CHANGE_COLUMNS",
    "COMPARED",
    "KINDS",
    "Changes",
    "Side",
    "Since",
    "cells",
    "changes_json",
    "changes_markdown",
    "changes_text",
    "columns",
    "comparable",
    "compare",
    "headline",
    "read_report_file",
    "since_words",
    "status_or_absent",
]


# --- report files -----------------------------------------------------------------------------

_READ: dict[str, pl.DataType] = {
    "id": pl.String(),
    "rule_id": pl.String(),
    "article": pl.Int32(),
    "severity": pl.String(),
    "status": pl.String(),
    "holder": pl.Struct({"id": pl.String(), "name": pl.String()}),
    "period": pl.Struct({"label": pl.String()}),
    "due": pl.String(),
}
"""What a comparison reads of a ``json`` or ``jsonl`` report's findings (dates as text)."""


def _not_a_report(shown: str, why: str, why_zh: str) -> UsageError:
    return UsageError(
        [
            Diagnostic(
                "hz_diff_bad_report",
                f"not a hezhang-rules report: {why}",
                Span(shown),
                help="compare json, jsonl or parquet reports written by `hezhang-rules check`, "
                "or runs of a findings store (--store)",
                zh=f"不是 hezhang-rules 报告：{why_zh}",
                help_zh="请比较 `hezhang-rules check` 写出的 json、jsonl 或 parquet 报告，"
                "或检查结果存档（--store）中的运行",
            )
        ]
    )


def read_report_file(path: Path, shown: str) -> tuple[Side, pl.LazyFrame]:
    """A ``json``, ``jsonl`` or ``parquet`` report (``check --format …``) as a side of a
    comparison and its :data:`COMPARED` findings; anything else is ``hz_diff_bad_report``
    located at ``shown`` (the file as the user named it)."""
    from hezhang_rules.report.parquet import HEADER_KEY

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(
            [
                Diagnostic(
                    "hz_diff_bad_report",
                    f"cannot read the report: {exc.strerror or exc}",
                    Span(shown),
                    zh=f"无法读取报告：{os_reason_zh(exc)}",
                )
            ]
        ) from None
    try:
        if raw[:4] == b"PAR1":
            meta = pl.read_parquet_metadata(io.BytesIO(raw))
            if HEADER_KEY not in meta:
                raise _not_a_report(
                    shown, "a Parquet file without a report header", "缺少报告头的 Parquet 文件"
                )
            header = json.loads(meta[HEADER_KEY])
            frame = comparable(pl.read_parquet(io.BytesIO(raw)).lazy()).collect()
        else:
            text = raw.decode("utf-8")
            first, _, rest = text.partition("\n")
            head = _json_or_none(first)  # a jsonl report's header line; a json report's is not
            if isinstance(head, dict) and "findings" not in head and "run" in head:  # jsonl
                header = head
                found = (
                    pl.read_ndjson(io.BytesIO(rest.encode()), schema=_READ)
                    if rest.strip()
                    else pl.DataFrame(schema=_READ)
                )
            else:
                header = json.loads(text)
                if not isinstance(header, dict) or not isinstance(header.get("findings"), list):
                    raise _not_a_report(shown, "no findings array", "没有结论列表")
                found = (
                    pl.from_dicts(header["findings"], schema=_READ)
                    if header["findings"]
                    else pl.DataFrame(schema=_READ)
                )
            frame = _read_columns(found)
        side = Side(dt.date.fromisoformat(header["as_of"]), str(header["run"]["pack"]), file=shown)
    except UsageError:
        raise
    except (ValueError, TypeError, KeyError, pl.exceptions.PolarsError) as exc:
        raise _not_a_report(shown, _first(exc), "文件内容不是检查报告的格式") from None
    _check_rows(frame, shown)
    return side, frame.lazy()


def _json_or_none(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _first(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def _read_columns(found: pl.DataFrame) -> pl.DataFrame:
    return found.select(
        pl.col("id"),
        pl.col("rule_id"),
        pl.col("article"),
        pl.col("severity"),
        pl.col("status"),
        pl.col("holder").struct.field("id").alias("holder_id"),
        pl.col("holder").struct.field("name").alias("holder_name"),
        pl.col("period").struct.field("label").alias("period_label"),
        pl.col("due").str.to_date("%Y-%m-%d"),
    )


def _check_rows(frame: pl.DataFrame, shown: str) -> None:
    """Every finding has an id (once), a rule, an article, a severity and a known status."""
    needed = ["id", "rule_id", "article", "severity", "status"]
    missing = [c for c in needed if frame.get_column(c).null_count()]
    if missing:
        raise _not_a_report(
            shown, f"findings without {', '.join(missing)}", f"有结论缺少字段 {'、'.join(missing)}"
        )
    unknown = frame.filter(~pl.col("status").is_in(list(STATUSES)))
    if unknown.height:
        status = unknown.get_column("status")[0]
        raise _not_a_report(shown, f"unknown status `{status}`", f"未知状态 `{status}`")
    twice = frame.filter(pl.col("id").is_duplicated())
    if twice.height:
        fid = twice.get_column("id")[0]
        raise _not_a_report(shown, f"finding `{fid}` listed twice", f"结论 `{fid}` 出现两次")
