"""JUnit XML counts what every other format counts (issue 19 item 4).

Each finding is one test case: violated ones fail, pending and not applicable ones are skipped,
the others pass. Checked on the example district and on a generated world (fact tables, the
columnar engine), against the JSON report of the same audit.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import hezhang_rules as hz
from hezhang_rules.cli import main
from hezhang_rules.synth import generate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
AS_OF = "2022-01-10"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("world") / "w"
    generate(300, 2021, 11, folder, "parquet")
    return folder


def _audit(facts: Path, tmp: Path, lang: str = "zh") -> tuple[dict[str, Any], ET.Element]:
    """The JSON report and the JUnit XML of one audit."""
    paths = {fmt: tmp / f"r.{lang}.{fmt}" for fmt in ("json", "junit")}
    for fmt, p in paths.items():
        args = ["check", str(facts), "--as-of", AS_OF, "--format", fmt, "--output", str(p)]
        assert main([*args, "--lang", lang]) == 1
    report = json.loads(paths["json"].read_text(encoding="utf-8"))
    return report, ET.parse(paths["junit"]).getroot()


def _cases(root: ET.Element) -> dict[str, str]:
    """Each test case's name and what it is: failure, skipped or passed."""
    out = {}
    for case in root.iter("testcase"):
        kind = next((c.tag for c in case if c.tag in ("failure", "skipped")), "passed")
        out[case.get("name") or ""] = kind
    return out


def _agrees(report: dict[str, Any], root: ET.Element) -> None:
    s = report["summary"]
    (suite,) = root.findall("testsuite")
    for el in (root, suite):
        assert el.get("tests") == str(s["total"])
        assert el.get("failures") == str(s["violated"])
        assert el.get("skipped") == str(s["pending"] + s["not_applicable"])
        assert el.get("errors") == "0"
    cases = _cases(root)
    assert len(cases) == s["total"]  # one case per finding, no finding twice
    want = {
        "violated": "failure",
        "pending": "skipped",
        "not_applicable": "skipped",
        "fulfilled": "passed",
        "fulfilled_late": "passed",
    }
    assert cases == {f["id"]: want[f["status"]] for f in report["findings"]}
    assert Counter(cases.values())["failure"] == s["violated"]


def test_example_counts_agree_with_the_summary(tmp_path: Path) -> None:
    report, root = _audit(EXAMPLE, tmp_path)
    _agrees(report, root)
    (suite,) = root.findall("testsuite")
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    s = report["summary"]
    assert props["未履行（项）"] == str(s["violated"])
    assert props["待履行（项）"] == str(s["pending"])
    assert f"failures = 未履行{s['violated']}项" in (props["计数方法"] or "")
    assert props["规则摘要 (sha256)"] == report["run"]["rules_digest"]
    assert props["检查基准日"] == AS_OF
    # the rules with no finding, which have no test case, are named
    plan = hz.compile_rules(hz.load_pack())
    quiet = sorted({r.id for r in plan.rules} - {f["rule_id"] for f in report["findings"]})
    assert quiet and all(q in (props["无检查结果的规则"] or "") for q in quiet)
    by_id = {c.get("name"): c for c in root.iter("testcase")}
    zhao = by_id["art016.river_chief_half_yearly_inspection/p-zhao-wenbo/2021-H2"]
    assert zhao.get("classname") == "qinghemen.art016.river_chief_half_yearly_inspection"
    assert zhao.get("file") == "qinghemen/art_016.yaml"
    failure = zhao.find("failure")
    assert failure is not None and failure.get("type") == "未履行"
    assert "赵文博" in (failure.get("message") or "")
    assert "[截止 2021-12-31]" in (failure.get("message") or "")
    pending = next(f for f in report["findings"] if f["status"] == "pending")
    skipped = by_id[pending["id"]].find("skipped")
    assert skipped is not None
    assert (skipped.get("message") or "").startswith("待履行：" + pending["message"]["zh"])


def test_english_labels(tmp_path: Path) -> None:
    report, root = _audit(EXAMPLE, tmp_path, "en")
    _agrees(report, root)
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["violated (findings)"] == str(report["summary"]["violated"])
    assert "failures = " in (props["How counted"] or "")
    assert not [v for v in props.values() if any("\u4e00" <= c <= "\u9fff" for c in v or "")]


def test_a_generated_world_counts_agree_with_the_summary(world: Path, tmp_path: Path) -> None:
    report, root = _audit(world, tmp_path)
    assert report["summary"]["violated"] > 100 and report["summary"]["pending"] > 0
    _agrees(report, root)
