"""The fact model: typed records of everything the regulation talks about.

A fact file groups records by kind (``inspections:``, ``meetings:`` …). Every record has an
``id`` unique across all kinds. Reference fields (typed ``PersonRef``, ``UnitRef`` …) must name an
existing record of the right kind. ``None`` (or an omitted field) means *not stated*; an empty list
means *stated as empty*: an inspection record with ``problems: []`` says no problem was found, one
without ``problems`` does not say (art. 18).

``DATE_FIELD`` names the date a record came into being. The evaluator ignores records dated after
the as-of date, so an audit "as of" a day sees what was knowable that day. Records without one
(people, units, rivers, appointments) describe standing structure.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat

from hezhang_rules.facts.enums import (
    ComplaintChannel,
    DepartmentKind,
    DisclosureChannel,
    EvaluationCriterion,
    InspectionMethod,
    JurisdictionLevel,
    MeasureKind,
    MeetingKind,
    PenaltyKind,
    PlatformFunction,
    Role,
    SupervisionForm,
    SupervisionLevel,
    SupervisionListMode,
    SupervisionMethod,
    UnitType,
)
from hezhang_rules.facts.types import (
    Date,
    Id,
    Int,
    JurisdictionRef,
    PartyRef,
    PersonRef,
    RiverRef,
    Text,
    UnitRef,
    Year,
    ref,
)

FiniteFloat = Annotated[StrictFloat, Field(allow_inf_nan=False)]
"""A number with a fraction; NaN and infinities are refused (no measure is infinite)."""

SentTo = Annotated[
    PartyRef | None,
    Field(title="报送对象", description="a unit, or a person it went to instead"),
]
"""Whom a report or a submission went to (optional)."""

TownshipScores = Annotated[dict[str, FiniteFloat | Int] | None, Field(title="乡镇得分")]
"""Each township's assessment score (optional)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fact(_Model):
    """Base of every record kind."""

    KIND: ClassVar[str] = ""
    DATE_FIELD: ClassVar[str | None] = None
    id: Id = Field(title="编号")
    note: Text | None = Field(default=None, title="备注")

    def fact_date(self) -> dt.date | None:
        """The date this record came into being, or ``None`` for standing structure."""
        if self.DATE_FIELD is None:
            return None
        value = getattr(self, self.DATE_FIELD)
        return value if isinstance(value, dt.date) else None


# --- structure: jurisdictions, people, posts, units, rivers ---------------------------------


class Jurisdiction(Fact):
    """区 / 乡镇 / 街道 / 村."""

    KIND: ClassVar[str] = "jurisdictions"
    name: Text = Field(title="名称")
    level: JurisdictionLevel = Field(title="级别")
    parent: JurisdictionRef | None = Field(default=None, title="上级")
    code: Text | None = Field(default=None, title="行政区划代码")


class Person(Fact):
    """A person; the posts they hold are their appointments (art. 11)."""

    KIND: ClassVar[str] = "people"
    name: Text = Field(title="姓名")


class Unit(Fact):
    """An organisation: the river chief office, a department, a township government …"""

    KIND: ClassVar[str] = "units"
    name: Text = Field(title="名称")
    type: UnitType = Field(title="类型")
    jurisdiction: JurisdictionRef = Field(title="所属行政区")
    established: Date | None = Field(default=None, title="设立日期")
    dissolved: Date | None = Field(default=None, title="撤销日期")
    sector: Text | None = Field(default=None, title="行业")
    department_kind: DepartmentKind | None = Field(
        default=None, title="部门类别", description="for departments (art. 26)"
    )
    assessment_role: StrictBool = Field(
        default=False,
        title="负责考核",
        description="Sets township assessment indicators for its sector (art. 31, 33, 34).",
    )


class Appointment(Fact):
    """A person holding a post for a time (art. 11: 变动情况)."""

    KIND: ClassVar[str] = "appointments"
    person: PersonRef = Field(title="人员")
    role: Role = Field(title="职务")
    jurisdiction: JurisdictionRef = Field(title="行政区")
    unit: UnitRef | None = Field(default=None, title="单位")
    rivers: list[RiverRef] | None = Field(default=None, title="责任河湖")
    portfolio: list[Text] | None = Field(
        default=None, title="分管工作", description="e.g. water, environment (art. 7)"
    )
    start: Date = Field(title="任职开始")
    end: Date | None = Field(default=None, title="任职结束", description="last day in post")


class River(Fact):
    """A river, lake or reach (河段) with its responsibility area."""

    KIND: ClassVar[str] = "rivers"
    name: Text = Field(title="名称")
    code: Text | None = Field(default=None, title="河流编码")
    jurisdictions: list[JurisdictionRef] = Field(min_length=1, title="流经行政区")
    parent: RiverRef | None = Field(default=None, title="所属河流")
    length_km: FiniteFloat | Int | None = Field(default=None, title="长度(公里)")


# --- meetings (art. 4-8, 28) -----------------------------------------------------------------


class Minutes(_Model):
    """会议纪要. ``signed_by`` 签发; ``approved_by`` 审定; ``issued`` 印发日期."""

    issued: Date | None = Field(default=None, title="印发日期")
    signed_by: PersonRef | None = Field(default=None, title="签发人")
    approved_by: PersonRef | None = Field(default=None, title="审定人")
    document_number: Text | None = Field(default=None, title="文号")
    decisions: list[Text] | None = Field(default=None, title="议定事项")


class Meeting(Fact):
    """A meeting of the river chief system (art. 4-8) or a joint enforcement meeting
    (art. 28), with who presided and attended and its minutes."""

    KIND: ClassVar[str] = "meetings"
    DATE_FIELD: ClassVar[str | None] = "date"
    kind: MeetingKind = Field(title="会议类型")
    jurisdiction: JurisdictionRef = Field(title="行政区")
    date: Date = Field(title="会议日期")
    presider: PersonRef | None = Field(default=None, title="主持人")
    convener: PersonRef | None = Field(default=None, title="召集人")
    delegated_by: PersonRef | None = Field(default=None, title="委托人")
    entrusted: StrictBool | None = Field(
        default=None,
        title="受委托主持",
        description=(
            "art. 5: true: the presider was entrusted by the general chief (`delegated_by` may "
            "name who); false: presided without entrustment; null: not recorded"
        ),
    )
    organiser: UnitRef | None = Field(default=None, title="筹备单位")
    attendees: list[PersonRef] | None = Field(default=None, title="参会人员")
    attending_units: list[UnitRef] | None = Field(default=None, title="参会单位")
    minutes: Minutes | None = Field(default=None, title="会议纪要")


# --- inspections and rectification (art. 16-19) ----------------------------------------------


class Problem(_Model):
    """A problem an inspection found (art. 18); ``major`` marks a main problem (art. 19)."""

    id: Id = Field(title="问题编号")
    description: Text = Field(title="问题描述")
    major: StrictBool | None = Field(
        default=None,
        title="主要问题",
        description="true: main problem; false: minor; null: not marked",
    )
    responsible: list[PartyRef] | None = Field(default=None, title="责任主体")


class InspectionRecord(_Model):
    """巡查记录 (art. 18): each element is ``None`` when the record does not state it."""

    time: Text | None = Field(default=None, title="巡查时间")
    place: Text | None = Field(default=None, title="巡查地点")
    content: Text | None = Field(default=None, title="主要内容")
    problems: list[Problem] | None = Field(default=None, title="发现问题")
    requirements: list[Text] | None = Field(default=None, title="要求")


class Inspection(Fact):
    """巡河: a chief's inspection (art. 16-18), with its record (巡查记录) and problems."""

    KIND: ClassVar[str] = "inspections"
    DATE_FIELD: ClassVar[str | None] = "date"
    inspector: PersonRef = Field(title="巡查人")
    date: Date = Field(title="巡查日期")
    jurisdiction: JurisdictionRef | None = Field(default=None, title="行政区")
    rivers: list[RiverRef] | None = Field(default=None, title="巡查河湖")
    method: InspectionMethod = Field(default=InspectionMethod.site_survey, title="巡查方式")
    duration_minutes: Int | None = Field(default=None, ge=0, title="时长(分钟)")
    distance_km: FiniteFloat | Int | None = Field(default=None, ge=0, title="里程(公里)")
    record: InspectionRecord | None = Field(default=None, title="巡查记录")


class RectificationOpinion(Fact):
    """整改意见: from an inspection (art. 19); evaluation opinions carry their own (art. 24)."""

    KIND: ClassVar[str] = "rectification_opinions"
    DATE_FIELD: ClassVar[str | None] = "issued"
    issued_by: UnitRef = Field(title="出具单位")
    issued: Date = Field(title="出具日期")
    inspection: Annotated[Id, ref("inspections")] | None = Field(default=None, title="来源巡查")
    problems: list[Annotated[Id, ref("problems")]] | None = Field(default=None, title="问题")
    addressed_to: list[PartyRef] = Field(min_length=1, title="整改责任主体")
    deadline: Date | None = Field(default=None, title="整改期限")
    requirements: list[Text] | None = Field(default=None, title="整改要求")


class RectificationReport(Fact):
    """整改报告, answering an inspection opinion, a supervision opinion or an evaluation."""

    KIND: ClassVar[str] = "rectification_reports"
    DATE_FIELD: ClassVar[str | None] = "submitted"
    responds_to: Annotated[
        Id, ref("rectification_opinions", "supervision_opinions", "evaluations")
    ] = Field(title="所答复意见")
    submitted_by: PartyRef = Field(title="报送主体")
    submitted: Date = Field(title="报送日期")
    to: SentTo = None
    completed: StrictBool | None = Field(default=None, title="整改完成")


# --- supervision (art. 20-22) and evaluation (art. 23-25) -------------------------------------


class SupervisionOpinion(Fact):
    """督察（办）意见书 (art. 22)."""

    KIND: ClassVar[str] = "supervision_opinions"
    DATE_FIELD: ClassVar[str | None] = "issued"
    issued_by: UnitRef = Field(title="督察督办单位")
    level: SupervisionLevel = Field(title="督察督办层级")
    method: SupervisionMethod | None = Field(default=None, title="督察督办方式")
    form: SupervisionForm | None = Field(default=None, title="督察督办形式")
    list_mode: SupervisionListMode | None = Field(default=None, title="一县一单/一事一单")
    addressed_to: list[PartyRef] = Field(min_length=1, title="被督察督办单位")
    issued: Date = Field(title="出具日期")
    matters: list[Text] | None = Field(default=None, title="督察督办事项")
    source: Id | None = Field(
        default=None, title="来源", description="e.g. an evaluation (art. 25)"
    )
    deadline: Date | None = Field(default=None, title="整改期限")


class EvaluationOpinion(_Model):
    """评估验收意见 (art. 24): each element ``None`` when not stated."""

    issued: Date | None = Field(default=None, title="出具日期")
    item_assessments: dict[EvaluationCriterion, Text] | None = Field(
        default=None, title="各项内容评估情况"
    )
    overall_conclusion: Text | None = Field(default=None, title="总体评估结论")
    problems: list[Text] | None = Field(default=None, title="存在主要问题")
    rectification_requirements: list[Text] | None = Field(default=None, title="整改意见")
    deadline: Date | None = Field(default=None, title="整改期限")


class Evaluation(Fact):
    """评估验收 (art. 24): a unit's evaluation of a party's work, with its opinion."""

    KIND: ClassVar[str] = "evaluations"
    DATE_FIELD: ClassVar[str | None] = "date"
    organised_by: UnitRef = Field(title="组织单位")
    evaluated: PartyRef = Field(title="被评估验收单位")
    jurisdiction: JurisdictionRef | None = Field(default=None, title="行政区")
    date: Date = Field(title="评估验收日期")
    opinion: EvaluationOpinion | None = Field(default=None, title="评估验收意见")


# --- enforcement (art. 26-29) ----------------------------------------------------------------


class ComplaintCase(Fact):
    """举报案件 received by the river chief office (art. 27)."""

    KIND: ClassVar[str] = "complaint_cases"
    DATE_FIELD: ClassVar[str | None] = "received"
    received_by: UnitRef = Field(title="受理单位")
    received: Date = Field(title="受理日期")
    channel: ComplaintChannel | None = Field(default=None, title="举报方式")
    description: Text | None = Field(default=None, title="举报内容")


class CaseTransfer(Fact):
    """A case handed to a department (art. 27) or a criminal case to public security (art. 29)."""

    KIND: ClassVar[str] = "case_transfers"
    DATE_FIELD: ClassVar[str | None] = "date"
    case: Annotated[Id, ref("complaint_cases", "enforcement_cases")] = Field(title="案件")
    from_unit: UnitRef = Field(title="移交单位")
    to_unit: UnitRef = Field(title="接收单位")
    date: Date = Field(title="移交日期")
    criminal: StrictBool = Field(default=False, title="涉嫌犯罪移送")


class CaseResult(Fact):
    """调查处理结果 reported back to the office (art. 27)."""

    KIND: ClassVar[str] = "case_results"
    DATE_FIELD: ClassVar[str | None] = "reported"
    case: Annotated[Id, ref("complaint_cases", "enforcement_cases")] = Field(title="案件")
    reported_by: UnitRef = Field(title="报送单位")
    reported_to: UnitRef = Field(title="接收单位")
    reported: Date = Field(title="报送日期")
    outcome: Text | None = Field(default=None, title="处理结果")


class EnforcementCase(Fact):
    """涉河行政执法案件 (art. 26, 29)."""

    KIND: ClassVar[str] = "enforcement_cases"
    DATE_FIELD: ClassVar[str | None] = "opened"
    unit: UnitRef = Field(title="办案单位")
    opened: Date = Field(title="立案日期")
    complaint: Annotated[Id, ref("complaint_cases")] | None = Field(default=None, title="来源举报")
    suspected_crime: StrictBool = Field(default=False, title="涉嫌犯罪")
    suspected_crime_found: Date | None = Field(default=None, title="发现涉嫌犯罪日期")
    description: Text | None = Field(default=None, title="案情")


class Penalty(Fact):
    """行政处罚 imposed in an enforcement case (art. 26, 29)."""

    KIND: ClassVar[str] = "penalties"
    DATE_FIELD: ClassVar[str | None] = "date"
    case: Annotated[Id, ref("enforcement_cases")] = Field(title="案件")
    unit: UnitRef = Field(title="处罚单位")
    kind: PenaltyKind = Field(title="处罚种类")
    amount_yuan: FiniteFloat | Int | None = Field(default=None, ge=0, title="金额(元)")
    date: Date = Field(title="处罚日期")


class LiaisonList(Fact):
    """联络员名单 filed with the river chief office of the same level (art. 28)."""

    KIND: ClassVar[str] = "liaison_lists"
    DATE_FIELD: ClassVar[str | None] = "filed"
    unit: UnitRef = Field(title="报送单位")
    filed_with: UnitRef = Field(title="备案单位")
    filed: Date = Field(title="备案日期")
    liaisons: list[PersonRef] = Field(min_length=1, title="联络员")


# --- assessment (art. 30-36) -------------------------------------------------------------------


class _DepartmentSubmission(Fact):
    """What a department sends for an assessment year, dated when sent (art. 31, 34)."""

    DATE_FIELD: ClassVar[str | None] = "submitted"
    department: UnitRef = Field(title="部门")
    year: Year = Field(title="考核年度")
    submitted: Date = Field(title="报送日期")
    to: SentTo = None


class AssessmentIndicators(_DepartmentSubmission):
    """考核指标和考核标准 a department sends for a year (art. 31)."""

    KIND: ClassVar[str] = "assessment_indicators"
    indicators: list[Text] | None = Field(default=None, title="考核指标")
    standards: list[Text] | None = Field(default=None, title="考核标准")
    townships: list[JurisdictionRef] | None = Field(default=None, title="分解到乡镇")


class AssessmentPlan(Fact):
    """区考核工作方案 drafted by the office and approved by the general chief (art. 32)."""

    KIND: ClassVar[str] = "assessment_plans"
    DATE_FIELD: ClassVar[str | None] = "drafted"
    drafted_by: UnitRef = Field(title="起草单位")
    year: Year = Field(title="考核年度")
    drafted: Date = Field(title="起草日期")
    consulted: list[UnitRef] | None = Field(default=None, title="征求意见部门")
    approved_by: PersonRef | None = Field(default=None, title="审定人")
    approved: Date | None = Field(default=None, title="审定日期")
    issued: Date | None = Field(default=None, title="印发日期")
    weights: dict[str, FiniteFloat | Int] | None = Field(default=None, title="赋分权重")


class AssessmentImplementationRules(Fact):
    """考核工作实施细则 of a department (art. 33)."""

    KIND: ClassVar[str] = "assessment_implementation_rules"
    DATE_FIELD: ClassVar[str | None] = "issued"
    department: UnitRef = Field(title="部门")
    year: Year = Field(title="考核年度")
    issued: Date = Field(title="印发日期")
    organisation_form: Text | None = Field(default=None, title="考核组织形式")
    frequency: Text | None = Field(default=None, title="频次")
    timing: Text | None = Field(default=None, title="时间")


class AssessmentResult(_DepartmentSubmission):
    """年度考核结果 a department sends to the office (art. 34)."""

    KIND: ClassVar[str] = "assessment_results"
    formal_document: StrictBool = Field(title="正式文件")
    document_number: Text | None = Field(default=None, title="文号")
    scores: TownshipScores = None


class AssessmentSummary(Fact):
    """The office's aggregated township results, reported and copied (art. 34)."""

    KIND: ClassVar[str] = "assessment_summaries"
    DATE_FIELD: ClassVar[str | None] = "reported"
    office: UnitRef = Field(title="汇总单位")
    year: Year = Field(title="考核年度")
    reported: Date = Field(title="报送日期")
    recipients: list[PersonRef] = Field(min_length=1, title="报送对象")
    copied_to: list[PersonRef] | None = Field(default=None, title="抄报对象")
    scores: TownshipScores = None


class Reward(Fact):
    """奖励 for excellent assessment results (art. 36)."""

    KIND: ClassVar[str] = "rewards"
    DATE_FIELD: ClassVar[str | None] = "date"
    granted_by: UnitRef = Field(title="奖励单位")
    recipient: PartyRef = Field(title="奖励对象")
    year: Year = Field(title="考核年度")
    date: Date = Field(title="日期")


class AccountabilityAction(Fact):
    """责任追究 for poor performance (art. 36)."""

    KIND: ClassVar[str] = "accountability_actions"
    DATE_FIELD: ClassVar[str | None] = "date"
    taken_by: UnitRef = Field(title="追责单位")
    subject: PartyRef = Field(title="追责对象")
    date: Date = Field(title="日期")
    grounds: Text | None = Field(default=None, title="事由")


# --- information (art. 9-15) -------------------------------------------------------------------


class InformationReport(Fact):
    """信息报送 (art. 12): who sent what to whom, approved by whom."""

    KIND: ClassVar[str] = "information_reports"
    DATE_FIELD: ClassVar[str | None] = "date"
    sender: UnitRef = Field(title="报送单位")
    recipients: list[PartyRef] = Field(min_length=1, title="报送对象")
    date: Date = Field(title="报送日期")
    approved_by: PersonRef | None = Field(default=None, title="审定人")
    higher_level_rule: Text | None = Field(
        default=None,
        title="上级规定",
        description="The higher-level rule that governs approval instead (art. 12).",
    )
    title: Text | None = Field(default=None, title="标题")


class Notification(Fact):
    """信息通报 (art. 13)."""

    KIND: ClassVar[str] = "notifications"
    DATE_FIELD: ClassVar[str | None] = "date"
    issued_by: UnitRef = Field(title="通报单位")
    recipients: list[PartyRef] = Field(min_length=1, title="通报对象")
    date: Date = Field(title="通报日期")
    topics: list[Text] | None = Field(default=None, title="通报内容")


class Disclosure(Fact):
    """信息公开 (art. 15)."""

    KIND: ClassVar[str] = "disclosures"
    DATE_FIELD: ClassVar[str | None] = "date"
    by: UnitRef = Field(title="公开单位")
    channel: DisclosureChannel = Field(title="公开渠道")
    date: Date = Field(title="公开日期")
    title: Text | None = Field(default=None, title="标题")


class InformationPlatform(Fact):
    """河长制信息管理平台 and its functions as recorded on a date (art. 10)."""

    KIND: ClassVar[str] = "information_platforms"
    DATE_FIELD: ClassVar[str | None] = "recorded"
    operated_by: UnitRef = Field(title="建设管理单位")
    recorded: Date = Field(title="记录日期")
    functions: list[PlatformFunction] = Field(title="功能")


class ImplementingMeasure(Fact):
    """乡镇 measures or department implementation plans made under art. 37."""

    KIND: ClassVar[str] = "implementing_measures"
    DATE_FIELD: ClassVar[str | None] = "issued"
    issued_by: PartyRef = Field(title="制定单位")
    kind: MeasureKind = Field(title="类型")
    issued: Date = Field(title="印发日期")
    title: Text | None = Field(default=None, title="标题")


FACT_MODELS: tuple[type[Fact], ...] = (
    Jurisdiction,
    Person,
    Unit,
    Appointment,
    River,
    Meeting,
    Inspection,
    RectificationOpinion,
    RectificationReport,
    SupervisionOpinion,
    Evaluation,
    ComplaintCase,
    CaseTransfer,
    CaseResult,
    EnforcementCase,
    Penalty,
    LiaisonList,
    AssessmentIndicators,
    AssessmentPlan,
    AssessmentImplementationRules,
    AssessmentResult,
    AssessmentSummary,
    Reward,
    AccountabilityAction,
    InformationReport,
    Notification,
    Disclosure,
    InformationPlatform,
    ImplementingMeasure,
)

FACT_KINDS: dict[str, type[Fact]] = {model.KIND: model for model in FACT_MODELS}
"""Fact kind (the key in a fact file) → model."""
