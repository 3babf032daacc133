"""Strict reading of a JSON-lines table, line by line, before polars reads it as columns.

polars reads JSON lines leniently: of a key given twice it keeps the first, it turns a lone
surrogate escape (``"\\ud800"``) into a NUL character, and a number too large for 64 bits or
too long for Python (``sys.set_int_max_str_digits``) makes it, or ``json``, raise an error
that names no line. Every line is therefore read here first, as the fact-file reader reads a
file: valid UTF-8 (a BOM is allowed at the start), no NUL byte, no blank line, JSON whose
nesting is at most ``max_depth``, no key twice in one object, whole numbers within 64 bits and
no number that overflows to infinity, no ``NaN``/``Infinity``, no lone surrogate, and an object
on every line. Each problem is located at its line and column. Reading costs about what
polars' own reading does (the C JSON decoder, one Python call per object for the duplicate-key
test) and is bounded by the table's size limit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hezhang_rules.diagnostics import Diagnostic, Span, syntax_zh
from hezhang_rules.facts.bounds import INT_MAX, INT_MIN

BOM = b"\xef\xbb\xbf"
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_MAX_INT_CHARS = 20  # "-9223372036854775808": anything longer is out of range


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class _BadNumber(ValueError):
    def __init__(self, text: str, why: str, why_zh: str) -> None:
        super().__init__(text)
        self.text = text
        self.why = why
        self.why_zh = why_zh


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def _int(text: str) -> int:
    if len(text) > _MAX_INT_CHARS:
        digits = len(text.lstrip("-"))
        raise _BadNumber(text, f"a whole number of {digits} digits", f"{digits} 位的整数")
    value = int(text)
    if not INT_MIN <= value <= INT_MAX:
        raise _BadNumber(
            text,
            "a whole number beyond 64 bits (-2**63 to 2**63-1)",
            "超出 64 位范围（-2**63 至 2**63-1）的整数",
        )
    return value


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _BadNumber(text, "a number too large for a 64-bit float", "64 位浮点数容不下的数")
    return value


class _NotJsonNumber(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _constant(text: str) -> Any:
    raise _NotJsonNumber(text)


_DECODER = json.JSONDecoder(
    object_pairs_hook=_object, parse_int=_int, parse_float=_float, parse_constant=_constant
)


def _too_deep(text: str, limit: int) -> int | None:
    """The column where nesting first exceeds ``limit`` (strings skipped), or ``None``."""
    depth, in_string, escaped = 0, False, False
    for col, ch in enumerate(text, 1):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return col
        elif ch in "]}":
            depth -= 1
    return None


def _column(text: str, needle: str) -> int:
    at = text.find(needle)
    return at + 1 if at >= 0 else 1


@dataclass
class LineReader:
    """Reads one JSON-lines file strictly; ``problems`` collects the located diagnostics."""

    path: Path
    max_depth: int
    max_problems: int
    max_bytes: int = 1 << 62
    """Bytes read at most (counted while reading: a file that grows, or lies about its size,
    is stopped at the limit); one line may hold at most ``max_line`` of them."""
    max_line: int = 1 << 62
    problems: list[Diagnostic] = field(default_factory=list)
    lines: int = 0
    bom: bool = False

    def _fail(self, code: str, message: str, line: int, col: int, *, zh: str) -> None:
        self.problems.append(Diagnostic(code, message, Span(str(self.path), line, col), zh=zh))

    def full(self) -> bool:
        return len(self.problems) >= self.max_problems

    def records(self) -> Iterator[tuple[int, Any]]:
        """``(index, value)`` of every line that is valid JSON (the value may be any JSON
        value: the caller judges whether it is a record); problems are collected meanwhile."""
        read = 0
        with self.path.open("rb") as fh:
            for index, raw in enumerate(iter(lambda: fh.readline(self.max_line + 1), b"")):
                self.lines = index + 1
                read += len(raw)
                if len(raw) > self.max_line or read > self.max_bytes:
                    what = "a line" if len(raw) > self.max_line else "the table"
                    what_zh = "一行" if len(raw) > self.max_line else "此表"
                    limit = self.max_line if len(raw) > self.max_line else self.max_bytes
                    self._fail(
                        "hz_limit_max_bytes",
                        f"{what} longer than {limit:,} bytes",
                        index + 1,
                        1,
                        zh=f"{what_zh}超过 {limit:,} 字节",
                    )
                    return
                if index == 0 and raw.startswith(BOM):
                    raw = raw[len(BOM) :]
                    self.bom = True
                value = self.parse(raw, index + 1)
                if value is not _INVALID:
                    yield index, value
                if self.full():
                    return

    def check(self) -> None:
        """Read every line, keeping nothing (polars reads the values afterwards)."""
        for _ in self.records():
            pass

    def parse(self, raw: bytes, line: int) -> Any:
        """One line's JSON value, or ``_INVALID`` (with its problem recorded)."""
        nul = raw.find(b"\x00")
        if nul >= 0:
            self._fail(
                "hz_load_binary",
                "a NUL byte: not a text file",
                line,
                nul + 1,
                zh="NUL 字节：不是文本文件",
            )
            return _INVALID
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            col = len(raw[: exc.start].decode("utf-8", errors="replace")) + 1
            self._fail(
                "hz_load_encoding",
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                line,
                col,
                zh=f"不是有效的 UTF-8（字节 0x{raw[exc.start]:02x}）",
            )
            return _INVALID
        if not text.strip():
            self._fail(
                "hz_facts_syntax",
                "blank line in a JSON-lines table",
                line,
                1,
                zh="JSON 行表中有空行",
            )
            return _INVALID
        if text.count("[") + text.count("{") > self.max_depth:
            deep = _too_deep(text, self.max_depth)
            if deep is not None:
                self._fail(
                    "hz_load_too_deep",
                    f"nesting deeper than {self.max_depth} levels",
                    line,
                    deep,
                    zh=f"嵌套超过 {self.max_depth} 层",
                )
                return _INVALID
        try:
            value = _DECODER.decode(text)
        except _DuplicateKey as exc:
            self._fail(
                "hz_load_duplicate_key",
                f"duplicate key `{exc.key}` in one object",
                line,
                _second(text, json.dumps(exc.key, ensure_ascii=False)),
                zh=f"同一对象中键 `{exc.key}` 重复",
            )
            return _INVALID
        except _BadNumber as exc:
            self._fail(
                "hz_load_number_out_of_range",
                f"{exc.why}: not a value a fact can hold",
                line,
                _column(text, exc.text[:40]),
                zh=f"{exc.why_zh}：事实容不下这样的值",
            )
            return _INVALID
        except _NotJsonNumber as exc:
            self._fail(
                "hz_facts_syntax",
                f"not JSON: `{exc.text}` is not a JSON number",
                line,
                _column(text, exc.text),
                zh=f"不是 JSON：`{exc.text}` 不是 JSON 数字",
            )
            return _INVALID
        except json.JSONDecodeError as exc:
            self._fail(
                "hz_facts_syntax",
                f"not JSON: {exc.msg}",
                line,
                exc.colno,
                zh=f"不是 JSON{syntax_zh(exc.msg)}",
            )
            return _INVALID
        except (RecursionError, ValueError) as exc:  # defence: json's own limits
            self._fail("hz_facts_syntax", f"not JSON: {exc}", line, 1, zh="不是 JSON")
            return _INVALID
        if "\\u" in text and _has_lone_surrogate(value):
            found = _SURROGATE.search(text)
            self._fail(
                "hz_load_encoding",
                "a lone surrogate escape (\\ud800–\\udfff) is not a character",
                line,
                found.start() + 1 if found else 1,
                zh="孤立的代理项转义（\\ud800–\\udfff）不是字符",
            )
            return _INVALID
        return value


class _Invalid:
    pass


_INVALID: Any = _Invalid()


def _second(text: str, quoted_key: str) -> int:
    first = text.find(quoted_key)
    second = text.find(quoted_key, first + 1) if first >= 0 else -1
    return second + 1 if second >= 0 else _column(text, quoted_key)


def _has_lone_surrogate(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


__all__ = ["BOM", "LineReader"]
