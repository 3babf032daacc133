"""``hezhang-rules explain``: why one finding has its status, and what would make it compliant."""

from __future__ import annotations

import argparse
import sys

from hezhang_rules.cli.check import add_audit_options, audit
from hezhang_rules.cli.common import EXIT_OK
from hezhang_rules.diagnostics import Diagnostic, Span, UsageError, did_you_mean, did_you_mean_zh
from hezhang_rules.findings import Report
from hezhang_rules.report import build_context
from hezhang_rules.report.explain import explain, render_explanation


def _unknown(finding_id: str, report: Report) -> UsageError:
    ids = [f.id for f in report.findings]
    # a finding id is a rule id, a holder and a period: one of thousands of characters is none,
    # and comparing it with every id would only cost time
    hint = did_you_mean(finding_id, ids) if len(finding_id) <= 500 else None
    hint_zh = did_you_mean_zh(finding_id, ids) if len(finding_id) <= 500 else None
    if hint is None:
        rule = finding_id.split("/", 1)[0]
        same = [i for i in ids if i.startswith(rule + "/")]
        if same:
            shown = ", ".join(f"`{i}`" for i in same[:3])
            more = " …" if len(same) > 3 else ""
            hint = f"findings of rule `{rule}`: {shown}" + more
            hint_zh = f"规则 `{rule}` 的结论：{'、'.join(f'`{i}`' for i in same[:3])}" + more
        else:
            hint = "list the finding ids with `hezhang-rules check … --format json`"
            hint_zh = "用 `hezhang-rules check … --format json` 列出结论 id"
    return UsageError(
        [
            Diagnostic(
                "hz_usage_unknown_finding",
                f"no finding `{finding_id}` in this audit ({len(ids)} findings as of "
                f"{report.as_of})",
                Span("<command line>"),
                help=hint,
                zh=f"本次审计中没有结论 `{finding_id}`（截至 {report.as_of} 共 {len(ids)} 条结论）",
                help_zh=hint_zh,
            )
        ]
    )


def run(args: argparse.Namespace) -> int:
    plan, facts, report, _, _ = audit(args)
    try:
        finding = report.finding(args.finding_id)
    except KeyError:
        raise _unknown(args.finding_id, report) from None
    ctx = build_context(facts, report, args.lang)
    sys.stdout.write(
        render_explanation(explain(finding, plan, ctx, report.as_of, args.lang), args.lang)
    )
    return EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    e = sub.add_parser("explain", help="explain one finding: rule, text, facts, readings, remedy")
    e.add_argument(
        "finding_id",
        help="a finding id, e.g. art016.river_chief_half_yearly_inspection/p-zhao-wenbo/2021-H2",
    )
    e.add_argument("facts", nargs="+", help="fact files (.yaml/.yml/.json) or directories")
    add_audit_options(e)
    e.set_defaults(func=run)
