"""JSON Schemas for rule files, pack files, fact files and reports (published in schemas/)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, create_model

from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.findings import Report
from hezhang_rules.rules.model import PackFile, RuleFile

SCHEMA_FILES = {
    "rule-file": "rule-file.schema.json",
    "pack-file": "pack-file.schema.json",
    "report": "report.schema.json",
    "facts": "facts.schema.json",
}


def _facts_model() -> type[BaseModel]:
    fields: dict[str, Any] = {
        kind: (list[model] | None, None)  # type: ignore[valid-type]
        for kind, model in sorted(FACT_KINDS.items())
    }
    return create_model("FactFile", **fields)


def schema_for(which: str) -> dict[str, Any]:
    """The JSON Schema of ``which`` (rule-file, pack-file, report, facts)."""
    models: dict[str, type[BaseModel]] = {
        "rule-file": RuleFile,
        "pack-file": PackFile,
        "report": Report,
        "facts": _facts_model(),
    }
    if which == "report":
        schema = models[which].model_json_schema(by_alias=True, mode="serialization")
    else:
        schema = models[which].model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://hezhang-rules.invalid/schemas/{SCHEMA_FILES[which]}"
    return schema
