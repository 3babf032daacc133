"""The example platform (examples/platform/river_platform.py, docs/platform.md).

The platform's database, once every day is written, holds exactly the example district's facts
(read back through the layout of ``db_layout``, independently of how the script wrote them);
its run audits the database monthly into a findings store, and its last audit is the report of
``check`` on the example's fact files, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import hezhang_rules as hz
from hezhang_rules.facts.db_layout import FACT_SCHEMA_VERSION, META_TABLE, is_json
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.facts.schema import model_fields

SCRIPT = Path(__file__).parents[2] / "examples" / "platform" / "river_platform.py"


@pytest.fixture(scope="module")
def platform() -> ModuleType:
    spec = importlib.util.spec_from_file_location("river_platform", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_back(db: Path) -> dict[str, list[dict[str, Any]]]:
    """Every fact table of ``db`` as rows by kind, each column decoded by the layout (JSON
    text parsed, 0/1 as yes/no for a boolean field), NULL as not stated."""
    con = sqlite3.connect(db)
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, model in FACT_KINDS.items():
        shapes = model_fields(model)
        cur = con.execute(f'SELECT * FROM "{kind}"')
        names = [c[0] for c in cur.description]
        assert names == list(shapes), kind  # the layout's columns, in the model's order
        rows = []
        for values in cur:
            row: dict[str, Any] = {}
            for name, value in zip(names, values, strict=True):
                shape = shapes[name]
                if value is None:
                    continue
                if is_json(shape):
                    value = json.loads(value)
                elif shape.scalar is bool:
                    value = bool(value)
                row[name] = value
            rows.append(row)
        if rows:
            out[kind] = rows
    assert con.execute(f'SELECT value FROM "{META_TABLE}"').fetchall() == [(FACT_SCHEMA_VERSION,)]
    con.close()
    return out


def test_database_holds_the_example_once_every_day_is_written(
    platform: ModuleType, tmp_path: Path
) -> None:
    first = dt.date(2020, 12, 29)
    by_day = platform.daily_rows(first)
    assert min(by_day) == first and max(by_day) <= platform.LAST_DAY
    con = platform.create_database(tmp_path / "platform.db")
    half = sorted(by_day)[len(by_day) // 2]
    for day in sorted(by_day):
        platform.write_day(con, by_day[day])
        if day == half:  # a day's records are in the database from that day on, not before
            seen = hz.facts_from_records(read_back(tmp_path / "platform.db"))
            assert len(seen) > 0 and all((f.fact_date() or first) <= half for f in seen)
    con.close()
    example = hz.load_facts(platform.EXAMPLE_FILES)
    stored = hz.facts_from_records(read_back(tmp_path / "platform.db"))
    # Equal records (a number the YAML wrote as 30000 reads back from a REAL column as 30000.0:
    # the same value, so compared as values, not as digests of their text).
    assert list(stored) == list(example)


def test_audit_days_are_month_ends(platform: ModuleType) -> None:
    days = platform.month_ends(dt.date(2020, 12, 29), dt.date(2022, 1, 10))
    assert days[0] == dt.date(2020, 12, 31) and days[-1] == dt.date(2022, 1, 10)
    assert dt.date(2021, 2, 28) in days and len(days) == 14
    assert all((d + dt.timedelta(days=1)).day == 1 for d in days[:-1])


def test_the_platform_refuses_a_folder_in_use(platform: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "kept.txt").write_text("x")
    with pytest.raises(SystemExit):
        platform.main(["--out", str(tmp_path)])
    assert [p.name for p in tmp_path.iterdir()] == ["kept.txt"]


def test_the_platform_run_audits_monthly_into_a_store(tmp_path: Path) -> None:
    """Needs ``check sqlite:///…``, ``--store``, ``history`` and ``diff --store``."""
    out = tmp_path / "run"
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert run.returncode == 0, run.stderr
    audits = sorted((out / "audits").glob("*.json"))
    assert len(audits) == 14
    last_day = audits[-1].stem
    expected = tmp_path / "files.json"
    check = subprocess.run(
        [
            sys.executable,
            "-m",
            "hezhang_rules.cli",
            "check",
            *map(str, sorted((hz.pack_path("qinghemen") / "example").glob("*.yaml"))),
            "--as-of",
            last_day,
            "--format",
            "json",
            "--output",
            str(expected),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode in (0, 1), check.stderr
    audited, checked = (json.loads(p.read_text(encoding="utf-8")) for p in (audits[-1], expected))
    # The findings first (a clearer failure), then the whole report, facts digest included.
    assert audited["findings"] == checked["findings"]
    assert audited["summary"] == checked["summary"]
    assert audits[-1].read_bytes() == expected.read_bytes()
    history = run.stdout
    for report in audits:
        assert report.stem in history, f"history does not list the audit as of {report.stem}"
