"""Case results as text or JSON: per rule, the compliant and violating cases that passed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hezhang_rules.compile import Plan
from hezhang_rules.diagnostics import Diagnostic
from hezhang_rules.testing.cases import CaseResult, RuleTally, tally


@dataclass
class TestRun:
    """Everything one ``hezhang-rules test`` run found."""

    __test__ = False  # not a pytest class

    plan: Plan
    evaluators: Sequence[str]
    results: list[CaseResult] = field(default_factory=list)
    invalid: list[Diagnostic] = field(default_factory=list)

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    def tallies(self) -> dict[str, RuleTally]:
        return tally(self.plan, self.results)

    def coverage(self) -> tuple[int, int]:
        """(rules with a passing compliant and a passing violating case, rules in the pack)."""
        t = self.tallies()
        ids = list(dict.fromkeys(r.id for r in self.plan.rules))  # a versioned rule once
        return sum(1 for rid in ids if t[rid].covered), len(ids)


def coverage_line(covered: int, total: int) -> str:
    return f"rule coverage: {covered}/{total} rules with passing compliant and violating cases"


def _verdict(t: RuleTally) -> str:
    if t.passed < t.cases:
        return "FAIL"
    if not t.cases:
        return "no cases"
    missing = [
        what
        for what, n in (("compliant", t.compliant_passed), ("violating", t.violating_passed))
        if not n
    ]
    return f"no {' or '.join(missing)} case" if missing else "ok"


def render_text(run: TestRun) -> str:
    lines: list[str] = []
    for res in run.failed:
        lines.append(f"FAIL {res.case.display} [{res.evaluator}]")
        lines += [f"  {m}" for m in res.messages()]
    if lines:
        lines.append("")
    tallies = run.tallies()
    shown = {rid: t for rid, t in tallies.items() if t.cases}
    width = max((len(rid) for rid in shown), default=4)
    lines.append(f"{'rule':<{width}}  {'cases':>7}  {'compliant':>9}  {'violating':>9}  result")
    for rid, t in shown.items():
        lines.append(
            f"{rid:<{width}}  {f'{t.passed}/{t.cases}':>7}  "
            f"{f'{t.compliant_passed}/{t.compliant}':>9}  "
            f"{f'{t.violating_passed}/{t.violating}':>9}  {_verdict(t)}"
        )
    untested = [rid for rid, t in tallies.items() if not t.cases]
    if untested:
        listed = ", ".join(untested) if len(untested) <= 10 else "--format json lists them"
        lines.append(f"{len(untested)} rules have no case ({listed})")
    n = len(run.results)
    bad = len(run.failed)
    lines += [
        "",
        f"{n} case runs on {', '.join(run.evaluators)}: {n - bad} passed, {bad} failed, "
        f"{len(run.invalid)} invalid",
        coverage_line(*run.coverage()),
    ]
    return "\n".join(lines) + "\n"


def to_json(run: TestRun) -> str:
    covered, total = run.coverage()
    rules: dict[str, Any] = {
        rid: {
            "cases": t.cases,
            "passed": t.passed,
            "compliant": {"cases": t.compliant, "passed": t.compliant_passed},
            "violating": {"cases": t.violating, "passed": t.violating_passed},
            "covered": t.covered,
        }
        for rid, t in run.tallies().items()
    }
    data = {
        "pack": run.plan.pack,
        "evaluators": list(run.evaluators),
        "cases": {
            "runs": len(run.results),
            "passed": len(run.results) - len(run.failed),
            "failed": len(run.failed),
            "invalid": len(run.invalid),
        },
        "coverage": {"rules": total, "covered": covered},
        "rules": rules,
        "failures": [
            {"case": r.case.display, "evaluator": r.evaluator, "problems": r.messages()}
            for r in run.failed
        ],
        "invalid": [
            {"code": d.code, "location": str(d.span) if d.span else None, "message": d.message}
            for d in run.invalid
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
