"""The Parquet report: the jsonl report's findings as columns, the same bytes from either engine.

Each row must say what the finding's JSON line says (texts unescaped, dates as dates, details
as their JSON text), the header must be the ``jsonl`` header line, and the file must not depend
on the engine, the order of the facts or the file format they came in.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import hezhang_rules as hz
from hezhang_rules.columnar import Tables, evaluate_tables, frames_from_facts, write_tables
from hezhang_rules.evaluate import evaluate
from hezhang_rules.findings import report_lines
from hezhang_rules.report import render_report
from hezhang_rules.report.parquet import (
    HEADER_KEY,
    read_parquet_report,
    report_parquet,
    write_columnar,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
AS_OF = dt.date(2022, 1, 10)

sys.path.insert(0, str(Path(__file__).parent))
from test_lines import _renamed  # noqa: E402  (the example district with names to escape)


@pytest.fixture(scope="module")
def plan() -> hz.Plan:
    return hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))


def _as_json(row: dict[str, Any]) -> dict[str, Any]:
    """A Parquet report row as its JSON line reads."""

    def day(v: dt.date | None) -> str | None:
        return None if v is None else v.isoformat()

    a = row["answerable"]
    return {
        **row,
        "answerable": {**a, "basis": {**a["basis"], "on": day(a["basis"]["on"])}},
        "details": json.loads(row["details"]),
        "due": day(row["due"]),
        "period": {
            **row["period"],
            "start": day(row["period"]["start"]),
            "end": day(row["period"]["end"]),
        },
    }


def _columnar_bytes(plan: hz.Plan, tables: Tables) -> tuple[bytes, Any]:
    result = evaluate_tables(plan, tables, AS_OF)
    buf = io.BytesIO()
    write_columnar(result, buf)
    return buf.getvalue(), result.run


def test_rows_say_what_the_lines_say_and_engines_agree(plan: hz.Plan, tmp_path: Path) -> None:
    # Names with quotes, backslashes and control characters: the columns hold them unescaped.
    facts = _renamed(hz.load_facts([EXAMPLE]))
    got, run = _columnar_bytes(plan, Tables.from_facts(facts))
    batch = evaluate(plan, facts, AS_OF).model_copy(update={"run": run})
    want = io.BytesIO()
    report_parquet(batch, plan, want)
    assert got == want.getvalue()  # byte for byte, whichever engine found the findings

    path = tmp_path / "r.parquet"
    path.write_bytes(got)
    header, rows = read_parquet_report(path)
    lines = list(report_lines(batch))
    assert header == json.loads(lines[0])
    assert rows.height == len(lines) - 1 == batch.summary.total
    assert [_as_json(r) for r in rows.iter_rows(named=True)] == [json.loads(x) for x in lines[1:]]
    names = set(rows.get_column("holder").struct.field("name").to_list())
    assert any('"' in n for n in names) and any("\x01" in n for n in names)


def test_the_same_bytes_whatever_the_order_and_format_of_the_facts(
    plan: hz.Plan, tmp_path: Path
) -> None:
    facts = hz.load_facts([EXAMPLE])
    frames = frames_from_facts(facts)
    write_tables(frames, tmp_path / "a", "parquet")
    shuffled = {k: f.sample(fraction=1.0, shuffle=True, seed=5) for k, f in frames.items()}
    write_tables(shuffled, tmp_path / "b", "jsonl")
    out = []
    for folder in ("a", "b"):
        for engine in ("columnar", "records"):
            target = tmp_path / f"{folder}-{engine}.parquet"
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "hezhang_rules.cli",
                    "check",
                    str(tmp_path / folder),
                    "--as-of",
                    "2022-01-10",
                    "--format",
                    "parquet",
                    "--engine",
                    engine,
                    "--output",
                    str(target),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            assert proc.returncode == 1, proc.stderr  # the example has violations
            out.append(target.read_bytes())
    assert all(x == out[0] for x in out)
    # the YAML fact files themselves (the records path, through render_report): same findings
    report = evaluate(plan, facts, AS_OF)
    data = render_report(report, plan, "parquet")
    assert isinstance(data, bytes)
    path = tmp_path / "yaml.parquet"
    path.write_bytes(data)
    _, rows = read_parquet_report(path)
    _, again = read_parquet_report(tmp_path / "a-columnar.parquet")
    assert rows.equals(again)


def test_row_groups_are_cut_across_rules(
    plan: hz.Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row groups are cut at ROW_GROUP findings whatever the frames handed over: here rules
    are split across groups and groups across rules, and the rows are the same."""
    from hezhang_rules.report import parquet as output

    facts = hz.load_facts([EXAMPLE])
    result = evaluate_tables(plan, Tables.from_facts(facts), AS_OF)
    whole = tmp_path / "whole.parquet"
    write_columnar(result, whole)
    small = tmp_path / "small.parquet"
    monkeypatch.setattr(output, "ROW_GROUP", 7)
    write_columnar(result, small)
    assert pl.read_parquet(small).equals(pl.read_parquet(whole))
    meta = pl.read_parquet_metadata(small)
    assert meta[HEADER_KEY] == pl.read_parquet_metadata(whole)[HEADER_KEY]


def test_a_file_that_is_not_a_report_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    pl.DataFrame({"a": [1]}).write_parquet(path)
    with pytest.raises(ValueError, match="not a hezhang-rules report"):
        read_parquet_report(path)
