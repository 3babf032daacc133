"""Pydantic records → polars frames with the fact model's column types, and back to files.

Used to put any fact set (a YAML folder, a golden case, a generated world) through the columnar
path, and to write fact tables (``<kind>.parquet`` / ``<kind>.jsonl``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from enum import Enum
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl
from pydantic import BaseModel

from hezhang_rules.facts.models import FACT_KINDS, Fact
from hezhang_rules.facts.schema import FieldShape, model_fields


def dtype_of(shape: FieldShape, values: list[Any] | None = None) -> pl.DataType:
    """The polars type of a field of this shape (dicts: a struct of the keys in ``values``)."""
    if shape.kind == "list" and shape.item is not None:
        inner = [x for v in values or [] if v for x in v]
        return pl.List(dtype_of(shape.item, inner))
    if shape.kind == "model" and shape.model is not None:
        return struct_of(shape.model, [v for v in values or [] if v is not None])
    if shape.kind == "dict" and shape.item is not None:
        # A mapping (scores by township …) is a list of key/value pairs, sorted by key: its keys
        # vary by record, and an empty mapping stays distinct from an absent one.
        inner = [x for v in values or [] if v for x in v.values()]
        return pl.List(pl.Struct({"key": pl.String, "value": dtype_of(shape.item, inner)}))
    s = shape.scalar
    if s is dt.date:
        return pl.Date()
    if s is bool:
        return pl.Boolean()
    if s is int:
        return pl.Int64()
    if s is float:
        return pl.Float64()
    return pl.String()


def struct_of(model: type[BaseModel], rows: list[dict[str, Any]] | None = None) -> pl.Struct:
    rows = rows or []
    return pl.Struct(
        {
            name: dtype_of(shape, [_as_mapping(r.get(name), shape) for r in rows])
            for name, shape in model_fields(model).items()
        }
    )


def _as_mapping(value: Any, shape: FieldShape) -> Any:
    """Key/value rows back to a mapping, for typing a dict field's values."""
    if shape.kind == "dict" and isinstance(value, list):
        return {kv["key"]: kv["value"] for kv in value}
    return value


def _plain(value: Any, shape: FieldShape | None = None) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        shapes = model_fields(type(value))
        return {n: _plain(getattr(value, n), shapes[n]) for n in shapes}
    if isinstance(value, dict):
        item = shape.item if shape is not None else None
        return [
            {"key": str(k.value if isinstance(k, Enum) else k), "value": _plain(v, item)}
            for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
        ]
    if isinstance(value, list):
        item = shape.item if shape is not None else None
        return [_plain(v, item) for v in value]
    return value


def frame_of(columns: dict[str, list[Any]], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """A frame of Python column lists; lists of strings are built from their flat values.

    Given nested Python lists, polars builds one Series per element: seconds for the 200,000
    holder periods of a national world, where the flat values and one group-by take a tenth of
    a second."""
    return pl.DataFrame(
        {
            name: string_lists(values) if schema[name] == pl.List(pl.String) else values
            for name, values in columns.items()
        },
        schema=schema,
    )


def string_lists(lists: list[Any]) -> pl.Series:
    """A ``List(String)`` series of these (non-null) sequences of strings, in order."""
    flat: list[str | None] = []
    rows: list[int] = []
    for i, items in enumerate(lists):
        flat.extend(items)
        flat.append(None)  # every row has one null at least: empty lists keep their row
        rows.extend([i] * (len(items) + 1))
    return (
        pl.DataFrame({"row": rows, "v": flat}, schema={"row": pl.Int64, "v": pl.String})
        .group_by("row", maintain_order=True)
        .agg(pl.col("v").drop_nulls())
        .get_column("v")
    )


def record_row(f: Fact) -> dict[str, Any]:
    """A record as a table row: enumerations as text, mappings as sorted key/value lists."""
    row = _plain(f)
    assert isinstance(row, dict)
    return row


def frames_from_facts(facts: Iterable[Fact]) -> dict[str, pl.DataFrame]:
    """One frame per kind, rows sorted by id, columns in model field order."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for f in facts:
        rows.setdefault(f.KIND, []).append(record_row(f))
    out: dict[str, pl.DataFrame] = {}
    for kind in FACT_KINDS:
        if kind not in rows:
            continue
        data = sorted(rows[kind], key=lambda r: str(r["id"]))
        schema = struct_of(FACT_KINDS[kind], data)
        out[kind] = pl.DataFrame(data, schema=pl.Schema(schema.to_schema()), strict=False)
    return out


def write_tables(frames: dict[str, pl.DataFrame], out: Path, fmt: str = "parquet") -> list[Path]:
    """Write ``<kind>.<fmt>`` files into ``out`` (each to a temporary made exclusively under a
    random name, so no planted link is followed, then renamed)."""
    if fmt not in ("parquet", "jsonl"):
        raise ValueError(f"unknown table format `{fmt}` (parquet or jsonl)")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for kind, frame in frames.items():

        def write(fh: BinaryIO, kind: str = kind, frame: pl.DataFrame = frame) -> None:
            if fmt == "parquet":
                frame.write_parquet(fh)
                return
            for row in frame.iter_rows(named=True):
                record = row_record(FACT_KINDS[kind], row)
                fh.write((json.dumps(_jsonable(record), ensure_ascii=False) + "\n").encode())

        written.append(replace_file(out / f"{kind}.{fmt}", write))
    return written


def replace_file(target: Path, write: Callable[[BinaryIO], None]) -> Path:
    """Write ``target`` through ``write`` into a temporary beside it (made exclusively under a
    random name, so no planted link is followed), then rename it over ``target``; nothing is
    left half-written. The file gets the usual mode (``mkstemp`` makes 0600)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # tables are ordinary files
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def row_record(model: type[BaseModel], row: dict[str, Any]) -> dict[str, Any]:
    """A table row as a record for the model: nulls dropped (not stated), mappings rebuilt from
    key/value lists (or from a struct of keys, as some writers store them)."""
    shapes = model_fields(model)
    out: dict[str, Any] = {}
    for name, value in row.items():
        if value is None:
            continue
        shape = shapes.get(name)
        out[name] = _record_value(value, shape) if shape is not None else value
    return out


def _record_value(value: Any, shape: FieldShape) -> Any:
    if shape.kind == "dict":
        if isinstance(value, list):
            pairs = [(kv.get("key"), kv.get("value")) for kv in value if isinstance(kv, dict)]
            if len(pairs) == len(value):
                return {k: v for k, v in pairs}
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if v is not None}
        return value
    if shape.kind == "model" and shape.model is not None and isinstance(value, dict):
        return row_record(shape.model, value)
    if shape.kind == "list" and shape.item is not None and isinstance(value, list):
        return [_record_value(v, shape.item) if v is not None else v for v in value]
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
