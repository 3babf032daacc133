"""Information work of each district (art. 10, 12, 13, 15).

The office's platform (one early record, often lacking functions, and a later complete one),
reports to the district chiefs and to the city approved by the right person or not, yearly
notifications and disclosures (sometimes none, through a medium that is not public, or by a
department instead of the office).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from hezhang_rules.facts.enums import DisclosureChannel, PlatformFunction
from hezhang_rules.synth.columns import pick
from hezhang_rules.synth.kit import Frames, Kit, add, either
from hezhang_rules.synth.names import as_list

BASIC_FUNCTIONS = [f.value for f in PlatformFunction][:7]  # collection … publication
# The first recorded state of the platform lacks extraction and sharing; it is run by a
# department instead of the office.
PLATFORM_INCOMPLETE = 0.3
PLATFORM_WRONG_OPERATOR = 0.05
# Reports approved by someone other than the post the measures name; reports citing a
# higher-level rule instead.
WRONG_APPROVER = 0.12
HIGHER_RULE = 0.05
# Notifications by the office in a year: 0, 1, 2.
NOTIFICATION_WEIGHTS = (0.08, 0.22, 0.70)
# Disclosures by the office in a year: 0, 1, 2; through a non-public medium; a department
# discloses on its own.
DISCLOSURE_WEIGHTS = (0.06, 0.14, 0.80)
NOT_PUBLIC = 0.05
DEPARTMENT_DISCLOSES = 0.10
PUBLIC_CHANNELS = [c.value for c in DisclosureChannel if c is not DisclosureChannel.other]


def make_information(kit: Kit) -> Frames:
    frames: Frames = {}
    add(frames, "information_platforms", _platforms(kit))
    add(frames, "information_reports", _reports(kit))
    add(frames, "notifications", _notifications(kit))
    add(frames, "disclosures", _disclosures(kit))
    return frames


def _platforms(kit: Kit) -> pl.DataFrame:
    n = kit.districts
    d = np.arange(n, dtype=np.int64)
    incomplete = kit.flags(n, PLATFORM_INCOMPLETE)
    partial = [f for f in BASIC_FUNCTIONS if f not in ("extraction", "sharing")]
    operator = either(
        kit.flags(n, PLATFORM_WRONG_OPERATOR), kit.org.dept["agriculture"], kit.org.office
    )
    first = pl.DataFrame(
        {
            "id": kit.ids("plat", d, "", np.zeros(n, dtype=np.int64)),
            "operated_by": operator,
            "recorded": kit.dates(kit.between(n, kit.day(1, 10), kit.day(3, 31))),
            "functions": either(
                incomplete, pl.Series([partial] * n), pl.Series([BASIC_FUNCTIONS] * n)
            ),
        }
    )
    later = np.flatnonzero(incomplete)
    second = first[later].with_columns(
        id=kit.ids("plat", later, "", np.ones(len(later), dtype=np.int64)),
        recorded=kit.dates(kit.between(len(later), kit.day(7, 1), kit.day(11, 30))),
        functions=pl.lit([*BASIC_FUNCTIONS, "realtime_monitoring"]),
    )
    return pl.concat([first, second])


def _reports(kit: Kit) -> pl.DataFrame:
    """To the general chief and deputy (approved by the director), to the city government
    (approved by the general chief or deputy), and some under a higher-level rule."""
    n = kit.districts
    d = np.arange(n, dtype=np.int64)
    gc, dgc, director = kit.chief(0), kit.chief(1), kit.org.staff(0)
    liaison = kit.org.staff(1)
    to_chiefs = pl.DataFrame(
        {
            "id": kit.ids("rep", d, "", np.zeros(n, dtype=np.int64)),
            "sender": kit.org.office,
            "recipients": as_list(kit.person(gc), kit.person(dgc)),
            "date": kit.dates(kit.between(n, kit.day(2, 1), kit.day(6, 30))),
            "approved_by": kit.person(np.where(kit.flags(n, WRONG_APPROVER), liaison, director)),
            "title": "河长制工作要点（送审稿）",
        }
    )
    to_city = pl.DataFrame(
        {
            "id": kit.ids("rep", d, "", np.ones(n, dtype=np.int64)),
            "sender": kit.org.office,
            "recipients": as_list(kit.org.city_gov),
            "date": kit.dates(kit.between(n, kit.day(6, 1), kit.day(11, 30))),
            "approved_by": kit.person(
                np.where(kit.flags(n, WRONG_APPROVER), director, np.where(d % 2 == 0, gc, dgc))
            ),
            "title": "河长制上半年工作情况",
        }
    )
    rule = np.flatnonzero(kit.flags(n, HIGHER_RULE))
    quick = to_chiefs[rule].with_columns(
        id=kit.ids("rep", rule, "", np.full(len(rule), 2, dtype=np.int64)),
        approved_by=kit.person(liaison[rule]),
        higher_level_rule=pl.lit("市防汛抗旱指挥部：汛期河湖险情信息由值班人员即时报送，事后补审"),
        title=pl.lit("堤防险情快报"),
    )
    return pl.concat([to_chiefs, to_city, quick], how="diagonal_relaxed")


def _notifications(kit: Kit) -> pl.DataFrame:
    per = kit.choose(kit.districts, NOTIFICATION_WEIGHTS)
    d = np.repeat(np.arange(kit.districts, dtype=np.int64), per)
    slot = np.arange(len(d)) - np.repeat(np.cumsum(per) - per, per)
    n = len(d)
    return pl.DataFrame(
        {
            "id": kit.ids("ntf", d, "", slot),
            "issued_by": kit.org.office.gather(d),
            "recipients": kit.township_govs.gather(d),
            "date": kit.dates(kit.day(3, 1) + 180 * slot + kit.rng.integers(0, 90, n)),
            "topics": pl.Series(
                [["年度河长制目标任务", "巡河发现问题及整改落实情况"]] * n, dtype=pl.List(pl.String)
            ),
        }
    )


def _disclosures(kit: Kit) -> pl.DataFrame:
    per = kit.choose(kit.districts, DISCLOSURE_WEIGHTS)
    d = np.repeat(np.arange(kit.districts, dtype=np.int64), per)
    slot = np.arange(len(d)) - np.repeat(np.cumsum(per) - per, per)
    n = len(d)
    channel = pick(PUBLIC_CHANNELS, kit.rng.integers(0, len(PUBLIC_CHANNELS), n))
    office = pl.DataFrame(
        {
            "id": kit.ids("dis", d, "", slot),
            "by": kit.org.office.gather(d),
            "channel": either(kit.flags(n, NOT_PUBLIC), pl.Series(["other"] * n), channel),
            "date": kit.dates(kit.day(3, 1) + 150 * slot + kit.rng.integers(0, 120, n)),
            "title": "河长名录及河长公示牌信息",
        }
    )
    rogue = np.flatnonzero(kit.flags(kit.districts, DEPARTMENT_DISCLOSES))
    department = pl.DataFrame(
        {
            "id": kit.ids("dis", rogue, "", np.full(len(rogue), 9, dtype=np.int64)),
            "by": kit.org.dept["ecology"].gather(rogue),
            "channel": "internet",
            "date": kit.dates(kit.between(len(rogue), kit.day(5, 1), kit.day(10, 31))),
            "title": "入河排污口整治情况",
        }
    )
    return pl.concat([office, department])
