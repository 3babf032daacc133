"""``hezhang-rules tables``: fact files (YAML/JSON) → fact tables (Parquet, JSON lines, CSV or
an xlsx workbook).

The records are loaded and checked exactly as ``check`` loads them; then one table per kind is
written into ``--out`` (each file to a temporary name, then renamed). ``check`` reads the folder
with the columnar evaluator and gives the same findings as on the original files.
"""

from __future__ import annotations

import argparse

from hezhang_rules.cli.common import EXIT_OK, add_limit_option, parse_limits
from hezhang_rules.cli.output import output_folder, started_folder
from hezhang_rules.extras import need
from hezhang_rules.facts import load_facts


def run(args: argparse.Namespace) -> int:
    need("tables", "hezhang-rules tables")
    from hezhang_rules.facts.frames import frames_from_facts, write_tables

    limits = parse_limits(args.limit)
    out = output_folder(args.out, args.facts, args.force)
    facts = load_facts(args.facts, limits)
    started_folder(out)
    if args.format in ("csv", "xlsx"):
        from hezhang_rules.facts.table_text import write_text_tables

        written = write_text_tables(frames_from_facts(facts), out, args.format)
    else:
        written = write_tables(frames_from_facts(facts), out, args.format)
    for path in written:
        print(path)
    return EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = sub.add_parser(
        "tables",
        help="write fact files as fact tables (Parquet, JSON lines, CSV or an xlsx workbook)",
    )
    c.add_argument("facts", nargs="+", help="fact files (.yaml/.yml/.json) or directories")
    c.add_argument(
        "--out", required=True, help="the folder to write <kind>.<format> (or facts.xlsx) into"
    )
    c.add_argument("--format", choices=("parquet", "jsonl", "csv", "xlsx"), default="parquet")
    c.add_argument(
        "--force",
        action="store_true",
        help="write into a folder holding fact tables (and nothing else), replacing them",
    )
    add_limit_option(c)
    c.set_defaults(func=run)
