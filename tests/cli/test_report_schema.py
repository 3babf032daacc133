"""The published report schema describes every machine-read report `check` writes.

The example audit is written as json, jsonl and parquet, from fact files (the records engine)
and from fact tables (the columnar engine), and each output is validated with jsonschema
against the part of schemas/report.schema.json that describes it, reached through the schema's
own ``$id``: the root for the json report, ``ReportHeader`` and ``Finding`` for the jsonl lines,
``ParquetMetadata`` (then ``ReportHeader`` for the text it holds) for the Parquet file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import polars as pl
import pytest
from referencing import Registry, Resource

from hezhang_rules.cli import main
from hezhang_rules.findings import HEADER_KEY, SCHEMA_VERSION
from hezhang_rules.schemas import SCHEMA_FILES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
AS_OF = "2022-01-10"
SCHEMA: dict[str, Any] = json.loads(
    (ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8")
)
SOURCES = ("fact files", "fact tables")


def validator(part: str) -> jsonschema.Draft202012Validator:
    """A validator for ``#/$defs/<part>`` (or the root, ``part=""``) of the published report
    schema, resolved through its ``$id`` as a consumer holding the file would."""
    registry = Registry().with_resource(SCHEMA["$id"], Resource.from_contents(SCHEMA))
    ref = SCHEMA["$id"] + (f"#/$defs/{part}" if part else "")
    return jsonschema.Draft202012Validator({"$ref": ref}, registry=registry)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """The example audit in json, jsonl and parquet from fact files, and in jsonl and parquet
    from the same facts as Parquet fact tables: {(source, format): file}."""
    d = tmp_path_factory.mktemp("report-schema")
    tables = d / "tables"
    assert main(["tables", str(EXAMPLE), "--out", str(tables), "--format", "parquet"]) == 0
    inputs = {"fact files": EXAMPLE, "fact tables": tables}
    paths = {}
    for source, fmt in [
        ("fact files", "json"),
        ("fact files", "jsonl"),
        ("fact files", "parquet"),
        ("fact tables", "jsonl"),
        ("fact tables", "parquet"),
    ]:
        target = d / f"{source.replace(' ', '-')}.{fmt}"
        args = ["check", str(inputs[source]), "--as-of", AS_OF, "--format", fmt]
        assert main([*args, "--output", str(target)]) == 1, "the example has violations"
        paths[source, fmt] = target
    return paths


def jsonl_lines(path: Path) -> list[str]:
    # split on \n only: U+2028 may stand raw inside a JSON string (docs/report.md)
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def test_every_published_schema_has_a_stable_urn_id() -> None:
    assert SCHEMA["$id"] == f"urn:hezhang-rules:schema:report:{SCHEMA_VERSION}"
    for which, name in SCHEMA_FILES.items():
        published = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
        assert published["$id"].startswith(f"urn:hezhang-rules:schema:{which}"), name
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_json_report_validates(written: dict[tuple[str, str], Path]) -> None:
    report = json.loads(written["fact files", "json"].read_text(encoding="utf-8"))
    validator("").validate(report)
    assert report["schema_version"] == SCHEMA_VERSION


@pytest.mark.parametrize("source", SOURCES)
def test_the_jsonl_header_and_finding_lines_validate(
    source: str, written: dict[tuple[str, str], Path]
) -> None:
    header, *findings = [json.loads(line) for line in jsonl_lines(written[source, "jsonl"])]
    validator("ReportHeader").validate(header)
    finding = validator("Finding")
    for line in findings:
        finding.validate(line)
    report = json.loads(written["fact files", "json"].read_text(encoding="utf-8"))
    assert len(findings) == len(report["findings"]) == header["summary"]["total"] > 0
    if source == "fact files":  # tables have their own facts digest (docs/report.md)
        assert header == {
            k: v for k, v in report.items() if k not in ("findings", "responsibility")
        }


@pytest.mark.parametrize("source", SOURCES)
def test_the_parquet_metadata_validates(source: str, written: dict[tuple[str, str], Path]) -> None:
    metadata = pl.read_parquet_metadata(written[source, "parquet"])
    validator("ParquetMetadata").validate(metadata)
    header = json.loads(metadata[HEADER_KEY])
    validator("ReportHeader").validate(header)
    assert metadata[HEADER_KEY] == jsonl_lines(written[source, "jsonl"])[0]


def test_the_schema_refuses_what_a_part_does_not_hold(
    written: dict[tuple[str, str], Path],
) -> None:
    """Each part is strict: a header holding findings, a finding line read as a header, a
    header missing a field and Parquet metadata without the header key are all refused."""
    report = json.loads(written["fact files", "json"].read_text(encoding="utf-8"))
    header = {k: v for k, v in report.items() if k != "findings"}
    metadata = pl.read_parquet_metadata(written["fact files", "parquet"])
    refused: list[tuple[str, Any]] = [
        ("ReportHeader", report),
        ("ReportHeader", report["findings"][0]),
        ("ReportHeader", {k: v for k, v in header.items() if k != "schema_version"}),
        ("ParquetMetadata", {k: v for k, v in metadata.items() if k != HEADER_KEY}),
        ("ParquetMetadata", {**metadata, HEADER_KEY: header}),
        ("", header),
    ]
    for part, instance in refused:
        assert not validator(part).is_valid(instance), (part, sorted(instance))
