"""``--waivers`` on the command line (docs/waivers.md): the example audited with
examples/waivers.yaml gives byte-identical reports on both engines in every format, the counts
docs/waivers.md gives, a waived finding that is neither a breach nor a to-do, and JUnit's
skipped count that includes it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hezhang_rules.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
WAIVERS = ROOT / "examples" / "waivers.yaml"
AUDIT = ["--as-of", "2022-01-10", "--waivers", str(WAIVERS)]


def check(tmp: Path, fmt: str, engine: str, *extra: str) -> bytes:
    out = tmp / f"{engine}.{fmt}"
    args = ["check", str(EXAMPLE), *AUDIT, "--format", fmt, "--engine", engine, *extra]
    assert main([*args, "--output", str(out)]) == 1  # violations remain
    return out.read_bytes()


@pytest.mark.parametrize("fmt", ["json", "jsonl", "parquet", "text", "markdown", "junit"])
def test_both_engines_write_the_same_bytes(fmt: str, tmp_path: Path) -> None:
    assert check(tmp_path, fmt, "records") == check(tmp_path, fmt, "columnar")


def test_the_example_counts_and_waivers(tmp_path: Path) -> None:
    report = json.loads(check(tmp_path, "json", "columnar"))
    assert report["summary"] | {"total": 0} == {
        "violated": 58,
        "fulfilled_late": 10,
        "pending": 33,
        "waived": 7,
        "fulfilled": 218,
        "not_applicable": 40,
        "total": 0,
    }
    used = [(w["id"], w["state"], w["matched"], w["waived"]) for w in report["waivers"]]
    assert used == [
        ("w-2021-zhao-sick-leave", "in_force", 2, 1),
        ("w-2021-zhao-meeting", "in_force", 1, 1),
        ("w-2021-dev-reform-merged", "in_force", 4, 3),
        ("w-2021-qinghemen-flood", "in_force", 2, 2),
        ("w-2021-lin-record", "expired", 1, 0),
    ]
    assert report["run"]["waivers_digest"].startswith("sha256:")
    waived = [f for f in report["findings"] if f["status"] == "waived"]
    assert {f["waiver"]["status"] for f in waived} == {"violated", "pending"}
    assert any(f["escalated_from"] for f in waived)  # art. 25's escalation, waived with it
    out = tmp_path / "plain.json"
    args = ["check", str(EXAMPLE), "--as-of", "2022-01-10", "--format", "json"]
    assert main([*args, "--output", str(out)]) == 1
    plain = json.loads(out.read_text(encoding="utf-8"))
    assert plain["summary"]["violated"] == 64 and plain["waivers"] == []
    before = {f["id"]: f for f in plain["findings"]}
    for f in waived:
        assert before[f["id"]]["status"] == f["waiver"]["status"]
        assert before[f["id"]] | {"status": "waived", "waiver": f["waiver"]} == f


def test_junit_skips_a_waived_finding(tmp_path: Path) -> None:
    suite = ET.fromstring(check(tmp_path, "junit", "records", "--lang", "en")).find("testsuite")
    assert suite is not None
    assert suite.get("failures") == "58" and suite.get("skipped") == str(33 + 7 + 40)
    case = suite.find(
        "testcase[@name='art016.river_chief_half_yearly_inspection/p-zhao-wenbo/2021-H2']"
    )
    assert case is not None
    skipped = case.find("skipped")
    assert skipped is not None and "waiver w-2021-zhao-sick-leave" in skipped.get("message", "")


def test_a_waived_finding_is_explained_and_not_a_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fid = "art028.joint_meetings_twice_yearly/u-dev-reform/2022"
    assert main(["explain", fid, str(EXAMPLE), *AUDIT, "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "Status: waived" in text
    assert "waiver w-2021-dev-reform-merged" in text and "without the waiver: pending" in text
    main(["todo", str(EXAMPLE), *AUDIT, "--format", "json"])
    todo = capsys.readouterr().out
    assert fid not in todo
    main(["todo", str(EXAMPLE), "--as-of", "2022-01-10", "--format", "json"])
    assert fid in capsys.readouterr().out  # a to-do without the waiver
