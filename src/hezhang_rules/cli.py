"""The ``hezhang-rules`` command: one function per subcommand, wiring only.

Exit codes: 0 no violation (``check``) or clean (``lint``); 1 violations found; 2 invalid input
or usage. Diagnostics go to standard error as ``file:line:col: code: message``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hezhang_rules._version import __version__
from hezhang_rules.compile import Plan, compile_rules
from hezhang_rules.diagnostics import Diagnostic, HezhangError, RuleLoadError, Span, UsageError
from hezhang_rules.evaluate import evaluate
from hezhang_rules.facts import load_facts
from hezhang_rules.loader import load_rules
from hezhang_rules.report import FORMATS, render_report
from hezhang_rules.report.register import (
    clause_register,
    render_coverage,
    render_register,
    scan_cases,
    unaccounted,
)
from hezhang_rules.source import DEFAULT_LIMITS, Limits, SourceError, parse_yaml

EXIT_OK, EXIT_VIOLATIONS, EXIT_INVALID = 0, 1, 2


def default_rules_dir() -> Path:
    """The bundled pack: ``$HEZHANG_RULES_DIR``, else ``rules/qinghemen`` of this checkout."""
    env = os.environ.get("HEZHANG_RULES_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "rules" / "qinghemen"


def _as_of(text: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            [
                Diagnostic(
                    "hz_usage_bad_date",
                    f"--as-of expects a date written YYYY-MM-DD, got `{text}`",
                    Span("<command line>"),
                )
            ]
        ) from None


def _overrides(items: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        if not sep or not name:
            raise UsageError(
                [
                    Diagnostic(
                        "hz_usage_bad_param",
                        f"--param expects NAME=VALUE, got `{item}`",
                        Span("<command line>"),
                    )
                ]
            )
        try:
            out[name.strip()] = parse_yaml(raw, "<command line>").data
        except SourceError as exc:
            raise UsageError(exc.diagnostics) from None
    return out


def _limits(items: Sequence[str]) -> Limits:
    values: dict[str, int] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        try:
            if not sep:
                raise ValueError("expected NAME=VALUE")
            values[name.strip()] = int(raw)
        except ValueError as exc:
            raise UsageError(
                [Diagnostic("hz_usage_bad_limit", f"--limit {item}: {exc}", Span("<command line>"))]
            ) from None
    try:
        return Limits.with_overrides(values)
    except ValueError as exc:
        raise UsageError(
            [Diagnostic("hz_usage_bad_limit", str(exc), Span("<command line>"))]
        ) from None


def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file in the same directory, renamed only when complete."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _plan(rules: str | None, params: Sequence[str], limits: Limits = DEFAULT_LIMITS) -> Plan:
    return compile_rules(load_rules(rules or default_rules_dir(), limits), _overrides(params))


def cmd_check(args: argparse.Namespace) -> int:
    as_of = _as_of(args.as_of)
    limits = _limits(args.limit)
    plan = _plan(args.rules, args.param, limits)
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


def cmd_lint(args: argparse.Namespace) -> int:
    plan = _plan(args.rules_dir, [], _limits(args.limit))
    problems = unaccounted(plan)
    if problems:
        raise RuleLoadError(problems)
    print(
        f"{args.rules_dir or default_rules_dir()}: {len(plan.articles)} article files, "
        f"{len(plan.rules)} rules, {len(plan.parameters)} parameters: no problems"
    )
    return EXIT_OK


def cmd_register(args: argparse.Namespace) -> int:
    plan = _plan(args.rules, [])
    entries = clause_register(plan)
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


def cmd_coverage(args: argparse.Namespace) -> int:
    plan = _plan(args.rules, [])
    cases = scan_cases(Path(args.cases)) if args.cases else {}
    text = render_coverage(plan, cases)
    if args.output:
        write_atomically(Path(args.output), text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from hezhang_rules.schemas import schema_for

    sys.stdout.write(
        json.dumps(schema_for(args.which), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )
    return EXIT_OK


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own usage errors: exit 2, one line
        self.print_usage(sys.stderr)
        sys.stderr.write(f"<command line>: hz_usage: {message}\n")
        raise SystemExit(EXIT_INVALID)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="hezhang-rules", description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--version", action="version", version=f"hezhang-rules {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    c = sub.add_parser("check", help="evaluate rules over facts at an as-of date")
    c.add_argument("facts", nargs="+", help="fact files (.yaml/.yml/.json) or directories")
    c.add_argument("--as-of", required=True, help="the audit date, YYYY-MM-DD")
    c.add_argument("--rules", help="rule pack directory (default: the bundled qinghemen pack)")
    c.add_argument("--format", choices=FORMATS, default="text")
    c.add_argument("--output", help="write the report here (atomically) instead of stdout")
    c.add_argument("--lang", choices=("zh", "en"), default="zh")
    c.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter, e.g. art034.results_due_inclusive=false",
    )
    c.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change an input limit, e.g. max_bytes=1000000 (docs/limits.md)",
    )
    c.set_defaults(func=cmd_check)
    lint = sub.add_parser("lint", help="check rule files")
    lint.add_argument("rules_dir", nargs="?", help="rule pack directory (default: bundled)")
    lint.add_argument("--limit", action="append", default=[], metavar="NAME=VALUE")
    lint.set_defaults(func=cmd_lint)
    reg = sub.add_parser("register", help="print the clause register (every sentence, how covered)")
    reg.add_argument("--rules", help="rule pack directory (default: bundled)")
    reg.add_argument("--format", choices=("markdown", "json"), default="markdown")
    reg.add_argument("--lang", choices=("zh", "en"), default="zh")
    reg.set_defaults(func=cmd_register)
    cov = sub.add_parser("coverage", help="write the coverage table (docs/coverage.md)")
    cov.add_argument("--rules", help="rule pack directory (default: bundled)")
    cov.add_argument("--cases", help="golden case directory, e.g. tests/golden")
    cov.add_argument("--output", help="write here instead of stdout")
    cov.set_defaults(func=cmd_coverage)
    s = sub.add_parser("schema", help="print a JSON Schema")
    s.add_argument("which", choices=("rule-file", "pack-file", "report", "facts"))
    s.set_defaults(func=cmd_schema)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except HezhangError as exc:
        for d in exc.diagnostics:
            sys.stderr.write(d.render() + "\n")
        n = len(exc.diagnostics)
        sys.stderr.write(f"{n} problem{'s' if n != 1 else ''} found\n")
        return EXIT_INVALID


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
