"""Tools for testing rule packs: hypothesis strategies, case files under pytest, fact files.

* :mod:`hezhang_rules.testing.strategies` — valid worlds for property tests (needs the
  ``testing`` extra: hypothesis). Its names are importable from here too::

      from hezhang_rules.testing import worlds, as_of_dates

* :mod:`hezhang_rules.testing.pytest_plugin` — case files as pytest tests (needs pytest).
* :mod:`hezhang_rules.testing.files` — facts and rule files written back to YAML/JSON.

Nothing is imported until used, so ``import hezhang_rules.testing`` needs neither hypothesis
nor pytest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hezhang_rules.testing.strategies import (
        DEFAULT_WINDOW,
        STRUCTURE,
        as_of_dates,
        default_window,
        extra_facts,
        kinds_for,
        partitions,
        shuffled,
        worlds,
        worlds_and_dates,
    )

__all__ = [
    "DEFAULT_WINDOW",
    "STRUCTURE",
    "as_of_dates",
    "default_window",
    "extra_facts",
    "kinds_for",
    "partitions",
    "shuffled",
    "worlds",
    "worlds_and_dates",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from hezhang_rules.testing import strategies

        return getattr(strategies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
