"""Shared fixtures: the repository's paths and the bundled rule pack, compiled once."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests import pg_server

import hezhang_rules as hz

# The command line speaks Chinese unless told otherwise (docs: HEZHANG_LANG). Tests written
# against its English diagnostics and help run in English; the tests of the Chinese ones
# (tests/unit/test_diagnostics_zh*.py, tests/hostile/test_diagnostics_lang.py) set it themselves.
os.environ.setdefault("HEZHANG_LANG", "en")

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def ruleset() -> hz.RuleSet:
    return hz.load_rules(RULES)


@pytest.fixture(scope="session")
def plan(ruleset: hz.RuleSet) -> hz.Plan:
    return hz.compile_rules(ruleset)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server's admin address (tests/pg_server.py says where it comes from)."""
    given = os.environ.get(pg_server.ENV_URL)
    if given:
        yield given
        return
    required = os.environ.get(pg_server.ENV_REQUIRE) == "1"
    if pg_server.binaries() is None:
        if required:
            pytest.fail(f"{pg_server.ENV_REQUIRE}=1 but PostgreSQL is not installed")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    server = pg_server.start()
    try:
        yield server.url
    finally:
        pg_server.stop(server)


@pytest.fixture
def postgres_db(postgres_url: str) -> Iterator[str]:
    """A fresh, empty database on the test server (dropped afterwards): its address."""
    with pg_server.fresh_database(postgres_url) as url:
        yield url
