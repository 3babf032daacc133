"""``hezhang-rules todo``: open obligations per holder, by due date, with a warning window.

Fact tables take the columnar engine and its findings table (spilled to Parquet, scanned with
polars), as ``check --format jsonl`` does: only the to-dos' rows are ever collected, and only
their holders are placed in towns and departments. Fact files go through the batch evaluator
(:func:`hezhang_rules.cli.check.audit`), whose report becomes an in-memory table.
"""

from __future__ import annotations

import argparse

from hezhang_rules.cli.check import add_audit_options, audit, inputs
from hezhang_rules.cli.common import EXIT_OK, load_plan, parse_as_of, parse_days, parse_limits
from hezhang_rules.cli.output import emit, output_file
from hezhang_rules.cli.progress import Progress, progress_for
from hezhang_rules.compile import Plan
from hezhang_rules.extras import need
from hezhang_rules.facts import FactSet
from hezhang_rules.facts.table_paths import is_table_folder
from hezhang_rules.facts.tables import Tables
from hezhang_rules.report.context import holder_infos
from hezhang_rules.report.table import FindingsTable
from hezhang_rules.report.todo import (
    DEFAULT_WITHIN,
    render_todo,
    render_todo_json,
    todo_holders,
)


def _table(
    args: argparse.Namespace, shown: Progress
) -> tuple[Plan, FactSet | Tables, FindingsTable]:
    """The audit as a findings table, with what places its holders (the facts or tables)."""
    if not is_table_folder(args.facts):
        plan, facts, report, _, _ = audit(args)
        return plan, facts, FindingsTable.of_report(report, plan)
    need("tables", "reading fact tables")
    from hezhang_rules.columnar import evaluate_tables, load_tables

    as_of = parse_as_of(args.as_of)
    limits = parse_limits(args.limit)
    plan = load_plan(args.rules, args.param, limits)
    tables = load_tables(args.facts, limits, on_table=shown.table_read)
    shown.evaluating(len(plan.rules))
    result = evaluate_tables(plan, tables, as_of, on_rule=shown.rule_done)
    shown.writing()
    return plan, tables, FindingsTable.of_columnar(result)


def run(args: argparse.Namespace) -> int:
    out = output_file(args.output, inputs(args))
    within = parse_days(args.within)
    with progress_for(args.lang) as shown:
        plan, facts, table = _table(args, shown)
        with table:
            holders = holder_infos(facts, todo_holders(table), args.lang)
            if args.format == "json":
                data = render_todo_json(table, holders, within)
            else:
                data = render_todo(table, plan, holders, within, args.lang)
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
