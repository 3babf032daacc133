"""JSON Schemas for rule files, pack files, fact files, waiver files and reports (published in
schemas/).

Each schema's ``$id`` is a URN, ``urn:hezhang-rules:schema:<which>``: stable, and free of a web
address the project does not own. The report's carries the report's ``schema_version``
(``urn:hezhang-rules:schema:report:2.0``), so a consumer can tell which shape it validates
against; it changes only when the report's shape changes incompatibly.

The report schema covers every machine-read report: its root is the ``json`` report;
``#/$defs/ReportHeader`` is the ``jsonl`` report's first line (and the value stored in the
Parquet report's metadata), ``#/$defs/Finding`` each later ``jsonl`` line, and
``#/$defs/ParquetMetadata`` the Parquet file's key-value metadata.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, create_model

from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.findings import HEADER_KEY, SCHEMA_VERSION, Report
from hezhang_rules.rules.model import PackFile, RuleFile
from hezhang_rules.waivers import WaiverFile

SCHEMA_FILES = {
    "rule-file": "rule-file.schema.json",
    "pack-file": "pack-file.schema.json",
    "report": "report.schema.json",
    "facts": "facts.schema.json",
    "waiver-file": "waiver-file.schema.json",
}

SCHEMA_IDS = {
    "rule-file": "urn:hezhang-rules:schema:rule-file",
    "pack-file": "urn:hezhang-rules:schema:pack-file",
    "report": f"urn:hezhang-rules:schema:report:{SCHEMA_VERSION}",
    "facts": "urn:hezhang-rules:schema:facts",
    "waiver-file": "urn:hezhang-rules:schema:waiver-file",
}
"""Each schema's ``$id``; only the report's shape has a version of its own."""

REPORT_DESCRIPTION = (
    "A hezhang-rules report. The root is the `json` report (`check --format json`). "
    "`#/$defs/ReportHeader` is the first line of the `jsonl` report, and the JSON text stored "
    f"under the Parquet report's metadata key `{HEADER_KEY}`; every later `jsonl` line is a "
    "`#/$defs/Finding`. `#/$defs/ParquetMetadata` is the Parquet report's key-value metadata."
)


def _facts_model() -> type[BaseModel]:
    fields: dict[str, Any] = {
        kind: (list[model] | None, None)  # type: ignore[valid-type]
        for kind, model in sorted(FACT_KINDS.items())
    }
    return create_model("FactFile", **fields)


def schema_for(which: str) -> dict[str, Any]:
    """The JSON Schema of ``which`` (rule-file, pack-file, report, facts, waiver-file)."""
    models: dict[str, type[BaseModel]] = {
        "rule-file": RuleFile,
        "pack-file": PackFile,
        "report": Report,
        "facts": _facts_model(),
        "waiver-file": WaiverFile,
    }
    if which == "report":
        schema = _report_schema()
    else:
        schema = models[which].model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_IDS[which]
    return schema


def _report_schema() -> dict[str, Any]:
    """The ``json`` report's schema, with the ``jsonl`` header and the Parquet metadata beside
    it in ``$defs``. The header is the report without its findings (``findings.header_line``
    writes every other field, ``schema_version`` included), so it is derived from the report's
    own schema rather than written a second time."""
    schema = Report.model_json_schema(by_alias=True, mode="serialization")
    # the roll-up per answerer is counted from the findings: only the `json` report has it
    left_out = ("findings", "responsibility")
    fields = {k: v for k, v in schema["properties"].items() if k not in left_out}
    schema["$defs"]["ReportHeader"] = {
        "title": "ReportHeader",
        "description": "The first line of the `jsonl` report and the Parquet report's "
        f"`{HEADER_KEY}` metadata: every field of the report except its findings and the "
        "roll-up per answerer (`responsibility`).",
        "type": "object",
        "properties": fields,
        "required": sorted(fields),
        "additionalProperties": False,
    }
    schema["$defs"]["ParquetMetadata"] = {
        "title": "ParquetMetadata",
        "description": "The Parquet report's key-value metadata. The writer may add keys of "
        "its own (`ARROW:schema`); every value is text.",
        "type": "object",
        "properties": {
            HEADER_KEY: {
                "type": "string",
                "description": "The `jsonl` report's header line, as JSON text.",
                "contentMediaType": "application/json",
                "contentSchema": {"$ref": "#/$defs/ReportHeader"},
            }
        },
        "required": [HEADER_KEY],
        "additionalProperties": {"type": "string"},
    }
    schema["description"] = REPORT_DESCRIPTION
    return schema
