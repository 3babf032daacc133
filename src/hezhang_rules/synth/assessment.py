"""The yearly assessment cycle of each district (art. 31-36) and implementing measures (art. 37).

Each assessing department sends indicators for the year (and, in December, for the next),
issues implementation rules and sends results; the office drafts the plan the general chief
approves and reports the summary to the chiefs; the district government rewards. Townships and
departments issue their own measures and plans once. Each step is sometimes late, missing or
incomplete, as audits find.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from hezhang_rules.synth import names
from hezhang_rules.synth.columns import MAP_KEY, MAP_VALUE, BoolArray, IntArray, masked
from hezhang_rules.synth.kit import Frames, Kit, add, either
from hezhang_rules.synth.names import as_list
from hezhang_rules.synth.org import ASSESSING, DEPARTMENTS
from hezhang_rules.synth.sizes import FIRST_YEAR

# On time, late, never — for indicators, implementation rules and results alike.
STEP_WEIGHTS = (0.85, 0.08, 0.07)
# Indicators sent elsewhere than the office; without indicators, standards, townships.
WRONG_RECIPIENT = 0.05
GAP = 0.05
# Plans approved by the deputy instead of the general chief; never issued; without weights.
PLAN_WRONG_APPROVER = 0.10
PLAN_NOT_ISSUED = 0.05
PLAN_GAP = 0.05  # no departments consulted; no weights
# Results not sent as a formal document.
INFORMAL = 0.08
# Summaries not made; leaving out the deputy; leaving out a district river chief.
NO_SUMMARY = 0.05
SUMMARY_GAP = 0.08
# Rewards granted by the office instead of the district government.
WRONG_GRANTOR = 0.10
WEIGHTS = (30.0, 25.0, 20.0, 15.0, 10.0)


def make_assessment(kit: Kit) -> Frames:
    frames: Frames = {}
    add(frames, "assessment_indicators", _indicators(kit, kit.year))
    add(frames, "assessment_indicators", _indicators(kit, kit.year + 1))
    add(frames, "assessment_plans", _plans(kit))
    add(frames, "assessment_implementation_rules", _rules(kit))
    add(frames, "assessment_results", _results(kit))
    add(frames, "assessment_summaries", _summaries(kit))
    add(frames, "rewards", _rewards(kit))
    add(frames, "accountability_actions", _accountability(kit))
    add(frames, "implementing_measures", _measures(kit))
    return frames


def _steps(
    kit: Kit, on_time: tuple[int, int], late: tuple[int, int]
) -> tuple[IntArray, IntArray, BoolArray, pl.Series, pl.Series]:
    """Rows of (district, assessing department): day, slot, kept, department ids, districts."""
    d, slot = kit.repeat(len(ASSESSING))
    n = len(d)
    status = kit.choose(n, STEP_WEIGHTS)
    day = np.where(status == 0, kit.between(n, *on_time), kit.between(n, *late))
    department = pl.concat([kit.org.dept[k] for k in ASSESSING]).gather(slot * kit.districts + d)
    keys = pl.Series(list(ASSESSING)).gather(slot)
    return d, day, status < 2, department, keys


def _indicators(kit: Kit, year: int) -> pl.DataFrame:
    """Due by 31 December of the year before (art. 31)."""
    d, day, keep, department, keys = _steps(
        kit,
        (kit.day(12, 1, year - 1), kit.day(12, 31, year - 1)),
        (kit.day(1, 1, year), kit.day(1, 25, year)),
    )
    n = len(d)
    office, gov = kit.org.office.gather(d), kit.org.gov.gather(d)
    empty = pl.lit([], dtype=pl.List(pl.String))
    indicators = pl.lit(names.INDICATORS[:2])
    frame = pl.DataFrame(
        {
            "id": _ids(kit, "ai", d, keys, year),
            "department": department,
            "year": year,
            "submitted": kit.dates(day),
            "to": either(kit.flags(n, WRONG_RECIPIENT), gov, office),
            "indicators": pl.select(
                pl.when(pl.lit(pl.Series(kit.flags(n, GAP)))).then(empty).otherwise(indicators)
            ).to_series(),
            "standards": pl.select(
                pl.when(pl.lit(pl.Series(kit.flags(n, GAP))))
                .then(empty)
                .otherwise(pl.lit(names.STANDARDS))
            ).to_series(),
            "townships": either(
                kit.flags(n, GAP),
                pl.Series([None] * n, dtype=pl.List(pl.String)),
                kit.townships.gather(d),
            ),
        }
    )
    return frame.filter(pl.Series(keep))


def _plans(kit: Kit) -> pl.DataFrame:
    n = kit.districts
    drafted = kit.between(n, kit.day(1, 5), kit.day(1, 20))
    approved = drafted + kit.rng.integers(3, 16, n)
    issued = approved + kit.rng.integers(1, 11, n)
    consulted = as_list(*(kit.org.dept[k] for k in ASSESSING))
    weights = pl.select(
        pl.concat_list(
            [
                pl.struct(pl.lit(kit.org.dept[k]).alias(MAP_KEY), pl.lit(w).alias(MAP_VALUE))
                for k, w in sorted(zip(ASSESSING, WEIGHTS, strict=True))
            ]  # maps sorted by key
        )
    ).to_series()
    return pl.DataFrame(
        {
            "id": pl.Series([f"ap-{kit.year}-"] * n) + kit.places.district_code,
            "drafted_by": kit.org.office,
            "year": kit.year,
            "drafted": kit.dates(drafted),
            "consulted": masked(consulted, ~kit.flags(n, PLAN_GAP)),
            "approved_by": kit.person(
                np.where(kit.flags(n, PLAN_WRONG_APPROVER), kit.chief(1), kit.chief(0))
            ),
            "approved": kit.dates(approved),
            "issued": kit.dates(issued, ~kit.flags(n, PLAN_NOT_ISSUED)),
            "weights": masked(weights, ~kit.flags(n, PLAN_GAP)),
        }
    )


def _rules(kit: Kit) -> pl.DataFrame:
    """Implementation rules for the year, due by 5 December (art. 33)."""
    d, day, keep, department, keys = _steps(
        kit, (kit.day(2, 1), kit.day(4, 30)), (kit.day(12, 6), kit.day(12, 20))
    )
    n = len(d)
    gap = np.where(kit.flags(n, GAP * 2), kit.rng.integers(0, 3, n), -1)
    return pl.DataFrame(
        {
            "id": _ids(kit, "air", d, keys),
            "department": department,
            "year": kit.year,
            "issued": kit.dates(day),
            "organisation_form": _unless(gap, 0, "日常抽查与年终集中考核相结合"),
            "frequency": _unless(gap, 1, "每季度抽查1次，年终考核1次"),
            "timing": _unless(gap, 2, "每季度末月中旬抽查，11月下旬年终考核"),
        }
    ).filter(pl.Series(keep))


def _results(kit: Kit) -> pl.DataFrame:
    """The year's results, due by 5 December (art. 34), with a score per township."""
    d, day, keep, department, keys = _steps(
        kit, (kit.day(11, 15), kit.day(12, 5)), (kit.day(12, 6), kit.day(12, 20))
    )
    n = len(d)
    formal = ~kit.flags(n, INFORMAL)
    frame = pl.DataFrame(
        {
            "id": _ids(kit, "ar", d, keys),
            "department": department,
            "year": kit.year,
            "submitted": kit.dates(day),
            "to": kit.org.office.gather(d),
            "formal_document": pl.Series(formal),
            "document_number": pl.Series([f"〔{kit.year}〕"] * n)
            + pl.Series(np.arange(n) % 90 + 1).cast(pl.String)
            + "号",
            "scores": _scores(kit, d),
        }
    )
    return frame.filter(pl.Series(keep))


def _scores(kit: Kit, district: IntArray) -> pl.Series:
    """A score (60-100) for each township of the district: a map township id → score."""
    rows = pl.DataFrame({"row": np.arange(len(district)), "t": kit.townships.gather(district)})
    flat = rows.explode("t")
    score = np.round(60 + kit.rng.random(flat.height) * 40, 1)
    return (
        flat.with_columns(
            s=pl.struct(pl.col("t").alias(MAP_KEY), pl.lit(pl.Series(score)).alias(MAP_VALUE))
        )
        .group_by("row", maintain_order=True)
        .agg("s")["s"]
    )


def _summaries(kit: Kit) -> pl.DataFrame:
    """Reported to the general chief and deputy, copied to the district river chiefs in post."""
    d = np.flatnonzero(~kit.flags(kit.districts, NO_SUMMARY))
    n = len(d)
    day = kit.between(n, kit.day(12, 10), kit.day(12, 28))
    deputy = np.where(kit.flags(n, SUMMARY_GAP), -1, kit.chief(1)[d])
    copied = _river_chiefs_on(kit, d, day)
    short = kit.flags(n, SUMMARY_GAP)
    copied = pl.select(
        pl.when(pl.lit(pl.Series(short)) & (pl.lit(copied).list.len() > 1))
        .then(pl.lit(copied).list.head(pl.lit(copied).list.len() - 1))
        .otherwise(pl.lit(copied))
    ).to_series()
    return pl.DataFrame(
        {
            "id": pl.Series([f"as-{kit.year}-"] * n) + kit.places.district_code.gather(d),
            "office": kit.org.office.gather(d),
            "year": kit.year,
            "reported": kit.dates(day),
            "recipients": as_list(kit.person(kit.chief(0)[d]), kit.person(deputy)),
            "copied_to": copied,
            "scores": _scores(kit, d),
        }
    )


def _river_chiefs_on(kit: Kit, district: IntArray, day: IntArray) -> pl.Series:
    """Per summary: the persons holding the district's river chief posts on its day."""
    posts = kit.river_chief_posts
    post_district = kit.posts.district[posts]
    row_of = np.full(kit.districts, -1, dtype=np.int64)
    row_of[district] = np.arange(len(district))
    row = row_of[post_district]
    sel = row >= 0
    holder = kit.org.holder_on(posts[sel], day[row[sel]])
    frame = pl.DataFrame({"row": row[sel], "p": kit.person(holder)}).drop_nulls()
    lists = frame.group_by("row", maintain_order=True).agg("p")
    full = pl.DataFrame({"row": np.arange(len(district))}).join(
        lists, on="row", how="left", maintain_order="left"
    )
    return full["p"].fill_null(pl.lit([], dtype=pl.List(pl.String)))


def _rewards(kit: Kit) -> pl.DataFrame:
    n = kit.districts
    d = np.arange(n, dtype=np.int64)
    return pl.DataFrame(
        {
            "id": pl.Series([f"rw-{kit.year}-"] * n) + kit.places.district_code,
            "granted_by": either(kit.flags(n, WRONG_GRANTOR), kit.org.office, kit.org.gov),
            "recipient": kit.org.township_gov.gather(kit.a_township(d)),
            "year": kit.year,
            "date": kit.dates(kit.between(n, kit.day(12, 15), kit.day(12, 31))),
        }
    )


def _accountability(kit: Kit) -> pl.DataFrame:
    d = np.flatnonzero(kit.flags(kit.districts, 0.3))
    n = len(d)
    return pl.DataFrame(
        {
            "id": pl.Series([f"aa-{kit.year}-"] * n) + kit.places.district_code.gather(d),
            "taken_by": kit.org.gov.gather(d),
            "subject": kit.org.dept["finance"].gather(d),
            "date": kit.dates(kit.between(n, kit.day(12, 20), kit.day(12, 31))),
            "grounds": "年度考核结果未按期报送，约谈主要负责人",
        }
    )


def _measures(kit: Kit) -> pl.DataFrame:
    """Township measures and department plans, issued once in the measures' first year."""
    townships = pl.DataFrame(
        {"issued_by": kit.org.township_gov, "kind": "measures", "title": "河长制工作管理办法"}
    )
    depts = [d for d in DEPARTMENTS if d.type == "department"]
    departments = pl.concat(
        [
            pl.DataFrame(
                {
                    "issued_by": kit.org.dept[d.key],
                    "kind": "implementation_plan",
                    "title": "河长制工作具体实施方案",
                }
            )
            for d in depts
        ]
    )
    frame = pl.concat([townships, departments])
    n = frame.height
    status = kit.choose(n, STEP_WEIGHTS)
    issued = np.where(
        status == 0,
        kit.between(n, kit.day(2, 1, FIRST_YEAR), kit.day(12, 29, FIRST_YEAR)),
        kit.between(n, kit.day(12, 30, FIRST_YEAR), kit.day(3, 31, FIRST_YEAR + 1)),
    )
    detailed = (status == 0) & kit.flags(n, 0.3) & (np.arange(n) < len(kit.places.township_code))
    return frame.with_columns(
        id=pl.col("issued_by").str.replace("^u-", "im-"),
        issued=kit.dates(issued),
        kind=either(detailed, pl.Series(["detailed_rules"] * n), frame["kind"]),
    ).filter(pl.Series(status < 2))


def _ids(
    kit: Kit, prefix: str, district: IntArray, keys: pl.Series, year: int | None = None
) -> pl.Series:
    return (
        pl.Series([f"{prefix}-{year or kit.year}-"] * len(district))
        + kit.places.district_code.gather(district)
        + "-"
        + keys
    )


def _unless(gap: IntArray, number: int, text: str) -> pl.Series:
    return pl.select(pl.when(pl.lit(pl.Series(gap != number))).then(pl.lit(text))).to_series()
