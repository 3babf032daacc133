"""``hezhang-rules register`` and ``coverage``: every sentence of the measures and its rules."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from hezhang_rules.cli.common import EXIT_OK, EXIT_VIOLATIONS, add_rules_option, load_plan
from hezhang_rules.cli.output import emit, output_file
from hezhang_rules.diagnostics import Diagnostic
from hezhang_rules.report.register import (
    clause_register,
    render_coverage,
    render_register,
    scan_cases,
)
from hezhang_rules.rules.packs import resolve_rules
from hezhang_rules.testing.cases import CaseError, discover, find_case_dir, iter_cases


def run_register(args: argparse.Namespace) -> int:
    entries = clause_register(load_plan(args.rules, []))
    if args.format == "json":
        rows = [
            {
                "article": e.article,
                "sentence": e.sentence,
                "normative": e.normative,
                "rules": list(e.rules),
                "unchecked": list(e.unchecked),
            }
            for e in entries
        ]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_register(entries, args.lang))
    return EXIT_OK if all(e.accounted for e in entries if e.normative) else EXIT_VIOLATIONS


def run_coverage(args: argparse.Namespace) -> int:
    rules = resolve_rules(args.rules)
    own = None if args.cases else find_case_dir(rules)
    folder = args.cases or (str(own) if own else None)
    cases = [folder] if folder else []
    out = output_file(args.output, [rules], cases=cases)
    plan = load_plan(args.rules, [])
    if folder:
        _check_cases(folder)
    emit(out, render_coverage(plan, scan_cases(Path(folder)) if folder else {}))
    return EXIT_OK


def _check_cases(folder: str) -> None:
    """Every case file under ``folder`` parses as a case (as ``test`` reads it) before the table
    counts it: a missing or empty folder, a malformed, unreadable or non-regular case file is a
    located exit 2, never a table that silently leaves it out."""
    diags: list[Diagnostic] = []
    for _path, case in iter_cases(discover([folder])):
        if isinstance(case, CaseError):
            diags += case.diagnostics
    if diags:
        raise CaseError(diags)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    reg = sub.add_parser("register", help="print the clause register (every sentence, how covered)")
    add_rules_option(reg, overlays=False)
    reg.add_argument("--format", choices=("markdown", "json"), default="markdown")
    reg.add_argument("--lang", choices=("zh", "en"), default="zh")
    reg.set_defaults(func=run_register)
    cov = sub.add_parser("coverage", help="write the coverage table (docs/coverage.md)")
    add_rules_option(cov, overlays=False)
    cov.add_argument(
        "--cases",
        help="golden case directory (default: the pack's cases/, else tests/golden next to it)",
    )
    cov.add_argument("--output", help="write here instead of stdout")
    cov.set_defaults(func=run_coverage)
