"""pytest plugin: case files as tests, on every evaluator, with a rule-coverage line.

Installed with the package: the entry point ``pytest11`` is the small module
:mod:`hezhang_rules_pytest`, which registers the ini options and loads this module only in a
project that sets ``hezhang_cases`` (a project that does not pays nothing, docs/testing.md). It
collects nothing until told where the cases are, in either of two ways:

* in ``pytest.ini`` / ``pyproject.toml`` (``[tool.pytest.ini_options]``)::

      hezhang_cases = tests/cases          # directories of case files
      hezhang_rules = rules/mytown         # the rule pack (default: the bundled pack)

* or in a ``conftest.py``, which also chooses the evaluators::

      from hezhang_rules.testing.pytest_plugin import CaseSuite
      SUITE = CaseSuite(Path(__file__).parent, "rules/mytown", {"batch": hz.evaluate})

      def pytest_collect_file(parent, file_path):
          return SUITE.collect(parent, file_path)

Each case file becomes one test per evaluator (``case.yaml::batch``). The run uses the same
runner as ``hezhang-rules test`` (:mod:`hezhang_rules.testing.cases`). At the end the terminal
summary prints, per evaluator, ``rule coverage: N/M rules with passing compliant and violating
cases``, computed from the cases that ran.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from hezhang_rules.diagnostics import HezhangError
from hezhang_rules.rules.packs import resolve_rules
from hezhang_rules.source import DEFAULT_LIMITS, Limits
from hezhang_rules.testing.cases import (
    DEFAULT_EVALUATOR,
    EVALUATORS,
    Case,
    CaseResult,
    Evaluator,
    Runner,
    is_case_file,
    load_case,
    tally,
)
from hezhang_rules.testing.results import coverage_line

_SUITES = pytest.StashKey[dict[Path, "CaseSuite"]]()
_RESULTS = pytest.StashKey[list[tuple["CaseSuite", CaseResult]]]()
_PRINTED = pytest.StashKey[bool]()


class CaseSuite:
    """Case files under ``root``, run against the pack in ``rules`` on ``evaluators``
    (default: the batch evaluator alone; ``cases.EVALUATORS`` holds every one).

    ``evaluators`` is read when each file is collected, so a conftest may add to the mapping it
    passed after creating the suite.
    """

    def __init__(
        self,
        root: str | Path,
        rules: str | Path,
        evaluators: Mapping[str, Evaluator] | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.root = Path(root).resolve()
        self.runner = Runner(rules, limits)
        default = {DEFAULT_EVALUATOR: EVALUATORS[DEFAULT_EVALUATOR]}
        self.evaluators = evaluators if evaluators is not None else default

    def collect(self, parent: pytest.Collector, file_path: Path) -> CaseFile | None:
        if is_case_file(file_path.resolve(), self.root):
            return CaseFile.from_parent(parent, path=file_path, suite=self)
        return None

    def display(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)


class CaseFile(pytest.File):
    def __init__(self, *, suite: CaseSuite, **kw: Any) -> None:
        super().__init__(**kw)
        self.suite = suite

    def collect(self) -> Iterator[pytest.Item]:
        for name in self.suite.evaluators:
            yield CaseItem.from_parent(self, name=name, evaluator=name)


class CaseMismatch(Exception):
    """The findings differ from the case's expectations."""


class CaseItem(pytest.Item):
    def __init__(self, *, evaluator: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.evaluator = evaluator
        parent = self.parent
        assert isinstance(parent, CaseFile)
        self.suite = parent.suite

    def runtest(self) -> None:
        case: Case = load_case(self.path, self.suite.display(self.path), self.suite.runner.limits)
        fn = self.suite.evaluators[self.evaluator]
        result = self.suite.runner.run(case, self.evaluator, fn)
        record_result(self.config, self.suite, result)
        if not result.passed:
            raise CaseMismatch(result.messages())

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        head = f"{self.suite.display(self.path)} [{self.evaluator}]:\n  "
        if isinstance(excinfo.value, CaseMismatch):
            return head + "\n  ".join(excinfo.value.args[0])
        if isinstance(excinfo.value, HezhangError):
            return head + "\n  ".join(d.render() for d in excinfo.value.diagnostics)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"case: {self.suite.display(self.path)} [{self.evaluator}]"


def _configured_suites(config: pytest.Config) -> dict[Path, CaseSuite]:
    if _SUITES not in config.stash:
        suites: dict[Path, CaseSuite] = {}
        roots = config.getini("hezhang_cases") or []
        if roots:
            named = config.getini("hezhang_rules")
            rules_path = resolve_rules(named or None)
            if named and not rules_path.is_absolute():
                rules_path = config.rootpath / rules_path
            for root in roots:
                suite = CaseSuite(root, rules_path)
                suites[suite.root] = suite
        config.stash[_SUITES] = suites
    return config.stash[_SUITES]


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> CaseFile | None:
    for suite in _configured_suites(parent.config).values():
        found = suite.collect(parent, file_path)
        if found is not None:
            return found
    return None


def record_result(config: pytest.Config, suite: CaseSuite, result: CaseResult) -> None:
    """Count ``result`` in the rule-coverage line printed at the end of the session (for a test
    that runs cases itself, as the bundled corpus's parametrized test does)."""
    config.stash.setdefault(_RESULTS, []).append((suite, result))


def coverage_lines(results: list[tuple[CaseSuite, CaseResult]]) -> list[str]:
    """One line per suite and evaluator: rules with passing compliant and violating cases."""
    groups: dict[tuple[int, str], tuple[CaseSuite, list[CaseResult]]] = {}
    for suite, res in results:
        groups.setdefault((id(suite), res.evaluator), (suite, []))[1].append(res)
    lines = []
    for (_, evaluator), (suite, group) in groups.items():
        plan = suite.runner.plan()
        tallies = tally(plan, group)
        covered = sum(1 for r in plan.rules if tallies[r.id].covered)
        where = f"{suite.root.name}, {evaluator}"
        lines.append(f"{coverage_line(covered, plan.rule_count)} ({where})")
    return lines


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Print the rule coverage of the cases that ran (once, however often registered)."""
    results = config.stash.get(_RESULTS, [])
    if not results or config.stash.get(_PRINTED, False):
        return
    config.stash[_PRINTED] = True
    for line in coverage_lines(results):
        terminalreporter.write_line(line)
