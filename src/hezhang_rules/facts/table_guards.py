"""Checks of a Parquet table made before its values are judged or turned into Python objects.

A Parquet file carries its own column types, and some of them would crash later steps or be
read leniently by the models: a date past year 9999 (polars holds it; Python's ``date`` cannot,
and polars panics converting it), bytes where text is expected (pydantic turns bytes into text
without a word), a dictionary-encoded (categorical) column of text, a million columns. Each is
refused here, or normalised where the values are plainly the same (categorical text is text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl

from hezhang_rules.diagnostics import Diagnostic, Span, os_reason_zh
from hezhang_rules.facts.bounds import DATE_MAX, DATE_MIN, date_range_text, date_range_zh

MAX_COLUMNS = 256
"""Columns a table may have (a fact kind has at most twelve fields): a Parquet file with more
is refused from its schema, before any column is read; a JSON-lines table, once read (each
unknown column would otherwise be judged row by row)."""

RESERVED = "__"
"""Column names beginning so are the checker's own (row numbers): refused, never mixed up."""

DATE_OUT_OF_RANGE = f"date outside the supported range {date_range_text()} (facts/bounds.py)"
DATE_OUT_OF_RANGE_ZH = f"日期超出支持的范围 {date_range_zh()}（见 facts/bounds.py）"

_TEXTUAL = (pl.Categorical, pl.Enum)


def schema_problems(path: Path, display: str) -> list[Diagnostic]:
    """The file's schema, read alone: a file that is not Parquet, or has too many columns."""
    try:
        schema = pl.read_parquet_schema(path)
    except Exception as exc:  # polars raises its own error types; all mean "cannot read"
        return [_unreadable(exc, display)]
    except pl.exceptions.PanicException:  # a corrupt file can make the reader panic
        return [corrupt(display)]
    return column_problems(list(schema), display)


def column_problems(columns: list[str], display: str) -> list[Diagnostic]:
    """Too many columns, or a column named like the checker's own."""
    if len(columns) > MAX_COLUMNS:
        return [
            Diagnostic(
                "hz_limit_max_columns",
                f"{len(columns):,} columns: more than {MAX_COLUMNS:,} (a fact kind has at most "
                "twelve fields)",
                Span(display),
                zh=f"{len(columns):,} 列：超过 {MAX_COLUMNS:,} 列（一种事实最多十二个字段）",
            )
        ]
    return [
        Diagnostic(
            "hz_facts_unknown_field",
            f"unknown column `{name}` (names beginning `{RESERVED}` are reserved)",
            Span(display),
            field_path=name,
            zh=f"未知的列 `{name}`（以 `{RESERVED}` 开头的名称是保留的）",
        )
        for name in columns
        if name.startswith(RESERVED)
    ]


def _unreadable(exc: BaseException, display: str) -> Diagnostic:
    text = str(exc).splitlines()[0] if str(exc) else repr(exc)
    reason = os_reason_zh(exc) if isinstance(exc, OSError) else "不是可读的表"
    return Diagnostic(
        "hz_facts_unreadable_table",
        f"cannot read the table: {text}",
        Span(display),
        zh=f"无法读取此表：{reason}",
    )


def corrupt(display: str) -> Diagnostic:
    """The reader failed inside (a polars panic): the file is corrupt. Its message is not kept:
    it names internal task ids that change from run to run."""
    return Diagnostic(
        "hz_facts_unreadable_table",
        "cannot read the table: its data is corrupt (the Parquet reader failed)",
        Span(display),
        zh="无法读取此表：数据已损坏（Parquet 读取器出错）",
    )


def unreadable(exc: BaseException, display: str) -> Diagnostic:
    """``hz_facts_unreadable_table`` for an error polars raised while reading."""
    return _unreadable(exc, display)


def _plain(dtype: pl.DataType) -> pl.DataType:
    """``dtype`` with every categorical or enum (at any depth) as plain text."""
    if isinstance(dtype, _TEXTUAL):
        return pl.String()
    if isinstance(dtype, pl.List):
        return pl.List(_plain(_dt(dtype.inner)))
    if isinstance(dtype, pl.Struct):
        return pl.Struct([pl.Field(f.name, _plain(_dt(f.dtype))) for f in dtype.fields])
    return dtype


def plain_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Categorical and enum columns (dictionary-encoded text) as text: the same values."""
    casts = {
        name: _plain(_dt(dtype))
        for name, dtype in frame.schema.items()
        if _plain(_dt(dtype)) != _dt(dtype)
    }
    return frame.cast(casts) if casts else frame  # type: ignore[arg-type]


def _dt(dtype: object) -> pl.DataType:
    return dtype if isinstance(dtype, pl.DataType) else dtype()  # type: ignore[operator]


def _has(dtype: pl.DataType, wanted: Callable[[pl.DataType], bool]) -> bool:
    if wanted(dtype):
        return True
    if isinstance(dtype, pl.List | pl.Array):
        return _has(_dt(dtype.inner), wanted)
    if isinstance(dtype, pl.Struct):
        return any(_has(_dt(f.dtype), wanted) for f in dtype.fields)
    return False


def binary_columns(frame: pl.DataFrame) -> list[str]:
    """Columns holding bytes anywhere (the models would read bytes as text, silently)."""
    return [
        name
        for name, dtype in frame.schema.items()
        if _has(_dt(dtype), lambda d: d in (pl.Binary, pl.Object))
    ]


def _bad_dates(expr: pl.Expr, dtype: pl.DataType, path: str) -> Iterator[tuple[str, pl.Expr]]:
    """``(field path, whether a row holds a date outside the bounds there)`` for every date
    column, struct field or list item in ``dtype``."""
    if dtype == pl.Date:
        yield path, expr.is_not_null() & ~expr.is_between(DATE_MIN, DATE_MAX)
    elif isinstance(dtype, pl.Struct):
        for f in dtype.fields:
            yield from _bad_dates(expr.struct.field(f.name), _dt(f.dtype), f"{path}.{f.name}")
    elif isinstance(dtype, pl.List):
        for sub, bad in _bad_dates(pl.element(), _dt(dtype.inner), f"{path}[]"):
            yield sub, expr.list.eval(bad).list.any().fill_null(False)


def dates_out_of_range(
    frame: pl.DataFrame,
    kind: str,
    span_of: Callable[[int], Span],
    limit: int,
) -> list[Diagnostic]:
    """One diagnostic per row holding a date outside the bounds (the first ``limit``)."""
    tests = [
        (path, bad)
        for name, dtype in frame.schema.items()
        for path, bad in _bad_dates(pl.col(name), _dt(dtype), name)
    ]
    if not tests:
        return []
    hits = frame.select([bad.any().alias(f"t{i}") for i, (_, bad) in enumerate(tests)]).row(0)
    out: list[Diagnostic] = []
    ids = frame.get_column("id") if "id" in frame.columns else None
    for hit, (path, bad) in zip(hits, tests, strict=True):
        if not hit:
            continue
        rows = frame.select(pl.int_range(pl.len()).filter(bad)).to_series().head(limit).to_list()
        for row in rows:
            rid = ids[row] if ids is not None else None
            label = f"{kind}[{row}]" + (f" (id {rid})" if isinstance(rid, str) else "")
            out.append(
                Diagnostic(
                    "hz_facts_date_out_of_range",
                    DATE_OUT_OF_RANGE,
                    span_of(row),
                    zh=DATE_OUT_OF_RANGE_ZH,
                    record=label,
                    field_path=path.removesuffix("[]"),
                )
            )
            if len(out) >= limit:
                return out
    return out


__all__ = [
    "DATE_OUT_OF_RANGE",
    "MAX_COLUMNS",
    "RESERVED",
    "binary_columns",
    "column_problems",
    "corrupt",
    "dates_out_of_range",
    "plain_text",
    "schema_problems",
    "unreadable",
]
