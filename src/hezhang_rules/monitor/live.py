"""The live monitor: facts one at a time, a clock, events as they arise, the batch report.

See docs/monitor.md. The division of work, stated plainly:

* **durable-rules** (``monitor/rete.py``) judges, as each fact is submitted, which plan
  selections it meets on its fact-local conditions (the alpha stage of every rule);
* **Python** checks the residual conditions (references, roles on a date, related records …)
  against the world at the as-of date (:class:`MatchSelector`, the monitor's implementation of
  the core's ``Selector``), and the engine core (``evaluate.core``: ``Run``, ``run_plan``)
  assembles holders, periods, due dates and statuses with the *same* per-requirement code as
  the batch evaluator, fed with the selections durable-rules matched. Absence is therefore
  judged only from the clock: a duty is ``violated`` only once the as-of date is past its due
  date, never by an engine negation.

Events are the differences between the findings at the previous clock and at the new one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, assert_never, get_args

from hezhang_rules.compile.plan import (
    CountPlan,
    DeadlinePlan,
    EvidencePlan,
    ForbidPlan,
    Plan,
    ResponsePlan,
    Selection,
)
from hezhang_rules.diagnostics import Diagnostic, FactLoadError, Span
from hezhang_rules.evaluate.core import Run, run_plan
from hezhang_rules.evaluate.select import BoundFacts
from hezhang_rules.evaluate.world import Holder, World
from hezhang_rules.facts.factset import FactOrigin, FactSet, is_fact, not_a_fact, python_origin
from hezhang_rules.facts.models import FACT_KINDS, Fact, Inspection
from hezhang_rules.findings import Finding, Report
from hezhang_rules.monitor.rete import Matcher, SelectionRule
from hezhang_rules.waivers import Waivers

EventKind = Literal[
    "opened",
    "escalation_opened",
    "due_soon",
    "fulfilled",
    "fulfilled_late",
    "violated",
    "waived",
    "withdrawn",
]
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)


@dataclass(frozen=True)
class MonitorEvent:
    """Something that became knowable when the clock reached ``day``.

    ``finding`` is the batch finding on ``day``; for ``withdrawn`` it is the finding as it now
    stands (``not_applicable``) or ``None`` when no finding with ``finding_id`` exists any more.
    """

    kind: EventKind
    day: dt.date
    finding: Finding | None
    finding_id: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.kind,
            "day": self.day.isoformat(),
            "finding_id": self.finding_id,
            "finding": None if self.finding is None else self.finding.model_dump(mode="json"),
        }


class MatchSelector:
    """The monitor's working memory as a :class:`~hezhang_rules.evaluate.select.Selector`.

    A selection's facts are those durable-rules matched on its fact-local conditions as they
    were submitted (``matches``: the matched fact ids per selection rule), then checked on the
    residual conditions against the world at the as-of date; ``rules`` maps each plan object
    that selects (a selection, a response's trigger, an evidence rule's ``where``) by ``id`` to
    its durable-rules selection rule.
    """

    def __init__(
        self, world: World, rules: Mapping[int, SelectionRule], matches: Mapping[str, set[str]]
    ) -> None:
        self.world = world
        self._rules = rules
        self._matches = matches
        self._bound: dict[int, BoundFacts] = {}

    def selected(self, sel: Selection, holder: Holder) -> list[Fact]:
        bound = self._bound.get(id(sel))
        if bound is None:
            bound = BoundFacts(sel, self._matching(id(sel), sel.kind))
            self._bound[id(sel)] = bound
        return bound.of(holder)

    def trigger_facts(self, req: ResponsePlan) -> list[Fact]:
        assert req.trigger_kind is not None
        return self._matching(id(req), req.trigger_kind)

    def evidence_subjects(self, req: EvidencePlan) -> list[Fact]:
        return self._matching(id(req), req.kind)

    def _matching(self, key: int, kind: str) -> list[Fact]:
        """The facts of ``kind`` durable-rules matched for the plan object ``key`` that meet
        its residual conditions."""
        rule = self._rules[key]
        hit = self._matches[rule.key]
        world = self.world
        return [
            f
            for f in world.of_kind(kind)
            if f.id in hit and all(world.check(c, f, f) for c in rule.residual)
        ]


def _lenient_factset(facts: Iterable[Fact]) -> FactSet:
    """A FactSet without the reference check: live, a record may arrive before its referent."""
    by_kind: dict[str, list[Fact]] = defaultdict(list)
    problems: dict[str, str] = {}
    for f in facts:
        by_kind[f.KIND].append(f)
        if isinstance(f, Inspection) and f.record and f.record.problems:
            for p in f.record.problems:
                problems[p.id] = f.id
    ordered = {k: tuple(sorted(by_kind.get(k, ()), key=lambda x: x.id)) for k in FACT_KINDS}
    return FactSet(ordered, problems, {})


class Monitor:
    """A live monitor over one compiled plan.

    ``submit(fact)`` facts in any order, ``advance_to(day)`` the clock; events are passed to
    ``on_event`` (if given) and queued for :meth:`events`. ``report(as_of)`` gives the same
    :class:`Report` as :func:`hezhang_rules.evaluate`. ``warn_days``: a pending duty is
    ``due_soon`` once its due date is at most that many days after the clock. ``queue``: keep
    events for :meth:`events` (default: only when there is no ``on_event``, so a monitor fed by
    callbacks does not hold every event it ever raised). ``waivers``: applied to every report
    and every clock's findings as the batch evaluator applies them (a finding waived raises
    ``waived``). Use as a context manager or call :meth:`close` to release the engine's state.
    """

    def __init__(
        self,
        plan: Plan,
        *,
        warn_days: int = 14,
        on_event: Callable[[MonitorEvent], None] | None = None,
        queue: bool | None = None,
        waivers: Waivers | None = None,
    ) -> None:
        if warn_days < 0:
            raise ValueError("warn_days must be >= 0")
        self.plan = plan
        self.warn_days = warn_days
        self.waivers = waivers
        self._on_event = on_event
        self._queueing = on_event is None if queue is None else queue
        self._matcher = Matcher(plan)
        self._sel_by_id = self._selection_map(plan)
        self._facts: dict[str, Fact] = {}
        self._origins: dict[int, FactOrigin] = {}  # id(fact) → where it was read or submitted
        self._submitted = 0  # facts taken so far: a fact's position in diagnostics
        self._clock: dt.date | None = None
        self._known: dict[str, str] = {}  # finding id → status at the previous clock
        self._warned: set[str] = set()
        self._queue: deque[MonitorEvent] = deque()

    def _selection_map(self, plan: Plan) -> dict[int, SelectionRule]:
        """Each plan object that selects facts (by ``id``) → its durable-rules rule."""
        by_key = {r.key: r for r in self._matcher.rules}
        out: dict[int, SelectionRule] = {}
        for rule in plan.rules:
            match rule.requirement:
                case CountPlan() | ForbidPlan() | DeadlinePlan() as req:
                    out[id(req.select)] = by_key[f"{rule.id}#select"]
                case ResponsePlan() as req:
                    if req.trigger_kind is not None:
                        out[id(req)] = by_key[f"{rule.id}#trigger"]
                    out[id(req.response)] = by_key[f"{rule.id}#response"]
                case EvidencePlan() as req:
                    out[id(req)] = by_key[f"{rule.id}#where"]
                case unknown:
                    assert_never(unknown)
        return out

    # --- input -------------------------------------------------------------------------------

    @property
    def clock(self) -> dt.date | None:
        return self._clock

    def __len__(self) -> int:
        return len(self._facts)

    def submit(self, fact: Fact, origin: FactOrigin | None = None) -> None:
        """Take one validated fact. Its id must be new (a correction is a new record).

        ``origin``: where the fact was read (a stream's line), so that a reference still
        dangling at :meth:`report` is located there; without one, at its submission
        (``Monitor.submit(fact)[4]``: the fifth fact submitted). Raises
        :class:`FactLoadError` for anything but a fact model, and for an id already
        submitted (its help names the first submission).
        """
        where = f"Monitor.submit(fact)[{self._submitted}]"
        if not is_fact(fact):
            raise FactLoadError([not_a_fact(fact, where)])
        first = self._facts.get(fact.id)
        if first is not None:
            before = self._origins[id(first)]
            raise FactLoadError(
                [
                    Diagnostic(
                        "hz_facts_duplicate_id",
                        f"fact id `{fact.id}` was already submitted",
                        origin.span if origin is not None else Span(where),
                        record=f"{fact.KIND} (id {fact.id})",
                        field_path="id",
                        help=f"first submitted as {before.label} at {before.span}",
                        zh=f"事实 id `{fact.id}` 已经提交过",
                        help_zh=f"第一次提交的是 {before.label}，位于 {before.span}",
                    )
                ]
            )
        self._matcher.submit(fact)
        self._submitted += 1
        self._facts[fact.id] = fact
        self._origins[id(fact)] = origin or python_origin(fact, where)

    def submit_many(self, facts: Iterable[Fact]) -> None:
        """Submit facts one at a time, in the order given."""
        for f in facts:
            self.submit(f)

    def advance_to(self, day: dt.date) -> list[MonitorEvent]:
        """Move the clock to ``day`` (never back) and emit what became knowable."""
        if self._clock is not None and day < self._clock:
            raise ValueError(f"the clock is at {self._clock}; it cannot go back to {day}")
        self._clock = day
        findings = self._findings(day, strict=False)
        events = self._diff(day, findings)
        for e in events:
            if self._queueing:
                self._queue.append(e)
            if self._on_event is not None:
                self._on_event(e)
        return events

    def events(self) -> Iterator[MonitorEvent]:
        """Drain the queued events, oldest first."""
        while self._queue:
            yield self._queue.popleft()

    # --- output ------------------------------------------------------------------------------

    def _findings(self, as_of: dt.date, strict: bool) -> list[Finding]:
        values = self._facts.values()
        facts = FactSet.build(values) if strict else _lenient_factset(values)
        return self._report(facts, as_of).findings

    def _report(self, facts: FactSet, as_of: dt.date) -> Report:
        world = World(facts, as_of)
        selector = MatchSelector(world, self._sel_by_id, self._matcher.matches)
        return run_plan(Run(self.plan, world, selector), facts, as_of, self.waivers)

    def report(self, as_of: dt.date | None = None) -> Report:
        """The report at ``as_of`` (default: the clock), equal to the batch evaluator's.

        The facts must by now form a valid fact set (every reference resolves): otherwise this
        raises the same :class:`FactLoadError` as loading them would.
        """
        day = as_of or self._clock
        if day is None:
            raise ValueError("no as-of date: pass one or advance the clock first")
        return self._report(FactSet.build(self._facts.values(), self._origins), day)

    def _diff(self, day: dt.date, findings: list[Finding]) -> list[MonitorEvent]:
        """Events: what changed since the previous clock (findings come in report order)."""
        out: list[MonitorEvent] = []
        now: dict[str, str] = {f.id: f.status for f in findings}
        for f in findings:
            before = self._known.get(f.id)
            if f.status == "not_applicable":
                if before is not None and before != "not_applicable":
                    out.append(MonitorEvent("withdrawn", day, f, f.id))
                continue
            if before is None or before == "not_applicable":
                kind: EventKind = "escalation_opened" if f.escalated_from else "opened"
                out.append(MonitorEvent(kind, day, f, f.id))
            if f.status != "pending" and before != f.status:
                out.append(MonitorEvent(f.status, day, f, f.id))
            if (
                f.status == "pending"
                and f.due is not None
                and f.id not in self._warned
                and 0 <= (f.due - day).days <= self.warn_days
            ):
                self._warned.add(f.id)
                out.append(MonitorEvent("due_soon", day, f, f.id))
        gone = sorted(i for i, st in self._known.items() if i not in now and st != "not_applicable")
        out += [MonitorEvent("withdrawn", day, None, i) for i in gone]
        self._known = now
        return out

    def close(self) -> None:
        """Release durable-rules' state; the monitor takes no more facts."""
        self._matcher.close()

    def __enter__(self) -> Monitor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def evaluate_live(
    plan: Plan, facts: FactSet, as_of: dt.date, waivers: Waivers | None = None
) -> Report:
    """The batch evaluator's signature on the monitor: submit every fact, advance, report.

    For case runners (``testing.cases.EVALUATORS``); facts go in the fact set's order.
    """
    with Monitor(plan, waivers=waivers) as m:
        m.submit_many(facts)
        m.advance_to(as_of)
        return m.report(as_of)
