"""The command line as an auditor uses it: exit codes, formats, determinism, snapshots."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from hezhang_rules.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
AS_OF = "2022-01-10"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code, out, err = run(
        ["check", str(EXAMPLE), "--as-of", AS_OF, "--format", "json", *extra], capsys
    )
    assert err == ""
    return code, json.loads(out)


def test_example_audit_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = check_json(capsys)
    assert code == 1, "the example has violations: exit 1"
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, schema)
    assert report["schema_version"] == "2.0" and report["as_of"] == AS_OF
    assert set(report["run"]) >= {"rules_digest", "facts_digest", "package_version"}
    by_article: dict[int, set[str]] = {}
    for f in report["findings"]:
        by_article.setdefault(f["article"], set()).add(f["status"])
        assert set(f) >= {
            "id",
            "rule_id",
            "article",
            "status",
            "holder",
            "period",
            "due",
            "evidence",
            "message",
        }
        assert set(f["holder"]) == {"kind", "id", "name"} and set(f["message"]) == {"zh", "en"}
        assert f["id"].startswith(f["rule_id"] + "/")
    for article in (5, 16, 18, 19, 34):
        assert {"violated", "fulfilled"} <= by_article[article], article
    ids = [f["id"] for f in report["findings"]]
    assert len(ids) == len(set(ids)), "finding ids are unique"
    assert report["summary"]["violated"] == sum(
        1 for f in report["findings"] if f["status"] == "violated"
    )


def test_known_findings_of_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    _, report = check_json(capsys)
    status = {f["id"]: f["status"] for f in report["findings"]}
    assert status["art005.minutes_signed_by_chief/u-office/mtg-2021-001"] == "violated"
    assert status["art034.department_results_by_december_5/u-housing/2021"] == "fulfilled_late"
    assert status["art034.department_results_by_december_5/u-ecology/2021"] == "fulfilled"
    assert status["art016.river_chief_half_yearly_inspection/p-zhao-wenbo/2021-H2"] == "violated"


def test_parameter_override_changes_the_reading(capsys: pytest.CaptureFixture[str]) -> None:
    _, report = check_json(capsys, "--param", "art034.results_due_inclusive=false")
    status = {f["id"]: f for f in report["findings"]}
    ecology = status["art034.department_results_by_december_5/u-ecology/2021"]
    assert ecology["status"] == "fulfilled_late" and ecology["due"] == "2021-12-04"
    assert report["run"]["parameters_overridden"] == {"art034.results_due_inclusive": False}


@pytest.mark.parametrize(
    "args, code",
    [
        (["check", str(EXAMPLE), "--as-of", "2022-13-01"], "hz_usage_bad_date"),
        (
            ["check", str(EXAMPLE), "--as-of", AS_OF, "--param", "art034.nope=1"],
            "hz_usage_unknown_override",
        ),
        (
            ["check", str(EXAMPLE), "--as-of", AS_OF, "--param", "art034.results_due=12-32"],
            "hz_usage_bad_override",
        ),
        (
            ["check", str(EXAMPLE), "--as-of", AS_OF, "--rules", "/nonexistent"],
            "hz_rule_no_such_dir",
        ),
        (["check", "/nonexistent.yaml", "--as-of", AS_OF], "hz_facts_no_such_file"),
        (["check", str(EXAMPLE)], "hz_usage"),
        (["check", str(EXAMPLE), "--as-of", AS_OF, "--format", "pdf"], "hz_usage"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) if code == "hz_usage" else _nullcontext() as exc:
        rc, _, err = run(args, capsys)
    if code == "hz_usage":
        assert exc.value.code == 2  # type: ignore[union-attr]
        err = capsys.readouterr().err
    else:
        assert rc == 2
    assert f": {code}" in err and "Traceback" not in err


class _nullcontext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *a: object) -> None:
        return None


def test_output_is_written_atomically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.md"
    code, stdout, _ = run(
        ["check", str(EXAMPLE), "--as-of", AS_OF, "--format", "markdown", "--output", str(out)],
        capsys,
    )
    assert code == 1 and stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 清河门区河长制工作管理办法 — 合规检查报告")
    assert "| 状态 | 发现 | 截止 | 依据 | 编号 |" in text
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_compliant_world_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    facts = tmp_path / "f.yaml"
    facts.write_text(
        "jurisdictions:\n  - {id: j, name: 区, level: district}\n"
        "units:\n  - {id: o, name: 区河长办, type: river_chief_office, jurisdiction: j}\n"
        "meetings:\n  - {id: m, kind: general_chief_meeting, jurisdiction: j, "
        "date: 2021-03-01}\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        [
            "check",
            str(facts),
            "--as-of",
            "2021-12-31",
            "--format",
            "json",
            "--param",
            "art005.meetings_per_year=1",
        ],
        capsys,
    )
    report = json.loads(out)
    assert code == (1 if report["summary"]["violated"] else 0)
    # This world's only meeting has no presider, organiser or minutes: art. 5 evidence fails
    # (held by the district's river chief office, which answers for the meeting's procedure).
    assert code == 1
    facts.write_text("jurisdictions:\n  - {id: j, name: 区, level: district}\n", encoding="utf-8")
    code, out, _ = run(["check", str(facts), "--as-of", "2021-06-30"], capsys)
    assert code == 0, out


def test_lint_bundled_pack(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["lint"], capsys)
    assert code == 0 and "no problems" in out


def _split_shuffled(dest: Path, seed: int) -> None:
    """Rewrite the example's records shuffled and spread over files in another layout."""
    records: list[tuple[str, dict]] = []  # type: ignore[type-arg]
    for path in sorted(EXAMPLE.glob("*.yaml")):
        for kind, items in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            records += [(kind, item) for item in items]
    rng = random.Random(seed)
    rng.shuffle(records)
    files: list[dict[str, list]] = [{} for _ in range(rng.randint(2, 6))]  # type: ignore[type-arg]
    for kind, item in records:
        files[rng.randrange(len(files))].setdefault(kind, []).append(item)
    for i, content in enumerate(files):
        text = (
            json.dumps(content, ensure_ascii=False, default=str)
            if i % 2
            else yaml.safe_dump(content, allow_unicode=True)
        )
        (dest / f"part{i}.{'json' if i % 2 else 'yaml'}").write_text(text, encoding="utf-8")


def _xlsx_cells(data: bytes) -> list[tuple[str, list[tuple[object, ...]]]]:
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [(ws.title, list(ws.iter_rows(values_only=True))) for ws in wb.worksheets]


@pytest.mark.parametrize("fmt", ["json", "markdown", "text", "html", "junit", "xlsx"])
def test_same_facts_any_order_byte_identical(fmt: str, tmp_path: Path) -> None:
    outputs = set()
    cells = []
    for seed, hashseed in ((1, "0"), (2, "123"), (3, "random")):
        d = tmp_path / f"s{seed}"
        d.mkdir()
        _split_shuffled(d, seed)
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "hezhang_rules.cli",
                "check",
                str(d),
                "--as-of",
                AS_OF,
                "--format",
                fmt,
            ],
            capture_output=True,
            env=env,
            check=False,
        )
        assert proc.returncode == 1, proc.stderr.decode()
        outputs.add(proc.stdout)
        if fmt == "xlsx":
            cells.append(_xlsx_cells(proc.stdout))
    assert len(outputs) == 1
    if fmt == "xlsx":
        assert cells[0] == cells[1] == cells[2]
        rows = dict(cells[0])["检查结果"]
        assert rows[0][0] == "编号" and len(rows) > 300


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_report_snapshot(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The reviewed report of the example. Regenerate with UPDATE_SNAPSHOTS=1 and review."""
    _, out, _ = run(["check", str(EXAMPLE), "--as-of", AS_OF, "--lang", lang], capsys)
    snap = SNAPSHOTS / f"example.{lang}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snap.write_text(out, encoding="utf-8")
    assert out == snap.read_text(encoding="utf-8")


def test_example_readme_lists_every_violation(capsys: pytest.CaptureFixture[str]) -> None:
    """The example's README table names exactly the violated and late findings of the check."""
    _, report = check_json(capsys)
    readme = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| \d+ \| `([^`]+)` \| (\w+) \|", readme, re.M))
    actual = {
        (f["id"], f["status"])
        for f in report["findings"]
        if f["status"] in ("violated", "fulfilled_late")
    }
    assert listed == actual
