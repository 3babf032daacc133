"""How an engine hands facts to the core: the :class:`Selector` seam.

The core (:mod:`.core`) lists holders, periods and due dates, judges statuses and emits the
findings; which facts a rule reads it asks of a selector, and the engines differ only there:

* :class:`WorldSelector` (the batch evaluator, and the columnar engine's batch part) filters
  every fact of the kind on the as-of date with ``World.check``;
* ``monitor.live.MatchSelector`` (the live monitor) starts from the facts durable-rules matched
  on a selection's fact-local conditions as they arrived, and checks only the residual ones.

Either way a fact is selected when it meets every condition: the two differ in the work, not
in the facts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from hezhang_rules.compile.plan import Cond, EvidencePlan, ResponsePlan, Selection
from hezhang_rules.evaluate.world import Holder, World
from hezhang_rules.facts.models import Fact
from hezhang_rules.facts.schema import get_path


class Selector(Protocol):
    """The facts a rule reads, as an engine finds them (in the order of ``World.of_kind``).

    Every answer is a fact visible on the as-of date that meets every condition the plan sets;
    how the conditions are checked (all facts filtered, or a matcher's hits and the residual
    conditions) is the implementation's business. The core may ask again for the same plan
    object: an implementation caches per object (``id``) if it wants to.
    """

    def selected(self, sel: Selection, holder: Holder) -> list[Fact]:
        """Facts of ``sel.kind`` meeting ``sel.where`` and bound to ``holder`` by the
        selection's ``bind`` pairs (``trigger.<field>`` binds excepted: the response rule,
        which knows the trigger, applies those)."""
        ...

    def trigger_facts(self, req: ResponsePlan) -> list[Fact]:
        """Facts of ``req.trigger_kind`` meeting ``req.trigger_where`` (asked only of a
        response opened by facts, not by another rule's findings)."""
        ...

    def evidence_subjects(self, req: EvidencePlan) -> list[Fact]:
        """Facts of ``req.kind`` meeting ``req.where``: the records an evidence rule judges."""
        ...


class BoundFacts:
    """The facts of one selection that meet its conditions, by holder.

    Indexed once by the first field bound to the holder, so that a rule over many holders reads
    each fact once, not once per holder; the other binds are checked on the few facts found.
    """

    __slots__ = ("_binds", "_index")

    def __init__(self, sel: Selection, matching: Iterable[Fact]) -> None:
        self._binds = [b for b in sel.bind if not b[1].startswith("trigger.")]
        index: dict[str | None, list[Fact]] = {}
        for f in matching:
            value = get_path(f, self._binds[0][0]) if self._binds else None
            for v in value if isinstance(value, list) else [value]:
                index.setdefault(None if v is None else str(v), []).append(f)
        self._index = index

    def of(self, holder: Holder) -> list[Fact]:
        """The facts bound to ``holder`` (every fact when the selection binds none)."""
        if not self._binds:
            return [f for fs in self._index.values() for f in fs]
        first_target = _holder_value(holder, self._binds[0][1])
        if first_target is None:
            return []
        return [
            f
            for f in self._index.get(first_target, [])
            if all(_bound(f, fname, target, holder) for fname, target in self._binds[1:])
        ]


class WorldSelector:
    """The :class:`Selector` of the batch evaluator: every fact of the kind, filtered."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._bound: dict[int, BoundFacts] = {}

    def selected(self, sel: Selection, holder: Holder) -> list[Fact]:
        bound = self._bound.get(id(sel))
        if bound is None:  # built whole before it is stored: a run may be shared by threads
            bound = BoundFacts(sel, self._meeting(sel.kind, sel.where))
            self._bound[id(sel)] = bound
        return bound.of(holder)

    def trigger_facts(self, req: ResponsePlan) -> list[Fact]:
        assert req.trigger_kind is not None
        return self._meeting(req.trigger_kind, req.trigger_where)

    def evidence_subjects(self, req: EvidencePlan) -> list[Fact]:
        return self._meeting(req.kind, req.where)

    def _meeting(self, kind: str, where: tuple[Cond, ...]) -> list[Fact]:
        world = self.world
        return [f for f in world.of_kind(kind) if all(world.check(c, f, f) for c in where)]


def links(value: Any, target: str) -> bool:
    """Whether a fact's field ``value`` (one id or a list of them) names ``target``."""
    if isinstance(value, list):
        return target in value
    return bool(value == target)


def _holder_value(holder: Holder, target: str) -> str | None:
    """The holder's id, jurisdiction or unit, as a ``bind`` target names it."""
    return {
        "holder": holder.id,
        "holder.jurisdiction": holder.jurisdiction,
        "holder.unit": holder.unit,
    }[target]


def _bound(f: Fact, fname: str, target: str, holder: Holder) -> bool:
    want = _holder_value(holder, target)
    return want is not None and links(get_path(f, fname), want)
