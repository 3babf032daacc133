"""``hezhang-rules explain``: why one finding has its status, and what would make it compliant."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

import polars as pl

from hezhang_rules.cli.check import add_audit_options, evaluated
from hezhang_rules.cli.common import EXIT_OK
from hezhang_rules.columnar.evaluate import ColumnarReport
from hezhang_rules.diagnostics import Diagnostic, Span, UsageError, did_you_mean, did_you_mean_zh
from hezhang_rules.report.context import table_context
from hezhang_rules.report.explain import explain, render_explanation
from hezhang_rules.report.table import FindingsTable, finding_of_row

_HINT_IDS = 100_000
"""Finding ids compared with an unknown one for a "did you mean" (more take seconds)."""


def _unknown(finding_id: str, table: FindingsTable) -> UsageError:
    rule = finding_id.split("/", 1)[0]
    same = table.collect(pl.col("rule_id") == rule, columns=["id"]).get_column("id").to_list()
    total = table.summary.total
    # a finding id is a rule id, a holder and a period: one of thousands of characters is none,
    # and comparing it with every id would only cost time
    ids = same
    if not ids and total <= _HINT_IDS:
        ids = table.collect(columns=["id"]).get_column("id").to_list()
    hint = did_you_mean(finding_id, ids) if len(finding_id) <= 500 and ids else None
    hint_zh = did_you_mean_zh(finding_id, ids) if len(finding_id) <= 500 and ids else None
    if hint is None:
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
                f"no finding `{finding_id}` in this audit ({total} findings as of {table.as_of})",
                Span("<command line>"),
                help=hint,
                zh=f"本次审计中没有结论 `{finding_id}`（截至 {table.as_of} 共 {total} 条结论）",
                help_zh=hint_zh,
            )
        ]
    )


def run(args: argparse.Namespace) -> int:
    done = evaluated(args)
    rule = args.finding_id.split("/", 1)[0]
    if isinstance(done.result, ColumnarReport):  # only the finding's rule is written out
        parts = [p for p in done.result.parts if p.rule_id == rule]
        if parts:
            done = replace(done, result=replace(done.result, parts=parts))
    with done.table() as table:
        rows = table.collect(pl.col("id") == args.finding_id, limit=1)
        if not rows.height:
            raise _unknown(args.finding_id, table)
        finding = finding_of_row(rows.row(0, named=True))
        # the context of this one finding: its holder's column, its facts rendered when read
        ctx = table_context(done.facts, FindingsTable.of_rows(table, rows), args.lang)
        sys.stdout.write(
            render_explanation(explain(finding, done.plan, ctx, table.as_of, args.lang), args.lang)
        )
    return EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    e = sub.add_parser("explain", help="explain one finding: rule, text, facts, readings, remedy")
    e.add_argument(
        "finding_id",
        help="a finding id, e.g. art016.river_chief_half_yearly_inspection/p-zhao-wenbo/2021-H2",
    )
    e.add_argument(
        "facts", nargs="+", help="fact files (.yaml/.yml/.json) or directories, or fact tables"
    )
    add_audit_options(e)
    e.set_defaults(func=run)
