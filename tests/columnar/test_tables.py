"""Fact tables: read back exactly, and every kind of bad input refused with file, row and field.

Each bad table is the example district written as tables with one thing broken; the load must
fail with the expected code at the expected row (line, for JSON lines) and field, and the CLI
must exit 2 and write nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

import hezhang_rules as hz
from hezhang_rules.columnar import (
    frames_from_facts,
    load_tables,
    tables_factset,
    write_tables,
)
from hezhang_rules.diagnostics import FactLoadError
from hezhang_rules.facts.frames import frame_of

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"


@pytest.fixture(scope="module")
def example() -> hz.FactSet:
    return hz.load_facts([EXAMPLE])


@pytest.fixture(scope="module")
def frames(example: hz.FactSet) -> dict[str, pl.DataFrame]:
    return frames_from_facts(example)


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_tables_hold_exactly_the_records(
    fmt: str, example: hz.FactSet, frames: dict[str, pl.DataFrame], tmp_path: Path
) -> None:
    write_tables(frames, tmp_path, fmt)
    tables = load_tables([tmp_path])
    assert len(tables) == len(example)
    back = tables_factset(tables)
    assert sorted(back, key=lambda f: f.id) == sorted(example, key=lambda f: f.id)
    # the digest names the content, not the file format or the row order
    shuffled = {k: f.sample(fraction=1.0, shuffle=True, seed=3) for k, f in frames.items()}
    other = tmp_path / "other"
    write_tables(shuffled, other, "jsonl" if fmt == "parquet" else "parquet")
    assert load_tables([other]).digest() == tables.digest()


def test_any_value_changed_changes_the_digest(
    frames: dict[str, pl.DataFrame], tmp_path: Path
) -> None:
    write_tables(frames, tmp_path / "base", "parquet")
    base = load_tables([tmp_path / "base"]).digest()
    insp = frames["inspections"]
    first = insp.get_column("id")[0]
    record = insp.filter(pl.col("id") == first).get_column("record")[0]
    edits: list[tuple[str, str, object]] = [
        ("date", "date", dt.date(2021, 1, 21)),
        ("note", "note", "补记"),  # a null becomes text
        ("rivers", "rivers", []),  # a list emptied
        ("record.place", "record", {**record, "place": record["place"] + "。"}),  # nested text
        ("distance_km", "distance_km", 6.9),
    ]
    seen = {base}
    for name, column, value in edits:
        out = tmp_path / name
        write_tables(_break(frames, "inspections", first, column, value), out, "parquet")
        digest = load_tables([out]).digest()
        assert digest not in seen, name
        seen.add(digest)
    # one record fewer is another fact set
    fewer = dict(frames)
    fewer["inspections"] = insp.filter(pl.col("id") != first)
    write_tables(fewer, tmp_path / "fewer", "parquet")
    assert load_tables([tmp_path / "fewer"]).digest() not in seen


def test_frame_of_builds_lists_of_strings_in_order() -> None:
    schema: dict[str, pl.DataType] = {"n": pl.Int64(), "ids": pl.List(pl.String())}
    lists = [["b", "a"], [], ["c"], [], ["d", "d", "e"]]
    frame = frame_of({"n": list(range(len(lists))), "ids": lists}, schema)
    assert frame.schema == pl.Schema(schema)
    assert frame.get_column("ids").to_list() == lists  # order kept, empty lists stay empty
    assert frame_of({"n": [], "ids": []}, schema).height == 0
    assert frame_of({"n": [0], "ids": [[]]}, schema).get_column("ids").to_list() == [[]]


def _break(
    frames: dict[str, pl.DataFrame], kind: str, row_id: str, column: str, value: object
) -> dict[str, pl.DataFrame]:
    out = dict(frames)
    f = out[kind]
    idx = f.get_column("id").to_list().index(row_id)
    rows = f.to_dicts()
    rows[idx][column] = value
    out[kind] = pl.DataFrame(rows, schema=f.schema if column in f.columns else None, strict=False)
    return out


def _jsonl_edit(path: Path, row_id: str, edit: Callable[[dict[str, object]], None]) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        rec = json.loads(line)
        if rec["id"] == row_id:
            edit(rec)
            lines[i] = json.dumps(rec, ensure_ascii=False)
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return i + 1
    raise AssertionError(row_id)


def _only(tmp: Path) -> FactLoadError:
    with pytest.raises(FactLoadError) as exc:
        load_tables([tmp])
    return exc.value


INSPECTION = "insp-2021-013"


def _insp_row(frames: dict[str, pl.DataFrame], ident: str = INSPECTION) -> int:
    return frames["inspections"].get_column("id").to_list().index(ident) + 1


@pytest.mark.parametrize(
    ("edit", "code", "field"),
    [
        (lambda r: r.update(date="2021-02-30"), "hz_facts_invalid_date", "date"),
        (lambda r: r.update(date="2021/03/01"), "hz_facts_invalid_date", "date"),
        (lambda r: r.update(method="by_helicopter"), "hz_facts_invalid_value", "method"),
        (lambda r: r.pop("inspector"), "hz_facts_missing_field", "inspector"),
        (lambda r: r.update(inspector="p-nobody"), "hz_facts_dangling_reference", "inspector"),
        (lambda r: r.update(rivers=["r-nowhere"]), "hz_facts_dangling_reference", "rivers"),
        (
            lambda r: r.setdefault("record", {}).update(
                problems=[
                    {"id": "prob-x-1", "description": "堤岸破损", "responsible": ["p-nobody"]}
                ]
            ),
            "hz_facts_dangling_reference",
            "record.problems.responsible",
        ),
        (lambda r: r.update(weather="晴"), "hz_facts_unknown_field", "weather"),
        (
            lambda r: r.setdefault("record", {}).update(mood="好"),
            "hz_facts_unknown_field",
            "record.mood",
        ),
        (
            lambda r: r.setdefault("record", {}).update(place=""),
            "hz_facts_invalid_value",
            "record.place",
        ),
        (lambda r: r.update(duration_minutes=-5), "hz_facts_invalid_value", "duration_minutes"),
        (lambda r: r.update(id="insp 13"), "hz_facts_invalid_value", "id"),
        (lambda r: r.update(id="insp-2021-012"), "hz_facts_duplicate_id", "id"),
        (lambda r: r.update(id="p-zhang-zhigang"), "hz_facts_duplicate_id", "id"),
    ],
    ids=[
        "feb30",
        "slashes",
        "enum",
        "missing",
        "dangling",
        "dangling-list",
        "dangling-in-a-list-of-records",
        "unknown",
        "unknown-nested",
        "empty-text",
        "negative",
        "bad-id",
        "dup-same-kind",
        "dup-other-kind",
    ],
)
def test_bad_bulk_rows_are_located(
    edit: Callable[[dict[str, object]], None],
    code: str,
    field: str,
    frames: dict[str, pl.DataFrame],
    tmp_path: Path,
) -> None:
    write_tables(frames, tmp_path, "jsonl")
    line = _jsonl_edit(tmp_path / "inspections.jsonl", INSPECTION, edit)
    err = _only(tmp_path)
    found = [(d.code, d.span.line if d.span else None, d.field_path) for d in err.diagnostics]
    assert (code, line, field) in found, found
    text = str(err)
    assert f"inspections.jsonl:{line}:1: {code}" in text


def test_bad_parquet_cells_name_the_row(frames: dict[str, pl.DataFrame], tmp_path: Path) -> None:
    broken = _break(frames, "inspections", INSPECTION, "inspector", "p-nobody")
    write_tables(broken, tmp_path, "parquet")
    err = _only(tmp_path)
    row = _insp_row(frames)
    assert f"inspections.parquet row {row}: hz_facts_dangling_reference" in str(err)
    assert f"(id {INSPECTION}) field `inspector`" in str(err)


def test_wrong_column_type_in_parquet(frames: dict[str, pl.DataFrame], tmp_path: Path) -> None:
    f = frames["inspections"].with_columns(pl.col("duration_minutes").cast(pl.String))
    write_tables({**frames, "inspections": f}, tmp_path, "parquet")
    err = _only(tmp_path)
    assert any(
        d.code == "hz_facts_wrong_type" and d.field_path == "duration_minutes"
        for d in err.diagnostics
    ), str(err)


def test_bad_record_kind_rows_are_located(frames: dict[str, pl.DataFrame], tmp_path: Path) -> None:
    write_tables(frames, tmp_path, "jsonl")
    line = _jsonl_edit(
        tmp_path / "appointments.jsonl", "a-luo-hui-gc", lambda r: r.update(start="2021-13-01")
    )
    err = _only(tmp_path)
    assert f"appointments.jsonl:{line}:1: hz_facts_invalid_date" in str(err)
    assert "field `start`" in str(err)


def test_a_problem_id_reused_and_a_dangling_problem(
    frames: dict[str, pl.DataFrame], tmp_path: Path
) -> None:
    write_tables(frames, tmp_path, "jsonl")
    path = tmp_path / "inspections.jsonl"
    records = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    with_problems = [r for r in records if r.get("record", {}).get("problems")]
    first, second = with_problems[0], with_problems[1]
    second["record"]["problems"][0]["id"] = first["record"]["problems"][0]["id"]
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    err = _only(tmp_path)
    assert any(d.code == "hz_facts_duplicate_id" for d in err.diagnostics), str(err)


def test_garbage_and_mixed_inputs(frames: dict[str, pl.DataFrame], tmp_path: Path) -> None:
    write_tables(frames, tmp_path, "parquet")
    (tmp_path / "inspections.parquet").write_bytes(b"not parquet at all")
    err = _only(tmp_path)
    assert "inspections.parquet: hz_facts_unreadable_table" in str(err)
    shutil.rmtree(tmp_path)
    write_tables(frames, tmp_path, "jsonl")
    (tmp_path / "inspections.jsonl").write_text('{"id": "x"\n', encoding="utf-8")
    assert "inspections.jsonl:1:" in str(_only(tmp_path))
    (tmp_path / "inspections.jsonl").unlink()
    (tmp_path / "extra.yaml").write_text("people: []\n", encoding="utf-8")
    (tmp_path / "inspection.jsonl").write_text("", encoding="utf-8")
    err = _only(tmp_path)
    codes = {d.code for d in err.diagnostics}
    assert codes == {"hz_facts_mixed_inputs", "hz_facts_unknown_kind"}, str(err)
    assert "did you mean `inspections`" in str(err)


def test_cli_refuses_bad_tables_and_writes_nothing(
    frames: dict[str, pl.DataFrame], tmp_path: Path
) -> None:
    facts = tmp_path / "facts"
    write_tables(frames, facts, "jsonl")
    line = _jsonl_edit(
        facts / "inspections.jsonl", INSPECTION, lambda r: r.update(date="2021-02-30")
    )
    out = tmp_path / "report.jsonl"
    for fmt in ("jsonl", "json"):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "hezhang_rules.cli",
                "check",
                str(facts),
                "--as-of",
                "2022-01-10",
                "--format",
                fmt,
                "--output",
                str(out),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 2, proc.stderr
        assert f"inspections.jsonl:{line}:1: hz_facts_invalid_date" in proc.stderr
        assert not out.exists()
        assert list(tmp_path.iterdir()) == [facts]


def test_cli_engines_agree_byte_for_byte(frames: dict[str, pl.DataFrame], tmp_path: Path) -> None:
    write_tables(frames, tmp_path / "facts", "parquet")
    outs = []
    for engine in ("columnar", "records"):
        for fmt in ("jsonl", "json"):
            out = tmp_path / f"{engine}.{fmt}"
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "hezhang_rules.cli",
                    "check",
                    str(tmp_path / "facts"),
                    "--as-of",
                    "2022-01-10",
                    "--format",
                    fmt,
                    "--engine",
                    engine,
                    "--output",
                    str(out),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            assert proc.returncode == 1, proc.stderr  # the example has violations
            outs.append(out.read_bytes())
    assert outs[0] == outs[2] and outs[1] == outs[3]
    lines = outs[0].decode().splitlines()
    header = json.loads(lines[0])
    assert header["summary"]["total"] == len(lines) - 1 > 300
    assert json.loads(outs[1])["summary"] == header["summary"]
    assert dt.date.fromisoformat(header["as_of"]) == dt.date(2022, 1, 10)


def test_a_field_not_stated_takes_the_models_default(
    frames: dict[str, pl.DataFrame], example: hz.FactSet, tmp_path: Path
) -> None:
    """Site surveys written without `method` (the model's default) are site surveys on both
    engines, so art. 16 counts them exactly as it counts the records."""
    write_tables(frames, tmp_path, "jsonl")
    path = tmp_path / "inspections.jsonl"
    records = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    dropped = 0
    for r in records:
        if r["method"] == "site_survey":
            del r["method"]
            dropped += 1
    assert dropped > 10
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    plan = hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))
    as_of = dt.date(2022, 1, 10)
    tables = load_tables([tmp_path])
    from hezhang_rules.columnar import evaluate_tables

    columnar = evaluate_tables(plan, tables, as_of).to_report()
    assert columnar == hz.evaluate(plan, tables_factset(tables), as_of)
    rule = "art016.river_chief_half_yearly_inspection"
    assert [f.model_dump() for f in columnar.by_rule(rule)] == [
        f.model_dump() for f in hz.evaluate(plan, example, as_of).by_rule(rule)
    ]


# --- rectification opinions and reports: bulk kinds, validated as columns ---------------------

OPINION = "op-2021-001"
REPORT = "rpt-2021-001"
_OPINIONS = "rectification_opinions"
_REPORTS = "rectification_reports"


@pytest.mark.parametrize(
    ("kind", "ident", "edit", "code", "field"),
    [
        (
            _OPINIONS,
            OPINION,
            lambda r: r.update(addressed_to=[]),
            "hz_facts_invalid_value",
            "addressed_to",
        ),
        (
            _OPINIONS,
            OPINION,
            lambda r: r.update(deadline="2021-02-30"),
            "hz_facts_invalid_date",
            "deadline",
        ),
        (
            _OPINIONS,
            OPINION,
            lambda r: r.update(issued="2021/03/25"),
            "hz_facts_invalid_date",
            "issued",
        ),
        (
            _OPINIONS,
            OPINION,
            lambda r: r.update(issued=20210325),
            "hz_facts_invalid_date",
            "issued",
        ),
        (_OPINIONS, OPINION, lambda r: r.pop("issued"), "hz_facts_missing_field", "issued"),
        (
            _OPINIONS,
            OPINION,
            lambda r: r.pop("addressed_to"),
            "hz_facts_missing_field",
            "addressed_to",
        ),
        (
            _OPINIONS,
            OPINION,
            lambda r: r.update(issued_by="u-nowhere"),
            "hz_facts_dangling_reference",
            "issued_by",
        ),
        (
            _OPINIONS,
            OPINION,
            lambda r: r.update(addressed_to=["u-hexi-gov", "p-nobody"]),
            "hz_facts_dangling_reference",
            "addressed_to",
        ),
        (
            _OPINIONS,
            OPINION,
            lambda r: r.update(problems=["prob-nowhere"]),
            "hz_facts_dangling_reference",
            "problems",
        ),
        (
            _OPINIONS,
            OPINION,
            lambda r: r.update(inspection="insp-nowhere"),
            "hz_facts_dangling_reference",
            "inspection",
        ),
        (
            _OPINIONS,
            OPINION,
            lambda r: r.update(problems=["prob 1"]),
            "hz_facts_invalid_value",
            "problems[]",
        ),
        (
            _OPINIONS,
            OPINION,
            lambda r: r.update(problems=[None]),
            "hz_facts_wrong_type",
            "problems",
        ),
        (
            _OPINIONS,
            OPINION,
            lambda r: r.update(requirements=["清运", ""]),
            "hz_facts_invalid_value",
            "requirements[]",
        ),
        (
            _OPINIONS,
            OPINION,
            lambda r: r.update(requirements=["清运", 5]),
            "hz_facts_wrong_type",
            "requirements[1]",
        ),
        (_OPINIONS, OPINION, lambda r: r.update(note=5), "hz_facts_wrong_type", "note"),
        (
            _OPINIONS,
            OPINION,
            lambda r: r.update(note="x" * 100_001),
            "hz_facts_invalid_value",
            "note",
        ),
        (
            _OPINIONS,
            OPINION,
            lambda r: r.update(addressed_to="u-hexi-gov"),
            "hz_facts_wrong_type",
            "addressed_to",
        ),
        (
            _OPINIONS,
            OPINION,
            lambda r: r.update(severity="high"),
            "hz_facts_unknown_field",
            "severity",
        ),
        (_OPINIONS, OPINION, lambda r: r.update(id="op 1"), "hz_facts_invalid_value", "id"),
        (
            _OPINIONS,
            OPINION,
            lambda r: r.update(id="op-" + "1" * 126),
            "hz_facts_invalid_value",
            "id",
        ),
        (_OPINIONS, OPINION, lambda r: r.update(id=INSPECTION), "hz_facts_duplicate_id", "id"),
        (
            _REPORTS,
            REPORT,
            lambda r: r.update(responds_to="op-nowhere"),
            "hz_facts_dangling_reference",
            "responds_to",
        ),
        (
            _REPORTS,
            REPORT,
            lambda r: r.update(responds_to=INSPECTION),
            "hz_facts_dangling_reference",
            "responds_to",
        ),
        (
            _REPORTS,
            REPORT,
            lambda r: r.update(submitted="2021-13-01"),
            "hz_facts_invalid_date",
            "submitted",
        ),
        (
            _REPORTS,
            REPORT,
            lambda r: r.pop("submitted_by"),
            "hz_facts_missing_field",
            "submitted_by",
        ),
        (_REPORTS, REPORT, lambda r: r.update(to=""), "hz_facts_invalid_value", "to"),
        (_REPORTS, REPORT, lambda r: r.update(completed="yes"), "hz_facts_wrong_type", "completed"),
        (_REPORTS, REPORT, lambda r: r.update(completed=1), "hz_facts_wrong_type", "completed"),
        (
            _REPORTS,
            REPORT,
            lambda r: r.update(submitted_by=7),
            "hz_facts_wrong_type",
            "submitted_by",
        ),
        (_REPORTS, REPORT, lambda r: r.update(id=OPINION), "hz_facts_duplicate_id", "id"),
    ],
    ids=[
        "empty-addressed_to",
        "feb30-deadline",
        "slashes",
        "number-date",
        "missing-date",
        "missing-list",
        "dangling-unit",
        "dangling-party-in-list",
        "dangling-problem",
        "dangling-inspection",
        "bad-id-in-list",
        "null-in-list",
        "empty-text-in-list",
        "number-in-text-list",
        "number-as-text",
        "text-too-long",
        "text-not-list",
        "unknown",
        "bad-id",
        "id-too-long",
        "dup-other-kind",
        "dangling-opinion",
        "responds-to-an-inspection",
        "month13",
        "missing-party",
        "empty-ref",
        "text-as-bool",
        "number-as-bool",
        "number-as-ref",
        "dup-opinion",
    ],
)
def test_bad_opinion_and_report_rows_are_located(
    kind: str,
    ident: str,
    edit: Callable[[dict[str, object]], None],
    code: str,
    field: str,
    frames: dict[str, pl.DataFrame],
    tmp_path: Path,
) -> None:
    write_tables(frames, tmp_path, "jsonl")
    line = _jsonl_edit(tmp_path / f"{kind}.jsonl", ident, edit)
    err = _only(tmp_path)
    found = [(d.code, d.span.line if d.span else None, d.field_path) for d in err.diagnostics]
    assert (code, line, field) in found, found
    # exactly this row is blamed: no other row of the table
    assert {d.span.line for d in err.diagnostics if d.span and kind in d.span.file} == {line}
    text = str(err)
    assert f"{kind}.jsonl:{line}:1: {code}" in text
    assert f"(id {ident})" in text or "duplicate" in code or field == "id"


@pytest.mark.parametrize(
    ("kind", "ident", "column", "value", "code"),
    [
        (_OPINIONS, OPINION, "addressed_to", [], "hz_facts_invalid_value"),
        (_OPINIONS, OPINION, "problems", ["prob-nowhere"], "hz_facts_dangling_reference"),
        (_REPORTS, REPORT, "responds_to", "op-nowhere", "hz_facts_dangling_reference"),
        (_REPORTS, REPORT, "submitted_by", None, "hz_facts_missing_field"),
    ],
)
def test_bad_opinion_and_report_cells_name_the_parquet_row(
    kind: str,
    ident: str,
    column: str,
    value: object,
    code: str,
    frames: dict[str, pl.DataFrame],
    tmp_path: Path,
) -> None:
    write_tables(_break(frames, kind, ident, column, value), tmp_path, "parquet")
    err = _only(tmp_path)
    row = frames[kind].get_column("id").to_list().index(ident) + 1
    assert f"{kind}.parquet row {row}: {code}" in str(err)
    assert f"(id {ident}) field `{column}`" in str(err)


def test_opinion_and_report_columns_of_the_wrong_type(
    frames: dict[str, pl.DataFrame], tmp_path: Path
) -> None:
    reports = frames[_REPORTS].with_columns(pl.col("completed").cast(pl.Int8))
    opinions = frames[_OPINIONS].with_columns(pl.col("deadline").cast(pl.Datetime))
    write_tables({**frames, _REPORTS: reports, _OPINIONS: opinions}, tmp_path, "parquet")
    found = {(d.code, d.field_path) for d in _only(tmp_path).diagnostics}
    assert ("hz_facts_wrong_type", "completed") in found
    assert ("hz_facts_wrong_type", "deadline") in found


def test_a_blank_line_in_a_bulk_table_is_refused(
    frames: dict[str, pl.DataFrame], tmp_path: Path
) -> None:
    """polars skips blank lines; rows would no longer be lines, so a blank line is an error, as
    on the records path."""
    write_tables(frames, tmp_path, "jsonl")
    path = tmp_path / f"{_OPINIONS}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines[:2], "  ", *lines[2:]]) + "\n", encoding="utf-8")
    assert f"{_OPINIONS}.jsonl:3:1: hz_facts_syntax" in str(_only(tmp_path))


def test_text_that_looks_like_json_is_text(
    frames: dict[str, pl.DataFrame], example: hz.FactSet, tmp_path: Path
) -> None:
    """Strings polars could have made of numbers or lists are judged by the model: genuine text
    passes, and the records are those the model reads."""
    write_tables(frames, tmp_path, "jsonl")
    _jsonl_edit(
        tmp_path / f"{_OPINIONS}.jsonl",
        OPINION,
        lambda r: r.update(note="2021", requirements=["[紧急] 清运", "true"]),
    )
    tables = load_tables([tmp_path])
    (opinion,) = tables.records(_OPINIONS, pl.Series([OPINION]))
    assert opinion.note == "2021"
    assert opinion.requirements == ["[紧急] 清运", "true"]


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_opinions_and_reports_as_records(
    fmt: str, example: hz.FactSet, frames: dict[str, pl.DataFrame], tmp_path: Path
) -> None:
    """Tables.records builds the same pydantic records as the model reads from fact files,
    whole or by id, with defaults and unstated fields as on the records path."""
    write_tables(frames, tmp_path, fmt)
    tables = load_tables([tmp_path])
    for kind in (_OPINIONS, _REPORTS):
        want = sorted(example.of_kind(kind), key=lambda f: f.id)
        assert tables.records(kind) == want
        some = pl.Series([want[0].id, want[-1].id])
        assert tables.records(kind, some) == [want[0], want[-1]]
        assert tables.frame(kind).schema["issued" if kind == _OPINIONS else "submitted"] == pl.Date
