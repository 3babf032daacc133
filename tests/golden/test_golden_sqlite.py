"""The whole golden corpus through a SQLite database: every case's facts written with
``facts.db_io.write_database``, read back with ``load_database`` (the path ``check
sqlite:///…`` takes) and evaluated as the tables they are; each case's expectations must hold,
and the whole report must be the batch evaluator's on the case's fact files, run record (facts
digest) included.

``pytest tests/golden -k sqlite`` runs these alone.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from tests.golden.conftest import GOLDEN, RULES, first_difference

from hezhang_rules.compile import Plan
from hezhang_rules.facts import FactSet
from hezhang_rules.findings import Report
from hezhang_rules.testing import cases
from hezhang_rules.testing.pytest_plugin import CaseSuite, record_result
from hezhang_rules.waivers import Waivers

pytest.importorskip("adbc_driver_sqlite")

CASES = sorted(p for p in GOLDEN.rglob("*") if cases.is_case_file(p, GOLDEN))


def through_sqlite(
    plan: Plan, facts: FactSet, as_of: dt.date, waivers: Waivers | None = None, /
) -> Report:
    """The columnar engine over the case's facts as read back from a SQLite file, held to the
    batch evaluator's findings on the same facts."""
    from hezhang_rules.columnar import evaluate_tables
    from hezhang_rules.dburl import parse_db_url
    from hezhang_rules.facts.db_io import load_database, write_database

    with tempfile.TemporaryDirectory() as folder:
        db = parse_db_url(f"sqlite:///{Path(folder) / 'facts.db'}")
        write_database(facts, db)
        tables = load_database(db)
        got = evaluate_tables(plan, tables, as_of, waivers=waivers).to_report()
    want = cases.EVALUATORS[cases.DEFAULT_EVALUATOR](plan, facts, as_of, waivers)
    if got != want:
        raise AssertionError(f"sqlite disagrees with batch: {first_difference(got, want)}")
    assert got.run.facts_digest == tables.digest() == facts.digest()
    return got


SUITE = CaseSuite(GOLDEN, RULES, {"sqlite": through_sqlite})


def test_the_corpus_is_found() -> None:
    assert len(CASES) >= 200, f"{len(CASES)} case files under {GOLDEN}"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.relative_to(GOLDEN).as_posix())
def test_case_sqlite(path: Path, request: pytest.FixtureRequest) -> None:
    case = cases.load_case(path, SUITE.display(path), SUITE.runner.limits)
    result = SUITE.runner.run(case, "sqlite", through_sqlite)
    record_result(request.config, SUITE, result)
    assert result.passed, "\n".join(result.messages())
