"""Text every report format can hold, whatever the facts say (docs/report.md, "Safe to open").

Fact text is free: a name may hold control characters, markup, a formula or a line break. The
reporters write it unchanged where the format can carry it and escape it where the format's
syntax gives it meaning (HTML, XML, Markdown, spreadsheet formulas). What no format can hold is
replaced, the same way in every format read by people or XML parsers:

- C0 controls other than tab, line feed and carriage return, and DEL, become the matching
  Unicode control picture (``\\x0b`` → ``␋``, ``\\x1b`` → ``␛``, ``\\x7f`` → ``␡``): XML 1.0
  cannot hold them, and in a terminal they would move the cursor or recolour the screen;
- C1 controls (U+0080–U+009F), lone surrogates and the non-characters U+FFFE and U+FFFF become
  U+FFFD (�): UTF-8 cannot encode a lone surrogate, XML 1.0 excludes U+FFFE/U+FFFF, and a
  terminal may read a C1 control as an escape sequence.

JSON, JSON lines and Parquet keep every character exactly (JSON escapes controls); only a lone
surrogate, which UTF-8 cannot encode, becomes U+FFFD there too.
"""

from __future__ import annotations

import re

_UNHOLDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_BREAK = re.compile("\r\n|[\r\n\u2028\u2029]")

REPLACEMENT = "\ufffd"


def _picture(match: re.Match[str]) -> str:
    c = ord(match.group())
    if c < 0x20:
        return chr(0x2400 + c)
    if c == 0x7F:
        return "\u2421"
    return REPLACEMENT


def holdable(text: str) -> str:
    """``text`` with every character XML 1.0, UTF-8 or a terminal cannot hold replaced."""
    if _UNHOLDABLE.search(text) is None:
        return text
    return _UNHOLDABLE.sub(_picture, text)


def one_line(text: str) -> str:
    """``text`` on one line: each line break (CR LF, CR, LF, U+2028, U+2029) becomes a space.

    For values placed inside a line of the text report or a Markdown table cell, where a line
    break from a fact would end the line and let the value pose as lines of the report.
    """
    return _LINE_BREAK.sub(" ", holdable(text))


def json_text(text: str) -> str:
    """JSON text written by ``json.dumps(ensure_ascii=False)``, made safe to write as UTF-8.

    A lone surrogate becomes U+FFFD: UTF-8 cannot encode it. Every other character is kept as
    ``json.dumps`` wrote it, so the JSON lines stay exactly those the columnar engine writes
    (U+2028 and U+2029 stay raw inside strings: split JSON lines on ``\\n`` only).
    """
    if _SURROGATE.search(text) is not None:
        text = _SURROGATE.sub(REPLACEMENT, text)
    return text


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>!|~&$])")


def markdown_text(text: str) -> str:
    """Plain text for Markdown: on one line, every character Markdown gives meaning escaped.

    ASCII punctuation that could start a link, an image, inline HTML, an entity, code,
    emphasis or a table cell is backslash-escaped (CommonMark shows ``\\<`` as ``<``), so a fact
    value renders as the same text and never as markup.
    """
    return _MD_SPECIAL.sub(r"\\\1", one_line(text))


def markdown_code(text: str) -> str:
    """``text`` as a Markdown code span, fenced with more backticks than it holds.

    A ``|`` is escaped even here (GitHub's tables split cells before reading code spans).
    """
    body = one_line(text).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    return f"{fence}{pad}{body}{pad}{fence}"
