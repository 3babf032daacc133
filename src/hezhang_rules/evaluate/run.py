"""One evaluation's state: its holders, the facts seen on the as-of date, its findings.

A :class:`Run` is what every requirement kind's code works on (``evaluate.batch``) and what
every engine drives (``evaluate.core`` re-exports it): it lists the holders of a rule (once per
run), tells which dates are known on the as-of date, asks its :class:`~.select.Selector` for
facts, and turns each :class:`Draft` into a :class:`Finding`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast, get_args

from hezhang_rules.compile.plan import HolderSpec, Plan, PlanRule
from hezhang_rules.evaluate.answers import Answerers, answer_day, held
from hezhang_rules.evaluate.kinds import VALUES
from hezhang_rules.evaluate.kinds import version as version_kind
from hezhang_rules.evaluate.messages import render
from hezhang_rules.evaluate.periods import Period
from hezhang_rules.evaluate.select import Selector
from hezhang_rules.evaluate.world import Holder, World
from hezhang_rules.facts.models import Fact
from hezhang_rules.facts.schema import get_path
from hezhang_rules.findings import (
    STATUSES,
    DuplicateFindingError,
    Finding,
    HolderKind,
    HolderRef,
    PeriodRef,
)

_HOLDER_KINDS = frozenset(get_args(HolderKind))


@dataclass(frozen=True, slots=True)
class Draft:
    """A finding before it is emitted: what a requirement kind's code decided.

    ``key`` ends the finding's id (``<rule>/<holder>/<key>``); ``detail`` is the (zh, en) text
    after the message, ``details`` the machine-readable values (each kind's ``DETAIL_KEYS``);
    ``subject`` the fact a per-fact finding is about, ``escalated_from`` the finding that
    opened an escalated duty; ``label`` the period the message names (``None``: none).
    """

    rule: PlanRule
    holder: Holder
    period: Period
    key: str
    status: str
    due: dt.date | None
    evidence: Sequence[str]
    detail: tuple[str, str]
    details: Mapping[str, Any]
    subject: str | None = None
    escalated_from: str | None = None
    label: str | None = None


class Run:
    """One evaluation of ``plan`` over ``world``, reading facts through ``selector``.

    The holder listings are cached per run (response rules ask per trigger), each built whole
    before it is stored, so that the columnar engine's rules may share one run from two
    threads; such a caller takes each finding as :meth:`emit` returns it, not from ``findings``.
    """

    def __init__(self, plan: Plan, world: World, selector: Selector) -> None:
        self.plan = plan
        self.world = world
        self.selector = selector
        self.findings: list[Finding] = []
        self.by_rule: dict[str, list[Finding]] = {}
        self._ids: set[str] = set()  # the ids emitted so far (each must be new)
        self._holders: dict[int, list[Holder]] = {}
        self._scoped: dict[tuple[int, str], list[Holder]] = {}
        self._by_place: dict[int, dict[str, list[int]]] = {}
        self._answerers: Answerers | None = None

    def answerers(self) -> Answerers:
        """The run's answer resolver (indexed the first time a rule's ``answers`` needs it)."""
        if self._answerers is None:
            self._answerers = Answerers(self.world.facts)
        return self._answerers

    def holders(self, spec: HolderSpec) -> list[Holder]:
        """The holders of ``spec`` (computed once per run: response rules ask per trigger)."""
        key = id(spec)
        if key not in self._holders:
            self._holders[key] = self._find_holders(spec)
        return self._holders[key]

    def _find_holders(self, spec: HolderSpec) -> list[Holder]:
        if spec.way == "post":
            return self.world.post_holders(spec.roles, spec.levels, spec.scope)
        if spec.way == "unit":
            return self.world.unit_holders(spec.types, spec.levels, spec.where, spec.scope)
        if spec.way == "jurisdiction":
            return self.world.jurisdiction_holders(spec.levels or frozenset(), spec.scope)
        raise AssertionError("field holders come from facts")

    def holders_at(
        self, spec: HolderSpec, fact: Fact | None, day: dt.date, subject: Fact | None = None
    ) -> list[Holder]:
        """The holders of a duty opened on ``day`` by ``fact`` (``subject``: the fact behind an
        escalated finding, which ``within`` reads when there is no trigger fact)."""
        if spec.way == "field":
            assert fact is not None and spec.field is not None
            value = get_path(fact, spec.field)
            ids = value if isinstance(value, list) else [value]
            found = [self.world.holder_for_id(str(i)) for i in ids if i is not None]
            return sorted({h.id: h for h in found if h is not None}.values(), key=lambda h: h.id)
        place_fact = fact if fact is not None else subject
        place = None
        if spec.within is not None and place_fact is not None:
            # A trigger that does not state its place: every holder (one district's records).
            place = self.world.place_of(get_path(place_fact, spec.within))
        return [h for h in self._holders_over(spec, place) if h.active_on(day)]

    def _holders_over(self, spec: HolderSpec, place: str | None) -> list[Holder]:
        """The holders of ``spec`` whose jurisdiction is ``place`` or above it (cached)."""
        if place is None:
            return self.holders(spec)
        key = (id(spec), place)
        found = self._scoped.get(key)
        if found is None:
            by_place = self._by_place.get(id(spec))
            if by_place is None:  # the holders' positions in `holders`, by jurisdiction
                by_place = {}
                for i, h in enumerate(self.holders(spec)):
                    by_place.setdefault(h.jurisdiction or "", []).append(i)
                self._by_place[id(spec)] = by_place
            everyone = self.holders(spec)
            hits = sorted(i for j in self.world.ancestors(place) for i in by_place.get(j, ()))
            found = [everyone[i] for i in hits]
            self._scoped[key] = found
        return found

    def seen(self, f: Fact, date_field: str) -> dt.date | None:
        """The date in ``date_field`` if it is known on the as-of date, else ``None``.

        INVARIANT: nothing dated after the as-of date decides a status, whichever date field a
        rule reads (a plan drafted before the as-of date but issued after it is not yet issued).
        """
        day = get_path(f, date_field)
        return day if isinstance(day, dt.date) and day <= self.world.as_of else None

    def emit(self, d: Draft) -> Finding | None:
        """Record the finding ``d`` describes (and return it: a caller sharing the run with
        another thread takes it from here, not from ``findings``).

        A finding of a versioned rule whose period another version judges is dropped here
        (``None``; ``kinds.version``), before its id is checked: the versions of one rule give
        the same ids. A second finding with an id already emitted raises
        :class:`DuplicateFindingError` (two threads run different rules, whose ids never
        meet)."""
        # Built without pydantic's validation (``model_construct``): the two values typed only
        # as text here are checked by hand, the rest is typed by this code. Validating a
        # million findings took a third of a national year's batch part.
        rule, holder, period = d.rule, d.holder, d.period
        details = d.details
        if rule.version is not None:
            anchor = period.end if version_kind.anchored_on_end(rule) else period.start
            if not version_kind.judged_here(VALUES, anchor, rule.version):
                return None
            details = {**details, "version": rule.version.label}
        if d.status not in STATUSES or holder.kind not in _HOLDER_KINDS:
            raise ValueError(f"finding with status {d.status!r}, holder kind {holder.kind!r}")
        fid = f"{rule.id}/{holder.id}/{d.key}"
        if fid in self._ids:
            raise DuplicateFindingError(fid, rule.id)
        self._ids.add(fid)
        f = Finding.model_construct(
            id=fid,
            rule_id=rule.id,
            article=rule.article,
            status=d.status,
            severity=rule.severity,
            modality=rule.modality,
            requirement=rule.requirement.type,
            holder=HolderRef.model_construct(
                kind=cast(HolderKind, holder.kind), id=holder.id, name=holder.name
            ),
            period=PeriodRef.model_construct(
                start=period.start, end=period.end, label=period.label
            ),
            due=d.due,
            evidence=sorted(set(d.evidence)),
            message=render(rule, d.status, holder.name, d.label, d.detail[0], d.detail[1]),
            details=dict(details),
            parameters=[u.name for u in rule.params],
            source=rule.location,
            subject=d.subject,
            escalated_from=d.escalated_from,
            answerable=held(rule, holder.kind, holder.id, holder.name)
            if rule.answers.by == "holder"
            else self.answerers().of(
                rule,
                holder.kind,
                holder.id,
                holder.name,
                answer_day(d.due, period.end, self.world.as_of),
            ),
        )
        self.findings.append(f)
        self.by_rule.setdefault(rule.id, []).append(f)
        return f
