"""Hostile fact databases: each broken database is a located exit 2, the same from both engines.

Every case starts from the example district written to a database (``facts.db_io``) and
breaks one thing the way a platform's own tools could: SQLite through Python's ``sqlite3``
(SQLite is dynamically typed: any value fits any column), PostgreSQL through ADBC. Each goes
through ``check`` with ``--engine columnar`` and ``--engine records``: exit 2, the expected code
located at ``DB table KIND, row id=ID`` (or at the address), no traceback, nothing written to
``--output``, and the same diagnostics from both engines. A table of the platform's own is
ignored: the report is the base report.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from hezhang_rules.cli import main
from hezhang_rules.dburl import connect, parse_db_url
from hezhang_rules.facts import load_facts
from hezhang_rules.facts.db_io import write_database
from hezhang_rules.facts.models import FACT_KINDS

pytest.importorskip("adbc_driver_sqlite")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
PACK = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"
AS_OF = "2022-01-10"
LINE = re.compile(r"^(?P<where>\S.*?): (?P<code>hz_[a-z_]+): (?P<msg>.+)$")


@pytest.fixture(scope="module")
def small_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Databases are under test, not rules: a one-article pack keeps each check fast."""
    pack = tmp_path_factory.mktemp("pack")
    shutil.copy(PACK / "pack.yaml", pack / "pack.yaml")
    shutil.copy(PACK / "art_016.yaml", pack / "art_016.yaml")
    return pack


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("base") / "facts.db"
    write_database(load_facts([EXAMPLE]), parse_db_url(f"sqlite:///{path}"))
    return path


@dataclass
class Run:
    code: int
    err: str
    report: str | None


def _check(url: str, pack: Path, engine: str, tmp: Path, cap: pytest.CaptureFixture[str]) -> Run:
    out_dir = tmp / f"out-{engine}"
    out_dir.mkdir()
    out = out_dir / "report.json"
    args = ["check", url, "--as-of", AS_OF, "--rules", str(pack), "--format", "json"]
    code = main([*args, "--engine", engine, "--output", str(out), "--lang", "en"])
    err = cap.readouterr().err
    if code == 2:
        assert list(out_dir.iterdir()) == [], "nothing may be written for invalid input"
    assert "Traceback" not in err
    return Run(code, err, out.read_text(encoding="utf-8") if out.exists() else None)


def _both(url: str, pack: Path, tmp: Path, cap: pytest.CaptureFixture[str]) -> Run:
    """``check`` with both engines: the same exit and the same diagnostics."""
    columnar = _check(url, pack, "columnar", tmp, cap)
    records = _check(url, pack, "records", tmp, cap)
    assert columnar.code == records.code
    if columnar.code == 2:
        assert columnar.err == records.err
    else:  # a report: the same bytes (the summary line on stderr names the time taken)
        assert columnar.report == records.report
    return columnar


def _diagnostics(err: str) -> list[tuple[str, str, str]]:
    return [
        (m["where"], m["code"], m["msg"]) for line in err.splitlines() if (m := LINE.match(line))
    ]


# --- SQLite ----------------------------------------------------------------------------------

Sql = Callable[[sqlite3.Connection], None]


def _sql(*statements: str) -> Sql:
    def edit(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)

    return edit


def _first(table: str) -> str:
    return f"(SELECT min(id) FROM {table})"


def _without_constraints(table: str, then: str) -> Sql:
    """The table as a platform's DDL may have it (no NOT NULL, no key), then ``then``."""
    return _sql(
        f"CREATE TABLE t AS SELECT * FROM {table}",
        f"DROP TABLE {table}",
        f"ALTER TABLE t RENAME TO {table}",
        then,
    )


@dataclass(frozen=True)
class Case:
    name: str
    edit: Sql
    code: str
    table: str  # the table the diagnostic names ("" : the database itself)
    row: bool = True  # located at a row (``row id=…``)
    field: str | None = None  # the column named in the message


SQLITE = [
    Case(
        "text_in_integer_column",
        _sql(
            f"UPDATE inspections SET duration_minutes = 'long' WHERE id = {_first('inspections')}"
        ),
        "hz_facts_wrong_type",
        "inspections",
        field="duration_minutes",
    ),
    Case(
        "blob_in_text_column",
        _sql(f"UPDATE people SET name = X'00ff' WHERE id = {_first('people')}"),
        "hz_facts_wrong_type",
        "people",
        field="name",
    ),
    Case(
        "malformed_json",
        _sql(
            "UPDATE inspections SET record = '{\"problems\": ['"
            f" WHERE id = {_first('inspections')}"
        ),
        "hz_facts_syntax",
        "inspections",
        field="record",
    ),
    Case(
        "json_number_for_text",
        _sql(
            "UPDATE inspections SET record = json_set(record, '$.place', 5) "
            f"WHERE id = {_first('inspections')}"
        ),
        "hz_facts_wrong_type",
        "inspections",
        field="record",
    ),
    Case(
        "json_unknown_key",
        _sql(
            "UPDATE inspections SET record = json_set(record, '$.colour', 'red') "
            f"WHERE id = {_first('inspections')}"
        ),
        "hz_facts_unknown_field",
        "inspections",
        field="record",
    ),
    Case(
        "json_list_of_numbers",
        _sql(f"UPDATE rivers SET jurisdictions = '[1, 2]' WHERE id = {_first('rivers')}"),
        "hz_facts_wrong_type",
        "rivers",
        field="jurisdictions",
    ),
    Case(
        "bool_7",
        _sql(
            "UPDATE rectification_reports SET completed = 7 "
            f"WHERE id = {_first('rectification_reports')}"
        ),
        "hz_facts_wrong_type",
        "rectification_reports",
        field="completed",
    ),
    Case(
        "bool_7_record_kind",
        _sql(f"UPDATE meetings SET entrusted = 7 WHERE id = {_first('meetings')}"),
        "hz_facts_wrong_type",
        "meetings",
        field="entrusted",
    ),
    Case(
        "missing_required_column",
        _sql("ALTER TABLE inspections DROP COLUMN inspector"),
        "hz_facts_missing_field",
        "inspections",
        field="inspector",
    ),
    Case(
        "null_in_required_field",
        _without_constraints(
            "inspections",
            f"UPDATE inspections SET inspector = NULL WHERE id = {_first('inspections')}",
        ),
        "hz_facts_missing_field",
        "inspections",
        field="inspector",
    ),
    Case(
        "unknown_column_with_values",
        _sql(
            "ALTER TABLE people ADD COLUMN colour TEXT",
            f"UPDATE people SET colour = 'red' WHERE id = {_first('people')}",
        ),
        "hz_facts_unknown_field",
        "people",
        field="colour",
    ),
    Case(
        "duplicate_id_in_table",
        _without_constraints(
            "people",
            "INSERT INTO people SELECT * FROM people WHERE id = (SELECT min(id) FROM people)",
        ),
        "hz_facts_duplicate_id",
        "people",
    ),
    Case(
        "duplicate_id_across_kinds",
        _sql("INSERT INTO people (id, name) SELECT id, 'X' FROM jurisdictions LIMIT 1"),
        "hz_facts_duplicate_id",
        "people",
    ),
    Case(
        "dangling_reference",
        _sql(f"UPDATE inspections SET inspector = 'p-nobody' WHERE id = {_first('inspections')}"),
        "hz_facts_dangling_reference",
        "inspections",
        field="inspector",
    ),
    Case(
        "invalid_date_text",
        _sql(f"UPDATE inspections SET date = '2021-02-30' WHERE id = {_first('inspections')}"),
        "hz_facts_invalid_date",
        "inspections",
        field="date",
    ),
    Case(
        "no_fact_tables",
        _sql(
            *(f'DROP TABLE "{kind}"' for kind in FACT_KINDS),
            "CREATE TABLE users (name TEXT)",
        ),
        "hz_db_no_fact_tables",
        "",
        row=False,
    ),
]


def _sqlite_case(base: Path, tmp: Path, edit: Sql) -> str:
    path = tmp / "case.db"
    shutil.copy(base, path)
    conn = sqlite3.connect(path)
    edit(conn)
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


def _first_id(url: str, table: str) -> str | None:
    db = parse_db_url(url)
    conn = sqlite3.connect(str(db.path))
    try:
        row = conn.execute(f"SELECT min(id) FROM {table}").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return str(row[0]) if row and row[0] is not None else None


@pytest.mark.parametrize("case", SQLITE, ids=lambda c: c.name)
def test_hostile_sqlite(
    case: Case,
    base_db: Path,
    small_pack: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = _sqlite_case(base_db, tmp_path, case.edit)
    run = _both(url, small_pack, tmp_path, capsys)
    assert run.code == 2, run.err
    found = [d for d in _diagnostics(run.err) if d[1] == case.code]
    assert found, run.err
    where, _, message = found[0]
    if not case.table:
        assert where == url
        return
    assert where.startswith(f"{url} table {case.table}")
    if case.row:
        assert re.search(r", row (id=\S+|\d+)$", where), where
    if case.field is not None:
        assert f"`{case.field}" in message, message


def test_sqlite_row_located_by_id(
    base_db: Path, small_pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's form: ``table inspections, row id=…``, naming the record and the column."""
    url = _sqlite_case(
        base_db,
        tmp_path,
        _sql(f"UPDATE inspections SET date = 'soon' WHERE id = {_first('inspections')}"),
    )
    ident = _first_id(url, "inspections")
    run = _both(url, small_pack, tmp_path, capsys)
    assert run.code == 2
    assert f"{url} table inspections, row id={ident}: hz_facts_invalid_date:" in run.err
    assert f"(id {ident}) field `date`" in run.err


def test_platform_table_ignored(
    base_db: Path, small_pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A table of the platform's own (not named after a fact kind) changes nothing."""
    (tmp_path / "a").mkdir()
    base = _both(f"sqlite:///{base_db}", small_pack, tmp_path / "a", capsys)
    assert base.code in (0, 1) and base.report is not None
    url = _sqlite_case(
        base_db,
        tmp_path,
        _sql(
            "CREATE TABLE platform_log (at TEXT, message TEXT)",
            "INSERT INTO platform_log VALUES ('2021-01-01', 'imported'), (NULL, 5)",
            "CREATE VIEW latest AS SELECT * FROM platform_log",
        ),
    )
    (tmp_path / "b").mkdir()
    run = _both(url, small_pack, tmp_path / "b", capsys)
    assert run.code == base.code
    assert run.report == base.report


# --- PostgreSQL: a representative subset ------------------------------------------------------

PG = [
    (
        "json_number_for_text",
        "UPDATE inspections SET record = jsonb_set(record, '{place}', '5') "
        "WHERE id = (SELECT min(id) FROM inspections)",
        "hz_facts_wrong_type",
        "inspections",
    ),
    (
        "json_unknown_key",
        'UPDATE inspections SET record = record || \'{"colour": "red"}\' '
        "WHERE id = (SELECT min(id) FROM inspections)",
        "hz_facts_unknown_field",
        "inspections",
    ),
    (
        "missing_required_column",
        "ALTER TABLE inspections DROP COLUMN inspector",
        "hz_facts_missing_field",
        "inspections",
    ),
    (
        "unknown_column_with_values",
        "ALTER TABLE people ADD COLUMN colour text; "
        "UPDATE people SET colour = 'red' WHERE id = (SELECT min(id) FROM people)",
        "hz_facts_unknown_field",
        "people",
    ),
    (
        "null_in_required_field",
        "ALTER TABLE inspections ALTER COLUMN inspector DROP NOT NULL; "
        "UPDATE inspections SET inspector = NULL WHERE id = (SELECT min(id) FROM inspections)",
        "hz_facts_missing_field",
        "inspections",
    ),
    (
        "dangling_reference",
        "UPDATE inspections SET inspector = 'p-nobody' "
        "WHERE id = (SELECT min(id) FROM inspections)",
        "hz_facts_dangling_reference",
        "inspections",
    ),
    (
        "wrong_sql_type",
        "ALTER TABLE inspections ALTER COLUMN duration_minutes TYPE text",
        "hz_facts_wrong_type",
        "inspections",
    ),
    (
        "no_fact_tables",
        "DROP TABLE " + ", ".join(f'"{kind}"' for kind in FACT_KINDS),
        "hz_db_no_fact_tables",
        "",
    ),
]


@pytest.mark.parametrize("case", PG, ids=lambda c: c[0])
def test_hostile_postgresql(
    case: tuple[str, str, str, str],
    postgres_db: str,
    small_pack: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, sql, code, table = case
    db = parse_db_url(postgres_db)
    write_database(load_facts([EXAMPLE]), db)
    conn = connect(db, autocommit=True)
    cur = conn.cursor()
    for statement in sql.split("; "):
        cur.execute(statement)
    cur.close()
    conn.close()
    run = _both(postgres_db, small_pack, tmp_path, capsys)
    assert run.code == 2, run.err
    found = [d for d in _diagnostics(run.err) if d[1] == code]
    assert found, run.err
    where = found[0][0]
    assert where.startswith(f"{db.shown} table {table}" if table else db.shown)
