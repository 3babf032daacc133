"""Hostile fact tables, and dates and day counts at the ends of the calendar.

Every case is a folder of fact tables (the example district, converted with ``hezhang-rules
tables``) with one table broken, built at test time: JSON lines as raw bytes, Parquet with
polars. Each goes through ``check`` with both engines (``--engine columnar`` and ``--engine
records``); a hostile table must give exit 2, the expected diagnostic code located in the
table file, no traceback, nothing written to ``--output``, and the same diagnostics from both
engines. Tables that are valid after all (a BOM, CRLF line ends, categorical text, a date on
the bound) must give the same report from both engines, and the base report where the records
are the same. The bounds themselves are in ``hezhang_rules.facts.bounds`` (docs/limits.md).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

import hezhang_rules as hz
from hezhang_rules.cli import main
from hezhang_rules.columnar import evaluate_tables, load_tables
from hezhang_rules.diagnostics import UsageError
from hezhang_rules.facts.bounds import DATE_MAX, DATE_MIN, DAYS_MAX

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
PACK = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"
LINE = re.compile(r"^(?P<where>\S.*?): (?P<code>hz_[a-z_]+): (?P<msg>.+)$")
AS_OF = "2022-01-10"


# --- the base folders and the check -----------------------------------------------------------


@pytest.fixture(scope="module")
def small_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tables are under test, not rules: a one-article pack keeps each check fast."""
    pack = tmp_path_factory.mktemp("pack")
    shutil.copy(PACK / "pack.yaml", pack / "pack.yaml")
    shutil.copy(PACK / "art_016.yaml", pack / "art_016.yaml")
    return pack


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for fmt in ("jsonl", "parquet"):
        folder = tmp_path_factory.mktemp(f"base-{fmt}")
        assert main(["tables", str(EXAMPLE), "--out", str(folder), "--format", fmt]) == 0
        out[fmt] = folder
    return out


@dataclass
class Run:
    code: int
    err: str
    report: dict[str, object] | None


def _check(
    folder: Path, pack: Path, engine: str, tmp: Path, cap: pytest.CaptureFixture[str]
) -> Run:
    out_dir = tmp / f"out-{engine}"
    out_dir.mkdir()
    out = out_dir / "report.json"
    args = ["check", str(folder), "--as-of", AS_OF, "--rules", str(pack), "--format", "json"]
    code = main([*args, "--engine", engine, "--output", str(out)])
    err = cap.readouterr().err
    report = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    if code == 2:
        assert list(out_dir.iterdir()) == [], "nothing may be written for invalid input"
    return Run(code, err.replace(str(folder), "<facts>"), report)


def _findings(report: dict[str, object] | None) -> object:
    assert report is not None
    return report["findings"]


# --- building the cases -------------------------------------------------------------------------

Build = Callable[[Path], None]


def _append(kind: str, line: bytes) -> Build:
    def build(folder: Path) -> None:
        path = folder / f"{kind}.jsonl"
        path.write_bytes(path.read_bytes() + line + b"\n")

    return build


def _bytes(kind: str, data: bytes | Callable[[bytes], bytes]) -> Build:
    def build(folder: Path) -> None:
        path = folder / f"{kind}.jsonl"
        path.write_bytes(data(path.read_bytes()) if callable(data) else data)

    return build


def _frame(kind: str, edit: Callable[[pl.DataFrame], pl.DataFrame]) -> Build:
    def build(folder: Path) -> None:
        path = folder / f"{kind}.parquet"
        edit(pl.read_parquet(path)).write_parquet(path)

    return build


def _parquet_bytes(kind: str, edit: Callable[[bytes], bytes]) -> Build:
    def build(folder: Path) -> None:
        path = folder / f"{kind}.parquet"
        path.write_bytes(edit(path.read_bytes()))

    return build


def _special(kind: str, fmt: str, make: Callable[[Path], None]) -> Build:
    def build(folder: Path) -> None:
        path = folder / f"{kind}.{fmt}"
        path.unlink()
        make(path)

    return build


def _socket(path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(path))
    finally:
        sock.close()


def _symlink(target: str) -> Callable[[Path], None]:
    return lambda path: path.symlink_to(target)


_PERSON = b'{"id": "p-x", "name": "X"'
_MEETING = b'{"id": "m-x", "kind": "joint_department_meeting", "jurisdiction": "j-qinghemen"'
_INSPECTION = b'{"id": "i-x", "inspector": "p-chen-lixin", "date": "2021-03-01"'
_BIG = b"9" * 5000


def _meeting(rest: bytes = b"") -> bytes:
    return _MEETING + b', "date": "2021-03-01"' + rest + b"}"


def _corrupt_page_header(data: bytes) -> bytes:
    """64 zero bytes over the first page header, right after the ``PAR1`` magic.

    A damaged page header is what a reader can always tell: its thrift no longer parses. Damage
    inside a page's values need not be: Parquet writes no page checksum by default, and zeros in
    plain-encoded values decode as other values (polars 2.2 reads zeroed booleans as ``false``;
    the middle of the file, which this case zeroed until then, now lies in such a column). That
    limit is the format's, noted in docs/limits.md (fact tables).
    """
    return data[:4] + b"\x00" * 64 + data[68:]


def _row(frame: pl.DataFrame, **values: object) -> pl.DataFrame:
    """``frame`` with one more row: ``values``, the other columns null."""
    row = {c: values.get(c) for c in frame.columns}
    return pl.concat([frame, pl.DataFrame([row], schema=frame.schema, strict=False)])


@dataclass(frozen=True)
class Case:
    name: str
    fmt: str
    build: Build
    code: str
    file: str  # the table the diagnostic must name


JSONL = [
    Case(
        "int_5000_digits_bulk",
        "jsonl",
        _append("people", _PERSON + b', "note": ' + _BIG + b"}"),
        "hz_load_number_out_of_range",
        "people.jsonl",
    ),
    Case(
        "int_5000_digits_record_kind",
        "jsonl",
        _append("meetings", _meeting(b', "note": -' + _BIG)),
        "hz_load_number_out_of_range",
        "meetings.jsonl",
    ),
    Case(
        "int_beyond_int64",
        "jsonl",
        _append("inspections", _INSPECTION + b', "duration_minutes": 9223372036854775808}'),
        "hz_load_number_out_of_range",
        "inspections.jsonl",
    ),
    Case(
        "int_uint64_max",
        "jsonl",
        _append("inspections", _INSPECTION + b', "duration_minutes": 18446744073709551615}'),
        "hz_load_number_out_of_range",
        "inspections.jsonl",
    ),
    Case(
        "float_overflows_to_inf",
        "jsonl",
        _append("inspections", _INSPECTION + b', "distance_km": 1e400}'),
        "hz_load_number_out_of_range",
        "inspections.jsonl",
    ),
    Case(
        "nan_literal",
        "jsonl",
        _append("inspections", _INSPECTION + b', "distance_km": NaN}'),
        "hz_facts_syntax",
        "inspections.jsonl",
    ),
    Case(
        "infinity_literal_record_kind",
        "jsonl",
        _append("penalties", b'{"id": "pen-x", "amount_yuan": -Infinity}'),
        "hz_facts_syntax",
        "penalties.jsonl",
    ),
    Case(
        "lone_high_surrogate",
        "jsonl",
        _append("people", b'{"id": "p-x", "name": "\\ud800"}'),
        "hz_load_encoding",
        "people.jsonl",
    ),
    Case(
        "lone_low_surrogate_record_kind",
        "jsonl",
        _append("meetings", _meeting(b', "note": "a\\udc00"')),
        "hz_load_encoding",
        "meetings.jsonl",
    ),
    Case(
        "reversed_surrogate_pair",
        "jsonl",
        _append("people", b'{"id": "p-x", "name": "\\ude00\\ud83d"}'),
        "hz_load_encoding",
        "people.jsonl",
    ),
    Case(
        "invalid_utf8",
        "jsonl",
        _append("people", b'{"id": "p-x", "name": "\xff\xfe"}'),
        "hz_load_encoding",
        "people.jsonl",
    ),
    Case(
        "invalid_utf8_record_kind",
        "jsonl",
        _append("meetings", _meeting(b', "note": "\xc3\x28"')),
        "hz_load_encoding",
        "meetings.jsonl",
    ),
    Case(
        "truncated_utf8_at_end",
        "jsonl",
        _bytes("people", lambda b: b + b'{"id": "p-\xe4\xb8'),
        "hz_load_encoding",
        "people.jsonl",
    ),
    Case(
        "nul_byte",
        "jsonl",
        _append("people", b'{"id": "p-x", "name": "a\x00b"}'),
        "hz_load_binary",
        "people.jsonl",
    ),
    Case(
        "duplicate_key",
        "jsonl",
        _append("people", b'{"id": "p-x", "name": "a", "name": "b"}'),
        "hz_load_duplicate_key",
        "people.jsonl",
    ),
    Case(
        "duplicate_key_nested",
        "jsonl",
        _append(
            "inspections",
            _INSPECTION + b', "record": {"problems": [{"id": "pr-x", '
            b'"id": "pr-y", "description": "d"}]}}',
        ),
        "hz_load_duplicate_key",
        "inspections.jsonl",
    ),
    Case(
        "duplicate_key_record_kind",
        "jsonl",
        _append("meetings", _meeting(b', "date": "2021-03-02"')),
        "hz_load_duplicate_key",
        "meetings.jsonl",
    ),
    Case(
        "nesting_100000",
        "jsonl",
        _append("people", _PERSON + b', "note": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
        "hz_load_too_deep",
        "people.jsonl",
    ),
    Case(
        "nesting_65_record_kind",
        "jsonl",
        _append("meetings", _meeting(b', "note": ' + b"[" * 64 + b"]" * 64)),
        "hz_load_too_deep",
        "meetings.jsonl",
    ),
    Case(
        "line_is_a_list",
        "jsonl",
        _append("people", b"[1, 2]"),
        "hz_facts_wrong_type",
        "people.jsonl",
    ),
    Case(
        "line_is_a_string_record_kind",
        "jsonl",
        _append("meetings", b'"meeting"'),
        "hz_facts_wrong_type",
        "meetings.jsonl",
    ),
    Case(
        "line_is_a_number", "jsonl", _append("people", b"12"), "hz_facts_wrong_type", "people.jsonl"
    ),
    Case(
        "blank_line",
        "jsonl",
        _bytes("people", lambda b: b.replace(b"\n", b"\n\n", 1)),
        "hz_facts_syntax",
        "people.jsonl",
    ),
    Case(
        "truncated_line",
        "jsonl",
        _append("people", b'{"id": "p-x", "na'),
        "hz_facts_syntax",
        "people.jsonl",
    ),
    Case(
        "garbage_after_object",
        "jsonl",
        _append("people", _PERSON + b"} x"),
        "hz_facts_syntax",
        "people.jsonl",
    ),
    Case(
        "empty_people_table",
        "jsonl",
        _bytes("people", b""),
        "hz_facts_dangling_reference",
        "appointments.jsonl",
    ),
    Case(
        "unknown_key_null",
        "jsonl",
        _append("people", _PERSON + b', "nmae": null}'),
        "hz_facts_unknown_field",
        "people.jsonl",
    ),
    Case(
        "unknown_key_record_kind",
        "jsonl",
        _append("meetings", _meeting(b', "weather": "fine"')),
        "hz_facts_unknown_field",
        "meetings.jsonl",
    ),
    Case(
        "id_is_a_number",
        "jsonl",
        _append("people", b'{"id": 5, "name": "X"}'),
        "hz_facts_wrong_type",
        "people.jsonl",
    ),
    Case(
        "date_after_bound",
        "jsonl",
        _append("inspections", _INSPECTION[:-11] + b'2200-01-01"}'),
        "hz_facts_date_out_of_range",
        "inspections.jsonl",
    ),
    Case(
        "date_9999",
        "jsonl",
        _append("inspections", _INSPECTION[:-11] + b'9999-12-31"}'),
        "hz_facts_date_out_of_range",
        "inspections.jsonl",
    ),
    Case(
        "date_before_bound_record_kind",
        "jsonl",
        _append("meetings", _MEETING + b', "date": "1899-12-31"}'),
        "hz_facts_date_out_of_range",
        "meetings.jsonl",
    ),
    Case(
        "date_0001_in_a_post",
        "jsonl",
        _append(
            "appointments",
            b'{"id": "a-x", "person": "p-chen-lixin", "role": "river_chief", '
            b'"jurisdiction": "j-qinghemen", "start": "0001-01-01"}',
        ),
        "hz_facts_date_out_of_range",
        "appointments.jsonl",
    ),
    Case(
        "year_99999",
        "jsonl",
        _bytes("assessment_results", lambda b: b.replace(b'"year": 2021', b'"year": 99999', 1)),
        "hz_facts_date_out_of_range",
        "assessment_results.jsonl",
    ),
    Case(
        "reserved_column_name",
        "jsonl",
        _append("people", _PERSON + b', "__row": 5}'),
        "hz_facts_unknown_field",
        "people.jsonl",
    ),
    Case(
        "five_thousand_keys",
        "jsonl",
        _append(
            "people", _PERSON + b", " + b", ".join(b'"k%d": 1' % i for i in range(5000)) + b"}"
        ),
        "hz_limit_max_columns",
        "people.jsonl",
    ),
    Case(
        "list_of_lists",
        "jsonl",
        _append("inspections", _INSPECTION + b', "rivers": [["r-qinghe"]]}'),
        "hz_facts_wrong_type",
        "inspections.jsonl",
    ),
    Case(
        "fifo",
        "jsonl",
        _special("people", "jsonl", lambda p: os.mkfifo(p)),
        "hz_facts_not_a_file",
        "people.jsonl",
    ),
    Case(
        "directory",
        "jsonl",
        _special("people", "jsonl", lambda p: p.mkdir()),
        "hz_facts_not_a_file",
        "people.jsonl",
    ),
    Case(
        "symlink_to_dev_zero",
        "jsonl",
        _special("people", "jsonl", _symlink("/dev/zero")),
        "hz_facts_not_a_file",
        "people.jsonl",
    ),
    Case(
        "symlink_to_dev_null_record_kind",
        "jsonl",
        _special("meetings", "jsonl", _symlink("/dev/null")),
        "hz_facts_not_a_file",
        "meetings.jsonl",
    ),
    Case(
        "socket",
        "jsonl",
        _special("people", "jsonl", _socket),
        "hz_facts_not_a_file",
        "people.jsonl",
    ),
]

PARQUET = [
    Case(
        "uint64_id",
        "parquet",
        _frame(
            "people", lambda f: f.with_columns(pl.int_range(f.height, dtype=pl.UInt64).alias("id"))
        ),
        "hz_facts_wrong_type",
        "people.parquet",
    ),
    Case(
        "uint64_beyond_int64",
        "parquet",
        _frame(
            "inspections",
            lambda f: f.with_columns(pl.lit(2**64 - 1, pl.UInt64).alias("duration_minutes")),
        ),
        "hz_facts_number_out_of_range",
        "inspections.parquet",
    ),
    Case(
        "int128_beyond_int64",
        "parquet",
        _frame(
            "inspections",
            lambda f: f.with_columns(pl.lit(2**100, pl.Int128).alias("duration_minutes")),
        ),
        "hz_facts_number_out_of_range",
        "inspections.parquet",
    ),
    Case(
        "uint64_date",
        "parquet",
        _frame("inspections", lambda f: f.with_columns(pl.lit(2**64 - 1, pl.UInt64).alias("date"))),
        "hz_facts_wrong_type",
        "inspections.parquet",
    ),
    Case(
        "int8_date",
        "parquet",
        _frame("inspections", lambda f: f.with_columns(pl.lit(5, pl.Int8).alias("date"))),
        "hz_facts_wrong_type",
        "inspections.parquet",
    ),
    Case(
        "int8_date_record_kind",
        "parquet",
        _frame("meetings", lambda f: f.with_columns(pl.lit(5, pl.Int8).alias("date"))),
        "hz_facts_invalid_date",
        "meetings.parquet",
    ),
    Case(
        "datetime_for_date",
        "parquet",
        _frame("inspections", lambda f: f.with_columns(pl.col("date").cast(pl.Datetime))),
        "hz_facts_wrong_type",
        "inspections.parquet",
    ),
    Case(
        "decimal_for_int",
        "parquet",
        _frame(
            "inspections",
            lambda f: f.with_columns(pl.lit(5, pl.Decimal(10, 2)).alias("duration_minutes")),
        ),
        "hz_facts_wrong_type",
        "inspections.parquet",
    ),
    Case(
        "float_for_int",
        "parquet",
        _frame(
            "inspections", lambda f: f.with_columns(pl.col("duration_minutes").cast(pl.Float64))
        ),
        "hz_facts_wrong_type",
        "inspections.parquet",
    ),
    Case(
        "nan_measure",
        "parquet",
        _frame("inspections", lambda f: f.with_columns(pl.lit(float("nan")).alias("distance_km"))),
        "hz_facts_invalid_value",
        "inspections.parquet",
    ),
    Case(
        "infinite_measure",
        "parquet",
        _frame("inspections", lambda f: f.with_columns(pl.lit(float("inf")).alias("distance_km"))),
        "hz_facts_invalid_value",
        "inspections.parquet",
    ),
    Case(
        "infinite_amount_record_kind",
        "parquet",
        _frame("penalties", lambda f: f.with_columns(pl.lit(float("-inf")).alias("amount_yuan"))),
        "hz_facts_invalid_value",
        "penalties.parquet",
    ),
    Case(
        "struct_for_text",
        "parquet",
        _frame(
            "people", lambda f: f.with_columns(pl.struct(pl.col("name").alias("a")).alias("name"))
        ),
        "hz_facts_wrong_type",
        "people.parquet",
    ),
    Case(
        "binary_text",
        "parquet",
        _frame("people", lambda f: f.with_columns(pl.col("name").cast(pl.Binary))),
        "hz_facts_wrong_type",
        "people.parquet",
    ),
    Case(
        "binary_text_record_kind",
        "parquet",
        _frame("meetings", lambda f: f.with_columns(pl.col("jurisdiction").cast(pl.Binary))),
        "hz_facts_wrong_type",
        "meetings.parquet",
    ),
    Case(
        "null_in_required",
        "parquet",
        _frame("people", lambda f: f.with_columns(pl.lit(None, pl.String).alias("name"))),
        "hz_facts_missing_field",
        "people.parquet",
    ),
    Case(
        "list_of_null_type",
        "parquet",
        _frame(
            "inspections",
            lambda f: f.with_columns(pl.lit([None], pl.List(pl.Null)).alias("rivers")),
        ),
        "hz_facts_wrong_type",
        "inspections.parquet",
    ),
    Case(
        "list_with_null_item_record_kind",
        "parquet",
        _frame(
            "meetings",
            lambda f: f.with_columns(pl.lit([None], pl.List(pl.String)).alias("attendees")),
        ),
        "hz_facts_wrong_type",
        "meetings.parquet",
    ),
    Case(
        "five_thousand_columns",
        "parquet",
        _frame(
            "people",
            lambda f: f.with_columns([pl.lit(None, pl.String).alias(f"c{i}") for i in range(5000)]),
        ),
        "hz_limit_max_columns",
        "people.parquet",
    ),
    Case(
        "unknown_column",
        "parquet",
        _frame("people", lambda f: f.with_columns(pl.lit("x").alias("nmae"))),
        "hz_facts_unknown_field",
        "people.parquet",
    ),
    Case(
        "unknown_column_all_null",
        "parquet",
        _frame("people", lambda f: f.with_columns(pl.lit(None, pl.String).alias("nmae"))),
        "hz_facts_unknown_field",
        "people.parquet",
    ),
    Case(
        "unknown_column_all_null_record_kind",
        "parquet",
        _frame("meetings", lambda f: f.with_columns(pl.lit(None, pl.String).alias("weather"))),
        "hz_facts_unknown_field",
        "meetings.parquet",
    ),
    Case(
        "date_9999",
        "parquet",
        _frame(
            "inspections",
            lambda f: _row(f, id="i-x", inspector="p-chen-lixin", date=DATE_MAX.replace(year=9999)),
        ),
        "hz_facts_date_out_of_range",
        "inspections.parquet",
    ),
    Case(
        "date_past_python",
        "parquet",
        _frame(
            "inspections",
            lambda f: f.with_columns(pl.lit(2_000_000_000, pl.Int32).cast(pl.Date).alias("date")),
        ),
        "hz_facts_date_out_of_range",
        "inspections.parquet",
    ),
    Case(
        "date_before_python_record_kind",
        "parquet",
        _frame(
            "meetings",
            lambda f: f.with_columns(pl.lit(-2_000_000_000, pl.Int32).cast(pl.Date).alias("date")),
        ),
        "hz_facts_date_out_of_range",
        "meetings.parquet",
    ),
    Case(
        "date_in_a_struct_record_kind",
        "parquet",
        _frame(
            "meetings",
            lambda f: f.with_columns(
                pl.col("minutes").struct.with_fields(
                    pl.lit(2_000_000, pl.Int32).cast(pl.Date).alias("issued")
                )
            ),
        ),
        "hz_facts_date_out_of_range",
        "meetings.parquet",
    ),
    Case(
        "year_99999",
        "parquet",
        _frame("assessment_results", lambda f: f.with_columns(pl.lit(99999).alias("year"))),
        "hz_facts_date_out_of_range",
        "assessment_results.parquet",
    ),
    Case(
        "reserved_column_name",
        "parquet",
        _frame("people", lambda f: f.with_columns(pl.lit(1).alias("__row"))),
        "hz_facts_unknown_field",
        "people.parquet",
    ),
    Case(
        "list_of_lists",
        "parquet",
        _frame(
            "inspections",
            lambda f: f.with_columns(pl.col("rivers").implode().over("id").alias("rivers")),
        ),
        "hz_facts_wrong_type",
        "inspections.parquet",
    ),
    Case(
        "truncated",
        "parquet",
        _parquet_bytes("people", lambda b: b[:-20]),
        "hz_facts_unreadable_table",
        "people.parquet",
    ),
    Case(
        "truncated_record_kind",
        "parquet",
        _parquet_bytes("meetings", lambda b: b[:200]),
        "hz_facts_unreadable_table",
        "meetings.parquet",
    ),
    Case(
        "not_parquet",
        "parquet",
        _parquet_bytes("people", lambda b: b"id,name\np-1,X\n"),
        "hz_facts_unreadable_table",
        "people.parquet",
    ),
    Case(
        "empty_file",
        "parquet",
        _parquet_bytes("people", lambda b: b""),
        "hz_facts_unreadable_table",
        "people.parquet",
    ),
    Case(
        "corrupt_page_header",
        "parquet",
        _parquet_bytes("inspections", _corrupt_page_header),
        "hz_facts_unreadable_table",
        "inspections.parquet",
    ),
    Case(
        "fifo",
        "parquet",
        _special("people", "parquet", lambda p: os.mkfifo(p)),
        "hz_facts_not_a_file",
        "people.parquet",
    ),
    Case(
        "symlink_to_dev_zero",
        "parquet",
        _special("inspections", "parquet", _symlink("/dev/zero")),
        "hz_facts_not_a_file",
        "inspections.parquet",
    ),
]

CASES = JSONL + PARQUET


def _located(err: str, case: Case) -> None:
    assert "Traceback" not in err, err
    lines = [m for m in (LINE.match(x) for x in err.splitlines()) if m]
    assert lines, err
    hits = [m for m in lines if m["code"] == case.code]
    assert hits, f"{case.name}: expected {case.code}: {err}"
    assert any(m["where"].startswith(f"<facts>/{case.file}") for m in hits), err
    for m in hits:
        where = m["where"]
        assert re.match(r"<facts>/\w+\.(jsonl|parquet)\b", where), where
        if case.code.startswith("hz_facts_") and case.code not in (
            "hz_facts_unreadable_table",
            "hz_facts_not_a_file",
        ):  # a value: its line, or its row and record, or its column
            assert re.search(r":\d+:\d+$|row \d+$", where) or "field `" in m["msg"], m.group(0)
        elif case.fmt == "jsonl" and case.code.startswith("hz_load_"):
            assert re.search(r":\d+:\d+$", where), m.group(0)  # line and column of the byte


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 45
    assert len({c.name + c.fmt for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.fmt}-{c.name}" for c in CASES])
def test_hostile_table(
    case: Case,
    bases: dict[str, Path],
    small_pack: Path,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "facts"
    shutil.copytree(bases[case.fmt], folder)
    case.build(folder)
    runs = {e: _check(folder, small_pack, e, tmp_path, capfd) for e in ("columnar", "records")}
    for engine, run in runs.items():
        assert run.code == 2, f"{engine}: {run.err}"
        _located(run.err, case)
    # the same diagnostics (a polars panic also prints its own lines, with thread ids)
    ours = {e: [x for x in r.err.splitlines() if LINE.match(x)] for e, r in runs.items()}
    assert ours["columnar"] == ours["records"], "the engines must refuse alike"


# --- valid after all -----------------------------------------------------------------------------

VALID = [
    Case("bom", "jsonl", _bytes("people", lambda b: b"\xef\xbb\xbf" + b), "", ""),
    Case("bom_record_kind", "jsonl", _bytes("meetings", lambda b: b"\xef\xbb\xbf" + b), "", ""),
    Case("crlf", "jsonl", _bytes("inspections", lambda b: b.replace(b"\n", b"\r\n")), "", ""),
    Case(
        "crlf_record_kind", "jsonl", _bytes("meetings", lambda b: b.replace(b"\n", b"\r\n")), "", ""
    ),
    Case(
        "categorical_text",
        "parquet",
        _frame("people", lambda f: f.with_columns(pl.col("name").cast(pl.Categorical))),
        "",
        "",
    ),
    Case(
        "enum_text",
        "parquet",
        _frame(
            "appointments",
            lambda f: f.with_columns(pl.col("role").cast(pl.Enum(sorted(set(f["role"]))))),
        ),
        "",
        "",
    ),
    Case(
        "categorical_record_kind",
        "parquet",
        _frame("meetings", lambda f: f.with_columns(pl.col("kind").cast(pl.Categorical))),
        "",
        "",
    ),
]


@pytest.mark.parametrize("case", VALID, ids=[f"{c.fmt}-{c.name}" for c in VALID])
def test_valid_after_all_gives_the_base_report(
    case: Case,
    bases: dict[str, Path],
    small_pack: Path,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "facts"
    shutil.copytree(bases[case.fmt], folder)
    (tmp_path / "base").mkdir()
    base = _check(bases[case.fmt], small_pack, "columnar", tmp_path / "base", capfd)
    assert base.code == 1, base.err
    case.build(folder)
    for engine in ("columnar", "records"):
        run = _check(folder, small_pack, engine, tmp_path, capfd)
        assert run.code == 1, f"{engine}: {run.err}"
        assert "Traceback" not in run.err
        assert _findings(run.report) == _findings(base.report)


_EDGE_INSPECTIONS = [
    b'{"id": "i-edge-min", "inspector": "p-chen-lixin", "date": "1900-01-01"}',
    b'{"id": "i-edge-max", "inspector": "p-chen-lixin", "date": "2199-12-31"}',
]
_EDGE_POST = (
    b'{"id": "a-edge", "person": "p-chen-lixin", "role": "river_chief", '
    b'"jurisdiction": "j-qinghemen", "rivers": ["r-qinghe"], "start": "1900-01-01", '
    b'"end": "2199-12-31"}'
)


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_dates_on_the_bounds_are_facts_and_the_engines_agree(
    fmt: str,
    bases: dict[str, Path],
    small_pack: Path,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "facts"
    shutil.copytree(bases[fmt], folder)
    if fmt == "jsonl":
        for line in _EDGE_INSPECTIONS:
            _append("inspections", line)(folder)
        _append("appointments", _EDGE_POST)(folder)
    else:
        rows = {"id": ["i-edge-min", "i-edge-max"], "date": [DATE_MIN, DATE_MAX]}
        _frame(
            "inspections",
            lambda f: pl.concat(
                [f, pl.DataFrame(rows).with_columns(inspector=pl.lit("p-chen-lixin"))],
                how="diagonal_relaxed",
            ),
        )(folder)
        edge = {"id": "a-edge", "person": "p-chen-lixin", "role": "river_chief"}
        edge |= {"jurisdiction": "j-qinghemen", "rivers": ["r-qinghe"]}
        _frame("appointments", lambda f: _row(f, **edge, start=DATE_MIN, end=DATE_MAX))(folder)
    runs = {e: _check(folder, small_pack, e, tmp_path, capfd) for e in ("columnar", "records")}
    assert runs["columnar"].code == runs["records"].code == 1, runs["columnar"].err
    assert _findings(runs["columnar"].report) == _findings(runs["records"].report)
    findings = _findings(runs["columnar"].report)
    assert isinstance(findings, list)
    mine = [f for f in findings if f["holder"]["id"] == "p-chen-lixin"]
    assert mine, "the post held from 1900 to 2199 gives duties"
    assert all(f["period"]["start"] >= DATE_MIN.isoformat() for f in mine)


# --- the as-of date, and the evaluators ----------------------------------------------------------


@pytest.mark.parametrize("as_of", ["2200-01-01", "1899-12-31", "9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("engine", ["columnar", "records"])
def test_an_as_of_outside_the_bounds_is_refused(
    as_of: str,
    engine: str,
    bases: dict[str, Path],
    small_pack: Path,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "report.json"
    args = ["check", str(bases["parquet"]), "--as-of", as_of, "--rules", str(small_pack)]
    code = main([*args, "--engine", engine, "--format", "json", "--output", str(out)])
    err = capfd.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert re.search(r"^<[a-z -]+>: hz_usage_[a-z_]+: .*" + as_of, err, re.M), err
    assert not out.exists()


@pytest.mark.parametrize("as_of", [DATE_MIN, DATE_MAX])
def test_the_as_of_bounds_themselves_are_audits(
    as_of: object, bases: dict[str, Path], small_pack: Path
) -> None:
    plan = hz.compile_rules(hz.load_rules(small_pack))
    facts = hz.load_facts([EXAMPLE])
    report = hz.evaluate(plan, facts, as_of)  # type: ignore[arg-type]
    tables = load_tables([bases["parquet"]])
    columnar = evaluate_tables(plan, tables, as_of)  # type: ignore[arg-type]
    assert columnar.to_report().findings == report.findings
    if as_of == DATE_MIN:
        assert report.summary.violated == 0  # nothing is due before the regulation
    else:
        assert report.summary.violated > 0


def test_the_evaluators_refuse_an_as_of_outside_the_bounds(
    bases: dict[str, Path], small_pack: Path
) -> None:
    import datetime as dt

    plan = hz.compile_rules(hz.load_rules(small_pack))
    for day in (dt.date(9999, 12, 31), dt.date(1, 1, 1)):
        with pytest.raises(UsageError) as err:
            hz.evaluate(plan, hz.load_facts([EXAMPLE]), day)
        assert err.value.diagnostics[0].code == "hz_usage_date_out_of_range"
        with pytest.raises(UsageError):
            evaluate_tables(plan, load_tables([bases["parquet"]]), day)


# --- day counts and date parameters ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("99999999999", "from 0 to 36,600"),
        (str(DAYS_MAX + 1), "from 0 to 36,600"),
        ("-1", "from 0 to 36,600"),
        ("9" * 4000, "a whole number of about 4001 digits"),
        ("2.5", "a whole number"),
        ("1e10", "a whole number"),
        ("true", "a whole number"),
        ("null", "a whole number"),
        ("'30'", "a whole number"),
    ],
)
@pytest.mark.parametrize("facts", ["yaml", "tables"])
def test_a_day_parameter_out_of_range_is_a_usage_error(
    value: str,
    expected: str | None,
    facts: str,
    bases: dict[str, Path],
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    where = str(EXAMPLE) if facts == "yaml" else str(bases["parquet"])
    out = tmp_path / "report.json"
    args = ["check", where, "--as-of", AS_OF, "--output", str(out)]
    code = main([*args, "--engine", "records", "--param", f"art019.report_days={value}"])
    err = capfd.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and "OverflowError" not in err
    lines = [m for m in (LINE.match(x) for x in err.splitlines()) if m]
    assert lines and all(m["where"].startswith("<") for m in lines), err
    if expected is not None:
        assert expected in err, err
    assert not out.exists()


@pytest.mark.parametrize("engine", ["columnar", "records"])
def test_the_largest_day_count_is_a_valid_reading(
    engine: str, bases: dict[str, Path], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """``report_days`` at its bound: opinions without a deadline are due 100 years on."""
    reports = {}
    for days in ("30", str(DAYS_MAX)):
        out = tmp_path / f"{days}.json"
        args = ["check", str(bases["parquet"]), "--as-of", AS_OF, "--format", "json"]
        code = main(
            [
                *args,
                "--engine",
                engine,
                "--param",
                f"art019.report_days={days}",
                "--output",
                str(out),
            ]
        )
        assert code in (0, 1), capfd.readouterr().err
        reports[days] = json.loads(out.read_text(encoding="utf-8"))
    far = [f for f in reports[str(DAYS_MAX)]["findings"] if f["id"].startswith("art019.")]
    assert far
    assert all(f["status"] != "violated" or f.get("due") is None or f["due"] < "2100" for f in far)
    assert reports["30"]["findings"] != reports[str(DAYS_MAX)]["findings"]


def _pack_with(tmp_path: Path, article: str, old: str, new: str) -> tuple[Path, int, int]:
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    path = pack / article
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = text[: text.index(old)]
    line = before.count("\n") + 1 + old.count("\n")  # the line of the value replaced
    col = len(before) - (before.rfind("\n") + 1) + 1 + (len(old) - len(old.lstrip()))
    return pack, line, col


@pytest.mark.parametrize(
    "article, old, new, code",
    [
        (
            "art_019.yaml",
            "days: {param: report_days}",
            "days: 99999999999",
            "hz_compile_value_out_of_range",
        ),
        ("art_019.yaml", "days: {param: report_days}", "days: -1", "hz_compile_value_out_of_range"),
        (
            "art_019.yaml",
            "    type: days\n    basis: supplied\n    value: 30",
            "    type: days\n    basis: supplied\n    value: 36601",
            "hz_compile_parameter_type",
        ),
    ],
)
def test_a_rule_file_day_count_out_of_range_is_located(
    article: str,
    old: str,
    new: str,
    code: str,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    pack, line, _col = _pack_with(tmp_path, article, old, new)
    out = tmp_path / "report.json"
    result = main(
        ["check", str(EXAMPLE), "--as-of", AS_OF, "--rules", str(pack), "--output", str(out)]
    )
    err = capfd.readouterr().err
    assert result == 2, err
    assert "Traceback" not in err
    assert re.search(rf"{article}:{line}:\d+: {code}: ", err), err
    assert not out.exists()


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "2200-01-01"])
def test_a_date_parameter_outside_the_bounds_is_refused(
    value: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.json"
    args = ["check", str(EXAMPLE), "--as-of", AS_OF, "--output", str(out)]
    code = main([*args, "--param", f"art037.township_measures_due={value}"])
    err = capfd.readouterr().err
    assert code == 2, err
    assert "1900-01-01 to 2199-12-31" in err and "Traceback" not in err
    assert not out.exists()


# --- the same bounds on fact files (the records engine) ------------------------------------------


@pytest.mark.parametrize(
    "body, code",
    [
        (
            "inspections:\n  - {id: i-x, inspector: p-chen-lixin, date: 2200-01-01}\n",
            "hz_facts_date_out_of_range",
        ),
        (
            "inspections:\n  - {id: i-x, inspector: p-chen-lixin, date: 1899-12-31}\n",
            "hz_facts_date_out_of_range",
        ),
        (
            "inspections:\n  - {id: i-x, inspector: p-chen-lixin, date: 2021-03-01,\n"
            "     duration_minutes: 18446744073709551615}\n",
            "hz_facts_number_out_of_range",
        ),
        (
            "inspections:\n  - {id: i-x, inspector: p-chen-lixin, date: 2021-03-01,\n"
            "     distance_km: .inf}\n",
            "hz_facts_invalid_value",
        ),
        (
            "inspections:\n  - {id: i-x, inspector: p-chen-lixin, date: 2021-03-01,\n"
            "     distance_km: .nan}\n",
            "hz_facts_invalid_value",
        ),
        (
            "assessment_results:\n  - {id: ar-x, department: u-agriculture, year: 99999,\n"
            "     submitted: 2021-11-30}\n",
            "hz_facts_date_out_of_range",
        ),
    ],
)
def test_fact_files_have_the_same_bounds(
    body: str, code: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    facts = tmp_path / "facts"
    shutil.copytree(EXAMPLE, facts)
    (facts / "zz-hostile.yaml").write_text(body, encoding="utf-8")
    out = tmp_path / "report.json"
    result = main(["check", str(facts), "--as-of", AS_OF, "--output", str(out)])
    err = capfd.readouterr().err
    assert result == 2, err
    assert re.search(rf"zz-hostile\.yaml:\d+:\d+: {code}: ", err), err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("command", ["monitor", "todo", "explain"])
def test_every_command_refuses_an_as_of_outside_the_bounds(
    command: str, capfd: pytest.CaptureFixture[str]
) -> None:
    facts = str(EXAMPLE / "facts.jsonl") if command == "monitor" else str(EXAMPLE)
    args = {
        "monitor": ["monitor", facts],
        "todo": ["todo", facts],
        "explain": [
            "explain",
            "art016.river_chief_half_yearly_inspection/p-lin-feng/2021-H1",
            facts,
        ],
    }[command]
    code = main([*args, "--as-of", "9999-12-31"])
    err = capfd.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and "year 10000" not in err
    assert re.search(r"^<[a-z -]+>: hz_usage_[a-z_]+: ", err, re.M), err
