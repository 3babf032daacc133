"""Fact tables written as text cells: ``<kind>.csv`` files and the sheets of an xlsx workbook.

Layout (docs/fact-model.md, "CSV and xlsx tables"): the first row names the fields, each further
row is one record; an empty cell is null (the field is not stated); lists, mappings and nested
records are JSON text in their cell (the JSON of a fact file); dates are ISO ``YYYY-MM-DD``;
yes/no fields are ``true`` or ``false`` (any letter case, as spreadsheets write ``TRUE``);
whole numbers are digits with an optional sign; numbers as JSON writes them. A workbook holds one
sheet per kind, named as the kind.

Every cell is read as text (no type is guessed), then each column is decoded by the field's
shape in the model (``facts.schema``) with polars expressions; a cell that does not decode is a
diagnostic at its row (``FILE:LINE:1`` for CSV, the line the record starts on, the header being
line 1; ``FILE sheet KIND row N`` for a sheet, Excel's row number) naming the record and the
column. The decoded frames are then validated as every other table is
(:func:`hezhang_rules.facts.tables.load_frames`).

CSV is split by Python's ``csv`` module (C code), not polars' reader: only it tells the line a
record starts on (a quoted cell may hold line breaks) and refuses a row with too many or too few
cells; polars decodes the columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import stat
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl
from pydantic import BaseModel, TypeAdapter, ValidationError

from hezhang_rules.diagnostics import (
    Diagnostic,
    Span,
    did_you_mean,
    did_you_mean_zh,
    os_reason_zh,
    pydantic_zh,
)
from hezhang_rules.facts.frames import (
    _as_mapping,
    _jsonable,
    _plain,
    dtype_of,
    replace_file,
    row_record,
    string_lists,
)
from hezhang_rules.facts.loader import _code
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.facts.schema import FieldShape, model_fields
from hezhang_rules.facts.tables import _TABLE_BYTES, TableFrame
from hezhang_rules.source import Limits

_WHOLE = r"^[+-]?[0-9]+$"
_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2})[ T]00:00(?::00(?:\.0+)?)?$"
_DATE_TIME = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}"

SpanOf = Callable[[int], Span]


def _at(where: str, message: str, zh: str, code: str = "hz_facts_csv_syntax") -> Diagnostic:
    return Diagnostic(code, message, Span(where), zh=zh)


def _file_problem(path: Path, limits: Limits) -> Diagnostic | None:
    """Why ``path`` is not read: not there, not a regular file, or too large."""
    try:
        info = os.stat(path)
    except OSError as exc:
        return Diagnostic(
            "hz_facts_unreadable_table",
            f"cannot read the table: {exc.strerror}",
            Span(str(path)),
            zh=f"无法读取此表：{os_reason_zh(exc)}",
        )
    if not stat.S_ISREG(info.st_mode):
        return Diagnostic(
            "hz_facts_not_a_file",
            "not a regular file (a directory, FIFO, socket or device): refused unread",
            Span(str(path)),
            zh="不是普通文件（目录、命名管道、套接字或设备）：拒绝读取",
        )
    if info.st_size > limits.max_bytes * _TABLE_BYTES:
        return Diagnostic(
            "hz_limit_max_bytes",
            "the table is larger than allowed",
            Span(str(path)),
            zh="此表超过允许的大小",
        )
    return None


# --- CSV ---------------------------------------------------------------------------------------


def read_csv(path: Path, kind: str, limits: Limits) -> tuple[TableFrame | None, list[Diagnostic]]:
    """``<kind>.csv`` as a decoded :class:`TableFrame`, or its problems (module docstring)."""
    name = str(path)
    problem = _file_problem(path, limits)
    if problem is not None:
        return None, [problem]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [
            Diagnostic(
                "hz_facts_unreadable_table",
                f"cannot read the table: {exc.strerror}",
                Span(name),
                zh=f"无法读取此表：{os_reason_zh(exc)}",
            )
        ]
    text, problem = _utf8(data, name)
    if problem is not None:
        return None, [problem]
    rows, starts, problems = _split(text, name, limits)
    if problems:
        return None, problems
    if not rows:
        return None, [
            _at(
                name,
                "an empty file: a CSV table starts with a header row naming the fields",
                "空文件：CSV 表的第一行应为列出字段名的表头",
                "hz_facts_csv_no_header",
            )
        ]
    header, body = rows[0], rows[1:]
    problems = _header_problems(header, Span(name, 1, 1))
    if problems:
        return None, problems
    frame = pl.DataFrame(
        {h: [r[i] or None for r in body] for i, h in enumerate(header)},
        schema={h: pl.String for h in header},
    )
    lines = starts[1:]

    def span(i: int) -> Span:
        return Span(name, lines[i], 1)

    return decode(kind, frame, name, span, limits)


def _utf8(data: bytes, name: str) -> tuple[str, Diagnostic | None]:
    """The file's text (a BOM at the start dropped); bad UTF-8 or a NUL byte located."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        return "", Diagnostic(
            "hz_load_encoding",
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}): a CSV table is UTF-8 text",
            Span(name, line, col),
            help="save the table as “CSV UTF-8”",
            zh=f"不是有效的 UTF-8（字节 0x{data[exc.start]:02x}）：CSV 表须为 UTF-8 文本",
            help_zh="请把表另存为“CSV UTF-8”格式",
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_col(data, nul)
        return "", Diagnostic(
            "hz_load_encoding",
            "a NUL byte: a CSV table is text",
            Span(name, line, col),
            zh="含 NUL 字节：CSV 表须为文本",
        )
    return text, None


def _line_col(data: bytes, at: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, at) + 1
    return line, at - (data.rfind(b"\n", 0, at) + 1) + 1


def _split(
    text: str, name: str, limits: Limits
) -> tuple[list[list[str]], list[int], list[Diagnostic]]:
    """The rows of the CSV text, the line each starts on, and the problems of its shape: a
    quote out of place, a cell over ``max_bytes``, a blank line, a row of too many or too few
    cells (each located at its line)."""
    rows: list[list[str]] = []
    starts: list[int] = []
    diags: list[Diagnostic] = []
    old = csv.field_size_limit(limits.max_bytes)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        end = 0
        while True:
            start = end + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                diags.append(_csv_error(exc, name, start, limits))
                break
            end = reader.line_num
            if not row:
                diags.append(
                    Diagnostic(
                        "hz_facts_csv_ragged",
                        "a blank line: every row of a CSV table is one record",
                        Span(name, start, 1),
                        zh="空行：CSV 表的每一行都是一条记录",
                    )
                )
            elif rows and len(row) != len(rows[0]):
                more = len(row) > len(rows[0])
                diags.append(
                    Diagnostic(
                        "hz_facts_csv_ragged",
                        f"{len(row)} cells, the header names {len(rows[0])}: "
                        + ("too many" if more else "too few"),
                        Span(name, start, 1),
                        help="quote a cell holding a comma; give every row all its cells, empty "
                        "ones included",
                        zh=f"{len(row)} 个单元格，表头有 {len(rows[0])} 个："
                        + ("多了" if more else "少了"),
                        help_zh="含逗号的单元格须加引号；每行都要给出全部单元格，空的也算",
                    )
                )
            if len(diags) >= limits.max_problems:
                break
            rows.append(row)
            starts.append(start)
    finally:
        csv.field_size_limit(old)
    return rows, starts, diags


def _csv_error(exc: csv.Error, name: str, line: int, limits: Limits) -> Diagnostic:
    text = str(exc)
    if "field larger than field limit" in text:
        return Diagnostic(
            "hz_limit_max_bytes",
            f"a cell longer than {limits.max_bytes} characters (the limit max_bytes)",
            Span(name, line, 1),
            zh=f"单元格超过 {limits.max_bytes} 个字符（上限 max_bytes）",
        )
    return Diagnostic(
        "hz_facts_csv_syntax",
        f"not CSV: {text}",
        Span(name, line, 1),
        help='a cell with a quote is quoted whole, its quotes doubled ("a ""b"" c")',
        zh="不是有效的 CSV：引号位置不对",
        help_zh='含引号的单元格须整个加引号，其中的引号写两遍（"a ""b"" c"）',
    )


def _header_problems(header: Sequence[str], where: Span) -> list[Diagnostic]:
    """An empty or repeated column name in the header row."""
    out = []
    seen: set[str] = set()
    for i, h in enumerate(header, start=1):
        if not h.strip():
            out.append(
                Diagnostic(
                    "hz_facts_csv_bad_header",
                    f"column {i} of the header has no name",
                    where,
                    zh=f"表头第 {i} 列没有名称",
                )
            )
        elif h in seen:
            out.append(
                Diagnostic(
                    "hz_facts_csv_bad_header",
                    f"column `{h}` is named twice in the header",
                    where,
                    field_path=h,
                    zh=f"表头中列 `{h}` 出现了两次",
                )
            )
        seen.add(h)
    return out


# --- decoding text cells by the model ----------------------------------------------------------


def decode(
    kind: str, frame: pl.DataFrame, label: str, span: SpanOf, limits: Limits
) -> tuple[TableFrame | None, list[Diagnostic]]:
    """Text columns → the model's polars types; each cell that does not decode located."""
    shapes = model_fields(FACT_KINDS[kind])
    ids = frame.get_column("id") if "id" in frame.columns else None
    diags: list[Diagnostic] = []

    def bad(rows: pl.Series, column: str, message: str, zh: str, code: str) -> None:
        for i in rows.to_list():
            if len(diags) >= limits.max_problems:
                return
            rid = ids[i] if ids is not None else None
            diags.append(
                Diagnostic(
                    code,
                    message,
                    span(i),
                    record=f"{kind}[{i}]" + (f" (id {rid})" if rid is not None else ""),
                    field_path=column,
                    zh=zh,
                )
            )

    out: list[pl.Expr] = []
    for name in frame.columns:
        shape = shapes.get(name)
        column = frame.get_column(name)
        if shape is None or column.null_count() == column.len():
            out.append(pl.col(name))  # unknown columns, and empty ones, judged by load_frames
            continue
        expr, failed = _decoded(kind, name, shape, column, limits)
        for rows, message, zh, code in failed:
            bad(rows, name, message, zh, code)
        out.append(expr.alias(name))
    if diags:
        return None, diags
    try:
        decoded = frame.select(out)
    except pl.exceptions.PolarsError as exc:  # JSON cells of one column that do not unify
        return None, [
            Diagnostic(
                "hz_facts_wrong_type",
                f"the JSON cells of this table do not agree in type ({type(exc).__name__})",
                Span(label),
                zh="此表各单元格中的 JSON 类型不一致",
            )
        ]
    return TableFrame(kind, decoded, label, span), []


_Failed = list[tuple[pl.Series, str, str, str]]


def _rows(wrong: pl.Series) -> pl.Series:
    """Row numbers where ``wrong`` holds (nulls are not wrong)."""
    return wrong.fill_null(False).arg_true()


def _decoded(
    kind: str, name: str, shape: FieldShape, column: pl.Series, limits: Limits
) -> tuple[pl.Expr, _Failed]:
    """The expression decoding the text column ``name`` by its field's shape, and the rows
    whose cells do not decode (each with its message, Chinese and code). Dates stay ISO text
    (``load_frames`` parses and bounds them), a date-time at midnight made the date."""
    col = pl.col(name)
    present = column.is_not_null()
    if shape.kind != "scalar":
        return _json(kind, name, shape, column, limits)
    s = shape.scalar
    if s is bool:
        low = column.str.to_lowercase()
        wrong = present & ~low.is_in(["true", "false"])
        return col.str.to_lowercase() == "true", [
            (_rows(wrong), "expected true or false", "应为 true 或 false", "hz_facts_wrong_type")
        ]
    if s is int:
        wrong = present & ~column.str.contains(_WHOLE)
        value = column.cast(pl.Int64, strict=False)
        beyond = present & ~wrong & value.is_null()
        return col.cast(pl.Int64, strict=False), [
            (_rows(wrong), "expected a whole number", "应为整数", "hz_facts_wrong_type"),
            (
                _rows(beyond),
                "a whole number beyond 64 bits (-2**63 to 2**63-1)",
                "整数超出 64 位范围（-2**63 至 2**63-1）",
                "hz_facts_number_out_of_range",
            ),
        ]
    if s is float:
        wrong = present & ~column.str.contains(_NUMBER)
        return col.cast(pl.Float64, strict=False), [
            (_rows(wrong), "expected a number", "应为数", "hz_facts_wrong_type")
        ]
    if s is not None and s.__name__ == "date":
        # A sheet's date cells read as text are date-times: midnight is the date itself.
        timed = present & column.str.contains(_DATE_TIME) & ~column.str.contains(_MIDNIGHT)
        return col.str.replace(_MIDNIGHT, "${1}"), [
            (
                _rows(timed),
                "a date and time where a date is expected (YYYY-MM-DD)",
                "此处应为日期（YYYY-MM-DD），却带有时间",
                "hz_facts_invalid_date",
            )
        ]
    return col, []


def _json(
    kind: str, name: str, shape: FieldShape, column: pl.Series, limits: Limits
) -> tuple[pl.Expr, _Failed]:
    """A list, mapping or record column: every cell strict JSON, validated by the model's
    type of the field (so each bad cell is located, its path inside the value named), then
    made a column of the model's polars type as ``frames_from_facts`` makes it."""
    want = list if shape.kind == "list" else dict
    what, what_zh = ("a JSON list", "JSON 列表") if want is list else ("a JSON object", "JSON 对象")
    adapter = _adapter(FACT_KINDS[kind], name)
    failed: _Failed = []
    plain: list[Any] = []
    texts = (  # a list of text or ids: the validated list is its plain value
        shape.kind == "list"
        and shape.item is not None
        and shape.item.kind == "scalar"
        and shape.item.scalar is str
    )
    for i, cell in enumerate(column.to_list()):
        if cell is None:
            plain.append(None)
            continue
        try:
            value = _DECODER.decode(cell)
        except (ValueError, RecursionError):
            failed.append(
                (
                    pl.Series([i], dtype=pl.UInt32),
                    f"not JSON: a cell of this column holds {what} (the JSON of a fact file)",
                    f"不是 JSON：此列的单元格应为{what_zh}（与事实文件中的 JSON 相同）",
                    "hz_facts_wrong_type",
                )
            )
            continue
        deep = len(cell) > 2 * limits.max_depth and _depth(value) > limits.max_depth
        if not isinstance(value, want) or deep:  # a text nests at most half its length deep
            failed.append(
                (
                    pl.Series([i], dtype=pl.UInt32),
                    f"expected {what} ({shape.describe()})",
                    f"应为{what_zh}",
                    "hz_facts_wrong_type",
                )
            )
            continue
        try:
            valid = adapter.validate_python(value)
            plain.append(valid if texts else _plain(valid, shape))
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(x) if not isinstance(x, int) else f"[{x}]" for x in err["loc"])
                failed.append(
                    (
                        pl.Series([i], dtype=pl.UInt32),
                        f"{loc.replace('.[', '[')}: {err['msg'].removeprefix('Value error, ')}",
                        f"{loc.replace('.[', '[')}：{pydantic_zh(err)}",
                        _code(err, tuple(err["loc"]), FACT_KINDS[kind]),
                    )
                )
    if failed:
        return pl.col(name), failed
    dtype = dtype_of(shape, [_as_mapping(v, shape) for v in plain])
    if dtype == pl.List(pl.String):  # lists of ids: built from their flat values (fast)
        lists = string_lists([v or [] for v in plain]).alias(name)
        nulls = pl.Series([v is None for v in plain])
        return pl.when(pl.lit(nulls)).then(None).otherwise(pl.lit(lists)), failed
    return pl.lit(pl.Series(name, plain, dtype=dtype, strict=False)), failed


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """The validator of one field's values (its type and constraints, as in the model)."""
    info = model.model_fields[name]
    return TypeAdapter(info.rebuild_annotation())


def _no_twice(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("a key given twice")
    return out


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a JSON number")


_DECODER = json.JSONDecoder(object_pairs_hook=_no_twice, parse_constant=_no_constant)
"""Strict JSON for a cell: no key twice, no ``NaN``/``Infinity`` (made once: ``json.loads``
with hooks builds a decoder per call)."""


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


# --- xlsx --------------------------------------------------------------------------------------


def read_workbook(path: Path, limits: Limits) -> tuple[list[TableFrame], list[Diagnostic]]:
    """Every sheet of an xlsx workbook as a decoded :class:`TableFrame` (a sheet per kind,
    named as the kind), or the problems. Cells are read as text by calamine (fastexcel) and
    decoded as CSV cells are; a date cell reads as a date-time, midnight being the date."""
    from hezhang_rules.extras import need

    need("xlsx", str(path))
    import fastexcel

    name = str(path)
    problem = _file_problem(path, limits)
    if problem is not None:
        return [], [problem]
    try:
        book = fastexcel.read_excel(path)
        sheets = list(book.sheet_names)
    except Exception as exc:  # fastexcel raises its own errors: all mean "not a workbook"
        return [], [_not_a_workbook(name, exc)]
    out: list[TableFrame] = []
    diags: list[Diagnostic] = []
    for sheet in sheets:
        if sheet not in FACT_KINDS:
            lower = sheet.lower()
            diags.append(
                Diagnostic(
                    "hz_facts_unknown_kind",
                    f"sheet `{sheet}` is not named after a fact kind",
                    Span(f"{name} sheet {sheet}"),
                    help=f"did you mean `{lower}`?"
                    if lower in FACT_KINDS
                    else did_you_mean(sheet, FACT_KINDS),
                    zh=f"工作表 `{sheet}` 不是以事实种类命名的",
                    help_zh=f"是否应为 `{lower}`？"
                    if lower in FACT_KINDS
                    else did_you_mean_zh(sheet, FACT_KINDS),
                )
            )
            continue
        try:
            frame = book.load_sheet_by_name(sheet, dtypes="string").to_polars()
        except Exception as exc:  # fastexcel raises its own errors
            diags.append(_not_a_workbook(f"{name} sheet {sheet}", exc))
            continue
        header = [str(c) for c in frame.columns]
        where = f"{name} sheet {sheet}"
        problems = _header_problems(header, Span(f"{where} row 1"))
        if problems:
            diags.extend(problems)
            continue
        frame = frame.select(pl.col(c).cast(pl.String) for c in frame.columns)

        def span(i: int, where: str = where) -> Span:
            return Span(f"{where} row {i + 2}")

        table, problems = decode(sheet, frame, where, span, limits)
        diags.extend(problems)
        if table is not None:
            out.append(table)
    return out, diags


def _not_a_workbook(name: str, exc: BaseException) -> Diagnostic:
    return Diagnostic(
        "hz_facts_bad_workbook",
        f"not a readable xlsx workbook ({type(exc).__name__}): a corrupt, encrypted or "
        "mis-named file",
        Span(name),
        help="save it from the spreadsheet as an .xlsx workbook without a password",
        zh="不是可读取的 xlsx 工作簿：文件损坏、已加密或扩展名不符",
        help_zh="请在电子表格软件中另存为不设密码的 .xlsx 工作簿",
    )


# --- writing -----------------------------------------------------------------------------------


def _cells(kind: str, frame: pl.DataFrame) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of a table in the layout above: a cell per field, Python values
    (text, whole numbers, numbers, booleans, dates) or JSON text for nested values, ``None``
    where the field is not stated."""
    model = FACT_KINDS[kind]
    shapes = model_fields(model)
    header = list(shapes)
    rows = []
    for row in frame.iter_rows(named=True):
        record = row_record(model, row)
        rows.append(
            [_cell(record[n], shapes[n]) if record.get(n) is not None else None for n in header]
        )
    return header, rows


def _cell(value: Any, shape: FieldShape) -> Any:
    if shape.kind != "scalar":
        return json.dumps(_jsonable(value), ensure_ascii=False, sort_keys=True)
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if isinstance(value, str) else json.dumps(value)


def write_text_tables(frames: dict[str, pl.DataFrame], out: Path, fmt: str) -> list[Path]:
    """``<kind>.csv`` files (UTF-8, no BOM, ``\\n`` line ends, minimal quoting), or one
    workbook ``facts.xlsx`` with a sheet per kind (numbers, booleans and dates as Excel types),
    in ``out``; each file written under a temporary name, then renamed."""
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        written = []
        for kind, frame in frames.items():
            header, rows = _cells(kind, frame)
            buf = io.StringIO(newline="")
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(header)
            writer.writerows([_text(v) for v in r] for r in rows)
            written.append(_replace(out / f"{kind}.csv", buf.getvalue().encode("utf-8")))
        return written
    if fmt != "xlsx":
        raise ValueError(f"unknown table format `{fmt}` (csv or xlsx)")
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook(write_only=True)
    for kind, frame in frames.items():
        sheet = book.create_sheet(kind)
        header, rows = _cells(kind, frame)
        sheet.append(header)
        for r in rows:
            sheet.append(r)
    data = io.BytesIO()
    book.save(data)
    return [_replace(out / "facts.xlsx", data.getvalue())]


def _replace(target: Path, data: bytes) -> Path:
    def write(fh: BinaryIO) -> None:
        fh.write(data)

    return replace_file(target, write)
