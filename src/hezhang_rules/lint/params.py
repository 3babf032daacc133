"""Parameters declared but used by no rule (``hz_lint_unused_parameter``), and numbers and
dates that do not say whether the text states them (``hz_lint_parameter_basis``).

A parameter is used when a rule resolves it (or ``pack.yaml``'s ``amendments`` names it:
``Plan.pack_reads``): written as ``{param: …}`` anywhere in the rule or its file's
``in_force``, or taken by default (count, forbid and deadline rules take
``partial_tenure``, ``partial_tenure_min_days`` and ``partial_first_period`` for every
``periods`` key they do not set). The compiler records each use in ``PlanRule.params``.
``breach_statuses`` (``compile.plan.BREACH_PARAMETER``) is read by the exit-code gate, not by
a rule, and so is used whenever it is declared.
"""

from __future__ import annotations

from hezhang_rules.compile.plan import BREACH_PARAMETER, Plan
from hezhang_rules.diagnostics import Diagnostic
from hezhang_rules.rules.loader import RuleSet
from hezhang_rules.rules.model import BASIS_TYPES


def unused_parameters(ruleset: RuleSet, plan: Plan) -> list[Diagnostic]:
    used = {u.name for r in plan.rules for u in r.params} | plan.pack_reads | {BREACH_PARAMETER}
    files = {f"art{f.model.article:03d}": f for f in ruleset.files}
    out = []
    for p in plan.parameters:
        if p.name in used:
            continue
        prefix, dot, bare = p.name.partition(".")
        doc = files[prefix].doc if dot and prefix in files else ruleset.pack.doc
        name = bare if dot else p.name
        out.append(
            Diagnostic(
                "hz_lint_unused_parameter",
                f"parameter `{p.name}` is declared but no rule uses it",
                doc.span(("parameters", name), key=True),
                help="use it with `{param: " + name + "}`, or remove it",
                zh=f"参数 `{p.name}` 已声明，但没有规则使用它",
                help_zh="用 `{param: " + name + "}` 引用它，或删除它",
            )
        )
    return out


def parameter_basis(ruleset: RuleSet, plan: Plan) -> list[Diagnostic]:
    """Every number or date (types integer, days, date, month_day) declares `basis`: `stated`
    when the text gives it, `supplied` when the pack supplies what the text does not state;
    findings due by a supplied one say so. Other types take no `basis` (they are readings, not
    numbers the text could state)."""
    files = {f"art{f.model.article:03d}": f for f in ruleset.files}
    out = []
    for p in plan.parameters:
        prefix, dot, bare = p.name.partition(".")
        doc = files[prefix].doc if dot and prefix in files else ruleset.pack.doc
        name = bare if dot else p.name
        if p.type in BASIS_TYPES and p.basis is None:
            out.append(
                Diagnostic(
                    "hz_lint_parameter_basis",
                    f"parameter `{p.name}` ({p.type}) does not say whether the text states its "
                    "value",
                    doc.span(("parameters", name), key=True),
                    help="add `basis: stated` (the text gives it) or `basis: supplied` (the "
                    "pack supplies what the text does not state)",
                    zh=f"参数 `{p.name}`（{p.type}）没有说明其值是否由条文给出",
                    help_zh="添加 `basis: stated`（条文给出）或 `basis: supplied`"
                    "（条文未写明、由规则包补充）",
                )
            )
        elif p.type not in BASIS_TYPES and p.basis is not None:
            out.append(
                Diagnostic(
                    "hz_lint_parameter_basis",
                    f"parameter `{p.name}` is of type {p.type}; `basis` is for numbers and dates "
                    f"({', '.join(BASIS_TYPES)})",
                    doc.span(("parameters", name, "basis"), key=True),
                    help="remove `basis`",
                    zh=f"参数 `{p.name}` 的类型是 {p.type}；`basis` 只用于数和日期"
                    f"（{'、'.join(BASIS_TYPES)}）",
                    help_zh="删除 `basis`",
                )
            )
    return out
