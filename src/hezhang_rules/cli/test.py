"""``hezhang-rules test``: run declarative case files and print per-rule results.

Exit 0: every case passed; 1: some failed; 2: invalid input (a case file, a world or the pack
does not load; the diagnostics go to standard error, the results of the other cases to
standard output).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hezhang_rules.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_VIOLATIONS,
    add_limit_option,
    add_rules_option,
    diagnostic_lang,
    load_overlays,
    parse_limits,
    say,
)
from hezhang_rules.diagnostics import Diagnostic, HezhangError, Span, UsageError
from hezhang_rules.rules.packs import resolve_rules
from hezhang_rules.testing.cases import (
    DEFAULT_EVALUATOR,
    EVALUATORS,
    CaseError,
    Runner,
    discover,
    find_case_dir,
)
from hezhang_rules.testing.cases import iter_cases as parse_cases
from hezhang_rules.testing.results import TestRun, render_text, to_json


def run(args: argparse.Namespace) -> int:
    limits = parse_limits(args.limit)
    rules_dir = resolve_rules(args.rules)
    paths = [Path(c) for c in args.cases]
    if not paths and args.overlay:  # the overlays' own cases (they need the pack and overlays)
        paths = [f for o in args.overlay if (f := find_case_dir(resolve_rules(o))) is not None]
    if not paths:
        found = find_case_dir(rules_dir)
        if found is None:
            raise UsageError(
                [
                    Diagnostic(
                        "hz_usage_no_cases",
                        "no case files given, and the pack has no cases/ folder "
                        "nor tests/golden next to it",
                        Span("<command line>"),
                        zh="没有给出案例文件，规则包也没有 cases/ 文件夹，旁边也没有 tests/golden",
                    )
                ]
            )
        paths = [found]
    evaluators = args.evaluator or [DEFAULT_EVALUATOR]
    for name in evaluators:
        if name not in EVALUATORS:
            raise UsageError(
                [
                    Diagnostic(
                        "hz_usage",
                        f"no evaluator `{name}` (known: {', '.join(sorted(EVALUATORS))})",
                        Span("<command line>"),
                        zh=f"没有求值器 `{name}`（已知：{'、'.join(sorted(EVALUATORS))}）",
                    )
                ]
            )
    runner = Runner(rules_dir, limits, load_overlays(args.overlay, limits))
    result = TestRun(runner.plan(), evaluators)
    for _path, case in parse_cases(discover(paths), limits):
        if isinstance(case, CaseError):
            result.invalid += case.diagnostics
            continue
        for name in evaluators:
            try:
                result.results.append(runner.run(case, name))
            except HezhangError as exc:
                result.invalid += exc.diagnostics
                break
    sys.stdout.write(to_json(result) if args.format == "json" else render_text(result))
    for d in sorted(result.invalid, key=Diagnostic.sort_key):
        say(d.render(diagnostic_lang()) + "\n")
    if result.invalid:
        return EXIT_INVALID
    return EXIT_VIOLATIONS if result.failed else EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    t = sub.add_parser("test", help="run case files (facts, as-of, expected findings)")
    t.add_argument(
        "cases",
        nargs="*",
        help="case files or directories (default: the pack's cases/, else tests/golden next to "
        "it; with --overlay, the overlays' cases/)",
    )
    add_rules_option(t)
    t.add_argument("--format", choices=("text", "json"), default="text")
    t.add_argument(
        "--evaluator",
        action="append",
        default=[],
        metavar="NAME",
        help=f"evaluator to run the cases on, repeatable (default: {DEFAULT_EVALUATOR}; known: "
        f"{', '.join(sorted(EVALUATORS))})",
    )
    add_limit_option(t)
    t.set_defaults(func=run)
