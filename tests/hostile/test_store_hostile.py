"""Hostile findings stores and diff inputs: each is exit 2, a located diagnostic, no traceback,
and nothing written (no report, no store file, the named database unchanged)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from tests.hostile.kit import PACK, run_main

from hezhang_rules.dburl import connect, parse_db_url

EXAMPLE = PACK / "example"
AS_OF = "2022-01-10"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sqlite(path: Path, *statements: str) -> Path:
    with connect(parse_db_url(f"sqlite:///{path}"), create=True) as conn, conn.cursor() as cur:
        for s in statements:
            cur.execute(s)
        conn.commit()
    return path


def _check(store: str, out: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    run = run_main(
        ["check", str(EXAMPLE), "--as-of", AS_OF, "--output", str(out), "--store", store], capsys
    )
    assert not out.exists()
    return run


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("mysql://u@h/db", "hz_db_bad_url"),
        ("sqlite://", "hz_db_bad_url"),
        ("postgresql://u@/", "hz_db_bad_url"),
        ("sqlite:///no/such/folder/s.db", "hz_db_no_such_database"),
        ("postgresql://hz@127.0.0.1:1/x", "hz_db_unreachable"),
    ],
)
def test_bad_addresses(
    address: str, code: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = parse_db_url(address).shown if code != "hz_db_bad_url" else address
    _check(address, tmp_path / "r.txt", capsys).refused(code, shown)
    for args in (["history", "--store", address], ["diff", "1", "2", "--store", address]):
        run_main(args, capsys).refused(code, shown)


def test_fact_database_and_random_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    facts = _sqlite(
        tmp_path / "facts.db",
        "CREATE TABLE persons (id TEXT, name TEXT)",
        "CREATE TABLE hezhang_meta (key TEXT, value TEXT)",
    )
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"SQLite format 2\x00" + bytes(range(256)) * 8)
    text = tmp_path / "notes.db"
    text.write_text("hello\n", encoding="utf-8")
    for path, code in (
        (facts, "hz_store_not_a_store"),
        (garbage, "hz_store_unreadable"),
        (text, "hz_store_unreadable"),
    ):
        before = _digest(path)
        url = f"sqlite:///{path}"
        _check(url, tmp_path / "r.txt", capsys).refused(code, url)
        run_main(["history", "--store", url], capsys).refused(code, url)
        assert _digest(path) == before


def test_newer_store_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.db"
    url = f"sqlite:///{path}"
    assert run_main(["check", str(EXAMPLE), "--as-of", AS_OF, "--store", url], capsys).code == 1
    _sqlite(path, "UPDATE hz_store_meta SET value = '7' WHERE key = 'layout'")
    before = _digest(path)
    _check(url, tmp_path / "r.txt", capsys).refused("hz_store_version", url)
    run_main(["history", "--store", url], capsys).refused("hz_store_version", url)
    run_main(["diff", "1", "1", "--store", url], capsys).refused("hz_store_version", url)
    assert _digest(path) == before


def test_new_store_not_left_when_check_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new.db"
    run = run_main(
        ["check", str(tmp_path / "no-facts"), "--as-of", AS_OF, "--store", f"sqlite:///{path}"],
        capsys,
    )
    assert run.code == 2 and "Traceback" not in run.err
    assert not path.exists()


def test_empty_postgres_has_no_history(
    postgres_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = parse_db_url(postgres_db).shown
    run_main(["history", "--store", postgres_db], capsys).refused("hz_store_empty", shown)


def test_diff_of_what_is_not_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.json"
    assert run_main(["check", str(EXAMPLE), "--as-of", AS_OF, "--format", "json",
                     "--output", str(good)], capsys).code == 1  # fmt: skip
    data = json.loads(good.read_text(encoding="utf-8"))
    twice = dict(data, findings=[data["findings"][0], data["findings"][0]])
    odd = dict(data, findings=[dict(data["findings"][0], status="lost")])
    cases = {
        "page.html": "<!DOCTYPE html><html></html>",
        "empty.json": "{}",
        "list.json": "[1, 2, 3]",
        "lines.jsonl": '{"run": {"pack": "p"}, "as_of": "2022-01-10"}\n[1, 2]\n',
        "twice.json": json.dumps(twice),
        "odd.json": json.dumps(odd),
        "binary.parquet": "PAR1 not really",
        "bytes.json": "",  # written as invalid UTF-8 below
    }
    for name, text in cases.items():
        path = tmp_path / name
        if name == "bytes.json":
            path.write_bytes(b"\xff\xfe\x00garbage")
        else:
            path.write_text(text, encoding="utf-8")
        run_main(["diff", str(path), str(good)], capsys).refused("hz_diff_bad_report", str(path))
        run_main(["diff", str(good), str(path)], capsys).refused("hz_diff_bad_report", str(path))
    missing = str(tmp_path / "missing.json")
    run_main(["diff", missing, str(good)], capsys).refused("hz_diff_bad_report", missing)


def test_unknown_run_and_no_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert run_main(["check", str(EXAMPLE), "--as-of", AS_OF, "--store", url], capsys).code == 1
    run_main(["diff", "1", "9", "--store", url], capsys).refused("hz_diff_no_such_run", f"{url} 9")
    run_main(["diff", "previous", "last", "--store", url], capsys).refused(
        "hz_diff_no_such_run", f"{url} previous"
    )
    run_main(["diff", "1", "2"], capsys).refused("hz_diff_no_store", "<command line>")
