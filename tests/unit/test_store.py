"""The findings store (hezhang_rules.store): a run recorded and read back, versions and foreign
tables refused, one transaction per run, the previous run, and the comparison by finding id."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

import hezhang_rules as hz
from hezhang_rules import store as store_module
from hezhang_rules.dburl import DatabaseError
from hezhang_rules.report.changes import Side, compare
from hezhang_rules.report.table import FindingsTable, audit
from hezhang_rules.store import open_store

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"
EXAMPLE = PACK / "example"


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FindingsTable]:
    """The example district audited with a small pack (two articles), in memory."""
    pack = tmp_path_factory.mktemp("pack")
    for name in ("pack.yaml", "art_016.yaml", "art_019.yaml"):
        shutil.copy(PACK / name, pack / name)
    plan = hz.compile_rules(hz.load_rules(pack))
    with audit(plan, hz.load_facts(EXAMPLE), dt.date(2022, 1, 10), engine="records") as t:
        yield t


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("postgres_db"))


def _sql(url: str, *statements: str) -> None:
    """Run ``statements`` on the database at ``url`` (committed)."""
    from hezhang_rules.dburl import connect, parse_db_url

    with connect(parse_db_url(url), create=True) as conn, conn.cursor() as cur:
        for s in statements:
            cur.execute(s)
        conn.commit()


def test_record_and_read_back(url: str, table: FindingsTable) -> None:
    frame = table.collect()
    with open_store(url, create=True) as store:
        assert store.runs().height == 0
        assert store.record(table, {"violated", "fulfilled_late"}) == 1
        assert store.record(table, {"violated"}) == 2
    with open_store(url) as store:
        runs = store.runs()
        assert runs.get_column("run").to_list() == [1, 2]
        first = runs.row(0, named=True)
        assert first["as_of"] == table.as_of
        assert first["pack"] == table.run.pack
        assert first["rules_digest"] == table.run.rules_digest
        assert first["facts_digest"] == table.run.facts_digest
        assert first["breach_statuses"] == "violated,fulfilled_late"
        for s in ("violated", "fulfilled_late", "pending", "fulfilled", "not_applicable", "total"):
            assert first[s] == getattr(table.summary, s)
        kept = store.findings(1).sort("id")
        want = frame.sort("id")
        assert kept.get_column("id").to_list() == want.get_column("id").to_list()
        assert kept.get_column("status").to_list() == want.get_column("status").to_list()
        assert kept.get_column("due").to_list() == want.get_column("due").to_list()
        holder = want.get_column("holder").struct.field("name").to_list()
        assert kept.get_column("holder_name").to_list() == holder
        row = store.run(2)
        assert row is not None and row.breach_statuses == ("violated",)
        assert store.run(3) is None


def test_newer_version_refused(url: str, table: FindingsTable) -> None:
    with open_store(url, create=True) as store:
        store.record(table, {"violated"})
    _sql(url, "UPDATE hz_store_meta SET value = '2' WHERE key = 'layout'")
    for create in (True, False):
        with pytest.raises(DatabaseError) as caught:
            open_store(url, create=create)
        d = caught.value.diagnostics[0]
        assert d.code == "hz_store_version"
        assert "2" in d.message and d.zh


def test_same_names_other_shape_refused(url: str) -> None:
    _sql(
        url,
        "CREATE TABLE hz_store_meta (key TEXT, value TEXT)",
        "INSERT INTO hz_store_meta VALUES ('layout', '1')",
        "CREATE TABLE hz_runs (run INTEGER, note TEXT)",
    )
    with pytest.raises(DatabaseError) as caught:
        open_store(url, create=True)
    assert caught.value.diagnostics[0].code == "hz_store_bad_shape"
    assert "hz_runs" in caught.value.diagnostics[0].message


def test_foreign_database_refused(url: str) -> None:
    _sql(url, "CREATE TABLE persons (id TEXT, name TEXT)")
    with pytest.raises(DatabaseError) as caught:
        open_store(url, create=True)
    assert caught.value.diagnostics[0].code == "hz_store_not_a_store"
    assert "persons" in caught.value.diagnostics[0].message


@pytest.mark.parametrize("failure", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_failure_mid_write_records_nothing(
    url: str, table: FindingsTable, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    """The first run of a store (its tables made in the same transaction), then a second one:
    a failure after some findings were written leaves the store as it was."""
    real = store_module._finding_batches

    def failing(t: FindingsTable, run: int, dialect: str) -> Iterator[pl.DataFrame]:
        for batch in real(t, run, dialect):
            yield batch.head(3)  # some findings written, then the failure
            raise failure

    for runs_before in (0, 1):
        with open_store(url, create=True) as store:
            monkeypatch.setattr(store_module, "_finding_batches", failing)
            expected = DatabaseError if isinstance(failure, Exception) else KeyboardInterrupt
            with pytest.raises(expected):
                store.record(table, {"violated"})
            monkeypatch.setattr(store_module, "_finding_batches", real)
            assert store.runs().height == runs_before
        if runs_before == 0 and url.startswith("sqlite"):
            assert not Path(url.removeprefix("sqlite:///")).exists()  # nothing left behind
        with open_store(url, create=True) as store:
            if runs_before == 0:
                store.record(table, {"violated"})  # the store works after a failed write
            else:
                assert store.runs().height == 1
                assert store.findings(1).height == table.count()
                assert store.findings(2).height == 0


def test_previous_run(url: str, table: FindingsTable) -> None:
    """The latest recorded run of the same pack with an as-of date on or before the given."""
    dates = [dt.date(2021, 6, 30), dt.date(2022, 1, 10), dt.date(2021, 12, 31)]
    with open_store(url, create=True) as store:
        for d in dates:
            store.record(dataclasses.replace(table, as_of=d), {"violated"})
        pack = table.run.pack
        found = store.previous(pack, dt.date(2022, 1, 10))
        assert found is not None and found.run == 3
        found = store.previous(pack, dt.date(2021, 12, 1))
        assert found is not None and found.run == 1
        found = store.previous(pack, dt.date(2022, 1, 10), before=3)
        assert found is not None and found.run == 2
        assert store.previous(pack, dt.date(2021, 1, 1)) is None
        assert store.previous("another-pack", dt.date(2022, 1, 10)) is None


def _side(statuses: dict[str, tuple[str, str]]) -> pl.LazyFrame:
    ids = sorted(statuses)
    return pl.LazyFrame(
        {
            "id": ids,
            "rule_id": ["r"] * len(ids),
            "article": [1] * len(ids),
            "severity": [statuses[i][1] for i in ids],
            "status": [statuses[i][0] for i in ids],
            "holder_id": ["h"] * len(ids),
            "holder_name": ["H"] * len(ids),
            "period_label": ["p"] * len(ids),
            "due": [None] * len(ids),
        },
        schema_overrides={"article": pl.Int32, "due": pl.Date},
    )


def test_compare_by_finding_id() -> None:
    m, a = "mandatory", "advisory"
    before = _side(
        {
            "same": ("violated", m),
            "fixed": ("violated", m),
            "gone": ("fulfilled_late", m),
            "now_late": ("pending", m),
            "done": ("pending", m),
            "adv": ("pending", a),
            "old": ("fulfilled", m),
        }
    )
    after = _side(
        {
            "same": ("violated", m),
            "fixed": ("fulfilled", m),
            "now_late": ("fulfilled_late", m),
            "done": ("fulfilled", m),
            "adv": ("violated", a),
            "new": ("violated", m),
            "new_ok": ("pending", m),
        }
    )
    sides = (Side(dt.date(2021, 1, 1), "p", run=1), Side(dt.date(2021, 2, 1), "p", run=2))
    breach = frozenset({"violated", "fulfilled_late"})
    changes = compare(before, after, breach, sides=sides)
    kinds = dict(zip(changes.rows.get_column("id"), changes.rows.get_column("change"), strict=True))
    assert kinds == {
        "new": "new_breach",
        "now_late": "new_breach",
        "fixed": "fixed",
        "gone": "fixed",
        "done": "changed",
        "adv": "changed",
        "new_ok": "changed",
        "old": "changed",
    }
    assert changes.rows.get_column("change").to_list()[:2] == ["new_breach", "new_breach"]
    gone = changes.rows.filter(pl.col("id") == "gone").row(0, named=True)
    assert (gone["before"], gone["after"]) == ("fulfilled_late", None)
    advisory = compare(before, after, breach, advisory=True, sides=sides)
    assert advisory.rows.filter(pl.col("id") == "adv").get_column("change").item() == "new_breach"
