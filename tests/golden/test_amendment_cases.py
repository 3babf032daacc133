"""The amendment examples (examples/amendment/) on every evaluator: dated versions and dated
parameter values (docs/rule-format.md, "Amendments and versions").

The measures have not been amended, so the bundled pack has no versions; each example is an
``art_016.yaml`` written as if they had been (a FICTIONAL amendment, labelled so in the file).
Each test copies the bundled pack to a temporary folder, puts the example's ``art_016.yaml`` (and
the text file its amended version names) in place of the pack's, and runs the example's cases
through the case runner on the batch evaluator, the columnar engine and the monitor; every
engine's whole report must equal the batch evaluator's, and the findings must name the version
that judged them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.amendment_packs import EXAMPLES, example_pack

from hezhang_rules.compile import Plan
from hezhang_rules.facts import FactSet
from hezhang_rules.findings import Report
from hezhang_rules.testing.cases import EVALUATORS, Evaluator, Runner, load_case

CASES = sorted(
    (EXAMPLES / name / "cases" / case.name, name)
    for name in ("versions", "dated_values")
    for case in (EXAMPLES / name / "cases").glob("*.yaml")
)


def _keeping(fn: Evaluator, name: str, reports: dict[str, Report]) -> Evaluator:
    """``fn``, keeping its report in ``reports[name]`` (the runner compares only the case's
    expectations; the whole reports are compared here)."""

    def run(plan: Plan, facts: FactSet, as_of: dt.date) -> Report:
        reports[name] = fn(plan, facts, as_of)
        return reports[name]

    return run


def test_the_examples_are_found() -> None:
    """Both examples have cases (a moved folder fails here, not by running nothing)."""
    assert {name for _, name in CASES} == {"versions", "dated_values"}
    assert len(CASES) >= 3


@pytest.mark.parametrize(("path", "example"), CASES, ids=lambda x: getattr(x, "name", x))
def test_case_on_every_evaluator(path: Path, example: str, tmp_path: Path) -> None:
    root = example_pack(tmp_path, example)
    runner = Runner(root)
    case = load_case(root / "cases" / "amendment" / path.name)
    plan = runner.plan(case)
    reports: dict[str, Report] = {}
    for name, fn in EVALUATORS.items():
        result = runner.run(case, name, _keeping(fn, name, reports))
        assert result.passed, f"{name}: " + "\n".join(result.messages())
    batch = reports["batch"]
    for name, report in reports.items():
        assert report == batch, f"{name}'s report differs from the batch evaluator's"
    assert batch.run.versions, "the run record lists the versions the plan judged with"
    # Every finding of a versioned rule names its version, and cites that version's rule.
    versioned = {r.id for r in plan.rules if r.version is not None}
    for f in batch.findings:
        if f.rule_id in versioned:
            rule = plan.rule(f.rule_id, f.details["version"])
            assert rule.version is not None
            anchor = f.period.start if rule.version.anchor == "start" else f.period.end
            assert rule.version.judged_from <= anchor
            assert rule.version.judged_until is None or anchor <= rule.version.judged_until
            assert f.source == rule.location
        else:
            assert "version" not in f.details


def test_amended_text_judges_after_and_the_old_text_before(tmp_path: Path) -> None:
    """The spanning half-year (2023-H1, the amendment in force from 2023-04-01) is judged under
    the 2020 text (anchor: start), the quarter after under the amended text, and their
    sources are the two versions' rules (different lines of art_016.yaml)."""
    root = example_pack(tmp_path, "versions")
    runner = Runner(root)
    case = load_case(root / "cases" / "amendment" / "judged_under_the_version_in_force.yaml")
    report = EVALUATORS["batch"](runner.plan(case), runner.facts(case), case.model.as_of)
    spanning = report.finding("art016.river_chief_half_yearly_inspection/p-rc1/2023-H1")
    after = report.finding("art016.river_chief_quarterly_inspection/p-rc1/2023-Q4")
    year_before = report.finding("art016.general_chief_annual_inspection/p-gc/2023")
    year_after = report.finding("art016.general_chief_annual_inspection/p-gc/2024")
    assert (spanning.status, spanning.details["version"]) == ("fulfilled", "2020")
    assert (after.status, after.details["version"]) == ("violated", "2023修正")
    assert year_before.details["version"] == "2020"
    assert year_after.details["version"] == "2023修正"
    assert year_before.source != year_after.source
    labels = [(v.article, v.version, v.judged_until) for v in report.run.versions]
    assert labels == [
        (16, "2020", dt.date(2023, 3, 31)),
        (16, "2023修正", None),
    ]
    amended = report.run.versions[1].amended_by
    assert amended is not None and "虚构" in amended.name
