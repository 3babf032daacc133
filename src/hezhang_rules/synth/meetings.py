"""Meetings of each district (art. 5-8, 28), most as the measures ask, some not.

General chief meeting once a year (art. 5), a river chief meeting per district river chief
(art. 6), joint department meetings convened by the deputy district head for water (art. 7),
office meetings held by the director (art. 8) and joint enforcement meetings (art. 28). The
deviations are the ones audits find: a meeting not held, the wrong presider, convener, organiser,
signer or approver, minutes missing or never issued.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from hezhang_rules.facts.models import Minutes
from hezhang_rules.synth import names
from hezhang_rules.synth.columns import IntArray, pick, struct_of
from hezhang_rules.synth.kit import Frames, Kit, add, either
from hezhang_rules.synth.names import as_list
from hezhang_rules.synth.places import DISTRICT
from hezhang_rules.synth.rates import Rates

RATES = Rates("meetings")


def make_meetings(kit: Kit) -> Frames:
    frames: Frames = {}
    for maker in (_general, _river_chief, _joint_department, _office, _joint_enforcement):
        add(frames, "meetings", maker(kit))
    return frames


def _minutes(
    kit: Kit,
    day: IntArray,
    signed_by: pl.Series | None = None,
    approved_by: pl.Series | None = None,
    *,
    always_kept: bool = False,
    may_stay_unissued: bool = False,
) -> pl.Series:
    """Minutes issued a few days after the meeting. Some meetings keep none (``no_minutes``)
    unless ``always_kept``; with ``may_stay_unissued`` some are never issued (``not_issued``)."""
    n = len(day)
    present = (
        np.ones(n, dtype=np.bool_) if always_kept else ~kit.flags(n, RATES.share("no_minutes"))
    )
    issued = ~kit.flags(n, RATES.share("not_issued")) if may_stay_unissued else None
    when = day + kit.rng.integers(2, 11, n)
    fields: dict[str, pl.Expr] = {
        "issued": pl.lit(kit.dates(when, issued)),
        "decisions": pl.lit(
            as_list(pick(names.DECISIONS, names.pool_index(kit.rng, names.DECISIONS, n)))
        ),
    }
    if signed_by is not None:
        fields["signed_by"] = pl.lit(signed_by)
    if approved_by is not None:
        fields["approved_by"] = pl.lit(approved_by)
    return pl.select(
        pl.when(pl.lit(pl.Series(present))).then(struct_of(Minutes, **fields))
    ).to_series()


def _frame(
    kit: Kit, kind: str, tag: str, district: IntArray, slot: IntArray, day: IntArray
) -> pl.DataFrame:
    """Meetings of ``kind`` held in the districts on the days, ids ``mtg-DDDDDD-{tag}NN``: the
    columns every meeting has, to which each kind adds its own (``with_columns``)."""
    jid = kit.places.jid(DISTRICT).gather(district)
    ids = kit.ids("mtg", district, tag, slot)
    return pl.DataFrame({"id": ids, "kind": kind, "jurisdiction": jid, "date": kit.dates(day)})


def _organiser(kit: Kit, district: IntArray, other: str) -> pl.Series:
    wrong = kit.flags(len(district), RATES.share("wrong_organiser"))
    return either(wrong, kit.org.dept[other].gather(district), kit.org.office.gather(district))


def _general(kit: Kit) -> pl.DataFrame:
    d = np.flatnonzero(~kit.flags(kit.districts, RATES.share("gc_meeting_skipped")))
    n = len(d)
    gc, dgc, director = kit.chief(0)[d], kit.chief(1)[d], kit.org.staff(0)[d]
    who = kit.choose(n, RATES.weights("gc_presider_weights"))
    presider = np.select([who == 0, who == 1], [gc, dgc], director)
    signer = np.where(
        kit.flags(n, RATES.share("wrong_signer")), director, np.where(who == 1, gc, presider)
    )
    signer = np.where(who == 2, gc, signer)
    day = kit.between(n, kit.day(2, 10), kit.day(4, 30))
    once = np.zeros(n, dtype=np.int64)  # one meeting a year: slot 0
    return _frame(kit, "general_chief_meeting", "gc", d, once, day).with_columns(
        presider=kit.person(presider),
        delegated_by=kit.person(np.where(who == 1, gc, -1)),
        organiser=_organiser(kit, d, "agriculture"),
        attendees=as_list(
            kit.person(gc), kit.person(dgc), kit.person(kit.chief(2)[d]), kit.person(director)
        ),
        minutes=_minutes(kit, day, signed_by=kit.person(signer), approved_by=kit.person(gc)),
    )


def _river_chief(kit: Kit) -> pl.DataFrame:
    """One meeting per district river chief post, presided by whoever holds it that day."""
    post = kit.river_chief_posts[
        ~kit.flags(len(kit.river_chief_posts), RATES.share("rc_meeting_skipped"))
    ]
    n = len(post)
    d = kit.posts.district[post]
    lo = np.maximum(kit.org.start0[post], kit.day(1, 5))
    day = lo + np.floor(kit.rng.random(n) * (kit.day(12, 20) - lo + 1)).astype(np.int64)
    holder = kit.org.holder_on(post, day)
    presider = np.where(kit.flags(n, RATES.share("rc_wrong_presider")), kit.chief(1)[d], holder)
    signer = np.where(kit.flags(n, RATES.share("wrong_signer")), kit.org.staff(0)[d], presider)
    return _frame(kit, "river_chief_meeting", "rc", d, kit.posts.rank[post], day).with_columns(
        presider=kit.person(presider),
        organiser=_organiser(kit, d, "agriculture"),
        attendees=as_list(kit.person(presider), kit.person(kit.org.staff(0)[d])),
        minutes=_minutes(kit, day, signed_by=kit.person(signer)),
    )


def _joint_department(kit: Kit) -> pl.DataFrame:
    d, slot = kit.repeat(RATES.count("jd_meetings"))
    n = len(d)
    convener = np.where(
        kit.flags(n, RATES.share("jd_wrong_convener")), kit.chief(1)[d], kit.chief(2)[d]
    )
    approver = np.where(kit.flags(n, RATES.share("wrong_approver")), kit.org.staff(0)[d], convener)
    day = np.where(
        slot == 0,
        kit.between(n, kit.day(3, 1), kit.day(6, 20)),
        kit.between(n, kit.day(8, 1), kit.day(11, 30)),
    )
    return _frame(kit, "joint_department_meeting", "jd", d, slot, day).with_columns(
        presider=kit.person(convener),
        convener=kit.person(convener),
        organiser=_organiser(kit, d, "housing"),
        attending_units=as_list(*(kit.org.dept[k].gather(d) for k in ("housing", "ecology"))),
        minutes=_minutes(kit, day, approved_by=kit.person(approver), may_stay_unissued=True),
    )


def _office(kit: Kit) -> pl.DataFrame:
    d, slot = kit.repeat(RATES.count("office_meetings"))
    n = len(d)
    director, liaison = kit.org.staff(0)[d], kit.org.staff(1)[d]
    presider = np.where(kit.flags(n, RATES.share("wrong_approver")), liaison, director)
    approver = np.where(kit.flags(n, RATES.share("wrong_approver")), liaison, director)
    day = kit.day(1, 10) + 91 * slot + kit.rng.integers(0, 75, n)
    return _frame(kit, "office_meeting", "om", d, slot, day).with_columns(
        presider=kit.person(presider),
        organiser=kit.org.office.gather(d),
        attendees=as_list(kit.person(presider), kit.person(liaison)),
        minutes=_minutes(kit, day, approved_by=kit.person(approver), may_stay_unissued=True),
    )


def _joint_enforcement(kit: Kit) -> pl.DataFrame:
    per = kit.choose(kit.districts, RATES.weights("je_count_weights"))
    d = np.repeat(np.arange(kit.districts, dtype=np.int64), per)
    slot = np.arange(len(d)) - np.repeat(np.cumsum(per) - per, per)
    n = len(d)
    day = kit.day(1, 15) + 120 * slot + kit.rng.integers(0, 100, n)
    return _frame(kit, "joint_enforcement_meeting", "je", d, slot, day).with_columns(
        organiser=kit.org.office.gather(d),
        attending_units=as_list(
            *(kit.org.dept[k].gather(d) for k in ("police", "natural-resources", "ecology"))
        ),
        minutes=_minutes(kit, day, always_kept=True),
    )
