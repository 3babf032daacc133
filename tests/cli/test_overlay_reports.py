"""An overlay's articles in the HTML and xlsx reports (issue 20, overlays, art. 37): the Hexi
town overlay (``examples/overlays/hexi_town``) numbers its articles in its own text, so its
art. 3 is not the district's art. 3. The example district is audited with the overlay's facts
and ``--overlay``, in json, html and xlsx (zh and en); every per-article row, column, filter
and cell of the html and xlsx reports is compared with the json report's findings grouped by
(overlay or district, article): the overlay's articles are rows and columns of their own, named
by the overlay's title (《河西镇河长制工作实施办法》第3条), and a district article's counts hold
the district's findings only.
"""

from __future__ import annotations

import json
import re
import zlib
from base64 import b64decode
from collections import Counter
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from hezhang_rules.cli import main
from hezhang_rules.findings import STATUSES
from hezhang_rules.report.i18n import status_name
from hezhang_rules.report.rollup import ACTIONABLE
from hezhang_rules.report.xlsx import SHEETS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
HEXI = ROOT / "examples" / "overlays" / "hexi_town"
AS_OF = "2022-01-10"

_SUMMARY_HEAD = {"zh": "条", "en": "article"}
"""The first header of the summary sheet's table by article."""

Key = tuple[bool, int]
"""An article of the audit: (from the overlay, its number in its own text)."""


def _yaml(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _prefix(lang: str) -> str:
    """What an overlay's article name starts with: the overlay's title, from its pack."""
    title = _yaml(HEXI / "pack.yaml")["title"][lang]
    return f"《{title}》" if lang == "zh" else f"{title}, "


def _name(key: Key, lang: str) -> str:
    """The short name a table gives the article ``key``."""
    overlay, n = key
    short = f"第{n}条" if lang == "zh" else f"Art. {n}"
    return f"{_prefix(lang)}{short}" if overlay else short


def _overlay_title(n: int, lang: str) -> str:
    """The overlay's own article ``n``'s title, from its rule file."""
    return str(_yaml(HEXI / f"art_{n:03d}.yaml")["title"][lang])


@pytest.fixture(scope="module", params=["zh", "en"])
def audit(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path, list[dict[str, Any]]]:
    """The audit's language, its report directory, and the json report's findings."""
    lang: str = request.param
    out = tmp_path_factory.mktemp(f"overlay-{lang}")
    for fmt in ("json", "html", "xlsx"):
        path = out / f"report.{lang}.{fmt}"
        args = ["check", str(EXAMPLE), str(HEXI / "example"), "--as-of", AS_OF]
        args += ["--rules", "qinghemen", "--overlay", str(HEXI), "--lang", lang]
        assert main([*args, "--format", fmt, "--output", str(path)]) in (0, 1)
    findings = json.loads((out / f"report.{lang}.json").read_text(encoding="utf-8"))["findings"]
    return lang, out, findings


def _key(f: dict[str, Any]) -> Key:
    return (str(f["rule_id"]).startswith("hexi."), int(f["article"]))


def _counts(findings: list[dict[str, Any]]) -> dict[Key, Counter[str]]:
    """The json report's findings per article, by status."""
    out: dict[Key, Counter[str]] = {}
    for f in findings:
        out.setdefault(_key(f), Counter())[f["status"]] += 1
    return out


def test_the_audit_has_findings_of_the_overlays_articles(
    audit: tuple[str, Path, list[dict[str, Any]]],
) -> None:
    """The audit exercises what is tested: the overlay's art. 3 and 4 have findings."""
    _, _, findings = audit
    counts = _counts(findings)
    assert sum(counts[True, 3].values()) > 0
    assert sum(counts[True, 4].values()) > 0


# --- xlsx ---------------------------------------------------------------------------------------


def test_xlsx_summary_lists_the_overlays_articles_apart(
    audit: tuple[str, Path, list[dict[str, Any]]],
) -> None:
    lang, out, findings = audit
    wb = load_workbook(out / f"report.{lang}.xlsx", read_only=True)
    rows = list(wb[SHEETS[lang]["summary"]].iter_rows(values_only=True))
    first = _SUMMARY_HEAD[lang]
    head = next(k for k, r in enumerate(rows) if r and r[0] == first)
    shown: dict[Key, Counter[str]] = {}
    titles: dict[Key, str] = {}
    for r in rows[head + 1 :]:
        if not r or r[0] is None:
            break
        if isinstance(r[0], int):
            key: Key = (False, r[0])
        else:
            match = re.fullmatch(r"(?:第|Art\. )(\d+)条?", str(r[0]).removeprefix(_prefix(lang)))
            assert match, r[0]
            key = (True, int(match.group(1)))
            assert r[0] == _name(key, lang)
        assert key not in shown, f"{r[0]} listed twice"
        shown[key] = Counter({s: int(r[2 + k]) for k, s in enumerate(STATUSES) if r[2 + k]})
        titles[key] = str(r[1])
    counts = _counts(findings)
    assert shown == counts
    assert shown.get((False, 3)) == counts.get((False, 3))  # the district's art. 3: its own only
    assert titles[True, 3] == _overlay_title(3, lang)
    assert titles[True, 4] == _overlay_title(4, lang)


def test_xlsx_matrix_has_a_column_per_overlay_article(
    audit: tuple[str, Path, list[dict[str, Any]]],
) -> None:
    lang, out, findings = audit
    wb = load_workbook(out / f"report.{lang}.xlsx", read_only=True)
    header = next(wb[SHEETS[lang]["matrix"]].iter_rows(values_only=True))
    expected = [_name(k, lang) for k in sorted(_counts(findings))]
    assert list(header[2:-1]) == expected  # the district's articles, then the overlay's


def test_xlsx_findings_name_the_overlays_article(
    audit: tuple[str, Path, list[dict[str, Any]]],
) -> None:
    lang, out, findings = audit
    wb = load_workbook(out / f"report.{lang}.xlsx", read_only=True)
    rows = wb[SHEETS[lang]["findings"]].iter_rows(values_only=True)
    next(rows)
    cells = {r[0]: r[1] for r in rows if r and r[0]}
    expected = {
        f["id"]: _name(_key(f), lang) if _key(f)[0] else str(f["article"]) for f in findings
    }
    assert cells == expected


# --- html ---------------------------------------------------------------------------------------


def _html(out: Path, lang: str) -> str:
    return (out / f"report.{lang}.html").read_text(encoding="utf-8")


def test_html_chart_counts_each_article_apart(
    audit: tuple[str, Path, list[dict[str, Any]]],
) -> None:
    """The by-article chart's bars (their tooltips: ``label · status n``) against the json."""
    lang, out, findings = audit
    page = _html(out, lang)
    chart = page[page.index('<figure class="chart">') :]
    chart = chart[: chart.index("</figure>")]
    words = {status_name(s, lang): s for s in ACTIONABLE}
    shown: dict[Key, Counter[str]] = {}
    for label, word, n in re.findall(r"<title>(.*?) · (\S+(?: \S+)?) (\d+)</title>", chart):
        label = unescape(label)
        number = re.match(r"(?:第|Art\. )(\d+)", label.removeprefix(_prefix(lang)))
        assert number, label
        key = (label.startswith(_prefix(lang)), int(number.group(1)))
        if key[0]:
            assert label == f"{_name(key, lang)} {_overlay_title(key[1], lang)}"
        shown.setdefault(key, Counter())[words[unescape(word)]] += int(n)
    expected = {
        k: Counter({s: c[s] for s in ACTIONABLE if c[s]})
        for k, c in _counts(findings).items()
        if any(c[s] for s in ACTIONABLE)
    }
    assert shown == expected
    assert "…" + _name((True, 3), lang)[-15:] in chart  # the bar's visible name keeps "3"


def test_html_matrix_and_filter_key_the_overlays_articles(
    audit: tuple[str, Path, list[dict[str, Any]]],
) -> None:
    lang, out, findings = audit
    page = _html(out, lang)
    matrix = page[page.index('<table class="matrix">') :]
    matrix = matrix[: matrix.index("</thead>")]
    keys = sorted(_counts(findings))
    data_a = [unescape(a) for a in re.findall(r'data-a="([^"]*)"', matrix)]
    assert data_a == [_name(k, lang) if k[0] else str(k[1]) for k in keys]
    select = page[page.index('<select id="f-article"') :]
    select = select[: select.index("</select>")]
    options = [
        (unescape(v), unescape(t))
        for v, t in re.findall(r'<option value="([^"]+)">([^<]*)', select)
    ]
    assert [v for v, _ in options] == data_a  # every finding is listed here
    for (_, text), k in zip(options, keys, strict=True):
        assert text.startswith(_name(k, lang) + " ")
        if k[0]:
            assert text == f"{_name(k, lang)} {_overlay_title(k[1], lang)}"


def test_html_listing_gives_each_finding_its_article(
    audit: tuple[str, Path, list[dict[str, Any]]],
) -> None:
    """The page's data (``a``: the listing's article, what the filter matches) per finding."""
    lang, out, findings = audit
    page = _html(out, lang)
    packed = re.search(r'id="findings-data"[^>]*>([^<]+)</script>', page)
    assert packed
    data = json.loads(zlib.decompress(b64decode(packed.group(1))).decode("utf-8"))
    listed = dict(zip(data["i"], data["a"], strict=True))
    expected = {f["id"]: _name(_key(f), lang) if _key(f)[0] else f["article"] for f in findings}
    assert listed == expected
