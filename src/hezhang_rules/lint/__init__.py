"""Rule-pack verification beyond compiling: ``hezhang-rules lint``.

``lint_pack`` loads and compiles a pack (every load and compile problem is reported as is) and,
when that succeeds, checks it against its source text (missing articles, article texts), its
parameters (unused; numbers and dates without a `basis`), its logic (conflicting duties,
unreachable rules, unfulfillable duties) and its case files (every rule with a compliant and a
violating case). Each check returns located diagnostics; ``extra`` checks (the clause register)
are run on the plan too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hezhang_rules.compile import Plan, compile_rules
from hezhang_rules.compile.compiler import compile_pack
from hezhang_rules.diagnostics import Diagnostic, HezhangError
from hezhang_rules.lint.articles import article_problems
from hezhang_rules.lint.conflicts import conflict_problems
from hezhang_rules.lint.coverage import coverage_problems, index_cases
from hezhang_rules.lint.locate import Locator
from hezhang_rules.lint.params import parameter_basis, unused_parameters
from hezhang_rules.lint.reach import reach_problems
from hezhang_rules.rules.loader import RuleSet, load_rules
from hezhang_rules.source import DEFAULT_LIMITS, Limits

PlanCheck = Callable[[Plan], list[Diagnostic]]


@dataclass
class LintResult:
    """What ``lint`` found; ``plan`` is None when the pack does not compile."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    ruleset: RuleSet | None = None
    plan: Plan | None = None
    case_files: int = 0

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


def lint_plan(
    ruleset: RuleSet,
    plan: Plan,
    cases: Sequence[Path] = (),
    extra: Sequence[PlanCheck] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> LintResult:
    """Every lint check on a compiled pack; ``cases``: case directories for coverage."""
    loc = Locator(ruleset)
    diags = [
        *article_problems(ruleset, limits),
        *unused_parameters(ruleset, plan),
        *parameter_basis(ruleset, plan),
        *conflict_problems(plan, loc),
        *reach_problems(plan, loc),
    ]
    for check in extra:
        diags += check(plan)
    files = 0
    if cases:
        index = index_cases(cases, {r.id for r in plan.rules}, limits)
        files = index.files
        diags += index.problems
        diags += coverage_problems(plan, index, ", ".join(str(c) for c in cases))
    diags.sort(key=Diagnostic.sort_key)
    return LintResult(diags, ruleset, plan, files)


def lint_pack(
    rules_dir: str | Path,
    cases: Sequence[Path] = (),
    extra: Sequence[PlanCheck] = (),
    limits: Limits = DEFAULT_LIMITS,
    overlays: Sequence[str | Path] = (),
) -> LintResult:
    """Load, compile and check a pack, with the ``overlays`` that refine it. Load and compile
    errors stop it (they are returned): an overlay less strict than the pack is one."""
    try:
        ruleset = load_rules(rules_dir, limits)
        sets = [load_rules(o, limits) for o in overlays]
        plan = compile_rules(ruleset, None, sets)
    except HezhangError as exc:
        return LintResult(list(exc.diagnostics))
    if not sets:
        return lint_plan(ruleset, plan, cases, extra, limits)
    return _lint_overlaid(ruleset, plan, sets, cases, extra, limits)


def _lint_overlaid(
    ruleset: RuleSet,
    plan: Plan,
    overlays: Sequence[RuleSet],
    cases: Sequence[Path],
    extra: Sequence[PlanCheck],
    limits: Limits,
) -> LintResult:
    """The base pack and each overlay checked as packs of their own (source text, parameters,
    logic, ``extra``: each against its own plan, whose article numbers are its own), and the
    cases against the whole plan (every rule, the overlays' included, covered)."""
    result = lint_plan(ruleset, compile_rules(ruleset), (), extra, limits)
    diags = list(result.diagnostics)
    for overlay in overlays:
        own = compile_pack(overlay)[0]
        diags += lint_plan(overlay, own, (), extra, limits).diagnostics
    files = 0
    if cases:
        index = index_cases(cases, {r.id for r in plan.rules}, limits)
        files = index.files
        diags += index.problems
        diags += coverage_problems(plan, index, ", ".join(str(c) for c in cases))
    diags.sort(key=Diagnostic.sort_key)
    return LintResult(diags, ruleset, plan, files)


__all__ = ["LintResult", "PlanCheck", "lint_pack", "lint_plan"]
