"""Compile ``where``/``must`` conditions against the fact model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any, Protocol, assert_never

from pydantic import BaseModel

from hezhang_rules.compile.operators import Op
from hezhang_rules.compile.params import parse_date
from hezhang_rules.compile.plan import Cond, RelatedTest, RoleTest, Text2
from hezhang_rules.diagnostics import did_you_mean, did_you_mean_zh
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.facts.schema import FieldShape, PathError, resolve_path
from hezhang_rules.rules import model as M

PathKey = tuple[str | int, ...]
ValueFn = Callable[..., Any]


class ErrorFn(Protocol):
    """Where a problem is reported: the compiler's context (``Ctx.error``), or a sink."""

    def __call__(
        self,
        code: str,
        message: str,
        path: PathKey,
        help: str | None = None,
        *,
        zh: str,
        help_zh: str | None = None,
    ) -> None: ...


def path_error_zh(exc: PathError) -> str:
    """A :class:`PathError` in Chinese (its ``str`` is English)."""
    if exc.available:
        return f"此处没有字段 `{exc.segment}`"
    return f"`{exc.segment}` 跟在一个没有子字段的字段后面"


_MISMATCH_ZH = {"true/false": "布尔", "whole-number": "整数", "number": "数值", "text": "文本"}

_SCALAR_PARAMS = ("integer", "boolean", "string", "date", "period", "choice", "days", "month_day")
_LIST_PARAMS = ("strings", "values", "roles", "levels", "unit_types")


def _enum_of(shape: FieldShape) -> str | None:
    """The name of the enumeration a field's values come from (a list's items, a mapping's
    keys), so that reports can name its values through the glossary; ``None`` for other fields."""
    for part in (shape, shape.item, shape.key):
        scalar = part.scalar if part is not None else None
        if isinstance(scalar, type) and issubclass(scalar, Enum):
            return scalar.__name__
    return None


class ConditionCompiler:
    """Resolves conditions for one rule, reporting through the compiler's context."""

    def __init__(self, value: ValueFn, error: ErrorFn) -> None:
        self.value = value
        self.error = error

    def conditions(
        self, conds: Sequence[M.Condition], model: type[BaseModel], path: PathKey
    ) -> tuple[Cond, ...]:
        out = []
        for i, c in enumerate(conds):
            compiled = self.condition(c, model, (*path, i))
            if compiled is not None:
                out.append(compiled)
        return tuple(out)

    def _shape(self, model: type[BaseModel], field: str, path: PathKey) -> FieldShape | None:
        try:
            return resolve_path(model, field)
        except PathError as exc:
            self.error(
                "hz_compile_unknown_field",
                str(exc),
                (*path, "field"),
                help=did_you_mean(exc.segment, exc.available),
                zh=path_error_zh(exc),
                help_zh=did_you_mean_zh(exc.segment, exc.available),
            )
            return None

    def condition(self, c: M.Condition, model: type[BaseModel], path: PathKey) -> Cond | None:
        op = Op(c.operator)
        label = Text2(c.label.zh, c.label.en) if c.label else None
        if op == Op.RELATED:
            assert c.related is not None
            related = self._related(c.related, (*path, "related"))
            return Cond(None, op, related, label) if related else None
        if op == Op.ONE_OF:
            assert c.one_of is not None
            subs = self.conditions(c.one_of, model, (*path, "one_of"))
            return Cond(None, op, subs, label) if len(subs) == len(c.one_of) else None
        assert c.field is not None
        shape = self._shape(model, c.field, path)
        if shape is None:
            return None
        operand = self._operand(c, op, shape, model, path)
        if operand is _INVALID:
            return None
        return Cond(c.field, op, operand, label, shape.title, _enum_of(shape))

    def _operand(
        self, c: M.Condition, op: Op, shape: FieldShape, model: type[BaseModel], path: PathKey
    ) -> Any:
        opath: PathKey = (*path, op.value)
        raw = c.operand()
        if isinstance(raw, dict) and "param" in raw:
            name = raw.get("param")
            if set(raw) != {"param"} or not isinstance(name, str) or not M.re_param(name):
                self.error(
                    "hz_compile_unknown_parameter",
                    f"`{{param: {name!r}}}` does not name a parameter",
                    opath,
                    zh=f"`{{param: {name!r}}}` 没有指明参数",
                )
                return _INVALID
            raw = M.ParamRef(param=name)
        match op:
            case Op.PRESENT | Op.NONEMPTY:
                return raw
            case Op.EQUALS | Op.NOT_EQUALS:
                value = self.value(raw, opath, _SCALAR_PARAMS, enum=_enum_of(shape))
                return self._member(value, shape, opath)
            case Op.SAME_AS:
                return raw if self._shape(model, raw, opath) is not None else _INVALID
            case Op.CONTAINS_ALL:
                return self._contains_all(raw, shape, opath)
            case Op.IN | Op.NOT_IN:
                values = self.value(raw, opath, _LIST_PARAMS, enum=_enum_of(shape))
                if not isinstance(values, list):
                    self.error(
                        "hz_compile_operand", f"`{op}` takes a list", opath, zh=f"`{op}` 取一个列表"
                    )
                    return _INVALID
                target = shape.item if shape.kind == "list" and shape.item else shape
                checked = [self._member(v, target, opath) for v in values]
                if any(v is _INVALID for v in checked):
                    return _INVALID
                return frozenset(checked)
            case Op.HOLDS_ROLE | Op.INCLUDES_HOLDERS_OF:
                return self._role_test(raw, op, shape, model, opath)
            case Op.ANY | Op.ALL:
                if shape.kind != "list" or shape.item is None or shape.item.model is None:
                    self.error(
                        "hz_compile_operand",
                        f"`{op}` needs a list of records",
                        opath,
                        zh=f"`{op}` 需要记录列表",
                    )
                    return _INVALID
                return self.conditions(raw, shape.item.model, opath)
            case Op.REFERS_TO:
                return self._refers_to(raw, shape, opath)
            case Op.ONE_OF | Op.RELATED:  # no field: compiled in `condition`
                raise AssertionError(op)
            case unknown:
                assert_never(unknown)

    def _contains_all(self, raw: Any, shape: FieldShape, path: PathKey) -> Any:
        values = self.value(raw, path, _LIST_PARAMS, enum=_enum_of(shape))
        if shape.kind == "dict" and shape.key is not None and isinstance(values, list):
            checked = [self._member(v, shape.key, path) for v in values]
            return _INVALID if any(v is _INVALID for v in checked) else frozenset(checked)
        if shape.kind != "list" or shape.item is None or not isinstance(values, list):
            self.error(
                "hz_compile_operand",
                "`contains_all` needs a list field and a list",
                path,
                zh="`contains_all` 需要列表字段和一个列表",
            )
            return _INVALID
        checked = [self._member(v, shape.item, path) for v in values]
        return _INVALID if any(v is _INVALID for v in checked) else frozenset(checked)

    def _member(self, value: Any, shape: FieldShape, path: PathKey) -> Any:
        scalar = shape.scalar
        if value is None or scalar is None:
            return value
        mismatch = _literal_mismatch(value, scalar)
        if mismatch:
            self.error(
                "hz_compile_operand",
                f"`{value!r}` cannot equal a {mismatch} field",
                path,
                zh=f"`{value!r}` 不可能等于{_MISMATCH_ZH.get(mismatch, '日期')}字段的值",
            )
            return _INVALID
        if isinstance(scalar, type) and issubclass(scalar, Enum):
            allowed = [m.value for m in scalar]
            if value not in allowed:
                self.error(
                    "hz_compile_unknown_value",
                    f"`{value}` is not a value of this field (one of {', '.join(allowed)})",
                    path,
                    help=did_you_mean(str(value), allowed),
                    zh=f"`{value}` 不是此字段的值（可选值：{'、'.join(allowed)}）",
                    help_zh=did_you_mean_zh(str(value), allowed),
                )
                return _INVALID
            return value
        if scalar is dt.date and isinstance(value, str):
            day = parse_date(value)
            if day is None:
                self.error(
                    "hz_compile_bad_date",
                    f"`{value}` is not a date YYYY-MM-DD",
                    path,
                    zh=f"`{value}` 不是 YYYY-MM-DD 格式的日期",
                )
                return _INVALID
            return day
        return value

    def _role_test(
        self, raw: M.RoleCheck, op: Op, shape: FieldShape, model: type[BaseModel], path: PathKey
    ) -> Any:
        # On a list field, holds_role means "some person listed holds the role".
        target = shape.item if shape.kind == "list" and shape.item else shape
        if op == "includes_holders_of" and shape.kind != "list":
            self.error(
                "hz_compile_field_type",
                "`includes_holders_of` needs a list of people",
                path,
                zh="`includes_holders_of` 需要人员列表",
            )
            return _INVALID
        if not target.ref or "people" not in target.ref:
            self.error(
                "hz_compile_field_type",
                f"`{op}` needs a field naming people",
                path,
                zh=f"`{op}` 需要指向人员的字段",
            )
            return _INVALID
        roles = self.value(raw.roles, (*path, "roles"), ("roles",))
        levels = self.value(raw.levels, (*path, "levels"), ("levels",))
        if raw.on is not None:
            on_shape = self._shape(model, raw.on, (*path, "on"))
            if on_shape is not None and on_shape.scalar is not dt.date:
                self.error(
                    "hz_compile_field_type",
                    f"`{raw.on}` is not a date field",
                    (*path, "on"),
                    zh=f"`{raw.on}` 不是日期字段",
                )
        portfolio = self.value(raw.portfolio, (*path, "portfolio"), ("strings",))
        if raw.within is not None:
            w_shape = self._shape(model, raw.within, (*path, "within"))
            if w_shape is not None and not _names_place(w_shape):
                self.error(
                    "hz_compile_field_type",
                    f"`{raw.within}` does not name a jurisdiction or unit",
                    (*path, "within"),
                    zh=f"`{raw.within}` 指的不是辖区或单位",
                )
        return RoleTest(
            frozenset(roles or ()),
            frozenset(levels) if levels is not None else None,
            raw.on,
            frozenset(portfolio) if portfolio is not None else None,
            raw.within,
        )

    def _refers_to(self, raw: list[M.Condition], shape: FieldShape, path: PathKey) -> Any:
        # On a list field, refers_to means "some record listed meets the conditions".
        target = shape.item if shape.kind == "list" and shape.item else shape
        kinds = [k for k in (target.ref or ()) if k in FACT_KINDS]
        if target.kind != "scalar" or not kinds:
            self.error(
                "hz_compile_field_type",
                "`refers_to` needs a field naming one record",
                path,
                zh="`refers_to` 需要指向一条记录的字段",
            )
            return _INVALID
        # A field naming several kinds (people or units): the conditions must fit at least one
        # kind; at run time a record of another kind simply does not meet them.
        for kind in kinds:
            sink = _Collect()
            compiled = ConditionCompiler(self.value, sink).conditions(raw, FACT_KINDS[kind], path)
            if not sink.errors:
                return compiled
        return self.conditions(raw, FACT_KINDS[kinds[0]], path)

    def _related(self, r: M.Related, path: PathKey) -> RelatedTest | None:
        if r.facts not in FACT_KINDS:
            self.error(
                "hz_compile_unknown_kind",
                f"unknown fact kind `{r.facts}`",
                (*path, "facts"),
                help=did_you_mean(r.facts, FACT_KINDS),
                zh=f"未知的事实种类 `{r.facts}`",
                help_zh=did_you_mean_zh(r.facts, FACT_KINDS),
            )
            return None
        model = FACT_KINDS[r.facts]
        if self._shape(model, r.link, (*path, "link")) is None:
            return None
        return RelatedTest(
            r.facts, r.link, self.conditions(r.where, model, (*path, "where")), r.exists
        )


_INVALID: Any = object()


class _Collect:
    """An error sink that only records (for trying a condition against several kinds)."""

    def __init__(self) -> None:
        self.errors: list[tuple[Any, ...]] = []

    def __call__(self, *args: Any, **kw: Any) -> None:
        self.errors.append(args)


def _literal_mismatch(value: Any, scalar: type | None) -> str | None:
    """The field's type name if a literal ``value`` can never equal a value of the field."""
    if value is None or scalar is None or isinstance(value, M.ParamRef):
        return None
    if scalar is bool:
        return None if isinstance(value, bool) else "true/false"
    if scalar is int:
        return None if isinstance(value, int) and not isinstance(value, bool) else "whole-number"
    if scalar is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "number"
    if scalar is str or (isinstance(scalar, type) and issubclass(scalar, Enum)):
        return None if isinstance(value, str) else "text"
    if scalar is dt.date:
        return None if isinstance(value, str | dt.date) else "date"
    return None


def _names_place(shape: FieldShape) -> bool:
    """Whether a field names one jurisdiction or unit (a place a ``within`` can scope to)."""
    return (
        shape.kind == "scalar"
        and bool(shape.ref)
        and set(shape.ref or ()) <= {"jurisdictions", "units"}
    )
