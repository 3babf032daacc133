"""Source text → plain data with a span for every node.

Rule files and fact files are read here and nowhere else. YAML is parsed from PyYAML's *event*
stream (its parser is a state machine, so deep nesting cannot overflow the Python stack) and
built into plain ``dict``/``list``/scalars by an explicit stack. Only YAML's core types are
resolved (YAML 1.2 core schema): ``no``/``yes`` stay strings, ``010`` is ten, ``12:30`` is a
string and dates stay strings until the fact model parses them. Tags other than the core ones
are rejected, so no file can name a Python constructor. Duplicate keys are errors.

This module is the one place where PyYAML's 0-based marks become 1-based :class:`Span`.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from hezhang_rules.diagnostics import Diagnostic, Span, os_reason_zh, syntax_zh, type_zh

PathKey = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_BOOL_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_OCT = re.compile(r"^0o[0-7]+$")
_INT_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_FLOAT_SPECIAL = {
    ".inf": float("inf"),
    "+.inf": float("inf"),
    "-.inf": float("-inf"),
    ".nan": float("nan"),
    ".Inf": float("inf"),
    ".NaN": float("nan"),
}


_SPANNED_LIST_ITEMS = 1_000  # scalar items of a list that keep their own span

# The ceiling of every limit setting (2**40: a tebibyte, or a trillion nodes): higher values
# would only overflow the reader's own arithmetic, so they are refused as settings.
MAX_LIMIT = 2**40

# Integers of more digits than this are refused (Python's own default guard for int(text) is
# 4300 digits; no field of a rule or fact file needs a tenth of that, and the guard can be
# switched off by the interpreter's settings, so the reader keeps its own).
MAX_INT_DIGITS = 4300


@dataclass(frozen=True)
class Limits:
    """Resource limits for one input file. Documented in docs/limits.md."""

    max_bytes: int = 64 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 10_000_000
    max_alias_nodes: int = 100_000
    max_scalar_chars: int = 1_000_000
    max_records: int = 1_000_000  # records per fact file
    max_problems: int = 1_000  # diagnostics reported per file before the rest are counted only

    @classmethod
    def with_overrides(cls, items: dict[str, int]) -> Limits:
        """Limits with some settings changed; unknown names or bad values raise ValueError."""
        known = {f for f in cls.__dataclass_fields__}
        for name, value in items.items():
            if name not in known:
                raise ValueError(f"unknown limit `{name}` (limits: {', '.join(sorted(known))})")
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"limit `{name}` takes a whole number of at least 1")
            if value > MAX_LIMIT:
                raise ValueError(f"limit `{name}` takes a whole number of at most {MAX_LIMIT}")
        return replace(cls(), **items)


DEFAULT_LIMITS = Limits()


@dataclass
class Document:
    """A parsed file: plain data plus the span of every value and every mapping key."""

    file: str
    data: Any
    # (line, col), 1-based; Span objects are made only when asked for (most are never read).
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def span(self, path: PathKey, *, key: bool = False) -> Span:
        """The span of the node at ``path`` (its key if ``key``), else of its nearest ancestor."""
        table = self.keys if key else self.values
        p = tuple(path)
        if p in table:
            return Span(self.file, *table[p])
        while p:
            p = p[:-1]
            if p in self.values:
                return Span(self.file, *self.values[p])
        return Span(self.file, 1, 1)

    @property
    def value_spans(self) -> dict[PathKey, Span]:
        return {p: Span(self.file, *lc) for p, lc in self.values.items()}

    @property
    def key_spans(self) -> dict[PathKey, Span]:
        return {p: Span(self.file, *lc) for p, lc in self.keys.items()}


class SourceError(Exception):
    """Raised by this module with the diagnostics of one file."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("; ".join(d.render() for d in diagnostics))


def _span(file: str, mark: Any) -> Span:
    if mark is None:
        return Span(file, 1, 1)
    return Span(file, int(mark.line) + 1, int(mark.column) + 1)


class _NumberTooLarge(ValueError):
    pass


def _check_digits(value: str) -> None:
    if len(value) > MAX_INT_DIGITS and len(value.lstrip("+-")) > MAX_INT_DIGITS:
        raise _NumberTooLarge(value)


def _number_too_large(span: Span) -> SourceError:
    return SourceError(
        [
            Diagnostic(
                "hz_load_number_too_large",
                f"a whole number of more than {MAX_INT_DIGITS} digits",
                span,
                help="no value of a rule or fact file needs so many digits; write it as text "
                "in quotes if it is an identifier",
                zh=f"整数超过 {MAX_INT_DIGITS} 位",
                help_zh="规则文件和事实文件中的值都用不到这么多位；若是标识符，请加引号写成文本",
            )
        ]
    )


def _resolve_plain(value: str) -> Any:
    first = value[:1]
    if first and (first > "\x7f" or (first.isalpha() and first not in "tTfFnN")):
        return value  # text: cannot be null, a boolean or a number (fast path)
    if _NULL.match(value):
        return None
    if _BOOL_TRUE.match(value):
        return True
    if _BOOL_FALSE.match(value):
        return False
    if _INT.match(value):
        _check_digits(value)
        return int(value)
    if _INT_OCT.match(value):
        return int(value[2:], 8)
    if _INT_HEX.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value) and any(c.isdigit() for c in value):
        return float(value)
    if value in _FLOAT_SPECIAL:
        return _FLOAT_SPECIAL[value]
    return value


def _resolve_tagged(tag: str, value: str, file: str, mark: Any) -> Any:
    kind = tag[len(_CORE) :] if tag.startswith(_CORE) else None
    try:
        if kind == "str":
            return value
        if kind == "null" and _NULL.match(value):
            return None
        if kind == "bool" and (_BOOL_TRUE.match(value) or _BOOL_FALSE.match(value)):
            return bool(_BOOL_TRUE.match(value))
        if kind == "int":
            _check_digits(value)
            return int(value, 0) if not _INT.match(value) else int(value)
        if kind == "float":
            return float(value)
    except _NumberTooLarge:
        raise _number_too_large(_span(file, mark)) from None
    except ValueError:
        pass
    raise SourceError(
        [
            Diagnostic(
                "hz_load_tag_not_allowed",
                f"tag `{tag}` is not allowed (or does not fit the value `{value[:40]}`)",
                _span(file, mark),
                help="only YAML core types are read; rule and fact files never name constructors",
                zh=f"不允许使用标签 `{tag}`（或它与值 `{value[:40]}` 不符）",
                help_zh="只读取 YAML 核心类型；规则文件和事实文件从不指定构造器",
            )
        ]
    )


class _Builder:
    """Builds plain data from YAML events with an explicit stack (no recursion)."""

    def __init__(self, file: str, limits: Limits) -> None:
        self.file = file
        self.limits = limits
        self.doc = Document(file, None)
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0
        self.alias_nodes = 0
        self.errors: list[Diagnostic] = []
        # Stack frames: [container, path, pending_key, key_mark, anchor, size, seen_keys]
        self.stack: list[list[Any]] = []
        self.root_set = False

    def fail(
        self,
        code: str,
        message: str,
        mark: Any,
        help: str | None = None,
        *,
        zh: str,
        help_zh: str | None = None,
    ) -> None:
        raise SourceError(
            [Diagnostic(code, message, _span(self.file, mark), help=help, zh=zh, help_zh=help_zh)]
        )

    def _child_path(self) -> PathKey:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if isinstance(frame[0], list):
            return (*frame[1], len(frame[0]))
        return (*frame[1], frame[2])

    def _expecting_key(self) -> bool:
        return (
            bool(self.stack) and isinstance(self.stack[-1][0], dict) and self.stack[-1][2] is None
        )

    def _attach(self, value: Any, size: int, mark: Any) -> None:
        if not self.stack:
            if self.root_set:
                self.fail(
                    "hz_load_multiple_documents",
                    "a file holds exactly one document",
                    mark,
                    zh="一个文件只能有一个文档",
                )
            self.doc.data = value
            self.root_set = True
            return
        frame = self.stack[-1]
        frame[5] += size
        if isinstance(frame[0], list):
            frame[0].append(value)
        else:
            frame[0][frame[2]] = value
            frame[2] = None

    def _key(self, value: Any, mark: Any) -> None:
        frame = self.stack[-1]
        if not isinstance(value, str):
            self.fail(
                "hz_load_key_not_string",
                f"mapping keys must be strings, found {type(value).__name__} `{value}`",
                mark,
                help="quote the key",
                zh=f"映射的键须为文本，却是{type_zh(type(value).__name__)} `{value}`",
                help_zh="给键加上引号",
            )
        if value == "<<":
            self.fail(
                "hz_load_merge_key",
                "merge keys (`<<`) are not supported",
                mark,
                zh="不支持合并键（`<<`）",
            )
        path = (*frame[1], value)
        if value in frame[6]:
            first = frame[6][value]
            self.errors.append(
                Diagnostic(
                    "hz_load_duplicate_key",
                    f"duplicate key `{value}`",
                    _span(self.file, mark),
                    help=f"first defined at line {first.line}; YAML keeps the last one silently",
                    zh=f"键 `{value}` 重复",
                    help_zh=f"第一次定义在第 {first.line} 行；YAML 会悄悄只保留最后一个",
                )
            )
        else:
            frame[6][value] = _span(self.file, mark)
        self.doc.keys[path] = (mark.line + 1, mark.column + 1)
        frame[2] = value
        frame[3] = mark

    def _count(self, mark: Any) -> None:
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            self.fail(
                "hz_load_too_many_nodes",
                f"more than {self.limits.max_nodes} nodes in one file",
                mark,
                zh=f"一个文件中的节点超过 {self.limits.max_nodes} 个",
            )

    def scalar(self, ev: Any) -> None:
        self._count(ev.start_mark)
        if len(ev.value) > self.limits.max_scalar_chars:
            self.fail(
                "hz_load_scalar_too_long",
                f"a value longer than {self.limits.max_scalar_chars} characters",
                ev.start_mark,
                zh=f"一个值超过 {self.limits.max_scalar_chars} 个字符",
            )
        if ev.tag and ev.tag != "!":
            value = _resolve_tagged(ev.tag, ev.value, self.file, ev.start_mark)
        elif ev.implicit[0]:
            try:
                value = _resolve_plain(ev.value)
            except _NumberTooLarge:
                raise _number_too_large(_span(self.file, ev.start_mark)) from None
        else:
            value = ev.value
        if ev.anchor:
            self.anchors[ev.anchor] = (value, 1)
        if self._expecting_key():
            self._key(value, ev.start_mark)
            return
        self._scalar_span(ev.start_mark)
        self._attach(value, 1, ev.start_mark)

    def alias(self, ev: Any) -> None:
        if ev.anchor not in self.anchors:
            self.fail(
                "hz_load_syntax",
                f"unknown alias `*{ev.anchor}`",
                ev.start_mark,
                zh=f"未知的别名 `*{ev.anchor}`",
            )
        value, size = self.anchors[ev.anchor]
        self.alias_nodes += size
        if self.alias_nodes > self.limits.max_alias_nodes:
            self.fail(
                "hz_load_alias_limit",
                f"aliases expand to more than {self.limits.max_alias_nodes} nodes",
                ev.start_mark,
                help="write the values out, or use fewer aliases",
                zh=f"别名展开后超过 {self.limits.max_alias_nodes} 个节点",
                help_zh="把值直接写出来，或少用别名",
            )
        if self._expecting_key():
            self._key(value, ev.start_mark)
            return
        self._scalar_span(ev.start_mark)
        self._attach(value, size, ev.start_mark)

    def _scalar_span(self, mark: Any) -> None:
        """Keep the span of a scalar value; in long lists only the first items' spans.

        Later scalar items are located by their list, so a list of 20 million numbers does not
        cost a 20-million-entry span table (gigabytes) on its way to being refused.
        """
        parent = self.stack[-1][0] if self.stack else None
        if not isinstance(parent, list) or len(parent) < _SPANNED_LIST_ITEMS:
            self.doc.values[self._child_path()] = (mark.line + 1, mark.column + 1)

    def start(self, ev: Any, container: Any) -> None:
        self._count(ev.start_mark)
        tag = ev.tag
        expected = _CORE + ("map" if isinstance(container, dict) else "seq")
        if tag and tag not in ("!", expected):
            self.fail(
                "hz_load_tag_not_allowed",
                f"tag `{tag}` is not allowed",
                ev.start_mark,
                help="only YAML core types are read; files never name constructors",
                zh=f"不允许使用标签 `{tag}`",
                help_zh="只读取 YAML 核心类型；文件从不指定构造器",
            )
        if self._expecting_key():
            self.fail(
                "hz_load_key_not_string",
                "mapping keys must be strings, not collections",
                ev.start_mark,
                zh="映射的键须为文本，不能是集合",
            )
        if len(self.stack) >= self.limits.max_depth:
            self.fail(
                "hz_load_too_deep",
                f"nesting deeper than {self.limits.max_depth} levels",
                ev.start_mark,
                zh=f"嵌套超过 {self.limits.max_depth} 层",
            )
        path = self._child_path()
        self.doc.values[path] = (ev.start_mark.line + 1, ev.start_mark.column + 1)
        self.stack.append([container, path, None, None, ev.anchor, 1, {}])

    def end(self, ev: Any) -> None:
        container, _path, _k, _m, anchor, size, _seen = self.stack.pop()
        if anchor:
            self.anchors[anchor] = (container, size)
        self._attach(container, size, ev.start_mark)


_CParser: Any
try:  # libyaml's event parser: ~20x faster, and iterative (only PyYAML's C composer recurses)
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None


def _events(text: str) -> Iterator[Any]:
    """YAML events, from libyaml when available; nothing is composed or constructed."""
    if _CParser is not None:
        parser = _CParser(text)
        while parser.check_event():
            yield parser.get_event()
        return
    loader = yaml.SafeLoader(text)
    try:
        while loader.check_event():
            yield loader.get_event()  # type: ignore[no-untyped-call]
    finally:
        loader.dispose()


def parse_yaml(text: str, file: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse one YAML document into plain data with spans; raise :class:`SourceError`."""
    builder = _Builder(file, limits)
    try:
        for ev in _events(text):
            if isinstance(ev, yaml.ScalarEvent):
                builder.scalar(ev)
            elif isinstance(ev, yaml.AliasEvent):
                builder.alias(ev)
            elif isinstance(ev, yaml.MappingStartEvent):
                builder.start(ev, {})
            elif isinstance(ev, yaml.SequenceStartEvent):
                builder.start(ev, [])
            elif isinstance(ev, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                builder.end(ev)
            elif isinstance(ev, yaml.DocumentStartEvent) and builder.root_set:
                builder.fail(
                    "hz_load_multiple_documents",
                    "a file holds exactly one document",
                    ev.start_mark,
                    zh="一个文件只能有一个文档",
                )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:
            raise SourceError(
                [
                    Diagnostic(
                        "hz_load_too_deep",
                        f"nesting too deep ({problem})",
                        _span(file, mark),
                        zh="嵌套过深",
                    )
                ]
            ) from None
        raise SourceError(
            [
                Diagnostic(
                    "hz_load_syntax",
                    f"YAML syntax error: {problem}",
                    _span(file, mark),
                    zh=f"YAML 语法错误{syntax_zh(problem)}",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise SourceError(
            [Diagnostic("hz_load_syntax", f"YAML error: {exc}", Span(file, 1, 1), zh="YAML 错误")]
        ) from None
    except RecursionError:
        raise SourceError(
            [
                Diagnostic(
                    "hz_load_too_deep",
                    "nesting too deep to read",
                    Span(file, 1, 1),
                    zh="嵌套过深，无法读取",
                )
            ]
        ) from None
    if builder.errors:
        raise SourceError(builder.errors)
    return builder.doc


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _json_key_position(text: str, key: str) -> tuple[int, int]:
    """Line and column of the second ``"key":`` in ``text`` (best effort; 1:1 if not found)."""
    pattern = re.compile(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:")
    hits = list(pattern.finditer(text))
    if len(hits) < 2:
        return 1, 1
    start = hits[1].start()
    line = text.count("\n", 0, start) + 1
    return line, start - (text.rfind("\n", 0, start) + 1) + 1


def _check_json_size(data: Any, file: str, limits: Limits) -> None:
    """Apply the depth, node and value-length limits to parsed JSON (as the YAML reader does).

    Containers are counted by their length before their items are visited, so a list over the
    node limit is refused without walking it.
    """

    def fail(code: str, message: str, zh: str) -> SourceError:
        return SourceError([Diagnostic(code, message, Span(file, 1, 1), zh=zh)])

    if isinstance(data, str) and len(data) > limits.max_scalar_chars:
        raise fail(
            "hz_load_scalar_too_long",
            f"a value longer than {limits.max_scalar_chars}",
            f"一个值超过 {limits.max_scalar_chars} 个字符",
        )
    nodes = 1
    stack: list[tuple[Any, int]] = [(data, 1)] if isinstance(data, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > limits.max_depth:
            raise fail(
                "hz_load_too_deep",
                f"nesting deeper than {limits.max_depth} levels",
                f"嵌套超过 {limits.max_depth} 层",
            )
        nodes += len(item) * (2 if isinstance(item, dict) else 1)
        if nodes > limits.max_nodes:
            raise fail(
                "hz_load_too_many_nodes",
                f"more than {limits.max_nodes} nodes in one file",
                f"一个文件中的节点超过 {limits.max_nodes} 个",
            )
        for value in item.values() if isinstance(item, dict) else item:
            if isinstance(value, dict | list):
                stack.append((value, depth + 1))
            elif isinstance(value, str) and len(value) > limits.max_scalar_chars:
                raise fail(
                    "hz_load_scalar_too_long",
                    f"a value longer than {limits.max_scalar_chars} characters",
                    f"一个值超过 {limits.max_scalar_chars} 个字符",
                )


_LONG_DIGITS = re.compile(r"[0-9]{" + str(MAX_INT_DIGITS + 1) + ",}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


_JSON_SPECIAL = re.compile(r'["\\\n]')


class _JsonScan:
    """Whether offsets of one JSON text fall inside a string literal, and on an escaped character.

    Offsets must be asked in increasing order: the text is scanned once, jumping between quotes,
    backslashes and line ends, so locating many candidates costs one pass, not one per candidate.
    JSON strings cannot span lines, so a line end closes any string.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.in_string = False
        self.skip = 0  # characters before this offset are escaped ones

    def at(self, start: int) -> tuple[bool, bool]:
        for m in _JSON_SPECIAL.finditer(self.text, self.pos, max(start, self.pos)):
            i = m.start()
            if i < self.skip:
                continue
            ch = m.group()
            if ch == "\n":
                self.in_string = False
            elif ch == '"':
                self.in_string = not self.in_string
            elif self.in_string:
                self.skip = i + 2
        self.pos = max(start, self.pos)
        return self.in_string, start < self.skip


def _position(text: str, start: int) -> tuple[int, int]:
    line = text.count("\n", 0, start) + 1
    return line, start - (text.rfind("\n", 0, start) + 1) + 1


def _long_number(text: str) -> tuple[int, int] | None:
    """Line and column of the first number literal too long for ``int()``, if any."""
    scan = _JsonScan(text)
    for m in _LONG_DIGITS.finditer(text):
        if not scan.at(m.start())[0]:
            return _position(text, m.start())
    return None


def _lone_escape(text: str) -> tuple[int, int]:
    """Line and column of the first surrogate escape that is not half of a pair (best effort)."""
    pair_end = -1
    scan = _JsonScan(text)
    for m in _SURROGATE_ESCAPE.finditer(text):
        in_string, escaped = scan.at(m.start())
        if m.start() == pair_end or not in_string or escaped:
            continue
        follow = _SURROGATE_ESCAPE.match(text, m.end())
        high = m.group()[3].lower() in "89ab"
        if high and follow is not None and follow.group()[3].lower() in "cdef":
            pair_end = m.end()
            continue
        return _position(text, m.start())
    return 1, 1


def _lone_surrogate(data: Any, text: str, file: str) -> None:
    """Refuse a ``\\udXXX`` escape that is not half of a pair (it is no Unicode character)."""
    if not _SURROGATE_ESCAPE.search(text):
        return
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            values: list[Any] = [*item.keys(), *item.values()]
        elif isinstance(item, list):
            values = item
        else:
            values = [item]
        for value in values:
            if isinstance(value, dict | list):
                stack.append(value)
            elif isinstance(value, str) and _SURROGATE.search(value):
                where = _lone_escape(text)
                raise SourceError(
                    [
                        Diagnostic(
                            "hz_load_encoding",
                            "a lone surrogate escape (\\ud800-\\udfff without its pair) is not "
                            "a character",
                            Span(file, *where),
                            zh="孤立的代理项转义（\\ud800-\\udfff 缺少配对的另一半）不是字符",
                        )
                    ]
                )


def parse_json(text: str, file: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse JSON (duplicate keys rejected, depth limited); spans name the file only."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except _DuplicateKey as exc:
        line, col = _json_key_position(text, str(exc))
        raise SourceError(
            [
                Diagnostic(
                    "hz_load_duplicate_key",
                    f"duplicate key `{exc}`",
                    Span(file, line, col),
                    zh=f"键 `{exc}` 重复",
                )
            ]
        ) from None
    except json.JSONDecodeError as exc:
        raise SourceError(
            [
                Diagnostic(
                    "hz_load_syntax",
                    f"JSON syntax error: {exc.msg}",
                    Span(file, exc.lineno, exc.colno),
                    zh=f"JSON 语法错误{syntax_zh(exc.msg)}",
                )
            ]
        ) from None
    except RecursionError:
        raise SourceError(
            [
                Diagnostic(
                    "hz_load_too_deep",
                    f"nesting deeper than {limits.max_depth} levels",
                    Span(file, 1, 1),
                    zh=f"嵌套超过 {limits.max_depth} 层",
                )
            ]
        ) from None
    except ValueError as exc:
        where = _long_number(text)
        if where is not None:
            raise _number_too_large(Span(file, *where)) from None
        raise SourceError(
            [Diagnostic("hz_load_syntax", f"JSON error: {exc}", Span(file, 1, 1), zh="JSON 错误")]
        ) from None
    _check_json_size(data, file, limits)
    _lone_surrogate(data, text, file)
    return Document(file, data)


_NOT_REGULAR = (
    (stat.S_ISDIR, "a directory", "目录"),
    (stat.S_ISFIFO, "a FIFO (named pipe)", "命名管道"),
    (stat.S_ISCHR, "a character device", "字符设备"),
    (stat.S_ISBLK, "a block device", "块设备"),
    (stat.S_ISSOCK, "a socket", "套接字"),
)


def _unreadable(display: str, exc: OSError) -> SourceError:
    reason = exc.strerror or type(exc).__name__
    return SourceError(
        [
            Diagnostic(
                "hz_load_unreadable",
                f"cannot read file: {reason}",
                Span(display),
                zh=f"无法读取文件：{os_reason_zh(exc)}",
            )
        ]
    )


def _check_mode(mode: int, display: str) -> None:
    if stat.S_ISREG(mode):
        return
    what, what_zh = next(
        ((name, zh) for test, name, zh in _NOT_REGULAR if test(mode)),
        ("not a regular file", "特殊文件"),
    )
    raise SourceError(
        [
            Diagnostic(
                "hz_load_not_a_file",
                f"{what}, not a regular file: not read",
                Span(display),
                help="inputs are regular files; a pipe or device is never read or waited on",
                zh=f"这是{what_zh}，不是普通文件：未读取",
                help_zh="输入须为普通文件；管道和设备从不读取，也从不等待",
            )
        ]
    )


def check_regular_file(path: Path | str, display: str) -> os.stat_result:
    """``os.stat`` of ``path`` (symlinks followed); a located :class:`SourceError` unless it is
    a regular file (a directory, FIFO, device or socket is refused without being opened)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise _unreadable(display, exc) from None
    except ValueError:  # an embedded NUL byte in the path
        raise SourceError(
            [
                Diagnostic(
                    "hz_load_unreadable",
                    "cannot read file: bad path",
                    Span(display),
                    zh="无法读取文件：路径无效",
                )
            ]
        ) from None
    _check_mode(st.st_mode, display)
    return st


def _too_large(display: str, limit: int, size: int | None) -> SourceError:
    said = f"file is {size} bytes" if size is not None else f"more than {limit} bytes were read"
    said_zh = f"文件有 {size} 字节" if size is not None else f"已读取超过 {limit} 字节"
    return SourceError(
        [
            Diagnostic(
                "hz_load_file_too_large",
                f"{said}; the limit is {limit}",
                Span(display),
                help="raise the limit max_bytes (--limit max_bytes=N) if the file is genuine",
                zh=f"{said_zh}；上限为 {limit}",
                help_zh="若文件确实无误，请提高上限 max_bytes（--limit max_bytes=N）",
            )
        ]
    )


_CHUNK = 1 << 20


def read_bytes_bounded(path: Path | str, display: str, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    The file is checked with ``stat`` before it is opened (a FIFO, device, socket or directory
    is refused, never waited on), opened non-blocking and checked again on the open descriptor
    (it may have been swapped), and read only up to ``limit + 1`` bytes whatever ``stat`` says,
    so a ``/proc`` file or a file that grows while it is read cannot exceed the limit. A
    :class:`SourceError` located at ``display`` otherwise.
    """
    st = check_regular_file(path, display)
    if st.st_size > limit:
        raise _too_large(display, limit, st.st_size)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise _unreadable(display, exc) from None
    try:
        _check_mode(os.fstat(fd).st_mode, display)
        # One read of the stated size plus one byte covers an ordinary file (then one read at
        # end of file); files whose stat size is wrong (/proc) are read in chunks to the limit.
        chunks = []
        total = 0
        want = min(st.st_size, limit) + 1
        while True:
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise _too_large(display, limit, None)
            want = min(_CHUNK, limit + 1 - total)
    except OSError as exc:
        raise _unreadable(display, exc) from None
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def decode_text(raw: bytes, display: str) -> str:
    """Bytes of a text input as UTF-8 (a BOM is allowed); located errors for bad encoding."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(
            [
                Diagnostic(
                    "hz_load_encoding",
                    f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                    Span(display, line, col),
                    zh=f"不是有效的 UTF-8（字节 0x{raw[exc.start]:02x}）",
                )
            ]
        ) from None
    if "\x00" in text:
        raise SourceError(
            [
                Diagnostic(
                    "hz_load_binary",
                    "file holds NUL bytes: not a text file",
                    Span(display, 1, 1),
                    zh="文件含有 NUL 字节：不是文本文件",
                )
            ]
        )
    return text


def read_text(path: Path, display: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """Read a regular file as UTF-8, bounded by ``limits.max_bytes`` (see read_bytes_bounded)."""
    return decode_text(read_bytes_bounded(path, display, limits.max_bytes), display)


def parse_text(text: str, file: str, suffix: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse text as JSON when ``suffix`` is ``.json``, else as YAML."""
    if suffix.lower() == ".json":
        return parse_json(text, file, limits)
    return parse_yaml(text, file, limits)


def load_document(
    path: Path, display: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Document:
    """Read and parse a ``.yaml``/``.yml``/``.json`` file."""
    name = display or str(path)
    return parse_text(read_text(path, name, limits), name, path.suffix, limits)
