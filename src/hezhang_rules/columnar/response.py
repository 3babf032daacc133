"""``response`` rules as joins: each trigger, its holders, and the first reply that answers it.

The batch evaluator (``batch.response``) walks the triggers one by one: the holders the duty
falls on, then, per holder, the replies linked to the trigger and bound to the holder, the
first dated on or after the trigger's day deciding the status. Here the same steps are joins
over the whole tables, for the rule shapes whose every test polars can judge exactly
(``columnar_response``): a trigger kind with exact conditions (or ``any`` over a list of nested
records with exact conditions, art. 19's "a main problem was found"), dated fields at the top of
the records, one ``link`` and one ``bind`` to the holder, holders named by a field of the
trigger or taken from the holder spec (``unit``/``post``/``jurisdiction``, scoped by ``within``
to the trigger's place and the places above it).

Every value of a finding is the batch evaluator's: ids, periods, due dates (the trigger's own
``due_field`` or ``due_days`` after it), evidence, texts. The golden corpus and generated worlds
compare the two (tests/columnar).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import polars as pl

from hezhang_rules.columnar.conditions import ancestors, places, supported, visible
from hezhang_rules.columnar.exprs import (
    EXPRS,
    Build,
    Part,
    detail_columns,
    details_expr,
    done_or_not,
    escape_column,
    finding_id,
    finding_struct,
    kept_rows,
    path_expr,
    quoted_or_null,
    render_expr,
    sorted_slices,
    status_counts,
    top_scalar,
)
from hezhang_rules.columnar.holders import spec_holders
from hezhang_rules.columnar.job import Job
from hezhang_rules.compile.plan import PlanRule, ResponsePlan
from hezhang_rules.evaluate import kinds
from hezhang_rules.evaluate.core import Draft, Run
from hezhang_rules.evaluate.periods import Period
from hezhang_rules.evaluate.world import Holder
from hezhang_rules.facts.frames import struct_of
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.facts.schema import PathError, model_fields, resolve_path
from hezhang_rules.facts.tables import Tables

# --- which rules ---------------------------------------------------------------------------


def date_field(kind: str, name: str | None) -> bool:
    if not top_scalar(kind, name):
        return False
    assert name is not None
    return model_fields(FACT_KINDS[kind])[name].scalar is dt.date


def holder_field(kind: str, name: str | None) -> bool:
    """A top-level field of ids (one, or a list of them)."""
    if name is None or "." in name:
        return False
    shape = model_fields(FACT_KINDS[kind]).get(name)
    if shape is None:
        return False
    if shape.kind == "list" and shape.item is not None:
        shape = shape.item
    return shape.kind == "scalar" and bool(shape.ref)


def _date_path(kind: str, path: str) -> bool:
    try:
        shape = resolve_path(FACT_KINDS[kind], path)
    except PathError:
        return False
    return shape.kind == "scalar" and shape.scalar is dt.date


def _trigger_binds(rule: PlanRule) -> list[tuple[str, str]]:
    """The reply's ``trigger.<field>`` binds: (reply field, trigger field)."""
    assert isinstance(rule.requirement, ResponsePlan)
    return [
        (f, t[len("trigger.") :])
        for f, t in rule.requirement.response.bind
        if t.startswith("trigger.")
    ]


def columnar_response(rule: PlanRule) -> bool:
    """Whether ``rule`` is a response rule this module evaluates exactly."""
    req = rule.requirement
    if not isinstance(req, ResponsePlan) or req.trigger_kind is None:
        return False
    if req.each_field is not None or req.trigger_date_fallback is not None:
        return False  # one duty per listed item, or a second date: the batch code's
    tk, rk, sel = req.trigger_kind, req.response.kind, req.response
    if not supported(FACT_KINDS[tk], req.trigger_where) or not date_field(
        tk, req.trigger_date_field
    ):
        return False
    if req.link is None or not top_scalar(rk, req.link):
        return False
    if req.link_to is not None and not top_scalar(tk, req.link_to):
        return False
    if req.due_field is not None and not _date_path(tk, req.due_field):
        return False
    if not supported(FACT_KINDS[rk], sel.where) or not date_field(rk, sel.date_field):
        return False
    holder_binds = [b for b in sel.bind if b[1] == "holder"]
    if len(holder_binds) != 1 or not top_scalar(rk, holder_binds[0][0]):
        return False
    others = _trigger_binds(rule)
    if len(others) + 1 != len(sel.bind):
        return False
    if not all(holder_field(rk, f) and holder_field(tk, t) for f, t in others):
        return False
    h = rule.holder
    if h.way == "field":
        return holder_field(tk, h.field)
    return h.within is None or top_scalar(tk, h.within)


# --- the pieces ----------------------------------------------------------------------------


def holder_names(tables: Tables) -> pl.DataFrame:
    """Every id a field may name as a holder: hid, hkind, hname (``World.holder_for_id``)."""
    frames = []
    for kind, label in (("people", "person"), ("units", "unit"), ("jurisdictions", "jurisdiction")):
        if kind in tables.frames:
            f = tables.frame(kind)
            frames.append(
                f.select(
                    pl.col("id").alias("hid"),
                    pl.lit(label).alias("hkind"),
                    pl.coalesce(pl.col("name"), pl.col("id")).alias("hname"),
                )
            )
    if not frames:
        return pl.DataFrame(schema={"hid": pl.String, "hkind": pl.String, "hname": pl.String})
    return pl.concat(frames)


def holders_on_days(
    rule: PlanRule, run: Run, tables: Tables, triggers: pl.DataFrame, on: str
) -> pl.DataFrame:
    """(tid, hid, hkind, hname) for each trigger (or judged record): ``holders_at`` on the day
    in column ``on``; a ``within`` holder needs the place in column ``__place``."""
    h = rule.holder
    if h.way == "field":
        out = triggers.select("tid", pl.col("__holders").alias("hid"))
        if out.schema["hid"] == pl.List(pl.String):
            out = out.explode("hid")
        out = out.drop_nulls("hid").unique(["tid", "hid"])
        return out.join(holder_names(tables), on="hid", how="inner")
    holders = spec_holders(run, rule)
    days = triggers.select("tid", pl.col(on).alias("__day"), *(["__place"] if h.within else []))
    if h.within is not None:
        placed = days.filter(pl.col("__place").is_not_null())
        above = ancestors(tables, placed.get_column("__place"))
        scoped = (
            placed.join(above, left_on="__place", right_on="place", how="inner")
            .join(holders, left_on="anc", right_on="hjur", how="inner")
            .select("tid", "__day", "hid", "hkind", "hname", "lo", "hi")
        )
        unplaced = (
            days.filter(pl.col("__place").is_null())
            .select("tid", "__day")
            .join(holders.drop("hjur"), how="cross")
        )
        pairs = pl.concat([scoped, unplaced.select(scoped.columns)])
    else:
        pairs = days.join(holders.drop("hjur"), how="cross")
    return (
        pairs.filter((pl.col("lo") <= pl.col("__day")) & (pl.col("__day") <= pl.col("hi")))
        .select("tid", "hid", "hkind", "hname")
        .unique(["tid", "hid"])
    )


# --- evaluation ----------------------------------------------------------------------------


def evaluate_response(rule: PlanRule, req: ResponsePlan, job: Job) -> None:
    """The findings of a ``columnar_response`` rule: dated triggers as a part of the job's,
    undated ones (few: no due date, not applicable) as Python findings."""
    assert req.trigger_kind is not None and req.link is not None
    run, tables, judge, as_of = job.run, job.tables, job.judge, job.as_of
    tk, rk, sel = req.trigger_kind, req.response.kind, req.response
    h = rule.holder
    if tk not in tables.frames:
        return
    cols = [
        pl.col("id").alias("tid"),
        pl.col(req.trigger_date_field or "").alias("day"),
        (path_expr(req.due_field) if req.due_field else pl.lit(None, pl.Date)).alias("stated"),
        (pl.col(req.link_to).cast(pl.String) if req.link_to else pl.col("id")).alias("target"),
    ]
    if h.way == "field":
        cols.append(pl.col(h.field or "").alias("__holders"))
    triggers = tables.frame(tk).filter(visible(tk, as_of))
    triggers = triggers.filter(judge.rows(tk, triggers, req.trigger_where)).select(cols)
    if h.within is not None:
        triggers = triggers.join(
            tables.frame(tk).select(pl.col("id").alias("tid"), pl.col(h.within).alias("pv")),
            on="tid",
            how="left",
        ).join(places(tables).rename({"place": "__place"}), on="pv", how="left")
    undated = triggers.filter(pl.col("day").is_null())
    if undated.height:
        _undated(rule, req, job, undated.with_columns(pl.lit(as_of).alias("day")))
    # ``batch.response``: opened on or after the rules took effect and by the as-of date (a
    # trigger seen now whose opening day is later opens nothing yet)
    dated = triggers.filter(
        pl.col("day").is_not_null()
        & (pl.col("day") >= rule.in_force_from)
        & (pl.col("day") <= as_of)
    )
    duties = dated.join(holders_on_days(rule, run, tables, dated, "day"), on="tid", how="inner")
    bind = next(f for f, t in sel.bind if t == "holder")
    when = pl.col(sel.date_field)
    replies = (tables.frame(rk) if rk in tables.frames else _empty(rk)).filter(
        visible(rk, as_of) & when.is_not_null() & (when <= as_of)
    )
    replies = replies.filter(judge.rows(rk, replies, sel.where))
    bound = _bound_pairs(rule, tables, replies)
    replies = replies.select(
        pl.col("id").alias("rid"),
        when.alias("rdate"),
        pl.col(bind).cast(pl.String).alias("hid"),
        pl.col(req.link).cast(pl.String).alias("target"),
    )
    answers = (
        duties.select("tid", "hid", "target", "day")
        .join(replies, on=["target", "hid"], how="inner")
        .filter(pl.col("rdate") >= pl.col("day"))  # a reply before the duty does not answer it
    )
    if bound is not None:  # the reply names what its trigger.<field> binds ask
        answers = answers.join(bound, on=["tid", "rid"], how="semi")
    first = (
        answers.sort("tid", "hid", "rdate", "rid")
        .unique(["tid", "hid"], keep="first", maintain_order=True)
        .select("tid", "hid", "rid", pl.col("rdate").alias("done"))
    )
    f = duties.join(first, on=["tid", "hid"], how="left").with_columns(
        pl.coalesce(pl.col("stated"), pl.col("day") + pl.duration(days=req.due_days)).alias("due")
    )
    status = kinds.response.status(EXPRS, pl.col("done"), pl.col("due"), pl.lit(as_of))
    f = f.with_columns(status.alias("status")).select(
        "tid", "hid", "hkind", "hname", "day", "due", "rid", "done", "status", "stated"
    )
    f = escape_column(kept_rows(rule, f, "day", "due"), "hname")

    def build(f: pl.DataFrame) -> pl.DataFrame:
        day, due, done = (pl.col(c).cast(pl.String) for c in ("day", "due", "done"))

        def text(lang: str) -> pl.Expr:
            yes, no = kinds.response.DONE, kinds.response.NOT_DONE
            return done_or_not(done, yes, no, lang, opened=day, due=due, done=done)

        f = f.with_columns(
            pl.col("hid").alias("holder_id"),
            pl.col("hname").alias("holder_name"),
            pl.col("day").alias("period_start"),
            pl.col("due").alias("period_end"),
            day.alias("label"),
            pl.concat_list("tid", "rid")
            .list.drop_nulls()
            .list.unique()
            .list.sort()
            .alias("evidence"),
            pl.col("tid").alias("subject"),
            finding_id(rule, pl.col("hid"), pl.col("tid")),
            *detail_columns(text),
        ).with_columns(*render_expr(rule, pl.col("hname"), None))
        details = details_expr(
            kinds.response.DETAIL_KEYS,
            opened=quoted_or_null(day),
            done=quoted_or_null(done),
            due_supplied=_supplied(req),
        )
        return finding_struct(rule, f, details, pl.col("hkind"))

    def chunks(f: pl.DataFrame = f) -> Iterator[Build]:
        return sorted_slices(f, ["hid", "day", "tid"], build)  # the id is rule/holder/trigger

    if f.height:
        job.parts.append(
            Part(
                rule.article,
                rule.id,
                status_counts(f.get_column("status")),
                lambda: build(f),
                chunks,
            )
        )


def _supplied(req: ResponsePlan) -> pl.Expr | None:
    """The ``due_supplied`` member of the details (``evaluate.batch._supplied``), as JSON:
    present when the due date is counted by a supplied parameter, not stated by the trigger
    (null: left out)."""
    if req.due_supplied is None:
        return None
    return pl.when(pl.col("stated").is_null()).then(pl.lit(json.dumps(req.due_supplied)))


def _bound_pairs(rule: PlanRule, tables: Tables, replies: pl.DataFrame) -> pl.DataFrame | None:
    """(tid, rid): the trigger/reply pairs meeting every ``trigger.<field>`` bind — a value of
    the trigger's field is among the reply's (``_trigger_bound``); None when there is none."""
    req = rule.requirement
    assert isinstance(req, ResponsePlan) and req.trigger_kind is not None
    out: pl.DataFrame | None = None
    for reply_field, trigger_field in _trigger_binds(rule):
        theirs = _ids_of(tables.frame(req.trigger_kind), trigger_field, "tid")
        mine = _ids_of(replies, reply_field, "rid")
        pairs = theirs.join(mine, on="__v", how="inner").select("tid", "rid").unique()
        out = pairs if out is None else out.join(pairs, on=["tid", "rid"], how="semi")
    return out


def _ids_of(frame: pl.DataFrame, field: str, name: str) -> pl.DataFrame:
    """(``name``, __v): each record's id beside each id its field names."""
    out = frame.select(pl.col("id").alias(name), pl.col(field).alias("__v"))
    if isinstance(out.schema["__v"], pl.List):
        out = out.explode("__v")
    return out.drop_nulls("__v").with_columns(pl.col("__v").cast(pl.String))


def _empty(kind: str) -> pl.DataFrame:
    """A table of ``kind`` with no rows, in the model's column types."""
    return pl.DataFrame(schema=pl.Schema(struct_of(FACT_KINDS[kind], []).to_schema()))


def _undated(rule: PlanRule, req: ResponsePlan, job: Job, undated: pl.DataFrame) -> None:
    """Triggers without the date the rule reads: not applicable, as ``_undated_trigger`` says."""
    detail = kinds.response.undated(req.trigger_kind, req.trigger_date_field)
    run = job.run
    as_of = run.world.as_of
    rows = holders_on_days(rule, run, job.tables, undated, "day").sort("tid", "hid")
    for tid, hid, hkind, hname in rows.select("tid", "hid", "hkind", "hname").iter_rows():
        # The run is shared with the other columnar rules' thread: the finding is taken as
        # emitted, not read back from ``run.findings``.
        found = run.emit(
            Draft(
                rule,
                Holder(hkind, hid, hname, ()),
                Period(as_of, as_of, "undated"),
                tid,
                "not_applicable",
                None,
                [tid],
                detail,
                {},
                subject=tid,
            )
        )
        if found is not None:  # a versioned rule's other versions judge the rest
            job.python.append(found)
