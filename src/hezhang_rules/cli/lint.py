"""``hezhang-rules lint``: check a rule pack (schema, meaning, clause register)."""

from __future__ import annotations

import argparse

from hezhang_rules.cli.check import add_limit_option
from hezhang_rules.cli.common import EXIT_OK, default_rules_dir, load_plan, parse_limits
from hezhang_rules.diagnostics import RuleLoadError
from hezhang_rules.report.register import unaccounted


def run(args: argparse.Namespace) -> int:
    plan = load_plan(args.rules_dir, [], parse_limits(args.limit))
    problems = unaccounted(plan)
    if problems:
        raise RuleLoadError(problems)
    print(
        f"{args.rules_dir or default_rules_dir()}: {len(plan.articles)} article files, "
        f"{len(plan.rules)} rules, {len(plan.parameters)} parameters: no problems"
    )
    return EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    lint = sub.add_parser("lint", help="check rule files")
    lint.add_argument("rules_dir", nargs="?", help="rule pack directory (default: bundled)")
    add_limit_option(lint)
    lint.set_defaults(func=run)
