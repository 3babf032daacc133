"""The public API is what ``hezhang_rules`` re-exports; this pins it (a change is deliberate)."""

from __future__ import annotations

import json
from pathlib import Path

import hezhang_rules as hz
from hezhang_rules.schemas import SCHEMA_FILES, schema_for

ROOT = Path(__file__).resolve().parents[2]


def test_all_is_sorted_and_complete() -> None:
    assert len(set(hz.__all__)) == len(hz.__all__)  # order: ruff RUF022 keeps it sorted
    for name in hz.__all__:
        assert hasattr(hz, name), name
    assert "evaluate" in hz.__all__ and "load_rules" in hz.__all__


def test_pinned_names() -> None:
    assert set(hz.__all__) >= {
        "Appointment",
        "FactSet",
        "Finding",
        "Inspection",
        "Meeting",
        "Monitor",
        "MonitorEvent",
        "Report",
        "RuleLoadError",
        "FactLoadError",
        "compile_rules",
        "evaluate",
        "facts_from_models",
        "load_facts",
        "load_rules",
        "__version__",
    }


def test_published_schemas_are_current() -> None:
    """schemas/*.json are generated from the models; regenerate with `hezhang-rules schema`."""
    for which, name in SCHEMA_FILES.items():
        published = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
        assert published == schema_for(which), f"schemas/{name} is stale"


def test_py_typed_ships() -> None:
    assert (Path(hz.__file__).parent / "py.typed").is_file()
