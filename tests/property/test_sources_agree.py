"""The same facts from every source give the same report: fact files, Parquet tables, JSON-lines
tables, a SQLite database and a PostgreSQL database, over generated worlds.

Each world is written to each source with the writers of ``hezhang-rules tables``, then
``hezhang-rules check --format json`` reads it: all five give byte-identical reports, the facts
digest included (one digest for every source, docs/report.md). Ten worlds
by default (five checks each, about a minute); ``HYPOTHESIS_PROFILE=slow`` runs ten times as
many.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from tests import pg_server

import hezhang_rules as hz
from hezhang_rules.cli import main
from hezhang_rules.dburl import parse_db_url
from hezhang_rules.facts.db_io import write_database
from hezhang_rules.facts.frames import frames_from_facts, write_tables
from hezhang_rules.testing import as_of_dates, default_window, worlds
from hezhang_rules.testing.files import write_fact_files

pytest.importorskip("adbc_driver_sqlite")

ROOT = Path(__file__).resolve().parents[2]
PLAN = hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))
SCALE = settings().max_examples / 100  # the profile's (tests/property/conftest.py): 1 or 10


@pytest.fixture(scope="module")
def pg_database(postgres_url: str) -> Iterator[str]:
    """One database for the module's worlds (each written over the last with --force)."""
    with pg_server.fresh_database(postgres_url) as url:
        yield url


def _check(source: str, day: dt.date, out: Path) -> str:
    code = main(
        ["check", source, "--as-of", day.isoformat(), "--format", "json", "--output", str(out)]
    )
    assert code in (0, 1), f"check {source}: exit {code}"
    return out.read_text(encoding="utf-8")


@settings(max_examples=int(10 * SCALE))
@given(
    worlds(plan=PLAN, max_people=3, max_units=3, max_per_kind=2),
    as_of_dates(default_window(PLAN), plan=PLAN),
)
def test_every_source_gives_the_same_report(
    pg_database: str, world: list[hz.Fact], day: dt.date
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        files = tmp / "files"
        write_fact_files([world], files)
        facts = hz.facts_from_models(world)
        frames = frames_from_facts(facts)
        write_tables(frames, tmp / "parquet", "parquet")
        write_tables(frames, tmp / "jsonl", "jsonl")
        write_database(facts, parse_db_url(f"sqlite:///{tmp / 'facts.db'}"))
        write_database(facts, parse_db_url(pg_database), force=True)
        reports = {
            name: _check(source, day, tmp / f"{name}.json")
            for name, source in {
                "files": str(files),
                "parquet": str(tmp / "parquet"),
                "jsonl": str(tmp / "jsonl"),
                "sqlite": f"sqlite:///{tmp / 'facts.db'}",
                "postgresql": pg_database,
            }.items()
        }
    tables = reports["parquet"]
    for name in ("jsonl", "sqlite", "postgresql", "files"):
        assert reports[name] == tables, name
