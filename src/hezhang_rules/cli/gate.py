"""The exit-code gate of ``check`` and ``monitor``: ``--fail-on`` and ``--fail-on-advisory``.

A run exits 1 when a **mandatory** finding has one of the gate's statuses; advisory findings
(the text's "一般") count only with ``--fail-on-advisory``. Without ``--fail-on`` the statuses
are the pack's reading ``breach_statuses`` (``compile.plan.BREACH_PARAMETER``; the bundled pack:
violated and fulfilled late, arts. 35-36), and for a pack that declares none, ``violated``, what
exit 1 meant before the gate existed (docs/limits.md, "Output and exit codes").
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable

from hezhang_rules.cli.common import EXIT_OK, EXIT_VIOLATIONS
from hezhang_rules.columnar.evaluate import ColumnarReport
from hezhang_rules.compile import Plan
from hezhang_rules.compile.plan import BREACH_PARAMETER
from hezhang_rules.diagnostics import Diagnostic, Span, UsageError, did_you_mean, did_you_mean_zh
from hezhang_rules.findings import STATUSES, Report

FAIL_ON_HELP = (
    "exit 1 when a mandatory finding has one of these statuses, e.g. violated or "
    "violated,fulfilled_late (default: the pack's breach_statuses)"
)
ADVISORY_HELP = "let advisory findings fail the gate too (by default only mandatory ones do)"


def add_gate_options(c: argparse.ArgumentParser) -> None:
    """``--fail-on STATUSES`` and ``--fail-on-advisory``."""
    c.add_argument("--fail-on", metavar="STATUSES", help=FAIL_ON_HELP)
    c.add_argument("--fail-on-advisory", action="store_true", help=ADVISORY_HELP)


def parse_fail_on(text: str | None) -> frozenset[str] | None:
    """``--fail-on``'s statuses (``None``: not given, the pack's reading applies); an unknown
    or empty one is a usage error (exit 2) with "did you mean"."""
    if text is None:
        return None
    named = [s.strip() for s in text.split(",")]
    return _statuses(named, Span("<command line>"), "--fail-on")


def _statuses(named: Iterable[str], where: Span, what: str) -> frozenset[str]:
    named = list(named)
    for s in named or [""]:
        if s not in STATUSES:
            raise UsageError(
                [
                    Diagnostic(
                        "hz_usage_bad_fail_on",
                        f"{what}: unknown status `{s}` (statuses: {', '.join(STATUSES)})",
                        where,
                        help=did_you_mean(s, STATUSES),
                        zh=f"{what}：未知状态 `{s}`（可用状态：{'、'.join(STATUSES)}）",
                        help_zh=did_you_mean_zh(s, STATUSES),
                    )
                ]
            )
    return frozenset(named)


def gate_statuses(given: frozenset[str] | None, plan: Plan) -> frozenset[str]:
    """The statuses that fail the gate: ``--fail-on``'s, else the pack's ``breach_statuses``,
    else ``violated``."""
    if given is not None:
        return given
    for p in plan.parameters:
        if p.name == BREACH_PARAMETER:
            where = Span("<command line>" if p.overridden else f"{plan.pack}: pack.yaml")
            return _statuses([str(v) for v in p.value], where, f"parameter `{BREACH_PARAMETER}`")
    return frozenset({"violated"})


def breaches(
    result: Report | ColumnarReport, plan: Plan, statuses: frozenset[str], advisory: bool
) -> int:
    """How many findings fail the gate: of ``statuses``, and mandatory unless ``advisory``."""
    counted = {r.id for r in plan.rules if advisory or r.severity == "mandatory"}
    if isinstance(result, Report):
        return sum(1 for f in result.findings if f.status in statuses and f.rule_id in counted)
    return sum(
        n
        for part in result.parts
        if part.rule_id in counted
        for status, n in part.counts.items()
        if status in statuses
    )


def gate_exit(
    result: Report | ColumnarReport, plan: Plan, statuses: frozenset[str], advisory: bool
) -> int:
    """1 when a finding fails the gate (:func:`breaches`), else 0."""
    return EXIT_VIOLATIONS if breaches(result, plan, statuses, advisory) else EXIT_OK
