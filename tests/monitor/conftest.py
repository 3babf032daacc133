"""The monitor suite: the bundled pack compiled once (helpers in monitor_feed.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import hezhang_rules as hz
from hezhang_rules.compile import Plan

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def plan() -> Plan:
    return hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))
