"""`hezhang-rules test`: the golden cases through the command line, and the pytest plugin.

The command and pytest share one runner (``hezhang_rules.testing.cases``): the same files pass or
fail the same way in both.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hezhang_rules.cli import main

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "cases"
RULES = sum(
    text.count("\n  - id: art")
    for text in (
        f.read_text(encoding="utf-8")
        for f in (ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen").glob("art_*.yaml")
    )
)
CASE = GOLDEN / "art016" / "general_chief_inspects_on_january_1.yaml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["test", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    """A scratch copy of the golden cases (worlds included)."""
    shutil.copytree(GOLDEN, tmp_path / "golden", ignore=shutil.ignore_patterns("*.py"))
    return tmp_path / "golden"


def test_golden_corpus_passes_with_full_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert code == 0, out + err
    total = sum(1 for p in GOLDEN.rglob("*.yaml") if p.relative_to(GOLDEN).parts[0][0] != "_")
    assert f"{total} case runs on batch: {total} passed, 0 failed, 0 invalid" in out
    assert f"rule coverage: {RULES}/{RULES} rules with passing compliant and violating cases" in out
    assert "art016.river_chief_half_yearly_inspection" in out


def test_json_lists_compliant_and_violating_cases_per_rule(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, str(GOLDEN / "art016"), "--format", "json")
    assert code == 0
    data = json.loads(out)
    rule = data["rules"]["art016.general_chief_annual_inspection"]
    # Cases under art016/ that expect a fulfilled / a violated finding of this rule:
    files = sorted((GOLDEN / "art016").glob("*.yaml"))
    texts = [p.read_text(encoding="utf-8") for p in files]
    mentioning = [t for t in texts if "- id: art016.general_chief_annual_inspection/" in t]
    assert rule["cases"] == rule["passed"] == len(mentioning) > 0
    assert rule["compliant"]["passed"] == rule["compliant"]["cases"] >= 1
    assert rule["violating"]["passed"] == rule["violating"]["cases"] >= 1
    assert data["rules"]["art005.minutes_formed"] == {
        "cases": 0,
        "passed": 0,
        "compliant": {"cases": 0, "passed": 0},
        "violating": {"cases": 0, "passed": 0},
        "covered": False,
    }
    assert data["cases"]["failed"] == data["cases"]["invalid"] == 0
    assert data["coverage"]["rules"] == RULES and 0 < data["coverage"]["covered"] < RULES


def test_a_wrong_expectation_fails(cases: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = cases / "art016" / CASE.name
    text = case.read_text(encoding="utf-8")
    assert "    status: violated" in text
    case.write_text(text.replace("    status: violated", "    status: fulfilled", 1), "utf-8")
    code, out, _ = run(capsys, str(case), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["cases"] == {"runs": 1, "passed": 0, "failed": 1, "invalid": 0}
    (failure,) = data["failures"]
    assert failure["case"] == str(case)
    assert any("expected fulfilled, got violated" in p for p in failure["problems"])
    rule = data["rules"]["art016.general_chief_annual_inspection"]
    assert rule["passed"] == 0 and rule["compliant"] == {"cases": 1, "passed": 0}
    code, out, _ = run(capsys, str(case))
    assert code == 1 and f"FAIL {case} [batch]" in out


@pytest.mark.parametrize(
    "old, new, code, needle",
    [
        ("as_of: 2022-01-01", "as_of: 2022-13-01", "hz_case_schema", "2022-13-01"),
        ("ignore: [art005.*", "ignore: [art05.*", "hz_case_unknown_rule", "art05.*"),
        (
            "  - id: art016.general_chief_annual_inspection/p-gc/2021",
            "  - id: art016.general_chief_anual_inspection/p-gc/2021",
            "hz_case_unknown_rule",
            "art016.general_chief_anual_inspection/p-gc/2021",
        ),
        (
            "    due: 2021-12-31\n",
            "",
            "hz_case_schema",
            "id: art016.general_chief_annual_inspection/p-gc/2021",
        ),
        (
            "ignore: [art005.*",
            "ignore: [art016.general_chief_annual_inspection, art005.*",
            "hz_case_ignored_expectation",
            "art016.general_chief_annual_inspection/p-gc/2020",
        ),
        (
            "world: _worlds/district.yaml",
            "world: _worlds/nowhere.yaml",
            "hz_case_no_world",
            "_worlds/nowhere.yaml",
        ),
        ("inspector: p-gc", "inspector: p-nobody", "hz_facts_dangling_reference", "p-nobody"),
        (
            "as_of: 2022-01-01",
            "as_of: 2022-01-01\nparameters: {art016.nope: 1}",
            "hz_case_parameter",
            "{art016.nope: 1}",
        ),
    ],
)
def test_invalid_case_is_located(
    cases: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, code: str, needle: str
) -> None:
    case = cases / "art016" / CASE.name
    text = case.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    case.write_text(text, encoding="utf-8")
    status, _, err = run(capsys, str(cases / "art016"))
    assert status == 2
    i = text.index(needle)
    line, col = text.count("\n", 0, i) + 1, i - text.rfind("\n", 0, i)
    assert f"{case}:{line}:{col}: {code}:" in err, err


def test_no_cases_found_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(
        ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen",
        pack,
        ignore=shutil.ignore_patterns("cases", "example", "__pycache__"),
    )
    status, _, err = run(capsys, "--rules", str(pack))
    assert status == 2 and "hz_usage_no_cases" in err
    status, _, err = run(capsys, str(tmp_path / "nowhere"))
    assert status == 2 and "hz_case_no_such_file" in err


def test_pytest_collects_the_same_cases(cases: Path, tmp_path: Path) -> None:
    """The installed plugin runs case files named in the ini file; coverage line at the end."""
    case = cases / "art016" / CASE.name
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("    status: violated", "    status: fulfilled", 1), "utf-8")
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nhezhang_cases = golden/art016\nhezhang_rules = qinghemen\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "golden/art016"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    n = len(list((cases / "art016").glob("*.yaml")))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"1 failed, {n - 1} passed" in proc.stdout
    assert f"{CASE.name} [batch]:" in proc.stdout
    assert "expected fulfilled, got violated" in proc.stdout
    assert (
        f"rule coverage: 2/{RULES} rules with passing compliant and violating cases" in proc.stdout
    )
