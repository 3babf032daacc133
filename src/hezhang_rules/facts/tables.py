"""Fact tables: ``<kind>.parquet`` / ``<kind>.jsonl`` files read as columns, validated as columns.

A folder written by ``hezhang-rules synth`` (or by a platform's export) holds one table per fact
kind: one row (Parquet) or one line (JSON lines) per record, fields as in a fact file. This
module reads them with polars and gives the same guarantees as the pydantic path — field types,
ISO calendar dates, enumerations, text and id constraints, list lengths, bounds, unknown and
missing fields, unique ids across all kinds (problem ids included), references to existing
records of the right kinds — with every problem naming the file, the row (the line, for JSON
lines), the record id and the field. Nothing is half-loaded: any problem raises
:class:`FactLoadError` with all of them (up to ``limits.max_problems``).

Kinds in ``BULK_KINDS`` are checked as columns, the others row by row through the models. In JSON
lines polars reads a number, boolean, list or object among strings as text (``5`` → ``"5"``)
and skips blank lines: text that may be such a value, and a column of the wrong type, is judged
line by line by the model (only those lines), and a blank line is refused, as on the records
path.

Two ways out:

* :meth:`Tables.frame` — a validated polars frame per kind, for the columnar evaluator;
* :meth:`Tables.records` — pydantic records of a kind (validated once more by the models), for
  the kinds the generic evaluator needs as objects.

Columns are checked against the model's field shapes (``facts.schema``), so a new field or kind
needs no change here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import stat
import types
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import polars as pl
from pydantic import BaseModel, StringConstraints, ValidationError
from pydantic_core import PydanticUndefined

from hezhang_rules.diagnostics import (
    Diagnostic,
    FactLoadError,
    Span,
    did_you_mean,
    did_you_mean_zh,
    os_reason_zh,
    type_zh,
)
from hezhang_rules.facts import table_guards as guards
from hezhang_rules.facts.bounds import DATE_MAX, DATE_MIN, INT_MAX, INT_MIN
from hezhang_rules.facts.factset import FactSet
from hezhang_rules.facts.frames import dtype_of, frames_from_facts, row_record
from hezhang_rules.facts.loader import record_label, validate_record, validation_diagnostics
from hezhang_rules.facts.models import FACT_KINDS, Fact
from hezhang_rules.facts.schema import FieldShape, model_fields
from hezhang_rules.facts.table_lines import BOM, LineReader
from hezhang_rules.facts.table_paths import (
    KIND_SUFFIXES,
    TABLE_SUFFIXES,
    TEXT_SUFFIXES,
    WORKBOOK_SUFFIX,
    is_aside,
    is_table_folder,
    table_files,
    workbooks,
)
from hezhang_rules.source import DEFAULT_LIMITS, Limits

BULK_KINDS = (
    "jurisdictions",
    "people",
    "appointments",
    "rivers",
    "inspections",
    "rectification_opinions",
    "rectification_reports",
)
"""Kinds read and validated as columns (the ones that grow with the number of chiefs and
patrols: millions of rows, or hundreds of thousands, a year). Every other kind is read row by
row into pydantic records, validated by the models themselves."""

_ID = r"^[\w.:\-]+$"
_ISO = r"^\d{4}-\d{2}-\d{2}$"
_ROW = "__row"
_SUSPECT = "__suspect"
_JSONISH = r"^(?:-?[0-9][0-9.eE+\-]*$|true$|false$|[\[{])"
"""Text polars may have made of a JSON number, boolean, list or object (see ``suspect``)."""


_RECORD_SUFFIXES = (".yaml", ".yml", ".json")

INT_OUT_OF_RANGE = "a whole number beyond 64 bits (-2**63 to 2**63-1)"
INT_OUT_OF_RANGE_ZH = "整数超出 64 位范围（-2**63 至 2**63-1）"
_TABLE_BYTES = 64
"""A table may be this many times ``max_bytes`` (64 × 64 MiB = 4 GiB by default): tables hold
the many records a fact file should not."""
_INT64_SAFE = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32)


def _mixed(paths: Sequence[str | Path]) -> list[Diagnostic]:
    """Whatever beside the tables is not one would be silently skipped: refuse it (fact
    files, misnamed tables, anything in a subfolder or unknown; a README and hidden files
    aside, ``table_paths.is_aside``)."""
    out = []
    for raw in paths:
        p = Path(raw)
        try:
            if not p.exists():
                out.append(
                    Diagnostic(
                        "hz_facts_no_such_file",
                        "no such file or directory",
                        Span(str(p)),
                        zh="没有该文件或目录",
                    )
                )
                continue
            listing = sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            out.append(
                Diagnostic(
                    "hz_load_unreadable",
                    f"cannot read: {reason}",
                    Span(str(p)),
                    zh=f"无法读取：{os_reason_zh(exc)}",
                )
            )
            continue
        for x in listing:
            if x.suffix in _RECORD_SUFFIXES:
                out.append(
                    Diagnostic(
                        "hz_facts_mixed_inputs",
                        "a fact file among fact tables: give tables and YAML/JSON files separately",
                        Span(str(x)),
                        help="convert them with `hezhang-rules tables`, or audit them separately",
                        zh="事实表中混有事实文件：事实表与 YAML/JSON 文件须分开给出",
                        help_zh="用 `hezhang-rules tables` 转换它们，或分开审计",
                    )
                )
            elif _aside(x, p):
                continue
            elif x != p and x.parent != p:  # tables are read from the folder itself
                out.append(_unknown_file(x, p))
            elif (x.suffix in KIND_SUFFIXES and x.stem in FACT_KINDS) or (
                x.suffix.lower() == WORKBOOK_SUFFIX
            ):
                continue
            elif x.suffix.lower() in KIND_SUFFIXES:
                # Names match exactly: `PEOPLE.JSONL` would otherwise be skipped in silence.
                lower = x.stem.lower() + x.suffix.lower()
                out.append(
                    Diagnostic(
                        "hz_facts_unknown_kind",
                        f"`{x.name}` is not named after a fact kind (names are lower case)",
                        Span(str(x)),
                        help=f"did you mean `{lower}`?"
                        if x.stem.lower() in FACT_KINDS
                        else did_you_mean(x.stem, FACT_KINDS),
                        zh=f"`{x.name}` 不是以事实种类命名的（名称为小写）",
                        help_zh=f"是否应为 `{lower}`？"
                        if x.stem.lower() in FACT_KINDS
                        else did_you_mean_zh(x.stem, FACT_KINDS),
                    )
                )
            else:
                out.append(_unknown_file(x, p))
    return out


def _aside(x: Path, given: Path) -> bool:
    """A file of a table folder that is no fact data (hidden, a README; ``is_aside``), in the
    folder or in a hidden subfolder of it."""
    if x == given:
        return False
    parts = x.relative_to(given).parts
    return (is_aside(x.name) and len(parts) == 1) or any(q.startswith(".") for q in parts[:-1])


def _unknown_file(x: Path, given: Path) -> Diagnostic:
    """A file among fact tables that is none: refused, never skipped."""
    if x != given and x.parent != given:
        return Diagnostic(
            "hz_facts_unknown_file",
            "a file in a subfolder of fact tables: tables are read from the folder itself",
            Span(str(x)),
            help="move the tables up, or give the subfolder on its own",
            zh="事实表文件夹的子文件夹中的文件：只读取文件夹本身中的表",
            help_zh="把表移到上一层，或单独给出该子文件夹",
        )
    kind = x.stem.lower() if x.stem.lower() in FACT_KINDS else None
    hint = f"did you mean `{kind}.csv`?" if kind else None
    hint_zh = f"是否应为 `{kind}.csv`？" if kind else None
    return Diagnostic(
        "hz_facts_unknown_file",
        "not a fact table: expected <kind>.parquet, <kind>.jsonl, <kind>.csv or an .xlsx "
        "workbook (a README and hidden files aside)",
        Span(str(x)),
        help=hint,
        zh="不是事实表：应为 <kind>.parquet、<kind>.jsonl、<kind>.csv 或 .xlsx 工作簿（README "
        "和隐藏文件除外）",
        help_zh=hint_zh,
    )


@dataclass
class _Source:
    """One table: a file read here, or a frame another reader made (:class:`TableFrame`)."""

    path: Path
    kind: str
    given: TableFrame | None = None

    @property
    def lines(self) -> bool:
        return self.given is None and self.path.suffix == ".jsonl"

    @property
    def name(self) -> str:
        """How messages name the table: its file, or the given frame's label."""
        return self.given.label if self.given is not None else str(self.path)

    def span(self, row: int) -> Span:
        if self.given is not None:
            return self.given.row_span(row)
        return (
            Span(str(self.path), row + 1, 1) if self.lines else Span(f"{self.path} row {row + 1}")
        )


@dataclass(frozen=True)
class TableFrame:
    """A fact table another reader has read (a database table, a CSV file, a sheet): the raw
    frame, how messages name the table (``label``) and where its row ``i`` (0-based) is
    (``row_span``). :func:`load_frames` validates it as it does a Parquet file's frame: the
    columns' types must be the model's polars types already (dates as ``Date`` or ISO text,
    lists and records as polars lists and structs; the reader decodes JSON text first)."""

    kind: str
    frame: pl.DataFrame
    label: str
    row_span: Callable[[int], Span]


@dataclass
class Tables:
    """Validated fact tables, one polars frame per kind (rows sorted by id)."""

    frames: dict[str, pl.DataFrame]
    sources: dict[str, str]  # kind → how messages name its table (a file, a database table)
    digest_value: str
    _records: dict[str, list[Fact]] = field(default_factory=dict)
    _digesting: Future[str] | None = None  # the digest, computed on a thread after loading

    @classmethod
    def from_facts(cls, facts: Any) -> Tables:
        """Tables over an already validated :class:`FactSet` (its records and digest kept)."""
        tables = cls(frames_from_facts(facts), {}, facts.digest())
        for kind in FACT_KINDS:
            tables._records[kind] = list(facts.of_kind(kind))
        return tables

    def frame(self, kind: str) -> pl.DataFrame:
        return self.frames.get(kind, pl.DataFrame())

    def count(self, kind: str) -> int:
        return self.frames[kind].height if kind in self.frames else 0

    def __len__(self) -> int:
        return sum(f.height for f in self.frames.values())

    def records(self, kind: str, ids: pl.Series | None = None) -> list[Fact]:
        """Pydantic records of ``kind`` (only rows whose id is in ``ids``, if given)."""
        if kind in self._records:
            have = self._records[kind]
            if ids is None:
                return have
            wanted = set(ids.to_list())
            return [f for f in have if f.id in wanted]
        frame = self.frame(kind)
        if ids is not None:
            frame = frame.filter(pl.col("id").is_in(ids.implode()))
        model = FACT_KINDS[kind]
        flat = _flat(model)  # scalars and lists of scalars: a row is a record once nulls dropped
        out = []
        for row in frame.iter_rows(named=True):
            raw = (
                {k: v for k, v in row.items() if v is not None} if flat else row_record(model, row)
            )
            try:
                out.append(model.model_validate(raw))
            except ValidationError as exc:  # INVARIANT: the column checks refuse these first
                raise FactLoadError(
                    validation_diagnostics(
                        model, exc, f"{kind} (id {raw.get('id')})", _at_file(self.sources, kind)
                    )
                ) from None
        if ids is None:
            self._records[kind] = out
        return out

    def digest(self) -> str:
        if self._digesting is not None:
            self.digest_value = self._digesting.result()
            self._digesting = None
        return self.digest_value


def _at_file(sources: dict[str, str], kind: str) -> Callable[[tuple[Any, ...], bool], Span]:
    where = Span(str(sources.get(kind, kind)))
    return lambda loc, is_key: where


def _flat(model: type[BaseModel]) -> bool:
    """Whether every field is a scalar or a list of scalars (no mapping, no nested record)."""
    return all(
        s.kind == "scalar" or (s.kind == "list" and s.item is not None and s.item.kind == "scalar")
        for s in model_fields(model).values()
    )


# --- reading ---------------------------------------------------------------------------------


def _read(src: _Source, diags: list[Diagnostic], limits: Limits) -> pl.DataFrame | None:
    """The table as polars reads it, after the strict checks of its format (JSON lines: every
    line, ``facts.table_lines``; Parquet: its schema, its column types and its dates)."""
    if src.given is not None:  # read already: the checks that do not need the file
        problems = guards.column_problems(src.given.frame.columns, src.name)
        if problems:
            diags.extend(problems)
            return None
        bad = guards.dates_out_of_range(src.given.frame, src.kind, src.span, limits.max_problems)
        if bad:
            diags.extend(bad)
            return None
        return src.given.frame
    if src.lines:
        reader = _line_reader(src, limits)
        reader.check()
        if reader.problems:
            diags.extend(reader.problems)
            return None
        if reader.lines == 0:
            return pl.DataFrame()
        try:
            data: Path | io.BytesIO = src.path
            if reader.bom:  # polars does not read past a BOM; the file is read with it cut
                data = io.BytesIO(src.path.read_bytes()[len(BOM) :])
            frame = pl.read_ndjson(data, infer_schema_length=None)
        except Exception as exc:  # polars raises its own error types; all mean "cannot read"
            diags.append(_locate_json_error(src, limits) or guards.unreadable(exc, src.name))
            return None
        except pl.exceptions.PanicException:
            diags.append(guards.corrupt(src.name))
            return None
        if frame.height != reader.lines:  # every line was checked to hold one object
            diags.append(guards.unreadable(ValueError("its rows are not its lines"), src.name))
            return None
        problems = guards.column_problems(frame.columns, src.name)
        if problems:
            diags.extend(problems)
            return None
        return frame
    problems = guards.schema_problems(src.path, str(src.path))
    if problems:
        diags.extend(problems)
        return None
    try:
        frame = guards.plain_text(pl.read_parquet(src.path))
    except Exception as exc:  # polars raises its own error types; all mean "cannot read"
        diags.append(guards.unreadable(exc, str(src.path)))
        return None
    except pl.exceptions.PanicException:  # a corrupt file can make the reader panic
        diags.append(guards.corrupt(str(src.path)))
        return None
    bad = guards.dates_out_of_range(frame, src.kind, src.span, limits.max_problems)
    if bad:
        diags.extend(bad)
        return None
    return frame


def _line_reader(src: _Source, limits: Limits) -> LineReader:
    """The strict reader of a JSON-lines table, with the table's limits: its size (as for the
    file's size on disk), one line at most ``max_bytes`` (one record)."""
    return LineReader(
        src.path,
        limits.max_depth,
        limits.max_problems,
        max_bytes=limits.max_bytes * _TABLE_BYTES,
        max_line=limits.max_bytes,
    )


def _locate_json_error(src: _Source, limits: Limits) -> Diagnostic | None:
    """The first line whose values polars cannot read or unify, judged by the model."""
    reader = _line_reader(src, limits)
    for i, value in reader.records():
        if not isinstance(value, dict):
            return Diagnostic(
                "hz_facts_wrong_type",
                f"expected a JSON object (a record), found {type(value).__name__}",
                src.span(i),
                zh=f"应为 JSON 对象（一条记录），却是{type_zh(type(value).__name__)}",
            )
        try:
            FACT_KINDS[src.kind].model_validate(value)
        except ValidationError as exc:
            label = record_label(src.kind, i, value)
            return validation_diagnostics(FACT_KINDS[src.kind], exc, label, _at_row(src, i))[0]
    return reader.problems[0] if reader.problems else None


def _at_row(src: _Source, row: int) -> Callable[[tuple[Any, ...], bool], Span]:
    """Place every error of a row at the row (a table has no finer position)."""
    return lambda loc, is_key: src.span(row)


def _read_records(
    src: _Source, diags: list[Diagnostic], limits: Limits
) -> tuple[list[Fact] | None, pl.DataFrame | None]:
    """A table of a non-bulk kind, row by row through the model (errors located by row); and,
    for Parquet, the frame as read (the column view of the same records)."""
    model = FACT_KINDS[src.kind]
    limit = limits.max_problems
    rows: list[tuple[int, Any]] = []
    frame: pl.DataFrame | None = None
    if src.lines:
        reader = _line_reader(src, limits)
        rows = list(reader.records())
        diags.extend(reader.problems)
    else:
        frame = _read(src, diags, limits)
        if frame is None:
            return None, None
        unknown = _null_unknown_columns(src, frame)
        if unknown:
            diags.extend(unknown)
            return None, None
        binary = guards.binary_columns(frame)
        if binary:
            diags.extend(
                Diagnostic(
                    "hz_facts_wrong_type",
                    f"column `{name}` holds bytes ({frame.schema[name]}): text is stored as "
                    "UTF-8 strings",
                    Span(src.name),
                    field_path=name,
                    zh=f"列 `{name}` 存的是字节（{frame.schema[name]}）：文本应存为 UTF-8 字符串",
                )
                for name in binary
            )
            return None, None
        rows = [(i, row_record(model, r)) for i, r in enumerate(frame.iter_rows(named=True))]
    out: list[Fact] = []
    for i, raw in rows:
        if len(diags) > limit:
            break
        fact = validate_record(
            model,
            src.kind,
            i,
            raw,
            diags,
            _at_row(src, i),
            mapping="a JSON object",
            mapping_zh=" JSON 对象",
        )
        if fact is not None:
            out.append(fact)
    return out, frame


# --- the expected shapes -------------------------------------------------------------------


def _scalar_ok(dtype: pl.DataType, shape: FieldShape) -> bool:
    s = shape.scalar
    if s is dt.date:
        return dtype in (pl.Date, pl.String)
    if s is bool:
        return dtype == pl.Boolean
    if s is int:
        return dtype.is_integer()
    if s is float:
        return dtype.is_integer() or dtype.is_float()
    return dtype == pl.String


def _describe(shape: FieldShape) -> str:
    return shape.describe()


def _describe_zh(shape: FieldShape) -> str:
    """:meth:`FieldShape.describe` in Chinese."""
    if shape.kind == "list" and shape.item is not None:
        return f"{_describe_zh(shape.item)}的列表"
    if shape.kind == "dict" and shape.item is not None:
        return f"{_describe_zh(shape.item)}的映射"
    if shape.kind == "model" and shape.model is not None:
        return f"`{shape.model.__name__}`"
    if shape.ref:
        return f"{'/'.join(shape.ref)} 的 id"
    if shape.scalar is not None and issubclass(shape.scalar, Enum):
        return "其中之一：" + "、".join(str(m.value) for m in shape.scalar)
    return type_zh(shape.scalar.__name__) if shape.scalar else "值"


_Flag = tuple[pl.DataFrame, pl.Expr, str, str, str, str, str | None, str | None]
"""A pending test of :class:`_Checker`: base, condition, code, message, Chinese, path, help,
Chinese help."""


@dataclass
class _Checker:
    src: _Source
    frame: pl.DataFrame
    diags: list[Diagnostic]
    limit: int

    pending: list[_Flag] = field(default_factory=list)
    suspects: dict[str, set[int]] = field(default_factory=dict)  # top-level field → rows
    fallback: list[tuple[str, str, pl.DataFrame, str]] = field(default_factory=list)

    def full(self) -> bool:
        return len(self.diags) > self.limit

    def flag(
        self,
        base: pl.DataFrame,
        cond: pl.Expr,
        code: str,
        message: str,
        path: str,
        hint: str | None = None,
        *,
        zh: str,
        hint_zh: str | None = None,
    ) -> None:
        """Rows of ``base`` meeting ``cond`` are wrong: judged later, all tests of a frame in
        one pass (``flush``), and located row by row only when some row fails."""
        self.pending.append((base, cond, code, message, zh, path, hint, hint_zh))

    def flush(self) -> None:
        groups: dict[int, list[_Flag]] = {}
        for item in self.pending:
            groups.setdefault(id(item[0]), []).append(item)
        self.pending = []
        for items in groups.values():
            base = items[0][0]
            hits = base.select(
                [c.fill_null(False).any().alias(f"c{i}") for i, (_, c, *_r) in enumerate(items)]
            ).row(0)
            for hit, (_, cond, code, message, zh, path, hint, hint_zh) in zip(
                hits, items, strict=True
            ):
                if hit and code == _SUSPECT:
                    self.suspect(base.filter(cond.fill_null(False)), path)
                elif hit and not self.full():
                    rows = base.filter(cond.fill_null(False))
                    self.add(code, message, rows, path, hint, zh=zh, hint_zh=hint_zh)

    def suspect(self, rows: pl.DataFrame, path: str) -> None:
        """Rows of a JSON-lines table whose value at ``path`` polars may have turned into text
        (it reads ``5``, ``true``, ``[…]`` or ``{…}`` as a string when a column mixes them with
        strings): judged exactly by the model in :meth:`exact`."""
        top = path.split(".")[0].split("[")[0]
        self.suspects.setdefault(top, set()).update(rows.get_column(_ROW).to_list())

    def exact(self) -> None:
        """Validate the suspect lines with the model, as the records path does; keep the errors
        of the suspect fields (other fields were judged as columns)."""
        if not self.suspects:
            return
        fields_of: dict[int, set[str]] = {}
        for top, found in self.suspects.items():
            for row in found:
                fields_of.setdefault(row, set()).add(top)
        self.suspects = {}
        fallback, self.fallback = self.fallback, []
        before = len(self.diags)
        self._exact(fields_of)
        judged = {(d.field_path or "").split(".")[0].split("[")[0] for d in self.diags[before:]}
        for message, zh, bad, path in fallback:  # the model found nothing: keep the column's
            if path.split(".")[0].split("[")[0] not in judged and not self.full():  # word
                self.add("hz_facts_wrong_type", message, bad, path, zh=zh)

    def _exact(self, fields_of: dict[int, set[str]]) -> None:
        model = FACT_KINDS[self.src.kind]
        reader = LineReader(self.src.path, 1 << 30, 1)  # lines already read strictly
        with self.src.path.open("rb") as fh:
            for i, line in enumerate(fh):
                if i not in fields_of:
                    continue
                value = reader.parse(
                    line[len(BOM) :] if i == 0 and line.startswith(BOM) else line, i + 1
                )
                if not isinstance(value, dict):
                    continue
                try:
                    model.model_validate(value)
                except ValidationError as exc:
                    label = record_label(self.src.kind, i, value)
                    for d in validation_diagnostics(model, exc, label, _at_row(self.src, i)):
                        top = (d.field_path or "").split(".")[0].split("[")[0]
                        if top in fields_of[i] and not self.full():
                            self.diags.append(d)
                del fields_of[i]
                if not fields_of or self.full():
                    return

    def wrong_column(
        self, message: str, base: pl.DataFrame, present: pl.Expr, path: str, *, zh: str
    ) -> None:
        """A column of the wrong type. In JSON lines, polars gives a column mixing strings and
        other values the type string: the lines are judged one by one (:meth:`exact`)."""
        if self.src.lines:
            self.suspect(base.filter(present), path)
            self.fallback.append((message, zh, base.filter(present), path))
        else:
            self.add("hz_facts_wrong_type", message, base.filter(present), path, zh=zh)

    def add(
        self,
        code: str,
        message: str,
        rows: pl.DataFrame,
        path: str,
        hint: str | None = None,
        *,
        zh: str,
        hint_zh: str | None = None,
    ) -> None:
        """One diagnostic per offending row (the first ``limit``), naming row, id and field."""
        rows = rows.head(self.limit - len(self.diags) + 1)
        if "id" not in rows.columns:  # items of a list: the id of the row they sit in
            ids = self.frame.select(_ROW, "id")
            rows = rows.join(ids, on=_ROW, how="left", maintain_order="left")
        for r in rows.select(_ROW, "id").iter_rows():
            row, rid = r
            label = f"{self.src.kind}[{row}]" + (f" (id {rid})" if isinstance(rid, str) else "")
            self.diags.append(
                Diagnostic(
                    code,
                    message,
                    self.src.span(row),
                    record=label,
                    field_path=path,
                    help=hint,
                    zh=zh,
                    help_zh=hint_zh,
                )
            )
            if self.full():
                return

    # Check one column (a top-level field or a struct field) against its shape.
    def check(
        self,
        expr: pl.Expr,
        dtype: pl.DataType,
        shape: FieldShape,
        path: str,
        required: bool,
        base: pl.DataFrame,
        text: StringConstraints | None = None,
    ) -> pl.Expr:
        """Return the expression normalised (dates parsed); report problems as found.

        ``text`` holds the string constraints of the scalar (or of the list's items)."""
        present = expr.is_not_null()
        if required:
            self.flag(
                base,
                expr.is_null(),
                "hz_facts_missing_field",
                "field required",
                path,
                zh="缺少必填字段",
            )
        if dtype == pl.Null:  # no row states a value (JSON lines): nothing more to check
            return expr
        if shape.kind == "scalar":
            if not _scalar_ok(dtype, shape):
                self.wrong_column(
                    f"expected {_describe(shape)}, found a column of {dtype}",
                    base,
                    present,
                    path,
                    zh=f"应为{_describe_zh(shape)}，却是 {dtype} 类型的列",
                )
                return expr
            return self._scalar(expr, dtype, shape, path, base, text)
        if shape.kind == "list" and shape.item is not None:
            if not isinstance(dtype, pl.List):
                self.wrong_column(
                    f"expected {_describe(shape)}, found {dtype}",
                    base,
                    present,
                    path,
                    zh=f"应为{_describe_zh(shape)}，却是 {dtype}",
                )
                return expr
            item = shape.item
            if dtype.inner == pl.Null:  # empty lists, or lists of nulls only
                self.flag(
                    base,
                    present & (expr.list.len() > 0),
                    "hz_facts_wrong_type",
                    "a list item is null",
                    path,
                    zh="列表中有一项为空",
                )
                return expr
            # one row per item (row numbers only: ids are looked up for the rows reported)
            exploded = base.select(_ROW, expr.alias("__v")).explode(
                "__v", empty_as_null=False, keep_nulls=False
            )
            inner = pl.col("__v")
            if item.kind == "model" and item.model is not None:
                self._struct(inner, _dt(exploded.schema["__v"]), item.model, f"{path}[]", exploded)
            elif item.kind == "scalar":
                item_dtype = _dt(exploded.schema["__v"])
                if not _scalar_ok(item_dtype, item):  # e.g. a list of lists
                    self.wrong_column(
                        f"expected {_describe(shape)}, found {dtype}",
                        base,
                        present,
                        path,
                        zh=f"应为{_describe_zh(shape)}，却是 {dtype}",
                    )
                    return expr
                self.flag(
                    exploded,
                    inner.is_null(),
                    "hz_facts_wrong_type",
                    "a list item is null",
                    path,
                    zh="列表中有一项为空",
                )
                self._scalar(inner, item_dtype, item, f"{path}[]", exploded, text)
            return expr
        if shape.kind == "model" and shape.model is not None:
            self._struct(expr, dtype, shape.model, path, base)
            return expr
        # A mapping: bulk kinds have none (they are read as records, validated by the model).
        return expr

    def _struct(
        self,
        expr: pl.Expr,
        dtype: pl.DataType,
        model: type[BaseModel],
        path: str,
        base: pl.DataFrame,
    ) -> None:
        if not isinstance(dtype, pl.Struct):
            self.wrong_column(
                f"expected {model.__name__}, found {dtype}",
                base,
                expr.is_not_null(),
                path,
                zh=f"应为 `{model.__name__}`，却是 {dtype}",
            )
            return
        names = {f.name: f.dtype for f in dtype.fields}
        shapes = model_fields(model)
        for name in names:
            if name not in shapes:
                self.flag(
                    base,
                    expr.struct.field(name).is_not_null(),
                    "hz_facts_unknown_field",
                    f"unknown field `{name}`",
                    f"{path}.{name}",
                    did_you_mean(name, shapes),
                    zh=f"未知字段 `{name}`",
                    hint_zh=did_you_mean_zh(name, shapes),
                )
        for name, shape in shapes.items():
            info = model.model_fields[name]
            sub = f"{path}.{name}"
            if name not in names:
                if info.is_required():
                    self.add(
                        "hz_facts_missing_field",
                        "field required",
                        base.filter(expr.is_not_null()),
                        sub,
                        zh="缺少必填字段",
                    )
                continue
            inner = pl.when(expr.is_not_null()).then(expr.struct.field(name))
            if info.is_required():
                self.flag(
                    base,
                    expr.is_not_null() & expr.struct.field(name).is_null(),
                    "hz_facts_missing_field",
                    "field required",
                    sub,
                    zh="缺少必填字段",
                )
            self.check(inner, _dt(names[name]), shape, sub, False, base, _text_rule(model, name))
            if shape.kind == "list" and isinstance(_dt(names[name]), pl.List):
                self._list_len(inner, model, name, sub, base)

    def _list_len(
        self, expr: pl.Expr, model: type[BaseModel], name: str, path: str, base: pl.DataFrame
    ) -> None:
        lo = _min_length(model, name)
        if lo:
            self.flag(
                base,
                expr.is_not_null() & (expr.list.len() < lo),
                "hz_facts_invalid_value",
                f"List should have at least {lo} item after validation",
                path,
                zh=f"列表至少需要 {lo} 项",
            )

    def _scalar(
        self,
        expr: pl.Expr,
        dtype: pl.DataType,
        shape: FieldShape,
        path: str,
        base: pl.DataFrame,
        text: StringConstraints | None = None,
    ) -> pl.Expr:
        s = shape.scalar
        present = expr.is_not_null()
        if s is dt.date:
            if dtype == pl.Date:
                return expr  # its bounds were checked on reading (guards.dates_out_of_range)
            self.flag(
                base,
                present & ~expr.str.contains(_ISO),
                "hz_facts_invalid_date",
                "expected a date written YYYY-MM-DD",
                path,
                zh="日期应写作 YYYY-MM-DD",
            )
            parsed = expr.str.to_date("%Y-%m-%d", strict=False)
            self.flag(
                base,
                present & expr.str.contains(_ISO) & parsed.is_null(),
                "hz_facts_invalid_date",
                "not a calendar date",
                path,
                zh="不是日历上的日期",
            )
            self.flag(
                base,
                present & parsed.is_not_null() & ~parsed.is_between(DATE_MIN, DATE_MAX),
                "hz_facts_date_out_of_range",
                guards.DATE_OUT_OF_RANGE,
                path,
                zh=guards.DATE_OUT_OF_RANGE_ZH,
            )
            return parsed
        if isinstance(s, type) and issubclass(s, Enum):
            allowed = [m.value for m in s]
            self.flag(
                base,
                present & ~expr.is_in(allowed),
                "hz_facts_invalid_value",
                "expected one of " + ", ".join(map(str, allowed)),
                path,
                zh="取值应为其中之一：" + "、".join(f"`{v}`" for v in allowed),
            )
            return expr
        if s is str:
            if self.src.lines:
                self.flag(base, present & expr.str.contains(_JSONISH), _SUSPECT, "", path, zh="")
            pattern = text.pattern if text is not None else None
            if (path.endswith("id") and path.split(".")[-1] == "id") or shape.ref or pattern == _ID:
                self.flag(
                    base,
                    present & ~expr.str.contains(_ID),
                    "hz_facts_invalid_value",
                    "an id is letters, digits and _ . : - only",
                    path,
                    zh="id 只能由字母、数字和 _ . : - 组成",
                )
            self.flag(
                base,
                present & (expr.str.len_chars() == 0),
                "hz_facts_invalid_value",
                "String should have at least 1 character",
                path,
                zh="文本不能为空",
            )
            if pattern is not None and pattern != _ID:
                self.flag(
                    base,
                    present & ~expr.str.contains(str(pattern)),
                    "hz_facts_invalid_value",
                    f"String should match pattern '{pattern}'",
                    path,
                    zh=f"文本不符合格式 `{pattern}`",
                )
            if text is not None and text.max_length is not None:
                self.flag(
                    base,
                    present & (expr.str.len_chars() > text.max_length),
                    "hz_facts_invalid_value",
                    f"String should have at most {text.max_length} characters",
                    path,
                    zh=f"文本最多 {text.max_length} 个字符",
                )
            return expr
        if dtype.is_integer() and dtype not in _INT64_SAFE:  # UInt64, Int128: beyond 64 bits?
            self.flag(
                base,
                present & ~expr.is_between(INT_MIN, INT_MAX),
                "hz_facts_number_out_of_range",
                INT_OUT_OF_RANGE,
                path,
                zh=INT_OUT_OF_RANGE_ZH,
            )
        if dtype.is_float():
            self.flag(
                base,
                present & ~expr.is_finite(),
                "hz_facts_invalid_value",
                "Input should be a finite number",
                path,
                zh="应为有限的数",
            )
        return expr


def _text_rule(model: type[BaseModel], name: str) -> StringConstraints | None:
    """The string constraints (``Id``, ``Text``) of a field's scalar, or of its list's items."""
    info = model.model_fields[name]
    found = [m for m in info.metadata if isinstance(m, StringConstraints)]

    def walk(ann: Any) -> None:
        origin = get_origin(ann)
        if origin is Annotated:
            base, *meta = get_args(ann)
            found.extend(m for m in meta if isinstance(m, StringConstraints))
            walk(base)
        elif origin in (Union, types.UnionType, list):
            for arg in get_args(ann):
                walk(arg)

    walk(info.annotation)
    return found[0] if found else None


def _min_length(model: type[BaseModel], name: str) -> int:
    for m in model.model_fields[name].metadata:
        lo = getattr(m, "min_length", None)
        if isinstance(lo, int):
            return lo
    return 0


def _bounds(model: type[BaseModel], name: str) -> int | float | None:
    for m in model.model_fields[name].metadata:
        ge = getattr(m, "ge", None)
        if isinstance(ge, int | float):
            return ge
    return None


def _validate(src: _Source, raw: pl.DataFrame, diags: list[Diagnostic], limit: int) -> pl.DataFrame:
    model = FACT_KINDS[src.kind]
    shapes = model_fields(model)
    frame = raw.with_row_index(_ROW)
    if "id" not in frame.columns:
        diags.append(
            Diagnostic(
                "hz_facts_missing_field",
                "the table has no `id` column",
                Span(src.name),
                field_path="id",
                zh="此表没有 `id` 列",
            )
        )
        return frame
    checker = _Checker(src, frame, diags, limit)
    diags.extend(_null_unknown_columns(src, raw))
    for name in raw.columns:
        if name not in shapes and raw.get_column(name).null_count() < raw.height:
            checker.flag(
                frame,
                pl.col(name).is_not_null(),
                "hz_facts_unknown_field",
                f"unknown field `{name}`",
                name,
                did_you_mean(name, shapes),
                zh=f"未知字段 `{name}`",
                hint_zh=did_you_mean_zh(name, shapes),
            )
    out: list[pl.Expr] = [pl.col(_ROW)]
    for name, shape in shapes.items():
        info = model.model_fields[name]
        if name not in raw.columns:
            if info.is_required():
                checker.add(
                    "hz_facts_missing_field", "field required", frame, name, zh="缺少必填字段"
                )
            continue
        checker.check(
            pl.col(name),
            _dt(raw.schema[name]),
            shape,
            name,
            info.is_required(),
            frame,
            _text_rule(model, name),
        )
        if shape.kind == "list" and isinstance(_dt(raw.schema[name]), pl.List):
            checker._list_len(pl.col(name), model, name, name, frame)
        ge = _bounds(model, name)
        if ge is not None and shape.kind == "scalar" and _scalar_ok(_dt(raw.schema[name]), shape):
            checker.flag(
                frame,
                pl.col(name).is_not_null() & (pl.col(name) < ge),
                "hz_facts_invalid_value",
                f"Input should be greater than or equal to {ge}",
                name,
                zh=f"应不小于 {ge}",
            )
        out.append(
            _with_default(_conform(pl.col(name), _dt(raw.schema[name]), shape), model, name).alias(
                name
            )
        )
        if checker.full():
            break
    checker.flush()
    checker.exact()
    if diags:
        return frame
    for name, shape in shapes.items():  # a column no row states: its default, or null
        if name not in raw.columns:
            out.append(_with_default(pl.lit(None, dtype_of(shape)), model, name).alias(name))
    return _by_id(frame.select(out))


def _null_unknown_columns(src: _Source, frame: pl.DataFrame) -> list[Diagnostic]:
    """Columns of no field that no row gives a value: the column itself is wrong (as ``x:
    null`` is in a fact file), though no row is."""
    shapes = model_fields(FACT_KINDS[src.kind])
    return [
        Diagnostic(
            "hz_facts_unknown_field",
            f"unknown column `{name}` (no row gives it a value)",
            Span(src.name),
            field_path=name,
            help=did_you_mean(name, shapes),
            zh=f"未知的列 `{name}`（没有一行给它赋值）",
            help_zh=did_you_mean_zh(name, shapes),
        )
        for name in frame.columns
        if name not in shapes and frame.get_column(name).null_count() == frame.height
    ]


def _by_id(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows in id order. Tables are usually written in id order: checking is cheaper than
    sorting (and gives the same rows: equal ids are refused as duplicates)."""
    return frame if frame.get_column("id").is_sorted() else frame.sort("id")


def _dt(dtype: Any) -> pl.DataType:
    """A polars dtype as an instance (schemas may hold the class, e.g. ``pl.String``)."""
    return dtype if isinstance(dtype, pl.DataType) else dtype()


def _with_default(expr: pl.Expr, model: type[BaseModel], name: str) -> pl.Expr:
    """A field not stated takes the model's default, as a record read by the model does."""
    default = model.model_fields[name].default
    if default is None or default is PydanticUndefined:
        return expr
    return expr.fill_null(getattr(default, "value", default))


def _conform(expr: pl.Expr, dtype: pl.DataType, shape: FieldShape) -> pl.Expr:
    """A validated column in the model's own type: dates parsed, every struct field present."""
    want = dtype_of(shape)
    if shape.kind == "model" and shape.model is not None and isinstance(dtype, pl.Struct):
        have = {f.name: f.dtype for f in dtype.fields}
        model = shape.model
        fields = [
            _with_default(
                _conform(expr.struct.field(n), _dt(have[n]), sub)
                if n in have
                else pl.lit(None, dtype_of(sub)),
                model,
                n,
            ).alias(n)
            for n, sub in model_fields(model).items()
        ]
        return pl.when(expr.is_not_null()).then(pl.struct(fields))
    if shape.kind == "list" and shape.item is not None and isinstance(dtype, pl.List):
        inner = _conform(pl.element(), _dt(dtype.inner), shape.item)
        return expr.list.eval(inner)
    if want == pl.Date and dtype == pl.String:
        return expr.str.to_date("%Y-%m-%d", strict=False)
    return expr.cast(want)


@dataclass(frozen=True)
class _Across:
    """What the checks across tables read (every frame validated, their sources, the problem
    ids) and where they report (``diags``, at most ``limit``)."""

    frames: dict[str, pl.DataFrame]
    sources: dict[str, _Source]
    diags: list[Diagnostic]
    limit: int
    problem_ids: pl.Series | None


def _references(across: _Across) -> None:
    """Each reference column checked against the ids of its target kinds."""
    frames, sources, diags, limit = across.frames, across.sources, across.diags, across.limit
    problem_ids = across.problem_ids
    ids_by_kind = {k: f.get_column("id") for k, f in frames.items() if "id" in f.columns}
    for kind, frame in frames.items():
        src = sources[kind]
        checker = _Checker(src, frame, diags, limit)
        for path, kinds, expr, is_list in ref_columns(FACT_KINDS[kind], frame.schema):
            targets = [ids_by_kind[k] for k in kinds if k in ids_by_kind]
            if "problems" in kinds and problem_ids is not None:
                targets.append(problem_ids)
            vals = frame.select(_ROW, "id", expr.alias("__v"))
            if is_list:
                vals = vals.explode("__v")
            vals = vals.filter(pl.col("__v").is_not_null())
            bad = vals.filter(~_known(vals.get_column("__v"), targets))
            if bad.height:
                first = bad.get_column("__v")[0]
                checker.add(
                    "hz_facts_dangling_reference",
                    f"`{first}` is not a record of kind {'/'.join(kinds)}"
                    if bad.height == 1
                    else f"refers to a record that does not exist (expected {'/'.join(kinds)})",
                    bad,
                    path,
                    zh=f"`{first}` 不是 {'/'.join(kinds)} 种类的记录"
                    if bad.height == 1
                    else f"引用了不存在的记录（应为 {'/'.join(kinds)}）",
                )
            if checker.full():
                return


def _known(values: pl.Series, targets: list[pl.Series]) -> pl.Series:
    """Which ``values`` (no nulls) are among the ``targets`` ids. One target many times larger
    than the values (opinions → inspections) and sorted, as validated frames are: a binary
    search per value, not a hash set of every target id."""
    if len(targets) == 1 and targets[0].len() > 8 * values.len() and targets[0].is_sorted():
        ids = targets[0]  # not empty: larger than the values
        at = ids.search_sorted(values).clip(0, ids.len() - 1)
        return (ids.gather(at) == values).alias("known")
    known = pl.concat(targets) if targets else pl.Series("id", [], pl.String)
    return values.is_in(known.implode())


def ref_columns(
    model: type[BaseModel],
    schema: pl.Schema,
    base: Callable[[str], pl.Expr] = pl.col,
) -> Iterator[tuple[str, tuple[str, ...], pl.Expr, bool]]:
    """Every reference field of ``model`` in a frame of ``schema``: (path, target kinds, the
    expression giving its ids, whether that is a list per row). References inside nested
    records, lists of nested records (an inspection's problems' ``responsible``) and mappings'
    values are found as ``facts.factset.iter_refs`` finds them on records; ``base`` roots the
    expressions (a column, or a field of a list element)."""
    for name, shape in model_fields(model).items():
        if name not in schema:
            continue
        col, dtype = base(name), schema[name]
        if shape.kind == "scalar" and shape.ref:
            yield name, shape.ref, col, False
            continue
        item = shape.item
        if shape.kind == "list" and item is not None and item.kind == "scalar" and item.ref:
            yield name, item.ref, col, True
        elif shape.kind == "model" and shape.model is not None and isinstance(dtype, pl.Struct):
            sub = pl.Schema({f.name: f.dtype for f in dtype.fields})
            for p, kinds, e, is_list in ref_columns(
                shape.model,
                sub,
                lambda f, col=col: col.struct.field(f),  # type: ignore[misc]
            ):
                yield f"{name}.{p}", kinds, e, is_list
        elif isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct) and item:
            fields = pl.Schema({f.name: f.dtype for f in dtype.inner.fields})
            if shape.kind == "dict" and item.kind == "scalar" and item.ref and "value" in fields:
                # A mapping is a list of {key, value}: references among the values.
                yield name, item.ref, col.list.eval(pl.element().struct.field("value")), True
            elif shape.kind == "list" and item.kind == "model" and item.model is not None:
                for p, kinds, e, is_list in ref_columns(
                    item.model, fields, lambda f: pl.element().struct.field(f)
                ):
                    flat = col.list.eval(e.explode() if is_list else e)
                    yield f"{name}.{p}", kinds, flat, True


def _problem_ids(frames: dict[str, pl.DataFrame]) -> pl.Series | None:
    frame = frames.get("inspections")
    if frame is None or "record" not in frame.columns:
        return None
    dtype = frame.schema["record"]
    if not isinstance(dtype, pl.Struct) or "problems" not in {f.name for f in dtype.fields}:
        return None
    return (
        frame.select(pl.col("record").struct.field("problems").alias("p"))
        .explode("p")
        .select(pl.col("p").struct.field("id"))
        .drop_nulls()
        .to_series()
    )


def _duplicates(across: _Across) -> None:
    """Ids used twice, in one table or across kinds (problem ids included)."""
    frames, sources, diags, limit = across.frames, across.sources, across.diags, across.limit
    probs = across.problem_ids
    ids = [f.get_column("id") for f in frames.values() if "id" in f.columns]
    if probs is not None:
        ids.append(probs)
    if not ids:
        return
    every = pl.concat(ids)
    if every.hash().n_unique() == every.len():
        return  # distinct hashes, distinct ids (the usual case); else the exact test below
    parts = [
        f.select(pl.col("id"), pl.lit(k).alias("__kind"), pl.col(_ROW))
        for k, f in frames.items()
        if "id" in f.columns
    ]
    if probs is not None and probs.len():
        parts.append(
            pl.DataFrame({"id": probs}).with_columns(
                pl.lit("inspections").alias("__kind"), pl.lit(None, pl.UInt32).alias(_ROW)
            )
        )
    if not parts:
        return
    allids = pl.concat(parts, how="vertical_relaxed").with_columns(
        pl.col("__kind")
        .replace_strict({k: i for i, k in enumerate(FACT_KINDS)}, return_dtype=pl.Int32)
        .alias("__order")
    )
    dup = allids.filter(pl.col("id").is_duplicated()).sort("__order", _ROW, nulls_last=True)
    first: dict[str, str] = {}
    first_zh: dict[str, str] = {}
    for ident, kind, row, _order in dup.iter_rows():
        src = sources[kind]
        where = f"{kind}[{row}]" if row is not None else f"a problem of {kind}"
        where_zh = f"{kind}[{row}]" if row is not None else f"{kind} 的一个问题"
        if ident not in first:
            first[ident] = f"{where} in {src.name}"
            first_zh[ident] = f"{src.name} 中的 {where_zh}"
            continue
        label = f"{where} (id {ident})"
        diags.append(
            Diagnostic(
                "hz_facts_duplicate_id",
                f"id `{ident}` is used twice",
                src.span(row) if row is not None else Span(src.name),
                record=label,
                field_path="id",
                help=f"first used by {first[ident]}",
                zh=f"id `{ident}` 被用了两次",
                help_zh=f"第一次由 {first_zh[ident]} 使用",
            )
        )
        if len(diags) > limit:
            return


def load_tables(
    paths: Sequence[str | Path],
    limits: Limits = DEFAULT_LIMITS,
    on_table: Callable[[str, int], None] | None = None,
) -> Tables:
    """Read and validate every fact table in ``paths``; raise :class:`FactLoadError` if not.

    ``on_table(kind, rows)`` is called as each table has been read (for a progress display)."""
    diags: list[Diagnostic] = _mixed(paths)
    if diags:
        raise FactLoadError(diags)
    files = table_files(paths)
    books = workbooks(paths)
    if not files and not books:
        raise FactLoadError(
            [
                Diagnostic(
                    "hz_facts_no_files",
                    "no <kind>.parquet or <kind>.jsonl tables here",
                    Span(", ".join(map(str, paths))),
                    zh="这里没有 <kind>.parquet 或 <kind>.jsonl 表",
                )
            ]
        )
    if any(p.suffix in TEXT_SUFFIXES for p, _k in files) or books:
        return _load(_read_text_tables(files, books, limits), limits, on_table)
    return _load([_Source(path, kind) for path, kind in files], limits, on_table)


def _read_text_tables(
    files: list[tuple[Path, str]], books: list[Path], limits: Limits
) -> list[_Source]:
    """The tables of ``files`` and ``books``, CSV files and workbooks read and decoded now
    (``facts.table_text``); raise :class:`FactLoadError` if a cell does not decode."""
    from hezhang_rules.facts.table_text import read_csv, read_workbook

    out: list[_Source] = []
    diags: list[Diagnostic] = []
    for path, kind in files:
        if path.suffix not in TEXT_SUFFIXES:
            out.append(_Source(path, kind))
            continue
        table, problems = read_csv(path, kind, limits)
        diags.extend(problems)
        if table is not None:
            out.append(_Source(path, kind, table))
    for book in books:
        tables, problems = read_workbook(book, limits)
        diags.extend(problems)
        out.extend(_Source(book, t.kind, t) for t in tables)
    if diags:
        raise FactLoadError(diags[: limits.max_problems])
    return out


def load_frames(
    tables: Sequence[TableFrame],
    limits: Limits = DEFAULT_LIMITS,
    on_table: Callable[[str, int], None] | None = None,
) -> Tables:
    """Validate fact tables another reader has read (a database's tables, CSV files, the sheets
    of a workbook) exactly as :func:`load_tables` validates files: the same checks, the same
    codes, each problem at ``row_span`` of its table; raise :class:`FactLoadError` if any."""
    return _load([_Source(Path(t.kind), t.kind, t) for t in tables], limits, on_table)


def _load(
    tables: list[_Source],
    limits: Limits,
    on_table: Callable[[str, int], None] | None,
) -> Tables:
    """Read (when not read already) and validate ``tables``; every kind at most once."""
    diags: list[Diagnostic] = []

    def refuse(src: _Source, code: str, message: str, zh: str) -> None:
        """A table that is not read (located at the table)."""
        diags.append(Diagnostic(code, message, Span(src.name), zh=zh))

    sources: dict[str, _Source] = {}
    frames: dict[str, pl.DataFrame] = {}
    records: dict[str, list[Fact]] = {}
    for src in tables:
        kind = src.kind
        if kind in sources:
            refuse(
                src,
                "hz_facts_duplicate_table",
                f"a second table of `{kind}` (first: {sources[kind].name})",
                f"`{kind}` 的第二张表（第一张：{sources[kind].name}）",
            )
            continue
        sources[kind] = src
        refusal = _refused_file(src, limits)
        if refusal is not None:
            refuse(src, *refusal)
            continue
        if kind not in BULK_KINDS:
            got, read = _read_records(src, diags, limits)
            if got:
                records[kind] = got
                frames[kind] = _record_frame(kind, got, read).with_row_index(_ROW)
                if on_table is not None:
                    on_table(kind, len(got))
            continue
        raw = _read(src, diags, limits)
        if raw is None or raw.height == 0:
            continue
        if raw.height > limits.max_records * 16:
            refuse(
                src,
                "hz_limit_max_records",
                f"{raw.height} rows: more than allowed",
                f"{raw.height} 行：超过允许的行数",
            )
            continue
        frames[kind] = _validate(src, raw, diags, limits.max_problems)
        if on_table is not None:
            on_table(kind, raw.height)
    problem_ids = _problem_ids(frames) if not diags else None
    across = _Across(frames, sources, diags, limits.max_problems, problem_ids)
    if not diags:
        _duplicates(across)
    if not diags:
        _references(across)
    if diags:
        if len(diags) > limits.max_problems:
            diags = diags[: limits.max_problems]
            diags.append(
                Diagnostic(
                    "hz_load_too_many_problems",
                    f"more than {limits.max_problems} problems; the first "
                    f"{limits.max_problems} are shown",
                    None,
                    zh=f"问题超过 {limits.max_problems} 个；只列出前 {limits.max_problems} 个",
                )
            )
        raise FactLoadError(diags)
    frames = {k: f.drop(_ROW) for k, f in frames.items()}
    # The digest goes into the report's run record, at the end: it is computed on a thread
    # meanwhile (the frames do not change; polars and hashlib let go of the interpreter).
    pool = ThreadPoolExecutor(max_workers=1)
    loaded = Tables(frames, {k: s.name for k, s in sources.items()}, "")
    loaded._digesting = pool.submit(table_digest, frames)
    pool.shutdown(wait=False)
    loaded._records.update(records)
    return loaded


def _refused_file(src: _Source, limits: Limits) -> tuple[str, str, str] | None:
    """Why a table's file is not read (code, message, Chinese), or None: it cannot be looked
    at, it is not a regular file (a FIFO or device is never opened, never waited on), or it is
    too large. A table read already (:class:`TableFrame`) has no file to look at."""
    if src.given is not None:
        return None
    try:
        info = os.stat(src.path)
    except OSError as exc:
        return (
            "hz_facts_unreadable_table",
            f"cannot read the table: {exc.strerror}",
            f"无法读取此表：{os_reason_zh(exc)}",
        )
    if not stat.S_ISREG(info.st_mode):
        return (
            "hz_facts_not_a_file",
            "not a regular file (a directory, FIFO, socket or device): refused unread",
            "不是普通文件（目录、命名管道、套接字或设备）：拒绝读取",
        )
    if info.st_size > limits.max_bytes * _TABLE_BYTES:
        return ("hz_limit_max_bytes", "the table is larger than allowed", "此表超过允许的大小")
    return None


def _record_frame(kind: str, records: list[Fact], read: pl.DataFrame | None) -> pl.DataFrame:
    """The column view of a record kind: the Parquet frame in the model's own types (fast), or
    built from the validated records (JSON lines, or a frame whose columns do not conform)."""
    if read is not None:
        shapes = model_fields(FACT_KINDS[kind])
        try:
            cols = [
                _with_default(
                    _conform(pl.col(n), _dt(read.schema[n]), shape)
                    if n in read.columns
                    else pl.lit(None, dtype_of(shape)),
                    FACT_KINDS[kind],
                    n,
                ).alias(n)
                for n, shape in shapes.items()
            ]
            return _by_id(read.select(cols))
        except pl.exceptions.PolarsError:
            pass  # e.g. a mapping stored as a struct: rebuild from the records
    return frames_from_facts(records)[kind]


def table_digest(frames: dict[str, pl.DataFrame]) -> str:
    """sha256 over each kind's schema and its rows' hashes, in id order.

    Kinds in ``FACT_KINDS`` order; for each kind (rows sorted by id, every column in the
    model's own type, columns sorted by name), the kind's name and its columns' names and types,
    then every row as two 64-bit polars row hashes (``hash_rows`` with two seeds: 128 bits a
    row), the two hash columns written as uncompressed Arrow IPC bytes. A national world's
    digest is a second or two, where writing every row
    as text first took ten. The same records give the same digest whatever file format, row
    order or chunking they came in (Parquet and JSON lines of one world agree), and any value
    changed by accident changes it (but for a 2^-128 chance; ``0.0`` and ``-0.0``, and NaNs,
    hash alike). The row hash is not cryptographic: facts crafted to collide are possible, so
    this names the content, it does not seal it (docs/report.md). Polars only promises its row
    hash within one version, so a polars upgrade may change it (the run record names the
    package version beside it).
    """
    h = hashlib.sha256()
    for kind in FACT_KINDS:
        frame = frames.get(kind)
        if frame is None:
            continue
        ordered = frame.select(sorted(frame.columns))
        schema = ",".join(f"{name}:{dtype}" for name, dtype in ordered.schema.items())
        h.update(f"{kind}\n{schema}\n".encode())
        for start in range(0, ordered.height, _DIGEST_SLICE):
            piece = ordered.slice(start, _DIGEST_SLICE)
            pair = pl.DataFrame({"a": piece.hash_rows(seed=0), "b": piece.hash_rows(seed=1)})
            # the two hash columns as uncompressed Arrow IPC bytes (polars alone: numpy is not
            # part of the core install, and every source's facts are digested here)
            buf = io.BytesIO()
            pair.write_ipc(buf, compression="uncompressed")
            h.update(buf.getvalue())
    return h.hexdigest()


_DIGEST_SLICE = 1_000_000


def tables_factset(tables: Tables) -> FactSet:
    """Every table as pydantic records, in one :class:`FactSet` carrying the tables' digest."""
    records = [r for kind in FACT_KINDS if kind in tables.frames for r in tables.records(kind)]
    return FactSet.build(records, digest=tables.digest())


__all__ = [
    "TABLE_SUFFIXES",
    "TableFrame",
    "Tables",
    "is_table_folder",
    "load_frames",
    "load_tables",
    "table_digest",
    "table_files",
    "tables_factset",
]
