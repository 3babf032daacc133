"""How many of everything a world of N chiefs has, from the knobs that shape it.

The knobs (the ``sizes`` section of synth/rates.yaml) are distribution parameters of test data,
not readings of the measures: they follow published scale figures (docs/synth.md: about 1.2
million chiefs nationally; about 2 % of chiefs at district level, 23 % at township level, 75 % in
villages; a few hundred chiefs per district) and what platforms record.
"""

from __future__ import annotations

from dataclasses import dataclass

from hezhang_rules.synth.rates import Rates

RATES = Rates("sizes")
# Shares of chief posts whose holder changes during the year and first filled in it (org.py).
TURNOVER = RATES.share("turnover")
NEW_POST_SHARE = RATES.share("new_post_share")
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
    districts = max(1, round(posts / RATES.count("chiefs_per_district")))
    district_posts = max(
        MIN_DISTRICT_POSTS * districts, round(posts * RATES.weights("level_shares")[0])
    )
    township_target = round(posts * RATES.weights("level_shares")[1])
    townships = max(districts, round(township_target / RATES.number("chiefs_per_township")))
    township_posts = max(MIN_TOWNSHIP_POSTS * townships, township_target)
    village_target = max(1, posts - district_posts - township_posts)
    villages = max(townships, round(village_target / RATES.number("chiefs_per_village")))
    village_posts = max(villages, village_target)
    return Sizes(
        chiefs=chiefs,
        posts=district_posts + township_posts + village_posts,
        cities=max(1, round(districts / RATES.count("districts_per_city"))),
        districts=districts,
        townships=townships,
        villages=villages,
        district_posts=district_posts,
        township_posts=township_posts,
        village_posts=village_posts,
    )


def default_inspections(chiefs: int) -> int:
    return round(chiefs * RATES.number("inspections_per_chief"))
