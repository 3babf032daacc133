"""``hezhang-rules check``: evaluate rules over facts at an as-of date and write the report."""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

from hezhang_rules.cli.common import (
    EXIT_OK,
    EXIT_VIOLATIONS,
    RULES_HELP,
    add_limit_option,
    add_param_option,
    load_plan,
    parse_as_of,
    parse_days,
    parse_limits,
    progress,
)
from hezhang_rules.cli.output import atomic_file, atomic_text, emit, output_file
from hezhang_rules.cli.summary import say_written
from hezhang_rules.compile import Plan
from hezhang_rules.evaluate import evaluate
from hezhang_rules.extras import need
from hezhang_rules.facts import FactSet, load_facts
from hezhang_rules.facts.table_paths import is_table_folder
from hezhang_rules.findings import Report
from hezhang_rules.report import EQUAL, FORMATS, Weights, build_context, load_weights, render_report
from hezhang_rules.rules.packs import resolve_rules
from hezhang_rules.source import Limits

_STEPS_ZH = ("读取规则", "读取事实", "评估", "生成报告", "写出")
_STEPS_EN = ("rules", "facts", "evaluating", "rendering", "writing")


def audit(
    args: argparse.Namespace, step: Callable[[str], None] | None = None
) -> tuple[Plan, FactSet, Report, Weights, Limits]:
    """The shared front of check, explain and todo: options, rules, facts, weights, findings.

    Every input is checked before anything is evaluated or written.
    """
    say = step or (lambda label: None)
    names = _STEPS_ZH if getattr(args, "lang", "zh") == "zh" else _STEPS_EN
    as_of = parse_as_of(args.as_of)
    limits = parse_limits(args.limit)
    say(names[0])
    plan = load_plan(args.rules, args.param, limits)
    weights_file = getattr(args, "weights", None)
    weights = load_weights(weights_file, plan, limits) if weights_file else EQUAL
    say(names[1])
    if is_table_folder(args.facts):
        need("tables", "reading fact tables")
        from hezhang_rules.columnar import evaluate_tables, load_tables, tables_factset

        tables = load_tables(args.facts, limits)
        facts = tables_factset(tables)
        say(names[2])
        if getattr(args, "engine", "auto") == "records":
            report = evaluate(plan, facts, as_of)
        else:
            report = evaluate_tables(plan, tables, as_of).to_report()
        return plan, facts, report, weights, limits
    facts = load_facts(args.facts, limits)
    say(names[2])
    report = evaluate(plan, facts, as_of)
    return plan, facts, report, weights, limits


def _stream_tables(args: argparse.Namespace, out: Path | None, started: float) -> int:
    """Fact tables → the ``jsonl`` or ``parquet`` report, written as a stream (never one
    Python object)."""
    need("tables", "reading fact tables")
    from hezhang_rules.columnar import evaluate_tables, load_tables
    from hezhang_rules.report.parquet import write_columnar

    as_of = parse_as_of(args.as_of)
    limits = parse_limits(args.limit)
    plan = load_plan(args.rules, args.param, limits)
    tables = load_tables(args.facts, limits)
    result = evaluate_tables(plan, tables, as_of)
    if args.format == "parquet":
        if out is None:  # a few hundred MB for a national year; refused on a terminal
            buf = io.BytesIO()
            write_columnar(result, buf)
            emit(None, buf.getvalue())
        else:
            with atomic_file(out) as fh:
                write_columnar(result, fh)
    elif out is None:
        result.write_jsonl(sys.stdout)
    else:
        with atomic_text(out) as text:
            result.write_jsonl(text)
    if out is not None:
        say_written(args.output, result.summary, started, args.lang)
    return EXIT_VIOLATIONS if result.summary.violated else EXIT_OK


def inputs(args: argparse.Namespace) -> list[str | Path]:
    """What an audit reads (fact files and folders, the rule pack, the weights file): an
    output may be none of them nor lie inside one."""
    rules: str | Path = resolve_rules(args.rules)
    weights = getattr(args, "weights", None)
    return [*args.facts, rules, *([weights] if weights else [])]


FORMAT_EXTRAS = {"parquet": "tables", "xlsx": "xlsx"}
"""Report formats that need an extra (:mod:`hezhang_rules.extras`); the others are in the core."""


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    if args.format in FORMAT_EXTRAS:
        need(FORMAT_EXTRAS[args.format], f"--format {args.format}")
    out = output_file(args.output, inputs(args))
    within = parse_days(args.within)
    streams = args.format in ("jsonl", "parquet") and args.engine != "records"
    if streams and is_table_folder(args.facts):
        return _stream_tables(args, out, started)
    names = _STEPS_ZH if args.lang == "zh" else _STEPS_EN
    with progress(len(names)) as step:
        plan, facts, report, weights, _ = audit(args, step)
        step(names[3])
        ctx = build_context(facts, report, args.lang)
        data = render_report(
            report, plan, args.format, args.lang, context=ctx, weights=weights, within=within
        )
        step(names[4])
        emit(out, data)
    if out is not None:
        say_written(args.output, report.summary, started, args.lang)
    return EXIT_VIOLATIONS if report.summary.violated else EXIT_OK


def add_audit_options(c: argparse.ArgumentParser) -> None:
    """--as-of, --rules, --lang, --param and --limit, shared by check, explain and todo."""
    c.add_argument("--as-of", required=True, help="the audit date, YYYY-MM-DD")
    c.add_argument("--rules", help=RULES_HELP)
    c.add_argument("--lang", choices=("zh", "en"), default="zh")
    add_param_option(c)
    add_limit_option(c)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = sub.add_parser("check", help="evaluate rules over facts at an as-of date")
    c.add_argument(
        "facts",
        nargs="+",
        help="fact files (.yaml/.yml/.json) or directories, or a folder of fact tables "
        "(<kind>.parquet / <kind>.jsonl, e.g. from `hezhang-rules synth`)",
    )
    c.add_argument(
        "--engine",
        choices=("auto", "columnar", "records"),
        default="auto",
        help="for fact tables: columnar (default) or records (every row as a pydantic record, "
        "the batch evaluator); both give the same report",
    )
    c.add_argument("--format", choices=FORMATS, default="text")
    c.add_argument("--output", help="write the report here (atomically) instead of stdout")
    c.add_argument("--weights", help="assessment weights file (YAML; default: every rule weighs 1)")
    c.add_argument(
        "--within",
        default="30",
        metavar="DAYS",
        help="to-do warning window in days for html and xlsx (default 30)",
    )
    add_audit_options(c)
    c.set_defaults(func=run)
