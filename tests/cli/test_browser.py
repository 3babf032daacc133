"""The HTML report of the example district in a real headless Chromium (Debian's `chromium`).

Chromium's command line is enough: ``--dump-dom`` prints the DOM after the page's script ran,
``--screenshot`` saves a PNG, and ``--enable-logging=stderr`` prints every console message as
``INFO:CONSOLE``. The test skips only when Chromium is missing outside CI; `.ci/run` installs
it, and with ``CI`` set a missing browser fails the test.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from hezhang_rules.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
AS_OF = "2022-01-10"


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is required in CI: .ci/run installs it with apt-get")
    pytest.skip(
        "chromium is not installed (apt-get install chromium); the browser check runs in CI"
    )


def _render(page: Path, tmp: Path, screenshot: Path | None = None) -> tuple[str, list[str]]:
    """Load ``page`` headless; return the DOM after scripts ran and the console messages."""
    args = [
        _chromium(),
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
    proc = subprocess.run(
        [*args, page.as_uri()], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return proc.stdout, console


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    """The example's counts, from the JSON report (the page must show the same)."""
    out = tmp_path_factory.mktemp("json") / "report.json"
    assert (
        main(["check", str(EXAMPLE), "--as-of", AS_OF, "--format", "json", "--output", str(out)])
        == 1
    )
    counts: dict[str, int] = json.loads(out.read_text(encoding="utf-8"))["summary"]
    return counts


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("browser")
    out = d / "report.html"
    assert (
        main(["check", str(EXAMPLE), "--as-of", AS_OF, "--format", "html", "--output", str(out)])
        == 1
    )
    return out


def test_console_errors_are_caught(tmp_path: Path) -> None:
    """The check below could fail: a page that logs an error is seen as one."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>'
        "<script>console.error('boom'); missingFunction();</script></body></html>",
        encoding="utf-8",
    )
    _, console = _render(bad, tmp_path)
    assert any("boom" in line for line in console)
    assert any("missingFunction" in line for line in console)


def test_example_report_renders_without_console_errors(
    page: Path, tmp_path: Path, summary: dict[str, int]
) -> None:
    shot = tmp_path / "report.png"
    dom, console = _render(page, tmp_path, shot)
    assert console == [], console
    # The summary and the matrix are there, after the script ran (it fills "显示 N 项").
    assert (
        '<section id="summary">' in dom
        and f'<div class="card violated"><b>{summary["violated"]}</b>' in dom
    )
    assert '<table class="matrix">' in dom
    assert len(re.findall(r'<td class="s-violated" data-a=', dom)) > 20
    assert re.search(rf'<span id="shown" data-fmt="[^"]*">显示 {summary["total"]} 项</span>', dom)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    print(f"screenshot: {shot}")


_PROBE = """<script>
(function () {
  var r = {};
  function shown() {
    return Array.prototype.filter.call(
      document.querySelectorAll('#findings-table tbody.f'), function (t) { return !t.hidden; });
  }
  var bodies = document.querySelectorAll('#findings-table tbody.f');
  r.total = bodies.length;
  bodies[0].querySelector('tr.row').click();
  r.expanded = !bodies[0].querySelector('tr.detail').hidden;
  document.querySelector('table.matrix td[data-a="18"][data-c="j-wulongba"]').click();
  r.cell = shown().length;
  r.note = document.getElementById('filter-note').hidden ? '' :
    document.querySelector('#filter-note span').textContent;
  document.querySelector('#filter-note button').click();
  ['fulfilled_late', 'pending', 'fulfilled', 'not_applicable'].forEach(function (s) {
    document.querySelector('.chip[data-status="' + s + '"]').click();
  });
  r.violated = shown().length;
  var due = document.querySelectorAll('#findings-table thead th')[6];
  due.click(); due.click();
  r.sort = due.getAttribute('aria-sort');
  r.dues = shown().map(function (t) { return t.querySelector('tr.row').children[6]
    .getAttribute('data-v'); });
  document.body.setAttribute('data-probe', JSON.stringify(r));
}());
</script></body>"""


def test_sorting_filtering_and_expanding_work(
    page: Path, tmp_path: Path, summary: dict[str, int]
) -> None:
    static = page.read_text(encoding="utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text(static.replace("</body>", _PROBE), encoding="utf-8")
    dom, console = _render(probe, tmp_path)
    assert console == [], console
    m = re.search(r'data-probe="([^"]*)"', dom)
    assert m is not None
    r = json.loads(html.unescape(m.group(1)))
    assert r["total"] == summary["total"] and r["expanded"] is True
    assert r["cell"] == static.count('data-a="18" data-c="j-wulongba" data-text=') > 0
    assert r["note"] == "第18条 × 乌龙坝镇"
    assert r["violated"] == summary["violated"]
    assert r["sort"] == "descending" and r["dues"] == sorted(r["dues"], reverse=True)
