"""The to-do view: open duties per holder, by due date, with a warning window.

A to-do is a **pending obligation** (:data:`IS_TODO`): a finding whose status is ``pending`` and
whose rule is not a prohibition. A pending prohibition (art. 29: no penalty in lieu of
prosecution) means only that nothing forbidden has happened yet in a period still running:
there is nothing anyone has to do, so it is never listed as a to-do, in ``todo`` or in any
report's to-do section.

Everything is read from the findings table with polars: the to-dos are filtered from it, their
days left computed against the as-of date, and each holder's column (town, department,
district) joined from ``holders`` (:func:`hezhang_rules.report.context.holder_infos`), so a
province's millions of findings are never Python objects; only the to-dos' rows are walked to
write the text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby
from typing import Any

import polars as pl

from hezhang_rules.compile.plan import Plan
from hezhang_rules.findings import Finding, Report
from hezhang_rules.report.context import HolderInfo
from hezhang_rules.report.i18n import GROUP, HOLDER_KIND, SUPPLIED
from hezhang_rules.report.record import run_lines
from hezhang_rules.report.safe import holdable, json_text, one_line
from hezhang_rules.report.table import FindingsTable, finding_of_row

DEFAULT_WITHIN = 30

IS_TODO: pl.Expr = (
    (pl.col("status") == "pending")
    & (pl.col("modality") != "prohibition")
    & (pl.col("requirement") != "forbid")
)
"""The findings that are to-dos: pending, and not of a prohibition."""

_HOLDER_SCHEMA: dict[str, pl.DataType] = {
    "holder_id": pl.String(),
    "group": pl.String(),
    "column": pl.String(),
    "column_name": pl.String(),
    "order_rank": pl.Int64(),
    "order_key": pl.String(),
}


def todo_holders(table: FindingsTable) -> pl.DataFrame:
    """The holders of the to-dos, each once (columns ``id``, ``kind``, ``name``, by id): what
    :func:`~hezhang_rules.report.context.holder_infos` needs to place them."""
    return (
        table.frame.filter(IS_TODO)
        .select(pl.col("holder").struct.unnest())
        .unique(subset=["id"], keep="first")
        .sort("id")
        .collect()
    )


def todo_frame(
    table: FindingsTable, holders: Mapping[str, HolderInfo], within: int = DEFAULT_WITHIN
) -> pl.DataFrame:
    """One row per to-do, by due date (none last), then holder id, then finding id.

    Columns: ``id``, ``rule_id``, ``article``, ``holder_id``, ``holder_kind``,
    ``holder_name``, ``due``, ``days_left`` (due − as-of, in days), ``due_soon`` (within the
    window, due date included), ``message_zh``, ``message_en``, ``due_supplied`` (the
    parameter a supplied deadline rests on, else null), and the holder's ``group``,
    ``column``, ``column_name`` and display order (``order_rank``, ``order_key``). A holder
    missing from ``holders`` is its own column under "other", as
    :meth:`~hezhang_rules.report.context.AuditContext.holder` places it.
    """
    todo = (
        table.frame.filter(IS_TODO)
        .select(
            "id",
            "rule_id",
            "article",
            pl.col("holder").struct.field("id").alias("holder_id"),
            pl.col("holder").struct.field("kind").alias("holder_kind"),
            pl.col("holder").struct.field("name").alias("holder_name"),
            "due",
            pl.col("message").struct.field("zh").alias("message_zh"),
            pl.col("message").struct.field("en").alias("message_en"),
            pl.col("details").str.json_path_match("$.due_supplied").alias("due_supplied"),
        )
        .collect()
    )
    wanted = set(todo.get_column("holder_id").unique().to_list())
    placed = pl.DataFrame(
        [
            (h.id, h.group, h.column, h.column_name, h.order[0], h.order[1])
            for key, h in holders.items()
            if key in wanted
        ],
        schema=_HOLDER_SCHEMA,
        orient="row",
    )
    left = (pl.col("due") - pl.lit(table.as_of)).dt.total_days()
    other = pl.col("holder_id")
    return (
        todo.join(placed, on="holder_id", how="left")
        .with_columns(
            left.alias("days_left"),
            (left <= within).fill_null(False).alias("due_soon"),
            pl.col("group").fill_null("other"),
            pl.col("column").fill_null(other),
            pl.col("column_name").fill_null(pl.col("holder_name")),
            pl.col("order_rank").fill_null(9),
            pl.col("order_key").fill_null(other),
        )
        .sort(["due", "holder_id", "id"], nulls_last=True)
    )


@dataclass(frozen=True)
class TodoItem:
    """One to-do with its finding, for reports that list a few (HTML, xlsx)."""

    finding: Finding
    holder: HolderInfo
    due: dt.date | None
    days_left: int | None  # due - as_of, in days
    soon: bool  # due within the warning window


def todo_items(
    table: FindingsTable, holders: Mapping[str, HolderInfo], within: int = DEFAULT_WITHIN
) -> list[TodoItem]:
    """Every to-do as a :class:`TodoItem`, in :func:`todo_frame`'s order."""
    rows = todo_frame(table, holders, within)
    full = {
        row["id"]: finding_of_row(row)
        for batch in table.batches(IS_TODO)
        for row in batch.iter_rows(named=True)
    }
    return [
        TodoItem(full[r["id"]], _info(r), r["due"], r["days_left"], r["due_soon"])
        for r in rows.iter_rows(named=True)
    ]


def _info(row: Mapping[str, Any]) -> HolderInfo:
    return HolderInfo(
        row["holder_id"],
        row["holder_name"],
        row["holder_kind"],
        row["group"],
        row["column"],
        row["column_name"],
        (row["order_rank"], row["order_key"]),
    )


_W = {
    "zh": {
        "title": "待办事项（待履行的义务）",
        "none": "没有待履行的义务",
        "soon": "{n}天内到期",
        "window": "预警期: {n}天内到期的标记为 ⚠",
        "left": "还剩{n}天",
        "today": "今天到期",
        "count": "共{n}项，其中{m}项在{d}天内到期",
        "prohibitions": "禁止性规定不列为待办：期间未结束且尚未发生禁止事项，无须采取行动",
    },
    "en": {
        "title": "To do (pending obligations)",
        "none": "no pending obligations",
        "soon": "due within {n} days",
        "window": "warning window: items due within {n} days are marked ⚠",
        "left": "{n} days left",
        "today": "due today",
        "count": "{n} items, {m} of them due within {d} days",
        "prohibitions": "prohibitions are not to-dos: a period still running in which nothing "
        "forbidden has happened asks nothing of anyone",
    },
}


def _left(days: int | None, lang: str) -> str:
    if days is None:
        return ""
    if days == 0:
        return _W[lang]["today"]
    return _W[lang]["left"].format(n=days)


def _item_lines(row: Mapping[str, Any], lang: str) -> list[str]:
    msg = one_line(row["message_zh"] if lang == "zh" else row["message_en"])
    flag = "⚠" if row["due_soon"] else " "
    left = f" · {_left(row['days_left'], lang)}" if row["due"] else ""
    if row["due_supplied"]:
        left += " · " + SUPPLIED[lang].format(name=row["due_supplied"])
    return [f"  {flag} {row['due'] or '—'}  {msg}", f"      {one_line(row['id'])}{left}"]


def _header(table: FindingsTable) -> Report:
    """The report's header (as-of date, run record, summary) without findings."""
    return Report(as_of=table.as_of, run=table.run, summary=table.summary, findings=[])


def render_todo(
    table: FindingsTable,
    plan: Plan,
    holders: Mapping[str, HolderInfo],
    within: int = DEFAULT_WITHIN,
    lang: str = "zh",
) -> str:
    """Text: the items due soon first, then one block per column (district, towns,
    departments) and holder, each holder's items by due date."""
    w = _W[lang]
    items = todo_frame(table, holders, within)
    out = [w["title"], *run_lines(_header(table), plan, lang), w["window"].format(n=within)]
    out += [w["prohibitions"], ""]
    soon = items.filter(pl.col("due_soon"))
    out.append(w["count"].format(n=items.height, m=soon.height, d=within))
    if not items.height:
        out += ["", w["none"]]
    if soon.height:
        out += ["", f"⚠ {w['soon'].format(n=within)}"]
        for row in soon.iter_rows(named=True):
            out += _item_lines(row, lang)
    by_holder = items.sort(
        ["order_rank", "order_key", "column", "holder_id", "due", "id"], nulls_last=True
    )
    for _, column in groupby(by_holder.iter_rows(named=True), key=lambda r: r["column"]):
        out += _column_lines(column, lang)
    return holdable("\n".join(out) + "\n")


def _column_lines(rows: Iterator[dict[str, Any]], lang: str) -> list[str]:
    """One column's block: its heading, then each holder's name and items."""
    first = next(rows)
    group = GROUP[lang][first["group"]]
    name = one_line(first["column_name"])
    heading = name if first["column_name"] == group else f"{group} · {name}"
    out = ["", f"== {heading} =="]
    for _, mine in groupby([first, *rows], key=lambda r: r["holder_id"]):
        block = list(mine)
        h = block[0]
        kind = HOLDER_KIND[lang][h["holder_kind"]]
        out.append(f"{one_line(h['holder_name'])} ({kind} {h['holder_id']})")
        for row in block:
            out += _item_lines(row, lang)
    return out


def render_todo_json(
    table: FindingsTable, holders: Mapping[str, HolderInfo], within: int = DEFAULT_WITHIN
) -> str:
    """``{as_of, within_days, items: [...]}``, the items by due date (docs/report.md)."""
    rows = [
        {
            "id": r["id"],
            "rule_id": r["rule_id"],
            "article": r["article"],
            "holder": {"id": r["holder_id"], "kind": r["holder_kind"], "name": r["holder_name"]},
            "column": r["column"],
            "group": r["group"],
            "due": r["due"].isoformat() if r["due"] else None,
            "days_left": r["days_left"],
            "due_soon": r["due_soon"],
            "message": {"en": r["message_en"], "zh": r["message_zh"]},
        }
        for r in todo_frame(table, holders, within).iter_rows(named=True)
    ]
    doc = {"as_of": table.as_of.isoformat(), "within_days": within, "items": rows}
    return json_text(json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n")


__all__ = [
    "DEFAULT_WITHIN",
    "IS_TODO",
    "TodoItem",
    "render_todo",
    "render_todo_json",
    "todo_frame",
    "todo_holders",
    "todo_items",
]
