"""Inspections (art. 16-18) and the rectification that follows them (art. 19), as columns.

Inspections are allotted to (appointment, half-year) slots: every slot of a district or township
chief gets one inspection unless the chief skips that half-year (or, for a general chief, the
year), and the rest are spread in proportion to a heavy-tailed activity per chief and the days
in post. Village chiefs, who the art. 16 duty does not bind, get a small share. Each inspection
falls inside its holder's tenure; ids follow date order. The record (art. 18) sometimes lacks an
element; a few percent of inspections find problems, most of which draw an opinion from the
district office (art. 19), some late or never, and the opinion a report, some late or never.

The inspections table is returned lazily: it is the bulk of a world, so its strings are made
while it is written (polars streaming), not held in memory all at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from hezhang_rules.facts.models import InspectionRecord, Problem
from hezhang_rules.synth import names
from hezhang_rules.synth.columns import (
    BoolArray,
    FloatArray,
    IntArray,
    choose,
    dates,
    flags,
    in_range,
    masked,
    pick,
    seq_expr,
    seq_ids,
    struct_of,
    width_for,
    year_start,
)
from hezhang_rules.synth.org import Org
from hezhang_rules.synth.places import DISTRICT, GC, VILLAGE, Places, Posts, post_jids
from hezhang_rules.synth.rivers import Rivers

# Share of inspections made by village chiefs (the national figure counts the others').
VILLAGE_SHARE = 0.10
# Spread of inspections per chief: lognormal sigma (heavy tail: a few chiefs patrol weekly),
# capped so that the busiest chief does a few a week, not several a day.
ACTIVITY_SIGMA = 1.0
ACTIVITY_CAP = 8.0
# District chiefs patrol less often than township chiefs.
DISTRICT_ACTIVITY = 0.6
# A district or township chief skips a half-year; a general chief skips the whole year.
MISS_HALF = 0.05
MISS_YEAR_GENERAL = 0.03
METHODS = (
    "site_survey",
    "report_hearing",
    "document_review",
    "discussion",
    "on_site_office",
    "other",
)
METHOD_WEIGHTS = (0.76, 0.06, 0.06, 0.04, 0.06, 0.02)
SITE_METHODS = (0, 4)  # methods that go along a river and record a distance
# Records: none at all; one element left out (time, place, content, problems, requirements).
NO_RECORD = 0.01
MISSING_ELEMENT = 0.03
# Inspections that find problems; a problem is main (true), unmarked (null) or minor (false).
PROBLEM_SHARE = 0.05
MAJOR_WEIGHTS = (0.45, 0.35, 0.20)
# Office opinions on inspections with a main problem: on time (≤ 28 days), late, never.
OPINION_WEIGHTS = (0.88, 0.05, 0.07)
# Reports answering an opinion: on time, late, never.
REPORT_WEIGHTS = (0.82, 0.09, 0.09)
# Opinions that state a deadline; opinions addressed to a department as well as the township.
DEADLINE_SHARE = 0.65
SECOND_ADDRESSEE = 0.12


@dataclass(frozen=True)
class Patrols:
    inspections: pl.LazyFrame
    count: int
    rectification_opinions: pl.DataFrame
    rectification_reports: pl.DataFrame


def make_patrols(
    rng: np.random.Generator,
    year: int,
    total: int,
    places: Places,
    posts: Posts,
    rivers: Rivers,
    org: Org,
) -> Patrols:
    year0 = year_start(year)
    slots = _slots(year0, year, posts, org)
    counts = _counts(rng, total, slots, posts)
    slot = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    day = in_range(rng, slots.lo[slot], slots.hi[slot] - slots.lo[slot] + 1)
    order = np.lexsort((slots.person[slot], day))
    slot, day = slot[order], day[order]
    post = slots.post[slot]
    township = _township(rng, places, posts, post)
    problems = _problems(rng, len(post), township, org)
    base = _base(rng, posts, rivers, slots.person[slot], post, day, problems)
    lazy = _inspections(base, places, posts, rivers, org, problems)
    opinions, reports = _rectification(rng, day, posts.district[post], township, problems, org)
    return Patrols(lazy, len(post), opinions, reports)


@dataclass(frozen=True)
class _Slots:
    """(holder, half-year) pieces of tenure in the year: a chief's inspection opportunities."""

    post: IntArray
    person: IntArray
    lo: IntArray
    hi: IntArray


def _slots(year0: int, year: int, posts: Posts, org: Org) -> _Slots:
    y_end = year0 + (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days - 1
    h2 = year0 + (dt.date(year, 7, 1) - dt.date(year, 1, 1)).days
    p = np.arange(posts.count, dtype=np.int64)
    moved = np.flatnonzero(org.change >= 0)
    seg_post = np.concatenate([p, moved])
    seg_person = np.concatenate([org.holder0, org.holder1[moved]])
    seg_lo = np.concatenate([np.maximum(org.start0, year0), org.change[moved] + 1])
    seg_hi = np.concatenate(
        [np.where(org.change >= 0, org.change, y_end), np.full(len(moved), y_end)]
    )
    lo = np.concatenate([np.maximum(seg_lo, year0), np.maximum(seg_lo, h2)])
    hi = np.concatenate([np.minimum(seg_hi, h2 - 1), np.minimum(seg_hi, y_end)])
    keep = lo <= hi
    return _Slots(np.tile(seg_post, 2)[keep], np.tile(seg_person, 2)[keep], lo[keep], hi[keep])


def _counts(rng: np.random.Generator, total: int, slots: _Slots, posts: Posts) -> IntArray:
    """Inspections per slot: one per non-skipped duty slot, the rest by activity × days."""
    n = len(slots.post)
    level = posts.level[slots.post]
    people = int(slots.person.max()) + 1 if n else 0
    activity = np.minimum(rng.lognormal(0.0, ACTIVITY_SIGMA, people), ACTIVITY_CAP)
    weight = activity[slots.person] * (slots.hi - slots.lo + 1)
    weight = np.where(level == DISTRICT, weight * DISTRICT_ACTIVITY, weight)
    village = level == VILLAGE
    skip_year = flags(rng, len(activity), MISS_YEAR_GENERAL)[slots.person]
    skipped = flags(rng, n, MISS_HALF) | ((posts.role[slots.post] == GC) & skip_year)
    duty = ~village & ~skipped
    village_total = round(total * VILLAGE_SHARE) if village.any() and duty.any() else 0
    if not duty.any():
        village_total = total if village.any() else 0
    rest = total - village_total
    counts = np.zeros(n, dtype=np.int64)
    floor = 1 if rest >= int(duty.sum()) else 0
    counts[duty] = floor + _multinomial(rng, rest - floor * int(duty.sum()), weight[duty])
    counts[village] = _multinomial(rng, village_total, weight[village])
    return counts


def _multinomial(rng: np.random.Generator, total: int, weight: FloatArray) -> IntArray:
    if len(weight) == 0 or total <= 0:
        return np.zeros(len(weight), dtype=np.int64)
    return rng.multinomial(total, weight / weight.sum()).astype(np.int64)


def _township(rng: np.random.Generator, places: Places, posts: Posts, post: IntArray) -> IntArray:
    """The township an inspection concerns: the post's own, or for a district chief a random
    township of the district (whose government a problem is then addressed to)."""
    district = posts.district[post]
    other = in_range(rng, places.township_start[district], places.township_count[district])
    return np.where(posts.township[post] >= 0, posts.township[post], other)


@dataclass(frozen=True)
class _Problems:
    inspection: IntArray  # per problem, sorted
    major: IntArray  # 0 true, 1 null, 2 false
    frame: pl.DataFrame  # inspection, problem struct


def _problems(rng: np.random.Generator, n: int, township: IntArray, org: Org) -> _Problems:
    found = np.flatnonzero(flags(rng, n, PROBLEM_SHARE))
    per = np.minimum(rng.geometric(0.6, len(found)), 4)
    inspection = np.repeat(found, per)
    k = len(inspection)
    major = choose(rng, k, MAJOR_WEIGHTS)
    responsible = masked(
        pl.select(
            pl.concat_list(pl.lit(org.township_gov.gather(township[inspection])))
        ).to_series(),
        ~flags(rng, k, 0.1),
    )
    problem = pl.DataFrame(
        {
            "inspection": inspection,
            "id": seq_ids("prob-", np.arange(1, k + 1), width_for(k)),
            "description": pick(names.PROBLEMS, names.pool_index(rng, names.PROBLEMS, k)),
            "major": pl.Series([True, None, False], dtype=pl.Boolean).gather(major),
            "responsible": responsible,
        }
    )
    frame = problem.select(
        "inspection",
        problem=struct_of(
            Problem,
            id=pl.col("id"),
            description=pl.col("description"),
            major=pl.col("major"),
            responsible=pl.col("responsible"),
        ),
    )
    return _Problems(inspection, major, frame)


def _base(
    rng: np.random.Generator,
    posts: Posts,
    rivers: Rivers,
    person: IntArray,
    post: IntArray,
    day: IntArray,
    problems: _Problems,
) -> pl.DataFrame:
    """Numeric columns of the inspections; strings are derived from them lazily."""
    n = len(post)
    method = choose(rng, n, METHOD_WEIGHTS)
    site = np.isin(method, SITE_METHODS)
    own = rivers.river_of_post[post]
    river = np.where(own >= 0, own, _any_river(rng, posts, rivers, post))
    river = np.where(site | (rng.random(n) < 0.5), river, -1)
    duration = np.clip(np.round(rng.lognormal(np.log(90), 0.4, n)), 20, 480).astype(np.int64)
    start = 450 + 5 * rng.integers(0, 97, n)
    has_problem = np.zeros(n, dtype=np.bool_)
    has_problem[problems.inspection] = True
    routine = flags(rng, n, 0.28)
    # INVARIANT: a record that found problems states them, since opinions refer to them by id.
    record = ~flags(rng, n, NO_RECORD) | has_problem
    missing = np.where(flags(rng, n, MISSING_ELEMENT), rng.integers(0, 5, n), -1)
    missing = np.where(has_problem & (missing == 3), -1, missing)
    return pl.DataFrame(
        {
            "i": np.arange(n, dtype=np.int64),
            "person": person,
            "post": post,
            "day": day.astype(np.int32),
            "method": method.astype(np.int8),
            "river": river,
            "place": np.where(river >= 0, river, len(rivers.level) + post),
            "content": np.where(
                site,
                rng.integers(0, len(names.CONTENTS), n),
                len(names.CONTENTS) + method % len(names.HEARING_CONTENTS),
            ),
            "duration": duration,
            "distance": masked(pl.Series(np.round(0.5 + rng.random(n) * 14.5, 1)), site),
            "start": start,
            "end": np.minimum(start + duration, 1435),
            "requirement": np.where(has_problem, 2, np.where(routine, 1, 0)).astype(np.int8),
            "pool": rng.integers(0, 1 << 16, n),
            "record": record,
            "missing": missing.astype(np.int8),
        }
    )


def _any_river(rng: np.random.Generator, posts: Posts, rivers: Rivers, post: IntArray) -> IntArray:
    """A river of the post's jurisdiction, for chiefs without one of their own."""
    level, jur = posts.level[post], posts.jur[post]
    out = np.empty(len(post), dtype=np.int64)
    for lv in range(3):
        sel = np.flatnonzero(level == lv)
        out[sel] = rivers.pick_in(rng, lv, jur[sel])
    return out


def _clock(minutes: pl.Expr) -> pl.Expr:
    return pl.concat_str(
        (minutes // 60).cast(pl.String).str.zfill(2),
        pl.lit(":"),
        (minutes % 60).cast(pl.String).str.zfill(2),
    )


def _inspections(
    base: pl.DataFrame,
    places: Places,
    posts: Posts,
    rivers: Rivers,
    org: Org,
    problems: _Problems,
) -> pl.LazyFrame:
    width = width_for(base.height)
    jid = post_jids(places, posts)
    rooms = _post_place_names(places, posts) + "会议室"
    place_pool = pl.concat([rivers.names + "沿线", rooms])
    content_pool = pl.Series([*names.CONTENTS, *names.HEARING_CONTENTS])
    lists = problems.frame.group_by("inspection", maintain_order=True).agg(
        problems=pl.col("problem")
    )
    date = pl.col("day").cast(pl.Date)
    missing = pl.col("missing")

    def element(expr: pl.Expr, number: int) -> pl.Expr:
        return pl.when(missing != number).then(expr)

    no_problem = pl.lit([], dtype=lists.schema["problems"])
    kind, chosen = pl.col("requirement"), pl.col("pool")
    routine_pool = pl.Series(names.ROUTINE_REQUIREMENTS)
    problem_pool = pl.Series(names.REQUIREMENTS)
    requirements = (
        pl.when(kind == 0)
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .when(kind == 1)
        .then(pl.concat_list(pl.lit(routine_pool).gather(chosen % routine_pool.len())))
        .otherwise(pl.concat_list(pl.lit(problem_pool).gather(chosen % problem_pool.len())))
    )
    record = struct_of(
        InspectionRecord,
        time=element(
            pl.concat_str(
                date.cast(pl.String),
                pl.lit(" "),
                _clock(pl.col("start")),
                pl.lit("—"),
                _clock(pl.col("end")),
            ),
            0,
        ),
        place=element(pl.lit(place_pool).gather(pl.col("place")), 1),
        content=element(pl.lit(content_pool).gather(pl.col("content")), 2),
        problems=element(pl.col("problems").fill_null(no_problem), 3),
        requirements=element(requirements, 4),
    )
    return (
        base.lazy()
        .join(lists.lazy(), left_on="i", right_on="inspection", how="left", maintain_order="left")
        .select(
            id=seq_expr("insp-", pl.col("i") + 1, width),
            inspector=seq_expr("p-", pl.col("person") + 1, org.width),
            date=date,
            jurisdiction=pl.lit(jid).gather(pl.col("post")),
            rivers=pl.when(pl.col("river") >= 0).then(
                pl.concat_list(pl.lit(rivers.ids).gather(pl.col("river").clip(0)))
            ),
            method=pl.lit(pl.Series(METHODS)).gather(pl.col("method")),
            duration_minutes=pl.col("duration"),
            distance_km=pl.col("distance"),
            record=pl.when(pl.col("record")).then(record),
        )
    )


def _post_place_names(places: Places, posts: Posts) -> pl.Series:
    parts = [
        (places.district_name, places.township_name, places.village_name)[lv].gather(
            posts.jur[posts.level == lv]
        )
        for lv in range(3)
    ]
    return pl.concat(parts)


def _rectification(
    rng: np.random.Generator,
    day: IntArray,
    district: IntArray,
    township: IntArray,
    problems: _Problems,
    org: Org,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Opinions on inspections with a main (or unmarked) problem, and the reports answering them."""
    main = problems.major != 2
    inspection = np.unique(problems.inspection[main])
    status = choose(rng, len(inspection), OPINION_WEIGHTS)
    keep = status < 2
    inspection, status = inspection[keep], status[keep]
    n = len(inspection)
    issued = day[inspection] + np.where(
        status == 0, rng.integers(1, 29, n), rng.integers(35, 76, n)
    )
    has_deadline = flags(rng, n, DEADLINE_SHARE)
    deadline = issued + rng.integers(15, 61, n)
    office = org.office.gather(district[inspection])
    first = org.township_gov.gather(township[inspection])
    second = flags(rng, n, SECOND_ADDRESSEE)
    ecology = org.dept["ecology"].gather(district[inspection])
    ids = seq_ids("op-", np.arange(1, n + 1), width_for(n))
    main_ids = (
        problems.frame.filter(pl.Series(main))
        .select("inspection", pid=pl.col("problem").struct.field("id"))
        .group_by("inspection", maintain_order=True)
        .agg("pid")
    )
    opinions = pl.DataFrame(
        {
            "id": ids,
            "issued_by": office,
            "issued": dates(issued),
            "inspection": seq_ids("insp-", inspection + 1, width_for(len(day))),
            "i": inspection,
            "deadline": dates(deadline, has_deadline),
            "requirements": pl.select(
                pl.concat_list(
                    pl.lit(pick(names.REQUIREMENTS, names.pool_index(rng, names.REQUIREMENTS, n)))
                )
            ).to_series(),
            "first": first,
            "second": masked(ecology, second),
        }
    ).join(main_ids, left_on="i", right_on="inspection", how="left", maintain_order="left")
    opinions = opinions.with_columns(
        problems=pl.col("pid"),
        addressed_to=pl.concat_list("first", "second").list.drop_nulls(),
    )
    due = np.where(has_deadline, deadline, issued + 30)
    reports = _reports(rng, opinions, issued, due, office)
    return opinions.drop("i", "first", "second", "pid"), reports


def _reports(
    rng: np.random.Generator,
    opinions: pl.DataFrame,
    issued: IntArray,
    due: IntArray,
    office: pl.Series,
) -> pl.DataFrame:
    """One report per (opinion, addressee): on time, late or never."""
    pairs = opinions.select("id", o=pl.int_range(pl.len()), party=pl.col("addressed_to")).explode(
        "party"
    )
    o = pairs["o"].to_numpy().astype(np.int64)
    n = len(o)
    status = choose(rng, n, REPORT_WEIGHTS)
    lo, hi = issued[o] + 1, due[o]
    submitted = np.where(
        status == 0, in_range(rng, lo, hi - lo + 1), due[o] + rng.integers(1, 41, n)
    )
    keep: BoolArray = status < 2
    completed = pl.Series([True, False, None], dtype=pl.Boolean).gather(
        choose(rng, n, (0.85, 0.10, 0.05))
    )
    frame = pl.DataFrame(
        {
            "responds_to": pairs["id"],
            "submitted_by": pairs["party"],
            "submitted": dates(submitted),
            "to": office.gather(o),
            "completed": completed,
        }
    ).filter(pl.Series(keep))
    return frame.with_columns(
        id=seq_ids("rr-", np.arange(1, frame.height + 1), width_for(frame.height))
    )
