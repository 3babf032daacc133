"""Database addresses: told apart from paths, checked, shown without password, opened."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from hezhang_rules.dburl import DatabaseError, connect, is_db_url, parse_db_url


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sqlite:///facts.db", True),
        ("postgresql://hz@host/db", True),
        ("mysql://x/y", True),
        ("facts/", False),
        ("C:/facts", False),
        ("./sqlite:/x", False),
    ],
)
def test_an_address_is_told_from_a_path(text: str, expected: bool) -> None:
    assert is_db_url(text) is expected


@pytest.mark.parametrize(
    ("text", "code", "fragment"),
    [
        ("mysql://x/y", "hz_db_bad_url", "`mysql` databases are not read"),
        ("sqlite://host/a.db", "hz_db_bad_url", "names a file"),
        ("sqlite:///", "hz_db_bad_url", "names a file"),
        ("sqlite:///a.db?mode=ro", "hz_db_bad_url", "no query"),
        ("postgresql://hz@host", "hz_db_bad_url", "names its database"),
        ("postgresql:///db", "hz_db_bad_url", "names its server"),
        ("postgresql://hz@host:99999/db", "hz_db_bad_url", "malformed"),
    ],
)
def test_a_malformed_address_is_located(text: str, code: str, fragment: str) -> None:
    with pytest.raises(DatabaseError) as info:
        parse_db_url(text)
    (diag,) = info.value.diagnostics
    assert diag.code == code
    assert fragment in diag.message
    assert diag.zh and diag.help_zh


def test_the_password_is_never_shown(tmp_path: Path) -> None:
    db = parse_db_url("postgres://hz:s3cret@127.0.0.1:1/facts")
    assert db.scheme == "postgresql"
    assert db.url.startswith("postgresql://")
    assert "s3cret" not in db.shown and "***" in db.shown
    with pytest.raises(DatabaseError) as info:
        connect(db)
    assert info.value.diagnostics[0].code == "hz_db_unreachable"
    assert "s3cret" not in info.value.render("en") + info.value.render("zh")


def test_a_sqlite_file_must_exist_unless_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = parse_db_url("sqlite:///facts.db")
    assert db.path == Path("facts.db")
    with pytest.raises(DatabaseError) as info:
        connect(db)
    assert info.value.diagnostics[0].code == "hz_db_no_such_database"
    assert not (tmp_path / "facts.db").exists()
    connect(db, create=True).close()
    assert (tmp_path / "facts.db").is_file()
    assert parse_db_url(f"sqlite:///{tmp_path}/x.db").path == tmp_path / "x.db"


def test_postgresql_is_a_real_server(postgres_db: str) -> None:
    with connect(parse_db_url(postgres_db)) as con, con.cursor() as cur:
        cur.execute("SELECT current_database() AS name, version() AS version")
        (name, version) = pl.DataFrame(cur.fetch_arrow()).row(0)
    assert name == postgres_db.rsplit("/", 1)[1]
    assert version.startswith("PostgreSQL")
