"""Supervision (art. 20-22) and evaluation (art. 23-25) of each district's townships.

Three supervision opinions a year (one per level), answered by rectification reports on time,
late, to the wrong unit or never; evaluations of up to three townships by the office, whose
opinions sometimes lack an element, whose problems call for a report, and whose missing reports
the office sometimes takes into supervision (art. 25).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from hezhang_rules.facts.enums import EvaluationCriterion, SupervisionForm, SupervisionMethod
from hezhang_rules.facts.models import EvaluationOpinion
from hezhang_rules.synth.columns import (
    MAP_KEY,
    MAP_VALUE,
    BoolArray,
    IntArray,
    in_range,
    pick,
    struct_of,
)
from hezhang_rules.synth.kit import Frames, Kit, add, either
from hezhang_rules.synth.names import as_list
from hezhang_rules.synth.places import TOWNSHIP
from hezhang_rules.synth.rates import Rates

RATES = Rates("oversight")
LEVELS = ("district_government", "river_chief_office", "department")


def make_oversight(kit: Kit) -> Frames:
    frames: Frames = {}
    opinions, issued, due = _supervision(kit)
    add(frames, "supervision_opinions", opinions)
    add(frames, "rectification_reports", _answers(kit, opinions, issued, due, "so", True))
    evaluations, eval_day, eval_due, troubled = _evaluations(kit)
    add(frames, "evaluations", evaluations)
    answered = _answers(
        kit,
        evaluations.filter(pl.Series(troubled)),
        eval_day[troubled],
        eval_due[troubled],
        "ev",
        False,
        RATES.weights("eval_report_weights"),
    )
    add(frames, "rectification_reports", answered)
    add(
        frames, "supervision_opinions", _escalations(kit, evaluations, troubled, eval_due, answered)
    )
    return frames


def _supervision(kit: Kit) -> tuple[pl.DataFrame, IntArray, IntArray]:
    d, slot = kit.repeat(len(LEVELS))
    n = len(d)
    office, gov = kit.org.office.gather(d), kit.org.gov.gather(d)
    agriculture = kit.org.dept["agriculture"].gather(d)
    # The unit of each level (government, office, a department) and one that is not of it.
    issuer = either(
        kit.flags(n, RATES.share("wrong_issuer")),
        _by_slot(slot, [office, agriculture, office]),
        _by_slot(slot, [gov, office, agriculture]),
    )
    issued = kit.between(n, kit.day(3, 1), kit.day(10, 31))
    has_deadline = kit.flags(n, RATES.share("deadline_share"))
    deadline = issued + kit.rng.integers(30, 76, n)
    township = kit.org.township_gov.gather(kit.a_township(d))
    second = either(
        kit.flags(n, RATES.share("second_addressee")),
        kit.org.dept["ecology"].gather(d),
        pl.Series([None] * n, dtype=pl.String),
    )
    modes = pl.Series(["one_county_one_list", "one_matter_one_list", None])
    frame = pl.DataFrame(
        {
            "id": kit.ids("so", d, "", slot),
            "issued_by": issuer,
            "level": pl.Series(LEVELS).gather(slot),
            "method": pick([m.value for m in SupervisionMethod], kit.rng.integers(0, 3, n)),
            "form": pick([f.value for f in SupervisionForm], kit.rng.integers(0, 5, n)),
            "list_mode": modes.gather(
                np.where(kit.flags(n, RATES.share("no_list_mode")), 2, kit.rng.integers(0, 2, n))
            ),
            "addressed_to": as_list(township, second),
            "issued": kit.dates(issued),
            "matters": pl.Series([["河道“四乱”问题清理进度滞后"]] * n, dtype=pl.List(pl.String)),
            "deadline": kit.dates(deadline, has_deadline),
        }
    )
    return frame, issued, np.where(has_deadline, deadline, issued + 30)


def _by_slot(slot: IntArray, choices: list[pl.Series]) -> pl.Series:
    """``choices[slot]`` row by row."""
    expr = pl.lit(choices[-1])
    for number in range(len(choices) - 2, -1, -1):
        expr = (
            pl.when(pl.lit(pl.Series(slot == number))).then(pl.lit(choices[number])).otherwise(expr)
        )
    return pl.select(expr).to_series()


def _answers(
    kit: Kit,
    answered: pl.DataFrame,
    start: IntArray,
    due: IntArray,
    tag: str,
    to_issuer: bool,
    weights: tuple[float, ...] = RATES.weights("report_weights"),
) -> pl.DataFrame:
    """Rectification reports, one per (opinion or evaluation, addressee): on time, late, never."""
    party = "addressed_to" if to_issuer else "evaluated"
    pairs = answered.select(
        "id",
        o=pl.int_range(pl.len()),
        party=pl.col(party),
        issuer=pl.col("issued_by" if to_issuer else "organised_by"),
    )
    if to_issuer:
        pairs = pairs.explode("party")
    addressee = pairs.select(pl.int_range(pl.len()).over("o").cast(pl.String)).to_series()
    o = pairs["o"].to_numpy().astype(np.int64)
    n = len(o)
    status = kit.choose(n, weights)
    lo = start[o] + 1
    submitted = np.where(
        status == 0, in_range(kit.rng, lo, due[o] - lo + 1), due[o] + kit.rng.integers(1, 41, n)
    )
    recipient = pairs["issuer"]
    if to_issuer:
        office = pl.Series(recipient.str.replace(r"-[a-z-]+$", "-office"))
        gov = pl.Series(recipient.str.replace(r"-[a-z-]+$", "-gov"))
        wrong = either((recipient == office).to_numpy(), gov, office)
        recipient = either(kit.flags(n, RATES.share("wrong_recipient")), wrong, recipient)
    frame = pl.DataFrame(
        {
            "id": pairs["id"].str.replace(r"^[a-z]+-", f"rr-{tag}-") + "-" + addressee,
            "responds_to": pairs["id"],
            "submitted_by": pairs["party"],
            "submitted": kit.dates(submitted),
            "to": recipient,
            "completed": pl.Series(status != 1),
        }
    )
    return frame.filter(pl.Series(status < 2))


def _evaluations(kit: Kit) -> tuple[pl.DataFrame, IntArray, IntArray, BoolArray]:
    """The first (up to) three townships of each district, evaluated in the autumn."""
    counts = np.minimum(kit.places.township_count, RATES.count("evaluations"))
    d = np.repeat(np.arange(kit.districts, dtype=np.int64), counts)
    slot = np.arange(len(d)) - np.repeat(np.cumsum(counts) - counts, counts)
    township = kit.places.township_start[d] + slot
    n = len(d)
    day = kit.between(n, kit.day(9, 10), kit.day(11, 10))
    problems = kit.flags(n, RATES.share("eval_problems"))
    has_deadline = kit.flags(n, RATES.share("eval_deadline"))
    deadline = day + kit.rng.integers(20, 46, n)
    gap = np.where(kit.flags(n, RATES.share("opinion_gap")), kit.rng.integers(0, 4, n), -1)
    opinion = _opinion(kit, day, problems, deadline, has_deadline, gap)
    frame = pl.DataFrame(
        {
            "id": kit.ids("ev", d, "", slot),
            "organised_by": either(
                kit.flags(n, RATES.share("eval_wrong_organiser")),
                kit.org.dept["agriculture"].gather(d),
                kit.org.office.gather(d),
            ),
            "evaluated": kit.org.township_gov.gather(township),
            "jurisdiction": kit.places.jid(TOWNSHIP).gather(township),
            "date": kit.dates(day),
            "opinion": opinion,
        }
    )
    present = ~kit.flags(n, RATES.share("no_opinion"))
    frame = frame.with_columns(opinion=pl.when(pl.Series(present)).then(pl.col("opinion")))
    troubled = present & problems & (gap != 2)
    return frame, day, np.where(has_deadline, deadline, day + 30), troubled


def _opinion(
    kit: Kit,
    day: IntArray,
    problems: BoolArray,
    deadline: IntArray,
    has_deadline: BoolArray,
    gap: IntArray,
) -> pl.Series:
    """An evaluation opinion; ``gap`` names an element left out (0-3), -1 for none."""
    n = len(day)
    items = pl.concat_list(
        [
            pl.struct(pl.lit(c.value).alias(MAP_KEY), pl.lit("基本到位").alias(MAP_VALUE))
            for c in sorted(EvaluationCriterion)
        ]  # maps sorted by key
    )
    problem_list = (
        pl.when(pl.lit(pl.Series(problems)))
        .then(pl.lit(["河长公示牌信息未随人员调整更新", "部分村级河长未按要求巡河"]))
        .otherwise(pl.lit([], dtype=pl.List(pl.String)))
    )
    requirements = (
        pl.when(pl.lit(pl.Series(problems)))
        .then(pl.lit(["更新全部河长公示牌", "督促村级河长按要求巡河并建立台账"]))
        .otherwise(pl.lit([], dtype=pl.List(pl.String)))
    )
    g = pl.lit(pl.Series(gap))

    def unless(number: int, expr: pl.Expr) -> pl.Expr:
        return pl.when(g != number).then(expr)

    return (
        pl.select(
            struct_of(
                EvaluationOpinion,
                issued=pl.lit(kit.dates(day)),
                item_assessments=unless(0, items),
                overall_conclusion=unless(1, pl.lit("基本合格")),
                problems=unless(2, problem_list),
                rectification_requirements=unless(3, requirements),
                deadline=pl.lit(kit.dates(deadline, has_deadline & problems)),
            ).alias("opinion")
        )
        .to_series()
        .head(n)
    )


def _escalations(
    kit: Kit,
    evaluations: pl.DataFrame,
    troubled: BoolArray,
    due: IntArray,
    answered: pl.DataFrame,
) -> pl.DataFrame:
    """Supervision opinions on evaluations whose report never came (art. 25)."""
    reported = evaluations["id"].is_in(answered["responds_to"].implode()).to_numpy()
    missing = np.flatnonzero(troubled & ~reported)
    take = missing[kit.flags(len(missing), RATES.share("escalated"))]
    n = len(take)
    ev = evaluations[take]
    issued = due[take] + kit.rng.integers(1, 26, n)
    office = ev["id"].str.replace(r"^ev-(\d+)-.*$", "u-$1-office")
    return pl.DataFrame(
        {
            "id": ev["id"].str.replace(r"^ev-", "so-") + "-esc",
            "issued_by": office,
            "level": "river_chief_office",
            "method": "key",
            "form": "working_group",
            "list_mode": "one_matter_one_list",
            "addressed_to": as_list(ev["evaluated"]),
            "issued": kit.dates(issued),
            "matters": pl.Series([["评估验收提出的问题逾期未整改"]] * n, dtype=pl.List(pl.String)),
            "source": ev["id"],
            "deadline": kit.dates(issued + 40),
        }
    )
