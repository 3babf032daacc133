"""The findings store: every run of ``check --store URL`` and its findings, kept in a database.

A store is a SQLite file or a PostgreSQL database (``hezhang_rules.dburl`` addresses) that holds
only the store's own tables, created when the database is empty:

* ``hz_store_meta`` (``key``, ``value``): the store's layout version (key ``layout``,
  :data:`STORE_LAYOUT`). A store of another version, a database whose tables of these names have
  other columns, and a database that holds other tables (a fact database, any other file) are
  refused, located at the address (exit 2): the store never writes into a database it did not
  make.
* ``hz_runs``: one row per run, numbered by the store in the order runs are recorded (``run``,
  1, 2, …): the as-of date, the pack, the rules, facts and waiver digests, the statuses the gate
  counted as breaches, the run record as JSON, the counts by status, and ``recorded_at`` (the
  wall-clock time of recording, UTC: shown by ``history`` only, never in a report).
* ``hz_findings``: one row per finding of each run (``run``, then :data:`FINDING_COLUMNS`): what a
  comparison needs (``hezhang_rules.report.changes``) and what people recognise a finding by.

A run is written in one transaction: its ``hz_runs`` row and its findings, ingested column-wise
batch by batch from the findings table (``adbc_ingest``; a national year is millions of rows),
then committed; a failure or an interruption rolls it all back, so a run is in the store whole or
not at all. docs/store.md describes the tables, ``history``, ``diff`` and "since the last run".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import polars as pl

from hezhang_rules.dburl import DatabaseError, DbUrl, connect, parse_db_url
from hezhang_rules.diagnostics import Diagnostic
from hezhang_rules.findings import STATUSES
from hezhang_rules.report.changes import COMPARED, Side, Since, comparable, compare
from hezhang_rules.report.table import BATCH, FindingsTable

STORE_LAYOUT = 1
"""The version of the store's tables; a store of another version is refused."""

META = "hz_store_meta"
RUNS = "hz_runs"
FINDINGS = "hz_findings"

_RUN_TYPES: dict[str, tuple[str, str]] = {  # column → (SQLite type, PostgreSQL type)
    "run": ("INTEGER PRIMARY KEY", "BIGINT PRIMARY KEY"),
    "recorded_at": ("TEXT NOT NULL", "TEXT NOT NULL"),
    "as_of": ("TEXT NOT NULL", "DATE NOT NULL"),
    "pack": ("TEXT NOT NULL", "TEXT NOT NULL"),
    "package_version": ("TEXT NOT NULL", "TEXT NOT NULL"),
    "rules_digest": ("TEXT NOT NULL", "TEXT NOT NULL"),
    "facts_digest": ("TEXT NOT NULL", "TEXT NOT NULL"),
    "waivers_digest": ("TEXT", "TEXT"),
    "facts_count": ("INTEGER NOT NULL", "BIGINT NOT NULL"),
    "breach_statuses": ("TEXT NOT NULL", "TEXT NOT NULL"),
    "record": ("TEXT NOT NULL", "TEXT NOT NULL"),
    **{s: ("INTEGER NOT NULL", "BIGINT NOT NULL") for s in (*STATUSES, "total")},
}
_FINDING_TYPES: dict[str, tuple[str, str]] = {
    "run": ("INTEGER NOT NULL", "BIGINT NOT NULL"),
    "id": ("TEXT NOT NULL", "TEXT NOT NULL"),
    "rule_id": ("TEXT NOT NULL", "TEXT NOT NULL"),
    "article": ("INTEGER NOT NULL", "INTEGER NOT NULL"),
    "severity": ("TEXT NOT NULL", "TEXT NOT NULL"),
    "status": ("TEXT NOT NULL", "TEXT NOT NULL"),
    "holder_id": ("TEXT", "TEXT"),
    "holder_kind": ("TEXT", "TEXT"),
    "holder_name": ("TEXT", "TEXT"),
    "period_label": ("TEXT", "TEXT"),
    "period_start": ("TEXT", "DATE"),
    "period_end": ("TEXT", "DATE"),
    "due": ("TEXT", "DATE"),
    "subject": ("TEXT", "TEXT"),
}
_META_TYPES: dict[str, tuple[str, str]] = {
    "key": ("TEXT PRIMARY KEY", "TEXT PRIMARY KEY"),
    "value": ("TEXT NOT NULL", "TEXT NOT NULL"),
}
TABLES: dict[str, dict[str, tuple[str, str]]] = {
    META: _META_TYPES,
    RUNS: _RUN_TYPES,
    FINDINGS: _FINDING_TYPES,
}
"""The store's tables and their columns' types (SQLite, PostgreSQL)."""

FINDING_COLUMNS = tuple(c for c in _FINDING_TYPES if c != "run")
"""What the store keeps of each finding."""

RUN_COLUMNS = tuple(_RUN_TYPES)
"""The columns of :meth:`Store.runs`."""

_DATES = ("period_start", "period_end", "due")
_RUNS_SCHEMA: dict[str, pl.DataType] = {
    c: pl.Int64() if t[0].startswith("INTEGER") else pl.String() for c, t in _RUN_TYPES.items()
} | {"as_of": pl.Date()}


def ddl(dialect: str) -> list[str]:
    """The statements creating the store's tables in ``dialect`` (``sqlite``, ``postgresql``)."""
    k = 0 if dialect == "sqlite" else 1
    out = [
        f"CREATE TABLE {name} ({', '.join(f'{c} {t[k]}' for c, t in cols.items())})"
        for name, cols in TABLES.items()
    ]
    out.append(f"CREATE INDEX hz_findings_run ON {FINDINGS} (run)")
    return out


def _problem(db: DbUrl, code: str, message: str, zh: str, help: str, help_zh: str) -> DatabaseError:
    return DatabaseError([Diagnostic(code, message, db.span(), help=help, zh=zh, help_zh=help_zh)])


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _unreadable(db: DbUrl, exc: BaseException) -> DatabaseError:
    return _problem(
        db,
        "hz_store_unreadable",
        f"cannot read the findings store: {_first_line(exc).replace(db.url, db.shown)}",
        "无法读取检查结果存档",
        "name a findings store (a database `check --store` made) or an empty database",
        "请指定检查结果存档（由 `check --store` 创建的数据库）或一个空数据库",
    )


@dataclass(frozen=True)
class RunRow:
    """One recorded run (a row of ``hz_runs``), as ``history`` and ``diff`` read it."""

    run: int
    as_of: dt.date
    pack: str
    breach_statuses: tuple[str, ...]


class Store:
    """An open findings store (:func:`open_store`); close it, or use it as a context manager."""

    def __init__(self, db: DbUrl, conn: Any, made_file: bool = False) -> None:
        self.db = db
        self.conn = conn
        self._fresh = False  # an empty database: the tables are made in the first run's write
        self._made_file = made_file  # a SQLite file the connection created
        self._recorded = False

    # --- lifetime --------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection. A SQLite file that opening the store created and that no run
        was recorded in is removed: a refused or failed command leaves nothing behind."""
        self.conn.close()
        if self._made_file and not self._recorded and self.db.path is not None:
            for suffix in ("", "-journal", "-wal", "-shm"):
                self.db.path.with_name(self.db.path.name + suffix).unlink(missing_ok=True)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- SQL -------------------------------------------------------------------------------

    def _p(self, n: int) -> str:
        """The ``n``-th placeholder (from 1) of the dialect."""
        return "?" if self.db.scheme == "sqlite" else f"${n}"

    def _query(self, sql: str, parameters: tuple[Any, ...] = ()) -> pl.DataFrame:
        with self.conn.cursor() as cur:
            if parameters:
                cur.execute(sql, parameters=parameters)
            else:
                cur.execute(sql)
            return pl.DataFrame(cur.fetch_arrow())

    def _read(self, sql: str, parameters: tuple[Any, ...] = ()) -> pl.DataFrame:
        """A query's result; a driver error is ``hz_store_unreadable``. Ends the read-only
        transaction the query opened (nothing is held between reads)."""
        try:
            out = self._query(sql, parameters)
            self.conn.rollback()
            return out
        except DatabaseError:
            raise
        except Exception as exc:
            raise _unreadable(self.db, exc) from None

    # --- checking and making ----------------------------------------------------------------

    def _tables(self) -> list[str]:
        if self.db.scheme == "sqlite":
            sql = (
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        else:
            sql = (
                "SELECT table_name AS name FROM information_schema.tables "
                "WHERE table_schema = current_schema() ORDER BY table_name"
            )
        return [str(n) for n in self._read(sql).get_column("name")]

    def _columns(self, table: str) -> list[str]:
        if self.db.scheme == "sqlite":
            sql = f"SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
        else:
            sql = (
                "SELECT column_name AS name FROM information_schema.columns WHERE table_schema "
                f"= current_schema() AND table_name = '{table}' ORDER BY ordinal_position"
            )
        return [str(n) for n in self._read(sql).get_column("name")]

    def check(self, create: bool) -> None:
        """Refuse a database that is not a store of this layout; make the tables in an empty
        database when ``create``."""
        tables = self._tables()
        ours = [t for t in tables if t in TABLES]
        if not tables:
            if not create:
                raise _problem(
                    self.db,
                    "hz_store_empty",
                    "no findings store here: the database is empty",
                    "这里没有检查结果存档：数据库是空的",
                    "record a run first: hezhang-rules check FACTS --as-of DATE --store URL",
                    "请先记录一次运行：hezhang-rules check 事实 --as-of 日期 --store 地址",
                )
            self._fresh = True  # its tables are made with the first run recorded
            return
        if META not in tables:
            shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
            raise _problem(
                self.db,
                "hz_store_not_a_store",
                f"not a findings store: the database holds other tables ({shown})",
                f"不是检查结果存档：该数据库中已有其他表（{shown}）",
                "name a database of its own for the store (an empty one is made into a store)",
                "请为存档单独指定一个数据库（空数据库会被建成存档）",
            )
        meta = self._read(f"SELECT key, value FROM {META}")
        values = dict(zip(meta.get_column("key"), meta.get_column("value"), strict=True))
        layout = values.get("layout")
        if layout != str(STORE_LAYOUT):
            newer = layout is not None and layout.isdigit() and int(layout) > STORE_LAYOUT
            raise _problem(
                self.db,
                "hz_store_version",
                f"findings store of layout version {layout} (this hezhang-rules reads version "
                f"{STORE_LAYOUT})",
                f"检查结果存档的结构版本为 {layout}（本程序读取版本 {STORE_LAYOUT}）",
                "use the hezhang-rules that wrote it"
                if newer
                else "the store was not written by hezhang-rules",
                "请使用写入该存档的 hezhang-rules 版本"
                if newer
                else "该存档不是 hezhang-rules 写入的",
            )
        for name, cols in TABLES.items():
            found = self._columns(name) if name in ours else []
            if found != list(cols):
                raise _problem(
                    self.db,
                    "hz_store_bad_shape",
                    f"table {name} is not the findings store's: columns "
                    f"{', '.join(found) or 'none'} (expected {', '.join(cols)})",
                    f"表 {name} 不是检查结果存档的表：其列为 {'、'.join(found) or '无'}"
                    f"（应为 {'、'.join(cols)}）",
                    "name a database of its own for the store",
                    "请为存档单独指定一个数据库",
                )

    def _rollback(self) -> None:
        with contextlib.suppress(Exception):  # a broken connection has nothing to roll back
            self.conn.rollback()

    # --- writing ---------------------------------------------------------------------------

    def record(
        self,
        table: FindingsTable,
        breach_statuses: Iterable[str],
        *,
        recorded_at: dt.datetime | None = None,
    ) -> int:
        """Record ``table`` (a run's findings) as the next run, in one transaction; return its
        number. ``breach_statuses``: the statuses the run's gate counted. ``recorded_at``: the
        time kept in ``hz_runs`` (now, UTC, when None)."""
        at = recorded_at or dt.datetime.now(dt.UTC)
        try:
            with self.conn.cursor() as cur:
                if self._fresh:  # an empty database becomes a store with its first run
                    for statement in ddl(self.db.scheme):
                        cur.execute(statement)
                    cur.execute(
                        f"INSERT INTO {META} (key, value) VALUES ({self._p(1)}, {self._p(2)})",
                        parameters=("layout", str(STORE_LAYOUT)),
                    )
                if self.db.scheme == "postgresql":  # runs are numbered one at a time
                    cur.execute(f"LOCK TABLE {RUNS} IN EXCLUSIVE MODE")
                cur.execute(f"SELECT COALESCE(MAX(run), 0) AS n FROM {RUNS}")
                run = int(pl.DataFrame(cur.fetch_arrow()).item()) + 1
                cur.adbc_ingest(RUNS, self._run_row(run, table, breach_statuses, at), mode="append")
                for batch in _finding_batches(table, run, self.db.scheme):
                    cur.adbc_ingest(FINDINGS, batch, mode="append")
            self.conn.commit()
            self._fresh, self._recorded = False, True
        except BaseException as exc:
            self._rollback()
            if not isinstance(exc, Exception):  # an interruption: nothing recorded, passed on
                raise
            raise _problem(
                self.db,
                "hz_store_write_failed",
                f"the run was not recorded: {_first_line(exc)}",
                "本次运行未能存档",
                "nothing of the run was kept; check the database and record again",
                "本次运行没有任何内容被存档；请检查数据库后重新记录",
            ) from None
        return run

    def _run_row(
        self, run: int, table: FindingsTable, breach: Iterable[str], at: dt.datetime
    ) -> pl.DataFrame:
        r = table.run
        values: dict[str, Any] = {
            "run": run,
            "recorded_at": at.astimezone(dt.UTC).isoformat(timespec="seconds"),
            "as_of": table.as_of,
            "pack": r.pack,
            "package_version": r.package_version,
            "rules_digest": r.rules_digest,
            "facts_digest": r.facts_digest,
            "waivers_digest": r.waivers_digest,
            "facts_count": r.facts_count,
            "breach_statuses": ",".join(s for s in STATUSES if s in set(breach)),
            "record": json.dumps(r.model_dump(mode="json"), ensure_ascii=False, sort_keys=True),
            **{s: int(getattr(table.summary, s)) for s in (*STATUSES, "total")},
        }
        types: dict[str, pl.DataType] = {c: pl.Int64() for c in RUN_COLUMNS}
        for c in RUN_COLUMNS:
            if isinstance(values[c], str) or values[c] is None:
                types[c] = pl.String()
        types["as_of"] = pl.String() if self.db.scheme == "sqlite" else pl.Date()
        if self.db.scheme == "sqlite":
            values["as_of"] = table.as_of.isoformat()
        return pl.DataFrame({c: [values[c]] for c in RUN_COLUMNS}, schema=types)

    # --- reading ---------------------------------------------------------------------------

    def runs(self) -> pl.DataFrame:
        """Every recorded run (:data:`RUN_COLUMNS`), by run number; ``as_of`` as a date."""
        if self._fresh:
            return pl.DataFrame(schema=_RUNS_SCHEMA)
        frame = self._read(f"SELECT {', '.join(RUN_COLUMNS)} FROM {RUNS} ORDER BY run")
        return frame.with_columns(_date("as_of"), pl.col("run").cast(pl.Int64))

    def run(self, number: int) -> RunRow | None:
        """Run ``number``, or None if the store has no such run."""
        found = self.runs().filter(pl.col("run") == number)
        return _run_row(found.row(0, named=True)) if found.height else None

    def previous(self, pack: str, as_of: dt.date, before: int | None = None) -> RunRow | None:
        """The run "since the last run" compares with: the latest recorded run (highest number,
        below ``before`` if given) of ``pack`` whose as-of date is on or before ``as_of``; None
        if there is none."""
        runs = self.runs()
        if before is not None:
            runs = runs.filter(pl.col("run") < before)
        found = runs.filter((pl.col("pack") == pack) & (pl.col("as_of") <= as_of))
        return _run_row(found.row(-1, named=True)) if found.height else None

    def findings(self, number: int) -> pl.DataFrame:
        """Run ``number``'s findings as :data:`~hezhang_rules.report.changes.COMPARED` columns."""
        frame = self._read(
            f"SELECT {', '.join(COMPARED)} FROM {FINDINGS} WHERE run = {self._p(1)}",
            (number,),
        )
        return frame.with_columns(_date("due"), pl.col("article").cast(pl.Int32)).select(
            list(COMPARED)
        )

    def side(self, row: RunRow) -> Side:
        """``row`` as a side of a comparison."""
        return Side(row.as_of, row.pack, run=row.run)


def _date(column: str) -> pl.Expr:
    """``column`` as a date whether the database kept a date (PostgreSQL) or ISO text (SQLite)."""
    return pl.col(column).cast(pl.String).str.to_date("%Y-%m-%d").alias(column)


def _run_row(row: dict[str, Any]) -> RunRow:
    statuses = tuple(s for s in str(row["breach_statuses"]).split(",") if s)
    return RunRow(int(row["run"]), row["as_of"], str(row["pack"]), statuses)


def _finding_batches(table: FindingsTable, run: int, dialect: str) -> Iterator[pl.DataFrame]:
    """The table's findings as ``hz_findings`` rows, a batch at a time."""
    holder, period = pl.col("holder").struct, pl.col("period").struct
    columns = [
        "id",
        "rule_id",
        "article",
        "severity",
        "status",
        "holder",
        "period",
        "due",
        "subject",
    ]
    for batch in table.batches(columns=columns, size=BATCH):
        rows = batch.select(
            pl.lit(run, pl.Int64).alias("run"),
            pl.col("id"),
            pl.col("rule_id"),
            pl.col("article").cast(pl.Int32),
            pl.col("severity"),
            pl.col("status"),
            holder.field("id").alias("holder_id"),
            holder.field("kind").alias("holder_kind"),
            holder.field("name").alias("holder_name"),
            period.field("label").alias("period_label"),
            period.field("start").alias("period_start"),
            period.field("end").alias("period_end"),
            pl.col("due"),
            pl.col("subject"),
        )
        if dialect == "sqlite":
            rows = rows.with_columns(pl.col(c).dt.to_string("%Y-%m-%d") for c in _DATES)
        yield rows


def open_store(url: str, *, create: bool = False) -> Store:
    """The findings store at ``url`` (a ``dburl`` address), checked (:meth:`Store.check`);
    ``create``: an empty database (or a new SQLite file) is made into a store. Raises
    :class:`~hezhang_rules.dburl.DatabaseError` (exit 2) for a bad address, a database that
    cannot be opened, or one that is not a store of this layout."""
    db = parse_db_url(url)
    made = create and db.path is not None and not db.path.exists()
    store = Store(db, connect(db, create=create), made_file=made)
    try:
        store.check(create)
    except BaseException:
        store.close()
        raise
    return store


@contextmanager
def opened(url: str, *, create: bool = False) -> Iterator[Store]:
    """:func:`open_store` as a context manager."""
    store = open_store(url, create=create)
    try:
        yield store
    finally:
        store.close()


def since_last(
    store: Store, table: FindingsTable, breach: frozenset[str], *, advisory: bool = False
) -> Since:
    """What changed from the previous run of ``store`` (:meth:`Store.previous`: the latest
    recorded run of the same pack with an as-of date on or before the table's) to the run of
    ``table`` (not recorded yet): the "since the last run" of the HTML and xlsx reports."""
    previous = store.previous(table.run.pack, table.as_of)
    if previous is None:
        return Since(None)
    changes = compare(
        store.findings(previous.run).lazy(),
        comparable(table.frame),
        breach,
        advisory=advisory,
        sides=(store.side(previous), Side(table.as_of, table.run.pack)),
    )
    return Since(changes)


__all__ = [
    "FINDING_COLUMNS",
    "RUN_COLUMNS",
    "STORE_LAYOUT",
    "TABLES",
    "RunRow",
    "Store",
    "ddl",
    "open_store",
    "opened",
    "since_last",
]
