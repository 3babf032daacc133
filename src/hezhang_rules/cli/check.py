"""``hezhang-rules check``: evaluate rules over facts at an as-of date and write the report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hezhang_rules.cli.common import (
    EXIT_OK,
    EXIT_VIOLATIONS,
    load_plan,
    parse_as_of,
    parse_limits,
    write_atomically,
)
from hezhang_rules.diagnostics import Diagnostic, Span, UsageError
from hezhang_rules.evaluate import evaluate
from hezhang_rules.facts import load_facts
from hezhang_rules.report import FORMATS, render_report


def run(args: argparse.Namespace) -> int:
    as_of = parse_as_of(args.as_of)
    limits = parse_limits(args.limit)
    plan = load_plan(args.rules, args.param, limits)
    facts = load_facts(args.facts, limits)
    report = evaluate(plan, facts, as_of)
    text = render_report(report, plan, args.format, args.lang)
    if args.output:
        out = Path(args.output)
        if not out.parent.is_dir() and str(out.parent):
            raise UsageError(
                [
                    Diagnostic(
                        "hz_usage_bad_output", "output directory does not exist", Span(str(out))
                    )
                ]
            )
        write_atomically(out, text)
    else:
        sys.stdout.write(text)
    return EXIT_VIOLATIONS if report.summary.violated else EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = sub.add_parser("check", help="evaluate rules over facts at an as-of date")
    c.add_argument("facts", nargs="+", help="fact files (.yaml/.yml/.json) or directories")
    c.add_argument("--as-of", required=True, help="the audit date, YYYY-MM-DD")
    c.add_argument("--rules", help="rule pack directory (default: the bundled qinghemen pack)")
    c.add_argument("--format", choices=FORMATS, default="text")
    c.add_argument("--output", help="write the report here (atomically) instead of stdout")
    c.add_argument("--lang", choices=("zh", "en"), default="zh")
    add_param_option(c)
    add_limit_option(c)
    c.set_defaults(func=run)


def add_param_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter, e.g. art034.results_due_inclusive=false",
    )


def add_limit_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change an input limit, e.g. max_bytes=1000000 (docs/limits.md)",
    )
