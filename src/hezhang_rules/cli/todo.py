"""``hezhang-rules todo``: open obligations per holder, by due date, with a warning window."""

from __future__ import annotations

import argparse

from hezhang_rules.cli.check import add_audit_options, evaluated, inputs
from hezhang_rules.cli.common import EXIT_OK, parse_days
from hezhang_rules.cli.output import emit, output_file
from hezhang_rules.report.context import table_context
from hezhang_rules.report.todo import DEFAULT_WITHIN, render_todo, render_todo_json


def run(args: argparse.Namespace) -> int:
    out = output_file(args.output, inputs(args))
    within = parse_days(args.within)
    done = evaluated(args)
    with done.table() as table:
        ctx = table_context(done.facts, table, args.lang)
        if args.format == "json":
            emit(out, render_todo_json(table, ctx, within))
        else:
            emit(out, render_todo(table, done.plan, ctx, within, args.lang))
    return EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    t = sub.add_parser("todo", help="list open (pending) obligations per holder by due date")
    t.add_argument("facts", nargs="+", help="fact files (.yaml/.yml/.json) or directories")
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
