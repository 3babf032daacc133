"""The columnar evaluator: the hot rules as joins and group-bys, the rest by the batch evaluator.

A national year is millions of inspections, opinions and reports but only tens of thousands of
meetings and cases. So the plan is split, rule by rule, generically (nothing here names an
article; ``columnar_rule`` names a rule's shape):

* **columnar rules** — every requirement shape, with conditions judged over whole frames
  (``columnar.conditions.Judge``, equal to ``World.check`` for every operator):

  - ``count`` and ``forbid`` per period, bound by one field to the holder: post holders and
    their periods are frames (``columnar.holders``, checked against the batch evaluator's
    ``post_holders`` and ``instances``); units and jurisdictions (tens of thousands) are listed
    by the batch code's own ``holders`` and ``instances``; the counting is a join of the facts
    with the stretches in post and a group-by;
  - ``deadline``: each holder's years (or the one absolute due date) listed the same way, the
    first delivery per holder and period a join;
  - ``evidence`` on each record of any kind, held by whoever a field names: one pass, one
    finding per record and holder;
  - ``response``: triggers, holders in scope, replies linked and bound, the first reply, as
    joins (``columnar.response``).

* **the batch evaluator** (``evaluate.batch``) runs a rule another rule reads with
  ``finding_of`` and the rule that reads it, over the records they can read: the record kinds
  their selections and ``related`` tests name, units, what those refer to, and of the bulk
  kinds the rows that may meet their ``where`` (a superset computed in columns, the exact test
  left to the batch code; for replies, only those linked to a possible trigger) and the rows
  those refer to. It also lists the unit, jurisdiction and some post holders. This part runs
  on a thread beside the columnar rules.

Findings of both parts become finding columns (``columnar.exprs.finding_struct``; the batch
part's through ``exprs.finding_columns``), rule by rule in report order, and from them
JSON lines (sorted keys, compact, assembled as polars string columns) or the rows of a Parquet
report (``report.parquet``), so the report streams to a file and never exists as one Python
object; ``ColumnarReport.to_report()`` builds the
:class:`~hezhang_rules.findings.Report` for small worlds and tests, where it equals
``hezhang_rules.evaluate`` on the same facts.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import IO, Any, assert_never

import polars as pl
from pydantic import BaseModel

from hezhang_rules.columnar.conditions import Judge, places, supported, visible
from hezhang_rules.columnar.exprs import (
    ANSWERABLE_TYPE,
    EXPRS,
    KEYS,
    LANGS,
    Build,
    Part,
    answer_groups,
    answer_json,
    by_rule,
    detail_columns,
    details_expr,
    done_or_not,
    escape_column,
    finding_columns,
    finding_id,
    finding_struct,
    holder_answers,
    json_text,
    kept_rows,
    lines_of,
    path_expr,
    plain,
    quoted_or_null,
    render_expr,
    rows_frame,
    sorted_slices,
    status_counts,
    top_scalar,
    where_expr,
    wording_expr,
)
from hezhang_rules.columnar.holders import (
    NA_SCHEMA,
    PERIOD_MONTHS,
    appointments_to,
    instance_row,
    post_instances,
    spec_instances,
)
from hezhang_rules.columnar.job import Job
from hezhang_rules.columnar.response import (
    columnar_response,
    date_field,
    evaluate_response,
    holder_field,
    holder_names,
    holders_on_days,
)
from hezhang_rules.columnar.waive import waive_parts
from hezhang_rules.compile.operators import OPERATORS, failed_condition
from hezhang_rules.compile.plan import (
    CountPlan,
    DeadlinePlan,
    EvidencePlan,
    ForbidPlan,
    Plan,
    PlanRule,
    RelatedTest,
    ResponsePlan,
    RoleTest,
    Selection,
    rule_conditions,
    selections,
)
from hezhang_rules.evaluate.answers import Answerers, answer_roles
from hezhang_rules.evaluate.batch import deadline_periods
from hezhang_rules.evaluate.core import Run, WorldSelector, collector_paused, run_record, run_rules
from hezhang_rules.evaluate.instances import Instance
from hezhang_rules.evaluate.kinds import VALUES, count, deadline, evidence, forbid
from hezhang_rules.evaluate.waive import apply_waivers, uses
from hezhang_rules.evaluate.world import Holder, World
from hezhang_rules.facts.bounds import require_as_of
from hezhang_rules.facts.factset import FactSet
from hezhang_rules.facts.models import FACT_KINDS, Fact
from hezhang_rules.facts.schema import FieldShape, PathError, model_fields, resolve_path
from hezhang_rules.facts.tables import BULK_KINDS, Tables, ref_columns
from hezhang_rules.findings import (
    STATUSES,
    DuplicateFindingError,
    Finding,
    Report,
    RunRecord,
    Summary,
    WaiverUse,
    header_line,
    json_head,
    json_tail,
    responsibility,
)
from hezhang_rules.waivers import Waivers

# --- which rules run as columns ------------------------------------------------------------


def _int_field(kind: str, name: str) -> bool:
    shape = model_fields(FACT_KINDS[kind]).get(name)
    return shape is not None and shape.kind == "scalar" and shape.scalar is int


def columnar_rule(rule: PlanRule) -> str | None:
    """``count`` (and ``forbid``), ``deadline``, ``evidence`` or ``response`` if the rule runs
    as columns, else None (batch evaluator)."""
    req = rule.requirement
    match req:
        case CountPlan(per_river=True):
            return None  # one duty per river of the posts: the batch code's
        case CountPlan() | ForbidPlan():
            return "count" if _bound_to_holder(rule, req.select) else None
        case DeadlinePlan():
            yearly = req.period_field is None or _int_field(req.select.kind, req.period_field)
            return "deadline" if yearly and _bound_to_holder(rule, req.select) else None
        case ResponsePlan():
            return "response" if columnar_response(rule) else None
        case EvidencePlan():
            model, h = FACT_KINDS[req.kind], rule.holder
            columnar = (
                (
                    holder_field(req.kind, h.field)
                    if h.way == "field"
                    else h.way in ("post", "unit") and top_scalar(req.kind, h.within)
                )
                and date_field(req.kind, req.date_field)
                and supported(model, req.where)
                and supported(model, req.must)
                # a failure text quoting the record's value is worded by the batch evaluator
                and all(c.label is not None or not OPERATORS[c.op].quotes_value for c in req.must)
            )
            return "evidence" if columnar else None
        case _:
            assert_never(req)


def _bound_to_holder(rule: PlanRule, sel: Selection) -> bool:
    """A selection of post, unit or jurisdiction holders' dated records, bound to the holder
    by one field of ids, with conditions polars judges (``count``, ``forbid``, ``deadline``)."""
    return (
        rule.holder.way in ("post", "unit", "jurisdiction")
        and len(sel.bind) == 1
        and sel.bind[0][1] == "holder"
        and holder_field(sel.kind, sel.bind[0][0])
        and date_field(sel.kind, sel.date_field)
        and supported(FACT_KINDS[sel.kind], sel.where)
    )


def _superset(kind: str, conds: tuple[Any, ...]) -> pl.Expr:
    """Rows that may meet ``conds``: exact where polars can judge, wider where it cannot."""
    out = pl.lit(True)
    for c in conds:
        exact = where_expr(kind, (c,))
        if exact is not None:
            out = out & exact
        elif c.op == "any" and c.field is not None:
            try:
                resolve_path(FACT_KINDS[kind], c.field)
            except PathError:
                continue
            out = out & (path_expr(c.field).list.len() > 0).fill_null(False)
    return out


# --- the report as JSON lines ----------------------------------------------------------------


@dataclass
class ColumnarReport:
    """A report as its header and, per rule, the findings to encode when written.

    Findings of different rules never interleave in report order (article, rule, holder,
    period, id), so the report is written rule by rule: only one rule's lines exist at a time.
    """

    as_of: dt.date
    run: RunRecord
    summary: Summary
    parts: list[Part]
    rules: dict[str, PlanRule]
    waivers: list[WaiverUse] = field(default_factory=list)
    answerers: Answerers | None = None
    """What a rule's ``answers`` other than ``holder`` reads (``None``: no rule needs it)."""

    def rule_builds(self) -> Iterator[Build]:
        """Each rule's findings as builds of sorted finding columns, rule by rule in report
        order (a large rule in slices); each build raises :class:`DuplicateFindingError` if
        two of its findings share an id (``_unique_ids``)."""
        groups: dict[tuple[int, str], list[Part]] = {}
        for part in self.parts:
            groups.setdefault((part.article, part.rule_id), []).append(part)
        for key in sorted(groups):
            group = groups[key]
            if len(group) == 1 and group[0].chunks is not None:
                # a large rule, encoded slice by slice
                yield from (
                    functools.partial(_unique_ids, functools.partial(self._answered, b))
                    for b in group[0].chunks()
                )
                continue
            builds: list[Build] = [functools.partial(self._answered, p.build) for p in group]
            yield functools.partial(_unique_ids, functools.partial(_merged, builds))

    def _answered(self, build: Build) -> pl.DataFrame:
        """``build``'s finding columns with ``answerable`` (the batch part's findings carry
        it already): ``by: holder`` from the holder columns, any other reading resolved by
        ``evaluate.answers`` once per distinct holder and day and joined back."""
        frame = build()
        if "answerable" in frame.columns or not frame.height:
            return frame if "answerable" in frame.columns else _with_null_answers(frame)
        rule = self.rules[frame.get_column("rule_id")[0]]
        if rule.answers.by == "holder":
            return frame.with_columns(holder_answers(rule).alias("answerable"))
        assert self.answerers is not None, "a rule answers by unit or post: resolver built"
        day = pl.min_horizontal(pl.coalesce("due", "period_end"), pl.lit(self.as_of))
        keys = frame.select("hkind", "holder_id", "holder_name", day.alias("aday")).unique()
        answers = [
            answer_json(self.answerers.of(rule, kind, hid, json.loads(f'"{name}"'), d))
            for kind, hid, name, d in keys.iter_rows()
        ]
        keys = keys.with_columns(pl.Series("answerable", answers, dtype=pl.String))
        joined = frame.with_columns(day.alias("aday")).join(
            keys,
            on=["hkind", "holder_id", "holder_name", "aday"],
            how="left",
            maintain_order="left",
        )
        return joined.drop("aday")

    def rule_frames(self) -> Iterator[pl.DataFrame]:
        """Each rule's findings as sorted finding columns (``exprs.FINDING_COLUMNS``), rule by
        rule in report order; no empty frame."""
        for build in self.rule_builds():
            frame = build()
            if frame.height:
                yield frame

    def line_frames(self) -> Iterator[pl.DataFrame]:
        """Each rule's findings as sorted JSON lines (column ``line``), rule by rule."""
        for frame in self.rule_frames():
            yield lines_of(frame, self.rules[frame.get_column("rule_id")[0]])

    def write_jsonl(self, out: IO[str]) -> None:
        """The header, then every rule's lines; a slice's lines are written by a second thread
        while the next slice's are encoded (polars lets go of the interpreter while it writes),
        one at a time and in order. (Two encoders side by side measured no faster on two
        cores: the writer's copying takes the second core.)"""
        out.write(header_line(self.as_of, self.run, self.summary, self.waivers) + "\n")

        def write(frame: pl.DataFrame) -> None:
            # One column, never quoted: each row is written as it is, one per line.
            frame.select("line").write_csv(out, include_header=False, quote_style="never")

        with ThreadPoolExecutor(max_workers=1) as pool:
            pending: Future[None] | None = None
            for frame in self.line_frames():
                if pending is not None:
                    pending.result()
                pending = pool.submit(write, frame)
            if pending is not None:
                pending.result()

    def write_json(self, out: IO[str]) -> None:
        """The ``json`` report (``findings.json_head``, the finding lines joined by ``,\\n``,
        ``findings.json_tail``): the ``jsonl`` report's lines in the ``json`` layout, written
        by polars rule by rule as ``write_jsonl`` writes them (a comma after every line but the
        report's last: each rule's frame is written once the next one is known)."""

        def write(frame: pl.DataFrame, last: bool) -> None:
            comma = pl.col("line") + ","
            if last:  # no comma after the report's last line
                comma = (
                    pl.when(pl.int_range(pl.len()) < pl.len() - 1)
                    .then(comma)
                    .otherwise(pl.col("line"))
                )
            frame.select(comma).write_csv(out, include_header=False, quote_style="never")

        out.write(json_head(self.as_of) + "\n")
        held: pl.DataFrame | None = None
        groups: list[pl.DataFrame] = []  # the roll-up per answerer, counted as written
        for frame in self.rule_frames():
            groups.append(answer_groups(_answer_struct(frame).lazy()).collect())
            lines = lines_of(frame, self.rules[frame.get_column("rule_id")[0]])
            if held is not None:
                write(held, last=False)
            held = lines
        if held is not None:
            write(held, last=True)
        rows = (row for g in groups for row in g.iter_rows())
        tail = json_tail(self.run, self.summary, responsibility(rows), self.waivers)
        out.write(tail[1:])  # its leading newline ends the last line

    def lines(self) -> Iterator[str]:
        """The finding lines in report order (without the header)."""
        for frame in self.line_frames():
            yield from frame.get_column("line")

    def to_report(self) -> Report:
        findings = [Finding.model_validate_json(x) for x in self.lines()]
        return Report(
            as_of=self.as_of,
            run=self.run,
            summary=self.summary,
            findings=findings,
            waivers=self.waivers,
        )


def _unique_ids(build: Build) -> pl.DataFrame:
    """``build``'s finding columns, refused with :class:`DuplicateFindingError` when two rows
    have the same id (the batch part's findings are checked as they are emitted, by ``Run``).

    A build's rows are sorted by holder, period start and id (``KEYS``), and a repeated id
    repeats its holder and its period (the id names both), so the two rows lie side by side:
    comparing each id with the one before finds them (a hash of every id took forty times as
    long: 0.47 s per 500,000 rows). A rule encoded in slices is checked slice by slice, so a
    pair a slice boundary splits (every 500,000 rows) would pass."""
    frame = build()
    ids = frame.get_column("id")
    again = frame.filter(ids == ids.shift(1))
    if again.height:
        raise DuplicateFindingError(again.get_column("id")[0], again.get_column("rule_id")[0])
    return frame


def _merged(builds: list[Build]) -> pl.DataFrame:
    """The findings of a rule found in several parts (the columnar and the batch part),
    sorted."""
    return pl.concat([b() for b in builds]).sort(list(KEYS))


def _answer_struct(frame: pl.DataFrame) -> pl.DataFrame:
    """Finding columns → the columns ``answer_groups`` reads (answerable and holder structs,
    article, status)."""
    holder = pl.struct(
        pl.col("hkind").alias("kind"),
        pl.col("holder_id").alias("id"),
        pl.col("holder_name").alias("name"),
    )
    return frame.select(
        pl.col("answerable").str.json_decode(ANSWERABLE_TYPE),
        holder.alias("holder"),
        pl.col("article"),
        pl.col("status"),
    )


def _with_null_answers(frame: pl.DataFrame) -> pl.DataFrame:
    """An empty build with the ``answerable`` column (so that it concatenates)."""
    return frame.with_columns(pl.lit(None, pl.String).alias("answerable"))


# --- evaluation ------------------------------------------------------------------------------


def _role_specs(rules: list[PlanRule]) -> list[tuple[frozenset[str], frozenset[str] | None]]:
    """Every (roles, levels) the rules ask about: post holders and role tests in conditions."""
    out = [
        (_names(r.holder.roles), _names(r.holder.levels) if r.holder.levels else None)
        for r in rules
        if r.holder.way == "post"
    ]
    for c in (c for r in rules for c in rule_conditions(r)):
        if isinstance(c.operand, RoleTest):
            test = c.operand
            out.append((_names(test.roles), _names(test.levels) if test.levels else None))
    return out


def _names(values: Any) -> frozenset[str]:
    return frozenset(str(plain(v)) for v in values)


def _generic_facts(tables: Tables, generic: list[PlanRule], listing: list[PlanRule]) -> FactSet:
    """Records for the batch evaluator's rules (``generic``) and for the rules whose holders
    the batch code lists (``listing``: units, jurisdictions, posts of a deadline or response):
    the record kinds those rules can read, whole, and of the bulk kinds the rows they can
    read — rows that may meet a generic rule's selection, appointments to a post they name
    (at a level they name), jurisdictions at a level a holder is taken from — and everything
    those rows and records refer to, transitively (parents, people, rivers …)."""
    records: list[Fact] = []
    for kind in sorted(_record_kinds(generic, listing)):
        if kind in tables.frames and kind not in BULK_KINDS:
            records += tables.records(kind)
    bulk = [k for k in BULK_KINDS if k in tables.frames]
    related = _related_kinds([*generic, *listing])
    keep: dict[str, pl.Series] = {}
    for kind in bulk:
        frame = tables.frame(kind)
        wanted = pl.lit(kind in related)
        for rule in generic:
            for sel_kind, where in selections(rule):
                if sel_kind == kind:
                    wanted = wanted | (_superset(kind, where) & _answering(rule, kind, tables))
        keep[kind] = frame.filter(wanted).get_column("id")
    if "appointments" in tables.frames:
        keep["appointments"] = pl.concat([keep["appointments"], _posts(listing, tables)])
    if "jurisdictions" in tables.frames:
        levels = {
            str(plain(v))
            for r in listing
            if r.holder.way == "jurisdiction"
            for v in (r.holder.levels or ())
        }
        at = tables.frame("jurisdictions").filter(pl.col("level").is_in(sorted(levels)))
        keep["jurisdictions"] = pl.concat([keep["jurisdictions"], at.get_column("id")])
    # Close over references: from the records and every bulk row kept, until nothing is new.
    pending = _refs_of_records(records, bulk, tables)
    frontier = dict(keep)
    while frontier:
        for kind, ids in frontier.items():
            rows = tables.frame(kind).filter(pl.col("id").is_in(ids.implode()))
            for target, found in _refs_of_rows(kind, rows, tables).items():
                pending[target] = (
                    pl.concat([pending[target], found]) if target in pending else found
                )
        frontier = {}
        for kind in bulk:
            new = pending.get(kind)
            if new is None or not new.len():
                continue
            new = new.unique()
            add = new.filter(~new.is_in(keep[kind].implode()))
            if add.len():
                keep[kind] = pl.concat([keep[kind], add])
                frontier[kind] = add
        pending = {}
    for kind in bulk:
        records += tables.records(kind, keep[kind].unique())
    # Every reference was checked in columns when the tables were loaded, and the rows kept
    # are closed under references.
    return FactSet.build(records, digest=tables.digest(), references_checked=True)


def _answering(rule: PlanRule, kind: str, tables: Tables) -> pl.Expr:
    """For the replies of a response rule: only those linked to a possible trigger (the rule
    reads no other reply); for any other selection, every row."""
    req = rule.requirement
    if (
        not isinstance(req, ResponsePlan)
        or req.response.kind != kind
        or req.trigger_kind is None
        or req.link is None
        or not top_scalar(kind, req.link)
        or (req.link_to is not None and not top_scalar(req.trigger_kind, req.link_to))
        or req.trigger_kind not in tables.frames
    ):
        return pl.lit(True)
    triggers = tables.frame(req.trigger_kind).filter(_superset(req.trigger_kind, req.trigger_where))
    targets = triggers.get_column(req.link_to or "id").cast(pl.String).drop_nulls()
    return pl.col(req.link).cast(pl.String).is_in(targets.implode())


def _related_kinds(rules: list[PlanRule]) -> set[str]:
    """Kinds a ``related`` condition looks up (records that refer back to the one judged):
    the reference closure does not reach them, so they are kept whole."""
    return {
        c.operand.kind
        for r in rules
        for c in rule_conditions(r)
        if isinstance(c.operand, RelatedTest)
    }


def _record_kinds(generic: list[PlanRule], listing: list[PlanRule]) -> set[str]:
    """The kinds the batch part can read: its rules' selections, kinds looked up by
    ``related``, units (a holder named by a field may be one), and every kind those refer to
    (through the model's references, transitively)."""
    kinds = {k for r in generic for k, _where in selections(r)}
    kinds |= _related_kinds([*generic, *listing]) | {"units"}
    frontier = list(kinds)
    while frontier:
        for target in _referenced(FACT_KINDS[frontier.pop()]):
            if target not in kinds and target in FACT_KINDS:  # not a problem's id
                kinds.add(target)
                frontier.append(target)
    return kinds


def _referenced(model: type[BaseModel]) -> set[str]:
    """The kinds a record of ``model`` may refer to (nested records and lists included)."""
    out: set[str] = set()

    def walk(shape: FieldShape) -> None:
        if shape.ref:
            out.update(shape.ref)
        if shape.item is not None:
            walk(shape.item)
        if shape.kind == "model" and shape.model is not None:
            for inner in model_fields(shape.model).values():
                walk(inner)

    for shape in model_fields(model).values():
        walk(shape)
    return out


def _posts(rules: list[PlanRule], tables: Tables) -> pl.Series:
    """Appointments to any (roles, levels) the rules name (the batch part's rules: the
    columnar ones take their holders from the tables)."""
    ids = [
        appointments_to(tables, roles, levels).get_column("id")
        for roles, levels in _role_specs(rules)
    ]
    return pl.concat(ids).unique() if ids else pl.Series("id", [], pl.String)


def _refs_of_records(records: list[Fact], bulk: list[str], tables: Tables) -> dict[str, pl.Series]:
    from hezhang_rules.facts.factset import iter_refs

    wanted: dict[str, set[str]] = {}
    problems: set[str] = set()
    for f in records:
        for _path, target, kinds in iter_refs(f):
            for k in kinds:
                if k in bulk:
                    wanted.setdefault(k, set()).add(target)
            if "problems" in kinds:
                problems.add(target)
    out = {k: pl.Series("id", sorted(v), pl.String) for k, v in wanted.items()}
    if problems and "inspections" in tables.frames:
        holders = (
            tables.frame("inspections")
            .select("id", pl.col("record").struct.field("problems").alias("p"))
            .explode("p")
            .filter(pl.col("p").struct.field("id").is_in(sorted(problems)))
            .get_column("id")
        )
        prev = out.get("inspections")
        out["inspections"] = holders if prev is None else pl.concat([prev, holders])
    return out


def _refs_of_rows(kind: str, rows: pl.DataFrame, tables: Tables) -> dict[str, pl.Series]:
    """Ids that ``rows`` of a bulk kind refer to, by target kind (references are validated)."""
    out: dict[str, pl.Series] = {}
    for _path, kinds, expr, is_list in ref_columns(FACT_KINDS[kind], rows.schema):
        vals = rows.select(expr.alias("v"))
        if is_list:
            vals = vals.explode("v")
        ids = vals.get_column("v").drop_nulls()
        for target in kinds:  # an id of another kind (people or units) matches no row there
            if target in tables.frames:
                out[target] = pl.concat([out[target], ids]) if target in out else ids
    return out


def _count(rule: PlanRule, req: CountPlan | ForbidPlan, job: Job) -> None:
    """Per holder and period: the holders and their periods as frames (``post_instances``
    for posts, checked against the batch code's ``post_holders`` and ``instances``;
    ``spec_instances`` for units and jurisdictions), the counting as a join and a group-by."""
    sel, tables, as_of = req.select, job.tables, job.as_of
    if rule.holder.way == "post":
        found = post_instances(rule, req, tables, as_of)
        pieces, insts = found.pieces, found.insts.with_columns(pl.lit("person").alias("hkind"))
        na = found.na.with_columns(pl.lit("person").alias("hkind"))
    else:
        pieces, insts, listed = spec_instances(rule, req.per, req.periods, job.run, as_of)
        na = _na_frame(listed)
    if not insts.height and not na.height:
        return
    facts = _selected(sel, tables, job.judge, as_of).select(
        pl.col("fid"), pl.col("holder").alias("person"), pl.col("day")
    )
    at_least = req.at_least if isinstance(req, CountPlan) else 1
    ids = pl.col("fid")
    twice = sel.kind in tables.frames and isinstance(
        tables.frame(sel.kind).schema.get(sel.bind[0][0]), pl.List
    )
    # Every piece lies inside one period (year, half year, quarter or month): the join is on
    # the holder and that period, not on the holder alone (a national world's half-yearly
    # count joined every inspection to each of its inspector's pieces, twice the rows).
    months = PERIOD_MONTHS[req.per]

    def period(day: str) -> pl.Expr:
        d = pl.col(day)
        return (d.dt.year().cast(pl.Int32) * 12 + d.dt.month().cast(pl.Int32) - 1) // months

    hits = (
        pieces.with_columns(period("lo").alias("__p"))
        .join(facts.with_columns(period("day").alias("__p")), on=["person", "__p"], how="inner")
        # An instance's pieces are disjoint stretches: a record falls in one of them at most.
        .filter((pl.col("day") >= pl.col("lo")) & (pl.col("day") <= pl.col("hi")))
        .group_by("iid")
        .agg(
            pl.len().alias("count"),
            # evidence: each record once (a record names a holder twice only through a list)
            (ids.unique().sort() if twice else ids.sort()).alias("ids"),
            _nth_day(at_least).alias("done"),
        )
    )
    f = insts.join(hits, on="iid", how="left").with_columns(
        pl.col("count").fill_null(0).cast(pl.Int64),
    )
    n, end, today = pl.col("count").cast(pl.String), pl.col("period_end"), pl.lit(as_of)
    match req:
        case ForbidPlan():
            status = forbid.status(EXPRS, pl.col("count"), end, today)
            details = details_expr(forbid.DETAIL_KEYS, count=n)

            def text(lang: str) -> pl.Expr:
                return wording_expr(forbid.DETAIL, lang, count=n)

        case CountPlan():
            k = req.at_least
            if k == 0:  # met at once
                f = f.with_columns(
                    pl.min_horizontal(pl.col("period_start"), pl.col("period_end")).alias("done")
                )
            status = count.status(EXPRS, pl.col("count"), pl.lit(k), pl.col("done"), end, today)
            details = details_expr(count.DETAIL_KEYS, count=n, required=str(k))
            start_s, end_s = pl.col("period_start").cast(pl.String), end.cast(pl.String)

            def text(lang: str) -> pl.Expr:
                return wording_expr(
                    count.DETAIL, lang, start=start_s, end=end_s, count=n, required=k
                )

        case never:
            assert_never(never)
    # Periods that do not apply (tenure or force exempt, too short): no count, the reason
    # as the detail, the holder's appointments as evidence (``batch.count``).
    f = pl.concat(
        [
            f.with_columns(
                pl.lit(None, pl.String).alias("reason_zh"),
                pl.lit(None, pl.String).alias("reason_en"),
            ),
            na,
        ],
        how="diagonal_relaxed",
    )
    applicable = pl.col("reason_zh").is_null()
    f = _escape_reasons(f).with_columns(
        *_judged(applicable, status, text, details),
        pl.when(applicable & (pl.col("count") > 0))
        .then(pl.col("ids"))
        .otherwise(pl.col("source_ids"))
        .alias("evidence"),
        pl.when(applicable).then(pl.col("period_end")).alias("due"),
        pl.lit(None, pl.String).alias("subject"),
        finding_id(rule, pl.col("holder_id"), pl.col("label")),
    )

    f = kept_rows(rule, f, "period_start", "period_end")
    build = functools.partial(_encoded, rule, pl.col("label"))
    chunks = functools.partial(sorted_slices, f, ["holder_id", "period_start", "id"], build)
    counts = status_counts(f.get_column("status"))
    job.parts.append(Part(rule.article, rule.id, counts, functools.partial(build, f), chunks))


def _encoded(rule: PlanRule, label: pl.Expr | None, f: pl.DataFrame) -> pl.DataFrame:
    """A dated duty's findings (``count``, ``forbid``, ``deadline``) as ``finding_struct``
    gives them: the holder's name escaped, the messages rendered (naming the period
    ``label``, if any)."""
    f = escape_column(f, "holder_name")
    f = f.with_columns(*render_expr(rule, pl.col("holder_name"), label))
    return finding_struct(rule, f, pl.col("details"), pl.col("hkind"))


def _escape_reasons(f: pl.DataFrame) -> pl.DataFrame:
    """``f`` with the reasons a period does not apply escaped for a JSON string (a reason
    quotes the parameters: dates, numbers)."""
    return escape_column(escape_column(f, "reason_zh"), "reason_en")


def _judged(
    applicable: pl.Expr, status: pl.Expr, text: Callable[[str], pl.Expr], details: pl.Expr
) -> list[pl.Expr]:
    """The columns ``status``, ``dzh``, ``den`` and ``details`` of a dated duty's findings:
    the kind's where ``applicable``, else ``not_applicable`` with the reason as the detail and
    no details."""
    return [
        pl.when(applicable).then(status).otherwise(pl.lit("not_applicable")).alias("status"),
        *detail_columns(text, applicable),
        pl.when(applicable).then(details).otherwise(pl.lit("{}")).alias("details"),
    ]


def _nth_day(k: int) -> pl.Expr:
    """The day of a group's k-th record (by day): when its count reached ``k``."""
    if k <= 0:
        return pl.lit(None, pl.Date)
    if k == 1:
        return pl.col("day").min()
    return pl.col("day").sort().get(k - 1, null_on_oob=True)


def _deadline(rule: PlanRule, req: DeadlinePlan, job: Job) -> None:
    """``batch.deadline``: the holders and their years (or the one absolute due date) listed by
    the batch code's own ``holders`` and ``deadline_periods`` (units and jurisdictions: tens of
    thousands), the first delivery per holder and period found by a join."""
    tables, as_of = job.tables, job.as_of
    rows: list[tuple[Any, ...]] = []
    for holder in job.run.holders(rule.holder):
        who = (holder.id, holder.kind, holder.name, list(holder.source_ids))
        for p, due, year, na in deadline_periods(rule, req, holder, as_of):
            rows.append((*who, p.start, p.end, p.label, year, due, *(na or (None, None))))
    every = rows_frame(rows, _DUTY_SCHEMA).with_row_index("iid")
    if not every.height:
        return
    duties = every.filter(pl.col("reason_zh").is_null())
    sel = req.select
    facts = _selected(sel, tables, job.judge, as_of)
    if req.period_field is not None:
        years = (
            tables.frame(sel.kind).select(
                pl.col("id").alias("fid"), pl.col(req.period_field).cast(pl.Int64).alias("year")
            )
            if sel.kind in tables.frames
            else pl.DataFrame(schema={"fid": pl.String, "year": pl.Int64})
        )
        facts = facts.join(years, on="fid")
        mine = duties.join(facts, on=["holder", "year"], how="inner")
    elif req.due_date is not None:
        mine = duties.join(facts.drop("year", strict=False), on="holder", how="inner")
    else:
        mine = duties.join(facts, on="holder", how="inner").filter(
            (pl.col("day") >= pl.col("ps")) & (pl.col("day") <= pl.col("pe"))
        )
    first = (
        mine.sort("iid", "day", "fid")
        .unique("iid", keep="first", maintain_order=True)
        .select("iid", pl.col("fid").alias("rid"), pl.col("day").alias("done"))
    )
    f = _escape_reasons(every.join(first, on="iid", how="left"))
    done = pl.col("done")
    due_s, done_s = pl.col("due").cast(pl.String), done.cast(pl.String)

    def text(lang: str) -> pl.Expr:
        yes, no = deadline.DELIVERED, deadline.NOT_DELIVERED
        return done_or_not(done, yes, no, lang, due=due_s, done=done_s)

    f = f.with_columns(
        *_judged(
            pl.col("reason_zh").is_null(),
            deadline.status(EXPRS, done, pl.col("due"), pl.lit(as_of)),
            text,
            details_expr(
                deadline.DETAIL_KEYS,
                delivered=quoted_or_null(done_s),
                due_supplied=json.dumps(req.due_supplied) if req.due_supplied else None,
            ),
        ),
        pl.col("holder").alias("holder_id"),
        pl.col("ps").alias("period_start"),
        pl.col("pe").alias("period_end"),
        pl.when(pl.col("rid").is_not_null())
        .then(pl.concat_list("rid"))
        .otherwise(pl.col("source_ids"))
        .alias("evidence"),
        pl.lit(None, pl.String).alias("subject"),
        finding_id(rule, pl.col("holder"), pl.col("label")),
    )
    f = kept_rows(rule, f, "period_start", "period_end")
    label = None if req.due_date is not None else pl.col("label")  # `once`: no period named
    build = functools.partial(_encoded, rule, label, f)
    job.parts.append(Part(rule.article, rule.id, status_counts(f.get_column("status")), build))


_DUTY_SCHEMA: dict[str, pl.DataType] = {
    "holder": pl.String(),
    "hkind": pl.String(),
    "holder_name": pl.String(),
    "source_ids": pl.List(pl.String()),
    "ps": pl.Date(),
    "pe": pl.Date(),
    "label": pl.String(),
    "year": pl.Int64(),
    "due": pl.Date(),
    "reason_zh": pl.String(),  # not applicable: why
    "reason_en": pl.String(),
}


def _na_frame(listed: list[tuple[Holder, Instance]]) -> pl.DataFrame:
    """Instances that do not apply, as ``post_instances`` gives them (and the holder's kind)."""
    return rows_frame(
        ((*instance_row(h, inst), *(inst.na or ("", "")), h.kind) for h, inst in listed),
        _NA_SCHEMA,
    )


_NA_SCHEMA: dict[str, pl.DataType] = {**NA_SCHEMA, "hkind": pl.String()}


def _selected(sel: Selection, tables: Tables, judge: Judge, as_of: dt.date) -> pl.DataFrame:
    """(fid, holder, day): the records of a selection visible on the as-of date, meeting its
    ``where``, dated by the as-of date in its date field, and the holder its one bind names
    (a row per holder, for a list of them) — ``Selector.selected`` and ``Run.seen`` as columns."""
    if sel.kind not in tables.frames:
        return pl.DataFrame(schema={"fid": pl.String, "holder": pl.String, "day": pl.Date})
    day = pl.col(sel.date_field)
    frame = tables.frame(sel.kind).filter(
        visible(sel.kind, as_of) & day.is_not_null() & (day <= as_of)
    )
    frame = frame.filter(judge.rows(sel.kind, frame, sel.where))
    bound = frame.select(
        pl.col("id").alias("fid"), pl.col(sel.bind[0][0]).alias("holder"), day.alias("day")
    )
    if isinstance(bound.schema["holder"], pl.List):
        # A record is the holder's once per time its list names them, as ``BoundFacts``
        # indexes it.
        bound = bound.explode("holder")
    return bound.drop_nulls("holder")


def _evidence(rule: PlanRule, req: EvidencePlan, job: Job) -> None:
    """One finding per record meeting ``where`` (dated by the as-of date, in force) and per
    holder its field names (or, for a ``within`` holder, per holder of its place on its day) —
    ``batch.evidence`` for every record at once."""
    tables, judge, as_of = job.tables, job.judge, job.as_of
    if req.kind not in tables.frames:
        return
    field = rule.holder.field
    day = pl.col(req.date_field)
    frame = tables.frame(req.kind).filter(
        visible(req.kind, as_of) & day.is_not_null() & (day <= as_of) & (day >= rule.in_force_from)
    )
    frame = frame.filter(judge.rows(req.kind, frame, req.where))
    # Which `must` conditions each record fails, as one small integer (bit i: condition i),
    # judged in order as the batch evaluator's `_failures` judges them: a missing element
    # hides the checks on its parts. The texts are made once per combination, not per row.
    failed: list[pl.Series] = []
    labels: list[tuple[str, str]] = []
    oks = judge.each(req.kind, frame, tuple((c,) for c in req.must))
    for i, c in enumerate(req.must):
        fail = ~oks[i]
        for j, prior in enumerate(req.must[:i]):
            if (
                prior.op == "present"
                and prior.operand
                and prior.field
                and c.field
                and c.field.startswith(prior.field + ".")
            ):
                fail = fail & ~failed[j]
        failed.append(fail)
        labels.append(failed_condition(c, None))
    mask = pl.Series("mask", [0] * frame.height, pl.Int64)
    for i, fail in enumerate(failed):
        mask = mask + fail.cast(pl.Int64) * (1 << i)
    if field is None:
        narrow = _placed_holders(rule, job, frame, mask)
    else:
        narrow = frame.select(
            pl.col("id").alias("fid"), pl.col(field).alias("hid"), day.alias("day")
        ).with_columns(mask)
        if narrow.schema["hid"] == pl.List(pl.String):
            # a holder named twice in the list is one finding (ids are unique in a table, so
            # only a list can repeat a pair)
            narrow = narrow.explode("hid").unique(["fid", "hid"], maintain_order=True)
        narrow = narrow.drop_nulls("hid").join(
            job.holders, on="hid", how="inner", maintain_order="left"
        )
    narrow = kept_rows(rule, narrow, "day", "day")
    combos = sorted(narrow.get_column("mask").unique().to_list())

    def failures(m: int) -> list[tuple[str, str]]:
        return [label for i, label in enumerate(labels) if m >> i & 1]

    texts = pl.DataFrame(
        {
            "mask": combos,
            "failed": [
                json.dumps([en for _, en in failures(m)], ensure_ascii=False, separators=(",", ":"))
                for m in combos
            ],
            **{  # a condition's texts are (zh, en), as LANGS
                f"d{lang}": [
                    json_text(evidence.JOIN[lang].join(t[i] for t in failures(m))) for m in combos
                ]
                for i, lang in enumerate(LANGS)
            },
            "status": [evidence.status(VALUES, m) for m in combos],
        },
        schema={
            "mask": pl.Int64,
            "failed": pl.String,
            "dzh": pl.String,
            "den": pl.String,
            "status": pl.String,
        },
    ).with_columns(details_expr(evidence.DETAIL_KEYS, failed=pl.col("failed")).alias("details"))
    statuses = narrow.select(evidence.status(EXPRS, pl.col("mask"))).to_series()

    def build(narrow: pl.DataFrame = narrow) -> pl.DataFrame:
        f = narrow.join(texts, on="mask", how="left", maintain_order="left").with_columns(
            pl.col("hid").alias("holder_id"),
            pl.col("hname").alias("holder_name"),
            pl.col("day").alias("period_start"),
            pl.col("day").alias("period_end"),
            pl.col("day").cast(pl.String).alias("label"),
            pl.col("day").alias("due"),
            pl.concat_str(pl.lit('["'), pl.col("fid"), pl.lit('"]')).alias("evidence"),
            pl.col("fid").alias("subject"),
            finding_id(rule, pl.col("hid"), pl.col("fid")),
            *render_expr(rule, pl.col("hname"), None),
        )
        return finding_struct(
            rule, f, pl.col("details"), pl.col("hkind"), evidence_json=pl.col("evidence")
        )

    def chunks(narrow: pl.DataFrame = narrow) -> Iterator[Build]:
        return sorted_slices(narrow, ["hid", "day", "fid"], build)  # joins keep order

    job.parts.append(Part(rule.article, rule.id, status_counts(statuses), build, chunks))


def _placed_holders(rule: PlanRule, job: Job, frame: pl.DataFrame, mask: pl.Series) -> pl.DataFrame:
    """(fid, day, mask, hid, hkind, hname): each judged record with the holders of the place
    its ``within`` field names, in post or in existence on the record's day."""
    req = rule.requirement
    assert isinstance(req, EvidencePlan) and rule.holder.within is not None
    records = frame.select(
        pl.col("id").alias("fid"),
        pl.col(req.date_field).alias("day"),
        pl.col(rule.holder.within).alias("pv"),
    ).with_columns(mask)
    records = records.join(
        places(job.tables).rename({"place": "__place"}), on="pv", how="left", maintain_order="left"
    )
    pairs = holders_on_days(rule, job.run, job.tables, records.rename({"fid": "tid"}), "day")
    return records.select("fid", "day", "mask").join(
        pairs.rename({"tid": "fid"}), on="fid", how="inner", maintain_order="left"
    )


class _BatchColumns:
    """The batch part's findings as finding columns, like the columnar rules' (a Python line
    per finding was most of a national report) — for every rule at once, the first time one
    rule's are asked for, then handed out rule by rule."""

    def __init__(self, found: list[Finding]) -> None:
        self.found = found
        self.by_rule: dict[str, pl.DataFrame] = {}
        self.lock = threading.Lock()  # a Parquet report makes two rules' rows at a time

    def columns(self, rule_id: str) -> pl.DataFrame:
        with self.lock:
            if rule_id not in self.by_rule:  # the first rule asked for (or a second report)
                self.by_rule = {
                    f.get_column("rule_id")[0]: f for f in by_rule(finding_columns(self.found))
                }
            return self.by_rule.pop(rule_id)  # each rule's are held until written, not after


def evaluate_columnar(
    plan: Plan, facts: FactSet, as_of: dt.date, waivers: Waivers | None = None
) -> Report:
    """The batch evaluator's signature on the columnar path (for case runners and tests)."""
    return evaluate_tables(plan, Tables.from_facts(facts), as_of, waivers=waivers).to_report()


def evaluate_tables(
    plan: Plan,
    tables: Tables,
    as_of: dt.date,
    on_rule: Callable[[str], None] | None = None,
    waivers: Waivers | None = None,
) -> ColumnarReport:
    """Evaluate ``plan`` over validated fact tables at ``as_of`` (within ``facts.bounds``),
    with the ``waivers`` in force applied (docs/waivers.md).

    ``on_rule(rule_id)`` is called as each rule's evaluation ends (for a progress display: the
    n of N rules done), from the threads the rules run on, so it must be thread-safe; a rule
    encoded in slices when written counts as done when its findings are computed."""
    require_as_of(as_of)
    with collector_paused():
        return _evaluate(plan, tables, as_of, on_rule or _no_rule, waivers)


def _no_rule(rule_id: str) -> None:
    """The ``on_rule`` of a caller that shows no progress."""


def _run_each(run: Run, rules: list[PlanRule], on_rule: Callable[[str], None]) -> None:
    """The batch part's rules, in order (a rule reading another's findings comes after it),
    each told to ``on_rule`` when done."""
    for rule in rules:
        run_rules(run, [rule])
        on_rule(rule.id)


_RULES_AT_ONCE = 2  # columnar rules evaluated side by side (two cores; national: eval -5 to -8 %)


def _evaluate(
    plan: Plan,
    tables: Tables,
    as_of: dt.date,
    on_rule: Callable[[str], None],
    waivers: Waivers | None,
) -> ColumnarReport:
    # A rule whose findings open another rule's duties (``finding_of``) stays in the batch part,
    # which reads them back.
    sources = {
        r.requirement.trigger_rule
        for r in plan.rules
        if isinstance(r.requirement, ResponsePlan) and r.requirement.trigger_rule
    }
    how: dict[str, str | None] = {}
    for r in plan.rules:  # the versions of a rule run on one path: columns only if all can
        shape = None if r.id in sources else columnar_rule(r)
        how[r.id] = shape if how.get(r.id, shape) == shape else None
    generic = [r for r in plan.rules if how[r.id] is None]
    # Rules whose holders the batch code lists (in Python: tens of thousands of units and
    # jurisdictions); posts of a count rule are listed in columns (``post_instances``).
    listing = [
        r
        for r in plan.rules
        if how[r.id] is None
        or r.holder.way in ("unit", "jurisdiction")
        or (r.holder.way == "post" and how[r.id] != "count")
    ]
    facts = _generic_facts(tables, generic, listing)
    world = World(facts, as_of)
    # The batch part is Python; the columnar rules are mostly polars, which lets go of the
    # interpreter while it works: they run side by side, the batch part with its own run, the
    # columnar rules two at a time sharing one (for its holder listings and caches, each built
    # whole before it is stored; a finding they emit is taken as returned, never read back
    # from ``findings``). The batch part's rules never read the columnar rules' findings (a
    # rule another one reads is kept in the batch part above).
    run = Run(plan, world, WorldSelector(world))
    python: list[Finding] = []
    parts: list[Part] = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        batch = pool.submit(_run_each, run, generic, on_rule)
        holders = escape_column(holder_names(tables), "hname")
        job = Job(
            Run(plan, world, WorldSelector(world)),
            tables,
            Judge(tables, as_of),
            as_of,
            holders,
            parts,
            python,
        )

        def one(rule: PlanRule) -> None:
            match rule.requirement:
                case CountPlan() | ForbidPlan() as req:
                    _count(rule, req, job)
                case DeadlinePlan() as req:
                    _deadline(rule, req, job)
                case EvidencePlan() as req:
                    _evidence(rule, req, job)
                case ResponsePlan() as req:
                    evaluate_response(rule, req, job)
                case never:
                    assert_never(never)
            on_rule(rule.id)

        with ThreadPoolExecutor(max_workers=_RULES_AT_ONCE) as rules:
            for done in [rules.submit(one, rule) for rule in plan.rules if how[rule.id]]:
                done.result()
        batch.result()
    python += run.findings
    used: list[WaiverUse] = []
    if waivers is not None:  # the columnar rules' finding columns, then the batch part's
        parts[:], matched, waived = waive_parts(parts, waivers, as_of)
        python, more_matched, more_waived = apply_waivers(python, waivers, as_of)
        used = uses(
            waivers,
            as_of,
            [a + b for a, b in zip(matched, more_matched, strict=True)],
            [a + b for a, b in zip(waived, more_waived, strict=True)],
        )
    by_rule: dict[str, list[Finding]] = {}
    for finding in python:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    batch_columns = _BatchColumns(python)
    for rule_id, found in by_rule.items():
        parts.append(
            Part(
                found[0].article,
                rule_id,
                status_counts(pl.Series([f.status for f in found])),
                functools.partial(batch_columns.columns, rule_id),
            )
        )
    totals: dict[str, int] = {}
    for part in parts:
        for status, n in part.counts.items():
            totals[status] = totals.get(status, 0) + n
    summary = Summary(total=sum(totals.values()), **{s: int(totals.get(s, 0)) for s in STATUSES})
    record = run_record(plan, tables.digest(), len(tables), waivers)
    by_id = {r.id: r for r in plan.rules}
    answerers = _answerers(plan, tables)
    return ColumnarReport(as_of, record, summary, parts, by_id, used, answerers)


def _answerers(plan: Plan, tables: Tables) -> Answerers | None:
    """The answer resolver over the records it reads (``evaluate.answers``): every unit and
    jurisdiction, the appointments of the posts the rules' ``answers`` name (every appointment
    when such a rule's holders may be people, whose own posts place them), and their people;
    ``None`` when every rule answers by its holder."""
    asking = [r for r in plan.rules if r.answers.by != "holder"]
    if not asking:
        return None
    records: list[Fact] = []
    for kind in ("units", "jurisdictions"):
        if kind in tables.frames:
            records += tables.records(kind)
    if "appointments" in tables.frames:
        posts = tables.frame("appointments")
        if all(r.holder.way in ("unit", "jurisdiction") for r in asking):
            posts = posts.filter(pl.col("role").is_in(sorted(answer_roles(asking))))
        records += tables.records("appointments", posts.get_column("id"))
        if "people" in tables.frames:
            records += tables.records("people", posts.get_column("person").unique())
    return Answerers(FactSet.build(records, digest=tables.digest(), references_checked=True))
