"""Jurisdictions (city → district → township → village) and the chief posts in them.

Ids are ``j-`` plus an administrative-style code: a city ``CCCC00``, a district ``CCCCDD``, a
township the district's code and three digits, a village the township's and three more. The codes
sort level by level, so each level's ids sort in the order they are numbered here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from hezhang_rules.synth.columns import IntArray, padded, rank_in, split, starts_of
from hezhang_rules.synth.names import join, place_names
from hezhang_rules.synth.sizes import MIN_DISTRICT_POSTS, MIN_TOWNSHIP_POSTS, Sizes

GC, DGC, RC = 0, 1, 2
ROLES = ("general_chief", "deputy_general_chief", "river_chief")
DISTRICT, TOWNSHIP, VILLAGE = 0, 1, 2
LEVELS = ("district", "township", "village")


@dataclass(frozen=True)
class Places:
    """The jurisdiction tree as parent-index arrays (children sorted by parent) and codes."""

    city_of_district: IntArray
    district_of_township: IntArray
    township_of_village: IntArray
    city_code: pl.Series
    district_code: pl.Series
    township_code: pl.Series
    village_code: pl.Series
    city_name: pl.Series
    district_name: pl.Series
    township_name: pl.Series
    village_name: pl.Series
    township_start: IntArray  # each district's first township
    township_count: IntArray

    def jid(self, level: int) -> pl.Series:
        """The jurisdiction ids of one level (DISTRICT, TOWNSHIP or VILLAGE)."""
        code = (self.district_code, self.township_code, self.village_code)[level]
        return join("j-", code)

    def frame(self) -> pl.DataFrame:
        """The ``jurisdictions`` records of every level."""
        parts = [
            pl.DataFrame(
                {"id": join("j-", self.city_code), "name": self.city_name, "level": "city"}
            ),
            _level_frame(
                self.district_code,
                self.district_name,
                "district",
                self.city_code,
                self.city_of_district,
            ),
            _level_frame(
                self.township_code,
                self.township_name,
                "township",
                self.district_code,
                self.district_of_township,
            ),
            _level_frame(
                self.village_code,
                self.village_name,
                "village",
                self.township_code,
                self.township_of_village,
            ),
        ]
        return pl.concat(
            [p.with_columns(code=pl.col("id").str.slice(2)) for p in parts], how="diagonal"
        )


def _level_frame(
    code: pl.Series, name: pl.Series, level: str, parent_code: pl.Series, parent: IntArray
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": join("j-", code),
            "name": name,
            "level": level,
            "parent": join("j-", parent_code.gather(parent)),
        }
    )


def make_places(rng: np.random.Generator, sizes: Sizes) -> Places:
    city_of_district = split(rng, sizes.districts, sizes.cities)
    district_of_township = split(rng, sizes.townships, sizes.districts)
    township_of_village = split(rng, sizes.villages, sizes.townships)
    city_code = join(padded(np.arange(1, sizes.cities + 1), 4), "00")
    district_code = join(
        city_code.str.slice(0, 4).gather(city_of_district),
        padded(rank_in(city_of_district, sizes.cities) + 1, 2),
    )
    township_code = join(
        district_code.gather(district_of_township),
        padded(rank_in(district_of_township, sizes.districts) + 1, 3),
    )
    village_code = join(
        township_code.gather(township_of_village),
        padded(rank_in(township_of_village, sizes.townships) + 1, 3),
    )
    return Places(
        city_of_district=city_of_district,
        district_of_township=district_of_township,
        township_of_village=township_of_village,
        city_code=city_code,
        district_code=district_code,
        township_code=township_code,
        village_code=village_code,
        city_name=place_names(rng, sizes.cities, ["市"]),
        district_name=place_names(rng, sizes.districts, ["区", "区", "县"]),
        township_name=place_names(rng, sizes.townships, ["镇", "镇", "乡", "街道"]),
        village_name=place_names(rng, sizes.villages, ["村", "村", "村", "社区"]),
        township_start=starts_of(district_of_township, sizes.districts),
        township_count=np.bincount(district_of_township, minlength=sizes.districts).astype(
            np.int64
        ),
    )


@dataclass(frozen=True)
class Posts:
    """Chief posts (general chief, deputy, river chief), district posts first, then townships',
    then villages', each level sorted by jurisdiction. ``jur`` indexes the post's own level."""

    level: IntArray
    jur: IntArray
    rank: IntArray  # position among the posts of the same jurisdiction
    district: IntArray
    township: IntArray  # -1 for district posts
    role: IntArray

    @property
    def count(self) -> int:
        return len(self.level)


def make_posts(rng: np.random.Generator, sizes: Sizes, places: Places) -> Posts:
    """Posts per jurisdiction: rank 0 is the general chief (a village's rank 0 a river chief)."""
    d_of = split(rng, sizes.district_posts, sizes.districts, MIN_DISTRICT_POSTS)
    t_of = split(rng, sizes.township_posts, sizes.townships, MIN_TOWNSHIP_POSTS)
    v_of = split(rng, sizes.village_posts, sizes.villages)
    rank_d = rank_in(d_of, sizes.districts)
    rank_t = rank_in(t_of, sizes.townships)
    rank_v = rank_in(v_of, sizes.villages)
    big_t = np.bincount(t_of, minlength=sizes.townships)[t_of] >= 5
    role = np.concatenate(
        [
            np.select([rank_d == 0, rank_d == 1], [GC, DGC], RC),
            np.select([rank_t == 0, (rank_t == 1) & big_t], [GC, DGC], RC),
            np.where(rank_v == 1, GC, RC),
        ]
    ).astype(np.int64)
    t_of_v = places.township_of_village[v_of]
    return Posts(
        level=np.repeat(
            np.array([DISTRICT, TOWNSHIP, VILLAGE], dtype=np.int64),
            [len(d_of), len(t_of), len(v_of)],
        ),
        jur=np.concatenate([d_of, t_of, v_of]),
        rank=np.concatenate([rank_d, rank_t, rank_v]),
        district=np.concatenate(
            [d_of, places.district_of_township[t_of], places.district_of_township[t_of_v]]
        ),
        township=np.concatenate([np.full(len(d_of), -1, dtype=np.int64), t_of, t_of_v]),
        role=role,
    )


def post_jids(places: Places, posts: Posts) -> pl.Series:
    """The jurisdiction id of each post."""
    parts = [
        places.jid(level).gather(posts.jur[posts.level == level])
        for level in (DISTRICT, TOWNSHIP, VILLAGE)
    ]
    return pl.concat(parts)
