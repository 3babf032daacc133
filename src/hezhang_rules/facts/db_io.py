"""Facts in a database: written (``hezhang-rules tables --format sqlite|postgresql``) and read
(``hezhang-rules check sqlite:///PATH``), in the layout of :mod:`hezhang_rules.facts.db_layout`.

Both directions are columnar: a table is read by one ``SELECT`` whose result ADBC hands to polars
as whole columns (no pyarrow, no row-by-row Python), decoded with polars expressions, then
validated by :func:`hezhang_rules.facts.tables.load_frames` exactly as a Parquet table is (same
checks, same codes), every problem located as ``DB table KIND, row id=ID`` (the row's number
when it has no id) with the record and the column. Written frames go in with ``adbc_ingest``.

What the database's own types cannot promise is checked on reading:

* SQLite is dynamically typed: a value of the wrong storage class (a TEXT in an INTEGER
  column, a BLOB anywhere) is a located ``hz_facts_wrong_type``; a yes/no column holds 0 or 1;
* a nested value (list, mapping, record) is JSON text (SQLite) or ``jsonb`` (PostgreSQL):
  malformed JSON is a located ``hz_facts_syntax``; JSON of the wrong shape (a number where the
  model wants text, a key the model does not know) is judged by the model itself, row by row,
  and only for the rows whose JSON is not already in the canonical form this module writes.

Only tables named as fact kinds are read: any other table (the platform's own: users, logs,
queues) is ignored, and ``hezhang_meta`` is read for nothing but being there. A database with
no fact table at all is an error at its address (``hz_db_no_fact_tables``), never "no facts".
A ``fact_schema_version`` different from :data:`~hezhang_rules.facts.db_layout.FACT_SCHEMA_VERSION`
is not an error by itself: the columns are checked against the model whatever wrote them.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
from pydantic import ValidationError

from hezhang_rules.dburl import DatabaseError, DbUrl, connect
from hezhang_rules.diagnostics import Diagnostic, FactLoadError, Span
from hezhang_rules.facts.db_layout import (
    FACT_SCHEMA_VERSION,
    META_TABLE,
    Dialect,
    create_table,
    is_json,
)
from hezhang_rules.facts.factset import FactSet
from hezhang_rules.facts.frames import dtype_of, frames_from_facts
from hezhang_rules.facts.loader import record_label, validation_diagnostics
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.facts.schema import FieldShape, model_fields
from hezhang_rules.facts.tables import TableFrame, Tables, load_frames
from hezhang_rules.source import DEFAULT_LIMITS, Limits

# --- the JSON of nested values ----------------------------------------------------------------


def _has_dict(shape: FieldShape) -> bool:
    """Whether a mapping sits anywhere in the shape (a JSON object with keys of the data's)."""
    if shape.kind == "dict":
        return True
    if shape.kind == "list" and shape.item is not None:
        return _has_dict(shape.item)
    if shape.kind == "model" and shape.model is not None:
        return any(_has_dict(s) for s in model_fields(shape.model).values())
    return False


def _dt(dtype: Any) -> pl.DataType:
    """A polars dtype as an instance (schemas may hold the class, e.g. ``pl.String``)."""
    return dtype if isinstance(dtype, pl.DataType) else dtype()


def _text_dates(dtype: pl.DataType) -> pl.DataType:
    """``dtype`` with every date as text: JSON holds ISO dates, decoded as text so that a date
    that is not one is judged by the column checks (polars would make it a silent null)."""
    if isinstance(dtype, pl.List):
        return pl.List(_text_dates(_dt(dtype.inner)))
    if isinstance(dtype, pl.Struct):
        return pl.Struct({f.name: _text_dates(_dt(f.dtype)) for f in dtype.fields})
    return pl.String() if dtype == pl.Date else dtype


def _json_dtype(shape: FieldShape) -> pl.DataType:
    """The polars type a nested field's JSON decodes to (the model's, dates as text)."""
    return _text_dates(dtype_of(shape))


def _encode(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A nested column (lists and structs of ``dtype``) as compact JSON text, in polars."""
    if isinstance(dtype, pl.Struct):
        return expr.struct.json_encode()
    # Polars encodes structs only: wrap the value, then cut the wrapper ``{"v":`` … ``}`` off.
    wrapped = pl.struct(expr.alias("v")).struct.json_encode()
    return pl.when(expr.is_not_null()).then(wrapped.str.slice(5, wrapped.str.len_chars() - 6))


def _mapping_json(value: Any, shape: FieldShape) -> Any:
    """A frame value (mappings as key/value lists) as the JSON of a fact file (mappings as
    objects, no nulls, dates ISO)."""
    if value is None:
        return None
    if shape.kind == "dict" and shape.item is not None:
        item = shape.item
        pairs = (
            value.items() if isinstance(value, dict) else ((p["key"], p["value"]) for p in value)
        )
        return {k: _mapping_json(v, item) for k, v in pairs if v is not None}
    if shape.kind == "list" and shape.item is not None:
        return [_mapping_json(v, shape.item) for v in value]
    if shape.kind == "model" and shape.model is not None:
        shapes = model_fields(shape.model)
        return {
            k: _mapping_json(v, shapes[k])
            for k, v in value.items()
            if v is not None and k in shapes
        }
    return value.isoformat() if hasattr(value, "isoformat") else value


def _frame_json(value: Any, shape: FieldShape) -> Any:
    """Fact-file JSON as the frame holds it: mappings as key/value lists sorted by key."""
    if value is None:
        return None
    if shape.kind == "dict" and shape.item is not None and isinstance(value, dict):
        item = shape.item
        return [
            {"key": k, "value": _frame_json(v, item)}
            for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
        ]
    if shape.kind == "list" and shape.item is not None and isinstance(value, list):
        return [_frame_json(v, shape.item) for v in value]
    if shape.kind == "model" and shape.model is not None and isinstance(value, dict):
        shapes = model_fields(shape.model)
        return {k: _frame_json(v, shapes[k]) if k in shapes else v for k, v in value.items()}
    return value


# --- writing ----------------------------------------------------------------------------------


def _sql_frame(kind: str, frame: pl.DataFrame, dialect: Dialect) -> pl.DataFrame:
    """A kind's frame (the model's polars types) as its table's columns in ``dialect``."""
    shapes = model_fields(FACT_KINDS[kind])
    cols: list[pl.Expr] = []
    for name, shape in shapes.items():
        if name not in frame.columns:
            continue
        col = pl.col(name)
        if is_json(shape):
            if _has_dict(shape):  # a few small kinds: objects built in Python
                texts = [
                    None if v is None else json.dumps(_mapping_json(v, shape), ensure_ascii=False)
                    for v in frame.get_column(name).to_list()
                ]
                cols.append(pl.lit(pl.Series(name, texts, pl.String)).alias(name))
                continue
            dtype = _json_dtype(shape)
            cols.append(_encode(col.cast(dtype), dtype).alias(name))
        elif dialect == "sqlite" and frame.schema[name] == pl.Date:
            cols.append(col.dt.to_string("%Y-%m-%d").alias(name))
        elif dialect == "sqlite" and frame.schema[name] == pl.Boolean:
            cols.append(col.cast(pl.Int64).alias(name))
        else:
            cols.append(col)
    return frame.select(cols)


def _frames(facts: FactSet | Tables) -> dict[str, pl.DataFrame]:
    return facts.frames if isinstance(facts, Tables) else frames_from_facts(facts)


def _quote(name: str) -> str:
    return f'"{name}"'


def _refuse(db: DbUrl, code: str, message: str, zh: str, help: str, help_zh: str) -> DatabaseError:
    return DatabaseError([Diagnostic(code, message, db.span(), help=help, zh=zh, help_zh=help_zh)])


def _fill(cur: Any, frames: dict[str, pl.DataFrame], dialect: Dialect) -> list[str]:
    """Create every fact table and the meta table on ``cur``, and append each kind's rows."""
    written = []
    for kind in FACT_KINDS:
        cur.execute(create_table(kind, dialect))
        frame = frames.get(kind)
        if frame is None or frame.height == 0:
            continue
        data = _sql_frame(kind, frame, dialect)
        if dialect == "postgresql":
            _ingest_pg(cur, kind, data)
        else:
            cur.adbc_ingest(kind, data, mode="append")
        written.append(kind)
    cur.execute(f"CREATE TABLE {_quote(META_TABLE)} (key text PRIMARY KEY, value text NOT NULL)")
    cur.adbc_ingest(
        META_TABLE,
        pl.DataFrame({"key": ["fact_schema_version"], "value": [FACT_SCHEMA_VERSION]}),
        mode="append",
    )
    return written


def _ingest_pg(cur: Any, kind: str, data: pl.DataFrame) -> None:
    """Rows into a PostgreSQL table whose nested columns are ``jsonb``: the JSON goes in as text
    into a temporary table (COPY cannot make text jsonb), then one ``INSERT … SELECT`` casts it."""
    shapes = model_fields(FACT_KINDS[kind])
    json_cols = [n for n in data.columns if is_json(shapes[n])]
    if not json_cols:
        cur.adbc_ingest(kind, data, mode="append")
        return
    stage = f"hezhang_stage_{kind}"
    cur.adbc_ingest(stage, data, mode="create", temporary=True)
    names = ", ".join(_quote(n) for n in data.columns)
    values = ", ".join(f"{_quote(n)}::jsonb" if n in json_cols else _quote(n) for n in data.columns)
    cur.execute(f"INSERT INTO {_quote(kind)} ({names}) SELECT {values} FROM {_quote(stage)}")
    cur.execute(f"DROP TABLE {_quote(stage)}")


def write_database(facts: FactSet | Tables, db: DbUrl, *, force: bool = False) -> list[str]:
    """Write ``facts`` into ``db`` in the layout of :mod:`~hezhang_rules.facts.db_layout`; return
    the kinds whose tables received rows (every kind's table is created, empty or not).

    SQLite: the database is built in a hidden temporary file beside the target, then renamed
    over it: nothing half-written is ever seen. An existing target is replaced only with
    ``force`` and only if it is a fact database (it has ``hezhang_meta``): any other file is
    never overwritten. PostgreSQL: one transaction; a database that already holds a fact table
    is refused unless ``force``, which drops and recreates the fact tables and ``hezhang_meta``
    only (the platform's other tables are never touched).
    """
    frames = _frames(facts)
    if db.scheme == "sqlite":
        return _write_sqlite(frames, db, force)
    return _write_postgresql(frames, db, force)


def _write_sqlite(frames: dict[str, pl.DataFrame], db: DbUrl, force: bool) -> list[str]:
    assert db.path is not None
    target = db.path
    if target.exists() or target.is_symlink():
        if not force:
            raise _refuse(
                db,
                "hz_db_exists",
                "the database file exists",
                "数据库文件已存在",
                "give --force to replace a fact database, or another path",
                "用 --force 替换事实数据库，或换一个路径",
            )
        if not _is_fact_sqlite(db):
            raise _refuse(
                db,
                "hz_db_not_fact_database",
                "not a fact database (no hezhang_meta table): never overwritten",
                "不是事实数据库（没有 hezhang_meta 表）：不会覆盖",
                "write to a new path",
                "请写到新的路径",
            )
    folder = target.parent
    if not folder.is_dir():
        connect(db, create=True)  # the located "no such folder"
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        staged = DbUrl("sqlite", f"sqlite:///{tmp}", db.shown, Path(tmp))
        conn = connect(staged, create=True)
        try:
            cur = conn.cursor()
            written = _fill(cur, frames, "sqlite")
            cur.close()
            conn.commit()
        finally:
            conn.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a database is an ordinary file
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return written


def _is_fact_sqlite(db: DbUrl) -> bool:
    """Whether the SQLite file at ``db`` is a database with ``hezhang_meta`` (one this library
    wrote); anything else (not SQLite, not a file) is not."""
    assert db.path is not None
    if not db.path.is_file() or db.path.is_symlink():
        return False
    try:
        conn = connect(db)
    except DatabaseError:
        return False
    try:
        cur = conn.cursor()
        cur.execute(
            "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?",
            parameters=(META_TABLE,),
        )
        found = pl.DataFrame(cur.fetch_arrow()).item() == 1
        cur.close()
        return bool(found)
    except Exception:  # the driver's error: not a SQLite database
        return False
    finally:
        conn.close()


def _write_postgresql(frames: dict[str, pl.DataFrame], db: DbUrl, force: bool) -> list[str]:
    conn = connect(db)
    try:
        cur = conn.cursor()
        present = [t for t in _table_names(cur, "postgresql") if t in FACT_KINDS]
        if present and not force:
            raise _refuse(
                db,
                "hz_db_exists",
                f"the database already holds fact tables ({', '.join(sorted(present))})",
                f"数据库中已有事实表（{', '.join(sorted(present))}）",
                "give --force to replace the fact tables (and only them)",
                "用 --force 替换事实表（只替换事实表）",
            )
        for name in [*FACT_KINDS, META_TABLE]:
            cur.execute(f"DROP TABLE IF EXISTS {_quote(name)}")
        written = _fill(cur, frames, "postgresql")
        cur.close()
        conn.commit()
        return written
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.close()


# --- reading ----------------------------------------------------------------------------------


def _rows(cur: Any, sql: str, parameters: tuple[Any, ...] | None = None) -> pl.DataFrame:
    """A query's result as polars columns (one batch: the SQLite driver types each column by
    its first batch's values, and a later batch of other values would be refused)."""
    if parameters is None:
        cur.execute(sql)
    else:
        cur.execute(sql, parameters=parameters)
    return pl.DataFrame(cur.fetch_arrow())


_ONE_BATCH = {"adbc.sqlite.query.batch_rows": str(1 << 30)}


def _table_names(cur: Any, dialect: Dialect) -> list[str]:
    if dialect == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
    else:
        sql = (
            "SELECT table_name::text AS name FROM information_schema.tables "
            "WHERE table_schema = current_schema()"
        )
    return [str(n) for n in _rows(cur, sql).get_column("name").to_list()]


def _columns(cur: Any, kind: str, dialect: Dialect) -> list[str]:
    if dialect == "sqlite":
        frame = _rows(cur, "SELECT name FROM pragma_table_info(?) ORDER BY cid", (kind,))
    else:
        frame = _rows(
            cur,
            "SELECT column_name::text AS name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            (kind,),
        )
    return [str(n) for n in frame.get_column("name").to_list()]


_STORAGE: dict[str, tuple[str, ...]] = {
    # what SQLite storage classes a field's column may hold (besides NULL)
    "int": ("integer",),
    "float": ("integer", "real"),
    "bool": ("integer",),
    "text": ("text",),
}
_STORAGE_ZH = {"integer": "整数", "real": "实数", "text": "文本", "blob": "二进制数据"}


def _storage(shape: FieldShape) -> str:
    if is_json(shape):
        return "text"
    dtype = dtype_of(shape)
    if dtype == pl.Boolean:
        return "bool"
    if dtype == pl.Int64:
        return "int"
    if dtype == pl.Float64:
        return "float"
    return "text"


_MISFIT = "__hezhang_misfit_"
_BITS = 60


def _select_sqlite(kind: str, columns: list[str]) -> str:
    """The exact ``SELECT`` of a SQLite table (when ``SELECT *`` did not :func:`_fits`): each
    model column only where its storage class is the
    field's (other values become NULL), and per row one number whose bits say which columns
    held a value of another class (to be reported: :func:`_wrong_storage`); columns of no field
    as text (only whether they hold values matters)."""
    shapes = model_fields(FACT_KINDS[kind])
    parts = []
    misfits: list[str] = []
    for name in columns:
        q = _quote(name)
        if name not in shapes:
            parts.append(f"CAST({q} AS TEXT) AS {q}")
            continue
        allowed = _STORAGE[_storage(shapes[name])]
        test = " OR ".join(f"typeof({q}) = '{c}'" for c in allowed)
        value = f"CAST({q} AS REAL)" if _storage(shapes[name]) == "float" else q
        parts.append(f"CASE WHEN {test} THEN {value} END AS {q}")
        misfits.append(f"((NOT ({test} OR {q} IS NULL)) << {len(misfits) % _BITS})")
    for k in range(0, len(misfits), _BITS):
        parts.append(f"({' | '.join(misfits[k : k + _BITS])}) AS {_MISFIT}{k // _BITS}")
    return f"SELECT {', '.join(parts)} FROM {_quote(kind)}"


_POLARS: dict[str, pl.DataType] = {
    "int": pl.Int64(),
    "float": pl.Float64(),
    "bool": pl.Int64(),
    "text": pl.String(),
}


def _fits(frame: pl.DataFrame, kind: str) -> bool:
    """Whether a plain ``SELECT *`` of a SQLite table came back in its fields' types. The driver
    types a column by all its values (one batch): a column holding values of two storage
    classes comes back as text (or bytes), a column of no value as integers. A number stored in
    a text column comes back as its text, as SQLite's own text affinity would store it."""
    shapes = model_fields(FACT_KINDS[kind])
    for name in frame.columns:
        if name not in shapes:
            continue
        storage = _storage(shapes[name])
        dtype = frame.schema[name]
        if dtype == _POLARS[storage] or (storage == "float" and dtype == pl.Int64):
            continue
        if frame.get_column(name).null_count() < frame.height:
            return False
    return True


def _typed(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    """A SQLite result in the types its ``SELECT`` promises (the driver types a column by its
    values: one with no value would come back as integers)."""
    shapes = model_fields(FACT_KINDS[kind])
    return frame.with_columns(
        pl.col(name).cast(_POLARS[_storage(shapes[name])])
        for name in frame.columns
        if name in shapes
    )


class _Table:
    """One fact table being read: its frame, and where its rows are."""

    def __init__(self, db: DbUrl, kind: str, frame: pl.DataFrame) -> None:
        self.db, self.kind, self.frame = db, kind, frame
        self.label = f"{db.shown} table {kind}"
        ids = frame.get_column("id") if "id" in frame.columns else None
        self.ids = ids if ids is not None and ids.dtype == pl.String else None

    def row_span(self, i: int) -> Span:
        rid = self.ids[i] if self.ids is not None else None
        return Span(
            f"{self.label}, row id={rid}" if rid is not None else f"{self.label}, row {i + 1}"
        )

    def record(self, i: int) -> str:
        rid = self.ids[i] if self.ids is not None else None
        return record_label(self.kind, i, {"id": rid})

    def problem(self, i: int, code: str, field: str, message: str, zh: str) -> Diagnostic:
        return Diagnostic(
            code, message, self.row_span(i), record=self.record(i), field_path=field, zh=zh
        )


def _wrong_storage(
    cur: Any, table: _Table, columns: list[str], diags: list[Diagnostic], limit: int
) -> None:
    """SQLite values of a storage class their field does not take, one problem per value (their
    class read again, column by column, only when some row has one)."""
    shapes = model_fields(FACT_KINDS[table.kind])
    known = [n for n in columns if n in shapes]
    for k in range(0, len(known), _BITS):
        flags = table.frame.get_column(f"{_MISFIT}{k // _BITS}")
        rows = (flags != 0).arg_true()
        if rows.len() == 0:
            continue
        for bit, name in enumerate(known[k : k + _BITS]):
            hit = rows.filter((flags.gather(rows) & (1 << bit)) != 0)
            if hit.len() == 0 or len(diags) > limit:
                continue
            classes = _rows(cur, f"SELECT typeof({_quote(name)}) AS t FROM {_quote(table.kind)}")
            found_in = classes.get_column("t")
            for row in hit.head(limit + 1 - len(diags)).to_list():
                found = str(found_in[row])
                diags.append(
                    table.problem(
                        row,
                        "hz_facts_wrong_type",
                        name,
                        f"expected {shapes[name].describe()}, found a SQLite {found} value",
                        f"应为{_zh_kind(_storage(shapes[name]))}，"
                        f"却是 SQLite {_STORAGE_ZH.get(found, found)}值",
                    )
                )


def _zh_kind(storage: str) -> str:
    return {"int": "整数", "float": "数", "bool": "是/否（0 或 1）", "text": "文本"}[storage]


def _booleans(table: _Table, name: str, diags: list[Diagnostic], limit: int) -> pl.Expr:
    """A SQLite yes/no column (0 or 1) as booleans; any other number is a located problem."""
    col = table.frame.get_column(name)
    if col.dtype == pl.Boolean or col.dtype == pl.Null:
        return pl.col(name).cast(pl.Boolean)
    bad = (col.is_not_null() & ~col.is_in([0, 1])).arg_true()
    for row in bad.head(limit + 1 - len(diags)).to_list():
        diags.append(
            table.problem(
                row,
                "hz_facts_wrong_type",
                name,
                f"expected a yes/no value (0 or 1), found {col[row]}",
                f"应为是/否（0 或 1），却是 {col[row]}",
            )
        )
    return pl.when(pl.col(name).is_in([0, 1])).then(pl.col(name) == 1).alias(name)


def _bad_rows(texts: pl.Series, dtype: pl.DataType, offset: int = 0) -> Iterator[int]:
    """Rows whose JSON polars cannot decode as ``dtype`` (malformed, or of another shape):
    halves tried until each failing row stands alone (a few decodes per bad row)."""
    try:
        texts.str.json_decode(dtype)
        return
    except pl.exceptions.PolarsError:
        pass
    if texts.len() == 1:
        yield offset
        return
    half = texts.len() // 2
    yield from _bad_rows(texts.slice(0, half), dtype, offset)
    yield from _bad_rows(texts.slice(half), dtype, offset + half)


def _same(given: Any, decoded: Any) -> bool:
    """Whether ``decoded`` (the JSON polars made of ``given``, nulls as absent) is ``given``
    exactly: no number made text, no yes/no made a number, no key dropped, no value cut."""
    if isinstance(given, dict):
        if not isinstance(decoded, dict):
            return False
        have = {k: v for k, v in decoded.items() if v is not None}
        want = {k: v for k, v in given.items() if v is not None}
        return have.keys() == want.keys() and all(_same(want[k], have[k]) for k in want)
    if isinstance(given, list):
        return (
            isinstance(decoded, list)
            and len(given) == len(decoded)
            and all(_same(g, d) for g, d in zip(given, decoded, strict=True))
        )
    if isinstance(given, bool) or isinstance(decoded, bool):
        return type(given) is type(decoded) and given == decoded
    if isinstance(decoded, float) and isinstance(given, int | float):
        return float(given) == decoded
    return type(given) is type(decoded) and given == decoded


def _decode_json(
    table: _Table, shapes: dict[str, FieldShape], diags: list[Diagnostic], limit: int
) -> dict[str, pl.Series]:
    """The nested columns' JSON (text, or PostgreSQL ``jsonb``) in the model's polars types.

    Polars decodes each whole column (all columns at once, on as many threads); its decoding
    is lenient (``5`` read as the text ``"5"``, a key the type does not have dropped), so every
    row whose JSON is not what encoding the decoded value gives back (the form
    :func:`write_database` writes) is compared with the decoded value in Python, and a row that
    differs is judged by the model (its errors, located). A column polars cannot decode at all
    (malformed JSON, a value of another shape) has its failing rows found by halving.
    """
    given: dict[str, pl.Series] = {}  # as stored
    texts: dict[str, pl.Series] = {}  # as decoded (mappings as key/value lists)
    out: dict[str, pl.Series] = {}
    for name, shape in shapes.items():
        raw = table.frame.get_column(name)
        if isinstance(raw.dtype, pl.Extension):
            raw = raw.ext.storage()  # PostgreSQL jsonb: an extension type over the JSON text
        if raw.dtype != pl.String:
            out[name] = raw  # a native array or record column: checked as it is
            continue
        given[name] = raw
        texts[name] = _mappings(name, raw, shape) if _has_dict(shape) else raw
    if not texts:
        return out
    dtypes = {name: _json_dtype(shapes[name]) for name in texts}
    postgres = {n for n in texts if table.db.scheme == "postgresql" and not _has_dict(shapes[n])}
    bad: dict[str, set[int]] = {name: set() for name in texts}
    try:
        decoded, differs = _decode_chunks(pl.DataFrame(texts), dtypes, postgres)
    except pl.exceptions.PolarsError:  # some value polars cannot take: find it, column by column
        for name, dtype in dtypes.items():
            bad[name] = set(_bad_rows(texts[name], dtype))
            if bad[name]:
                keep = pl.Series([i not in bad[name] for i in range(len(texts[name]))])
                none = pl.Series([None] * len(keep), dtype=pl.String)
                texts[name] = texts[name].zip_with(keep, none)
        decoded, differs = _decode_chunks(pl.DataFrame(texts), dtypes, postgres)
    for name in dtypes:
        rows = sorted(bad[name] | set(differs.get_column(name).arg_true().to_list()))
        column = decoded.get_column(name)
        for row in rows:
            if len(diags) > limit:
                break
            _check_row(
                table, name, shapes[name], row, given[name][row], column, row in bad[name], diags
            )
        out[name] = column
    return out


_CHUNKS = 8
"""Nested columns are decoded in this many slices at once (polars decodes one column's JSON
on one thread)."""


def _pg_order(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A nested value with every record's fields in the order PostgreSQL writes a ``jsonb``
    object's keys (shorter keys first, then by their bytes)."""
    if isinstance(dtype, pl.Struct):
        fields = sorted(dtype.fields, key=lambda f: (len(f.name.encode()), f.name.encode()))
        inner = [_pg_order(expr.struct.field(f.name), _dt(f.dtype)).alias(f.name) for f in fields]
        return pl.when(expr.is_not_null()).then(pl.struct(inner))
    if isinstance(dtype, pl.List) and _has_struct(_dt(dtype.inner)):
        return expr.list.eval(_pg_order(pl.element(), _dt(dtype.inner)))
    return expr


def _has_struct(dtype: pl.DataType) -> bool:
    if isinstance(dtype, pl.Struct):
        return True
    return isinstance(dtype, pl.List) and _has_struct(_dt(dtype.inner))


def _pg_text(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """The text PostgreSQL gives back for a ``jsonb`` value polars decoded to ``expr``: keys in
    its order, a space after each comma and colon between values. (A comma or colon closing a
    string is spaced too: that row is then compared value by value, never wrongly taken.)"""
    compact = _encode(_pg_order(expr, dtype), dtype)
    return compact.str.replace_all(r',(["\[{\-0-9tfn])', ", ${1}").str.replace_all(
        '":', '": ', literal=True
    )


def _decode_chunks(
    texts: pl.DataFrame, dtypes: dict[str, pl.DataType], postgres: set[str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The JSON columns ``texts`` decoded as ``dtypes``, and per column whether each row's JSON
    differs from what encoding its decoded value gives back (computed in slices, in parallel);
    for the columns in ``postgres``, encoding as PostgreSQL writes ``jsonb``."""
    size = max(1, -(-texts.height // _CHUNKS))
    plans = [
        texts.lazy()
        .slice(start, size)
        .with_columns(pl.col(n).str.json_decode(d).alias(f"d:{n}") for n, d in dtypes.items())
        .select(
            *(pl.col(f"d:{n}").alias(n) for n in dtypes),
            *(
                (
                    pl.col(n).is_not_null()
                    & (pl.col(n) != _again(f"d:{n}", d, n in postgres)).fill_null(True)
                ).alias(f"differs:{n}")
                for n, d in dtypes.items()
            ),
        )
        for start in range(0, max(texts.height, 1), size)
    ]
    both = pl.concat(pl.collect_all(plans))
    return both.select(list(dtypes)), both.select(pl.col(f"differs:{n}").alias(n) for n in dtypes)


def _again(name: str, dtype: pl.DataType, postgres: bool) -> pl.Expr:
    return _pg_text(pl.col(name), dtype) if postgres else _encode(pl.col(name), dtype)


def _check_row(
    table: _Table,
    name: str,
    shape: FieldShape,
    row: int,
    text: str,
    decoded: pl.Series,
    undecodable: bool,
    diags: list[Diagnostic],
) -> None:
    """One nested value whose JSON is not in the written form: malformed, or another value than
    polars decoded (then the model judges it), or the same value written otherwise."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        diags.append(
            table.problem(
                row,
                "hz_facts_syntax",
                name,
                f"malformed JSON: {exc}",
                f"JSON 格式不正确（第 {getattr(exc, 'colno', '?')} 个字符附近）",
            )
        )
        return
    if not undecodable and _same(_frame_json(value, shape), decoded.slice(row, 1).to_list()[0]):
        return  # the same value, written otherwise (spaces, key order, nulls)
    _judge(table, name, row, value, diags)


def _mappings(name: str, raw: pl.Series, shape: FieldShape) -> pl.Series:
    """JSON with mappings as objects → the same with mappings as key/value lists (the frame's
    form of a mapping). Malformed JSON is left as it is (found and reported afterwards)."""
    out: list[str | None] = []
    for text in raw.to_list():
        if text is None:
            out.append(None)
            continue
        try:
            value = json.loads(text)
        except ValueError:
            out.append(text)
            continue
        out.append(json.dumps(_frame_json(value, shape), ensure_ascii=False, separators=(",", ":")))
    return pl.Series(name, out, pl.String)


def _judge(table: _Table, name: str, row: int, given: Any, diags: list[Diagnostic]) -> None:
    """A nested value polars could not take as it is, judged by the model: its errors in this
    column (a generic wrong shape if the model, oddly, takes it)."""
    model = FACT_KINDS[table.kind]
    shape = model_fields(model)[name]
    before = len(diags)
    try:
        # Only this field is judged: the model's errors elsewhere are the column checks'.
        from pydantic import TypeAdapter

        TypeAdapter(model.model_fields[name].rebuild_annotation()).validate_python(given)
    except ValidationError as exc:
        for d in validation_diagnostics(
            model,
            _at_field(exc, name, model),
            table.record(row),
            lambda loc, key: table.row_span(row),
        ):
            if (d.field_path or "").split(".")[0].split("[")[0] == name:
                diags.append(d)
    if len(diags) == before:
        diags.append(
            table.problem(
                row,
                "hz_facts_wrong_type",
                name,
                f"expected {shape.describe()}",
                "值的形状与字段不符",
            )
        )


def _at_field(exc: ValidationError, name: str, model: Any) -> ValidationError:
    """The errors of one field's value, as if the model had found them in the field ``name``."""
    errors = [{**e, "loc": (name, *e["loc"])} for e in exc.errors()]
    return ValidationError.from_exception_data(model.__name__, errors)  # type: ignore[arg-type]


def _read_table(cur: Any, db: DbUrl, kind: str, diags: list[Diagnostic], limit: int) -> TableFrame:
    dialect: Dialect = db.scheme
    columns = _columns(cur, kind, dialect)
    exact = False
    if dialect == "sqlite":
        frame = _rows(cur, f"SELECT * FROM {_quote(kind)}")
        if not _fits(frame, kind):  # some value of another storage class: find each one
            frame, exact = _rows(cur, _select_sqlite(kind, columns)), True
        frame = _typed(frame, kind)
    else:
        frame = _rows(cur, f"SELECT * FROM {_quote(kind)}")
    table = _Table(db, kind, frame)
    shapes = model_fields(FACT_KINDS[kind])
    if frame.height == 0:  # an empty table: its columns only (their types say nothing)
        return TableFrame(kind, frame.select(columns), table.label, table.row_span)
    if exact:
        _wrong_storage(cur, table, columns, diags, limit)
    nested = _decode_json(
        table, {n: shapes[n] for n in columns if n in shapes and is_json(shapes[n])}, diags, limit
    )
    out: list[pl.Expr | pl.Series] = []
    for name in columns:
        shape = shapes.get(name)
        if shape is None:
            out.append(pl.col(name))
        elif name in nested:
            out.append(nested[name].alias(name))
        elif dtype_of(shape) == pl.Boolean and dialect == "sqlite":
            out.append(_booleans(table, name, diags, limit))
        else:
            out.append(pl.col(name))
    return TableFrame(kind, frame.select(out), table.label, table.row_span)


def load_database(
    db: DbUrl,
    limits: Limits = DEFAULT_LIMITS,
    on_table: Callable[[str, int], None] | None = None,
) -> Tables:
    """Read and validate the fact tables of ``db``; raise :class:`FactLoadError` if not.

    The tables named as fact kinds are read, one ``SELECT`` each; other tables are ignored.
    Every problem is located at ``DB table KIND, row id=ID`` with its record and column.
    ``on_table(kind, rows)`` is told of each table read (a progress display)."""
    conn = connect(db)
    try:
        cur = conn.cursor()
        if db.scheme == "sqlite":
            cur.adbc_statement.set_options(**_ONE_BATCH)
        try:
            names = set(_table_names(cur, db.scheme))
        except Exception as exc:  # the driver's error: not a database it can read
            raise _unreadable(db, exc) from None
        kinds = [k for k in FACT_KINDS if k in names]
        if not kinds:
            raise FactLoadError(
                [
                    Diagnostic(
                        "hz_db_no_fact_tables",
                        "no table named after a fact kind here",
                        db.span(),
                        help="create them with `hezhang-rules db schema`, or write facts with "
                        "`hezhang-rules tables … --format sqlite`",
                        zh="这里没有以事实种类命名的表",
                        help_zh="用 `hezhang-rules db schema` 建表，或用 "
                        "`hezhang-rules tables … --format sqlite` 写入事实",
                    )
                ]
            )
        diags: list[Diagnostic] = []
        read = []
        for kind in kinds:
            try:
                read.append(_read_table(cur, db, kind, diags, limits.max_problems))
            except (FactLoadError, DatabaseError):
                raise
            except Exception as exc:  # the driver's own errors: the table cannot be read
                raise _unreadable(db, exc, kind) from None
        cur.close()
    finally:
        conn.close()
    if diags:
        raise FactLoadError(diags[: limits.max_problems + 1])
    return load_frames(read, limits, on_table)


def _unreadable(db: DbUrl, exc: BaseException, kind: str | None = None) -> DatabaseError:
    lines = str(exc).strip().splitlines()
    reason = (lines[0] if lines else type(exc).__name__).replace(db.url, db.shown)
    return DatabaseError(
        [
            Diagnostic(
                "hz_db_unreadable",
                f"cannot read the database: {reason}",
                db.span(f"table {kind}" if kind else ""),
                zh="无法读取数据库",
            )
        ]
    )


__all__ = ["load_database", "write_database"]
