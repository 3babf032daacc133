"""``hezhang-rules todo``: open obligations per holder, by due date, with a warning window.

Fact tables take the columnar engine and its findings table (spilled to Parquet, scanned with
polars), as ``check --format jsonl`` does: only the to-dos' rows are ever collected, and only
their holders are placed in towns and departments. Fact files go through the batch evaluator
(:func:`hezhang_rules.cli.check.audit`), whose report becomes an in-memory table.
"""

from __future__ import annotations

import argparse

from hezhang_rules.cli.check import add_audit_options, evaluated, inputs
from hezhang_rules.cli.common import EXIT_OK, parse_days
from hezhang_rules.cli.output import emit, output_file
from hezhang_rules.cli.progress import progress_for
from hezhang_rules.report.context import holder_infos
from hezhang_rules.report.todo import (
    DEFAULT_WITHIN,
    render_todo,
    render_todo_json,
    todo_holders,
)


def run(args: argparse.Namespace) -> int:
    out = output_file(args.output, inputs(args))
    within = parse_days(args.within)
    with progress_for(args.lang) as shown:
        done = evaluated(args, shown)
    with done.table() as table:
        # only the to-dos' holders are placed in towns and departments
        holders = holder_infos(done.facts, todo_holders(table), args.lang)
        if args.format == "json":
            data = render_todo_json(table, holders, within)
        else:
            data = render_todo(table, done.plan, holders, within, args.lang)
    emit(out, data)
    return EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    t = sub.add_parser("todo", help="list open (pending) obligations per holder by due date")
    t.add_argument(
        "facts",
        nargs="+",
        help="fact files (.yaml/.yml/.json) or directories, or a folder of fact tables",
    )
    t.add_argument(
        "--within",
        default=str(DEFAULT_WITHIN),
        metavar="DAYS",
        help=f"mark obligations due within DAYS of the as-of date (default {DEFAULT_WITHIN})",
    )
    t.add_argument("--format", choices=("text", "json"), default="text")
    t.add_argument("--output", help="write here (atomically) instead of stdout")
    add_audit_options(t)
    t.set_defaults(func=run)
