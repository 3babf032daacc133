"""Every golden case of the bundled pack, on every registered evaluator.

The cases ship inside the package (``src/hezhang_rules/packs/qinghemen/cases``), outside this
folder, so they are parametrized here rather than collected as files: the test id is the case's
path inside ``cases/`` and the evaluator, e.g. ``test_case[art016/x.yaml-columnar]``
(``pytest tests/golden -k batch`` runs them on the batch evaluator only).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hezhang_rules.rules.packs import DEFAULT_PACK, pack_path
from hezhang_rules.testing.cases import EVALUATORS, is_case_file, load_case
from hezhang_rules.testing.pytest_plugin import CaseSuite, record_result

GOLDEN = pack_path(DEFAULT_PACK) / "cases"
CASES = sorted(p for p in GOLDEN.rglob("*") if is_case_file(p, GOLDEN))


def test_the_corpus_is_found() -> None:
    """A moved or emptied cases folder fails here, not by running no case at all."""
    assert len(CASES) >= 200, f"{len(CASES)} case files under {GOLDEN}"


@pytest.mark.parametrize("evaluator", list(EVALUATORS))
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.relative_to(GOLDEN).as_posix())
def test_case(
    path: Path, evaluator: str, golden_suite: CaseSuite, request: pytest.FixtureRequest
) -> None:
    suite = golden_suite
    case = load_case(path, suite.display(path), suite.runner.limits)
    result = suite.runner.run(case, evaluator, suite.evaluators[evaluator])
    record_result(request.config, suite, result)
    assert result.passed, "\n".join(result.messages())
