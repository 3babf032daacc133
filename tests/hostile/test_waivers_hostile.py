"""Hostile waiver files (docs/waivers.md): each gives exit 2, a diagnostic located in the file
(``file:line:col``) in Chinese and in English, no traceback, and no report written."""

from __future__ import annotations

from pathlib import Path

import pytest

from .kit import run_main, small_pack

FACTS = """\
jurisdictions:
  - {id: j-fuxin, name: 阜新市, level: city, code: "210900"}
people:
  - {id: p-1, name: 张三}
"""

GOOD = """\
waivers:
  - id: w-1
    rule: art016.river_chief_half_yearly_inspection
    holder: p-1
    period: 2021-H*
    approver: 区总河长
    approved: 2021-03-01
    reason: 病休
    expires: 2021-12-31
"""


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    pack = small_pack(tmp_path / "pack")
    facts = tmp_path / "facts" / "facts.yaml"
    facts.parent.mkdir()
    facts.write_text(FACTS, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    return {"pack": pack, "facts": facts, "out": out, "tmp": tmp_path}


def check(w: dict[str, Path], waivers: Path, lang: str = "en") -> list[str]:
    return [
        "check",
        str(w["facts"].parent),
        "--as-of",
        "2022-01-10",
        "--rules",
        str(w["pack"]),
        "--format",
        "json",
        "--lang",
        lang,
        "--waivers",
        str(waivers),
        "--output",
        str(w["out"] / "report.json"),
    ]


def write(w: dict[str, Path], text: str, name: str = "waivers.yaml") -> Path:
    path = w["tmp"] / name
    path.write_text(text, encoding="utf-8")
    return path


CASES = {
    "bad_yaml": ("waivers:\n  - id: [unclosed\n", "hz_load_syntax", ":3:1"),
    "unknown_key": (GOOD + "    colour: red\n", "hz_waiver_schema", ":10:5"),
    "missing_key": (GOOD.replace("    reason: 病休\n", ""), "hz_waiver_schema", ":2:5"),
    "bad_date": (GOOD.replace("2021-03-01", "2021-02-30"), "hz_waiver_schema", ":7:15"),
    "python_tag": (
        GOOD.replace("approver: 区总河长", "approver: !!python/object/apply:os.system [ls]"),
        "hz_load_tag_not_allowed",
        ":6:",
    ),
    "expires_before_approved": (
        GOOD.replace("2021-12-31", "2021-01-01"),
        "hz_waiver_dates",
        ":9:14",
    ),
    "duplicate_id": (GOOD + GOOD.split("\n", 1)[1], "hz_waiver_duplicate", ":10:9"),
    "unknown_rule": (
        GOOD.replace("half_yearly_inspection", "halfyearly_inspection"),
        "hz_waiver_unknown_rule",
        ":3:11",
    ),
    "finding_and_holder": (
        GOOD + "    finding: art016.*\n",
        "hz_waiver_schema",
        ":10:5",
    ),
    "not_a_mapping": ("- just a list\n", "hz_waiver_schema", ":1:1"),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_hostile_waiver_file_is_refused_located(
    name: str, lang: str, world: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text, code, where = CASES[name]
    path = write(world, text)
    run = run_main(check(world, path, lang), capsys)
    found = run.refused(code, str(path) + where)
    if lang == "zh":  # a Chinese diagnostic: no English sentence
        assert any("\u4e00" <= c <= "\u9fff" for c in found[2]), found
    assert list(world["out"].iterdir()) == [], "nothing may be written for invalid input"


def test_a_misspelt_rule_gets_did_you_mean(
    world: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(world, GOOD.replace("half_yearly_inspection", "halfyearly_inspection"))
    run = run_main(check(world, path), capsys)
    assert "did you mean `art016.river_chief_half_yearly_inspection`?" in run.err


def test_a_json_waiver_file_is_read_and_located(
    world: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        world,
        '{"waivers": [{"id": "w", "rule": "art016.*", "approver": "a", "approved": "2021-01-01",'
        ' "reason": "r", "expires": "2021-13-01"}]}',
        "waivers.json",
    )
    run_main(check(world, path), capsys).refused("hz_waiver_schema", f"{path}:1:")


def test_a_good_waiver_file_gives_a_report_naming_its_digest_not_its_path(
    world: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(world, GOOD)
    run = run_main(check(world, path), capsys)
    assert run.code in (0, 1), run.err
    text = (world["out"] / "report.json").read_text(encoding="utf-8")
    assert str(world["tmp"]) not in text
    assert '"waivers_digest":"sha256:' in text
    assert '"id":"w-1"' in text
