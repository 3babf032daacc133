"""``hezhang-rules tables``: facts → fact tables (Parquet, JSON lines, CSV or an xlsx workbook)
or a fact database.

The facts are any source ``check`` reads (fact files, a folder of fact tables, a database),
loaded and checked exactly as ``check`` loads them; then one table per kind is written:

* ``--format parquet|jsonl --out DIR``: ``<kind>.<format>`` files (each to a temporary name,
  then renamed);
* ``--format sqlite --out PATH.db`` (or ``sqlite:///PATH``): one SQLite file, built beside the
  target and renamed; an existing file is replaced only with ``--force`` and only if it is a
  fact database;
* ``--format postgresql --out postgresql://USER@HOST/DB``: the fact tables in one transaction;
  a database already holding fact tables only with ``--force`` (the other tables untouched).

``check`` reads what was written with the columnar evaluator and gives the same findings as on
the original facts (docs/databases.md).
"""

from __future__ import annotations

import argparse

from hezhang_rules.cli.check import fact_paths
from hezhang_rules.cli.common import EXIT_OK, add_limit_option, parse_limits
from hezhang_rules.cli.output import output_file, output_folder, started_folder
from hezhang_rules.dburl import DbUrl, is_db_url, parse_db_url
from hezhang_rules.diagnostics import Diagnostic, Span, UsageError
from hezhang_rules.extras import need
from hezhang_rules.facts.sources import load_sources

DATABASES = ("sqlite", "postgresql")


def run(args: argparse.Namespace) -> int:
    if args.format in DATABASES:
        return _run_database(args)
    need("tables", "hezhang-rules tables")
    from hezhang_rules.facts.frames import frames_from_facts, write_tables
    from hezhang_rules.facts.tables import Tables

    limits = parse_limits(args.limit)
    out = output_folder(args.out, fact_paths(args.facts), args.force)
    facts = load_sources(args.facts, limits)
    started_folder(out)
    frames = facts.frames if isinstance(facts, Tables) else frames_from_facts(facts)
    if args.format in ("csv", "xlsx"):
        from hezhang_rules.facts.table_text import write_text_tables

        written = write_text_tables(frames, out, args.format)
    else:
        written = write_tables(frames, out, args.format)
    for path in written:
        print(path)
    return EXIT_OK


def _target(args: argparse.Namespace) -> DbUrl:
    """``--out`` as the database to write, checked before anything is read: a SQLite file
    (a path, or ``sqlite:///PATH``) under the ``--output`` contract (never an input, never a
    directory or device), a PostgreSQL address for ``--format postgresql``."""
    text: str = args.out
    if args.format == "sqlite":
        if is_db_url(text):
            db = parse_db_url(text)
            if db.scheme != "sqlite":
                raise _mismatch(text, "sqlite")
            assert db.path is not None
            path = output_file(str(db.path), fact_paths(args.facts), option="--out")
        else:
            path = output_file(text, fact_paths(args.facts), option="--out")
        assert path is not None
        shown = text if is_db_url(text) else f"sqlite:///{path}"
        return DbUrl("sqlite", shown, shown, path)
    if not is_db_url(text):
        raise _mismatch(text, "postgresql")
    db = parse_db_url(text)
    if db.scheme != "postgresql":
        raise _mismatch(text, "postgresql")
    return db


def _mismatch(text: str, fmt: str) -> UsageError:
    want = "PATH.db or sqlite:///PATH" if fmt == "sqlite" else "postgresql://USER@HOST/DB"
    want_zh = "路径.db 或 sqlite:///路径" if fmt == "sqlite" else "postgresql://用户@主机/库名"
    return UsageError(
        [
            Diagnostic(
                "hz_usage_bad_output",
                f"--format {fmt} writes to {want}",
                Span(text),
                zh=f"--format {fmt} 应写入 {want_zh}",
            )
        ]
    )


def _run_database(args: argparse.Namespace) -> int:
    need("db", f"--format {args.format}")
    from hezhang_rules.facts.db_io import write_database

    db = _target(args)
    facts = load_sources(args.facts, parse_limits(args.limit))
    for kind in write_database(facts, db, force=args.force):
        print(f"{db.shown} table {kind}")
    return EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = sub.add_parser(
        "tables",
        help="write facts as fact tables (Parquet, JSON lines, CSV or an xlsx workbook) or into "
        "a database",
    )
    c.add_argument(
        "facts",
        nargs="+",
        help="fact files (.yaml/.yml/.json) or directories, a folder of fact tables, or a "
        "database address",
    )
    c.add_argument(
        "--out",
        required=True,
        help="the folder to write <kind>.<format> (or facts.xlsx) into; for sqlite the database "
        "file, for postgresql the database address",
    )
    c.add_argument(
        "--format", choices=("parquet", "jsonl", "csv", "xlsx", *DATABASES), default="parquet"
    )
    c.add_argument(
        "--force",
        action="store_true",
        help="write into a folder holding fact tables (and nothing else), or over a fact "
        "database, replacing them",
    )
    add_limit_option(c)
    c.set_defaults(func=run)
