"""The golden corpus (the bundled pack's ``cases/``) on every evaluator: ``test_golden_cases.py``.

Every evaluator of the one registry (``hezhang_rules.testing.cases.EVALUATORS``: batch, columnar,
monitor) runs every case, under the test id ``art016/….yaml::columnar``. Besides the case's
expectations, each evaluator other than batch must give the batch evaluator's whole report (every
finding of every rule, those of the rules the case ignores too, in the same order, with the same
run record).

A case file is readable without the engine's code (OpenFisca-style)::

    description: 河长上半年未巡查 — a river chief with no inspection in H1 is in violation
    world: _worlds/district.yaml        # optional base facts, relative to tests/golden
    as_of: 2021-07-01
    parameters: {art016.river_chief_period: quarter}   # optional overrides
    facts:                              # added to the world's facts
      inspections: [...]
    ignore: [art005.*, art006.*]        # rules or articles whose findings are not checked
    expect:                             # every finding of every other rule, no others
      - id: art016.river_chief_half_yearly_inspection/p-li/2021-H1
        status: violated
        holder: {kind: person, id: p-li, name: 李华}
        period: {start: 2021-01-01, end: 2021-06-30, label: 2021-H1}
        due: 2021-06-30                 # null: none
        evidence: [appt-li]             # the deciding fact ids, exactly ([]: none)
        message: {zh: …, en: …}         # optional: both texts, exactly

Files and directories whose names start with ``_`` are worlds, not cases.

The format and the runner are the package's (``hezhang_rules.testing.cases``), shared with
``hezhang-rules test tests/golden`` and the pytest plugin ``hezhang_rules.testing.pytest_plugin``,
which also prints the rule coverage of the cases that ran at the end of the session.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from hezhang_rules.compile import Plan
from hezhang_rules.facts import FactSet
from hezhang_rules.findings import Report
from hezhang_rules.rules.packs import DEFAULT_PACK, pack_path
from hezhang_rules.testing import cases
from hezhang_rules.testing.pytest_plugin import CaseSuite
from hezhang_rules.testing.pytest_plugin import (
    pytest_terminal_summary as pytest_terminal_summary,  # printed once, plugin or not
)
from hezhang_rules.waivers import Waivers

RULES = Path(os.environ.get("HEZHANG_RULES_DIR") or pack_path(DEFAULT_PACK))
"""The pack under test; HEZHANG_RULES_DIR points the corpus at a scratch copy while editing."""
GOLDEN = pack_path(DEFAULT_PACK) / "cases"
"""The bundled pack's golden cases: they ship inside the package (``hezhang-rules test`` runs
them from an installed wheel); ``test_golden_cases.py`` here runs each on every evaluator."""


def agreeing_with_batch(name: str, fn: cases.Evaluator) -> cases.Evaluator:
    """``fn``, failing unless its whole report equals the batch evaluator's on the same input."""
    batch = cases.EVALUATORS[cases.DEFAULT_EVALUATOR]

    def run(
        plan: Plan, facts: FactSet, as_of: dt.date, waivers: Waivers | None = None, /
    ) -> Report:
        got = fn(plan, facts, as_of, waivers)
        want = batch(plan, facts, as_of, waivers)
        if got != want:
            raise AssertionError(f"{name} disagrees with batch: {first_difference(got, want)}")
        return got

    return run


def first_difference(got: Report, want: Report) -> str:
    """Where two reports part: the first finding that differs, else the run record or summary."""
    for g, w in zip(got.findings, want.findings, strict=False):
        if g != w:
            return f"finding {g.id}: {g.model_dump(mode='json')} != {w.model_dump(mode='json')}"
    if len(got.findings) != len(want.findings):
        return f"{len(got.findings)} findings, batch has {len(want.findings)}"
    return (
        f"run {got.run} / summary {got.summary} / waivers {got.waivers} != "
        f"{want.run} / {want.summary} / {want.waivers}"
    )


EVALUATORS: dict[str, cases.Evaluator] = {
    name: fn if name == cases.DEFAULT_EVALUATOR else agreeing_with_batch(name, fn)
    for name, fn in cases.EVALUATORS.items()
}
"""Every registered evaluator, the others held to batch's whole report."""

SUITE = CaseSuite(GOLDEN, RULES, EVALUATORS)
"""The corpus with its runner, shared by every test of this folder."""


@pytest.fixture(scope="session")
def golden_suite() -> CaseSuite:
    """:data:`SUITE`: the golden cases, the pack under test and every evaluator."""
    return SUITE
