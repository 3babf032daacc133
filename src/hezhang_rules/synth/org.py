"""Units, people and appointments: who holds which post, and when.

Each district has a government, a party committee, a river chief office and the departments of
art. 26 (public security as a ``public_security`` unit); each township a government; each city a
government and a party committee (the recipients of art. 12 reports). Every chief post has a
holder; some change holder during the year (the old appointment ends, the successor's starts the
next day) and some are first filled during the year. The district general chief, the deputy
(also district head) and the first district river chief (also the deputy district head in charge
of water, who convenes the joint department meetings) stay in post all year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from hezhang_rules.synth.columns import IntArray, dates, flags, masked, seq_ids, width_for
from hezhang_rules.synth.names import as_list, join, person_names
from hezhang_rules.synth.places import (
    DGC,
    DISTRICT,
    GC,
    ROLES,
    TOWNSHIP,
    Places,
    Posts,
    post_jids,
)
from hezhang_rules.synth.rivers import Rivers
from hezhang_rules.synth.sizes import NEW_POST_SHARE, TURNOVER


@dataclass(frozen=True)
class Dept:
    key: str
    name: str
    type: str
    kind: str
    assessing: bool


DEPARTMENTS = (
    Dept("dev-reform", "发展和改革局", "department", "development_reform", False),
    Dept("finance", "财政局", "department", "finance", True),
    Dept("housing", "住房和城乡建设局", "department", "housing_construction", True),
    Dept("agriculture", "农业农村局", "department", "agriculture_rural", True),
    Dept("natural-resources", "自然资源分局", "department", "natural_resources", True),
    Dept("ecology", "生态环境分局", "department", "ecology_environment", True),
    Dept("water", "水利局", "department", "water", False),
    Dept("police", "公安分局", "public_security", "public_security", False),
)
DEPT_KEYS = tuple(d.key for d in DEPARTMENTS)
ASSESSING = tuple(d.key for d in DEPARTMENTS if d.assessing)
# Per district: the office director, the office liaison, then each department's head and liaison.
STAFF = 2 + 2 * len(DEPARTMENTS)
WATER_PORTFOLIO = ["农业农村", "水利"]


@dataclass(frozen=True)
class Org:
    """Unit ids per district (and township), post holders and staff as person numbers."""

    gov: pl.Series
    party: pl.Series
    office: pl.Series
    dept: dict[str, pl.Series]
    township_gov: pl.Series
    city_gov: pl.Series  # of each district's city
    city_party: pl.Series
    holder0: IntArray  # per post: the holder at the start (or first holder)
    start0: IntArray  # per post: that appointment's start day
    change: IntArray  # per post: the first holder's last day, -1 if no change
    holder1: IntArray  # per post: the successor, -1 if none
    staff0: int  # person number of district 0's director; district d's staff follow at STAFF·d
    people: int
    width: int

    def person(self, numbers: IntArray) -> pl.Series:
        return seq_ids("p-", numbers + 1, self.width)

    def staff(self, member: int) -> IntArray:
        """Person numbers of one staff member (0 director, 1 office liaison …) per district."""
        return self.staff0 + STAFF * np.arange(len(self.gov), dtype=np.int64) + member

    def head(self, key: str) -> IntArray:
        return self.staff(2 + DEPT_KEYS.index(key))

    def liaison(self, key: str) -> IntArray:
        return self.staff(2 + len(DEPARTMENTS) + DEPT_KEYS.index(key))

    def holder_on(self, post: IntArray, day: IntArray) -> IntArray:
        """Who holds each post on each day (-1 before the post was first filled)."""
        later = (self.change[post] >= 0) & (day > self.change[post])
        holder = np.where(later, self.holder1[post], self.holder0[post])
        return np.where(day >= self.start0[post], holder, -1)


def make_org(rng: np.random.Generator, year0: int, places: Places, posts: Posts) -> Org:
    n = posts.count
    exempt = (posts.level == DISTRICT) & (posts.rank <= 2)
    new = ~exempt & flags(rng, n, NEW_POST_SHARE)
    start0 = np.where(
        new, year0 + rng.integers(15, 300, n), year0 - rng.integers(30, 6 * 365, n)
    ).astype(np.int64)
    changes = ~exempt & ~new & flags(rng, n, TURNOVER)
    change = np.where(changes, year0 + rng.integers(19, 344, n), -1).astype(np.int64)
    successors = int(changes.sum())
    holder1 = np.where(changes, n + np.cumsum(changes) - 1, -1).astype(np.int64)
    staff0 = n + successors
    people = staff0 + STAFF * len(places.district_code)
    dcode, tcode, ccode = places.district_code, places.township_code, places.city_code
    return Org(
        gov=join("u-", dcode, "-gov"),
        party=join("u-", dcode, "-party"),
        office=join("u-", dcode, "-office"),
        dept={key: join("u-", dcode, "-" + key) for key in DEPT_KEYS},
        township_gov=join("u-", tcode, "-gov"),
        city_gov=join("u-", ccode, "-gov").gather(places.city_of_district),
        city_party=join("u-", ccode, "-party").gather(places.city_of_district),
        holder0=np.arange(n, dtype=np.int64),
        start0=start0,
        change=change,
        holder1=holder1,
        staff0=staff0,
        people=people,
        width=width_for(people),
    )


def units_frame(rng: np.random.Generator, year0: int, places: Places, org: Org) -> pl.DataFrame:
    d_jid, n_d = places.jid(DISTRICT), len(places.district_code)
    city_jid = join("j-", places.city_code)
    parts = [
        _units(
            join("u-", places.city_code, "-gov"),
            places.city_name + "人民政府",
            "city_government",
            city_jid,
        ),
        _units(
            join("u-", places.city_code, "-party"),
            join("中共", places.city_name, "委员会"),
            "city_party_committee",
            city_jid,
        ),
        _units(org.gov, places.district_name + "人民政府", "district_government", d_jid),
        _units(
            org.party,
            join("中共", places.district_name, "委员会"),
            "district_party_committee",
            d_jid,
        ),
        _units(
            org.office, places.district_name + "河长制办公室", "river_chief_office", d_jid
        ).with_columns(established=dates(year0 - rng.integers(400, 1500, n_d))),
    ]
    for dept in DEPARTMENTS:
        parts.append(
            _units(
                org.dept[dept.key], places.district_name + dept.name, dept.type, d_jid
            ).with_columns(department_kind=pl.lit(dept.kind), assessment_role=dept.assessing)
        )
    township_kind = pl.Series(places.township_name.str.ends_with("街道"))
    parts.append(
        _units(
            org.township_gov,
            pl.select(
                pl.when(pl.lit(township_kind))
                .then(pl.lit(places.township_name) + "办事处")
                .otherwise(pl.lit(places.township_name) + "人民政府")
            ).to_series(),
            "township_government",
            places.jid(TOWNSHIP),
        )
    )
    frame = pl.concat(parts, how="diagonal_relaxed")
    return frame.with_columns(pl.col("assessment_role").fill_null(False))


def _units(ids: pl.Series, names: pl.Series, kind: str, jurisdiction: pl.Series) -> pl.DataFrame:
    return pl.DataFrame({"id": ids, "name": names, "type": kind, "jurisdiction": jurisdiction})


def people_frame(rng: np.random.Generator, org: Org) -> pl.DataFrame:
    numbers = np.arange(org.people, dtype=np.int64)
    return pl.DataFrame({"id": org.person(numbers), "name": person_names(rng, org.people)})


def appointments_frame(
    rng: np.random.Generator, year0: int, places: Places, posts: Posts, rivers: Rivers, org: Org
) -> pl.DataFrame:
    """Chief appointments and successors, the district heads' posts, then the staff's."""
    jid = post_jids(places, posts)
    unit = _post_units(posts, org)
    river = rivers.river_of_post
    river_list = masked(as_list(rivers.ids.gather(np.maximum(river, 0))), river >= 0)
    role = pl.Series(list(ROLES)).gather(posts.role)
    first = pl.DataFrame(
        {
            "person": org.person(org.holder0),
            "role": role,
            "jurisdiction": jid,
            "unit": unit,
            "rivers": river_list,
            "start": dates(org.start0),
            "end": dates(org.change, org.change >= 0),
        }
    )
    moved = np.flatnonzero(org.change >= 0)
    second = first[moved].with_columns(
        person=org.person(org.holder1[moved]),
        start=dates(org.change[moved] + 1),
        end=pl.lit(None, pl.Date),
    )
    parts = [first, second, _district_posts(places, posts, org), _staff(rng, year0, places, org)]
    frame = pl.concat(parts, how="diagonal_relaxed")
    ids = seq_ids("a-", np.arange(1, frame.height + 1), width_for(frame.height))
    return frame.with_columns(id=ids)


def _post_units(posts: Posts, org: Org) -> pl.Series:
    """District general chief: party committee; deputy: government; township posts: the
    township government; district river chiefs and village posts: none."""
    d = np.maximum(posts.district, 0)
    t = np.maximum(posts.township, 0)
    district = posts.level == DISTRICT
    return pl.select(
        pl.when(pl.Series(district & (posts.role == GC)))
        .then(pl.lit(org.party.gather(d)))
        .when(pl.Series(district & (posts.role == DGC)))
        .then(pl.lit(org.gov.gather(d)))
        .when(pl.Series(posts.level == TOWNSHIP))
        .then(pl.lit(org.township_gov.gather(t)))
    ).to_series()


def _district_posts(places: Places, posts: Posts, org: Org) -> pl.DataFrame:
    """The deputy general chief is the district head; the first district river chief the deputy
    district head in charge of water (art. 7's convener)."""
    frames = []
    for rank, role, portfolio in ((1, "district_head", None), (2, "deputy_district_head", True)):
        sel = np.flatnonzero((posts.level == DISTRICT) & (posts.rank == rank))
        d = posts.jur[sel]
        frames.append(
            pl.DataFrame(
                {
                    "person": org.person(org.holder0[sel]),
                    "role": role,
                    "jurisdiction": places.jid(DISTRICT).gather(d),
                    "unit": org.gov.gather(d),
                    "start": dates(org.start0[sel]),
                }
            ).with_columns(
                portfolio=pl.lit(WATER_PORTFOLIO if portfolio else None, pl.List(pl.String))
            )
        )
    return pl.concat(frames, how="diagonal_relaxed")


def _staff(rng: np.random.Generator, year0: int, places: Places, org: Org) -> pl.DataFrame:
    n_d = len(places.district_code)
    members: list[tuple[str, pl.Series]] = [
        ("office_director", org.office),
        ("liaison", org.office),
    ]
    members += [("department_head", org.dept[key]) for key in DEPT_KEYS]
    members += [("liaison", org.dept[key]) for key in DEPT_KEYS]
    frames = []
    for member, (role, units) in enumerate(members):
        frames.append(
            pl.DataFrame(
                {
                    "person": org.person(org.staff(member)),
                    "role": role,
                    "jurisdiction": places.jid(DISTRICT),
                    "unit": units,
                    "start": dates(year0 - rng.integers(30, 2000, n_d)),
                }
            )
        )
    return pl.concat(frames)
