"""The summaries of a large report, computed from the findings table with polars group-bys.

The HTML and xlsx reports show the same summaries first: counts by article, by group (district,
townships, departments), by unit (the article × unit matrix), a score per unit, and a roll-up per
answerer — the person or unit each finding's ``answerable`` names (violated, late, pending),
worst first. Each is a group-by over the findings table
(:class:`~hezhang_rules.report.table.FindingsTable`), never a loop over findings, so a report of
millions of findings costs a few scans of its Parquet file.

Holders are placed in their unit (a town, a department or the district) by ``ctx.holders``
(:func:`~hezhang_rules.report.context.holder_infos`); a holder the context does not know is
its own unit, in the group ``other``, as :meth:`AuditContext.holder` places it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from hezhang_rules.compile.plan import Plan
from hezhang_rules.findings import STATUSES
from hezhang_rules.report.context import AuditContext, HolderInfo
from hezhang_rules.report.i18n import article_heading
from hezhang_rules.report.table import FindingsTable, answerer
from hezhang_rules.report.todo import IS_TODO
from hezhang_rules.report.weights import Weights, scores

ACTIONABLE = ("violated", "fulfilled_late", "pending")
"""The statuses an auditor acts on: listed first, and always listed when anything is."""
HOLDER_ID = pl.col("holder").struct.field("id")


def _mapped(infos: Mapping[str, HolderInfo], attr: str, key: pl.Expr) -> pl.Expr:
    """The holder's ``attr`` (``column``) by its id ``key``; the id itself when unknown."""
    keys = list(infos)
    values = [getattr(infos[k], attr) for k in keys]
    return key.replace_strict(keys, values, default=key, return_dtype=pl.String)


def column_expr(ctx: AuditContext) -> pl.Expr:
    """Each finding's unit key (``HolderInfo.column``), as the column ``unit``."""
    return _mapped(ctx.holders, "column", HOLDER_ID).alias("unit")


def overlay_of(plan: Plan) -> pl.Expr:
    """The overlay pack a finding's rule comes from (column ``overlay``; empty for the base
    pack's rules): an overlay's rule ids start with its name (docs/rule-format.md, "Overlays")."""
    expr: pl.Expr = pl.lit("")
    for o in plan.overlays:
        here = pl.col("rule_id").str.starts_with(f"{o.pack}.")
        expr = pl.when(here).then(pl.lit(o.pack)).otherwise(expr)
    return expr.alias("overlay")


def article_counts(table: FindingsTable, plan: Plan) -> pl.DataFrame:
    """Findings per article (``table.counts``), an overlay's articles apart from the base
    pack's (column ``overlay``: its name, empty for the base pack), base articles first."""
    if not plan.overlays:
        return table.counts("article").with_columns(pl.lit("").alias("overlay"))
    return table.counts(overlay_of(plan), "article")


def overlay_article(plan: Plan, lang: str) -> pl.Expr:
    """The short name of the overlay article a finding comes from (``《河西镇河长制工作实施办法》
    第3条``, :func:`~hezhang_rules.report.i18n.article_heading`), as the column
    ``overlay_article``; null for the base pack's findings, which tables show by number."""
    keys, names = [], []
    for a in plan.articles:
        if a.overlay is not None:
            keys.append(f"{a.overlay}.{a.number}")
            names.append(article_heading(plan, a.overlay, a.number, lang, short=True)[0])
    key = pl.concat_str(overlay_of(plan), pl.lit("."), pl.col("article").cast(pl.String))
    named = key.replace_strict(keys, names, default=key, return_dtype=pl.String)
    return pl.when(overlay_of(plan) != "").then(named).alias("overlay_article")


def status_order() -> pl.Expr:
    """A status's rank (violated 0 … not applicable 4): the listing's first sort key."""
    return pl.col("status").replace_strict(list(STATUSES), list(range(len(STATUSES))))


@dataclass(frozen=True)
class UnitRow:
    """One unit (town, department, district): its counts, its score, its holder info."""

    info: HolderInfo
    counts: Mapping[str, int]
    total: int
    score: float | None  # 0-100; None when nothing weighted is decided


@dataclass(frozen=True)
class Rollup:
    """Every summary the HTML and xlsx reports show, from two group-bys."""

    by_article: pl.DataFrame  # overlay, article, statuses…, total (base pack's first, by article;
    # ``overlay``: the overlay pack whose article it is, empty for the base pack)
    by_group: pl.DataFrame  # group, statuses…, total (GROUPS order, present groups only)
    matrix: pl.DataFrame  # overlay, article, unit, statuses…, total
    units: tuple[UnitRow, ...]  # worst first (violated, late, pending desc), then column order
    holders: pl.DataFrame  # per answerer (``answerable``): id, kind, name, unit, statuses…,
    # total: worst first, then id
    listed: dict[str, int]  # findings per status (the summary's counts)


def _unit_info(ctx: AuditContext, columns: Mapping[str, HolderInfo], key: str) -> HolderInfo:
    """The unit ``key`` as the context shows it (``columns``: ``ctx.columns`` by key)."""
    found = columns.get(key)
    if found is not None:
        return found
    holder = ctx.holders.get(key)
    if holder is not None and holder.column == key:
        return holder
    return HolderInfo(key, key, "other", "other", key, key, (9, key))


def rollup(table: FindingsTable, plan: Plan, ctx: AuditContext, weights: Weights) -> Rollup:
    """The summaries of ``table``: two group-bys (by article, rule and unit; by holder)."""
    fine = table.counts("article", "rule_id", column_expr(ctx)).with_columns(overlay_of(plan))
    # an overlay's articles apart from the base pack's (numbered in its own text)
    matrix = fine.group_by("overlay", "article", "unit").agg(pl.col([*STATUSES, "total"]).sum())
    matrix = matrix.sort("overlay", "article", "unit")
    by_article = (
        matrix.group_by("overlay", "article")
        .agg(pl.col([*STATUSES, "total"]).sum())
        .sort("overlay", "article")
    )
    scored = {sc.column.column: sc.score for sc in scores(table, ctx, weights)}
    per_unit = matrix.group_by("unit").agg(pl.col([*STATUSES, "total"]).sum())
    columns = {c.column: c for c in ctx.columns}
    units = [
        UnitRow(
            _unit_info(ctx, columns, row["unit"]),
            {s: int(row[s]) for s in STATUSES},
            int(row["total"]),
            scored.get(row["unit"]),
        )
        for row in per_unit.iter_rows(named=True)
    ]
    units.sort(key=lambda u: (*(-u.counts[s] for s in ACTIONABLE), u.info.order, u.info.column))
    groups = pl.DataFrame(
        {"unit": [u.info.column for u in units], "group": [u.info.group for u in units]},
        schema={"unit": pl.String, "group": pl.String},
    )
    by_group = (
        per_unit.join(groups, on="unit", how="left")
        .group_by("group")
        .agg(pl.col([*STATUSES, "total"]).sum())
    )
    holders = table.counts(answerer("id"))  # who answers (arts. 35-36), not who holds
    names = table.answerers()
    holders = (
        holders.join(names, on="id", how="left")
        .with_columns(_mapped(ctx.holders, "column", pl.col("id")).alias("unit"))
        .sort([*(pl.col(s) for s in ACTIONABLE), pl.col("id")], descending=[True] * 3 + [False])
        .select("id", "kind", "name", "unit", *STATUSES, "total")
    )
    s = table.summary
    return Rollup(
        by_article,
        by_group,
        matrix,
        tuple(units),
        holders,
        {k: int(getattr(s, k)) for k in STATUSES},
    )


def todo_frame(table: FindingsTable, within: int, limit: int | None = None) -> pl.DataFrame:
    """Pending findings due within ``within`` days of the as-of date, by due date, then
    holder, then id; never a prohibition (``forbid``): a pending prohibition means only that
    nothing forbidden has happened yet, not that anything is to be done."""
    last = table.as_of + dt.timedelta(days=within)
    where = (
        IS_TODO  # the to-do view's own test (report/todo.py): one definition of a to-do
        & pl.col("due").is_not_null()
        & (pl.col("due") <= last)
    )
    lf = table.frame.filter(where).sort(pl.col("due"), HOLDER_ID, pl.col("id"), maintain_order=True)
    if limit is not None:
        lf = lf.head(limit)
    return lf.collect()


def listing(table: FindingsTable, statuses: tuple[str, ...], limit: int | None) -> pl.LazyFrame:
    """The findings of ``statuses``, worst first: status, article, rule, holder, id."""
    lf = table.frame.filter(pl.col("status").is_in(list(statuses)))
    lf = lf.with_columns(status_order().alias("_rank")).sort(
        "_rank", "article", "rule_id", HOLDER_ID, "id"
    )
    return lf.head(limit) if limit is not None else lf


def listed_statuses(counts: Mapping[str, int], cap: int) -> tuple[tuple[str, ...], int]:
    """Which statuses a listing holds, and how many rows it holds at most.

    The actionable statuses (violated, late, pending) always; fulfilled and not applicable only
    while the running total stays within ``cap``. The rows are then cut at ``cap``: a listing
    never holds more, whatever the statuses."""
    chosen = list(ACTIONABLE)
    total = sum(counts.get(s, 0) for s in ACTIONABLE)
    for s in STATUSES:
        if s in chosen:
            continue
        if total + counts.get(s, 0) > cap:
            break
        chosen.append(s)
        total += counts.get(s, 0)
    return tuple(s for s in STATUSES if s in chosen), min(total, cap)


__all__ = [
    "ACTIONABLE",
    "Rollup",
    "UnitRow",
    "article_counts",
    "column_expr",
    "listed_statuses",
    "listing",
    "overlay_article",
    "overlay_of",
    "rollup",
    "status_order",
    "todo_frame",
]
