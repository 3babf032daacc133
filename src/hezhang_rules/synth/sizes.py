"""How many of everything a world of N chiefs has, and the knobs that shape it.

The knobs are distribution parameters of test data, not readings of the measures: they follow the
published scale figures in shared/design/domain.md (about 2 % of chiefs at district level, 23 % at
township level, 75 % in villages; a few hundred chiefs per district) and what platforms record.
"""

from __future__ import annotations

from dataclasses import dataclass

# Chief posts by level of jurisdiction (district, township, village).
LEVEL_SHARES = (0.02, 0.23, 0.75)
# Chief posts (all levels) per district: ~400 gives ~2,800 districts for 1.2 million chiefs.
CHIEFS_PER_DISTRICT = 400
# Township-level chief posts per township, and village-level posts per village.
CHIEFS_PER_TOWNSHIP = 7.5
CHIEFS_PER_VILLAGE = 1.7
# Districts (counties) per city.
DISTRICTS_PER_CITY = 8
# Share of chief posts whose holder changes during the year (one ends, the next starts next day).
TURNOVER = 0.08
# Share of chief posts first filled during the year (no predecessor).
NEW_POST_SHARE = 0.03
# Inspections per chief appointment when --inspections is not given (7 million for 1.2 million).
INSPECTIONS_PER_CHIEF = 5.8
# Least posts a district has: a general chief, a deputy and at least one river chief.
MIN_DISTRICT_POSTS = 3
# Least posts a township has: a general chief and at least one river chief.
MIN_TOWNSHIP_POSTS = 2

MIN_CHIEFS = 10
MAX_CHIEFS = 20_000_000
FIRST_YEAR = 2021  # the first full year the bundled measures are in force (pack.yaml in_force)
LAST_YEAR = 2099


@dataclass(frozen=True)
class Sizes:
    """Counts of jurisdictions and chief posts for a requested number of chiefs."""

    chiefs: int
    posts: int
    cities: int
    districts: int
    townships: int
    villages: int
    district_posts: int
    township_posts: int
    village_posts: int


def sizes_for(chiefs: int) -> Sizes:
    """Posts are chiefs / (1 + TURNOVER), so that posts plus successors ≈ ``chiefs``."""
    posts = max(MIN_CHIEFS, round(chiefs / (1 + TURNOVER)))
    districts = max(1, round(posts / CHIEFS_PER_DISTRICT))
    district_posts = max(MIN_DISTRICT_POSTS * districts, round(posts * LEVEL_SHARES[0]))
    township_target = round(posts * LEVEL_SHARES[1])
    townships = max(districts, round(township_target / CHIEFS_PER_TOWNSHIP))
    township_posts = max(MIN_TOWNSHIP_POSTS * townships, township_target)
    village_target = max(1, posts - district_posts - township_posts)
    villages = max(townships, round(village_target / CHIEFS_PER_VILLAGE))
    village_posts = max(villages, village_target)
    return Sizes(
        chiefs=chiefs,
        posts=district_posts + township_posts + village_posts,
        cities=max(1, round(districts / DISTRICTS_PER_CITY)),
        districts=districts,
        townships=townships,
        villages=villages,
        district_posts=district_posts,
        township_posts=township_posts,
        village_posts=village_posts,
    )


def default_inspections(chiefs: int) -> int:
    return round(chiefs * INSPECTIONS_PER_CHIEF)
