"""Diagnostics: one located message type for every problem the library reports.

Every error the library raises on bad input is a :class:`HezhangError` carrying a non-empty list
of :class:`Diagnostic`. A diagnostic prints as ``file:line:col: code: message`` (OPA style) so
editors and terminals can jump to it; fact diagnostics also name the record and field.

Every diagnostic speaks both languages: ``message``/``help`` in English and ``zh``/``help_zh`` in
Chinese, written side by side where the diagnostic is raised (a reviewer reads each Chinese
sentence next to the English one it renders). :meth:`Diagnostic.render` picks one; identifiers
(codes, files, records, field paths, option names, quoted values) are the same in both. Errors
from pydantic get their Chinese from the error's ``type`` (:func:`pydantic_zh`), so the English
text pydantic writes is kept for ``en`` only.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]
Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
LANG_ENV = "HEZHANG_LANG"
"""The environment variable naming the language of diagnostics (``zh`` or ``en``) where a command
has no ``--lang`` of its own; Chinese when it is unset or holds anything else."""


def env_lang() -> Lang:
    """The language of diagnostics from ``$HEZHANG_LANG``: ``en`` or ``zh`` (Chinese first)."""
    return "en" if os.environ.get(LANG_ENV, "").strip().lower() == "en" else "zh"


@dataclass(frozen=True, order=True)
class Span:
    """A 1-based position in a source file. PyYAML marks are 0-based: convert in ``source`` only."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    """A problem found in a rule file, a fact file or a command line.

    ``message`` and ``help`` are English, ``zh`` and ``help_zh`` the same in Chinese. Every
    diagnostic the library raises gives both (a test reads every construction in ``src``); one
    built without ``zh`` (a caller's own) renders its English under ``zh`` too.
    """

    code: str
    message: str
    span: Span | None = None
    help: str | None = None
    severity: Severity = "error"
    # Where in a fact file: "inspections[3] (id insp-3)" and "record.place".
    record: str | None = None
    field_path: str | None = None
    zh: str | None = None
    help_zh: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        span = self.span or Span("")
        return (span.file, span.line, span.col, self.code, self.message)

    def text(self, lang: Lang = "en") -> str:
        """The message in ``lang`` (English when no Chinese was given)."""
        return self.zh if lang == "zh" and self.zh is not None else self.message

    def help_text(self, lang: Lang = "en") -> str | None:
        """The help in ``lang`` (English when no Chinese was given), or ``None``."""
        return self.help_zh if lang == "zh" and self.help_zh is not None else self.help

    def render(self, lang: Lang = "en") -> str:
        """One line (and an indented help line) in ``lang``: characters that would break the
        line or drive the terminal (controls, line separators, lone surrogates) from a file
        name, a record or an option are written as escapes, and a very long quoted value is
        cut. English by default, as ``str()`` of a diagnostic and of :class:`HezhangError`."""
        zh = lang == "zh"
        where = _one_line(str(self.span)) if self.span else "<input>"
        text = f"{where}: {self.code}: "
        label, colon = ("字段", "：") if zh else ("field", ": ")
        if self.record:
            text += _one_line(self.record)
            text += f" {label} `{_one_line(self.field_path)}`{colon}" if self.field_path else colon
        elif self.field_path:
            text += f"{label} `{_one_line(self.field_path)}`{colon}"
        text += _one_line(self.text(lang))
        hint = self.help_text(lang)
        if hint:
            text += f"\n  {'提示' if zh else 'help'}{colon}{_one_line(hint)}"
        return text

    def __str__(self) -> str:
        return self.render()


_MAX_SHOWN = 2_000  # characters of one part of a diagnostic; past that it is cut, saying so


def _one_line(text: str) -> str:
    out = "".join(
        repr(c)[1:-1] if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") else c for c in text
    )
    if len(out) > _MAX_SHOWN:
        out = out[:_MAX_SHOWN] + f"… ({len(out)} characters)"
    return out


class HezhangError(Exception):
    """Raised with every diagnostic of a failed operation, sorted by location."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        diags = sorted(diagnostics, key=Diagnostic.sort_key)
        if not diags:
            raise ValueError("HezhangError needs at least one diagnostic")
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diags)
        super().__init__("\n".join(d.render() for d in self.diagnostics))

    def render(self, lang: Lang = "en") -> str:
        """Every diagnostic in ``lang``, one per line. ``str()`` of the error is the English
        rendering (a Python caller's logs and tracebacks); the command line prints this in the
        language of the command."""
        return "\n".join(d.render(lang) for d in self.diagnostics)


class RuleLoadError(HezhangError):
    """A rule file (or rule pack) is malformed or inconsistent."""


class FactLoadError(HezhangError):
    """A fact file is malformed, or its records are invalid or inconsistent."""


class UsageError(HezhangError):
    """The caller asked for something that cannot be done (bad option, missing path)."""


@dataclass
class DiagnosticSink:
    """Collects diagnostics so a stage can report every problem instead of the first."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def error(
        self, code: str, message: str, span: Span | None = None, *, zh: str, **kw: str | None
    ) -> None:
        self.items.append(Diagnostic(code, message, span, zh=zh, **kw))  # type: ignore[arg-type]

    def extend(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``name``, if one is close enough to suggest."""
    import difflib

    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """Return a "did you mean" help text for the closest candidate, if one is close enough."""
    close = closest(name, candidates)
    return f"did you mean `{close}`?" if close else None


def did_you_mean_zh(name: str, candidates: Iterable[str]) -> str | None:
    """:func:`did_you_mean` in Chinese."""
    close = closest(name, candidates)
    return f"是否应为 `{close}`？" if close else None


_TYPE_ZH = {
    "str": "文本",
    "int": "整数",
    "float": "小数",
    "bool": "布尔值",
    "list": "列表",
    "dict": "映射",
    "NoneType": "空值",
    "date": "日期",
    "datetime": "日期时间",
    "bytes": "字节串",
}


def type_zh(name: str) -> str:
    """A Python type's name (``type(x).__name__``) as a Chinese noun; an unlisted name as is."""
    return _TYPE_ZH.get(name, f"`{name}`")


def _choices_zh(expected: str) -> str:
    """Pydantic's ``'a', 'b' or 'c'`` as ``a、b、c`` (each value in backticks)."""
    quoted = re.findall(r"'([^']*)'", expected)
    items = quoted or [x.strip() for x in re.split(r",| or ", expected) if x.strip()]
    return "、".join(f"`{x}`" for x in items)


# The English texts of the library's own pydantic validators (``ValueError`` in facts/types.py
# and rules/model.py), each with its Chinese: pydantic reports them all as ``value_error``.
_VALUE_ERRORS_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(en), zh)
    for en, zh in (
        (
            r"expected a date \(YYYY-MM-DD\), found a date and time",
            "应为日期（YYYY-MM-DD），却是日期加时间",
        ),
        (
            r"expected a date written YYYY-MM-DD, found (?P<v>`.*`)",
            r"日期应写作 YYYY-MM-DD，却是 \g<v>",
        ),
        (r"expected a date written YYYY-MM-DD, found (?P<t>\w+)", "日期应写作 YYYY-MM-DD，却是{t}"),
        (r"(?P<v>`.*`) is not a calendar date \(.*\)", r"\g<v> 不是日历上的日期"),
        (
            r"a condition takes exactly one operator \(found: (?P<f>.*)\); operators: (?P<o>.*)",
            r"一个条件须恰好有一个运算符（现有：\g<f>）；可用的运算符：\g<o>",
        ),
        (r"operator (?P<o>`\w+`) needs a `field`", r"运算符 \g<o> 需要 `field`"),
        (r"operator (?P<o>`\w+`) needs a value, not null", r"运算符 \g<o> 需要一个值，不能为 null"),
        (
            r"a holder is exactly one of (?P<k>.*)",
            r"责任主体须且只能是其中之一：\g<k>",
        ),
        (r"`per: once` takes (?P<d>`.*`)", r"`per: once` 须配 \g<d>"),
        (r"a yearly deadline takes (?P<d>`.*`)", r"按年的期限须配 \g<d>"),
        (
            r"a trigger names exactly one of `facts` or `finding_of`",
            "触发条件须且只能写 `facts` 与 `finding_of` 之一",
        ),
        # source.Limits.with_overrides (--limit NAME=VALUE)
        (
            r"unknown limit (?P<n>`.*`) \(limits: (?P<k>.*)\)",
            r"未知的上限 \g<n>（可用的上限：\g<k>）",
        ),
        (
            r"limit (?P<n>`.*`) takes a whole number of at least 1",
            r"上限 \g<n> 须为不小于 1 的整数",
        ),
        (
            r"limit (?P<n>`.*`) takes a whole number of at most (?P<m>\d+)",
            r"上限 \g<n> 须为不大于 \g<m> 的整数",
        ),
    )
)


def value_error_zh(text: str) -> str:
    """The Chinese of one of the library's own ``ValueError`` texts (a model validator's, a
    limit's); a text it does not know is said as "invalid value" only."""
    for pattern, zh in _VALUE_ERRORS_ZH:
        m = pattern.fullmatch(text)
        if m:
            if "{t}" in zh:
                return zh.replace("{t}", type_zh(m["t"]))
            return m.expand(zh)
    return "取值无效"


def pydantic_zh(err: Mapping[str, Any]) -> str:
    """The Chinese message of one pydantic validation error (an item of ``exc.errors()``),
    chosen by its ``type`` with the numbers and values of its ``ctx``; the English one is
    pydantic's own ``msg``."""
    kind = str(err.get("type", ""))
    ctx: Mapping[str, Any] = err.get("ctx") or {}
    simple = _PYDANTIC_ZH.get(kind)
    if simple is not None:
        return simple.format(**{k: ctx.get(k, "") for k in re.findall(r"{(\w+)}", simple)})
    if kind in ("literal_error", "enum"):
        return f"取值应为其中之一：{_choices_zh(str(ctx.get('expected', '')))}"
    if kind == "string_too_short":
        return (
            "文本不能为空"
            if ctx.get("min_length") == 1
            else f"文本至少 {ctx.get('min_length')} 个字符"
        )
    if kind == "date_out_of_range":
        if "year" in ctx:
            return f"年份 {ctx['year']} 超出支持的范围 {ctx.get('lo')} 至 {ctx.get('hi')}"
        return f"日期超出支持的范围 {str(ctx.get('range')).replace(' to ', ' 至 ')}"
    if kind == "value_error":
        return value_error_zh(str(err.get("msg", "")).removeprefix("Value error, "))
    return "取值无效"


_PYDANTIC_ZH = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段",
    "string_type": "应为文本",
    "string_unicode": "文本不是有效的 Unicode",
    "string_too_long": "文本最多 {max_length} 个字符",
    "string_pattern_mismatch": "文本不符合格式 `{pattern}`",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数，却有小数部分",
    "int_parsing_size": "整数过大",
    "int_out_of_range": "整数超出 64 位范围（-2**63 至 2**63-1）",
    "float_type": "应为数",
    "float_parsing": "应为数",
    "finite_number": "应为有限的数",
    "bool_type": "应为布尔值（true 或 false）",
    "bool_parsing": "应为布尔值（true 或 false）",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "set_type": "应为列表",
    "frozen_set_type": "应为列表",
    "dict_type": "应为映射",
    "model_type": "应为映射（一条记录）",
    "model_attributes_type": "应为映射（一条记录）",
    "dataclass_type": "应为映射",
    "date_type": "应为日期 YYYY-MM-DD",
    "date_parsing": "日期应写作 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期应写作 YYYY-MM-DD，无法解析",
    "date_from_datetime_inexact": "应为日期，却带有时间",
    "datetime_type": "应为日期时间",
    "datetime_parsing": "日期时间无法解析",
    "none_required": "应为空",
    "bytes_type": "应为字节串",
    "too_short": "至少需要 {min_length} 项，现有 {actual_length} 项",
    "too_long": "最多 {max_length} 项，现有 {actual_length} 项",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "multiple_of": "应为 {multiple_of} 的倍数",
    "union_tag_invalid": "类型标记无效",
    "union_tag_not_found": "缺少类型标记",
    "is_instance_of": "类型不符",
    "json_invalid": "JSON 无效",
    "assertion_error": "断言不成立",
    "frozen_instance": "不可修改",
}


_ERRNO_ZH = {
    "ENOENT": "没有该文件或目录",
    "EACCES": "没有权限",
    "EPERM": "不允许此操作",
    "EISDIR": "这是一个目录",
    "ENOTDIR": "路径中有一段不是目录",
    "ENAMETOOLONG": "文件名过长",
    "ELOOP": "符号链接层数过多",
    "EIO": "输入输出错误",
    "ENOSPC": "磁盘空间不足",
    "EROFS": "文件系统只读",
    "EBADF": "文件描述符无效",
    "EEXIST": "文件已存在",
    "EINVAL": "参数无效",
    "ENXIO": "没有该设备",
    "EMFILE": "打开的文件过多",
    "EFBIG": "文件过大",
    "EDQUOT": "超出磁盘配额",
    "EPIPE": "管道已断开",
}


def os_reason_zh(exc: BaseException) -> str:
    """Why the operating system refused, in Chinese (``strerror`` is English)."""
    import errno

    code = getattr(exc, "errno", None)
    name = errno.errorcode.get(code, "") if isinstance(code, int) else ""
    return _ERRNO_ZH.get(name, f"系统错误 {name}" if name else f"系统错误 `{type(exc).__name__}`")


# PyYAML's and the json module's commonest problems, in Chinese; any other is named only as a
# syntax error (its place is in the span).
_SYNTAX_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(en), zh)
    for en, zh in (
        (r"mapping values are not allowed here", "此处不允许映射的值（缺少换行或缩进有误？）"),
        (r"could not find expected ':'", "找不到应有的 `:`"),
        (
            r"found character (?P<c>.*) that cannot start any token",
            r"字符 \g<c> 不能作为记号的开头",
        ),
        (r"found unexpected end of stream", "文件意外结束"),
        (r"found unknown escape character.*", "未知的转义字符"),
        (r"expected (?P<a><[^>]*>|'[^']*'), but found (?P<b>.*)", r"应为 \g<a>，却是 \g<b>"),
        (r"did not find (?:the )?expected (?P<thing>.*)", "找不到应有的{thing}"),
        (r"expected (?P<thing>.*), but found (?P<b>.*)", r"应为{thing}，却是 \g<b>"),
        (r"block sequence entries are not allowed.*", "此处不允许块序列的条目"),
        (r"mapping values are not allowed.*", "此处不允许映射的值（缺少换行或缩进有误？）"),
        (r"found character that cannot start any token", "有不能作为记号开头的字符"),
        (r"control characters are not allowed", "不允许控制字符"),
        (r"invalid (?:leading|trailing) UTF-8 octet", "无效的 UTF-8 字节"),
        (r"did not find URI escaped octet", "缺少 URI 转义的字节"),
        (r"found undefined tag handle.*", "未定义的标签前缀"),
        (r"found duplicate anchor.*", "锚点重复"),
        (r"found unexpected ':'", "意外的 `:`"),
        (r"found a tab character.*", "不能用制表符缩进"),
        (r"found incompatible YAML document", "不兼容的 YAML 文档"),
        (r"Expecting value", "此处应有一个值"),
        (r"Expecting property name enclosed in double quotes", "此处应有用双引号括起的键"),
        (r"Expecting '(?P<d>.)' delimiter", r"此处应有分隔符 `\g<d>`"),
        (r"Extra data", "多余的数据"),
        (r"Unterminated string starting at", "字符串没有结束"),
        (r"Invalid control character at", "无效的控制字符"),
        (r"Invalid \\escape", "无效的转义"),
        (r"Invalid \\uXXXX escape", "无效的 `\\uXXXX` 转义"),
    )
)


_THINGS_ZH = {
    "node content": "节点内容",
    "the node content": "节点内容",
    "key": "键",
    "'-' indicator": " `-` 标记",
    "',' or ']'": " `,` 或 `]`",
    "',' or '}'": " `,` 或 `}`",
    "<document start>": "文档开头",
    "<document end>": "文档结尾",
    "<block end>": "块的结尾",
    "comment or line break": "注释或换行",
    "a comment or a line break": "注释或换行",
    "alphabetic or numeric character": "字母或数字",
    "a digit": "数字",
}


def syntax_zh(problem: str) -> str:
    """A YAML or JSON parser's problem in Chinese: ``：`` and the problem, or nothing when the
    problem is not one of the common ones (the span still says where)."""
    for pattern, zh in _SYNTAX_ZH:
        m = pattern.match(problem)
        if m:
            if "{thing}" in zh:
                thing = m["thing"]
                zh = zh.replace("{thing}", _THINGS_ZH.get(thing, f" `{thing}`"))
            return "：" + m.expand(zh)
    return ""
