"""Writing a world: one file per fact kind, each written whole or not at all; reading it back.

A file goes to a temporary name in the output directory and is renamed when complete, so a
crash leaves no half-written fact file (only, at worst, a hidden ``.*.tmp`` file, which the fact
loader ignores). JSON lines hold one record per line exactly as in a fact file; Parquet holds
the same records as typed columns (see :mod:`hezhang_rules.synth.columns` for the dtypes).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl

from hezhang_rules.diagnostics import Diagnostic, Span, UsageError, os_reason_zh
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.facts.schema import FieldShape, model_fields
from hezhang_rules.facts.table_paths import TABLE_FORMATS
from hezhang_rules.synth.columns import MAP_KEY, MAP_VALUE

FORMATS = TABLE_FORMATS
README = "README.md"


def prepare(out: Path, force: bool) -> None:
    """Create ``out``; refuse a file, or a directory with anything in it unless ``force``."""
    if out.exists() and not out.is_dir():
        raise _usage(
            "hz_usage_bad_output",
            "the output exists and is not a directory",
            out,
            zh="输出位置已存在且不是目录",
        )
    if out.is_dir() and any(out.iterdir()) and not force:
        raise _usage(
            "hz_usage_output_not_empty",
            "the output directory is not empty",
            out,
            "give an empty or new directory, or --force to replace the world in it",
            zh="输出目录不是空的",
            help_zh="请给出空目录或新目录，或用 --force 替换其中的世界",
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        message = f"cannot create the directory: {exc.strerror}"
        zh = f"无法创建目录：{os_reason_zh(exc)}"
        raise _usage("hz_usage_bad_output", message, out, zh=zh) from None


def _usage(
    code: str,
    message: str,
    where: Path,
    help: str | None = None,
    *,
    zh: str,
    help_zh: str | None = None,
) -> UsageError:
    return UsageError(
        [Diagnostic(code, message, Span(str(where)), help=help, zh=zh, help_zh=help_zh)]
    )


def write_kind(out: Path, kind: str, table: pl.DataFrame | pl.LazyFrame, fmt: str) -> Path:
    """Write one kind's records to ``out/<kind>.<fmt>`` atomically."""
    path = out / f"{kind}.{fmt}"
    if fmt == "parquet":
        if isinstance(table, pl.LazyFrame):
            _atomically(path, lambda tmp: table.sink_parquet(tmp))
        else:
            _atomically(path, lambda tmp: table.write_parquet(tmp))
    elif _has_maps(model_fields(FACT_KINDS[kind])):
        frame = table.collect() if isinstance(table, pl.LazyFrame) else table
        _atomically(path, lambda tmp: _write_json_lines(tmp, kind, frame))
    elif isinstance(table, pl.LazyFrame):
        _atomically(path, lambda tmp: table.sink_ndjson(tmp))
    else:
        _atomically(path, lambda tmp: table.write_ndjson(tmp))
    return path


def write_text(path: Path, text: str) -> None:
    _atomically(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def _atomically(path: Path, write: Callable[[str], Any]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; these are ordinary data files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale(out: Path, written: set[str]) -> None:
    """Remove fact files of an earlier world (any kind, either format) not written now."""
    for kind in FACT_KINDS:
        for fmt in FORMATS:
            path = out / f"{kind}.{fmt}"
            if path.name not in written and path.is_file() and not path.is_symlink():
                path.unlink()  # a regular file only (the CLI refuses anything else first)


# --- maps: Parquet stores dict fields as lists of {key, value}; JSON as objects ---------------


def _has_maps(shapes: dict[str, FieldShape]) -> bool:
    return any(_shape_has_map(s) for s in shapes.values())


def _shape_has_map(shape: FieldShape) -> bool:
    if shape.kind == "dict":
        return True
    if shape.kind == "list" and shape.item is not None:
        return _shape_has_map(shape.item)
    if shape.kind == "model" and shape.model is not None:
        return _has_maps(model_fields(shape.model))
    return False


def to_record(shapes: dict[str, FieldShape], row: dict[str, Any]) -> dict[str, Any]:
    """A row of a Parquet file as the record of a fact file: maps back to dicts, nulls dropped."""
    return {k: _value(shapes[k], v) for k, v in row.items() if v is not None}


def _value(shape: FieldShape, value: Any) -> Any:
    if value is None:
        return None
    if shape.kind == "dict":
        return {e[MAP_KEY]: e[MAP_VALUE] for e in value}
    if shape.kind == "list" and shape.item is not None:
        return [_value(shape.item, v) for v in value]
    if shape.kind == "model" and shape.model is not None:
        return to_record(model_fields(shape.model), value)
    return value


def _json_default(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _write_json_lines(path: str, kind: str, frame: pl.DataFrame) -> None:
    shapes = model_fields(FACT_KINDS[kind])
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for row in frame.iter_rows(named=True):
            record = {k: _value(shapes[k], v) for k, v in row.items()}
            fh.write(
                json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=_json_default)
            )
            fh.write("\n")


def read_records(directory: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every record of a world directory as (kind, record as in a fact file), kind by kind.

    Parquet rows are turned back into records (maps to dicts, nulls left out); JSON lines are
    parsed as they are. Meant for checks and small worlds: a national world is millions of
    Python dicts.
    """
    directory = Path(directory)
    for kind in FACT_KINDS:
        shapes = model_fields(FACT_KINDS[kind])
        parquet, jsonl = directory / f"{kind}.parquet", directory / f"{kind}.jsonl"
        if parquet.exists():
            for row in pl.read_parquet(parquet).iter_rows(named=True):
                yield kind, to_record(shapes, row)
        if jsonl.exists():
            with open(jsonl, encoding="utf-8") as fh:
                for line in fh:
                    yield kind, json.loads(line)
