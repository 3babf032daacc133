"""Every diagnostic speaks Chinese: each construction in ``src`` gives ``zh`` (and ``help_zh``
when it gives ``help``), and what it renders in each language is that language.

The construction sites are read from the source (an AST walk), so a diagnostic added later
without Chinese fails here, not in front of a Chinese reader.
"""

from __future__ import annotations

import ast
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
