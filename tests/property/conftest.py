"""Hypothesis settings for the property suite, and the bundled pack compiled once.

Two profiles, chosen by the environment variable ``HYPOTHESIS_PROFILE``:

* ``fast`` (the default): every property at its default number of examples, so
  ``pytest tests/property`` stays under a minute;
* ``slow``: ten times as many (``HYPOTHESIS_PROFILE=slow pytest tests/property``), for a
  nightly run or before a release.

Each property asks for ``examples(n)``: n in the fast profile, 10·n in the slow one. Failing
examples are kept in ``.hypothesis/`` and replayed first next time.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import hezhang_rules as hz

ROOT = Path(__file__).resolve().parents[2]

settings.register_profile(
    "fast",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile("slow", settings.get_profile("fast"), max_examples=1000)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "fast")
settings.load_profile(PROFILE)
SCALE = 10 if PROFILE == "slow" else 1


@pytest.fixture(scope="session")
def full_plan() -> hz.Plan:
    return hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))
