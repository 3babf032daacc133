"""``hezhang-rules lint``: check a rule pack (schema, meaning, source, logic, cases, register)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from hezhang_rules.cli.common import (
    EXIT_OK,
    RULES_HELP,
    add_limit_option,
    add_rules_option,
    add_waivers_option,
    diagnostic_lang,
    load_checked_waivers,
    parse_limits,
)
from hezhang_rules.diagnostics import Diagnostic, RuleLoadError, Span, UsageError
from hezhang_rules.lint import lint_pack
from hezhang_rules.report.register import unaccounted
from hezhang_rules.rules.packs import resolve_rules
from hezhang_rules.testing.cases import find_case_dir


def case_dirs(
    args: argparse.Namespace, rules_dir: Path, overlays: Sequence[Path] = ()
) -> list[Path]:
    """``--cases`` as given, else the pack's own cases and each overlay's
    (:func:`find_case_dir`), those there are."""
    if args.no_cases:
        return []
    if args.cases:
        missing = [c for c in args.cases if not Path(c).is_dir()]
        if missing:
            raise UsageError(
                Diagnostic(
                    "hz_usage_no_cases", "no such case directory", Span(str(c)), zh="没有该案例目录"
                )
                for c in missing
            )
        return [Path(c) for c in args.cases]
    found = [find_case_dir(d) for d in (rules_dir, *overlays)]
    return [f for f in found if f is not None]


def run(args: argparse.Namespace) -> int:
    if args.rules_dir is not None and args.rules is not None:
        raise UsageError(
            [
                Diagnostic(
                    "hz_usage_rules_twice",
                    "the pack is given twice (as an argument and with --rules): a lint has one "
                    "base pack; add a town's or a department's pack with --overlay",
                    Span("<command line>"),
                    zh="规则包给了两次（作为参数和 --rules）：一次检查只有一个基础规则包；"
                    "镇或部门的规则包请用 --overlay 添加",
                )
            ]
        )
    args.rules_dir = args.rules_dir or args.rules
    rules_dir = resolve_rules(args.rules_dir)
    overlays = [resolve_rules(o) for o in args.overlay]
    cases = case_dirs(args, rules_dir, overlays)
    limits = parse_limits(args.limit)
    result = lint_pack(rules_dir, cases, [unaccounted], limits, overlays)
    if not result.ok:
        raise RuleLoadError(result.diagnostics)
    assert result.plan is not None
    plan = result.plan
    waivers = load_checked_waivers(args.waivers, plan, limits)
    if waivers is not None:
        n = len(waivers.waivers)
        print(
            f"{waivers.file}：{n} 条豁免，均指向规则包中的规则：没有问题"
            if diagnostic_lang() == "zh"
            else f"{waivers.file}: {n} waivers, each naming rules of the pack: no problems"
        )
    name = args.rules_dir or rules_dir
    packs = [str(name), *(o.pack for o in plan.overlays)]
    if plan.overlays:  # the overlays' articles and rules are counted with the pack's
        name = ("、" if diagnostic_lang() == "zh" else " + ").join(packs)
    if diagnostic_lang() == "zh":
        where = (
            f"{'、'.join(str(c) for c in cases)} 中的 {result.case_files} 个案例文件"
            if cases
            else "没有案例文件（未检查覆盖；可用 --cases DIR 给出）"
        )
        print(
            f"{name}：{len(plan.articles)} 个条文文件，{plan.rule_count} 条规则，"
            f"{len(plan.parameters)} 个参数，{where}：没有问题"
        )
        return EXIT_OK
    where = (
        f"{result.case_files} case files in {', '.join(str(c) for c in cases)}"
        if cases
        else "no case files (coverage not checked; give --cases DIR)"
    )
    print(
        f"{name}: {len(plan.articles)} article files, "
        f"{plan.rule_count} rules, {len(plan.parameters)} parameters, {where}: no problems"
    )
    return EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    lint = sub.add_parser(
        "lint",
        help="check rule files: schema, meaning, source articles, conflicts, reachability, "
        "unused parameters, case coverage, clause register",
    )
    lint.add_argument("rules_dir", nargs="?", help=RULES_HELP)
    add_rules_option(lint)
    lint.add_argument(
        "--cases",
        action="append",
        default=[],
        metavar="DIR",
        help="case files that must give every rule a compliant and a violating case "
        "(default: the pack's cases/ folder, else tests/golden next to it, if any)",
    )
    lint.add_argument(
        "--no-cases", action="store_true", help="do not check rule coverage by case files"
    )
    add_limit_option(lint)
    add_waivers_option(lint)
    lint.set_defaults(func=run)
