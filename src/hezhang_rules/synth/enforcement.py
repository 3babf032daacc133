"""Complaints, enforcement cases, penalties and liaison lists of each district (art. 27-29).

Complaints received by the office are transferred to a department (on time, late, to a township
instead, or never) and the department reports the result (on time, late or never). Enforcement
cases sometimes turn out to be suspected crimes, transferred to public security on time, late or
never; a penalty in a case never transferred is the 以罚代刑 art. 29 forbids. Each department and
the police branch file their liaison list once, when the liaison system is set up.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from hezhang_rules.facts.enums import ComplaintChannel
from hezhang_rules.synth import names
from hezhang_rules.synth.columns import BoolArray, IntArray, pick
from hezhang_rules.synth.kit import Frames, Kit, add, either
from hezhang_rules.synth.names import as_list
from hezhang_rules.synth.org import DEPT_KEYS
from hezhang_rules.synth.rates import Rates
from hezhang_rules.synth.sizes import FIRST_YEAR

RATES = Rates("enforcement")
INVESTIGATORS = ("natural-resources", "ecology", "agriculture", "housing", "water")


def make_enforcement(kit: Kit) -> Frames:
    frames: Frames = {}
    complaints, received = _complaints(kit)
    add(frames, "complaint_cases", complaints.drop("d"))
    transfers, sent, investigator = _transfers(kit, complaints, received)
    add(frames, "case_transfers", transfers)
    add(frames, "case_results", _results(kit, transfers, sent, investigator))
    cases, flagged = _cases(kit)
    add(frames, "enforcement_cases", cases.drop("d", "start"))
    add(frames, "case_transfers", _criminal_transfers(kit, cases, flagged))
    add(frames, "penalties", _penalties(kit, cases))
    add(frames, "liaison_lists", _liaison_lists(kit))
    return frames


def _complaints(kit: Kit) -> tuple[pl.DataFrame, IntArray]:
    d, slot = kit.repeat(RATES.count("complaints"))
    n = len(d)
    received = kit.between(n, kit.day(1, 10), kit.day(11, 20))
    channels = [c.value for c in ComplaintChannel]
    return pl.DataFrame(
        {
            "id": kit.ids("cc", d, "", slot),
            "received_by": kit.org.office.gather(d),
            "received": kit.dates(received),
            "channel": pick(channels, kit.rng.integers(0, len(channels), n)),
            "description": pick(names.PROBLEMS, names.pool_index(kit.rng, names.PROBLEMS, n)),
            "d": d,
        }
    ), received


def _transfers(
    kit: Kit, complaints: pl.DataFrame, received: IntArray
) -> tuple[pl.DataFrame, IntArray, BoolArray]:
    status = kit.choose(complaints.height, RATES.weights("transfer_weights"))
    sel = np.flatnonzero(status < 2)
    n = len(sel)
    d = complaints["d"].to_numpy()[sel].astype(np.int64)
    sent = received[sel] + np.where(
        status[sel] == 0, kit.rng.integers(1, 16, n), kit.rng.integers(16, 41, n)
    )
    department = _investigator(kit, d)
    township = kit.flags(n, RATES.share("to_township"))
    to_unit = either(township, kit.org.township_gov.gather(kit.a_township(d)), department)
    frame = pl.DataFrame(
        {
            "id": complaints["id"][sel].str.replace("^cc-", "ct-"),
            "case": complaints["id"][sel],
            "from_unit": kit.org.office.gather(d),
            "to_unit": to_unit,
            "date": kit.dates(sent),
            "criminal": False,
        }
    )
    return frame, sent, ~township


def _investigator(kit: Kit, d: IntArray) -> pl.Series:
    """One of the ``INVESTIGATORS`` departments of each row's district, drawn at random."""
    which = kit.rng.integers(0, len(INVESTIGATORS), len(d))
    return pl.select(
        pl.coalesce(
            [
                pl.when(pl.lit(pl.Series(which == i))).then(pl.lit(kit.org.dept[k].gather(d)))
                for i, k in enumerate(INVESTIGATORS)
            ]
        )
    ).to_series()


def _results(
    kit: Kit, transfers: pl.DataFrame, sent: IntArray, investigator: BoolArray
) -> pl.DataFrame:
    status = kit.choose(transfers.height, RATES.weights("result_weights"))
    keep = status < 2
    n = transfers.height
    reported = sent + np.where(
        status == 0, kit.rng.integers(10, 91, n), kit.rng.integers(91, 151, n)
    )
    office = transfers["from_unit"]
    return pl.DataFrame(
        {
            "id": transfers["id"].str.replace("^ct-", "res-"),
            "case": transfers["case"],
            "reported_by": transfers["to_unit"],
            "reported_to": office,
            "reported": kit.dates(reported),
            "outcome": "查实并立案处罚",
        }
    ).filter(pl.Series(keep & investigator))


def _cases(kit: Kit) -> tuple[pl.DataFrame, BoolArray]:
    d, slot = kit.repeat(RATES.count("cases"))
    n = len(d)
    opened = kit.between(n, kit.day(1, 10), kit.day(10, 31))
    department = _investigator(kit, d)
    unit = either(
        kit.flags(n, RATES.share("township_case")),
        kit.org.township_gov.gather(kit.a_township(d)),
        department,
    )
    suspected = kit.flags(n, RATES.share("suspected"))
    found_recorded = suspected & kit.flags(n, RATES.share("found_recorded"))
    found = opened + kit.rng.integers(3, 31, n)
    return pl.DataFrame(
        {
            "id": kit.ids("ec", d, "", slot),
            "unit": unit,
            "opened": kit.dates(opened),
            "suspected_crime": pl.Series(suspected),
            "suspected_crime_found": kit.dates(found, found_recorded),
            "description": pick(names.PROBLEMS, names.pool_index(kit.rng, names.PROBLEMS, n)),
            "d": d,
            "start": np.where(found_recorded, found, opened),
        }
    ), suspected


def _criminal_transfers(kit: Kit, cases: pl.DataFrame, suspected: BoolArray) -> pl.DataFrame:
    status = kit.choose(cases.height, RATES.weights("criminal_weights"))
    sel = np.flatnonzero(suspected & (status < 2))
    n = len(sel)
    start = cases["start"].to_numpy()[sel].astype(np.int64)
    day = start + np.where(status[sel] == 0, kit.rng.integers(1, 8, n), kit.rng.integers(8, 31, n))
    d = cases["d"].to_numpy()[sel].astype(np.int64)
    return pl.DataFrame(
        {
            "id": cases["id"][sel].str.replace("^ec-", "ct-") + "-crime",
            "case": cases["id"][sel],
            "from_unit": cases["unit"][sel],
            "to_unit": kit.org.dept["police"].gather(d),
            "date": kit.dates(day),
            "criminal": True,
        }
    )


def _penalties(kit: Kit, cases: pl.DataFrame) -> pl.DataFrame:
    sel = np.flatnonzero(kit.flags(cases.height, RATES.share("penalised")))
    n = len(sel)
    start = cases["start"].to_numpy()[sel].astype(np.int64)
    return pl.DataFrame(
        {
            "id": cases["id"][sel].str.replace("^ec-", "pen-"),
            "case": cases["id"][sel],
            "unit": cases["unit"][sel],
            "kind": "fine",
            "amount_yuan": pl.Series(kit.rng.integers(5, 201, n) * 1000.0),
            "date": kit.dates(start + kit.rng.integers(5, 40, n)),
        }
    )


def _liaison_lists(kit: Kit) -> pl.DataFrame:
    """Filed once by every department and the police branch, in the measures' first year."""
    k = len(DEPT_KEYS)
    d, slot = kit.repeat(k)
    n = len(d)
    status = kit.choose(n, RATES.weights("liaison_weights"))
    filed = np.where(
        status == 0,
        kit.between(n, kit.day(1, 5, FIRST_YEAR), kit.day(3, 31, FIRST_YEAR)),
        kit.between(n, kit.day(4, 1, FIRST_YEAR), kit.day(6, 30, FIRST_YEAR)),
    )
    unit = pl.concat([kit.org.dept[key] for key in DEPT_KEYS]).gather(slot * kit.districts + d)
    liaison = np.concatenate([kit.org.liaison(key) for key in DEPT_KEYS])[slot * kit.districts + d]
    keep = status < 2
    return pl.DataFrame(
        {
            "id": kit.ids("ll", d, "", slot),
            "unit": unit,
            "filed_with": kit.org.office.gather(d),
            "filed": kit.dates(filed),
            "liaisons": as_list(kit.person(liaison)),
        }
    ).filter(pl.Series(keep))
