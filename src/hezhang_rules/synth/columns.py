"""Columns for fact records: polars dtypes read off the fact model, ids, dates and picks.

A synthetic world is built as columns, never as one Python object per record, so the dtypes
come from the pydantic models (:func:`dtype_of`) and every frame is put into model field order
by :func:`finish`. Dict fields (``weights``, ``scores``, ``item_assessments``) have no fixed keys,
so they are stored the way Arrow stores a map: a list of ``{key, value}`` structs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt
import polars as pl
from pydantic import BaseModel

from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.facts.schema import FieldShape, model_fields

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

EPOCH = dt.date(1970, 1, 1)
MAP_KEY, MAP_VALUE = "key", "value"


def dtype_of(shape: FieldShape) -> pl.DataType:
    """The polars dtype that holds a field of this shape (see the module docstring for maps)."""
    if shape.kind == "list" and shape.item is not None:
        return pl.List(dtype_of(shape.item))
    if shape.kind == "dict" and shape.item is not None:
        return pl.List(pl.Struct({MAP_KEY: pl.String(), MAP_VALUE: dtype_of(shape.item)}))
    if shape.kind == "model" and shape.model is not None:
        return struct_dtype(shape.model)
    if shape.scalar is dt.date:
        return pl.Date()
    if shape.scalar is bool:
        return pl.Boolean()
    if shape.scalar is int:
        return pl.Int64()
    if shape.scalar is float:
        return pl.Float64()
    return pl.String()


@cache
def struct_dtype(model: type[BaseModel]) -> pl.Struct:
    return pl.Struct({name: dtype_of(s) for name, s in model_fields(model).items()})


@cache
def kind_schema(kind: str) -> dict[str, pl.DataType]:
    """Column name → dtype of a fact kind, in the model's field order."""
    return {name: dtype_of(s) for name, s in model_fields(FACT_KINDS[kind]).items()}


def struct_of(model: type[BaseModel], **fields: pl.Expr) -> pl.Expr:
    """A struct expression with every field of ``model`` in order; absent fields are null."""
    unknown = set(fields) - set(model_fields(model))
    if unknown:
        raise ValueError(f"{model.__name__} has no field {sorted(unknown)}")
    dtype = struct_dtype(model)
    exprs = [
        (fields[f.name] if f.name in fields else pl.lit(None)).cast(f.dtype).alias(f.name)
        for f in dtype.fields
    ]
    return pl.struct(exprs)


def columns_for(kind: str, names: Sequence[str]) -> list[pl.Expr]:
    """Cast the given columns to the kind's dtypes, in model field order."""
    schema = kind_schema(kind)
    unknown = set(names) - set(schema)
    if unknown:
        raise ValueError(f"{kind} has no field {sorted(unknown)}")
    return [pl.col(name).cast(dtype) for name, dtype in schema.items() if name in names]


def finish(kind: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Model field order and dtypes, all-null columns dropped, rows sorted by id."""
    frame = frame.select(columns_for(kind, frame.columns))
    empty = [c for c in frame.columns if frame[c].null_count() == frame.height]
    frame = frame.drop(empty)
    if not frame["id"].is_sorted():
        frame = frame.sort("id")
    return frame


# --- ids, dates, picks -------------------------------------------------------------------------


def width_for(count: int) -> int:
    """Digits for sequence ids so that they sort as numbers (at least 7)."""
    return max(7, len(str(count)))


def seq_expr(prefix: str, col: pl.Expr, width: int) -> pl.Expr:
    """``prefix`` + zero-padded integer: ids that sort in number order."""
    return pl.concat_str(pl.lit(prefix), col.cast(pl.String).str.zfill(width))


def seq_ids(prefix: str, numbers: IntArray, width: int) -> pl.Series:
    return pl.select(seq_expr(prefix, pl.lit(pl.Series(numbers)), width)).to_series()


def padded(numbers: IntArray, width: int) -> pl.Series:
    return pl.Series(numbers).cast(pl.String).str.zfill(width)


def year_start(year: int) -> int:
    """Days from 1970-01-01 (polars' Date epoch) to 1 January of ``year``."""
    return (dt.date(year, 1, 1) - EPOCH).days


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def dates(days: IntArray, valid: BoolArray | None = None) -> pl.Series:
    """Day numbers → a polars Date series; ``valid`` False gives null (not stated)."""
    s = pl.Series(days.astype(np.int32)).cast(pl.Date)
    return s if valid is None else masked(s, valid)


def masked(values: pl.Series, valid: BoolArray) -> pl.Series:
    """``values`` where ``valid``, null (not stated) elsewhere."""
    return pl.select(pl.when(pl.Series(valid)).then(pl.lit(values))).to_series()


def in_range(rng: np.random.Generator, start: IntArray, count: IntArray) -> IntArray:
    """A random member of each range ``[start, start + count)`` (``count >= 1``)."""
    return start + np.floor(rng.random(len(start)) * count).astype(np.int64)


def pick(pool: Sequence[str], index: IntArray) -> pl.Series:
    """``pool[index]`` as a string series (a gather: no per-row Python)."""
    return pl.Series(list(pool), dtype=pl.String).gather(index)


def choose(rng: np.random.Generator, n: int, weights: Sequence[float]) -> IntArray:
    """``n`` draws of category numbers with the given relative weights."""
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=n, p=p / p.sum()).astype(np.int64)


def spread(rng: np.random.Generator, lo: IntArray, hi: IntArray) -> IntArray:
    """A uniform day in each inclusive range ``[lo, hi]`` (``hi >= lo``)."""
    return lo + np.floor(rng.random(len(lo)) * (hi - lo + 1)).astype(np.int64)


def split(
    rng: np.random.Generator, children: int, parents: int, minimum: int = 1, shape: float = 4.0
) -> IntArray:
    """Parent number of each child, sorted; every parent has at least ``minimum`` children.

    Sizes vary around the mean (a gamma-weighted multinomial), as townships per district and
    villages per township do; a lower ``shape`` makes them more uneven.
    """
    if children < parents * minimum:
        raise ValueError("too few children for the parents")
    weights = rng.gamma(shape, 1.0, parents)
    counts = minimum + rng.multinomial(children - parents * minimum, weights / weights.sum())
    return np.repeat(np.arange(parents, dtype=np.int64), counts)


def starts_of(parent: IntArray, parents: int) -> IntArray:
    """Index of each parent's first child in a sorted parent array."""
    return np.searchsorted(parent, np.arange(parents)).astype(np.int64)


def rank_in(parent: IntArray, parents: int) -> IntArray:
    """Each child's position among its parent's children (parent array sorted)."""
    return np.arange(len(parent), dtype=np.int64) - starts_of(parent, parents)[parent]


def flags(rng: np.random.Generator, n: int, p: float) -> BoolArray:
    return rng.random(n) < p
