"""Shared pieces for the records every district makes a handful of (meetings, reports …).

Those records scale with districts, not inspections, so they are built as columns of
``districts × k`` rows: :class:`Kit` holds the world's structure and turns numeric choices (person
numbers, day numbers, flags) into id and date columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import polars as pl

from hezhang_rules.synth.columns import (
    BoolArray,
    IntArray,
    choose,
    dates,
    day_number,
    flags,
    in_range,
    masked,
    padded,
    starts_of,
)
from hezhang_rules.synth.names import join
from hezhang_rules.synth.org import Org
from hezhang_rules.synth.places import DISTRICT, RC, TOWNSHIP, Places, Posts

Frames = dict[str, list[pl.DataFrame]]


@dataclass(frozen=True)
class Kit:
    rng: np.random.Generator
    year: int
    places: Places
    posts: Posts
    org: Org

    @property
    def districts(self) -> int:
        return len(self.places.district_code)

    def day(self, month: int, day: int, year: int | None = None) -> int:
        return day_number(dt.date(year or self.year, month, day))

    def between(self, n: int, lo: int, hi: int) -> IntArray:
        """``n`` uniform day numbers in ``[lo, hi]``."""
        return in_range(self.rng, np.full(n, lo, dtype=np.int64), np.full(n, hi - lo + 1))

    def flags(self, n: int, p: float) -> BoolArray:
        return flags(self.rng, n, p)

    def choose(self, n: int, weights: tuple[float, ...]) -> IntArray:
        return choose(self.rng, n, weights)

    def repeat(self, k: int) -> tuple[IntArray, IntArray]:
        """District number and slot number (0 … k-1) of ``districts × k`` rows."""
        return (
            np.repeat(np.arange(self.districts, dtype=np.int64), k),
            np.tile(np.arange(k, dtype=np.int64), self.districts),
        )

    def ids(self, prefix: str, district: IntArray, tag: str, slot: IntArray) -> pl.Series:
        """``prefix-DDDDDD-tagNN``: unique and sorted by district, then tag and slot."""
        return join(
            prefix + "-",
            self.places.district_code.gather(district),
            "-" + tag,
            padded(slot + 1, 2),
        )

    def person(self, numbers: IntArray) -> pl.Series:
        """Person ids; a negative number gives null (nobody)."""
        return masked(self.org.person(np.maximum(numbers, 0)), numbers >= 0)

    def dates(self, days: IntArray, valid: BoolArray | None = None) -> pl.Series:
        return dates(days, valid)

    # --- the district's key posts ---------------------------------------------------------

    @cached_property
    def district_posts(self) -> IntArray:
        """Index of each district's first chief post (rank 0: the general chief)."""
        level = self.posts.level
        return starts_of(self.posts.jur[level == DISTRICT], self.districts)

    def chief(self, rank: int) -> IntArray:
        """Holder of each district's post of ``rank`` (0 general chief, 1 deputy, 2 the first
        river chief, who is also the deputy district head for water). They stay all year."""
        return self.org.holder0[self.district_posts + rank]

    @cached_property
    def river_chief_posts(self) -> IntArray:
        """The district river chief posts (rank 2 and up), sorted by district."""
        p = self.posts
        return np.flatnonzero((p.level == DISTRICT) & (p.role == RC))

    @cached_property
    def townships(self) -> pl.Series:
        """Each district's township jurisdiction ids, as a list."""
        return self._by_district(self.places.jid(TOWNSHIP))

    @cached_property
    def township_govs(self) -> pl.Series:
        return self._by_district(self.org.township_gov)

    def _by_district(self, values: pl.Series) -> pl.Series:
        return (
            pl.DataFrame({"d": self.places.district_of_township, "v": values})
            .group_by("d", maintain_order=True)
            .agg("v")["v"]
        )

    def a_township(self, district: IntArray) -> IntArray:
        """A random township of each district."""
        p = self.places
        return in_range(self.rng, p.township_start[district], p.township_count[district])


def either(mask: BoolArray, yes: pl.Series, no: pl.Series) -> pl.Series:
    """``yes`` where ``mask``, else ``no``."""
    return pl.select(pl.when(pl.Series(mask)).then(pl.lit(yes)).otherwise(pl.lit(no))).to_series()


def add(frames: Frames, kind: str, frame: pl.DataFrame) -> None:
    frames.setdefault(kind, []).append(frame)
