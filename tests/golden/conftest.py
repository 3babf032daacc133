"""Collects golden case files (tests/golden/**/*.yaml) and runs each on every evaluator.

A case file is readable without the engine's code (OpenFisca-style)::

    description: 河长上半年未巡查 — a river chief with no inspection in H1 is in violation
    world: _worlds/district.yaml        # optional base facts, relative to tests/golden
    as_of: 2021-07-01
    parameters: {art016.river_chief_period: quarter}   # optional overrides
    facts:                              # added to the world's facts
      inspections: [...]
    rules: [art016.river_chief_half_yearly_inspection]
    expect:                             # exactly these findings of those rules, no others
      - id: art016.river_chief_half_yearly_inspection/p-li/2021-H1
        status: violated
        evidence: [appt-li]             # optional: the deciding fact ids, exactly

Files and directories whose names start with ``_`` are worlds, not cases.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import hezhang_rules as hz
from hezhang_rules.facts.factset import FactOrigin
from hezhang_rules.facts.loader import records_from_document
from hezhang_rules.source import Document, load_document

GOLDEN = Path(__file__).resolve().parent
RULES = Path(os.environ.get("HEZHANG_RULES_DIR") or GOLDEN.parent.parent / "rules" / "qinghemen")
"""The pack under test; HEZHANG_RULES_DIR points the corpus at a scratch copy while editing."""

Evaluator = Callable[[hz.Plan, hz.FactSet, dt.date], hz.Report]
EVALUATORS: dict[str, Evaluator] = {"batch": hz.evaluate}
"""Every evaluator runs the same corpus (the live monitor joins here)."""


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yaml" and not any(
        p.startswith("_") for p in file_path.relative_to(GOLDEN).parts
    ):
        return GoldenFile.from_parent(parent, path=file_path)
    return None


class GoldenFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        for name in EVALUATORS:
            yield GoldenCase.from_parent(self, name=name, evaluator=name)


def _facts(case: dict[str, Any], path: Path) -> hz.FactSet:
    diags: list[hz.Diagnostic] = []
    origins: dict[int, FactOrigin] = {}
    records = []
    if case.get("world"):
        world = load_document(GOLDEN / case["world"])
        records += records_from_document(world, diags, origins)
    inline = Document(str(path), case.get("facts") or {})
    records += records_from_document(inline, diags, origins)
    if diags:
        raise hz.FactLoadError(diags)
    return hz.FactSet.build(records, origins)


_plans: dict[str, hz.Plan] = {}


def _plan(overrides: dict[str, Any]) -> hz.Plan:
    key = repr(sorted(overrides.items()))
    if key not in _plans:
        _plans[key] = hz.compile_rules(hz.load_rules(RULES), overrides)
    return _plans[key]


class GoldenCase(pytest.Item):
    def __init__(self, *, evaluator: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.evaluator = evaluator

    def runtest(self) -> None:
        case = load_document(self.path).data
        as_of = dt.date.fromisoformat(str(case["as_of"]))
        plan = _plan(case.get("parameters") or {})
        report = EVALUATORS[self.evaluator](plan, _facts(case, self.path), as_of)
        rules = set(case["rules"])
        unknown = rules - {r.id for r in plan.rules}
        assert not unknown, f"case names unknown rules {sorted(unknown)}"
        got = {f.id: f for f in report.findings if f.rule_id in rules}
        want = {e["id"]: e for e in case["expect"]}
        problems = []
        for fid in sorted(set(want) | set(got)):
            if fid not in got:
                problems.append(f"missing finding {fid} (expected {want[fid]['status']})")
            elif fid not in want:
                problems.append(f"unexpected finding {fid}: {got[fid].status}")
            else:
                w, g = want[fid], got[fid]
                if g.status != w["status"]:
                    problems.append(
                        f"{fid}: expected {w['status']}, got {g.status} — {g.message.en}"
                    )
                if "evidence" in w and sorted(w["evidence"]) != g.evidence:
                    problems.append(
                        f"{fid}: evidence {g.evidence}, expected {sorted(w['evidence'])}"
                    )
                if "due" in w and str(w["due"]) != str(g.due):
                    problems.append(f"{fid}: due {g.due}, expected {w['due']}")
        if problems:
            raise GoldenMismatch(problems)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, GoldenMismatch):
            return f"{self.path.name} [{self.evaluator}]:\n  " + "\n  ".join(excinfo.value.args[0])
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"golden: {self.path.relative_to(GOLDEN)} [{self.evaluator}]"


class GoldenMismatch(Exception):
    pass
