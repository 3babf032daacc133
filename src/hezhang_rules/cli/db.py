"""``hezhang-rules db schema``: the DDL of the fact tables, generated from the fact model.

A platform creates its fact tables with it (``hezhang-rules db schema --dialect postgresql |
psql …``), then fills them; ``check postgresql://…`` reads them (docs/databases.md). The output
names the layout's version (``FACT_SCHEMA_VERSION``), which changes with the model.
"""

from __future__ import annotations

import argparse
import sys

from hezhang_rules.cli.common import EXIT_OK
from hezhang_rules.facts.db_layout import DIALECTS, ddl


def run_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(ddl(args.dialect))
    return EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    d = sub.add_parser("db", help="the database layout of facts")
    commands = d.add_subparsers(dest="db_command", required=True, parser_class=type(d))
    s = commands.add_parser(
        "schema", help="print the SQL that creates the fact tables (generated from the model)"
    )
    s.add_argument("--dialect", choices=DIALECTS, default="sqlite")
    s.set_defaults(func=run_schema)
