"""The bundled pack: exact article texts, declared readings, and readable rule ids."""

from __future__ import annotations

import re
from pathlib import Path

import hezhang_rules as hz
from hezhang_rules.compile.plan import BREACH_PARAMETER

ROOT = Path(__file__).resolve().parents[2]
REGULATION = (
    ROOT
    / "src"
    / "hezhang_rules"
    / "packs"
    / "qinghemen"
    / "regulation"
    / "qinghemen-hezhang-measures-2020.txt"
)
_CN = "一二三四五六七八九"


def _number(text: str) -> int:
    if "十" not in text:
        return _CN.index(text) + 1
    tens, _, ones = text.partition("十")
    return (_CN.index(tens) + 1 if tens else 1) * 10 + (_CN.index(ones) + 1 if ones else 0)


def articles() -> dict[int, str]:
    """Article number → exact text (its lines, trailing spaces removed) from the regulation."""
    out: dict[int, list[str]] = {}
    current = None
    for line in REGULATION.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^第([一二三四五六七八九十]+)条", line)
        if m:
            current = _number(m.group(1))
            out[current] = [line.rstrip()]
        elif re.match(r"^第\S+章", line) or not line.strip():
            current = None if re.match(r"^第\S+章", line) else current
        elif current is not None:
            out[current].append(line.rstrip())
    return {k: "\n".join(v) for k, v in out.items()}


def test_regulation_has_38_articles() -> None:
    assert sorted(articles()) == list(range(1, 39))


def test_each_file_carries_its_article_text_exactly(ruleset: hz.RuleSet) -> None:
    texts = articles()
    for f in ruleset.files:
        assert f.model.text.rstrip("\n") == texts[f.model.article], f.path


def test_pack_source_points_at_the_regulation(ruleset: hz.RuleSet) -> None:
    src = (Path(ruleset.pack.path).parent / ruleset.pack.model.source).resolve()
    assert src == REGULATION.resolve()


def test_every_parameter_is_used_and_documented(plan: hz.Plan) -> None:
    # the gate's reading is read by `check`/`monitor --fail-on`, not by a rule
    used = {u.name for r in plan.rules for u in r.params} | plan.pack_reads | {BREACH_PARAMETER}
    for p in plan.parameters:
        assert p.reads, p.name
        for text in (p.reading, p.reason):  # both languages, the Chinese one in Chinese
            assert text.zh.strip() and text.en.strip(), p.name
            assert re.search(r"[\u4e00-\u9fff]", text.zh), p.name
        assert p.name in used, f"parameter {p.name} is declared but no rule uses it"


def test_rule_ids_name_their_article(plan: hz.Plan) -> None:
    for r in plan.rules:
        assert r.id.startswith(f"art{r.article:03d}."), r.id
        assert r.span.line > 0 and r.span.file.endswith(f"art_{r.article:03d}.yaml")


def test_foundation_articles_are_encoded(plan: hz.Plan) -> None:
    assert {r.article for r in plan.rules} >= {5, 16, 18, 19, 34}


def test_no_python_constants_decide_readings() -> None:
    """Dates and day counts of the regulation live in rule files, not in the engine."""
    src = ROOT / "src" / "hezhang_rules"
    for path in src.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for bad in ("2020-12-29", "12-05", "timedelta(days=30)", "date(2020, 12, 29)"):
            assert bad not in text, f"{path.name} hard-codes {bad}"
