"""``todo`` on fact tables reads the findings table, never a Python object per finding.

The province ``todo`` used to build the whole pydantic report and an audit context of every
holder (222 s and 12.8 GB against ``check``'s 8-12 s and 1.8 GB). Now it filters the to-dos
from the table with polars; here a generated world's ``todo`` must give the items the JSON
report implies while no report and no finding object is ever built, and only the to-dos'
holders are placed (benchmarks/todo.py measures the time and memory).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hezhang_rules.cli import main
from hezhang_rules.columnar.evaluate import ColumnarReport
from hezhang_rules.report import context
from hezhang_rules.report.table import FindingsTable
from hezhang_rules.synth import generate

AS_OF = "2022-01-10"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("world") / "w"
    generate(400, 2021, 5, folder, "parquet")
    return folder


def _refuse(*_: Any, **__: Any) -> Any:
    raise AssertionError("todo on fact tables built a Python object per finding")


def test_todo_on_tables_builds_no_report(
    world: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["check", str(world), "--as-of", AS_OF, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    monkeypatch.setattr(ColumnarReport, "to_report", _refuse)
    monkeypatch.setattr(FindingsTable, "report", _refuse)
    placed: list[int] = []
    real = context.holder_infos

    def holder_infos(facts: Any, holders: Any, lang: str = "zh") -> Any:
        placed.append(holders.height)
        return real(facts, holders, lang)

    monkeypatch.setattr("hezhang_rules.cli.todo.holder_infos", holder_infos)
    assert main(["todo", str(world), "--as-of", AS_OF, "--format", "json", "--within", "60"]) == 0
    doc = json.loads(capsys.readouterr().out)
    pending = [
        f for f in report["findings"] if f["status"] == "pending" and f["modality"] != "prohibition"
    ]
    assert len(pending) > 20
    assert [i["id"] for i in doc["items"]] == [
        f["id"]
        for f in sorted(pending, key=lambda f: (f["due"] or "9999", f["holder"]["id"], f["id"]))
    ]
    for item in doc["items"]:
        assert item["due_soon"] == (item["days_left"] is not None and item["days_left"] <= 60)
    # only the to-dos' holders are placed, not every holder of the report
    holders = {f["holder"]["id"] for f in pending}
    assert placed == [len(holders)] and len(holders) < len(
        {f["holder"]["id"] for f in report["findings"]}
    )
    assert {i["group"] for i in doc["items"]} >= {"township"}
