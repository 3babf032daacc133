"""CSV and xlsx fact tables (``facts.table_text``): the layout read back to the very frames the
Parquet tables give, each kind of cell decoded by the model's field shape, and each cell that
does not decode located at its line (CSV) or row (a sheet) and column."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from hezhang_rules.cli import main
from hezhang_rules.diagnostics import FactLoadError, UsageError
from hezhang_rules.facts import load_facts
from hezhang_rules.facts.table_text import read_csv
from hezhang_rules.facts.tables import load_tables
from hezhang_rules.source import DEFAULT_LIMITS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example district as Parquet, CSV and xlsx tables (``hezhang-rules tables``)."""
    out = {}
    for fmt in ("parquet", "csv", "xlsx"):
        folder = tmp_path_factory.mktemp(fmt)
        assert main(["tables", str(EXAMPLE), "--out", str(folder), "--format", fmt]) == 0
        out[fmt] = folder
    return out


def _copy(src: Path, tmp: Path) -> Path:
    dst = tmp / "tables"
    shutil.copytree(src, dst)
    return dst


def _problems(folder: Path) -> list[str]:
    with pytest.raises(FactLoadError) as exc:
        load_tables([folder])
    return [d.render() for d in exc.value.diagnostics]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_text_tables_read_back_to_the_parquet_frames(folders: dict[str, Path], fmt: str) -> None:
    parquet = load_tables([folders["parquet"]])
    other = load_tables([folders[fmt]])
    assert sorted(other.frames) == sorted(parquet.frames)
    for kind, frame in parquet.frames.items():
        assert other.frames[kind].equals(frame), kind
        assert other.frames[kind].schema == frame.schema, kind
    assert other.digest() == parquet.digest()


def test_one_workbook_holds_every_kind(folders: dict[str, Path]) -> None:
    assert [p.name for p in folders["xlsx"].iterdir()] == ["facts.xlsx"]
    sheets = load_workbook(folders["xlsx"] / "facts.xlsx", read_only=True).sheetnames
    assert "inspections" in sheets and "people" in sheets


def test_cells_decode_by_field_shape(tmp_path: Path) -> None:
    """Whole numbers, numbers, yes/no in any case, ISO dates, JSON lists and records, an
    empty cell as null; a formula-looking cell is text."""
    path = tmp_path / "units.csv"
    path.write_text(
        "id,name,type,jurisdiction,established,assessment_role,note\n"
        'u-1,=HYPERLINK("x"),department,j-1,2021-03-04,TRUE,\n'
        'u-2,B,department,j-1,,false,"two\nlines"\n',
        encoding="utf-8",
    )
    table, problems = read_csv(path, "units", DEFAULT_LIMITS)
    assert problems == [] and table is not None
    rows = table.frame.to_dicts()
    assert rows[0]["name"] == '=HYPERLINK("x")'
    assert rows[0]["assessment_role"] is True and rows[1]["assessment_role"] is False
    assert rows[0]["established"] == "2021-03-04" and rows[1]["established"] is None
    assert rows[0]["note"] is None and rows[1]["note"] == "two\nlines"
    assert [str(table.row_span(i)) for i in range(2)] == [f"{path}:2:1", f"{path}:3:1"]


def test_a_bad_cell_is_located_at_its_line_and_column(
    folders: dict[str, Path], tmp_path: Path
) -> None:
    folder = _copy(folders["csv"], tmp_path)
    path = folder / "inspections.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    col = header.index("duration_minutes")
    # a quoted line break in the second record's note: the third record starts one line later
    second = lines[2].split(",")
    second[header.index("note")] = '"a\nb"'
    lines[2] = ",".join(second)
    third = lines[3].split(",")
    third[col] = "12.5"
    lines[3] = ",".join(third)
    path.write_text("".join(lines), encoding="utf-8")
    rid = third[0]
    found = _problems(folder)
    assert found == [
        f"{path}:5:1: hz_facts_wrong_type: inspections[2] (id {rid}) field "
        "`duration_minutes`: expected a whole number"
    ]


def test_json_cells_are_validated_by_the_model(folders: dict[str, Path], tmp_path: Path) -> None:
    folder = _copy(folders["csv"], tmp_path)
    path = folder / "inspections.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('""place""', '""plaec""', 1), encoding="utf-8")
    found = _problems(folder)
    assert len(found) == 1
    assert f"{path}:2:1: hz_facts_unknown_field: " in found[0]
    assert "field `record`: plaec:" in found[0]


@pytest.mark.parametrize(
    ("cell", "code", "message"),
    [
        (3.5, "hz_facts_wrong_type", "expected a whole number"),
        ("three", "hz_facts_wrong_type", "expected a whole number"),
    ],
)
def test_sheet_cells_for_whole_numbers(
    folders: dict[str, Path], tmp_path: Path, cell: object, code: str, message: str
) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    book = load_workbook(folders["xlsx"] / "facts.xlsx")
    sheet = book["inspections"]
    col = [c.value for c in sheet[1]].index("duration_minutes") + 1
    rid = sheet.cell(row=4, column=1).value
    sheet.cell(row=4, column=col).value = cell
    sheet.cell(row=3, column=col).value = 90.0  # a whole number stored as a float is whole
    book.save(folder / "district.xlsx")
    where = f"{folder / 'district.xlsx'} sheet inspections row 4"
    assert _problems(folder) == [
        f"{where}: {code}: inspections[2] (id {rid}) field `duration_minutes`: {message}"
    ]


def test_sheet_date_with_a_time_is_refused(folders: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    book = load_workbook(folders["xlsx"] / "facts.xlsx")
    sheet = book["inspections"]
    col = [c.value for c in sheet[1]].index("date") + 1
    sheet.cell(row=2, column=col).value = dt.datetime(2021, 1, 20, 9, 30)
    sheet.cell(row=3, column=col).value = dt.datetime(2021, 2, 10)  # midnight: the date
    book.save(folder / "district.xlsx")
    found = _problems(folder)
    assert len(found) == 1
    assert " sheet inspections row 2: hz_facts_invalid_date: " in found[0]
    assert "field `date`: a date and time where a date is expected" in found[0]


def test_a_sheet_not_named_as_a_kind(folders: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    book = load_workbook(folders["xlsx"] / "facts.xlsx")
    book["people"].title = "peple"
    book.create_sheet("Sheet1")
    book.save(folder / "district.xlsx")
    found = _problems(folder)
    name = folder / "district.xlsx"
    assert (
        f"{name} sheet peple: hz_facts_unknown_kind: sheet `peple` is not named after a "
        "fact kind\n  help: did you mean `people`?" in found
    ), found
    assert any(f.startswith(f"{name} sheet Sheet1: hz_facts_unknown_kind:") for f in found)


def test_two_tables_of_one_kind(folders: dict[str, Path], tmp_path: Path) -> None:
    folder = _copy(folders["csv"], tmp_path)
    shutil.copy(folders["parquet"] / "people.parquet", folder / "people.parquet")
    found = _problems(folder)
    assert any("hz_facts_duplicate_table" in f and "people" in f for f in found), found


def test_csv_beside_parquet_tables(folders: dict[str, Path], tmp_path: Path) -> None:
    """A folder may mix formats, one table per kind: the same frames."""
    folder = _copy(folders["parquet"], tmp_path)
    (folder / "people.parquet").unlink()
    shutil.copy(folders["csv"] / "people.csv", folder / "people.csv")
    assert (
        load_tables([folder])
        .frames["people"]
        .equals(load_tables([folders["parquet"]]).frames["people"])
    )


def test_a_workbook_without_fastexcel_names_the_extra(
    folders: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import hezhang_rules.extras as extras

    monkeypatch.setattr(extras, "missing", lambda name: ("fastexcel",) if name == "xlsx" else ())
    with pytest.raises(UsageError) as exc:
        load_tables([folders["xlsx"]])
    assert "pip install 'hezhang-rules[xlsx]'" in exc.value.render()


def test_header_only_is_an_empty_table(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("id,name\n", encoding="utf-8")
    table, problems = read_csv(path, "people", DEFAULT_LIMITS)
    assert problems == [] and table is not None and table.frame.height == 0


def test_workbook_writer_types(folders: dict[str, Path]) -> None:
    """Numbers, booleans and dates are Excel's own types in the written workbook."""
    sheet = load_workbook(folders["xlsx"] / "facts.xlsx")["inspections"]
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert isinstance(row[header.index("date")], dt.datetime)
    assert isinstance(row[header.index("duration_minutes")], int)
    assert isinstance(row[header.index("record")], str)


def test_workbook_made_by_hand(tmp_path: Path) -> None:
    """A workbook typed in a spreadsheet: whole numbers as floats, dates as dates."""
    book = Workbook()
    sheet = book.active
    sheet.title = "people"
    sheet.append(["id", "name"])
    sheet.append(["p-1", "甲"])
    book.save(tmp_path / "w.xlsx")
    assert load_tables([tmp_path]).frames["people"].to_dicts() == [
        {"id": "p-1", "note": None, "name": "甲"}
    ]


@pytest.mark.parametrize("fmt", ["json", "markdown", "html"])
def test_same_facts_same_report(folders: dict[str, Path], tmp_path: Path, fmt: str) -> None:
    """The example district as fact files, Parquet, CSV and a workbook: byte-identical reports
    (one facts digest for every source: docs/report.md)."""
    reports = {}
    for name, source in [("files", EXAMPLE), *folders.items()]:
        out = tmp_path / f"{name}.{fmt}"
        args = ["check", str(source), "--as-of", "2022-01-10", "--format", fmt]
        assert main([*args, "--output", str(out)]) == 1
        reports[name] = out.read_bytes()
    assert reports["csv"] == reports["parquet"] == reports["xlsx"]
    assert load_facts(EXAMPLE).digest() == load_tables([folders["parquet"]]).digest()
    if fmt != "html":  # html shows a mapping's whole numbers from tables as 30.0 (as Parquet)
        assert reports["files"] == reports["parquet"]
