"""The pack against its source text: every article has a file, and each file quotes its article.

``pack.yaml`` names the regulation it encodes (``source``, relative to the pack). An article of
the source is a line that starts ``第N条`` (Chinese numerals or digits) and runs to the next
article, chapter heading (``第N章``) or blank line.
"""

from __future__ import annotations

import re
from pathlib import Path

from hezhang_rules.diagnostics import Diagnostic
from hezhang_rules.rules.loader import RuleSet
from hezhang_rules.source import DEFAULT_LIMITS, Limits, SourceError, read_text

_ARTICLE = re.compile(r"^\s*第([零〇一二两三四五六七八九十百千\d]+)条")
_CHAPTER = re.compile(r"^\s*第\S+章")
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(text: str) -> int:
    """``十七`` → 17, ``一百零二`` → 102, ``38`` → 38."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + digit


def articles(text: str) -> dict[int, str]:
    """Article number → its text (lines, trailing spaces removed) in a regulation's text."""
    out: dict[int, list[str]] = {}
    current: int | None = None
    for line in text.splitlines():
        m = _ARTICLE.match(line)
        if m:
            current = chinese_number(m.group(1))
            out.setdefault(current, []).append(line.strip())
        elif _CHAPTER.match(line) or not line.strip():
            current = None
        elif current is not None:
            out[current].append(line.rstrip())
    return {k: "\n".join(v) for k, v in out.items()}


def source_path(ruleset: RuleSet) -> Path:
    return Path(ruleset.pack.path).parent / ruleset.pack.model.source


def article_problems(ruleset: RuleSet, limits: Limits = DEFAULT_LIMITS) -> list[Diagnostic]:
    """Missing articles, files for articles the source lacks, and texts that differ from it."""
    pack = ruleset.pack
    where = pack.doc.span(("source",))
    path = source_path(ruleset)
    if not path.is_file():
        return [
            Diagnostic(
                "hz_lint_no_source",
                f"the pack's source `{pack.model.source}` is not a file ({path})",
                where,
                help="`source` is the regulation's text, relative to the pack directory",
                zh=f"规则包的来源 `{pack.model.source}` 不是文件（{path}）",
                help_zh="`source` 是法规原文，路径相对于规则包目录",
            )
        ]
    try:
        texts = articles(read_text(path, str(path), limits))
    except SourceError as exc:
        return list(exc.diagnostics)
    if not texts:
        return [
            Diagnostic(
                "hz_lint_no_source",
                f"no article (a line starting 第N条) in the source `{pack.model.source}`",
                where,
                zh=f"来源 `{pack.model.source}` 中没有条文（以“第N条”开头的行）",
            )
        ]
    out = []
    have = {f.model.article: f for f in ruleset.files}
    for number in sorted(set(texts) - set(have)):
        out.append(
            Diagnostic(
                "hz_lint_missing_article",
                f"article {number} of the source has no rule file (art_{number:03d}.yaml)",
                where,
                help="add the file; an article with nothing to check has `rules: []` and "
                "its clauses in `unchecked`",
                zh=f"来源的第 {number} 条没有规则文件（art_{number:03d}.yaml）",
                help_zh="添加该文件；无可检查内容的条文写 `rules: []`，并把其条款列入 `unchecked`",
            )
        )
    for number, f in sorted(have.items()):
        if number not in texts:
            out.append(
                Diagnostic(
                    "hz_lint_unknown_article",
                    f"the source `{pack.model.source}` has no article {number}",
                    f.doc.span(("article",)),
                    zh=f"来源 `{pack.model.source}` 中没有第 {number} 条",
                )
            )
        elif f.model.text.rstrip("\n") != texts[number]:
            out.append(
                Diagnostic(
                    "hz_lint_article_text",
                    f"`text` differs from article {number} of the source: "
                    f"{_first_difference(f.model.text.rstrip(chr(10)), texts[number])}",
                    f.doc.span(("text",)),
                    help="copy the article from the source exactly, one line per paragraph",
                    zh=f"`text` 与来源的第 {number} 条不同："
                    f"{_first_difference_zh(f.model.text.rstrip(chr(10)), texts[number])}",
                    help_zh="从来源原样复制条文，每段一行",
                )
            )
    out += _version_texts(ruleset, texts, limits)
    return out


def _version_texts(
    ruleset: RuleSet, pack_texts: dict[int, str], limits: Limits
) -> list[Diagnostic]:
    """Each version of an amended article against the text file it names (``source``,
    relative to the pack), or the pack's source when it names none: an amended text is not
    in the original measures, so its version names the text that holds it."""
    out: list[Diagnostic] = []
    read: dict[str, dict[int, str] | None] = {}
    root = Path(ruleset.pack.path).parent
    for f in ruleset.files:
        number = f.model.article
        for vi, version in enumerate(f.model.versions):
            texts: dict[int, str] | None = pack_texts
            name = version.source or ruleset.pack.model.source
            if version.source is not None:
                if name not in read:
                    read[name] = _texts_of(root / name, limits)
                texts = read[name]
            if texts is None:
                out.append(
                    Diagnostic(
                        "hz_lint_no_source",
                        f"version `{version.version}` names the source `{name}`, which is not "
                        "a readable file holding articles",
                        f.doc.span(("versions", vi, "source")),
                        help="`source` is the amended text, relative to the pack directory, "
                        "with its articles on lines starting 第N条",
                        zh=f"版本 `{version.version}` 所指的来源 `{name}` 不是含有条文的可读文件",
                        help_zh="`source` 是修正后的文本，路径相对于规则包目录，条文以“第N条”开头",
                    )
                )
                continue
            ours, theirs = version.text.rstrip("\n"), texts.get(number)
            if theirs == ours:
                continue
            where = (
                f"`{name}` has no article {number}"
                if theirs is None
                else (
                    f"differs from article {number} of `{name}`: {_first_difference(ours, theirs)}"
                )
            )
            where_zh = (
                f"`{name}` 中没有第 {number} 条"
                if theirs is None
                else (f"与 `{name}` 的第 {number} 条不同：{_first_difference_zh(ours, theirs)}")
            )
            out.append(
                Diagnostic(
                    "hz_lint_article_text",
                    f"the text of version `{version.version}` {where}",
                    f.doc.span(("versions", vi, "text")),
                    help="copy the article from the text the version names (`source`; an "
                    "amended article names the amended text)",
                    zh=f"版本 `{version.version}` 的文本{where_zh}",
                    help_zh="从该版本所指的文本（`source`；修正后的条文指向修正后的文本）原样复制条文",
                )
            )
    return out


def _texts_of(path: Path, limits: Limits) -> dict[int, str] | None:
    """The articles of a text file, or ``None`` when it cannot be read or holds none."""
    if not path.is_file():
        return None
    try:
        return articles(read_text(path, str(path), limits)) or None
    except SourceError:
        return None


def _first_difference_zh(ours: str, theirs: str) -> str:
    """:func:`_first_difference` in Chinese."""
    i = next(
        (k for k, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b),
        min(len(ours), len(theirs)),
    )
    return f"第 {i + 1} 个字符处，文件为 {ours[i : i + 12]!r}，来源为 {theirs[i : i + 12]!r}"


def _first_difference(ours: str, theirs: str) -> str:
    i = next(
        (k for k, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b),
        min(len(ours), len(theirs)),
    )
    return (
        f"at character {i + 1}, the file has {ours[i : i + 12]!r}, "
        f"the source {theirs[i : i + 12]!r}"
    )
