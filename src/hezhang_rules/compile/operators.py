"""The condition operators of the rule format and ONE table of what every engine must agree on.

Six places interpret conditions: ``World.check`` (the batch evaluator), the columnar ``Judge``,
the durable-rules compiler of the monitor, lint's condition logic, the finding messages and
``explain``. What they must all say the same way is written here once, per operator
(:data:`OPERATORS`):

- how a record whose field is absent is judged (:class:`Absent`: holds, fails, or what it
  depends on) — the engines take this rule from the table, and the rule-format document states
  it in the same words (``tests/unit/test_operators.py`` checks both);
- the operand the operator takes (:class:`Operand`), and so whether it reads a field and which
  conditions are nested in it;
- whether its failure text quotes the record's value (such evidence findings need the value);
- its failure text (``details.failed`` and the message of an evidence finding) and its positive
  description (``explain``'s "what would make it compliant"), in Chinese and English, as
  templates.

``Op`` is a ``StrEnum``: an operator compares equal to its name in the rule file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Any, assert_never

from hezhang_rules.facts.enums import in_order, term

if TYPE_CHECKING:
    from hezhang_rules.compile.plan import Cond


class Op(StrEnum):
    """A condition operator, named as in the rule file."""

    EQUALS = "equals"
    NOT_EQUALS = "not_equals"
    IN = "in"
    NOT_IN = "not_in"
    CONTAINS_ALL = "contains_all"
    SAME_AS = "same_as"
    PRESENT = "present"
    NONEMPTY = "nonempty"
    ANY = "any"
    ALL = "all"
    REFERS_TO = "refers_to"
    HOLDS_ROLE = "holds_role"
    INCLUDES_HOLDERS_OF = "includes_holders_of"
    ONE_OF = "one_of"
    RELATED = "related"


class Absent(StrEnum):
    """How a condition judges a record whose field is absent (``null``, not stated, or a step
    of its path missing). Each value is the phrase docs/rule-format.md gives in its table of
    operators (column "an absent value")."""

    HOLDS = "holds"
    FAILS = "fails"
    HOLDS_IF_FALSE = "holds for `false`, fails for `true`"
    HOLDS_IF_NULL = "holds if `v` is `null`, else fails"
    HOLDS_UNLESS_NULL = "holds, unless `v` is `null`"
    HOLDS_IF_NULL_LISTED = "holds if the list has `null`, else fails"
    HOLDS_IF_EMPTY = "holds if the list is empty, else fails"
    HOLDS_IF_NOBODY = "holds if nobody holds such an appointment on the day"
    NO_FIELD = "— (no field)"


class Operand(StrEnum):
    """What an operator takes, as the rule-format document names it."""

    FLAG = "`true` or `false`"
    VALUE = "a value or `null` (a scalar parameter)"
    VALUES = "a list of values (a list parameter)"
    FIELD = "a field path of the same record"
    CONDITIONS = "a list of conditions"
    ROLES = "a role test"
    RELATED = "a related-records test"


@dataclass(frozen=True)
class Words:
    """A Chinese and an English template, filled by :meth:`str.format` with named parts."""

    zh: str
    en: str

    def fill(self, zh: Mapping[str, Any], en: Mapping[str, Any]) -> tuple[str, str]:
        return self.zh.format_map(zh), self.en.format_map(en)


@dataclass(frozen=True)
class OpInfo:
    """One operator's row of :data:`OPERATORS`.

    Template parts: ``name`` (the field's title in Chinese, its path in English), ``value``
    (the record's value), ``want`` (the operand: one value, or its values joined by ``/``),
    ``roles`` (a role test's roles), ``op`` (the operator's name); in descriptions also
    ``inner`` (the nested conditions described, joined), ``alts`` (the alternatives of a
    ``one_of``, joined by "或"/"or"), ``kind`` (a related kind's name) and ``where`` (a
    related test's conditions in parentheses, or nothing).
    """

    operand: Operand
    absent: Absent
    quotes_value: bool  # the failure text quotes the record's value
    fails: Words  # failure text (a ``present: true`` that fails: "missing …")
    says: Words  # what the condition asks, positively (``explain``)
    fails_if_false: Words | None = None  # failure text of ``present: false``
    says_if_false: Words | None = None  # ``present: false``, ``related`` with ``exists: false``
    says_one: Words | None = None  # an ``in`` list of one value

    @property
    def reads_field(self) -> bool:
        """Whether the condition tests a ``field`` of the record (all but ``one_of``,
        ``related``)."""
        return self.absent is not Absent.NO_FIELD


_FAILS_GENERIC = Words("{name}不符合要求（{op}）", "{name} fails `{op}`")
_SHOULD_BE = Words("{name}应为{want}（实为{value}）", "{name} should be {want} (is {value})")
_SHOULD_NOT_BE = Words("{name}不应为{value}", "{name} should not be {value}")
_IS = Words("{name}为{want}", "{name} is {want}")
_IS_NOT = Words("{name}不为{want}", "{name} is not {want}")

OPERATORS: dict[Op, OpInfo] = {
    Op.EQUALS: OpInfo(Operand.VALUE, Absent.HOLDS_IF_NULL, True, _SHOULD_BE, _IS),
    Op.NOT_EQUALS: OpInfo(Operand.VALUE, Absent.HOLDS_UNLESS_NULL, True, _SHOULD_NOT_BE, _IS_NOT),
    Op.IN: OpInfo(
        Operand.VALUES,
        Absent.HOLDS_IF_NULL_LISTED,
        True,
        _SHOULD_BE,
        Words("{name}为{want}之一", "{name} is one of {want}"),
        says_one=_IS,
    ),
    Op.NOT_IN: OpInfo(Operand.VALUES, Absent.HOLDS, True, _SHOULD_NOT_BE, _IS_NOT),
    Op.CONTAINS_ALL: OpInfo(
        Operand.VALUES,
        Absent.HOLDS_IF_EMPTY,
        False,
        Words("{name}未包含全部：{want}", "{name} does not include all of {want}"),
        Words("{name}包含{want}", "{name} includes {want}"),
    ),
    Op.SAME_AS: OpInfo(
        Operand.FIELD,
        Absent.FAILS,
        False,
        Words("{name}与{want}不一致", "{name} differs from {want}"),
        Words("{name}与{want}一致", "{name} is the same as {want}"),
    ),
    Op.PRESENT: OpInfo(
        Operand.FLAG,
        Absent.HOLDS_IF_FALSE,
        False,
        Words("缺少{name}", "missing {name}"),
        Words("载明{name}", "{name} is stated"),
        fails_if_false=Words("不应载明{name}", "{name} should be absent"),
        says_if_false=Words("未载明{name}", "{name} is not stated"),
    ),
    Op.NONEMPTY: OpInfo(
        Operand.FLAG,
        Absent.HOLDS_IF_FALSE,
        False,
        Words("{name}为空", "{name} is empty"),
        Words("{name}不为空", "{name} is not empty"),
    ),
    Op.ANY: OpInfo(
        Operand.CONDITIONS,
        Absent.FAILS,
        False,
        _FAILS_GENERIC,
        Words("{name}其中有一项（{inner}）", "some {name} has ({inner})"),
    ),
    Op.ALL: OpInfo(
        Operand.CONDITIONS,
        Absent.FAILS,
        False,
        _FAILS_GENERIC,
        Words("{name}每一项（{inner}）", "every {name} has ({inner})"),
    ),
    Op.REFERS_TO: OpInfo(
        Operand.CONDITIONS,
        Absent.FAILS,
        False,
        _FAILS_GENERIC,
        Words("{name}所指记录（{inner}）", "{name} names a record where ({inner})"),
    ),
    Op.HOLDS_ROLE: OpInfo(
        Operand.ROLES,
        Absent.FAILS,
        True,
        Words("{name}（{value}）不具有{roles}职务", "{name} ({value}) does not hold {roles}"),
        Words("{name}担任{roles}", "{name} holds {roles}"),
    ),
    Op.INCLUDES_HOLDERS_OF: OpInfo(
        Operand.ROLES,
        Absent.HOLDS_IF_NOBODY,
        False,
        Words("{name}未包含全部{roles}", "{name} does not include every {roles}"),
        Words("{name}包括全部{roles}", "{name} includes every {roles}"),
    ),
    Op.ONE_OF: OpInfo(
        Operand.CONDITIONS,
        Absent.NO_FIELD,
        False,
        _FAILS_GENERIC,
        Words("满足其一：{alts}", "either {alts}"),
    ),
    Op.RELATED: OpInfo(
        Operand.RELATED,
        Absent.NO_FIELD,
        False,
        _FAILS_GENERIC,
        Words("有相关{kind}记录{where}", "a related {kind}{where}"),
        says_if_false=Words("没有相关{kind}记录{where}", "no related {kind}{where}"),
    ),
}


def holds_when_absent(c: Cond) -> bool | None:
    """Whether ``c`` holds on a record whose field is absent, by :data:`OPERATORS`; None when
    the other facts decide (``includes_holders_of``) or ``c`` reads no field."""
    match OPERATORS[c.op].absent:
        case Absent.HOLDS:
            return True
        case Absent.FAILS:
            return False
        case Absent.HOLDS_IF_FALSE | Absent.HOLDS_IF_EMPTY:
            return not c.operand
        case Absent.HOLDS_IF_NULL:
            return c.operand is None
        case Absent.HOLDS_UNLESS_NULL:
            return c.operand is not None
        case Absent.HOLDS_IF_NULL_LISTED:
            return None in c.operand
        case Absent.HOLDS_IF_NOBODY | Absent.NO_FIELD:
            return None
        case unknown:
            assert_never(unknown)


def holds_on_value(c: Cond, value: Any) -> bool:
    """Whether a comparison (``present``, ``nonempty``, ``equals``, ``not_equals``, ``in``,
    ``not_in``) holds on a stated ``value`` (not None; an enum member read as its value). On a
    list, ``in``/``not_in`` look at its elements and ``equals`` compares the list itself."""
    match c.op:
        case Op.PRESENT:
            return bool(c.operand)
        case Op.NONEMPTY:
            return bool(value) == bool(c.operand)
        case Op.EQUALS:
            return bool(value == c.operand)
        case Op.NOT_EQUALS:
            return bool(value != c.operand)
        case Op.IN:
            return _listed(value, c.operand)
        case Op.NOT_IN:
            return not _listed(value, c.operand)
        case _:
            raise AssertionError(f"`{c.op}` is not a comparison")


def _listed(value: Any, allowed: frozenset[Any]) -> bool:
    if isinstance(value, list):
        return any((v.value if isinstance(v, Enum) else v) in allowed for v in value)
    return value in allowed


def failed_condition(c: Cond, value: Any) -> tuple[str, str]:
    """A short (zh, en) description of a condition that did not hold on a record whose field
    has ``value``: the condition's label, else the operator's failure text."""
    if c.label is not None:
        return c.label.zh, c.label.en
    info = OPERATORS[c.op]
    words = info.fails
    if info.fails_if_false is not None and not c.operand:
        words = info.fails_if_false
    zh, en = (_parts(c, value, lang) for lang in ("zh", "en"))
    return words.fill({**zh, "name": c.field_title or c.field or ""}, {**en, "name": c.field or ""})


def _parts(c: Cond, value: Any, lang: str) -> dict[str, Any]:
    """The operand and the record's value in ``lang``: enumerated values, roles, booleans and
    null through the glossary (``facts.enums.term``), so a message shows no raw code."""
    v = c.operand

    def word(x: Any) -> Any:
        if isinstance(x, bool) or x is None or c.enum is not None or isinstance(x, Enum):
            return term(x, lang, c.enum)
        return x

    operand = OPERATORS[c.op].operand
    want: Any = v
    if isinstance(v, frozenset):
        want = "/".join(str(word(x)) for x in in_order(v, c.enum))
    elif operand is Operand.VALUE:
        want = word(v)
    roles = (
        "/".join(term(r, lang, "Role") for r in sorted(v.roles)) if operand is Operand.ROLES else ""
    )
    shown = value if isinstance(value, list) else word(value)
    return {"value": shown, "want": want, "roles": roles, "op": c.op}
