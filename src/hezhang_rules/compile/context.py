"""Compilation state shared by the passes: diagnostics, parameter tables, located errors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from hezhang_rules.compile.plan import ParamUse, Text2
from hezhang_rules.diagnostics import Diagnostic, Span, did_you_mean, did_you_mean_zh
from hezhang_rules.rules import model as M
from hezhang_rules.rules.loader import LoadedRuleFile, RuleSet

PathKey = tuple[str | int, ...]


@dataclass
class Param:
    qualified: str
    decl: M.Parameter
    article: int | None
    value: Any
    overridden: bool = False
    dated: tuple[tuple[dt.date, Any, tuple[str, str] | None], ...] | None = None
    """Dated values (first day, value, the amending instrument), oldest first; ``value`` is
    then the first one's. ``None`` for one value (or one given by an override)."""

    def value_on(self, day: dt.date) -> tuple[Any, bool]:
        """The value in force on ``day``, and whether there is one (a dated value whose first
        day is after ``day`` leaves it without)."""
        if self.dated is None:
            return self.value, True
        found = [v for start, v, _ in self.dated if start <= day]
        return (found[-1], True) if found else (None, False)


@dataclass
class Ctx:
    """State of one compilation: diagnostics and the parameter tables."""

    ruleset: RuleSet
    diags: list[Diagnostic] = field(default_factory=list)
    pack_params: dict[str, Param] = field(default_factory=dict)
    file_params: dict[int, dict[str, Param]] = field(default_factory=dict)
    file: LoadedRuleFile | None = None
    uses: dict[str, ParamUse] = field(default_factory=dict)
    param_enums: dict[str, str] = field(default_factory=dict)
    """Parameter (qualified) → the enumeration of the field a condition compares it with."""
    forces: dict[int, tuple[dt.date, dt.date | None]] = field(default_factory=dict)
    """Article → its in-force window (``from``, ``until``): an overlay's tightened rules take
    the window of the overlay article that states them (compile/overlay.py)."""
    version_tables: dict[tuple[int, int], dict[str, Param]] = field(default_factory=dict)
    """(article, version index) → the parameters that version declares."""
    anchor: tuple[str, ParamUse | None] | None = None
    """The pack's period anchor (`start`/`end`) and the parameter it reads, if any; ``None``
    when the pack names none (``amendments``)."""
    version_params: dict[str, Param] = field(default_factory=dict)
    """The parameters of the article version being compiled (looked up first)."""
    on: dt.date = dt.date.min
    """The day whose dated parameter values the rule being compiled reads."""
    dated_used: dict[str, Param] = field(default_factory=dict)
    """The parameters with dated values the rule being compiled read."""

    def span(self, path: PathKey, key: bool = False) -> Span:
        if self.file is None:
            return self.ruleset.pack.doc.span(path, key=key)
        return self.file.doc.span(path, key=key)

    def error(
        self,
        code: str,
        message: str,
        path: PathKey,
        help: str | None = None,
        *,
        zh: str,
        help_zh: str | None = None,
    ) -> None:
        """A problem at ``path`` of the file being compiled: ``message``/``help`` in English,
        ``zh``/``help_zh`` in Chinese."""
        self.diags.append(
            Diagnostic(code, message, self.span(path), help=help, zh=zh, help_zh=help_zh)
        )

    def lookup(self, name: str) -> Param | None:
        if name in self.version_params:
            return self.version_params[name]
        if self.file is not None:
            local = self.file_params.get(self.file.model.article, {}).get(name)
            if local is not None:
                return local
        return self.pack_params.get(name)

    def supplied(self, raw: Any) -> str | None:
        """The qualified name of the parameter ``raw`` refers to when its `basis` is `supplied`
        (the pack gives a number or date the text does not state), else ``None``."""
        if not isinstance(raw, M.ParamRef):
            return None
        p = self.lookup(raw.param)
        return p.qualified if p is not None and p.decl.basis == "supplied" else None

    def value(
        self,
        raw: Any,
        path: PathKey,
        expected: tuple[str, ...],
        choices: tuple[str, ...] | None = None,
        enum: str | None = None,
    ) -> Any:
        """Resolve a literal or ``{param: name}`` used where ``expected`` types fit; ``enum``
        names the enumeration of the field it is compared with (recorded for the reports)."""
        if not isinstance(raw, M.ParamRef):
            return raw
        p = self.lookup(raw.param)
        if p is None:
            names = list(self.pack_params)
            if self.file is not None:
                names += list(self.file_params.get(self.file.model.article, {}))
            self.error(
                "hz_compile_unknown_parameter",
                f"unknown parameter `{raw.param}`",
                (*path, "param"),
                help=did_you_mean(raw.param, names),
                zh=f"未知的参数 `{raw.param}`",
                help_zh=did_you_mean_zh(raw.param, names),
            )
            return None
        if p.decl.type not in expected:
            self.error(
                "hz_compile_parameter_type",
                f"parameter `{raw.param}` is of type {p.decl.type}; here a "
                f"{' or '.join(expected)} is needed",
                (*path, "param"),
                zh=f"参数 `{raw.param}` 的类型是 {p.decl.type}；此处需要 {'或'.join(expected)}",
            )
            return None
        if (
            choices is not None
            and p.decl.type == "choice"
            and not set(p.decl.choices or ()) <= set(choices)
        ):
            self.error(
                "hz_compile_parameter_type",
                f"parameter `{raw.param}` may take values {p.decl.choices}; here only "
                f"{list(choices)} are meaningful",
                (*path, "param"),
                zh=f"参数 `{raw.param}` 可取的值为 {p.decl.choices}；此处只有 "
                f"{list(choices)} 有意义",
            )
            return None
        if enum is not None:
            self.param_enums[p.qualified] = enum
        value, found = p.value_on(self.on)
        if p.dated is not None:
            self.dated_used[p.qualified] = p
            if not found:
                first = p.dated[0][0]
                self.error(
                    "hz_compile_dated_value_gap",
                    f"parameter `{raw.param}` has no value on {self.on}: its first value is "
                    f"from {first}",
                    (*path, "param"),
                    help="start its first value on or before the day the rule takes effect",
                    zh=f"参数 `{raw.param}` 在 {self.on} 没有值：其第一个值自 {first} 起",
                    help_zh="让其第一个值不晚于规则施行之日",
                )
                return None
        self.uses[p.qualified] = ParamUse(
            p.qualified, value, p.article or 0, Text2(p.decl.reading.zh, p.decl.reading.en)
        )
        return value
