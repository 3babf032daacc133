"""Shared fixtures: the repository's paths and the bundled rule pack, compiled once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import hezhang_rules as hz

# The command line speaks Chinese unless told otherwise (docs: HEZHANG_LANG). Tests written
# against its English diagnostics and help run in English; the tests of the Chinese ones
# (tests/unit/test_diagnostics_zh*.py, tests/hostile/test_diagnostics_lang.py) set it themselves.
os.environ.setdefault("HEZHANG_LANG", "en")

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def ruleset() -> hz.RuleSet:
    return hz.load_rules(RULES)


@pytest.fixture(scope="session")
def plan(ruleset: hz.RuleSet) -> hz.Plan:
    return hz.compile_rules(ruleset)
