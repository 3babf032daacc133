"""Polars expressions shared by the columnar rules: exact conditions, finding texts, JSON lines.

Each expression here is the column form of one piece of the batch evaluator, and must give the
same values: ``where_expr`` the conditions ``World.check`` judges, ``render_expr``
``messages.render``, ``finding_struct`` ``findings.finding_line`` (keys sorted, compact).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from hezhang_rules.compile.plan import PlanRule
from hezhang_rules.evaluate.messages import STATUS_EN, STATUS_ZH
from hezhang_rules.evaluate.periods import label_zh
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.facts.schema import model_fields

KEYS = ("article", "rule_id", "holder_id", "period_start", "id")
"""Report order inside the findings of one article (see ``findings.finding_order``)."""


def top_scalar(kind: str, name: str | None) -> bool:
    if name is None or "." in name:
        return False
    shape = model_fields(FACT_KINDS[kind]).get(name)
    return shape is not None and shape.kind == "scalar"


def where_expr(kind: str, conds: tuple[Any, ...]) -> pl.Expr | None:
    """The exact polars test for ``conds`` (equals / in / present on top-level scalars), or None."""
    out = pl.lit(True)
    for c in conds:
        if not top_scalar(kind, c.field):
            return None
        col = pl.col(c.field)
        if c.op == "equals" and not isinstance(c.operand, bool | frozenset | tuple):
            out = out & (col == plain(c.operand))
        elif c.op == "in" and isinstance(c.operand, frozenset | tuple | list):
            out = out & in_expr(col, c.operand)
        elif c.op == "present" and isinstance(c.operand, bool):
            out = out & (col.is_not_null() if c.operand else col.is_null())
        else:
            return None
    return out


def in_expr(value: pl.Expr, operand: Any) -> pl.Expr:
    """``value`` is one of ``operand`` (``None`` among them: a missing value is one of them)."""
    wanted = [plain(v) for v in operand if v is not None]
    test = value.is_in(wanted).fill_null(False)
    return test | value.is_null() if None in operand else test


def plain(v: Any) -> Any:
    return getattr(v, "value", v)


def path_expr(path: str) -> pl.Expr:
    head, *rest = path.split(".")
    expr = pl.col(head)
    for part in rest:
        expr = expr.struct.field(part)
    return expr


@dataclass
class Part:
    """Findings of one rule, counted now and encoded only when written (``build``)."""

    article: int
    rule_id: str
    counts: dict[str, int]
    build: Callable[[], pl.DataFrame]  # columns: _KEYS..., status, line
    chunks: Callable[[], Iterator[pl.DataFrame]] | None = None  # the same, in sorted slices


LINES_SCHEMA = {
    "article": pl.Int32,
    "rule_id": pl.String,
    "holder_id": pl.String,
    "period_start": pl.Date,
    "id": pl.String,
    "status": pl.String,
    "line": pl.String,
}


def status_counts(status: pl.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in status.value_counts().iter_rows()}


def render_expr(
    rule: PlanRule,
    name: pl.Expr,
    label: pl.Expr | None,
    status: pl.Expr,
    dzh: pl.Expr,
    den: pl.Expr,
) -> tuple[pl.Expr, pl.Expr]:
    """``messages.render`` as expressions (the same text, built per row)."""
    szh = status.replace_strict(STATUS_ZH, return_dtype=pl.String)
    sen = status.replace_strict(STATUS_EN, return_dtype=pl.String)
    zh_parts: list[pl.Expr] = [pl.lit(f"第{rule.article}条 {rule.title.zh}："), name]
    en_parts: list[pl.Expr] = [pl.lit(f"Art. {rule.article} {rule.title.en}: "), name]
    if label is not None:
        zh_parts += [pl.lit("，"), label.map_elements(label_zh, return_dtype=pl.String)]
        en_parts += [pl.lit(" in "), label]
    zh_parts += [pl.lit("，"), szh]
    en_parts += [pl.lit(" — "), sen]
    zh = pl.concat_str(zh_parts) + pl.when(dzh != "").then(
        pl.concat_str([pl.lit("（"), dzh, pl.lit("）")])
    ).otherwise(pl.lit(""))
    en = pl.concat_str(en_parts) + pl.when(den != "").then(
        pl.concat_str([pl.lit(" ("), den, pl.lit(")")])
    ).otherwise(pl.lit(""))
    return zh, en


def finding_struct(
    rule: PlanRule, f: pl.DataFrame, details: pl.Expr, holder_kind: pl.Expr | None = None
) -> pl.DataFrame:
    """The finding columns → one JSON line each (keys sorted as ``Report.to_json`` sorts them).

    ``f`` has holder_id, holder_name, status, due, evidence, id, msg_zh, msg_en, period_start,
    period_end, label and subject; ``holder_kind`` defaults to people.
    """
    params = [u.name for u in rule.params]
    struct = pl.struct(
        pl.lit(rule.article).alias("article"),
        details.alias("details"),
        pl.col("due").cast(pl.String).alias("due"),
        pl.lit(None, pl.String).alias("escalated_from"),
        pl.col("evidence").alias("evidence"),
        pl.struct(
            pl.col("holder_id").alias("id"),
            (pl.lit("person") if holder_kind is None else holder_kind).alias("kind"),
            pl.col("holder_name").alias("name"),
        ).alias("holder"),
        pl.col("id").alias("id"),
        pl.struct(pl.col("msg_en").alias("en"), pl.col("msg_zh").alias("zh")).alias("message"),
        pl.lit(rule.modality).alias("modality"),
        pl.lit(pl.Series([params] if params else [[]], dtype=pl.List(pl.String)))
        .first()
        .alias("parameters"),
        pl.struct(
            pl.col("period_end").cast(pl.String).alias("end"),
            pl.col("label").alias("label"),
            pl.col("period_start").cast(pl.String).alias("start"),
        ).alias("period"),
        pl.lit(rule.requirement.type).alias("requirement"),
        pl.lit(rule.id).alias("rule_id"),
        pl.lit(rule.severity).alias("severity"),
        pl.lit(str(rule.span)).alias("source"),
        pl.col("status").alias("status"),
        pl.col("subject").alias("subject"),
    )
    return f.select(
        pl.lit(rule.article).alias("article"),
        pl.lit(rule.id).alias("rule_id"),
        pl.col("holder_id"),
        pl.col("period_start"),
        pl.col("id"),
        pl.col("status"),
        struct.struct.json_encode().alias("line"),
    )
