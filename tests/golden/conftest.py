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

The format and the runner are the package's (``hezhang_rules.testing.cases``), shared with
``hezhang-rules test tests/golden`` and the pytest plugin ``hezhang_rules.testing.pytest_plugin``,
which also prints the rule coverage of the cases that ran at the end of the session.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hezhang_rules.testing import cases
from hezhang_rules.testing.pytest_plugin import CaseFile, CaseSuite
from hezhang_rules.testing.pytest_plugin import (
    pytest_terminal_summary as pytest_terminal_summary,  # printed once, plugin or not
)

GOLDEN = Path(__file__).resolve().parent
RULES = Path(os.environ.get("HEZHANG_RULES_DIR") or GOLDEN.parent.parent / "rules" / "qinghemen")
"""The pack under test; HEZHANG_RULES_DIR points the corpus at a scratch copy while editing."""

EVALUATORS: dict[str, cases.Evaluator] = dict(cases.EVALUATORS)
"""Every evaluator runs the same corpus (the live monitor joins here: EVALUATORS["monitor"])."""

SUITE = CaseSuite(GOLDEN, RULES, EVALUATORS)


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> CaseFile | None:
    return SUITE.collect(parent, file_path)
