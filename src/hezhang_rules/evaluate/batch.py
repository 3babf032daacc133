"""Each requirement kind applied to Python values: (rule, holder, period or trigger) → findings.

One function per kind — :func:`count`, :func:`forbid`, :func:`deadline`, :func:`response`,
:func:`evidence` — dispatched by ``evaluate.core.run_rules`` over a :class:`~.run.Run`, whatever
engine reads the facts: the batch evaluator (``WorldSelector``), the live monitor
(``monitor.live.MatchSelector``) and the columnar engine's batch part all run this code.

What a kind means is not written here but in ``evaluate.kinds``: each function finds the
holders, periods, acts and dates, then applies the kind's ``status`` rule to the values
(``kinds.VALUES``) and fills its wording. Facts dated after the as-of date are not seen
(``Run.seen``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from hezhang_rules.compile.operators import failed_condition
from hezhang_rules.compile.plan import (
    CountPlan,
    DeadlinePlan,
    EvidencePlan,
    ForbidPlan,
    PlanRule,
    ResponsePlan,
    Selection,
)
from hezhang_rules.evaluate.instances import instances
from hezhang_rules.evaluate.kinds import VALUES
from hezhang_rules.evaluate.kinds import count as count_kind
from hezhang_rules.evaluate.kinds import deadline as deadline_kind
from hezhang_rules.evaluate.kinds import evidence as evidence_kind
from hezhang_rules.evaluate.kinds import forbid as forbid_kind
from hezhang_rules.evaluate.kinds import policy as policy_kind
from hezhang_rules.evaluate.kinds import response as response_kind
from hezhang_rules.evaluate.periods import ONE_DAY, Period
from hezhang_rules.evaluate.run import Draft, Run
from hezhang_rules.evaluate.select import links
from hezhang_rules.evaluate.world import Holder, World
from hezhang_rules.facts.models import Fact
from hezhang_rules.facts.schema import get_path
from hezhang_rules.findings import Finding

# --- count and forbid: acts per period --------------------------------------------------------


def count(run: Run, rule: PlanRule, req: CountPlan) -> None:
    """At least ``at_least`` acts per period (``per_river``: per river of the holder's posts)."""
    for person in run.holders(rule.holder):
        facts = run.selector.selected(req.select, person)
        rivers = run.world.rivers_of(person) if req.per_river else []
        if not rivers:  # not per river, or posts naming no river: the chief is counted whole
            for p, hits in _periods(run, rule, req, person, facts, None):
                run.emit(_counted(run, rule, req, person, p, hits, None))
        for river, tenure in rivers:
            on_river = [f for f in facts if river in (get_path(f, "rivers") or ())]
            sub = dataclasses.replace(person, tenure=tenure)
            for p, hits in _periods(run, rule, req, sub, on_river, river):
                run.emit(_counted(run, rule, req, sub, p, hits, river))


def forbid(run: Run, rule: PlanRule, req: ForbidPlan) -> None:
    """No act of the kind in a period."""
    for person in run.holders(rule.holder):
        facts = run.selector.selected(req.select, person)
        for p, hits in _periods(run, rule, req, person, facts, None):
            n = len(hits)
            run.emit(
                Draft(
                    rule,
                    person,
                    p,
                    p.label,
                    forbid_kind.status(VALUES, n, p.end, run.world.as_of),
                    p.end,
                    [f.id for f in hits] or person.source_ids,
                    forbid_kind.DETAIL.fill(count=n),
                    {"count": n},
                    label=p.label,
                )
            )


def _periods(
    run: Run,
    rule: PlanRule,
    req: CountPlan | ForbidPlan,
    holder: Holder,
    facts: list[Fact],
    river: str | None,
) -> Iterator[tuple[Period, list[Fact]]]:
    """The holder's periods of a count or forbid rule that apply (clipped), each with the acts
    it counts, by id; a period that does not apply is emitted here, as not applicable
    (``river``: the river of a ``per_river`` count, which the finding's key and details name)."""
    suffix = "" if river is None else f"/{river}"
    for inst in instances(rule, holder, req.per, req.periods, run.world.as_of):
        if inst.na:
            run.emit(
                Draft(
                    rule,
                    holder,
                    inst.clipped,
                    inst.period.label + suffix,
                    "not_applicable",
                    None,
                    holder.source_ids,
                    inst.na,
                    {} if river is None else {"river": river},
                    label=inst.period.label,
                )
            )
            continue
        hits = sorted(
            (f for f in facts if inst.covers(run.seen(f, req.select.date_field))),
            key=lambda f: f.id,
        )
        yield inst.clipped, hits


def _counted(
    run: Run,
    rule: PlanRule,
    req: CountPlan,
    holder: Holder,
    p: Period,
    hits: list[Fact],
    river: str | None,
) -> Draft:
    """A count's finding for the period ``p``: met on the date of the ``at_least``-th act."""
    n, k = len(hits), req.at_least
    kth = sorted(get_path(f, req.select.date_field) for f in hits)[k - 1] if n >= k else None
    detail = count_kind.DETAIL.fill(start=p.start, end=p.end, count=n, required=k)
    details: dict[str, Any] = {"count": n, "required": k}
    if river is not None:
        name = run.world.facts.name_of(river)
        on_river = count_kind.ON_RIVER
        detail = (
            on_river.zh.format(river=name, detail=detail[0]),
            on_river.en.format(river=name, detail=detail[1]),
        )
        details["river"] = river
    return Draft(
        rule,
        holder,
        p,
        p.label if river is None else f"{p.label}/{river}",
        count_kind.status(VALUES, n, k, kth, p.end, run.world.as_of),
        p.end,
        [f.id for f in hits] or holder.source_ids,
        detail,
        details,
        label=p.label,
    )


# --- deadline: a deliverable by a due date ----------------------------------------------------


def deadline(run: Run, rule: PlanRule, req: DeadlinePlan) -> None:
    """A deliverable per year (or once), met by the first delivery known on the as-of date."""
    as_of = run.world.as_of
    for holder in run.holders(rule.holder):
        facts = run.selector.selected(req.select, holder)
        for p, due, year, na in deadline_periods(rule, req, holder, as_of):
            label = p.label if p.label != "once" else None
            if na is not None:
                run.emit(
                    Draft(
                        rule,
                        holder,
                        p,
                        p.label,
                        "not_applicable",
                        due,
                        holder.source_ids,
                        na,
                        {},
                        label=label,
                    )
                )
                continue
            mine = facts
            if year is not None:
                mine = [
                    f
                    for f in facts
                    if (
                        get_path(f, req.period_field) == year
                        if req.period_field
                        else p.contains(get_path(f, req.select.date_field) or dt.date.min)
                    )
                ]
            dated = [(d, f) for f in mine if (d := run.seen(f, req.select.date_field)) is not None]
            dated.sort(key=lambda x: (x[0], x[1].id))
            done = dated[0][0] if dated else None
            detail = (
                deadline_kind.DELIVERED.fill(due=due, done=done)
                if done
                else deadline_kind.NOT_DELIVERED.fill(due=due)
            )
            run.emit(
                Draft(
                    rule,
                    holder,
                    p,
                    p.label,
                    deadline_kind.status(VALUES, done, due, as_of),
                    due,
                    [f.id for _, f in dated[:1]] or holder.source_ids,
                    detail,
                    _supplied({"delivered": str(done) if done else None}, req.due_supplied),
                    label=label,
                )
            )


def deadline_periods(
    rule: PlanRule, req: DeadlinePlan, holder: Holder, as_of: dt.date
) -> Iterator[tuple[Period, dt.date, int | None, tuple[str, str] | None]]:
    """The periods a deadline rule's holder answers for: (period, due date, year — None for a
    deliverable due once by an absolute date —, why it does not apply or None).

    Shared by the batch evaluator and the columnar one (which lists holders the same way).
    Before the rules take effect nothing is owed under them, so nothing is listed: an audit
    dated earlier has no findings of the rule (a deliverable due before its period begins, such
    as next year's indicators, would otherwise be listed as pending)."""
    if as_of < rule.in_force_from:
        return
    if req.due_date is not None:  # one deliverable, once (e.g. a town's own measures, art. 37)
        due = req.due_date if req.inclusive else req.due_date - ONE_DAY
        start = max(rule.in_force_from, holder.tenure[0][0])
        if start <= as_of and holder.active_on(min(due, as_of)):
            yield Period(start, due, "once"), due, None, _too_soon(rule, req, holder, due)
        return
    # A period due before it begins (year_offset < 0) is listed once it is due-able.
    until = dt.date(as_of.year - req.year_offset, 1, 1) if req.year_offset < 0 else None
    for inst in instances(rule, holder, "year", req.periods, as_of, until):
        year = inst.period.start.year
        due = _due_date(year, req)
        na = inst.na
        if na is None and (due < rule.in_force_from or not holder.active_on(due)):
            na = policy_kind.DUE_OUTSIDE.fill()
        yield inst.period, due, year, na or _too_soon(rule, req, holder, due)


def _too_soon(
    rule: PlanRule, req: DeadlinePlan, holder: Holder, due: dt.date
) -> tuple[str, str] | None:
    """Why a deadline does not apply when it falls fewer than the period policy's
    ``tenure_min_days`` after the rules took effect or the holder's tenure began (the same
    measure as a period in post too short to judge: docs/rule-format.md, section 9)."""
    need = req.periods.tenure_min_days
    began = max((lo for lo, _ in holder.tenure if lo <= due), default=rule.in_force_from)
    days = (due - max(rule.in_force_from, began)).days + 1
    if need <= 0 or days >= need:
        return None
    if days <= 0:  # e.g. `--param in_force=` after a once deadline
        return policy_kind.DUE_BEFORE_DUTY.fill()
    return policy_kind.TOO_SOON.fill(days=days, need=need)


def _due_date(year: int, req: DeadlinePlan) -> dt.date:
    due = dt.date(year + req.year_offset, req.due_month, req.due_day)
    return due if req.inclusive else due - ONE_DAY


def _supplied(details: dict[str, Any], parameter: str | None) -> dict[str, Any]:
    """``details`` with ``due_supplied`` naming the parameter the due date rests on when the
    pack supplies it (its `basis` is `supplied`: the text states no such number or date)."""
    return {**details, "due_supplied": parameter} if parameter else details


# --- response: a duty opened by a trigger -----------------------------------------------------

_Trigger = tuple[str, dt.date | None, Fact | None, Finding | None]
"""(what ends the finding id: the trigger's id, the item's, or an escalation's key; the day it
opens the duty or None, the trigger fact, the finding that opened an escalated duty)."""


def response(run: Run, rule: PlanRule, req: ResponsePlan) -> None:
    """A duty per trigger (a fact, a listed item, or another rule's finding), due a number of
    days after it opens or by the date the trigger states; met by the first linked reply."""
    replies = _Replies(run, req)
    for trigger_id, day, fact, origin in _triggers(run, req):
        if day is None:
            _undated_trigger(run, rule, req, trigger_id, fact)
            continue
        if day < rule.in_force_from or day > run.world.as_of:
            # before the rules took effect nothing opens; a trigger seen on the as-of date but
            # opening the duty later (a crime found after the case was opened) is not open yet
            continue
        due = _relative_due(req, fact, day)
        behind = origin.subject if origin is not None else None  # the earlier finding's fact
        subject = run.world.facts.get(behind) if behind else None
        for holder in run.holders_at(rule.holder, fact, day, subject):
            run.emit(
                _responded(run, rule, req, replies, holder, trigger_id, day, due, origin, fact)
            )


def _triggers(run: Run, req: ResponsePlan) -> list[_Trigger]:
    """The duties the rule's triggers open: from facts (through the selector), or from the
    findings of ``trigger_rule`` in ``trigger_statuses`` (due the day after theirs)."""
    if req.trigger_kind is not None:
        return _fact_triggers(run.world, req, run.selector.trigger_facts(req))
    assert req.trigger_rule is not None
    source = run.plan.rule(req.trigger_rule).requirement
    each = isinstance(source, ResponsePlan) and source.each_field is not None
    return [
        (_escalation_key(fd, each), (fd.due or fd.period.end) + ONE_DAY, None, fd)
        for fd in run.by_rule.get(req.trigger_rule, [])
        if fd.status in req.trigger_statuses
    ]


def _escalated_trigger(fd: Finding) -> str:
    """The trigger id of the duty the finding ``fd`` opens (what ``link`` names, and the
    escalation's ``subject``): its subject, or, for a count, forbid or deadline finding, which
    has none, its own id (one holder's several periods open several duties)."""
    return fd.subject or fd.id


def _escalation_key(fd: Finding, each: bool) -> str:
    """What ends the id of the duty ``fd`` opens: its trigger id, followed, when ``fd`` is the
    duty of one listed item (``each``: one fact lists several), by that item, the part of
    ``fd``'s own id after its rule and holder (docs/rule-format.md, section 8.6)."""
    trigger = _escalated_trigger(fd)
    if not each:
        return trigger
    return f"{trigger}/{fd.id.removeprefix(f'{fd.rule_id}/{fd.holder.id}/')}"


def _fact_triggers(world: World, req: ResponsePlan, facts: Iterable[Fact]) -> list[_Trigger]:
    """The duties the trigger facts (already meeting ``where``) open: one per fact, or with
    ``each`` one per listed item meeting ``each_where`` (keyed by the item's id)."""
    out: list[_Trigger] = []
    for f in facts:
        day = get_path(f, req.trigger_date_field or "")
        if day is None and req.trigger_date_fallback is not None:
            day = get_path(f, req.trigger_date_fallback)
        if req.each_field is None:
            out.append((f.id, day, f, None))
            continue
        items = get_path(f, req.each_field) or []
        for item in items:
            if all(world.check(c, item, f) for c in req.each_where):
                out.append((str(item.id), day, f, None))
    return out


def _undated_trigger(
    run: Run, rule: PlanRule, req: ResponsePlan, trigger_id: str, fact: Fact | None
) -> None:
    """A trigger without the date the rule reads cannot open a dated duty: say so (its
    subject and evidence the trigger fact, also for an ``each`` item's duty)."""
    as_of = run.world.as_of
    detail = response_kind.undated(req.trigger_kind, req.trigger_date_field)
    subject = fact.id if fact is not None else trigger_id
    for holder in run.holders_at(rule.holder, fact, as_of):
        run.emit(
            Draft(
                rule,
                holder,
                Period(as_of, as_of, "undated"),
                trigger_id,
                "not_applicable",
                None,
                [subject],
                detail,
                {},
                subject=subject,
            )
        )


def _responded(
    run: Run,
    rule: PlanRule,
    req: ResponsePlan,
    replies: _Replies,
    holder: Holder,
    trigger_id: str,
    day: dt.date,
    due: dt.date,
    origin: Finding | None,
    fact: Fact | None,
) -> Draft:
    """The holder's finding of the duty ``trigger_id`` opened on ``day``."""
    target = trigger_id
    if origin is not None:
        target = _escalated_trigger(origin)  # not the key: for an `each` duty, its fact
    elif req.link_to is not None and fact is not None:
        target = str(get_path(fact, req.link_to))
    elif req.each_field is not None and fact is not None:
        target = fact.id  # the item's duty: replies link to the fact that lists it
    dated = [
        (d, f)
        for f in replies.to(holder, target)
        if _trigger_bound(f, req.response, fact)
        and _answers_item(f, req, trigger_id)
        and (d := run.seen(f, req.response.date_field)) is not None
        and d >= day  # a reply dated before the duty opened does not answer it
    ]
    dated.sort(key=lambda x: (x[0], x[1].id))
    done = dated[0][0] if dated else None
    detail = (
        response_kind.DONE.fill(opened=day, due=due, done=done)
        if done
        else response_kind.NOT_DONE.fill(opened=day, due=due)
    )
    if origin is not None:
        first = target  # an escalation's subject: the earlier finding's trigger id
    elif req.each_field is not None and fact is not None:
        first = fact.id
    else:
        first = trigger_id
    answer = [dated[0][1].id] if dated else []
    evidence = [*origin.evidence, *answer] if origin is not None else [first, *answer]
    return Draft(
        rule,
        holder,
        Period(day, due, str(day)),
        trigger_id,
        response_kind.status(VALUES, done, due, run.world.as_of),
        due,
        evidence,
        detail,
        _supplied(
            {"opened": str(day), "done": str(done) if done else None},
            req.due_supplied if _due_from_days(req, fact) else None,
        ),
        subject=first,  # an `each` duty's subject is the fact listing the item
        escalated_from=origin.id if origin else None,
    )


class _Replies:
    """A response rule's replies per holder, indexed by the id their ``link`` names (once per
    holder: a holder answers many triggers)."""

    def __init__(self, run: Run, req: ResponsePlan) -> None:
        self._run = run
        self._req = req
        self._by_holder: dict[str, dict[str, list[Fact]]] = {}

    def to(self, holder: Holder, target: str) -> list[Fact]:
        """The holder's replies whose ``link`` names ``target`` (without a link: all)."""
        req = self._req
        if req.link is None:
            return self._run.selector.selected(req.response, holder)
        index = self._by_holder.get(holder.id)
        if index is None:
            index = {}
            for f in self._run.selector.selected(req.response, holder):
                value = get_path(f, req.link)
                for v in value if isinstance(value, list) else [value]:
                    if v is not None:
                        index.setdefault(str(v), []).append(f)
            self._by_holder[holder.id] = index
        return index.get(target, [])


def _trigger_bound(f: Fact, sel: Selection, trigger: Fact | None) -> bool:
    """Whether ``f`` meets the selection's ``trigger.<field>`` binds."""
    for fname, target in sel.bind:
        if target.startswith("trigger."):
            want = get_path(trigger, target[len("trigger.") :]) if trigger is not None else None
            wanted = want if isinstance(want, list) else [want]
            if not any(w is not None and links(get_path(f, fname), str(w)) for w in wanted):
                return False
    return True


def _answers_item(f: Fact, req: ResponsePlan, item_id: str) -> bool:
    """Whether reply ``f`` answers the item ``item_id`` of an ``each`` duty: it lists the item
    in ``each_link``, or lists no item (it answers the whole trigger)."""
    if req.each_link is None:
        return True
    listed = get_path(f, req.each_link)
    return not listed or item_id in [str(v) for v in listed]


def _due_from_days(req: ResponsePlan, fact: Fact | None) -> bool:
    """Whether a response's due date is counted in days (not the date the trigger states)."""
    if req.due_field is None or fact is None:
        return True
    return not isinstance(get_path(fact, req.due_field), dt.date)


def _relative_due(req: ResponsePlan, fact: Fact | None, day: dt.date) -> dt.date:
    if req.due_field is not None and fact is not None:
        stated = get_path(fact, req.due_field)
        if isinstance(stated, dt.date):
            return stated
    return day + dt.timedelta(days=req.due_days)


# --- evidence: what a record must state -------------------------------------------------------


def evidence(run: Run, rule: PlanRule, req: EvidencePlan) -> None:
    """Each record meeting ``where``, judged on its ``must`` conditions once its dated act is
    known (and on or after the rules took effect)."""
    for f in run.selector.evidence_subjects(req):
        day = run.seen(f, req.date_field)
        if day is None or day < rule.in_force_from:
            continue
        failed = _failures(run.world, req, f)
        detail = (
            evidence_kind.JOIN["zh"].join(z for z, _ in failed),
            evidence_kind.JOIN["en"].join(e for _, e in failed),
        )
        status = evidence_kind.status(VALUES, len(failed))
        for holder in run.holders_at(rule.holder, f, day):
            run.emit(
                Draft(
                    rule,
                    holder,
                    Period(day, day, str(day)),
                    f.id,
                    status,
                    day,
                    [f.id],
                    detail,
                    {"failed": [e for _, e in failed]},
                    subject=f.id,
                )
            )


def _failures(world: World, req: EvidencePlan, f: Fact) -> list[tuple[str, str]]:
    """Descriptions of the ``must`` conditions ``f`` fails.

    A missing element hides the checks on its parts: "no record" is not followed by "no place".
    """
    out: list[tuple[str, str]] = []
    absent: list[str] = []
    for c in req.must:
        if c.field and any(c.field.startswith(p + ".") for p in absent):
            continue
        if world.check(c, f, f):
            continue
        if c.op == "present" and c.operand and c.field:
            absent.append(c.field)
        out.append(failed_condition(c, get_path(f, c.field) if c.field else None))
    return out
