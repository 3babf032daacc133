"""What each requirement kind's finding says besides its status: the period, due date, evidence,
``details`` and the detail text of the message, as docs/rule-format.md (section 8) and
docs/report.md state them, and the keys no bundled rule uses (``forbid``, a deadline without
``period_field``, ``inclusive: false`` on a ``once`` deadline), on a copy of one article with a
rule added. The golden worlds hold the structure (the mutation score's survivors in
``evaluate/batch.py``, docs/testing.md "Mutation score")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kill_world import CH7, evaluate, finding, pack_with

D = dt.date
RIVER_CHIEF = "art016.river_chief_half_yearly_inspection"


def inspection(id_: str, day: dt.date, inspector: str = "p-rc1", **more: Any) -> dict[str, Any]:
    """An inspection record of the district's Xihe by a site survey (``more`` overrides)."""
    return {
        "id": id_,
        "inspector": inspector,
        "date": day,
        "jurisdiction": "j-qhm",
        "rivers": ["r-xihe"],
        "method": "site_survey",
        **more,
    }


# --- count -------------------------------------------------------------------------------------


def test_a_count_states_its_acts_and_the_number_required(tmp_path: Path) -> None:
    facts = {"inspections": [inspection("i-2", D(2021, 4, 12)), inspection("i-1", D(2021, 2, 1))]}
    report = evaluate(tmp_path, facts, D(2021, 7, 1))
    h1 = finding(report, f"{RIVER_CHIEF}/p-rc1/2021-H1")
    assert h1.status == "fulfilled"
    assert (h1.period.start, h1.period.end, h1.period.label) == (
        D(2021, 1, 1),
        D(2021, 6, 30),
        "2021-H1",
    )
    assert h1.due == D(2021, 6, 30)
    assert h1.evidence == ["i-1", "i-2"]
    assert h1.details == {"count": 2, "required": 1}
    assert h1.message.zh.endswith("已履行（2021-01-01至2021-06-30共2次，要求至少1次）")
    assert h1.message.en.endswith(
        "fulfilled (2 between 2021-01-01 and 2021-06-30, at least 1 required)"
    )
    # No act in the period: the evidence is the holder's appointment.
    h2 = finding(report, f"{RIVER_CHIEF}/p-rc1/2021-H2")
    assert (h2.status, h2.evidence, h2.details) == (
        "pending",
        ["a-rc1"],
        {"count": 0, "required": 1},
    )


def test_a_count_needs_the_required_number_inside_the_period(tmp_path: Path) -> None:
    """Two inspections a half-year: one on the last day counts, one the day after does not, and
    one dated after the as-of date is not yet known."""
    facts = {
        "inspections": [
            inspection("i-a", D(2021, 3, 1)),
            inspection("i-b", D(2021, 6, 30)),
            inspection("i-c", D(2021, 7, 1), inspector="p-rc2", rivers=["r-qinghe"]),
            inspection("i-d", D(2021, 7, 1)),
            inspection("i-e", D(2021, 7, 3), inspector="p-rc2", rivers=["r-qinghe"]),
        ]
    }
    two = {"art016.river_chief_min_inspections": 2}
    report = evaluate(tmp_path, facts, D(2021, 7, 2), two)
    assert finding(report, f"{RIVER_CHIEF}/p-rc1/2021-H1").status == "fulfilled"
    rc2_h1 = finding(report, f"{RIVER_CHIEF}/p-rc2/2021-H1")
    assert (rc2_h1.status, rc2_h1.details) == ("violated", {"count": 0, "required": 2})
    rc2_h2 = finding(report, f"{RIVER_CHIEF}/p-rc2/2021-H2")
    assert (rc2_h2.status, rc2_h2.evidence, rc2_h2.details["count"]) == ("pending", ["i-c"], 1)


def test_a_count_per_river_names_the_river(tmp_path: Path) -> None:
    facts = {"inspections": [inspection("i-1", D(2021, 4, 12))]}
    report = evaluate(tmp_path, facts, D(2021, 7, 1), {"art016.count_per_river": True})
    before = finding(report, f"{RIVER_CHIEF}/p-rc1/2020-H2/r-xihe")
    assert (before.status, before.due, before.details) == (
        "not_applicable",
        None,
        {"river": "r-xihe"},
    )
    h1 = finding(report, f"{RIVER_CHIEF}/p-rc1/2021-H1/r-xihe")
    assert h1.details == {"count": 1, "required": 1, "river": "r-xihe"}
    assert h1.period.label == "2021-H1"
    assert h1.message.zh.endswith(
        "2021年上半年，已履行（细河：2021-01-01至2021-06-30共1次，要求至少1次）"
    )
    assert h1.message.en.endswith(
        "in 2021-H1 — fulfilled (细河: 1 between 2021-01-01 and 2021-06-30, at least 1 required)"
    )


def test_a_period_before_the_rules_says_why_it_is_not_judged(tmp_path: Path) -> None:
    report = evaluate(tmp_path, {}, D(2021, 7, 1))
    na = finding(report, f"{RIVER_CHIEF}/p-rc1/2020-H2")
    assert (na.status, na.due, na.details, na.evidence) == ("not_applicable", None, {}, ["a-rc1"])
    assert (na.period.start, na.period.end) == (D(2020, 12, 29), D(2020, 12, 31))
    assert na.message.zh.endswith("不适用（本期始于办法施行（2020-12-29）之前，按参数不计）")


# --- deadline ----------------------------------------------------------------------------------

PLAN_2021 = {
    "id": "plan-2021",
    "drafted_by": "u-office",
    "year": 2021,
    "drafted": D(2021, 11, 1),
    "consulted": ["u-water", "u-eco"],
    "approved_by": "p-gc",
    "approved": D(2021, 12, 4),
    "issued": D(2021, 12, 6),
    "weights": {"u-water": 60, "u-eco": 40},
}


def test_a_yearly_deadline_states_the_delivery_and_the_supplied_due_date(tmp_path: Path) -> None:
    report = evaluate(tmp_path, {"assessment_plans": [PLAN_2021]}, D(2022, 12, 6))
    late = finding(report, "art032.plan_issued_yearly/u-office/2021")
    assert (late.status, late.due, late.evidence) == (
        "fulfilled_late",
        D(2021, 12, 5),
        ["plan-2021"],
    )
    assert late.details == {"delivered": "2021-12-06", "due_supplied": "art032.plan_due"}
    assert late.message.zh.endswith("2021年，逾期履行（截止2021-12-05，2021-12-06报送）")
    assert late.message.en.endswith(
        "in 2021 — fulfilled late (due 2021-12-05, delivered 2021-12-06)"
    )
    missed = finding(report, "art032.plan_issued_yearly/u-office/2022")
    assert missed.status == "violated"
    assert missed.details == {"delivered": None, "due_supplied": "art032.plan_due"}
    assert missed.message.zh.endswith("未履行（截止2022-12-05，未见报送）")
    assert missed.message.en.endswith("violated (due 2022-12-05, nothing delivered)")
    before = finding(report, "art032.plan_issued_yearly/u-office/2020")
    assert (before.status, before.due, before.details) == ("not_applicable", D(2020, 12, 5), {})


def test_a_deadline_the_text_dates_names_no_supplied_parameter(tmp_path: Path) -> None:
    """Art. 31's "前一年12月末" is the text's own date: no ``due_supplied``."""
    report = evaluate(tmp_path, {}, D(2022, 1, 1), {"partial_tenure_min_days": 0})
    owed = finding(report, "art031.indicators_by_previous_year_end/u-water/2022")
    assert (owed.status, owed.due, owed.details) == (
        "violated",
        D(2021, 12, 31),
        {"delivered": None},
    )


def test_a_due_date_too_soon_or_before_the_rules_says_why(tmp_path: Path) -> None:
    rule = "art031.indicators_by_previous_year_end/u-water"
    strict = evaluate(tmp_path, {}, D(2021, 1, 1))
    soon = finding(strict, f"{rule}/2021")  # due 2020-12-31, three days into the measures
    assert (soon.status, soon.due, soon.details) == ("not_applicable", D(2020, 12, 31), {})
    assert soon.message.zh.endswith(
        "不适用（自办法施行（或义务人开始承担义务）至截止日仅3天，少于30天）"
    )
    assert soon.message.en.endswith(
        "only 3 days from the rules taking effect (or the duty falling to the holder) to the "
        "due date, fewer than 30)"
    )
    clipped = evaluate(
        tmp_path, {}, D(2021, 1, 1), {"partial_first_period": "clip", "partial_tenure_min_days": 0}
    )
    outside = finding(clipped, f"{rule}/2020")  # the period is judged, its due date is not
    assert (outside.status, outside.due) == ("not_applicable", D(2019, 12, 31))
    assert outside.message.zh.endswith("不适用（截止日早于办法施行或不在任期内）")
    assert finding(clipped, f"{rule}/2021").status == "violated"


def test_a_once_deadline_names_no_period(tmp_path: Path) -> None:
    facts = {
        "liaison_lists": [
            {
                "id": "ll-water",
                "unit": "u-water",
                "filed_with": "u-office",
                "filed": D(2021, 3, 31),
                "liaisons": ["p-l-water"],
            }
        ]
    }
    report = evaluate(tmp_path, facts, D(2021, 5, 1), world=CH7)
    on_time = finding(report, "art028.liaison_list_filed/u-water/once")
    assert on_time.status == "fulfilled"
    assert (on_time.period.start, on_time.period.end, on_time.period.label) == (
        D(2020, 12, 29),
        D(2021, 3, 31),
        "once",
    )
    assert on_time.details == {"delivered": "2021-03-31", "due_supplied": "art028.liaison_list_due"}
    assert on_time.message.zh.endswith("：清河门区水利局，已履行（截止2021-03-31，2021-03-31报送）")
    assert on_time.message.en.endswith(
        ": 清河门区水利局 — fulfilled (due 2021-03-31, delivered 2021-03-31)"
    )


def test_a_once_deadline_before_the_duty_began_is_not_judged(tmp_path: Path) -> None:
    """``--param in_force=`` after the one-off due date: nothing can be owed by then."""
    report = evaluate(tmp_path, {}, D(2022, 2, 1), {"in_force": D(2022, 1, 1)}, world=CH7)
    na = finding(report, "art028.liaison_list_filed/u-water/once")
    assert (na.status, na.due, na.details) == ("not_applicable", D(2021, 3, 31), {})
    assert na.message.zh.endswith("不适用（截止日早于办法施行或义务人开始承担义务）")


def test_a_once_deadline_due_the_day_before_the_rules_is_not_judged(tmp_path: Path) -> None:
    """The rules take effect on 1 April, the list was due on 31 March: no day to do it in."""
    for min_days in (30, 1):  # however few days the policy asks for
        params = {"in_force": D(2021, 4, 1), "partial_tenure_min_days": min_days}
        report = evaluate(tmp_path, {}, D(2021, 5, 1), params, world=CH7)
        na = finding(report, "art028.liaison_list_filed/u-water/once")
        assert na.status == "not_applicable"
        assert na.message.en.endswith(
            "not applicable (due before the rules took effect or before the duty fell to the "
            "holder)"
        )


def test_a_once_deadline_may_exclude_its_date(tmp_path: Path) -> None:
    """``inclusive: false`` ("3月31日前" read strictly): the due date is the day before."""
    rule = {
        "id": "art028.liaison_list_before_march_31",
        "title": {"zh": "联络员名单3月31日前备案", "en": "Liaison list filed before 31 March"},
        "clause": "建立联络员制度，联络员名单报同级河长办备案",
        "modality": "obligation",
        "severity": "mandatory",
        "holder": {"unit": {"types": ["department"], "levels": ["district"]}},
        "requires": {
            "type": "deadline",
            "facts": "liaison_lists",
            "bind": {"unit": "holder"},
            "per": "once",
            "due": {"date": "2021-03-31", "inclusive": False},
        },
    }
    pack = pack_with(tmp_path, "art_028.yaml", [rule])
    lists = [
        {"id": "ll-water", "unit": "u-water", "filed_with": "u-office", "filed": D(2021, 3, 30),
         "liaisons": ["p-l-water"]},
        {"id": "ll-eco", "unit": "u-eco", "filed_with": "u-office", "filed": D(2021, 3, 31),
         "liaisons": ["p-l-eco"]},
    ]  # fmt: skip
    report = evaluate(tmp_path, {"liaison_lists": lists}, D(2021, 5, 1), pack=pack, world=CH7)
    on_time = finding(report, "art028.liaison_list_before_march_31/u-water/once")
    late = finding(report, "art028.liaison_list_before_march_31/u-eco/once")
    assert (on_time.status, on_time.due) == ("fulfilled", D(2021, 3, 30))
    assert (late.status, late.due) == ("fulfilled_late", D(2021, 3, 30))


# --- response ----------------------------------------------------------------------------------


def test_a_response_states_when_the_duty_opened_and_was_done(tmp_path: Path) -> None:
    facts = {
        "complaint_cases": [
            {"id": "cc-1", "received_by": "u-office", "received": D(2021, 3, 1),
             "channel": "letter", "description": "排污"},
            {"id": "cc-2", "received_by": "u-office", "received": D(2021, 3, 5),
             "channel": "letter", "description": "垃圾"},
        ],
        "case_transfers": [
            {"id": "ct-1", "case": "cc-1", "from_unit": "u-office", "to_unit": "u-eco",
             "date": D(2021, 3, 17)}
        ],
    }  # fmt: skip
    report = evaluate(tmp_path, facts, D(2021, 4, 1), world=CH7)
    late = finding(report, "art027.complaint_transferred_timely/u-office/cc-1")
    assert (late.status, late.due, late.subject) == ("fulfilled_late", D(2021, 3, 16), "cc-1")
    assert (late.period.start, late.period.end, late.period.label) == (
        D(2021, 3, 1),
        D(2021, 3, 16),
        "2021-03-01",
    )
    assert late.evidence == ["cc-1", "ct-1"]
    assert late.details == {
        "opened": "2021-03-01",
        "done": "2021-03-17",
        "due_supplied": "art027.complaint_transfer_days",
    }
    assert late.message.zh.endswith("逾期履行（2021-03-01起，截止2021-03-16，2021-03-17办理）")
    assert late.message.en.endswith(
        "fulfilled late (opened 2021-03-01, due 2021-03-16, done 2021-03-17)"
    )
    open_ = finding(report, "art027.complaint_transferred_timely/u-office/cc-2")
    assert (open_.status, open_.evidence) == ("violated", ["cc-2"])
    assert open_.details == {
        "opened": "2021-03-05",
        "done": None,
        "due_supplied": "art027.complaint_transfer_days",
    }
    assert open_.message.zh.endswith("未履行（2021-03-05起，截止2021-03-20，未见办理）")
    assert open_.message.en.endswith("violated (opened 2021-03-05, due 2021-03-20, nothing done)")


def test_a_trigger_opens_a_duty_from_the_day_the_rules_take_effect(tmp_path: Path) -> None:
    """A complaint received before 29 December 2020 opens no duty under the rules; one received
    that day does, and so do the later ones."""

    def case(id_: str, day: dt.date) -> dict[str, Any]:
        return {"id": id_, "received_by": "u-office", "received": day, "channel": "letter",
                "description": "排污"}  # fmt: skip

    facts = {
        "complaint_cases": [
            case("cc-0", D(2020, 12, 28)),
            case("cc-1", D(2020, 12, 29)),
            case("cc-2", D(2021, 1, 4)),
        ]
    }
    report = evaluate(tmp_path, facts, D(2021, 4, 1), world=CH7)
    found = [f.id for f in report.findings if f.rule_id == "art027.complaint_transferred_timely"]
    assert found == [
        "art027.complaint_transferred_timely/u-office/cc-1",
        "art027.complaint_transferred_timely/u-office/cc-2",
    ]


EVALUATION = {
    "id": "ev-hexi",
    "organised_by": "u-office",
    "evaluated": "u-hexi-gov",
    "jurisdiction": "j-hexi",
    "date": D(2021, 10, 15),
    "opinion": {
        "issued": D(2021, 10, 15),
        "item_assessments": {"work_plan": "已印发"},
        "overall_conclusion": "基本合格",
        "problems": ["镇级河长考核办法尚未印发"],
        "rectification_requirements": ["印发镇级考核办法"],
        "deadline": D(2021, 11, 30),
    },
}


def test_a_stated_deadline_is_no_supplied_number_of_days(tmp_path: Path) -> None:
    report = evaluate(tmp_path, {"evaluations": [EVALUATION]}, D(2022, 1, 1))
    own = finding(report, "art025.rectified_in_time/u-hexi-gov/ev-hexi")
    assert (own.status, own.due, own.escalated_from) == ("violated", D(2021, 11, 30), None)
    assert own.details == {"opened": "2021-10-15", "done": None}


def test_an_escalated_duty_names_the_finding_that_opened_it(tmp_path: Path) -> None:
    report = evaluate(tmp_path, {"evaluations": [EVALUATION]}, D(2022, 1, 1))
    up = finding(report, "art025.unrectified_matter_supervised/u-office/ev-hexi")
    assert up.escalated_from == "art025.rectified_in_time/u-hexi-gov/ev-hexi"
    assert (up.status, up.subject, up.evidence) == ("violated", "ev-hexi", ["ev-hexi"])
    assert (up.period.start, up.due) == (D(2021, 12, 1), D(2021, 12, 31))  # the day after, +30
    assert up.details == {
        "opened": "2021-12-01",
        "done": None,
        "due_supplied": "art025.supervision_days",
    }


# --- evidence ----------------------------------------------------------------------------------


def test_a_record_lists_what_it_fails_to_state(tmp_path: Path) -> None:
    rule = "art018.inspection_record_elements/p-rc2"
    facts = {
        "inspections": [
            inspection("i-x", D(2021, 5, 6), "p-rc2", record={
                "content": "检查岸线", "problems": [], "requirements": []}),
            inspection("i-none", D(2021, 5, 7), "p-rc2"),
            inspection("i-ok", D(2021, 5, 8), "p-rc2", record={
                "time": "上午", "place": "清河", "content": "检查岸线", "problems": [],
                "requirements": []}),
        ]
    }  # fmt: skip
    report = evaluate(tmp_path, facts, D(2021, 6, 1))
    two = finding(report, f"{rule}/i-x")
    assert (two.status, two.subject, two.evidence, two.due) == (
        "violated",
        "i-x",
        ["i-x"],
        D(2021, 5, 6),
    )
    assert two.details == {"failed": ["missing record.time", "missing record.place"]}
    assert two.message.zh.endswith("未履行（缺少巡查时间；缺少巡查地点）")
    assert two.message.en.endswith("violated (missing record.time; missing record.place)")
    # No record at all: that one failure, not one per element it would hold.
    assert finding(report, f"{rule}/i-none").details == {"failed": ["no inspection record"]}
    ok = finding(report, f"{rule}/i-ok")
    assert (ok.status, ok.details) == ("fulfilled", {"failed": []})
    assert ok.message.zh.endswith("：刘洋，已履行")


# --- forbid, and a deadline without `period_field` (no rule of the bundled pack has them) -------

NO_OTHER_METHOD = {
    "id": "art016.no_other_method",
    "title": {"zh": "河长不以其他方式巡查", "en": "No inspection by other means"},
    "clause": "河长每半年至少巡查1次",
    "modality": "prohibition",
    "severity": "mandatory",
    "holder": {"post": {"roles": ["river_chief"]}},
    "requires": {
        "type": "forbid",
        "facts": "inspections",
        "bind": {"inspector": "holder"},
        "where": [{"field": "method", "equals": "other"}],
        "per": "quarter",
    },
}


def test_a_forbidden_act_is_a_breach_in_its_period(tmp_path: Path) -> None:
    pack = pack_with(tmp_path, "art_016.yaml", [NO_OTHER_METHOD])
    facts = {
        "inspections": [
            inspection("i-2", D(2021, 2, 3), method="other"),
            inspection("i-1", D(2021, 2, 1), method="other"),
            inspection("i-3", D(2021, 5, 3)),  # a site survey: not forbidden
        ]
    }
    rule = "art016.no_other_method/p-rc1"
    on_june_30 = evaluate(tmp_path, facts, D(2021, 6, 30), pack=pack)
    q1 = finding(on_june_30, f"{rule}/2021-Q1")
    assert (q1.status, q1.due, q1.evidence, q1.details) == (
        "violated",
        D(2021, 3, 31),
        ["i-1", "i-2"],
        {"count": 2},
    )
    assert (q1.period.start, q1.period.end, q1.period.label) == (
        D(2021, 1, 1),
        D(2021, 3, 31),
        "2021-Q1",
    )
    assert q1.message.zh.endswith("2021年第1季度，未履行（发现2项禁止事项）")
    assert q1.message.en.endswith("in 2021-Q1 — violated (2 forbidden fact(s))")
    q2 = finding(on_june_30, f"{rule}/2021-Q2")  # its last day: it may still be breached
    assert (q2.status, q2.evidence, q2.details) == ("pending", ["a-rc1"], {"count": 0})
    on_july_1 = evaluate(tmp_path, facts, D(2021, 7, 1), pack=pack)
    assert finding(on_july_1, f"{rule}/2021-Q2").status == "fulfilled"
    before = finding(on_july_1, f"{rule}/2020-Q4")
    assert (before.status, before.due, before.details) == ("not_applicable", None, {})
    # Known only once dated on or before the as-of date: i-1 on 1 February.
    assert (
        finding(evaluate(tmp_path, facts, D(2021, 1, 31), pack=pack), f"{rule}/2021-Q1").status
        == "pending"
    )
    assert finding(
        evaluate(tmp_path, facts, D(2021, 2, 1), pack=pack), f"{rule}/2021-Q1"
    ).evidence == ["i-1"]


def test_a_deadline_without_period_field_takes_deliveries_dated_in_the_year(tmp_path: Path) -> None:
    """Without ``period_field`` a year's deliverables are those dated inside it (rule format,
    section 8.5): a plan for 2021 issued in January 2022 is 2022's delivery, not 2021's."""
    rule = {
        "id": "art032.plan_issued_in_the_year",
        "title": {"zh": "年内印发考核工作方案", "en": "A plan is issued within the year"},
        "clause": "征求各有关部门意见后报总河长审定印发",
        "modality": "obligation",
        "severity": "mandatory",
        "holder": {"unit": {"types": ["river_chief_office"], "levels": ["district"]}},
        "requires": {
            "type": "deadline",
            "facts": "assessment_plans",
            "where": [{"field": "issued", "present": True}],
            "bind": {"drafted_by": "holder"},
            "date_field": "issued",
            "per": "year",
            "due": {"month_day": "12-05"},
        },
    }
    pack = pack_with(tmp_path, "art_032.yaml", [rule])
    plans = [
        {**PLAN_2021, "id": "plan-a", "issued": D(2021, 12, 6)},  # for 2021, late
        {**PLAN_2021, "id": "plan-b", "year": 2021, "issued": D(2022, 1, 5)},  # in 2022
    ]
    report = evaluate(tmp_path, {"assessment_plans": plans}, D(2022, 12, 6), pack=pack)
    y2021 = finding(report, "art032.plan_issued_in_the_year/u-office/2021")
    assert (y2021.status, y2021.evidence) == ("fulfilled_late", ["plan-a"])
    y2022 = finding(report, "art032.plan_issued_in_the_year/u-office/2022")
    assert (y2022.status, y2022.evidence, y2022.details) == (
        "fulfilled",
        ["plan-b"],
        {"delivered": "2022-01-05"},
    )


def test_a_deadline_is_judged_on_the_stretch_in_post_that_covers_its_due_date(
    tmp_path: Path,
) -> None:
    """A river chief in post from January to March and again from May owes a report due on
    31 March on the first stretch (90 days: judged); the later return does not make the due date
    fall before the duty."""
    rule = {
        "id": "art016.first_inspection_by_march_31",
        "title": {"zh": "3月31日前首次巡查", "en": "A first inspection by 31 March"},
        "clause": "河长每半年至少巡查1次",
        "modality": "obligation",
        "severity": "mandatory",
        "holder": {"post": {"roles": ["river_chief"]}},
        "requires": {
            "type": "deadline",
            "facts": "inspections",
            "bind": {"inspector": "holder"},
            "per": "once",
            "due": {"date": "2021-03-31"},
        },
    }
    pack = pack_with(tmp_path, "art_016.yaml", [rule])
    post = {"role": "river_chief", "jurisdiction": "j-qhm", "rivers": ["r-xihe"]}
    facts = {
        "people": [{"id": "p-b", "name": "乙"}],
        "appointments": [
            {"id": "a-b1", "person": "p-b", "start": D(2021, 1, 1), "end": D(2021, 3, 31), **post},
            {"id": "a-b2", "person": "p-b", "start": D(2021, 5, 1), **post},
        ],
    }
    report = evaluate(tmp_path, facts, D(2021, 5, 15), pack=pack)
    owed = finding(report, "art016.first_inspection_by_march_31/p-b/once")
    assert (owed.status, owed.due, owed.evidence) == ("violated", D(2021, 3, 31), ["a-b1", "a-b2"])
    # The period runs from the holder's first day (later than the rules' taking effect).
    assert (owed.period.start, owed.period.end) == (D(2021, 1, 1), D(2021, 3, 31))


def test_a_missing_element_hides_only_the_checks_on_its_parts(tmp_path: Path) -> None:
    """No record: "missing record" stands for the record's time and place, but a condition on
    another field is still checked and reported."""
    rule = {
        "id": "art018.record_and_river",
        "title": {"zh": "巡查记录与河流", "en": "Record and river"},
        "clause": "巡查记录应载明巡查时间、地点、主要内容、发现问题及要求",
        "modality": "obligation",
        "severity": "mandatory",
        "holder": {"field": "inspector"},
        "requires": {
            "type": "evidence",
            "facts": "inspections",
            "must": [
                {"field": "record", "present": True},
                {"field": "record.time", "present": True},
                {"field": "record.place", "present": True},
                {"field": "rivers", "present": True},
            ],
        },
    }
    pack = pack_with(tmp_path, "art_018.yaml", [rule])
    bare = inspection("i-bare", D(2021, 5, 6), "p-rc2")
    del bare["rivers"]
    report = evaluate(tmp_path, {"inspections": [bare]}, D(2021, 6, 1), pack=pack)
    f = finding(report, "art018.record_and_river/p-rc2/i-bare")
    assert f.status == "violated"
    assert f.details == {"failed": ["missing record", "missing rivers"]}
