"""Post holders and their obligation instances as columns (no loop over holders).

The columnar ``count`` rules need, per post holder, the periods it answers for: what the batch
evaluator gets from ``World.post_holders`` and ``instances``. :func:`post_instances` computes the
same thing from the appointments, people and jurisdictions frames:

* holders: one per person, every appointment to the rule's roles (at its levels: the level of
  the appointment's jurisdiction; none when the jurisdiction is missing) merged into one tenure
  of disjoint intervals (``merge_intervals``: overlapping or adjacent ones joined, an open end
  is ``date.max``); the name from ``people`` (the id when there is none, as ``name_of``);
* per tenure interval, the periods of the kind overlapping it, cut by the rule's force window
  and the as-of date: the periods listed;
* per holder and period listed, one instance (``instances._clip``): every stretch in post
  inside the period's force window a piece, the clipped period from the first to the last day
  in post, not applicable by the period policy on that span (in-force exempt, tenure exempt,
  fewer days held, the stretches' days, than ``tenure_min_days``).

Three frames come out (:class:`PostInstances`); :func:`emit_not_applicable` turns the not
applicable rows into the batch evaluator's findings through its own ``emit``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

from hezhang_rules.columnar.exprs import LANGS, rows_frame, wording_expr
from hezhang_rules.compile.plan import CountPlan, ForbidPlan, PlanRule
from hezhang_rules.evaluate.core import Draft, Run
from hezhang_rules.evaluate.instances import Instance, instances
from hezhang_rules.evaluate.kinds import Wording
from hezhang_rules.evaluate.kinds.policy import BEFORE_FORCE, TENURE_CUT, TOO_SHORT
from hezhang_rules.evaluate.periods import Period
from hezhang_rules.evaluate.scope import scope_members
from hezhang_rules.evaluate.world import Holder
from hezhang_rules.facts import FACT_KINDS
from hezhang_rules.facts.frames import struct_of
from hezhang_rules.facts.tables import Tables

# The months in each kind of period (every one lies inside a calendar year).
PERIOD_MONTHS = {"year": 12, "half_year": 6, "quarter": 3, "month": 1}

PIECES_SCHEMA: dict[str, pl.DataType] = {
    "iid": pl.Int64(),
    "person": pl.String(),
    "lo": pl.Date(),
    "hi": pl.Date(),
}
_INSTANCE: dict[str, pl.DataType] = {
    "holder_id": pl.String(),
    "holder_name": pl.String(),
    "source_ids": pl.List(pl.String()),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
    "label": pl.String(),
}
"""An instance's holder and clipped period (``instance_row``)."""
INSTS_SCHEMA: dict[str, pl.DataType] = {"iid": pl.Int64(), **_INSTANCE}
NA_SCHEMA: dict[str, pl.DataType] = {
    **_INSTANCE,
    "reason_zh": pl.String(),
    "reason_en": pl.String(),
}


@dataclass(frozen=True)
class PostInstances:
    """A ``count`` rule's instances over post holders, as ``_count`` builds them.

    * ``pieces``: ``iid, person, lo, hi`` — one row per stretch in post inside an applicable
      instance (acts count on ``lo <= day <= hi``);
    * ``insts``: ``iid, holder_id, holder_name, source_ids, period_start, period_end, label`` —
      one row per applicable instance (the period clipped; ``source_ids`` the holder's
      appointments, sorted);
    * ``na``: ``holder_id, holder_name, source_ids, period_start, period_end, label, reason_zh,
      reason_en`` — one row per instance not applicable (the clipped period and the reason
      ``instances._clip`` gives).
    """

    pieces: pl.DataFrame
    insts: pl.DataFrame
    na: pl.DataFrame


def _names(values: Any) -> list[str]:
    return sorted({str(getattr(v, "value", v)) for v in values})


def _days(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.Int64)


def _date(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.Int32).cast(pl.Date)


# Day numbers (days since 1970-01-01) of any date lie in [-719,162, 2,932,896] (years 1 to
# 9999): shifted by _DAY0 they are positive and below _LIFT.
_DAY0 = 1_000_000
_LIFT = 10_000_000


def _empty() -> PostInstances:
    return PostInstances(
        pl.DataFrame(schema=PIECES_SCHEMA),
        pl.DataFrame(schema=INSTS_SCHEMA),
        pl.DataFrame(schema=NA_SCHEMA),
    )


def jurisdictions_in(tables: Tables, scope: str) -> list[str]:
    """``scope`` and the jurisdictions under it (``evaluate.scope.scope_members``, the one
    reading every engine uses), sorted."""
    if "jurisdictions" not in tables.frames:
        return [scope]
    rows = tables.frame("jurisdictions").select("id", "parent").iter_rows()
    parents: dict[str, str | None] = dict(rows)
    return sorted(scope_members(parents, parents.get, scope))


def appointments_to(
    tables: Tables, roles: Any, levels: Any | None, scope: str | None = None
) -> pl.DataFrame:
    """The appointments to one of ``roles`` in a jurisdiction at one of ``levels`` (any
    level when ``levels`` is None; in ``scope`` or below it, if given), as
    ``World.post_holders`` selects them."""
    if "appointments" not in tables.frames:  # no posts: no rows, every column a rule reads
        model = FACT_KINDS["appointments"]
        return pl.DataFrame(schema=pl.Schema(struct_of(model).to_schema()))
    appts = tables.frame("appointments").filter(pl.col("role").is_in(_names(roles)))
    if scope is not None:
        appts = appts.filter(pl.col("jurisdiction").is_in(jurisdictions_in(tables, scope)))
    if levels is None:
        return appts
    if "jurisdictions" not in tables.frames:
        return appts.clear()  # no jurisdiction has a level
    level_of = tables.frame("jurisdictions").select(
        pl.col("id").alias("jurisdiction"), pl.col("level").alias("__level")
    )
    return (
        appts.join(level_of, on="jurisdiction", how="left")
        .filter(pl.col("__level").is_in(_names(levels)))
        .drop("__level")
    )


def post_instances(
    rule: PlanRule, req: CountPlan | ForbidPlan, tables: Tables, as_of: dt.date
) -> PostInstances:
    """The instances ``_count`` gets from ``run.holders`` and ``instances``, as frames."""
    spec = rule.holder
    assert spec.way == "post"
    if "appointments" not in tables.frames:
        return _empty()
    appts = appointments_to(tables, spec.roles, spec.levels, spec.scope).select(
        pl.col("id"),
        pl.col("person"),
        _days("start").alias("a"),
        _days("end")
        .fill_null(dt.date.max.toordinal() - dt.date(1970, 1, 1).toordinal())
        .alias("b"),
    )
    if not appts.height:
        return _empty()

    # Holders: the name (the id when no person record names it) and the appointments.
    holders = appts.group_by("person").agg(pl.col("id").sort().alias("source_ids"))
    if "people" in tables.frames:
        people = tables.frame("people").select(
            pl.col("id").alias("person"), pl.col("name").alias("holder_name")
        )
        holders = holders.join(people, on="person", how="left")
    else:
        holders = holders.with_columns(pl.lit(None, pl.String).alias("holder_name"))
    holders = holders.select(
        pl.col("person"),
        pl.col("holder_name").fill_null(pl.col("person")),
        pl.col("source_ids"),
    )

    # Tenure: merge_intervals per person (sorted by start then end; a new interval starts
    # where the start lies more than a day after every end before it). The latest end so far
    # within a person is one running maximum over the whole frame, of the end lifted by the
    # person's rank (a window per person was 30 times slower at national scale).
    ordered = appts.sort("person", "a", "b")
    first = (pl.col("person") != pl.col("person").shift(1)).fill_null(True)
    lift = first.cum_sum().cast(pl.Int64) * _LIFT + _DAY0
    before = ((pl.col("b") + lift).cum_max() - lift).shift(1)  # a person's first row: `first`
    tenure = (
        ordered.with_columns((first | (pl.col("a") > before + 1)).cum_sum().alias("__run"))
        .group_by("person", "__run")
        .agg(pl.col("a").min().alias("lo"), pl.col("b").max().alias("hi"))
    )

    # Periods of the kind overlapping each interval cut by force and the as-of date.
    epoch = dt.date(1970, 1, 1).toordinal()
    ff = rule.in_force_from.toordinal() - epoch
    fu = (rule.in_force_until or dt.date.max).toordinal() - epoch
    horizon = as_of.toordinal() - epoch
    k = PERIOD_MONTHS[req.per]

    def month_index(days: pl.Expr) -> pl.Expr:
        d = _date(days)
        return (d.dt.year().cast(pl.Int64) * 12 + d.dt.month().cast(pl.Int64) - 1) // k

    span = tenure.with_columns(
        pl.max_horizontal(pl.col("lo"), pl.lit(ff)).alias("__s"),
        pl.min_horizontal(pl.col("hi"), pl.lit(fu), pl.lit(horizon)).alias("__e"),
    ).filter(pl.col("__e") >= pl.col("__s"))
    months = (
        span.with_columns(
            pl.int_ranges(month_index(pl.col("__s")), month_index(pl.col("__e")) + 1).alias("__p")
        )
        .explode("__p")
        .with_columns((pl.col("__p") * k).alias("__m0"), ((pl.col("__p") + 1) * k).alias("__m1"))
    )
    p_start = pl.date(pl.col("__m0") // 12, pl.col("__m0") % 12 + 1, 1).cast(pl.Int32)
    p_next = pl.date(pl.col("__m1") // 12, pl.col("__m1") % 12 + 1, 1).cast(pl.Int32)
    year = (pl.col("__m0") // 12).cast(pl.String)
    part = (pl.col("__m0") % 12) // k + 1
    if req.per == "year":
        label = year
    elif req.per == "half_year":
        label = pl.concat_str(year, pl.lit("-H"), part.cast(pl.String))
    elif req.per == "quarter":
        label = pl.concat_str(year, pl.lit("-Q"), part.cast(pl.String))
    else:
        label = pl.concat_str(year, pl.lit("-"), part.cast(pl.String).str.zfill(2))
    # One row per person and period listed (reached by a stretch in post by the as-of date).
    periods = months.select(
        "person",
        p_start.cast(pl.Int64).alias("ps"),
        (p_next.cast(pl.Int64) - 1).alias("pe"),
        label.alias("label"),
    ).unique(["person", "label"])

    # instances._clip: every stretch in post inside the period's force window (those after
    # the as-of date too), the period judged from the first to the last day in post, cut by
    # the tenure when the stretches leave a day of the window out, and why it does not apply.
    w0, w1 = pl.max_horizontal("ps", pl.lit(ff)), pl.min_horizontal("pe", pl.lit(fu))
    stretches = (
        periods.with_columns(w0.alias("w0"), w1.alias("w1"))
        .join(tenure.select("person", "lo", "hi"), on="person")
        .with_columns(
            pl.max_horizontal("lo", "w0").alias("cs"), pl.min_horizontal("hi", "w1").alias("ce")
        )
        .filter(pl.col("cs") <= pl.col("ce"))  # the stretch has a day in the window
    )
    rows = (
        stretches.group_by("person", "label")
        .agg(
            pl.col("ps").first(),
            pl.col("cs").min(),
            pl.col("ce").max(),
            (pl.col("ce") - pl.col("cs") + 1).sum().alias("held"),  # days in post, gaps left out
            (pl.col("w1") - pl.col("w0") + 1).first().alias("window"),
        )
        .with_columns((pl.col("held") < pl.col("window")).alias("cut"))
    )
    policy = req.periods
    days = pl.col("held")  # ``tenure_min_days`` counts the days held (section 9)
    # The first reason that holds, as ``_clip`` tests them: before force, tenure cut, too short.
    tests: list[tuple[pl.Expr, Wording, dict[str, Any]]] = []
    if policy.in_force == "exempt":
        force_from = rule.in_force_from
        tests.append((pl.lit(ff) > pl.col("ps"), BEFORE_FORCE, {"force_from": force_from}))
    if policy.tenure == "exempt":
        tests.append((pl.col("cut"), TENURE_CUT, {}))
    if policy.tenure_min_days > 0:
        short = pl.col("cut") & (days < policy.tenure_min_days)
        fields = {"days": days.cast(pl.String), "need": policy.tenure_min_days}
        tests.append((short, TOO_SHORT, fields))
    reasons = []
    for lang in LANGS:
        reason: pl.Expr = pl.lit(None, pl.String)
        for test, wording, fields in reversed(tests):
            text = wording_expr(wording, lang, escape=False, **fields)
            reason = pl.when(test).then(text).otherwise(reason)
        reasons.append(reason.alias(f"reason_{lang}"))
    rows = rows.with_columns(reasons)

    # One instance per person and period that applies; its pieces are the stretches in post.
    insts = (
        rows.filter(pl.col("reason_zh").is_null())
        .select("person", "label", "cs", "ce")
        .with_row_index("iid")
    )
    pieces = stretches.join(insts.select("iid", "person", "label"), on=["person", "label"]).select(
        pl.col("iid").cast(pl.Int64),
        pl.col("person"),
        _date(pl.col("cs")).alias("lo"),
        _date(pl.col("ce")).alias("hi"),
    )
    # The instance's columns (``_INSTANCE``): the holder's and the clipped period.
    instance = (
        pl.col("person").alias("holder_id"),
        pl.col("holder_name"),
        pl.col("source_ids"),
        _date(pl.col("cs")).alias("period_start"),
        _date(pl.col("ce")).alias("period_end"),
        pl.col("label"),
    )
    insts = insts.join(holders, on="person").select(pl.col("iid").cast(pl.Int64), *instance)
    na = (
        rows.filter(pl.col("reason_zh").is_not_null())
        .join(holders, on="person")
        .sort("person", "label")
        .select(*instance, pl.col("reason_zh"), pl.col("reason_en"))
    )
    return PostInstances(pieces, insts, na)


def emit_not_applicable(run: Run, rule: PlanRule, na: pl.DataFrame) -> None:
    """The not-applicable findings of ``na``, through ``run.emit`` as ``batch.count`` makes them."""
    for row in na.iter_rows(named=True):
        holder = Holder(
            "person", row["holder_id"], row["holder_name"], (), source_ids=tuple(row["source_ids"])
        )
        label = row["label"]
        run.emit(
            Draft(
                rule,
                holder,
                Period(row["period_start"], row["period_end"], label),
                label,
                "not_applicable",
                None,
                holder.source_ids,
                (row["reason_zh"], row["reason_en"]),
                {},
                label=label,
            )
        )


SPEC_PIECES_SCHEMA: dict[str, pl.DataType] = {
    "iid": pl.Int64(),
    "person": pl.String(),  # the holder's id (a person, unit or jurisdiction)
    "lo": pl.Date(),
    "hi": pl.Date(),
}
SPEC_INSTS_SCHEMA: dict[str, pl.DataType] = {
    **INSTS_SCHEMA,
    "hkind": pl.String(),
    "ps": pl.Date(),  # the period before clipping
    "pe": pl.Date(),
}


def instance_row(holder: Holder, inst: Instance) -> tuple[Any, ...]:
    """An instance's holder and clipped period as a row: ``holder_id, holder_name, source_ids,
    period_start, period_end, label`` (the columns ``insts`` and ``na`` frames begin with)."""
    return (
        holder.id,
        holder.name,
        list(holder.source_ids),
        inst.clipped.start,
        inst.clipped.end,
        inst.period.label,
    )


def spec_holders(run: Run, rule: PlanRule) -> pl.DataFrame:
    """The holder spec's holders, one row per stretch of existence: hid, hkind, hname, hjur,
    lo, hi."""
    return rows_frame(
        (
            (h.id, h.kind, h.name, h.jurisdiction, lo, hi)
            for h in run.holders(rule.holder)
            for lo, hi in h.tenure
        ),
        {
            "hid": pl.String(),
            "hkind": pl.String(),
            "hname": pl.String(),
            "hjur": pl.String(),
            "lo": pl.Date(),
            "hi": pl.Date(),
        },
    )


def spec_instances(
    rule: PlanRule,
    per: str,
    policy: Any,
    run: Run,
    as_of: dt.date,
    until: dt.date | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, list[tuple[Holder, Instance]]]:
    """(pieces, insts, not applicable) for a holder spec of units, jurisdictions or posts,
    from the batch evaluator's own ``run.holders`` and ``instances``.

    There are tens of thousands of such holders, not millions of facts: the holders and their
    periods are listed in Python, exactly as the batch code lists them, and only the matching
    of facts to periods is done in columns. ``insts`` has the clipped period
    (``period_start``/``period_end``) and the whole one (``ps``/``pe``)."""
    pieces: list[tuple[Any, ...]] = []
    insts: list[tuple[Any, ...]] = []
    na: list[tuple[Holder, Instance]] = []
    for holder in run.holders(rule.holder):
        for inst in instances(rule, holder, per, policy, as_of, until):
            if inst.na:
                na.append((holder, inst))
                continue
            iid = len(insts)
            pieces += [(iid, holder.id, p.start, p.end) for p in inst.pieces or (inst.clipped,)]
            period = (inst.period.start, inst.period.end)
            insts.append((iid, *instance_row(holder, inst), holder.kind, *period))
    return rows_frame(pieces, SPEC_PIECES_SCHEMA), rows_frame(insts, SPEC_INSTS_SCHEMA), na


__all__ = [
    "PostInstances",
    "emit_not_applicable",
    "instance_row",
    "post_instances",
    "spec_holders",
    "spec_instances",
]
