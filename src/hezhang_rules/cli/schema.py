"""``hezhang-rules schema``: print the JSON Schema of rule files, pack files, facts, waiver files or
reports."""

from __future__ import annotations

import argparse
import json
import sys

from hezhang_rules.cli.common import EXIT_OK
from hezhang_rules.schemas import schema_for


def run(args: argparse.Namespace) -> int:
    text = json.dumps(schema_for(args.which), ensure_ascii=False, indent=2, sort_keys=True)
    sys.stdout.write(text + "\n")
    return EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = sub.add_parser("schema", help="print a JSON Schema")
    s.add_argument("which", choices=("rule-file", "pack-file", "report", "facts", "waiver-file"))
    s.set_defaults(func=run)
