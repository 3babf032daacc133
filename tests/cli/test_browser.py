"""The HTML report in a real headless Chromium (Debian's `chromium`, with a CJK font).

Chromium's command line is enough: ``--dump-dom`` prints the DOM after the page's script ran,
``--screenshot`` saves a PNG, ``--enable-logging=stderr`` prints every console message as
``INFO:CONSOLE``, and ``--virtual-time-budget`` lets asynchronous work (the inflating of the
embedded findings) finish before the DOM is printed. The page itself records when it loaded
and when its first page of findings was drawn (``data-load-ms``, ``data-ready-ms`` on
``<body>``, milliseconds from navigation start). The test skips only when Chromium is missing
outside CI; `.ci/run` installs it, and with ``CI`` set a missing browser fails the test.

The pages are rendered by calling :func:`render_html` on a findings table, as ``check`` does.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import hezhang_rules as hz
from hezhang_rules.report.context import build_context
from hezhang_rules.report.html import PAGE, render_html
from hezhang_rules.report.table import FindingsTable
from hezhang_rules.report.weights import EQUAL

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
AS_OF = dt.date(2022, 1, 10)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is required in CI: .ci/run installs it with apt-get")
    pytest.skip(
        "chromium is not installed (apt-get install chromium); the browser check runs in CI"
    )


def open_page(
    page: Path, tmp: Path, screenshot: Path | None = None, budget_ms: int | None = None
) -> tuple[str, list[str], float]:
    """Load ``page`` headless; return the DOM after scripts ran, the console messages and the
    browser's wall time (start to exit)."""
    args = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tmp / 'profile'}",
        "--window-size=1400,2400",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
    ]
    if screenshot is not None:
        args.append(f"--screenshot={screenshot}")
    if budget_ms is not None:
        args.append(f"--virtual-time-budget={budget_ms}")
    start = time.perf_counter()
    proc = subprocess.run(
        [*args, page.as_uri()], capture_output=True, text=True, timeout=120, check=False
    )
    seconds = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return proc.stdout, console, seconds


def body_attrs(dom: str) -> dict[str, str]:
    """The attributes the page's script set on ``<body>``."""
    m = re.search(r"<body([^>]*)>", dom)
    assert m is not None
    return dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(1)))


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[hz.Report, Path]:
    """The example district's report and its HTML page."""
    plan = hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))
    facts = hz.load_facts([EXAMPLE])
    report = hz.evaluate(plan, facts, AS_OF)
    table = FindingsTable.of_report(report, plan)
    page = render_html(table, plan, build_context(facts, report, "zh"), EQUAL, "zh", 30)
    out = tmp_path_factory.mktemp("example") / "report.html"
    out.write_text(page, encoding="utf-8")
    return report, out


def test_console_errors_are_caught(tmp_path: Path) -> None:
    """The check below could fail: a page that logs an error is seen as one."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>'
        "<script>console.error('boom'); missingFunction();</script></body></html>",
        encoding="utf-8",
    )
    _, console, _ = open_page(bad, tmp_path)
    assert any("boom" in line for line in console)
    assert any("missingFunction" in line for line in console)


def test_example_report_renders_without_console_errors(
    example: tuple[hz.Report, Path], tmp_path: Path
) -> None:
    report, page = example
    s = report.summary
    shot = tmp_path / "report.png"
    dom, console, _ = open_page(page, tmp_path, shot)
    assert console == [], console
    assert f'<div class="card violated"><b>{s.violated}</b>' in dom
    assert '<table class="matrix">' in dom and "<svg" in dom
    # the first page is in the page itself, before the data is inflated
    assert dom.count('<tr class="row" data-k=') >= min(PAGE, s.total)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    # once inflated, the script draws the listing: every finding of the example
    dom, console, _ = open_page(page, tmp_path, budget_ms=10_000)
    assert console == [], console
    attrs = body_attrs(dom)
    assert attrs["data-findings-shown"] == str(min(PAGE, s.total))
    pages = -(-s.total // PAGE)
    assert re.search(rf'<span id="shown" data-fmt="[^"]*">共 {s.total} 项 · 第 1/{pages} 页', dom)


_PROBE = """<script>
(function () {
  function rows() { return document.querySelectorAll('#findings-body tr.row'); }
  var wait = setInterval(function () {
    if (!document.body.hasAttribute('data-findings-shown')) { return; }
    clearInterval(wait);
    var r = {};
    r.first = rows()[0].querySelector('.fid').textContent;
    document.getElementById('next').click();
    r.second = rows()[0].querySelector('.fid').textContent;
    r.page = document.getElementById('shown').textContent;
    document.getElementById('prev').click();
    rows()[0].click();
    var detail = rows()[0].nextSibling;
    r.expanded = detail.className === 'detail' && detail.querySelector('.ex') !== null;
    r.remedy = detail.textContent.indexOf('怎样才算合规') >= 0;
    ['fulfilled_late', 'pending', 'fulfilled', 'not_applicable'].forEach(function (s) {
      document.querySelector('.chip[data-status="' + s + '"]').click();
    });
    r.violated = document.getElementById('shown').textContent;
    r.statuses = Array.prototype.map.call(rows(), function (tr) {
      return tr.querySelector('.badge').className; });
    document.querySelector('table.matrix td[data-a="16"][data-c="district"]').click();
    r.cell = Array.prototype.map.call(rows(), function (tr) {
      return tr.querySelector('.fid').textContent; });
    document.getElementById('search').value = 'zhao-wenbo';
    document.getElementById('search').dispatchEvent(new Event('input'));
    r.search = Array.prototype.map.call(rows(), function (tr) {
      return tr.querySelector('.fid').textContent; });
    document.body.setAttribute('data-probe', JSON.stringify(r));
  }, 20);
}());
</script></body>"""


def test_paging_filtering_and_expanding_work(
    example: tuple[hz.Report, Path], tmp_path: Path
) -> None:
    report, page = example
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", _PROBE), "utf-8")
    dom, console, _ = open_page(probe, tmp_path, budget_ms=15_000)
    assert console == [], console
    m = re.search(r'data-probe="([^"]*)"', dom)
    assert m is not None, "the probe did not run"
    r = json.loads(html.unescape(m.group(1)))
    worst = sorted(
        report.findings,
        key=lambda f: (
            hz.findings.STATUSES.index(f.status),
            f.article,
            f.rule_id,
            f.holder.id,
            f.id,
        ),
    )
    assert r["first"] == worst[0].id and r["second"] == worst[PAGE].id
    assert "第 2/" in r["page"]
    assert r["expanded"] and r["remedy"]
    assert r["violated"].startswith(f"共 {report.summary.violated} 项")
    assert r["statuses"] and set(r["statuses"]) == {"badge violated"}
    district16 = {
        f.id
        for f in report.findings
        if f.article == 16 and f.status == "violated" and f.holder.kind == "person"
    }
    assert r["cell"] and set(r["cell"]) <= {f.id for f in report.findings if f.article == 16}
    assert district16 & set(r["cell"])
    assert r["search"] and all("zhao-wenbo" in i for i in r["search"])
