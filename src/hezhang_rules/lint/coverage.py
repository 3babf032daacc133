"""Rule coverage by case files: every rule needs a compliant and a violating case.

A case is *compliant* for a rule when it expects a ``fulfilled`` finding of it, *violating* when
it expects a ``violated`` one (``lint`` reads the expectations; ``hezhang-rules test`` checks
that they pass). Case files that do not parse, that expect findings of rules the pack does not
have or ignore rules it does not have, are reported too: a renamed rule leaves its cases
behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hezhang_rules.compile import Plan
from hezhang_rules.diagnostics import Diagnostic
from hezhang_rules.source import DEFAULT_LIMITS, Limits
from hezhang_rules.testing.cases import COMPLIANT, VIOLATING, CaseError, discover, iter_cases


@dataclass
class CaseIndex:
    """Rule id → status → case files expecting a finding of that rule with that status."""

    by_rule: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    files: int = 0
    problems: list[Diagnostic] = field(default_factory=list)

    def has(self, rule_id: str, status: str) -> bool:
        return bool(self.by_rule.get(rule_id, {}).get(status))


def index_cases(
    dirs: Sequence[Path], known: set[str] | None = None, limits: Limits = DEFAULT_LIMITS
) -> CaseIndex:
    """Read the expectations of every case under ``dirs``; ``known``: rule ids to check."""
    out = CaseIndex()
    try:
        paths = discover(dirs)
    except CaseError as exc:
        out.problems.extend(exc.diagnostics)
        return out
    for _path, case in iter_cases(paths, limits):
        if isinstance(case, CaseError):
            out.problems.extend(case.diagnostics)
            continue
        out.files += 1
        if known is not None:
            out.problems.extend(case.rule_problems(known))
        for rid, statuses in case.expected_statuses().items():
            for status in statuses:
                files = out.by_rule.setdefault(rid, {}).setdefault(status, [])
                files.append(case.display)
    return out


def coverage_problems(plan: Plan, index: CaseIndex, where: str) -> list[Diagnostic]:
    """``hz_lint_no_compliant_case`` / ``hz_lint_no_violating_case`` at each rule's id."""
    out = []
    for rule in plan.rules:
        for status, code, what, what_zh in (
            (COMPLIANT, "hz_lint_no_compliant_case", "compliant (fulfilled)", "合规（fulfilled）"),
            (VIOLATING, "hz_lint_no_violating_case", "violating (violated)", "违规（violated）"),
        ):
            if not index.has(rule.id, status):
                out.append(
                    Diagnostic(
                        code,
                        f"rule `{rule.id}` has no {what} case in {where}",
                        rule.span,
                        help=f"add a case file expecting a `{status}` finding of this rule",
                        zh=f"规则 `{rule.id}` 在 {where} 中没有{what_zh}案例",
                        help_zh=f"添加一个预期本规则得出 `{status}` 结论的案例文件",
                    )
                )
    return out
