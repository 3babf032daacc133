"""Parameters declared but used by no rule (``hz_lint_unused_parameter``).

A parameter is used when a rule resolves it: written as ``{param: …}`` anywhere in the rule or
its file's ``in_force``, or taken by default (count, forbid and deadline rules take
``partial_tenure``, ``partial_tenure_min_days`` and ``partial_first_period`` for every
``periods`` key they do not set). The compiler records each use in ``PlanRule.params``.
"""

from __future__ import annotations

from hezhang_rules.compile.plan import Plan
from hezhang_rules.diagnostics import Diagnostic
from hezhang_rules.loader import RuleSet


def unused_parameters(ruleset: RuleSet, plan: Plan) -> list[Diagnostic]:
    used = {u.name for r in plan.rules for u in r.params}
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
            )
        )
    return out
