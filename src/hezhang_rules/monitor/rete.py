"""Plan selections compiled into durable-rules rulesets, given as data, and the engine around them.

What runs in durable-rules: the *alpha* stage of every plan rule — which submitted facts meet
the fact-local conditions of each selection (``select``/``response``/``where`` of count, forbid,
deadline, response and evidence rules, and response triggers). Each selection becomes one
single-pattern rule ``{hz_type: K} $and <conditions>``, generated from the plan, never written per
article. Conditions durable-rules can judge exactly on one flat message (``equals``, ``in`` and
``present`` on a top-level scalar field) are compiled; every other condition (``refers_to``,
``holds_role``, ``related``, ``one_of``, ``any``/``all``, ``not_equals``/``not_in``, nested or
list fields) is a *residual* the monitor checks in Python against the world at report time,
because it depends on other facts or on the as-of date.

The envelope follows the measured recipe of the shared design note ``durable-rules.md``: one
Host per matcher with its background threads switched off (actions run inside our own assert
call), facts asserted one at a time, single-pattern rules only (no joins, no negation, so no
anchor-time negation and no inequality join reads), explicit ids whose 32-bit FNV-1a hashes are
unique per sid, partitions of at most ``PARTITION`` facts per sid deleted as soon as they fill
(after the catch-all rule has fired on them), every ruleset name unique to its matcher, and
every exception from the engine treated as a pipeline error.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, assert_never

from hezhang_rules.compile.operators import Op
from hezhang_rules.compile.plan import Cond, EvidencePlan, Plan, ResponsePlan
from hezhang_rules.facts.models import FACT_KINDS, Fact
from hezhang_rules.facts.schema import PathError, resolve_path

PARTITION = 500
"""Facts per sid before the sid is deleted (the measured safe size is a few thousand)."""

_COUNTER = itertools.count()
_RESERVED = frozenset({"id", "sid", "hz_type", "hz_fid"})  # message keys the monitor owns


class MonitorEngineError(RuntimeError):
    """durable-rules did not behave as the envelope requires (a pipeline error, never normal)."""


def fnv1a32(text: str) -> int:
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


@dataclass(frozen=True)
class SelectionRule:
    """One selection of one plan rule, split into what durable-rules judges and the residual."""

    key: str  # e.g. "art016.x#select"
    kind: str
    compiled: tuple[Cond, ...]
    residual: tuple[Cond, ...]


def _scalar_field(kind: str, field: str | None) -> bool:
    if field is None or "." in field or field in _RESERVED or kind not in FACT_KINDS:
        return False
    try:
        return resolve_path(FACT_KINDS[kind], field).kind == "scalar"
    except PathError:
        return False


def _plain_operand(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _durable(c: Cond) -> dict[str, Any] | None:
    """The durable-rules test judging ``c`` exactly on a flat message (its field a top-level
    scalar), or None: a residual, checked against the world. A missing key is the absent value,
    judged as ``OPERATORS`` says: ``present`` by ``$ex``/``$nex``, and an ``equals``/``in`` with
    no ``null`` among its values fails on it."""
    field = c.field
    op = c.op
    match op:
        case Op.PRESENT if field is not None and isinstance(c.operand, bool):
            return {"$ex" if c.operand else "$nex": {field: 1}}
        case Op.EQUALS if field is not None:
            operand = _plain_operand(c.operand)
            if isinstance(operand, str | int) and not isinstance(c.operand, bool):
                return {field: operand}
            return None
        case Op.IN if field is not None:
            values = [_plain_operand(v) for v in c.operand]
            if values and all(
                isinstance(p, str | int) and not isinstance(v, bool)
                for p, v in zip(values, c.operand, strict=True)
            ):
                return {"$or": [{field: v} for v in sorted(values)]}
            return None
        case (
            Op.PRESENT
            | Op.EQUALS
            | Op.IN
            | Op.NOT_EQUALS
            | Op.NOT_IN
            | Op.CONTAINS_ALL
            | Op.SAME_AS
            | Op.NONEMPTY
            | Op.ANY
            | Op.ALL
            | Op.REFERS_TO
            | Op.HOLDS_ROLE
            | Op.INCLUDES_HOLDERS_OF
            | Op.ONE_OF
            | Op.RELATED
        ):
            return None
        case unknown:
            assert_never(unknown)


def _compilable(kind: str, c: Cond) -> bool:
    return _scalar_field(kind, c.field) and _durable(c) is not None


def split(key: str, kind: str, where: tuple[Cond, ...]) -> SelectionRule:
    compiled = tuple(c for c in where if _compilable(kind, c))
    residual = tuple(c for c in where if not _compilable(kind, c))
    return SelectionRule(key, kind, compiled, residual)


def selections(plan: Plan) -> list[SelectionRule]:
    """Every fact selection of the plan, in plan order."""
    out: list[SelectionRule] = []
    for rule in plan.rules:
        req = rule.requirement
        match req:
            case ResponsePlan():
                if req.trigger_kind is not None:
                    out.append(split(f"{rule.id}#trigger", req.trigger_kind, req.trigger_where))
                sel = req.response
                out.append(split(f"{rule.id}#response", sel.kind, sel.where))
            case EvidencePlan():
                out.append(split(f"{rule.id}#where", req.kind, req.where))
            case _:  # count, forbid, deadline: mypy checks that every other kind has `select`
                out.append(split(f"{rule.id}#select", req.select.kind, req.select.where))
    return out


def _condition(c: Cond) -> dict[str, Any]:
    """The durable-rules test of a compiled condition (see ``_durable``)."""
    test = _durable(c)
    assert test is not None
    return test


def ruleset_definition(
    kind: str, rules: list[SelectionRule], action: Callable[[str], Callable[[Any], None]]
) -> dict[str, Any]:
    """The durable-rules ruleset (as data) for one fact kind: one rule per selection + catch-all.

    Every rule is a single pattern with an explicit ``$and`` whose first test is the type test.
    """
    definition: dict[str, Any] = {
        "seen": {"all": [{"fct": {"$and": [{"hz_type": kind}]}}], "run": action("seen")}
    }
    for i, r in enumerate(rules):
        tests = [{"hz_type": kind}, *(_condition(c) for c in r.compiled)]
        definition[f"r{i}"] = {"all": [{"fct": {"$and": tests}}], "run": action(r.key)}
    return definition


def _new_host() -> Any:
    """A durable-rules Host without its two background dispatch threads.

    Actions then run inside our own assert calls, on our thread. durable-rules is imported here,
    not at module import, so ``import hezhang_rules`` works where its C extension does not load.
    """
    from durable import engine  # type: ignore[import-untyped]

    class _Host(engine.Host):  # type: ignore[misc]
        def _run(self) -> None:
            return None

    return _Host()


def message_value(value: Any) -> Any:
    """A scalar as the engine sees it, or ``None`` when it cannot be put in a flat message."""
    value = _plain_operand(value)
    return value if isinstance(value, str | int | float | bool) else None


class _Engine:
    """One Host with the plan's rulesets registered: used by one matcher at a time.

    durable-rules never frees a registered ruleset (nor a dropped Host), so an engine whose
    matcher has closed, with every state deleted, is kept in a small pool and handed to the next
    matcher of the same plan. Sid names are never reused within an engine.
    """

    def __init__(self, rules: list[SelectionRule], digest: str) -> None:
        prefix = f"hz{next(_COUNTER)}x{fnv1a32(digest):08x}"
        self.fired: list[tuple[str, str]] = []
        self.fields: dict[str, set[str]] = {}
        by_kind: dict[str, list[SelectionRule]] = {}
        for r in rules:
            by_kind.setdefault(r.kind, []).append(r)
            self.fields.setdefault(r.kind, set()).update(
                c.field for c in r.compiled if c.field is not None
            )
        definitions: dict[str, Any] = {}
        self.ruleset: dict[str, str] = {}
        for kind in FACT_KINDS:
            name = f"{prefix}_{kind}"
            self.ruleset[kind] = name
            definitions[name] = ruleset_definition(kind, by_kind.get(kind, []), self._action)
        self.definitions_json = json.dumps(
            {k: {r: {"all": v["all"]} for r, v in d.items()} for k, d in definitions.items()},
            ensure_ascii=False,
            sort_keys=True,
        )
        self.host = _new_host()
        self.host.register_rulesets(definitions)
        self.part: dict[str, int] = dict.fromkeys(FACT_KINDS, 0)
        self.in_part: dict[str, int] = dict.fromkeys(FACT_KINDS, 0)
        self.sid_hashes: dict[str, set[int]] = {}

    def _action(self, key: str) -> Callable[[Any], None]:
        fired = self.fired

        def run(c: Any) -> None:
            fired.append((key, c.fct["hz_fid"]))

        return run


_POOL: dict[str, list[_Engine]] = {}
_POOL_LOCK = threading.Lock()
POOL_IDLE = 4
"""Idle engines kept per plan."""


def _pool_key(plan: Plan) -> str:
    return plan.rules_digest + repr(plan.parameters)


class Matcher:
    """The durable-rules side of one monitor: facts in, the selections each fact meets out."""

    def __init__(self, plan: Plan) -> None:
        self.rules = selections(plan)
        self._key = _pool_key(plan)
        with _POOL_LOCK:
            idle = _POOL.get(self._key)
            engine = idle.pop() if idle else None
        self._engine = engine or _Engine(self.rules, plan.rules_digest)
        self._hashes: dict[str, set[int]] = {}
        self._live: set[tuple[str, str]] = set()
        self._serial = 0
        self.matches: dict[str, set[str]] = {r.key: set() for r in self.rules}
        self.closed = False
        self._poisoned = False  # an engine that failed once is never recycled

    def definitions_json(self) -> str:
        """The generated rulesets (conditions only), for inspection and docs."""
        return self._engine.definitions_json

    def _sid(self, kind: str) -> str:
        e = self._engine
        ruleset = e.ruleset[kind]
        while True:
            sid = f"{kind}.{e.part[kind]}"
            h = fnv1a32(sid)
            used = e.sid_hashes.setdefault(ruleset, set())
            if e.in_part[kind] or h not in used:
                used.add(h)
                return sid
            e.part[kind] += 1

    def _fact_id(self, sid: str) -> str:
        used = self._hashes.setdefault(sid, set())
        while True:
            self._serial += 1
            ident = f"x{self._serial}"
            h = fnv1a32(ident)
            if h not in used:
                used.add(h)
                return ident

    def message(self, fact: Fact, sid: str, ident: str) -> dict[str, Any]:
        msg: dict[str, Any] = {"id": ident, "sid": sid, "hz_type": fact.KIND, "hz_fid": fact.id}
        for name in sorted(self._engine.fields.get(fact.KIND, ())):
            value = message_value(getattr(fact, name, None))
            if value is not None:
                msg[name] = value
        return msg

    def submit(self, fact: Fact) -> list[str]:
        """Assert one fact; return the selection keys it meets (on its compiled conditions)."""
        if self.closed:
            raise MonitorEngineError("the matcher is closed")
        e = self._engine
        kind = fact.KIND
        ruleset = e.ruleset[kind]
        sid = self._sid(kind)
        msg = self.message(fact, sid, self._fact_id(sid))
        e.fired.clear()
        try:
            e.host.assert_fact(ruleset, msg)
        except Exception as exc:  # MessageObserved / MessageNotHandled: never normal here
            self._poisoned = True
            raise MonitorEngineError(f"durable-rules refused {kind} `{fact.id}`: {exc!r}") from exc
        fired = list(e.fired)
        e.fired.clear()
        if ("seen", fact.id) not in fired:
            self._poisoned = True
            raise MonitorEngineError(f"the catch-all rule did not fire for `{fact.id}`")
        keys = sorted({k for k, fid in fired if k != "seen" and fid == fact.id})
        for k in keys:
            self.matches[k].add(fact.id)
        self._live.add((ruleset, sid))
        e.in_part[kind] += 1
        if e.in_part[kind] >= PARTITION:
            self._release(ruleset, sid)
            e.part[kind] += 1
            e.in_part[kind] = 0
        return keys

    def _release(self, ruleset: str, sid: str) -> None:
        self._engine.host.delete_state(ruleset, sid)
        self._live.discard((ruleset, sid))
        self._hashes.pop(sid, None)

    def live_states(self) -> int:
        """How many sids hold facts now (at most one per fact kind)."""
        return len(self._live)

    def close(self) -> None:
        """Delete every live state (each has had its catch-all rule fire); recycle the engine."""
        if self.closed:
            return
        self.closed = True
        e = self._engine
        for ruleset, sid in sorted(self._live):
            self._release(ruleset, sid)
        for kind, n in e.in_part.items():
            if n:
                e.part[kind] += 1
                e.in_part[kind] = 0
        if self._poisoned:
            return
        with _POOL_LOCK:
            idle = _POOL.setdefault(self._key, [])
            if len(idle) < POOL_IDLE:
                idle.append(e)
