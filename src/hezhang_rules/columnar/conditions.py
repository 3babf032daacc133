"""``World.check`` over frames: a rule's conditions judged for every record of a kind at once.

The batch evaluator judges one condition on one record (``World.check``). :class:`Judge` gives
the same answer for every row of a frame in a few joins, for every operator the rule format
has: comparisons on any field path (``present``, ``nonempty``, ``equals``, ``not_equals``,
``in``, ``not_in``, ``same_as``, ``contains_all``), ``any``/``all`` over a list of nested
records, ``one_of``, ``refers_to`` (the referenced records, visible on the as-of date, meet the
inner conditions), ``holds_role``/``includes_holders_of`` (posts held on the record's day,
scoped by ``within``) and ``related`` (records of another kind that name this one).

Each operator follows ``World.check`` line by line; a row whose field is absent is judged as
the operator table says (``compile.operators.OPERATORS``), as ``World.check`` judges it; where a
stated value's Python truth would differ from a column's (a list compared with a text) the
expression says what Python says. :func:`supported` tells, without data, whether every
condition can be judged here: a rule it refuses stays with the batch evaluator.

The context of a judgement is the record (its fields are the frame's columns) and the fact it
belongs to (``__fid``, its id, and ``__fday``, its date): they differ only inside ``any``/``all``,
where the record is an element of a list and the fact the record that holds the list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, assert_never

import polars as pl
from pydantic import BaseModel

from hezhang_rules.columnar.exprs import in_expr, path_expr, plain
from hezhang_rules.columnar.holders import appointments_to
from hezhang_rules.compile.operators import OPERATORS, Op, holds_when_absent
from hezhang_rules.compile.plan import Cond, RelatedTest, RoleTest
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.facts.schema import FieldShape, PathError, resolve_path
from hezhang_rules.facts.tables import Tables

_FID = "__fid"
_FDAY = "__fday"
_R = "__r"

# --- what can be judged here -----------------------------------------------------------------


def _shape(model: type[BaseModel], path: str | None) -> FieldShape | None:
    if path is None:
        return None
    try:
        return resolve_path(model, path)
    except PathError:
        return None


def _ids(shape: FieldShape | None) -> FieldShape | None:
    """The scalar shape of a field holding an id or a list of ids."""
    if shape is not None and shape.kind == "list" and shape.item is not None:
        shape = shape.item
    return shape if shape is not None and shape.kind == "scalar" else None


def _date(model: type[BaseModel], path: str | None) -> bool:
    shape = _shape(model, path)
    return shape is not None and shape.kind == "scalar" and shape.scalar is dt.date


def supported(model: type[BaseModel], conds: tuple[Any, ...]) -> bool:
    """Whether :class:`Judge` judges every one of ``conds`` on records of ``model``."""
    return all(_supported(model, c) for c in conds)


def _supported(model: type[BaseModel], c: Cond) -> bool:
    if c.op not in OPERATORS:  # not an operator of the rule format
        return False
    op = c.op
    match op:
        case Op.ONE_OF:
            return isinstance(c.operand, tuple) and supported(model, c.operand)
        case Op.RELATED:
            test = c.operand
            return (
                isinstance(test, RelatedTest)
                and test.kind in FACT_KINDS
                and _ids(_shape(FACT_KINDS[test.kind], test.link)) is not None
                and supported(FACT_KINDS[test.kind], test.where)
            )
    shape = _shape(model, c.field)
    if shape is None:
        return False
    match op:
        case Op.PRESENT:
            return isinstance(c.operand, bool)
        case Op.NONEMPTY:
            return isinstance(c.operand, bool) and shape.kind in ("scalar", "list", "dict", "model")
        case Op.EQUALS | Op.NOT_EQUALS | Op.IN | Op.NOT_IN:
            return shape.kind in ("scalar", "list") and (
                shape.kind == "scalar" or (shape.item is not None and shape.item.kind == "scalar")
            )
        case Op.SAME_AS:
            other = _shape(model, c.operand if isinstance(c.operand, str) else None)
            return (
                shape.kind == "scalar"
                and other is not None
                and (other.kind == "scalar" or _ids(other) is not None)
            )
        case Op.CONTAINS_ALL:
            return shape.kind in ("list", "dict")
        case Op.ANY | Op.ALL:
            item = shape.item if shape.kind == "list" else None
            return (
                item is not None
                and item.kind == "model"
                and item.model is not None
                and isinstance(c.operand, tuple)
                and supported(item.model, c.operand)
            )
        case Op.REFERS_TO:
            ids = _ids(shape)
            return (
                ids is not None
                and bool(ids.ref)
                and all(
                    k in FACT_KINDS
                    and (supported(FACT_KINDS[k], c.operand) or never(FACT_KINDS[k], c.operand))
                    for k in ids.ref or ()
                )
            )
        case Op.HOLDS_ROLE | Op.INCLUDES_HOLDERS_OF:
            test = c.operand
            if not isinstance(test, RoleTest) or _ids(shape) is None:
                return False
            if op == Op.INCLUDES_HOLDERS_OF and shape.kind != "list":
                return False
            if test.on is not None and not _date(model, test.on):
                return False
            return test.within is None or _ids(_shape(model, test.within)) is not None
        case Op.ONE_OF | Op.RELATED:  # no field: judged above
            raise AssertionError(op)
        case unknown:
            assert_never(unknown)


def never(model: type[BaseModel], conds: tuple[Any, ...]) -> bool:
    """Whether no record of ``model`` can meet ``conds``: one of them reads a field the model
    does not have (``get_path`` gives None) and fails on an absent value (``OPERATORS``). A
    reference to several kinds (a person or a unit) is tested on the kinds that have the field."""
    return any(
        c.field is not None and _shape(model, c.field) is None and holds_when_absent(c) is False
        for c in conds
    )


# --- judging ---------------------------------------------------------------------------------


def visible(kind: str, as_of: dt.date) -> pl.Expr:
    """Records dated on or before the as-of date, or not dated (``World.of_kind``)."""
    field = FACT_KINDS[kind].DATE_FIELD
    if field is None:
        return pl.lit(True)
    return pl.col(field).is_null() | (pl.col(field) <= as_of)


def ancestors(tables: Tables, places: pl.Series) -> pl.DataFrame:
    """(place, anc): each place and every jurisdiction above it through ``parent``."""
    parents = tables.frame("jurisdictions").select(
        pl.col("id").alias("anc"), pl.col("parent").alias("up")
    )
    distinct = places.drop_nulls().unique()
    pairs = pl.DataFrame({"place": distinct, "anc": distinct})
    if "jurisdictions" not in tables.frames:
        return pairs
    frontier = pairs
    while frontier.height:
        step = (
            frontier.join(parents, on="anc", how="inner")
            .select("place", pl.col("up").alias("anc"))
            .drop_nulls()
        )
        frontier = step.join(pairs, on=["place", "anc"], how="anti").unique()
        pairs = pl.concat([pairs, frontier])
    return pairs


def places(tables: Tables) -> pl.DataFrame:
    """What a ``within`` value names: a jurisdiction (itself) or a unit (its jurisdiction)."""
    frames = []
    if "jurisdictions" in tables.frames:
        frames.append(
            tables.frame("jurisdictions").select(
                pl.col("id").alias("pv"), pl.col("id").alias("place")
            )
        )
    if "units" in tables.frames:
        frames.append(
            tables.frame("units").select(
                pl.col("id").alias("pv"), pl.col("jurisdiction").alias("place")
            )
        )
    if not frames:
        return pl.DataFrame(schema={"pv": pl.String, "place": pl.String})
    return pl.concat(frames)


def _rows_in(height: int, rows: pl.Series) -> pl.Series:
    """A mask of ``height`` rows, true at the row numbers in ``rows``."""
    wanted = rows.cast(pl.UInt32).implode()
    return pl.select(pl.int_range(0, height, dtype=pl.UInt32).is_in(wanted)).to_series()


def _numbered(frame: pl.DataFrame, *exprs: pl.Expr) -> pl.DataFrame:
    return frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias(_R), *exprs)


def _values(frame: pl.DataFrame, value: pl.Expr, listed: bool, name: str) -> pl.DataFrame:
    """(__r, ``name``): each row's value, or each element of its list, nulls dropped."""
    out = _numbered(frame, value.alias(name))
    if listed:
        out = out.explode(name)
    return out.drop_nulls(name)


class Judge:
    """Conditions judged over frames of one evaluation's tables at its as-of date."""

    def __init__(self, tables: Tables, as_of: dt.date) -> None:
        self.tables = tables
        self.as_of = as_of
        self._passing: dict[Any, pl.Series] = {}
        self._places: pl.DataFrame | None = None

    def rows(self, kind: str, frame: pl.DataFrame, conds: tuple[Any, ...]) -> pl.Series:
        """For each row of ``frame`` (records of ``kind``), whether it meets every condition."""
        return self.each(kind, frame, (conds,))[0]

    def each(
        self, kind: str, frame: pl.DataFrame, lists: tuple[tuple[Any, ...], ...]
    ) -> list[pl.Series]:
        """For each list of conditions, whether each row of ``frame`` meets all of them (one
        pass over the frame for every list: an evidence rule's ``must`` one by one)."""
        if not frame.height:
            return [pl.Series("ok", [], pl.Boolean) for _ in lists]
        model = FACT_KINDS[kind]
        ctx = self.facts(kind, frame)
        exprs = [
            self.all_expr(model, ctx, conds).alias(f"__ok{i}") for i, conds in enumerate(lists)
        ]
        return ctx.select(exprs).get_columns()

    def facts(self, kind: str, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` with its judging context: each record is its own fact."""
        date = FACT_KINDS[kind].DATE_FIELD
        return frame.with_columns(
            pl.col("id").alias(_FID),
            (pl.col(date) if date else pl.lit(None, pl.Date)).alias(_FDAY),
        )

    def all(self, model: type[BaseModel], frame: pl.DataFrame, conds: tuple[Any, ...]) -> pl.Series:
        """Whether each row of ``frame`` (records of ``model``, with context) meets ``conds``."""
        if not frame.height:
            return pl.Series("ok", [], pl.Boolean)
        return frame.select(self.all_expr(model, frame, conds).alias("ok")).to_series()

    def all_expr(
        self, model: type[BaseModel], frame: pl.DataFrame, conds: tuple[Any, ...]
    ) -> pl.Expr:
        """The test of every condition of ``conds`` on the rows of ``frame``, as one expression
        (conditions that need joins are judged first and enter it as a column of values)."""
        if not conds:
            return _const(True)
        return pl.all_horizontal([self.expr(model, frame, c) for c in conds])

    def expr(self, model: type[BaseModel], frame: pl.DataFrame, c: Cond) -> pl.Expr:
        """Whether each row meets ``c`` (``World.check(c, record, fact)``); never null.

        A row whose field is absent is judged as ``OPERATORS`` says (``holds_when_absent``);
        :meth:`stated` judges the others.
        """
        match c.op:
            case Op.ONE_OF:
                if not c.operand:
                    return _const(False)
                return pl.any_horizontal([self.expr(model, frame, sub) for sub in c.operand])
            case Op.RELATED:
                found = pl.col(_FID).is_in(self._named(c.operand).implode()).fill_null(False)
                return found if c.operand.exists else ~found
        shape = resolve_path(model, c.field or "")
        value = path_expr(c.field or "")
        test = self.stated(model, frame, c, shape, value)
        absent = holds_when_absent(c)
        if absent is None:
            return test
        return pl.when(value.is_null()).then(pl.lit(absent)).otherwise(test)

    def stated(
        self,
        model: type[BaseModel],
        frame: pl.DataFrame,
        c: Cond,
        shape: FieldShape,
        value: pl.Expr,
    ) -> pl.Expr:
        """Whether each row meets ``c`` where its field is stated (``includes_holders_of``: on
        every row; its absent value is judged by the posts held)."""
        op = c.op
        match op:
            case Op.ANY | Op.ALL:
                return pl.lit(self._each(shape, frame, c))
            case Op.REFERS_TO:
                ids = _ids(shape)
                assert ids is not None and ids.ref
                ok = self.passing(tuple(ids.ref), c.operand)
                if shape.kind != "list":
                    return value.cast(pl.String).is_in(ok.implode()).fill_null(False)
                return pl.lit(self._refers_to(shape, frame, value, ok))
            case Op.HOLDS_ROLE | Op.INCLUDES_HOLDERS_OF:
                return pl.lit(self._roles(shape, frame, value, c))
            case Op.SAME_AS:
                other = resolve_path(model, c.operand)
                if other.kind == "list":
                    return pl.lit(self._same_as_listed(frame, value, c.operand))
                return (value == path_expr(c.operand)).fill_null(False)
            case Op.PRESENT:
                return _const(bool(c.operand))
            case Op.NONEMPTY:
                return (_truthy(shape, value) == bool(c.operand)).fill_null(False)
            case Op.CONTAINS_ALL:
                keys = value
                if shape.kind == "dict":
                    keys = value.list.eval(pl.element().struct.field("key"))
                test = _const(True)
                for v in sorted(str(plain(x)) for x in c.operand):
                    test = test & keys.list.contains(v).fill_null(False)
                return test
            case Op.EQUALS:
                listed = shape.kind == "list"
                return _const(False) if listed else value.eq_missing(plain(c.operand))
            case Op.NOT_EQUALS:
                listed = shape.kind == "list"
                return _const(True) if listed else value.ne_missing(plain(c.operand))
            case Op.IN | Op.NOT_IN:
                if shape.kind == "list":
                    hit = _any_in(value, c.operand)
                else:
                    hit = in_expr(value, c.operand)
                hit = hit.fill_null(False)
                return hit if op == Op.IN else ~hit
            case Op.ONE_OF | Op.RELATED:  # no field: judged in `expr`
                raise AssertionError(op)
            case unknown:
                assert_never(unknown)

    # --- operators needing more than the row itself -------------------------------------------

    def _each(self, shape: FieldShape, frame: pl.DataFrame, c: Cond) -> pl.Series:
        """``any``/``all``: the list is not empty and some/every element meets the conditions
        (each element judged with the holding record as its fact)."""
        assert shape.item is not None and shape.item.model is not None
        items = (
            _numbered(frame, path_expr(c.field or "").alias("__item"), pl.col(_FID), pl.col(_FDAY))
            .explode("__item")
            .drop_nulls("__item")
            .unnest("__item")
        )
        ok = self.all(shape.item.model, items, c.operand)
        per_row = items.select(pl.col(_R), ok.alias("__ok")).group_by(_R)
        agg = pl.col("__ok").any() if c.op == Op.ANY else pl.col("__ok").all()
        hits = per_row.agg(agg).filter(pl.col("__ok")).get_column(_R)
        return _rows_in(frame.height, hits)

    def passing(self, kinds: tuple[str, ...], conds: tuple[Any, ...]) -> pl.Series:
        """Ids of the records of ``kinds``, visible on the as-of date, meeting ``conds``."""
        key = (kinds, conds)
        found = self._passing.get(key)
        if found is None:
            parts = [pl.Series("id", [], pl.String)]
            for kind in kinds:
                if kind not in self.tables.frames or never(FACT_KINDS[kind], conds):
                    continue
                targets = self.tables.frame(kind).filter(visible(kind, self.as_of))
                parts.append(targets.filter(self.rows(kind, targets, conds)).get_column("id"))
            found = pl.concat(parts)
            self._passing[key] = found
        return found

    def _refers_to(
        self, shape: FieldShape, frame: pl.DataFrame, value: pl.Expr, ok: pl.Series
    ) -> pl.Series:
        """A list of references: some element names a record in ``ok``."""
        found = _values(frame, value.cast(_dtype(shape)), True, "__v")
        hits = found.filter(pl.col("__v").is_in(ok.implode())).get_column(_R).unique()
        return _rows_in(frame.height, hits)

    def _named(self, test: RelatedTest) -> pl.Series:
        """Ids named by ``test.link`` of the records of ``test.kind`` (visible on the as-of
        date) meeting ``test.where``: the facts that have such a related record."""
        key = ("related", test)
        named = self._passing.get(key)
        if named is None:
            if test.kind in self.tables.frames:
                shape = resolve_path(FACT_KINDS[test.kind], test.link)
                others = self.tables.frame(test.kind).filter(visible(test.kind, self.as_of))
                others = others.filter(self.rows(test.kind, others, test.where))
                named = (
                    _values(others, path_expr(test.link), shape.kind == "list", "__v")
                    .get_column("__v")
                    .cast(pl.String)
                    .unique()
                )
            else:
                named = pl.Series("__v", [], pl.String)
            self._passing[key] = named
        return named

    def _same_as_listed(self, frame: pl.DataFrame, value: pl.Expr, other_path: str) -> pl.Series:
        """``same_as`` a list: the value is one of the other field's."""
        pairs = _numbered(frame, value.alias("__v"), path_expr(other_path).alias("__o"))
        pairs = pairs.explode("__o").drop_nulls(["__v", "__o"])
        hits = pairs.filter(pl.col("__v") == pl.col("__o")).get_column(_R).unique()
        return _rows_in(frame.height, hits)

    def _roles(self, shape: FieldShape, frame: pl.DataFrame, value: pl.Expr, c: Cond) -> pl.Series:
        """``holds_role``: someone the field names holds a post of the test on the day;
        ``includes_holders_of``: everyone holding one on the day is among those named."""
        test: RoleTest = c.operand
        day = path_expr(test.on) if test.on is not None else pl.col(_FDAY)
        scope = path_expr(test.within) if test.within is not None else pl.lit(None, pl.String)
        base = _numbered(frame, day.alias("__day"), scope.cast(pl.String).alias("pv"))
        base = base.filter(pl.col("__day").is_not_null())
        base = base.join(self.places(), on="pv", how="left").rename({"place": "__scope"})
        posts = appointments_to(self.tables, test.roles, test.levels)
        if test.portfolio is not None:
            wanted = sorted(str(plain(p)) for p in test.portfolio)
            posts = posts.filter(
                pl.col("portfolio")
                .list.eval(pl.element().is_in(wanted))
                .list.any()
                .fill_null(False)
            )
        posts = posts.select(pl.col("person").alias("__person"), "jurisdiction", "start", "end")
        active = (pl.col("start") <= pl.col("__day")) & (
            pl.col("end").is_null() | (pl.col("__day") <= pl.col("end"))
        )
        # A post counts in the scope when its jurisdiction is the scope or lies under it; a
        # record that does not state its place (or names an unknown one) is not scoped.
        if c.op == Op.HOLDS_ROLE:
            named = _values(frame, value, shape.kind == "list", "__person")
            held = (
                base.join(named, on=_R, how="inner")
                .join(posts, on="__person", how="inner")
                .filter(active)
            )
            scoped = held.filter(pl.col("__scope").is_not_null())
            above = ancestors(self.tables, scoped.get_column("jurisdiction"))
            inside = scoped.join(
                above, left_on=["jurisdiction", "__scope"], right_on=["place", "anc"], how="semi"
            )
            hits = pl.concat([held.filter(pl.col("__scope").is_null()), inside])
            return _rows_in(frame.height, hits.get_column(_R).unique())
        # Everyone in post on the day (in the scope): posts joined to the places above them.
        above = ancestors(self.tables, posts.get_column("jurisdiction"))
        posts_in = posts.join(above, left_on="jurisdiction", right_on="place", how="inner")
        held = pl.concat(
            [
                base.filter(pl.col("__scope").is_null())
                .join(posts, how="cross")
                .select(_R, "__person", "__day", "start", "end"),
                base.filter(pl.col("__scope").is_not_null())
                .join(posts_in, left_on="__scope", right_on="anc", how="inner")
                .select(_R, "__person", "__day", "start", "end"),
            ]
        ).filter(active)
        named = _values(frame, value, True, "__person")
        missing = held.select(_R, "__person").join(named, on=[_R, "__person"], how="anti")
        ok = base.filter(~pl.col(_R).is_in(missing.get_column(_R).implode())).get_column(_R)
        return _rows_in(frame.height, ok)

    def places(self) -> pl.DataFrame:
        if self._places is None:
            self._places = places(self.tables)
        return self._places


def _const(value: bool) -> pl.Expr:
    """``value`` on every row (a bare literal would give one row where it stands alone)."""
    return pl.repeat(value, pl.len(), dtype=pl.Boolean)


def _dtype(shape: FieldShape) -> pl.DataType:
    return pl.List(pl.String) if shape.kind == "list" else pl.String()


def _any_in(value: pl.Expr, operand: Any) -> pl.Expr:
    wanted = [plain(v) for v in operand if v is not None]
    test = pl.element().is_in(wanted)
    if None in operand:
        test = test | pl.element().is_null()
    return value.list.eval(test.fill_null(False)).list.any().fill_null(False)


def _truthy(shape: FieldShape, value: pl.Expr) -> pl.Expr:
    """Python's ``bool(value)`` for a field of this shape (a missing value is false)."""
    if shape.kind in ("list", "dict"):
        return (value.list.len() > 0).fill_null(False)
    if shape.kind == "model":
        return value.is_not_null()
    s = shape.scalar
    if s is bool:
        return value.fill_null(False)
    if s in (int, float):
        return (value != 0).fill_null(False)
    if s is dt.date:
        return value.is_not_null()
    return (value.cast(pl.String).str.len_bytes() > 0).fill_null(False)
