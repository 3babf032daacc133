"""The HTML report of a large generated world: bounded in size, opened by Chromium at once.

The world is the one issue 19 measured before this report was rebuilt (4,000 chiefs, 100,000
inspections, some 112,000 findings: a 421 MB page Chromium could not render in 120 s). It is
generated, evaluated by the columnar engine and rendered here (about half a minute); the
province (40,000 chiefs, 1,000,000 inspections) is measured by ``benchmarks/report_html.py``,
too slow for a test.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from tests.cli.test_browser import body_attrs, open_page

import hezhang_rules as hz
from hezhang_rules.columnar import evaluate_tables, load_tables
from hezhang_rules.report.context import AuditContext, all_titles, columns_of, holder_infos
from hezhang_rules.report.html import LIST_MAX, PAGE, render_html
from hezhang_rules.report.table import FindingsTable
from hezhang_rules.report.weights import EQUAL

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2022, 1, 10)
MAX_BYTES = 30_000_000
"""What a province page may weigh at most (issue 19: "a few tens of MB at most")."""
# The goal "open within 5 seconds" is a figure, measured and printed by
# benchmarks/report_html.py (a test never times a shared machine); this test prints the times it
# saw and asserts what the page holds.


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[FindingsTable, Path]:
    pytest.importorskip("polars")
    from hezhang_rules.synth import generate

    d = tmp_path_factory.mktemp("large")
    generate(4000, 2021, 7, d / "world", "parquet", inspections=100_000, force=True)
    plan = hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))
    tables = load_tables([d / "world"])
    table = FindingsTable.of_columnar(evaluate_tables(plan, tables, AS_OF), spill_dir=d)
    infos = holder_infos(tables, table.holders(), "zh")
    ctx = AuditContext({}, infos, all_titles(), columns_of(infos.values()), "zh")
    page = d / "report.html"
    page.write_text(render_html(table, plan, ctx, EQUAL, "zh", 30), encoding="utf-8")
    return table, page


def test_a_large_report_is_small_and_opens_at_once(
    large: tuple[FindingsTable, Path], tmp_path: Path
) -> None:
    table, page = large
    assert table.summary.total > 100_000
    size = page.stat().st_size
    assert size < MAX_BYTES, size
    shot = tmp_path / "large.png"
    dom, console, seconds = open_page(page, tmp_path, shot)
    assert console == [], console
    loaded = int(body_attrs(dom)["data-load-ms"])
    print(f"{size / 1e6:.1f} MB; loaded in {loaded} ms; chromium ran {seconds:.1f} s")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the summaries are there, and the first page of findings, before any script ran
    s = table.summary
    assert f'<div class="card violated"><b>{s.violated}</b>' in dom
    assert dom.count('<tr class="row" data-k=') == PAGE
    # the script inflates the embedded findings and draws the first page itself
    dom, console, _ = open_page(page, tmp_path, budget_ms=30_000)
    assert console == [], console
    attrs = body_attrs(dom)
    ready = int(attrs["data-ready-ms"])
    print(f"first page drawn from the embedded data at {ready} ms")
    assert attrs["data-findings-shown"] == str(PAGE) and ready > 0
    m = re.search(r'<span id="shown" data-fmt="[^"]*">共 (\d+) 项', dom)
    listed = re.search(r'id="findings-data" data-rows="(\d+)"', dom)
    assert m is not None and listed is not None and m.group(1) == listed.group(1)
    assert s.violated + s.fulfilled_late + s.pending <= int(m.group(1)) <= LIST_MAX


def test_to_do_has_no_prohibition_and_keeps_to_the_window(
    large: tuple[FindingsTable, Path],
) -> None:
    """Every to-do row is a pending, non-prohibition finding due within the window (the
    example's pending prohibitions are checked in test_xlsx_scale.py)."""
    table, page = large
    text = page.read_text(encoding="utf-8")
    todo = text.split('<section id="todo">', 1)[1].split("</section>", 1)[0]
    ids = re.findall(r'<div class="fid">([^<]+)</div>', todo)
    assert ids
    import polars as pl

    rows = table.collect(pl.col("id").is_in(ids), columns=["status", "requirement", "due"])
    assert rows.height == len(ids)
    assert set(rows.get_column("status")) == {"pending"}
    assert "forbid" not in set(rows.get_column("requirement"))
    assert rows.get_column("due").max() <= AS_OF + dt.timedelta(days=30)  # type: ignore[operator]
