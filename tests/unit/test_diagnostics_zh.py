"""Every diagnostic speaks Chinese: each construction in ``src`` gives ``zh`` (and ``help_zh``
when it gives ``help``), and what it renders in each language is that language.

The construction sites are read from the source (an AST walk), so a diagnostic added later
without Chinese fails here, not in front of a Chinese reader.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from hezhang_rules.diagnostics import (
    Diagnostic,
    HezhangError,
    Span,
    env_lang,
    pydantic_zh,
    syntax_zh,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "hezhang_rules"
HAN = re.compile(r"[\u3400-\u9fff]")


def _constructions() -> list[tuple[str, ast.Call]]:
    """Every call of ``Diagnostic(...)`` in the package, with where it is."""
    out = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Diagnostic":
                out.append((f"{path.relative_to(SRC)}:{node.lineno}", node))
    return out


def _literal_text(node: ast.expr) -> str | None:
    """The constant parts of a string literal or f-string; ``None`` for any other expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    return None


def test_there_are_many_construction_sites() -> None:
    assert len(_constructions()) > 100


def test_every_construction_gives_chinese() -> None:
    missing = []
    for where, call in _constructions():
        kw = {k.arg: k.value for k in call.keywords if k.arg}
        if "zh" not in kw:
            missing.append(f"{where}: no zh=")
            continue
        for name in ("zh", "help_zh"):
            text = _literal_text(kw[name]) if name in kw else None
            if text is not None and not HAN.search(text):
                missing.append(f"{where}: {name}= has no Chinese: {text!r}")
        if "help" in kw and "help_zh" not in kw:
            missing.append(f"{where}: help= without help_zh=")
    assert not missing, "\n".join(missing)


def test_render_picks_the_language() -> None:
    d = Diagnostic(
        "hz_facts_unknown_field",
        "unknown field `x`",
        Span("f.yaml", 3, 5),
        help="did you mean `y`?",
        record="people[0] (id p)",
        field_path="x",
        zh="未知字段 `x`",
        help_zh="是否应为 `y`？",
    )
    assert d.render("en") == (
        "f.yaml:3:5: hz_facts_unknown_field: people[0] (id p) field `x`: unknown field `x`\n"
        "  help: did you mean `y`?"
    )
    assert d.render("zh") == (
        "f.yaml:3:5: hz_facts_unknown_field: people[0] (id p) 字段 `x`：未知字段 `x`\n"
        "  提示：是否应为 `y`？"
    )
    assert str(d) == d.render("en")  # str() is English, for Python callers' logs


def test_without_chinese_the_english_is_said() -> None:
    """A diagnostic a caller builds without ``zh`` still renders under ``zh``."""
    d = Diagnostic("hz_x", "plain English", Span("f"))
    assert d.render("zh") == "f: hz_x: plain English"


def test_error_str_is_english_and_render_chooses() -> None:
    err = HezhangError([Diagnostic("hz_x", "bad thing", Span("f"), zh="坏事")])
    assert str(err) == "f: hz_x: bad thing"
    assert err.render("zh") == "f: hz_x: 坏事"


def test_environment_language(monkeypatch: pytest.MonkeyPatch) -> None:
    for value, lang in ((None, "zh"), ("zh", "zh"), ("en", "en"), (" EN ", "en"), ("de", "zh")):
        if value is None:
            monkeypatch.delenv("HEZHANG_LANG", raising=False)
        else:
            monkeypatch.setenv("HEZHANG_LANG", value)
        assert env_lang() == lang


class _Record(BaseModel):
    name: str
    count: int
    kind: str = "a"
    when: dt.date | None = None
    flags: list[bool] = []


@pytest.mark.parametrize(
    "data, expected",
    [
        ({"count": 1}, "缺少必填字段"),
        ({"name": 3, "count": 1}, "应为文本"),
        ({"name": "n", "count": "many"}, "应为整数"),
        ({"name": "n", "count": 1, "when": "2021-02-30"}, "日期"),
        ({"name": "n", "count": 1, "flags": "yes"}, "应为列表"),
        ({"name": "n", "count": 1, "flags": ["maybe"]}, "应为布尔值（true 或 false）"),
    ],
)
def test_pydantic_errors_in_chinese(data: dict[str, object], expected: str) -> None:
    with pytest.raises(ValidationError) as info:
        _Record.model_validate(data)
    said = pydantic_zh(info.value.errors()[0])
    assert expected in said and HAN.search(said), said


def test_pydantic_choices_in_chinese() -> None:
    err = {"type": "literal_error", "ctx": {"expected": "'river_chief', 'department' or 'x'"}}
    assert pydantic_zh(err) == "取值应为其中之一：`river_chief`、`department`、`x`"


def test_value_errors_of_the_library_in_chinese() -> None:
    """Every ValueError text of the fact and rule models has its Chinese (not the fallback)."""
    from hezhang_rules.facts.models import FACT_KINDS
    from hezhang_rules.rules.model import Condition

    texts = []
    for bad in ("2021-1-1", "2021-02-30", 20210101):
        try:
            FACT_KINDS["inspections"].model_validate(
                {"id": "i", "chief": "p", "date": bad, "mode": "other"}
            )
        except ValidationError as exc:
            texts += [pydantic_zh(e) for e in exc.errors() if e["loc"] == ("date",)]
    try:
        Condition.model_validate({"field": "x"})
    except ValidationError as exc:
        texts += [pydantic_zh(e) for e in exc.errors()]
    assert len(texts) >= 4
    assert all(t != "取值无效" and HAN.search(t) for t in texts), texts


def test_yaml_syntax_in_chinese() -> None:
    assert syntax_zh("did not find expected node content") == "：找不到应有的节点内容"
    assert syntax_zh("Expecting ',' delimiter") == "：此处应有分隔符 `,`"
    assert syntax_zh("something new") == ""


def test_every_help_text_has_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each option, command and description of the command line has a Chinese help text."""
    from hezhang_rules.cli import build_parser
    from hezhang_rules.cli.help_zh import untranslated

    monkeypatch.setenv("HEZHANG_LANG", "en")
    missing = untranslated(build_parser())
    assert not missing, "add to cli/help_zh.HELP_ZH:\n" + "\n".join(missing)


def test_help_is_chinese_under_zh(monkeypatch: pytest.MonkeyPatch) -> None:
    from hezhang_rules.cli import build_parser

    monkeypatch.setenv("HEZHANG_LANG", "zh")
    text = build_parser()._subparsers._group_actions[0].choices["check"].format_help()  # type: ignore[union-attr]
    assert text.startswith("用法：") and "显示本帮助并退出" in text and "审计基准日" in text
    monkeypatch.setenv("HEZHANG_LANG", "en")
    text = build_parser()._subparsers._group_actions[0].choices["check"].format_help()  # type: ignore[union-attr]
    assert text.startswith("usage: ") and "the audit date" in text and not HAN.search(text)
