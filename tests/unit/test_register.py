"""The clause register: every normative sentence of an encoded article is accounted for."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import hezhang_rules as hz
from hezhang_rules.cli import main
from hezhang_rules.report.register import clause_register, sentences, unaccounted

ROOT = Path(__file__).resolve().parents[2]


def test_sentences_split_at_full_stops_and_semicolons() -> None:
    text = "第十二条　区河长办负责信息的采集；向市委报送的信息由总河长审定。"
    assert sentences(text) == ["区河长办负责信息的采集；", "向市委报送的信息由总河长审定。"]


def test_bundled_pack_accounts_for_every_normative_sentence(plan: hz.Plan) -> None:
    entries = clause_register(plan)
    assert entries and all(e.accounted for e in entries if e.normative)
    assert unaccounted(plan) == []
    assert {e.article for e in entries} == {a.number for a in plan.articles}


def test_an_unaccounted_clause_fails_lint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(
        ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen",
        pack,
        ignore=shutil.ignore_patterns("cases", "example", "__pycache__"),
    )
    art = pack / "art_005.yaml"
    text = art.read_text(encoding="utf-8")
    start = text.index("  - clause: 会议议定的事项")
    end = text.index("references:")
    art.write_text(text[:start] + text[end:], encoding="utf-8")
    assert main(["lint", str(pack)]) == 2
    err = capsys.readouterr().err
    assert "art_005.yaml:7:" in err and "hz_lint_unaccounted_clause" in err
    assert "会议议定的事项由下级总河长" in err
    assert main(["register", "--rules", str(pack)]) == 1


def test_a_duty_dropped_inside_a_covered_sentence_fails_lint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "应形成会议纪要，由总河长…签发": quoting only the first duty leaves "由…签发"
    unaccounted."""
    pack = tmp_path / "pack"
    shutil.copytree(
        ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen",
        pack,
        ignore=shutil.ignore_patterns("cases", "example", "__pycache__"),
    )
    art = pack / "art_005.yaml"
    text = art.read_text(encoding="utf-8")
    start = text.index("  - id: art005.minutes_signed_by_chief")
    end = text.index("unchecked:")
    art.write_text(text[:start] + text[end:], encoding="utf-8")
    assert main(["lint", str(pack)]) == 2
    err = capsys.readouterr().err
    assert "hz_lint_unaccounted_clause" in err and "duty words outside" in err
    assert "由总河长或副总" in err


def test_coverage_table_is_current() -> None:
    """docs/coverage.md is what `hezhang-rules coverage` writes now."""
    from hezhang_rules.report.register import render_coverage, scan_cases

    plan = hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))
    text = render_coverage(
        plan, scan_cases(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "cases")
    )
    assert (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8") == text, (
        "regenerate: hezhang-rules coverage --output docs/coverage.md"
    )
    assert "rules with a compliant and a violating golden case: 63/63" in text or (
        f"{len(plan.rules)}/{len(plan.rules)}" in text
    )
