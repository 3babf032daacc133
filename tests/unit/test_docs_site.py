"""The docs site shows every page and the whole public API.

``python3 dev.py docs`` builds the site strictly (broken links and anchors fail there); these
checks are the ones a strict build does not make: mkdocstrings renders only the objects
docs/api.md names, and silently skips one that has no docstring.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path
from typing import Any

import yaml

import hezhang_rules

ROOT = Path(__file__).resolve().parents[2]
DIRECTIVE = re.compile(r"^::: (hezhang_rules(?:\.\w+)+)$", re.M)


def nav_pages(nav: list[Any]) -> set[str]:
    """The page files of an mkdocs ``nav`` (sections nest lists of ``{title: page}``)."""
    pages: set[str] = set()
    for entry in nav:
        for value in entry.values() if isinstance(entry, dict) else [entry]:
            pages |= nav_pages(value) if isinstance(value, list) else {value}
    return pages


def own_docstring(obj: object) -> str | None:
    """The docstring ``obj`` was written with; ``None`` for a class without one (a dataclass's
    generated ``Name(field, …)`` signature does not count)."""
    doc = vars(obj).get("__doc__") if inspect.isclass(obj) else inspect.getdoc(obj)
    if inspect.isclass(obj) and dataclasses.is_dataclass(obj) and doc is not None:
        return None if doc.startswith(f"{obj.__name__}(") else doc
    return doc


def test_every_page_is_in_the_nav() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = {p.name for p in (ROOT / "docs").glob("*.md")}
    assert nav_pages(config["nav"]) == pages


def test_the_api_reference_names_every_export() -> None:
    named = {
        path.rsplit(".", 1)[-1]
        for path in DIRECTIVE.findall((ROOT / "docs" / "api.md").read_text(encoding="utf-8"))
    }
    exported = set(hezhang_rules.__all__) - {"__version__"}
    assert named == exported, (sorted(exported - named), sorted(named - exported))


def test_every_exported_class_and_function_has_a_docstring() -> None:
    missing = [
        name
        for name in hezhang_rules.__all__
        if (inspect.isclass(obj := getattr(hezhang_rules, name)) or inspect.isfunction(obj))
        and not own_docstring(obj)
    ]
    assert not missing, f"the API reference would skip these: {missing}"
