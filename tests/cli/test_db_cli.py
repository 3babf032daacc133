"""Databases on the command line: ``check`` on ``sqlite:///`` and ``postgresql://`` gives the
report the same facts give from fact tables, byte for byte; ``tables --format sqlite|postgresql``
refuses what it must not overwrite; ``db schema`` runs in SQLite and PostgreSQL as printed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import polars as pl
import pytest

from hezhang_rules.cli import main
from hezhang_rules.dburl import connect, parse_db_url
from hezhang_rules.facts.db_layout import FACT_SCHEMA_VERSION, META_TABLE
from hezhang_rules.facts.models import FACT_KINDS

pytest.importorskip("adbc_driver_sqlite")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
AS_OF = "2022-01-10"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The example district as fact files, Parquet tables and a SQLite database."""
    tmp = tmp_path_factory.mktemp("sources")
    assert main(["tables", str(EXAMPLE), "--out", str(tmp / "pq")]) == 0
    assert main(["tables", str(EXAMPLE), "--format", "sqlite", "--out", str(tmp / "f.db")]) == 0
    return {"files": str(EXAMPLE), "parquet": str(tmp / "pq"), "sqlite": f"sqlite:///{tmp}/f.db"}


def _report(source: str, fmt: str, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code, out, err = run(["check", source, "--as-of", AS_OF, "--format", fmt, *extra], capsys)
    assert code == 1, err  # the example has breaches
    return out


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_check_sqlite_same_report(
    fmt: str, sources: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Byte-identical to the Parquet tables' report and to the fact files' (one facts digest for
    every source: docs/report.md, ``facts_digest``)."""
    tables = _report(sources["parquet"], fmt, capsys)
    db = _report(sources["sqlite"], fmt, capsys)
    assert db == tables
    assert _report(sources["files"], fmt, capsys, "--engine", "columnar") == db
    assert _report(sources["files"], fmt, capsys, "--engine", "records") == db


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_check_postgresql_same_report(
    fmt: str, sources: dict[str, str], postgres_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        ["tables", sources["files"], "--format", "postgresql", "--out", postgres_db], capsys
    )
    assert code == 0, err
    assert f"{parse_db_url(postgres_db).shown} table inspections" in out.splitlines()
    assert _report(postgres_db, fmt, capsys) == _report(sources["parquet"], fmt, capsys)


def test_check_engines_agree_on_sqlite(
    sources: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    columnar = _report(sources["sqlite"], "json", capsys, "--engine", "columnar")
    assert _report(sources["sqlite"], "json", capsys, "--engine", "records") == columnar


def test_explain_and_todo_read_a_database(
    sources: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    for command in ("todo",):
        want = run([command, sources["parquet"], "--as-of", AS_OF], capsys)
        got = run([command, sources["sqlite"], "--as-of", AS_OF], capsys)
        assert got == want


def _refused(args: list[str], code: str, capsys: pytest.CaptureFixture[str]) -> str:
    status, _, err = run(args, capsys)
    assert status == 2, err
    assert f": {code}: " in err, err
    assert "Traceback" not in err
    return err


def test_tables_sqlite_refusals(
    sources: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("the platform's notes")
    base = ["tables", sources["parquet"], "--format", "sqlite", "--out"]
    _refused([*base, str(notes)], "hz_db_exists", capsys)
    _refused([*base, str(notes), "--force"], "hz_db_not_fact_database", capsys)
    assert notes.read_text() == "the platform's notes"
    _refused([*base, str(tmp_path)], "hz_usage_output_is_directory", capsys)
    _refused([*base, str(tmp_path / "no" / "f.db")], "hz_usage_bad_output", capsys)
    _refused([*base, "postgresql://u@localhost/db"], "hz_usage_bad_output", capsys)
    db_file = sources["sqlite"].removeprefix("sqlite:///")
    _refused(
        ["tables", sources["sqlite"], "--format", "sqlite", "--out", db_file, "--force"],
        "hz_usage_output_is_input",
        capsys,
    )
    _refused(
        ["check", sources["sqlite"], "--as-of", AS_OF, "--output", db_file],
        "hz_usage_output_is_input",
        capsys,
    )
    _refused(
        ["tables", sources["parquet"], "--format", "postgresql", "--out", str(tmp_path / "x")],
        "hz_usage_bad_output",
        capsys,
    )
    _refused(
        ["check", sources["sqlite"], sources["parquet"], "--as-of", AS_OF],
        "hz_usage_mixed_sources",
        capsys,
    )
    _refused(
        ["check", f"sqlite:///{tmp_path / 'absent.db'}", "--as-of", AS_OF],
        "hz_db_no_such_database",
        capsys,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]
    # a fact database is replaced with --force, from any source (here: itself, as tables)
    out = tmp_path / "copy.db"
    assert main(["tables", sources["sqlite"], "--format", "sqlite", "--out", str(out)]) == 0
    assert (
        main(["tables", sources["files"], "--format", "sqlite", "--out", str(out), "--force"]) == 0
    )
    capsys.readouterr()
    assert _report(f"sqlite:///{out}", "json", capsys) == _report(
        sources["parquet"], "json", capsys
    )


def test_tables_postgresql_refuses_fact_tables(
    sources: dict[str, str], postgres_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["tables", sources["parquet"], "--format", "postgresql", "--out", postgres_db]
    assert run(args, capsys)[0] == 0
    _refused(args, "hz_db_exists", capsys)
    assert run([*args, "--force"], capsys)[0] == 0


def test_db_schema_runs_in_sqlite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, ddl, _ = run(["db", "schema"], capsys)
    assert code == 0 and FACT_SCHEMA_VERSION in ddl
    conn = sqlite3.connect(tmp_path / "s.db")
    conn.executescript(ddl)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names == {*FACT_KINDS, META_TABLE}
    (version,) = conn.execute(f"SELECT value FROM {META_TABLE}").fetchone()
    assert version == FACT_SCHEMA_VERSION
    conn.close()
    # the tables as created hold what `check` reads: one person, checked as any source
    conn = sqlite3.connect(tmp_path / "s.db")
    conn.execute("INSERT INTO people (id, name) VALUES ('p-1', 'X')")
    conn.commit()
    conn.close()
    code, _, err = run(["check", f"sqlite:///{tmp_path / 's.db'}", "--as-of", AS_OF], capsys)
    assert code in (0, 1), err


def test_db_schema_runs_in_postgresql(postgres_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, ddl, _ = run(["db", "schema", "--dialect", "postgresql"], capsys)
    assert code == 0
    db = parse_db_url(postgres_db)
    conn = connect(db, autocommit=True)
    cur = conn.cursor()
    body = "\n".join(line for line in ddl.splitlines() if not line.startswith("--"))
    for statement in body.split(";"):
        if statement.strip():
            cur.execute(statement)
    cur.execute(
        "SELECT table_name::text AS t FROM information_schema.tables "
        "WHERE table_schema = current_schema()"
    )
    assert set(pl.DataFrame(cur.fetch_arrow()).get_column("t").to_list()) == {
        *FACT_KINDS,
        META_TABLE,
    }
    cur.execute("INSERT INTO people (id, name) VALUES ('p-1', 'X')")
    cur.close()
    conn.close()
    code, _, err = run(["check", postgres_db, "--as-of", AS_OF], capsys)
    assert code in (0, 1), err
