"""The exit-code gate (issue 20): ``check`` and ``monitor`` ``--fail-on STATUSES`` and
``--fail-on-advisory``; by default the pack's ``breach_statuses`` (violated and fulfilled
late, art. 36), mandatory findings only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from hezhang_rules.cli import main

AS_OF = "2022-01-10"

LATE_ONLY = {
    "jurisdictions": [{"id": "j-qhm", "name": "清河门区", "level": "district"}],
    "units": [
        {
            "id": "u-gov",
            "name": "河西镇人民政府",
            "type": "township_government",
            "jurisdiction": "j-qhm",
        }
    ],
    "implementing_measures": [
        {"id": "im-1", "issued_by": "u-gov", "kind": "measures", "issued": "2022-01-05"}
    ],
}
"""One finding: art. 37's township measures, issued a week after their due date."""

_RECORD = {"time": "09:00", "place": "细河", "content": "巡查", "problems": [], "requirements": []}
ADVISORY_ONLY = {
    "jurisdictions": [{"id": "j-qhm", "name": "清河门区", "level": "district"}],
    "people": [{"id": "p-1", "name": "王芳"}],
    "appointments": [
        {
            "id": "a-1",
            "person": "p-1",
            "role": "river_chief",
            "jurisdiction": "j-qhm",
            "start": "2021-01-01",
        }
    ],
    "inspections": [
        {
            "id": f"i-{n}",
            "inspector": "p-1",
            "date": day,
            "jurisdiction": "j-qhm",
            "method": "site_survey",
            "record": _RECORD,
        }
        for n, day in ((1, "2021-03-01"), (2, "2021-09-01"))
    ],
}
"""A river chief who inspected every half-year but held no river chief meeting in 2021: the
only breach is art. 6's "一般每年召开1次", an advisory duty."""


def _world(tmp_path: Path, facts: dict[str, object]) -> str:
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump(facts, allow_unicode=True), encoding="utf-8")
    return str(path)


def _check(
    world: str, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, dict[str, int], str]:
    code = main(["check", world, "--as-of", AS_OF, "--format", "json", *extra])
    out, err = capsys.readouterr()
    summary = json.loads(out)["summary"] if code in (0, 1) else {}
    return code, summary, err


def test_a_late_only_report_fails_the_default_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Late is a breach by default (art. 36, `breach_statuses`); `--fail-on violated` is the
    old gate, which a late submission passes."""
    world = _world(tmp_path, LATE_ONLY)
    code, summary, _ = _check(world, capsys)
    assert (summary["violated"], summary["fulfilled_late"], summary["total"]) == (0, 1, 1)
    assert code == 1
    assert _check(world, capsys, "--fail-on", "violated")[0] == 0
    assert _check(world, capsys, "--fail-on", "fulfilled_late")[0] == 1
    assert _check(world, capsys, "--fail-on", "violated, pending")[0] == 0
    # the pack's reading, overridden like any parameter
    assert _check(world, capsys, "--param", "breach_statuses=[violated]")[0] == 0


@pytest.mark.parametrize("engine", ["records", "columnar"])
def test_advisory_findings_fail_only_when_asked(
    engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = _world(tmp_path, ADVISORY_ONLY)
    code, summary, _ = _check(world, capsys, "--engine", engine)
    assert summary["violated"] == 1 and summary["fulfilled_late"] == 0
    assert code == 0, "an advisory breach alone passes the gate"
    assert _check(world, capsys, "--engine", engine, "--fail-on-advisory")[0] == 1
    flags = ("--engine", engine, "--fail-on", "violated", "--fail-on-advisory")
    assert _check(world, capsys, *flags)[0] == 1


def test_the_example_fails_on_each_breach_status(capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).parents[2] / "src/hezhang_rules/packs/qinghemen/example"
    for statuses in ("violated", "fulfilled_late", "pending"):
        assert _check(str(example), capsys, "--fail-on", statuses)[0] == 1
    assert _check(str(example), capsys, "--fail-on", "not_applicable")[0] == 1


@pytest.mark.parametrize(
    ("value", "hint"),
    [("violatd", "violated"), ("late", None), ("", None), ("violated,,pending", None)],
)
def test_a_bad_fail_on_value_exits_2_before_anything_runs(
    value: str, hint: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = _world(tmp_path, LATE_ONLY)
    output = tmp_path / "report.json"
    args = ["check", world, "--as-of", AS_OF, "--fail-on", value, "--lang", "en"]
    code = main([*args, "--output", str(output)])
    err = capsys.readouterr().err
    assert code == 2 and not output.exists()
    assert err.startswith("<command line>: hz_usage_bad_fail_on: --fail-on: unknown status")
    if hint is not None:
        assert f"did you mean `{hint}`?" in err


def test_a_bad_pack_reading_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world = _world(tmp_path, LATE_ONLY)
    code = main(["check", world, "--as-of", AS_OF, "--param", "breach_statuses=[late]"])
    err = capsys.readouterr().err
    assert code == 2
    assert "hz_usage_bad_fail_on" in err and "breach_statuses" in err


def test_monitor_gates_as_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("durable")
    stream = tmp_path / "facts.jsonl"
    lines = [
        json.dumps({"kind": kind, "record": record}, ensure_ascii=False)
        for kind, records in LATE_ONLY.items()
        for record in records  # type: ignore[attr-defined]
    ]
    stream.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["monitor", str(stream), "--as-of", AS_OF, "--output", str(tmp_path / "r.json")]
    assert main(args) == 1
    assert main([*args, "--fail-on", "violated"]) == 0
    capsys.readouterr()
