"""The five requirement kinds, each read from its section of docs/rule-format.md (§8.3-8.7),
and the report around them (docs/report.md). See the package docstring."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from hezhang_rules._version import __version__
from hezhang_rules.compile.plan import (
    CountPlan,
    DeadlinePlan,
    EvidencePlan,
    ForbidPlan,
    Plan,
    PlanRule,
    ResponsePlan,
    Selection,
)
from hezhang_rules.facts.bounds import require_as_of
from hezhang_rules.facts.factset import FactSet
from hezhang_rules.facts.models import Appointment, Fact
from hezhang_rules.facts.schema import get_path
from hezhang_rules.findings import (
    Finding,
    HolderRef,
    PeriodRef,
    Report,
    RunRecord,
    finding_order,
    summarize,
)
from hezhang_rules.testing.reference import words
from hezhang_rules.testing.reference.answers import answerable
from hezhang_rules.testing.reference.periods import DAY, FOREVER, Span, Stretch, judged_periods
from hezhang_rules.testing.reference.world import Holder, World, union


def status_of(done: dt.date | None, due: dt.date, as_of: dt.date) -> str:
    """§8.1: met on or before the (inclusive) due date, ``fulfilled``; later,
    ``fulfilled_late``; not met, ``violated`` once the as-of date is past the due date, else
    ``pending`` (a duty due on the as-of date is still pending)."""
    if done is not None:
        return "fulfilled" if done <= due else "fulfilled_late"
    return "violated" if as_of > due else "pending"


def earliest(facts: list[Fact], date_field: str, as_of: dt.date) -> tuple[dt.date, Fact] | None:
    """The earliest of ``facts`` by ``date_field``, then id (§8.5, §8.6). Undated ones do not
    count (rule-format.md, limitations: "taken as not delivered"), nor ones whose date is after
    the as-of date (:meth:`Audit.known`)."""
    dated = [(d, f.id, f) for f in facts if (d := known(f, date_field, as_of)) is not None]
    if not dated:
        return None
    d, _, f = min(dated, key=lambda x: (x[0], x[1]))
    return d, f


def known(f: Fact, date_field: str, as_of: dt.date) -> dt.date | None:
    """The date in a rule's ``date_field`` if it is known on the as-of date, else ``None``.

    §8.1: a record is visible by its kind's own date; any other date a rule reads from it
    counts only once it has come (a plan drafted before the as-of date but issued after it is
    not yet issued, art. 32).
    """
    day = get_path(f, date_field)
    return day if isinstance(day, dt.date) and day <= as_of else None


class Audit:
    """One evaluation: the world seen on the as-of date and the findings made so far."""

    def __init__(self, plan: Plan, facts: FactSet, as_of: dt.date) -> None:
        self.plan = plan
        self.world = World(facts, as_of)
        self.as_of = as_of
        self.findings: list[Finding] = []

    def emit(
        self,
        rule: PlanRule,
        holder: Holder,
        key: str,
        status: str,
        period: Span,
        due: dt.date | None,
        evidence: list[str] | tuple[str, ...],
        detail: words.Detail,
        details: dict[str, Any],
        label: str | None = None,
        subject: str | None = None,
        escalated_from: str | None = None,
    ) -> None:
        """One finding, every field as docs/report.md ("A finding") gives it; ``label`` is the
        period named in the message (count, forbid and yearly deadline findings only)."""
        self.findings.append(
            Finding(
                id=f"{rule.id}/{holder.id}/{key}",  # §12
                rule_id=rule.id,
                article=rule.article,
                status=status,
                severity=rule.severity,
                modality=rule.modality,
                requirement=rule.requirement.type,
                holder=HolderRef(kind=holder.kind, id=holder.id, name=holder.name),
                period=PeriodRef(start=period.start, end=period.end, label=period.label),
                due=due,
                evidence=sorted(set(evidence)),
                message=words.message(rule, holder.name, label, status, detail),
                details=details,
                parameters=[p.name for p in rule.params],
                source=rule.location,
                subject=subject,
                escalated_from=escalated_from,
                answerable=answerable(
                    self.world.facts,
                    rule,
                    (holder.kind, holder.id, holder.name),
                    due,
                    period.end,
                    self.as_of,
                ),
            )
        )

    def selected(self, sel: Selection, holder: Holder) -> list[Fact]:
        """§8.2: the visible facts of the kind that meet ``where`` and are bound (§11)."""
        return [
            f
            for f in self.world.visible_of(sel.kind)
            if all(self.world.holds(c, f, f) for c in sel.where)
            and self.world.bound(f, sel.bind, holder)
        ]

    def force(self, rule: PlanRule) -> Stretch:
        return rule.in_force_from, rule.in_force_until or FOREVER

    # --- §8.3 count and §8.4 forbid ------------------------------------------------------------

    def count_or_forbid(self, rule: PlanRule, req: CountPlan | ForbidPlan) -> None:
        """For every holder and period it answers for (§9), one finding; ``per_river``: one
        per river the holder's posts name, on the tenure of the posts naming it (§8.3)."""
        for holder in self.world.holders(rule.holder):
            facts = self.selected(req.select, holder)
            rivers = self.rivers(holder) if isinstance(req, CountPlan) and req.per_river else {}
            if not rivers:
                self.periods_of(rule, req, holder, facts, None)
            for river, tenure in sorted(rivers.items()):
                on_river = [f for f in facts if river in (get_path(f, "rivers") or [])]
                on_tenure = dataclasses.replace(holder, tenure=tenure)
                self.periods_of(rule, req, on_tenure, on_river, river)

    def rivers(self, holder: Holder) -> dict[str, tuple[Stretch, ...]]:
        spans: dict[str, list[Stretch]] = {}
        for aid in holder.appointments:
            a = self.world.facts.get(aid)
            assert isinstance(a, Appointment)
            for r in a.rivers or []:
                spans.setdefault(r, []).append((a.start, a.end or FOREVER))
        return {r: union(s) for r, s in spans.items()}

    def periods_of(
        self,
        rule: PlanRule,
        req: CountPlan | ForbidPlan,
        holder: Holder,
        facts: list[Fact],
        river: str | None,
    ) -> None:
        suffix = "" if river is None else f"/{river}"
        tagged: dict[str, Any] = {} if river is None else {"river": river}
        for j in judged_periods(req.per, holder.tenure, self.force(rule), req.periods, self.as_of):
            key, p = j.calendar.label + suffix, j.cut
            if j.exempt is not None:  # §8.3: not_applicable, due null, the reason in the message
                self.emit(
                    rule,
                    holder,
                    key,
                    "not_applicable",
                    p,
                    None,
                    holder.appointments,
                    j.exempt,
                    dict(tagged),
                    label=p.label,
                )
                continue
            # hits: dated inside the cut period and inside a stretch in post
            hits = [
                f.id
                for f in facts
                if (d := known(f, req.select.date_field, self.as_of)) is not None
                and p.holds(d)
                and any(a <= d <= b for a, b in j.stretches)
            ]
            n = len(hits)
            if isinstance(req, ForbidPlan):  # §8.4: any hit breaks it at once
                status = "violated" if hits else ("fulfilled" if self.as_of > p.end else "pending")
                detail, details = words.forbidden(n), {"count": n}
            else:  # §8.3: the acts lie inside the period, so a count is never late
                met = n >= req.at_least
                status = "fulfilled" if met else ("violated" if self.as_of > p.end else "pending")
                detail = words.counted(p.start, p.end, n, req.at_least)
                if river is not None:
                    detail = words.on_river(self.world.name(river), detail)
                details = {"count": n, "required": req.at_least, **tagged}
            evidence = hits or list(holder.appointments)
            self.emit(rule, holder, key, status, p, p.end, evidence, detail, details, p.label)

    # --- §8.5 deadline ---------------------------------------------------------------------------

    def deadline(self, rule: PlanRule, req: DeadlinePlan) -> None:
        """One finding per holder and year it answers for (or once); nothing before the rules
        take effect."""
        if self.as_of < rule.in_force_from:
            return
        for holder in self.world.holders(rule.holder):
            facts = self.selected(req.select, holder)
            if req.per == "once":
                self.once(rule, req, holder, facts)
                continue
            # a year due before it begins is listed from the year its due date falls in
            if req.year_offset < 0:
                horizon = dt.date(self.as_of.year - req.year_offset, 1, 1)
            else:
                horizon = self.as_of
            for j in judged_periods("year", holder.tenure, self.force(rule), req.periods, horizon):
                year = j.calendar.start.year
                due = dt.date(year + req.year_offset, req.due_month, req.due_day)
                due = due if req.inclusive else due - DAY
                why = j.exempt
                if why is None and (due < rule.in_force_from or not holder.lives_on(due)):
                    why = words.DUE_OUTSIDE
                why = why or self.too_soon(rule, req, holder, due)
                if why is not None:
                    self.emit(
                        rule,
                        holder,
                        j.calendar.label,
                        "not_applicable",
                        j.calendar,
                        due,
                        holder.appointments,
                        why,
                        {},
                        label=j.calendar.label,
                    )
                    continue
                if req.period_field is not None:
                    mine = [f for f in facts if get_path(f, req.period_field) == year]
                else:
                    mine = [
                        f
                        for f in facts
                        if isinstance(d := get_path(f, req.select.date_field), dt.date)
                        and d.year == year
                    ]
                self.delivery(rule, req, holder, j.calendar, due, mine, j.calendar.label)

    def too_soon(
        self, rule: PlanRule, req: DeadlinePlan, holder: Holder, due: dt.date
    ) -> words.Detail | None:
        """§9: a deadline falling fewer than ``tenure_min_days`` days (counted inclusively)
        after ``in_force.from`` or the start of the holder's tenure (read: of the stretch in
        post holding the due date) does not apply."""
        need = req.periods.tenure_min_days
        began = max((a for a, _ in holder.tenure if a <= due), default=rule.in_force_from)
        days = (due - max(rule.in_force_from, began)).days + 1
        if need <= 0 or days >= need:
            return None
        return words.DUE_BEFORE_DUTY if days <= 0 else words.too_soon(days, need)

    def once(self, rule: PlanRule, req: DeadlinePlan, holder: Holder, facts: list[Fact]) -> None:
        """§8.5 "Once": one finding per holder existing on the due date (on the as-of date
        when that comes first); any deliverable counts, whatever its date. §8.5 says "the
        `periods` policy does not apply", but §8.1's table makes any deadline falling fewer
        than ``tenure_min_days`` days after the rules took effect or the holder's tenure
        began ``not_applicable``; read: the periods are not cut, the short-notice rule holds."""
        assert req.due_date is not None
        due = req.due_date if req.inclusive else req.due_date - DAY
        if not holder.lives_on(min(due, self.as_of)):
            return
        start = max(rule.in_force_from, holder.tenure[0][0])
        period = Span(start, due, "once")
        why = self.too_soon(rule, req, holder, due)
        if why is not None:
            self.emit(
                rule, holder, "once", "not_applicable", period, due, holder.appointments, why, {}
            )
            return
        self.delivery(rule, req, holder, period, due, facts, None)

    def delivery(
        self,
        rule: PlanRule,
        req: DeadlinePlan,
        holder: Holder,
        period: Span,
        due: dt.date,
        mine: list[Fact],
        label: str | None,
    ) -> None:
        """§8.5: the earliest deliverable decides."""
        first = earliest(mine, req.select.date_field, self.as_of)
        done = first[0] if first else None
        details: dict[str, Any] = {"delivered": str(done) if done else None}
        if req.due_supplied:
            details["due_supplied"] = req.due_supplied
        self.emit(
            rule,
            holder,
            period.label,
            status_of(done, due, self.as_of),
            period,
            due,
            [first[1].id] if first else holder.appointments,
            words.delivered(due, done),
            details,
            label=label,
        )

    # --- §8.6 response ---------------------------------------------------------------------------

    def response(self, rule: PlanRule, req: ResponsePlan) -> None:
        if req.trigger_rule is not None:
            self.escalations(rule, req)
            return
        assert req.trigger_kind is not None
        for fact in self.world.visible_of(req.trigger_kind):
            if not all(self.world.holds(c, fact, fact) for c in req.trigger_where):
                continue
            opened = get_path(fact, req.trigger_date_field or "")
            if opened is None and req.trigger_date_fallback is not None:
                opened = get_path(fact, req.trigger_date_fallback)
            if req.each_field is None:
                duties = [fact.id]
            else:  # §8.6 "each": one duty per listed item meeting `each.where`
                items = get_path(fact, req.each_field) or []
                duties = [
                    str(i.id)
                    for i in items
                    if all(self.world.holds(c, i, fact) for c in req.each_where)
                ]
            for key in duties:
                if not isinstance(opened, dt.date):
                    self.undated(rule, req, fact, key)
                elif rule.in_force_from <= opened <= self.as_of:
                    # earlier triggers open nothing (§8.6); a duty opening after the as-of date
                    # is not open yet (§8.1)
                    self.fact_duty(rule, req, fact, key, opened)

    def holders_for(self, rule: PlanRule, fact: Fact | None, day: dt.date) -> list[Holder]:
        """§7: a ``field`` holder is whoever the trigger names; other holders are those in
        existence on the day the duty opens (``within``: at the trigger's place or above)."""
        if rule.holder.way == "field":
            assert fact is not None and rule.holder.field is not None
            return self.world.named_holders(fact, rule.holder.field)
        return self.world.holders_on(rule.holder, day, fact)

    def undated(self, rule: PlanRule, req: ResponsePlan, fact: Fact, key: str) -> None:
        """§8.6 "date_fallback": a trigger without its date gives a ``not_applicable`` finding
        saying so. (The docs do not say its period, due date or holders: here the as-of day,
        none, and the holders in existence on the as-of date; its subject and evidence the
        trigger fact, as for a dated duty.)"""
        for holder in self.holders_for(rule, fact, self.as_of):
            self.emit(
                rule,
                holder,
                key,
                "not_applicable",
                Span(self.as_of, self.as_of, "undated"),
                None,
                [fact.id],
                words.undated(req.trigger_kind, req.trigger_date_field or ""),
                {},
                subject=fact.id,
            )

    def fact_duty(
        self, rule: PlanRule, req: ResponsePlan, fact: Fact, key: str, opened: dt.date
    ) -> None:
        stated = get_path(fact, req.due_field) if req.due_field else None
        due = stated if isinstance(stated, dt.date) else opened + dt.timedelta(days=req.due_days)
        supplied = None if isinstance(stated, dt.date) else req.due_supplied
        # replies link to the trigger fact (an `each` item's too), or with link_to to its field
        target = str(get_path(fact, req.link_to)) if req.link_to else fact.id
        for holder in self.holders_for(rule, fact, opened):
            replies = [
                r
                for r in self.selected(req.response, holder)
                if (req.link is None or self.world.names(get_path(r, req.link), target))
                and self.trigger_bound(r, req, fact)
                and (req.each_field is None or self.answers_item(r, req, key))
            ]
            # §8.6: `subject` is the trigger fact (for an `each` duty too, report.md: "the
            # fact that opened the duty"); the finding id ends with the item's id
            self.answer(
                rule, req, holder, key, opened, due, replies, [fact.id], supplied, subject=fact.id
            )

    def trigger_bound(self, reply: Fact, req: ResponsePlan, trigger: Fact) -> bool:
        """§11: ``field: trigger.G`` — the reply's field equals (or lists) the trigger's field
        G, or, when G is a list, one of its elements; an absent (or empty) trigger field binds
        nothing."""
        for field, target in req.response.bind:
            if target.startswith("trigger."):
                want = get_path(trigger, target.removeprefix("trigger."))
                wanted = want if isinstance(want, list) else [want]
                theirs = get_path(reply, field)
                if not any(w is not None and self.world.names(theirs, str(w)) for w in wanted):
                    return False
        return True

    def answers_item(self, reply: Fact, req: ResponsePlan, item: str) -> bool:
        """§8.6 "each": a reply answers an item when it lists it, or lists nothing."""
        listed = get_path(reply, req.each_link) if req.each_link else None
        return not listed or item in [str(x) for x in listed]

    def escalations(self, rule: PlanRule, req: ResponsePlan) -> None:
        """§8.6 "Escalation": every earlier finding of the named rule with a listed status
        opens a duty the day after its due date (or its period's end); its trigger id is the
        finding's subject, or, without one (count, forbid, deadline), the finding's id. §12: the
        duty's id ends with the trigger id, and, when the earlier rule opens one duty per listed
        item (``each``), then with that item's id, as the earlier finding's id ends."""
        source = next(r for r in self.plan.rules if r.id == req.trigger_rule).requirement
        per_item = isinstance(source, ResponsePlan) and source.each_field is not None
        earlier = [f for f in self.findings if f.rule_id == req.trigger_rule]
        for fd in sorted(earlier, key=lambda f: f.id):
            if fd.status not in req.trigger_statuses:
                continue
            opened = (fd.due or fd.period.end) + DAY
            if opened < rule.in_force_from:
                continue
            trigger = fd.subject or fd.id
            key = trigger
            if per_item:
                key += "/" + fd.id.split("/")[-1]  # item ids hold no slash (fact ids)
            due = opened + dt.timedelta(days=req.due_days)
            place = self.world.facts.get(fd.subject) if fd.subject else None
            for holder in self.world.holders_on(rule.holder, opened, place):
                replies = [
                    r
                    for r in self.selected(req.response, holder)
                    if req.link is None or self.world.names(get_path(r, req.link), trigger)
                ]
                self.answer(
                    rule,
                    req,
                    holder,
                    key,
                    opened,
                    due,
                    replies,
                    fd.evidence,
                    req.due_supplied,
                    subject=trigger,
                    escalated_from=fd.id,
                )

    def answer(
        self,
        rule: PlanRule,
        req: ResponsePlan,
        holder: Holder,
        key: str,
        opened: dt.date,
        due: dt.date,
        replies: list[Fact],
        evidence: list[str],
        supplied: str | None,
        subject: str,
        escalated_from: str | None = None,
    ) -> None:
        """§8.6: the earliest response decides; only a response dated on or after the day the
        duty opened answers it."""
        after = [
            r
            for r in replies
            if (d := known(r, req.response.date_field, self.as_of)) is not None and d >= opened
        ]
        first = earliest(after, req.response.date_field, self.as_of)
        done = first[0] if first else None
        details: dict[str, Any] = {"opened": str(opened), "done": str(done) if done else None}
        if supplied:
            details["due_supplied"] = supplied
        self.emit(
            rule,
            holder,
            key,
            status_of(done, due, self.as_of),
            Span(opened, due, str(opened)),
            due,
            [*evidence, *([first[1].id] if first else [])],
            words.answered(opened, due, done),
            details,
            subject=subject,
            escalated_from=escalated_from,
        )

    # --- §8.7 evidence ---------------------------------------------------------------------------

    def evidence(self, rule: PlanRule, req: EvidencePlan) -> None:
        """Every visible record meeting ``where``, dated on or after ``in_force.from``: one
        finding per holder; ``violated`` when a ``must`` condition fails."""
        for fact in self.world.visible_of(req.kind):
            day = known(fact, req.date_field, self.as_of)
            if day is None or day < rule.in_force_from:
                continue
            if not all(self.world.holds(c, fact, fact) for c in req.where):
                continue
            failed = self.failures(req, fact)
            detail = ("；".join(z for z, _ in failed), "; ".join(e for _, e in failed))
            for holder in self.holders_for(rule, fact, day):
                self.emit(
                    rule,
                    holder,
                    fact.id,
                    "violated" if failed else "fulfilled",
                    Span(day, day, str(day)),
                    day,
                    [fact.id],
                    detail,
                    {"failed": [e for _, e in failed]},
                    subject=fact.id,
                )

    def failures(self, req: EvidencePlan, fact: Fact) -> list[words.Detail]:
        """The failed ``must`` conditions, in the rule's order; a failed ``present: true`` on a
        field hides the failures of conditions on its parts."""
        failing = [c for c in req.must if not self.world.holds(c, fact, fact)]
        missing = [c.field for c in failing if c.op == "present" and c.operand and c.field]
        return [
            words.failure(c, get_path(fact, c.field) if c.field else None)
            for c in failing
            if not any(c.field and c.field.startswith(m + ".") for m in missing)
        ]


def reference_evaluate(plan: Plan, facts: FactSet, as_of: dt.date) -> Report:
    """Evaluate ``plan`` over ``facts`` as of ``as_of``: the engines' contract, read from the
    docs. Rules run in plan order, so an escalation sees the findings it escalates."""
    require_as_of(as_of)
    audit = Audit(plan, facts, as_of)
    for rule in plan.rules:
        req = rule.requirement
        if isinstance(req, CountPlan | ForbidPlan):
            audit.count_or_forbid(rule, req)
        elif isinstance(req, DeadlinePlan):
            audit.deadline(rule, req)
        elif isinstance(req, ResponsePlan):
            audit.response(rule, req)
        else:
            audit.evidence(rule, req)
    findings = sorted(audit.findings, key=finding_order)
    run = RunRecord(
        package_version=__version__,
        pack=plan.pack,
        rules_digest=plan.rules_digest,
        facts_digest=facts.digest(),
        facts_count=len(facts),
        parameters_overridden={
            p.name: p.value.isoformat() if isinstance(p.value, dt.date) else p.value
            for p in plan.parameters
            if p.overridden
        },
    )
    return Report(as_of=as_of, run=run, summary=summarize(findings), findings=findings)
