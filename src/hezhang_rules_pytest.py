"""The pytest entry point of hezhang-rules (``pytest11``): costs nothing where it is not used.

pytest loads every installed plugin in every project. This module only registers the two ini
options; the plugin itself (:mod:`hezhang_rules.testing.pytest_plugin`, which imports the
engine) is loaded when a project sets ``hezhang_cases``. benchmarks/plugin_overhead.py measures
the cost on an empty project.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("hezhang_cases", "directories of hezhang-rules case files", type="paths")
    parser.addini("hezhang_rules", "the rule pack the cases test (default: the bundled pack)")


def pytest_configure(config: pytest.Config) -> None:
    if config.getini("hezhang_cases"):
        from hezhang_rules.testing import pytest_plugin

        config.pluginmanager.register(pytest_plugin, "hezhang_rules.testing.pytest_plugin")
