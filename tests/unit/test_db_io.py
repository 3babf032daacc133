"""Facts through a database (facts.db_io): the example district written to SQLite and
PostgreSQL and read back gives the very tables (same digest) Parquet gives, and the same
findings; writing never overwrites what it must not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import hezhang_rules as hz
from hezhang_rules.dburl import DatabaseError, connect, parse_db_url
from hezhang_rules.facts import load_facts
from hezhang_rules.facts.db_io import load_database, write_database
from hezhang_rules.facts.db_layout import FACT_SCHEMA_VERSION
from hezhang_rules.facts.frames import frames_from_facts, write_tables
from hezhang_rules.facts.tables import Tables, load_tables

pytest.importorskip("adbc_driver_sqlite")

EXAMPLE = Path(hz.__file__).parent / "packs" / "qinghemen" / "example"


@pytest.fixture(scope="module")
def example() -> hz.FactSet:
    return load_facts([EXAMPLE])


@pytest.fixture(scope="module")
def parquet(example: hz.FactSet, tmp_path_factory: pytest.TempPathFactory) -> Tables:
    out = tmp_path_factory.mktemp("pq")
    write_tables(frames_from_facts(example), out)
    return load_tables([out])


def _same_tables(got: Tables, want: Tables) -> None:
    assert got.digest() == want.digest()
    assert sorted(got.frames) == sorted(want.frames)
    for kind, frame in want.frames.items():
        assert got.frames[kind].equals(frame), kind


def test_sqlite_round_trip(example: hz.FactSet, parquet: Tables, tmp_path: Path) -> None:
    db = parse_db_url(f"sqlite:///{tmp_path / 'facts.db'}")
    written = write_database(example, db)
    assert "inspections" in written and "assessment_plans" in written
    _same_tables(load_database(db), parquet)
    assert [p.name for p in tmp_path.iterdir()] == ["facts.db"]  # no temporary left


def test_tables_written_again(parquet: Tables, tmp_path: Path) -> None:
    """Tables (not only records) are written: a database of a database is the same."""
    db = parse_db_url(f"sqlite:///{tmp_path / 'a.db'}")
    write_database(parquet, db)
    again = parse_db_url(f"sqlite:///{tmp_path / 'b.db'}")
    write_database(load_database(db), again)
    _same_tables(load_database(again), parquet)


def test_sqlite_meta_and_json(example: hz.FactSet, tmp_path: Path) -> None:
    """The meta row holds the layout's version; nested values are a fact file's JSON."""
    db = parse_db_url(f"sqlite:///{tmp_path / 'f.db'}")
    write_database(example, db)
    conn = connect(db)
    cur = conn.cursor()
    cur.execute("SELECT value FROM hezhang_meta WHERE key = 'fact_schema_version'")
    assert pl.DataFrame(cur.fetch_arrow()).item() == FACT_SCHEMA_VERSION
    cur.execute("SELECT weights FROM assessment_plans WHERE id = 'ap-2021'")
    weights = pl.DataFrame(cur.fetch_arrow()).item()
    assert weights.startswith('{"u-agriculture": 30.0')  # a mapping is a JSON object
    cur.execute("SELECT typeof(date) AS t FROM inspections LIMIT 1")
    assert pl.DataFrame(cur.fetch_arrow()).item() == "text"
    cur.close()
    conn.close()


def test_sqlite_refuses_to_overwrite(example: hz.FactSet, parquet: Tables, tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    other.write_text("not a database")
    db = parse_db_url(f"sqlite:///{other}")
    with pytest.raises(DatabaseError) as exc:
        write_database(example, db)
    assert exc.value.diagnostics[0].code == "hz_db_exists"
    with pytest.raises(DatabaseError) as exc:
        write_database(example, db, force=True)
    assert exc.value.diagnostics[0].code == "hz_db_not_fact_database"
    assert other.read_text() == "not a database"
    facts = parse_db_url(f"sqlite:///{tmp_path / 'facts.db'}")
    write_database(example, facts)
    write_database(example, facts, force=True)  # a fact database may be replaced
    assert load_database(facts).digest() == parquet.digest()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.db", "notes.db"]


def test_postgresql_round_trip(example: hz.FactSet, parquet: Tables, postgres_db: str) -> None:
    db = parse_db_url(postgres_db)
    write_database(example, db)
    _same_tables(load_database(db), parquet)


def test_postgresql_refuses_fact_tables_and_keeps_others(
    example: hz.FactSet, parquet: Tables, postgres_db: str
) -> None:
    db = parse_db_url(postgres_db)
    conn = connect(db, autocommit=True)
    cur = conn.cursor()
    cur.execute("CREATE TABLE platform_users (name text)")
    cur.execute("INSERT INTO platform_users VALUES ('admin')")
    write_database(example, db)
    with pytest.raises(DatabaseError) as exc:
        write_database(example, db)
    assert exc.value.diagnostics[0].code == "hz_db_exists"
    write_database(parquet, db, force=True)
    cur.execute("SELECT name FROM platform_users")
    assert pl.DataFrame(cur.fetch_arrow()).get_column("name").to_list() == ["admin"]
    cur.execute("SELECT jsonb_typeof(record) AS t FROM inspections LIMIT 1")
    assert pl.DataFrame(cur.fetch_arrow()).item() == "object"  # nested values are jsonb
    cur.close()
    conn.close()
    _same_tables(load_database(db), parquet)


def test_deciding_facts_same_findings(example: hz.FactSet, tmp_path: Path, plan: hz.Plan) -> None:
    """The findings from the database (columnar) are those from the fact files (batch)."""
    db = parse_db_url(f"sqlite:///{tmp_path / 'facts.db'}")
    write_database(example, db)
    as_of = dt.date(2022, 12, 31)
    want = hz.evaluate(plan, example, as_of)
    got = hz.evaluate(plan, load_database(db), as_of)
    pairs = [(f.id, f.status) for f in got.findings]
    assert pairs == [(f.id, f.status) for f in want.findings]
    assert "violated" in {status for _, status in pairs}  # the facts decide something


def test_sqlite_values_after_a_batch_of_nulls(
    example: hz.FactSet, parquet: Tables, tmp_path: Path
) -> None:
    """The SQLite driver types a column by the values it sees first: a column with no value in
    its first few thousand rows, then text, is still read (one batch), and typed by the model."""
    import sqlite3

    path = tmp_path / "f.db"
    db = parse_db_url(f"sqlite:///{path}")
    write_database(example, db)
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE kept AS SELECT * FROM people;
        DELETE FROM people;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
        INSERT INTO people (id, name) SELECT printf('p-extra-%04d', i), 'X' FROM n;
        INSERT INTO people SELECT * FROM kept;
        DROP TABLE kept;
        """
    )
    conn.commit()
    conn.close()
    tables = load_database(db)
    people = tables.frame("people")
    assert people.height == parquet.frame("people").height + 3000
    assert people.schema == parquet.frame("people").schema
    assert people.get_column("note").drop_nulls().len() == (
        parquet.frame("people").get_column("note").drop_nulls().len()
    )


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_written_json_needs_no_row_by_row_python(
    engine: str, example: hz.FactSet, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Nested values this library wrote are checked as whole columns: no row of the bulk kinds
    (those that grow with a province) goes through the per-row comparison, in SQLite's text
    or in PostgreSQL's own jsonb form."""
    import hezhang_rules.facts.db_io as db_io
    from hezhang_rules.facts.tables import BULK_KINDS

    url = (
        f"sqlite:///{tmp_path / 'f.db'}"
        if engine == "sqlite"
        else request.getfixturevalue("postgres_db")
    )
    db = parse_db_url(url)
    write_database(example, db)
    rows: list[tuple[str, str, int]] = []
    original = db_io._check_row

    def counted(table: Any, name: str, *args: Any) -> None:
        rows.append((table.kind, name, args[1]))
        original(table, name, *args)

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(db_io, "_check_row", counted)
    try:
        load_database(db)
    finally:
        monkeypatch.undo()
    assert [r for r in rows if r[0] in BULK_KINDS] == []
