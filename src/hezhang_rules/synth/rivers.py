"""Rivers: one per river chief post, in three tiers as 河长制 assigns them.

A district river chief has a main river; a township river chief a reach of one of the district's
main rivers (X河Y镇段); a village river chief a reach of one of the township's reaches. Rivers are
numbered in post order, so each district's main rivers, each township's reaches and each
village's reaches are contiguous ranges. Ids are ``r-`` and a 12-digit code: the district's six
digits and a six-digit sequence within the district (the format river registers use).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from hezhang_rules.synth.columns import IntArray, in_range, masked, padded, rank_in, starts_of
from hezhang_rules.synth.names import join, river_names
from hezhang_rules.synth.places import DISTRICT, RC, TOWNSHIP, VILLAGE, Places, Posts


@dataclass(frozen=True)
class Rivers:
    river_of_post: IntArray  # -1 for posts without a river (general chiefs, deputies)
    level: IntArray
    jur: IntArray
    parent: IntArray  # -1 for main rivers
    ids: pl.Series
    names: pl.Series
    frame: pl.DataFrame
    # contiguous ranges: main rivers per district, reaches per township, per village
    starts: tuple[IntArray, IntArray, IntArray]
    counts: tuple[IntArray, IntArray, IntArray]

    def pick_in(self, rng: np.random.Generator, level: int, jur: IntArray) -> IntArray:
        """A random river of each given jurisdiction of ``level`` (each has at least one)."""
        return in_range(rng, self.starts[level][jur], self.counts[level][jur])


def make_rivers(rng: np.random.Generator, places: Places, posts: Posts) -> Rivers:
    is_rc = posts.role == RC
    river_of_post = np.where(is_rc, np.cumsum(is_rc) - 1, -1).astype(np.int64)
    level, jur = posts.level[is_rc], posts.jur[is_rc]
    starts, counts = _ranges(places, level, jur)
    parent = np.full(len(level), -1, dtype=np.int64)
    t_sel = np.flatnonzero(level == TOWNSHIP)
    district = places.district_of_township[jur[t_sel]]
    parent[t_sel] = in_range(rng, starts[DISTRICT][district], counts[DISTRICT][district])
    v_sel = np.flatnonzero(level == VILLAGE)
    township = places.township_of_village[jur[v_sel]]
    parent[v_sel] = in_range(rng, starts[TOWNSHIP][township], counts[TOWNSHIP][township])
    names = _names(rng, places, level, jur, parent)
    ids = join("r-", _codes(places, posts.district[is_rc]))
    frame = pl.DataFrame(
        {
            "id": ids,
            "name": names,
            "code": ids.str.slice(2),
            "jurisdictions": _jurisdictions(places, level, jur, parent),
            "parent": masked(ids.gather(np.maximum(parent, 0)), parent >= 0),
            "length_km": _lengths(rng, level),
        }
    )
    return Rivers(river_of_post, level, jur, parent, ids, names, frame, starts, counts)


def _ranges(
    places: Places, level: IntArray, jur: IntArray
) -> tuple[tuple[IntArray, IntArray, IntArray], tuple[IntArray, IntArray, IntArray]]:
    """Each jurisdiction's first river and river count, per level (rivers sorted by level)."""
    n_jur = (len(places.district_code), len(places.township_code), len(places.village_code))
    starts, counts = [], []
    for lv in (DISTRICT, TOWNSHIP, VILLAGE):
        sel = np.flatnonzero(level == lv)
        offset = int(sel[0]) if len(sel) else 0
        starts.append(starts_of(jur[sel], n_jur[lv]) + offset)
        counts.append(np.bincount(jur[sel], minlength=n_jur[lv]).astype(np.int64))
    return (starts[0], starts[1], starts[2]), (counts[0], counts[1], counts[2])


def _names(
    rng: np.random.Generator, places: Places, level: IntArray, jur: IntArray, parent: IntArray
) -> pl.Series:
    """清河; 清河河西镇段; 清河东梁村段 (a village reach is named after the main river)."""
    main = river_names(rng, len(level))
    top = np.arange(len(level))
    top = np.where(parent >= 0, parent, top)
    top = np.where(parent[top] >= 0, parent[top], top)
    local = pl.concat(
        [
            pl.Series([""] * int((level == DISTRICT).sum()), dtype=pl.String),
            places.township_name.gather(jur[level == TOWNSHIP]) + "段",
            places.village_name.gather(jur[level == VILLAGE]) + "段",
        ]
    )
    return join(main.gather(top), local)


def _codes(places: Places, district: IntArray) -> pl.Series:
    order = np.argsort(district, kind="stable")
    seq = np.empty(len(district), dtype=np.int64)
    seq[order] = rank_in(district[order], len(places.district_code)) + 1
    return join(places.district_code.gather(district), padded(seq, 6))


def _jurisdictions(places: Places, level: IntArray, jur: IntArray, parent: IntArray) -> pl.Series:
    """A river's own jurisdiction, then those its child reaches flow through (sorted, unique)."""
    own = pl.concat(
        [places.jid(lv).gather(jur[level == lv]) for lv in (DISTRICT, TOWNSHIP, VILLAGE)]
    )
    has_parent = parent >= 0
    children = (
        pl.DataFrame({"river": parent[has_parent], "j": own.filter(pl.Series(has_parent))})
        .unique()
        .sort("river", "j")
        .group_by("river", maintain_order=True)
        .agg(pl.col("j"))
    )
    base = pl.DataFrame({"river": np.arange(len(level)), "own": own})
    joined = base.join(children, on="river", how="left", maintain_order="left")
    return joined.select(
        pl.concat_list(pl.col("own"), pl.col("j").fill_null(pl.lit([], dtype=pl.List(pl.String))))
    ).to_series()


def _lengths(rng: np.random.Generator, level: IntArray) -> pl.Series:
    lo = np.array([8.0, 2.0, 0.5])[level]
    hi = np.array([80.0, 15.0, 5.0])[level]
    return pl.Series(np.round(lo + rng.random(len(level)) * (hi - lo), 1))
