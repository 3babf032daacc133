"""Enumerations named by the regulation.

Each value is the identifier rule files and fact files use; ``GLOSSARY`` gives the Chinese and
English terms reports and finding messages print (through :func:`term`), never the identifier.
Art. 4 defines the meeting kinds, art. 20 the supervision levels, methods and forms, art. 23 the
evaluation criteria, art. 26 the departments, art. 15 the disclosure channels.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum, StrEnum
from typing import Any


class JurisdictionLevel(StrEnum):
    city = "city"
    district = "district"
    township = "township"  # 乡镇 and 街道 alike
    village = "village"


class Role(StrEnum):
    general_chief = "general_chief"  # 总河长
    deputy_general_chief = "deputy_general_chief"  # 副总河长
    river_chief = "river_chief"  # 河长
    office_director = "office_director"  # 河长办主任
    department_head = "department_head"  # 部门主要负责人
    department_deputy_head = "department_deputy_head"  # 部门分管负责人
    liaison = "liaison"  # 联络员
    deputy_district_head = "deputy_district_head"  # 副区长
    district_head = "district_head"  # 区长


class UnitType(StrEnum):
    district_government = "district_government"  # 区政府
    district_party_committee = "district_party_committee"  # 区委
    township_government = "township_government"  # 乡镇人民政府、街道办事处
    river_chief_office = "river_chief_office"  # 河长制办公室
    department = "department"  # 区政府有关部门
    public_security = "public_security"  # 公安部门 (公安分局 is also a department; see art. 28)
    city_party_committee = "city_party_committee"  # 市委
    city_government = "city_government"  # 市政府
    city_performance_office = "city_performance_office"  # 市绩效办
    other = "other"


class DepartmentKind(StrEnum):
    """The departments art. 26 names (发改局, 财政局 …); ``other`` for the rest."""

    development_reform = "development_reform"  # 发改局
    finance = "finance"  # 财政局
    housing_construction = "housing_construction"  # 住建局
    agriculture_rural = "agriculture_rural"  # 农业农村局
    public_security = "public_security"  # 公安分局
    natural_resources = "natural_resources"  # 自然资源分局
    ecology_environment = "ecology_environment"  # 生态环境分局
    water = "water"  # 水利 (水务) 部门
    other = "other"


class MeetingKind(StrEnum):
    general_chief_meeting = "general_chief_meeting"  # 总河长会议
    river_chief_meeting = "river_chief_meeting"  # 河长会议
    joint_department_meeting = "joint_department_meeting"  # 部门联席会议
    office_meeting = "office_meeting"  # 区河长办会议
    joint_enforcement_meeting = "joint_enforcement_meeting"  # 联合执法联席会议 (art. 28)


class InspectionMethod(StrEnum):
    report_hearing = "report_hearing"  # 听取汇报
    site_survey = "site_survey"  # 查勘现场
    document_review = "document_review"  # 审阅资料
    discussion = "discussion"  # 座谈交流
    on_site_office = "on_site_office"  # 现场办公
    other = "other"  # 等


class SupervisionLevel(StrEnum):
    district_government = "district_government"  # 区政府督察督办
    river_chief_office = "river_chief_office"  # 区河长办督察督办
    department = "department"  # 部门督察督办


class SupervisionMethod(StrEnum):
    routine = "routine"  # 日常督察督办
    special = "special"  # 专项督察督办
    key = "key"  # 重点督察督办


class SupervisionForm(StrEnum):
    on_site_office = "on_site_office"  # 现场办公
    special_meeting = "special_meeting"  # 专题会议
    joint_meeting = "joint_meeting"  # 联席会议
    working_group = "working_group"  # 派驻工作组
    letter_inquiry = "letter_inquiry"  # 函询
    other = "other"


class SupervisionListMode(StrEnum):
    one_county_one_list = "one_county_one_list"  # 一县（区）一单
    one_matter_one_list = "one_matter_one_list"  # 一事一单


class EvaluationCriterion(StrEnum):
    work_plan = "work_plan"  # 工作方案到位
    organisation_and_responsibility = "organisation_and_responsibility"  # 组织体系和责任落实到位
    systems_and_policies = "systems_and_policies"  # 相关制度和政策措施到位
    supervision_and_assessment = "supervision_and_assessment"  # 监督检查和考核评估到位


class ComplaintChannel(StrEnum):
    phone = "phone"
    email = "email"
    platform = "platform"
    letter = "letter"
    visit = "visit"
    other = "other"


class PenaltyKind(StrEnum):
    fine = "fine"  # 罚款
    warning = "warning"
    confiscation = "confiscation"
    order_to_correct = "order_to_correct"
    other = "other"


class DisclosureChannel(StrEnum):
    government_portal = "government_portal"  # 区政府门户网站
    platform = "platform"  # 河长制信息管理平台
    newspaper = "newspaper"  # 报纸
    radio = "radio"  # 广播
    television = "television"  # 电视
    internet = "internet"  # 网络
    mobile_app = "mobile_app"  # 手机客户端
    other = "other"


class PlatformFunction(StrEnum):
    collection = "collection"  # 采集
    transmission = "transmission"  # 传输
    query = "query"  # 查询
    aggregation = "aggregation"  # 汇总
    extraction = "extraction"  # 提取
    sharing = "sharing"  # 共享
    publication = "publication"  # 发布
    realtime_monitoring = "realtime_monitoring"  # 实时监测
    remote_monitoring = "remote_monitoring"  # 远程监测


class MeasureKind(StrEnum):
    measures = "measures"  # 工作管理办法
    detailed_rules = "detailed_rules"  # 实施细则
    implementation_plan = "implementation_plan"  # 具体实施方案


ENUMS: dict[str, type[StrEnum]] = {
    e.__name__: e
    for e in (
        JurisdictionLevel,
        Role,
        UnitType,
        DepartmentKind,
        MeetingKind,
        InspectionMethod,
        SupervisionLevel,
        SupervisionMethod,
        SupervisionForm,
        SupervisionListMode,
        EvaluationCriterion,
        ComplaintChannel,
        PenaltyKind,
        DisclosureChannel,
        PlatformFunction,
        MeasureKind,
    )
}
"""Enumerations by name, for rule files' ``defines`` sections."""

GLOSSARY: dict[str, dict[str, tuple[str, str]]] = {
    "JurisdictionLevel": {
        "city": ("市级", "city"),
        "district": ("区级", "district"),
        "township": ("乡镇级", "township"),
        "village": ("村级", "village"),
    },
    "Role": {
        "general_chief": ("总河长", "general chief"),
        "deputy_general_chief": ("副总河长", "deputy general chief"),
        "river_chief": ("河长", "river chief"),
        "office_director": ("河长办主任", "river chief office director"),
        "department_head": ("部门主要负责人", "head of department"),
        "department_deputy_head": ("部门分管负责人", "deputy head of department in charge"),
        "liaison": ("联络员", "liaison officer"),
        "deputy_district_head": ("副区长", "deputy district head"),
        "district_head": ("区长", "district head"),
    },
    "UnitType": {
        "district_government": ("区政府", "district government"),
        "district_party_committee": ("区委", "district party committee"),
        "township_government": ("乡镇人民政府（街道办事处）", "township government"),
        "river_chief_office": ("河长制办公室", "river chief office"),
        "department": ("区政府有关部门", "government department"),
        "public_security": ("公安部门", "public security body"),
        "city_party_committee": ("市委", "city party committee"),
        "city_government": ("市政府", "city government"),
        "city_performance_office": ("市绩效办", "city performance office"),
        "other": ("其他单位", "other unit"),
    },
    "DepartmentKind": {
        "development_reform": ("发改局", "development and reform"),
        "finance": ("财政局", "finance"),
        "housing_construction": ("住建局", "housing and construction"),
        "agriculture_rural": ("农业农村局", "agriculture and rural affairs"),
        "public_security": ("公安分局", "public security branch"),
        "natural_resources": ("自然资源分局", "natural resources"),
        "ecology_environment": ("生态环境分局", "ecology and environment"),
        "water": ("水利（水务）部门", "water"),
        "other": ("其他部门", "other department"),
    },
    "MeetingKind": {
        "general_chief_meeting": ("总河长会议", "general chief meeting"),
        "river_chief_meeting": ("河长会议", "river chief meeting"),
        "joint_department_meeting": ("部门联席会议", "joint department meeting"),
        "office_meeting": ("区河长办会议", "river chief office meeting"),
        "joint_enforcement_meeting": ("联合执法联席会议", "joint enforcement meeting"),
    },
    "InspectionMethod": {
        "report_hearing": ("听取汇报", "hearing reports"),
        "site_survey": ("查勘现场", "site survey"),
        "document_review": ("审阅资料", "document review"),
        "discussion": ("座谈交流", "discussion"),
        "on_site_office": ("现场办公", "on-site office work"),
        "other": ("其他方式", "other method"),
    },
    "SupervisionLevel": {
        "district_government": ("区政府督察督办", "by the district government"),
        "river_chief_office": ("区河长办督察督办", "by the river chief office"),
        "department": ("部门督察督办", "by a department"),
    },
    "SupervisionMethod": {
        "routine": ("日常督察督办", "routine"),
        "special": ("专项督察督办", "special"),
        "key": ("重点督察督办", "key"),
    },
    "SupervisionForm": {
        "on_site_office": ("现场办公", "on-site office work"),
        "special_meeting": ("专题会议", "special meeting"),
        "joint_meeting": ("联席会议", "joint meeting"),
        "working_group": ("派驻工作组", "resident working group"),
        "letter_inquiry": ("函询", "letter of inquiry"),
        "other": ("其他形式", "other form"),
    },
    "SupervisionListMode": {
        "one_county_one_list": ("一县（区）一单", "one list per county (district)"),
        "one_matter_one_list": ("一事一单", "one list per matter"),
    },
    "EvaluationCriterion": {
        "work_plan": ("工作方案到位", "work plan in place"),
        "organisation_and_responsibility": (
            "组织体系和责任落实到位",
            "organisation and responsibilities in place",
        ),
        "systems_and_policies": ("相关制度和政策措施到位", "systems and policies in place"),
        "supervision_and_assessment": (
            "监督检查和考核评估到位",
            "supervision and assessment in place",
        ),
    },
    "ComplaintChannel": {
        "phone": ("电话", "phone"),
        "email": ("电子邮件", "email"),
        "platform": ("网络平台", "online platform"),
        "letter": ("来信", "letter"),
        "visit": ("来访", "visit"),
        "other": ("其他渠道", "other channel"),
    },
    "PenaltyKind": {
        "fine": ("罚款", "fine"),
        "warning": ("警告", "warning"),
        "confiscation": ("没收", "confiscation"),
        "order_to_correct": ("责令改正", "order to correct"),
        "other": ("其他处罚", "other penalty"),
    },
    "DisclosureChannel": {
        "government_portal": ("区政府门户网站", "district government portal"),
        "platform": ("河长制信息管理平台", "river chief information platform"),
        "newspaper": ("报纸", "newspaper"),
        "radio": ("广播", "radio"),
        "television": ("电视", "television"),
        "internet": ("网络", "internet"),
        "mobile_app": ("手机客户端", "mobile app"),
        "other": ("其他媒介", "other medium"),
    },
    "PlatformFunction": {
        "collection": ("采集", "collection"),
        "transmission": ("传输", "transmission"),
        "query": ("查询", "query"),
        "aggregation": ("汇总", "aggregation"),
        "extraction": ("提取", "extraction"),
        "sharing": ("共享", "sharing"),
        "publication": ("发布", "publication"),
        "realtime_monitoring": ("实时监测", "real-time monitoring"),
        "remote_monitoring": ("远程监测", "remote monitoring"),
    },
    "MeasureKind": {
        "measures": ("工作管理办法", "measures"),
        "detailed_rules": ("实施细则", "detailed rules"),
        "implementation_plan": ("具体实施方案", "implementation plan"),
    },
    # Not fact enumerations: the values of `period` and `choice` (period policy) parameters.
    "Period": {
        "year": ("年", "year"),
        "half_year": ("半年", "half-year"),
        "quarter": ("季度", "quarter"),
        "month": ("月", "month"),
        "once": ("一次", "once"),
    },
    "PeriodPolicy": {
        "clip": ("按实际期间截取", "clip to the part covered"),
        "exempt": ("不计", "exempt"),
    },
}
"""The one glossary: every value of every enumeration (and of the period and period-policy
parameters) as reports print it, ``(Chinese, English)``, by enumeration, since one value can mean
two things (``department`` the unit type, ``department`` the supervision level; ``other``;
``platform`` the complaint channel and the disclosure channel). ``report.i18n.term`` reads it."""

_GENERIC: dict[str, tuple[str, str]] = {"other": ("其他", "other")}
"""The word for a value shared by enumerations that name it differently, when the caller does
not say which enumeration it is from."""


def _flat() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for terms in GLOSSARY.values():
        for code, words in terms.items():
            out.setdefault(code, words)  # the first enumeration's meaning: levels, roles, units …
    return out | _GENERIC


TERMS: dict[str, tuple[str, str]] = _flat()
"""Every glossary value without its enumeration (the first enumeration that has it)."""

ZH: dict[str, str] = {code: words[0] for code, words in TERMS.items()}
"""Each value's Chinese term, without its enumeration (see :data:`GLOSSARY`)."""


def in_order(values: Iterable[Any], enum: str | None = None) -> list[Any]:
    """``values`` in the glossary's order (the enumeration's own, which follows the
    regulation's lists: 听取汇报、查勘现场 …), values it lacks after them by code, ``None`` last."""
    order = {code: i for i, code in enumerate(GLOSSARY.get(enum or "", {}))}

    def key(v: Any) -> tuple[bool, int, str]:
        code = str(v.value) if isinstance(v, Enum) else str(v)
        return (v is None, order.get(code, len(order)), code)

    return sorted(values, key=key)


def term(value: object, lang: str, enum: str | None = None) -> str:
    """An enumerated value for people, from :data:`GLOSSARY`: its Chinese name under ``zh``, its
    English words under ``en``. ``enum`` names the enumeration when one value means different
    things in two of them (an enum member names its own). ``True``/``False``/``None`` are
    是/否/未载明 (yes/no/not recorded); a value the glossary lacks is shown as written."""
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if value is None:
        return "未载明" if lang == "zh" else "not recorded"
    code = str(value.value) if isinstance(value, Enum) else str(value)
    if enum is None and isinstance(value, Enum):
        enum = type(value).__name__
    words = GLOSSARY.get(enum or "", {}).get(code) or TERMS.get(code)
    if words is None:
        return code
    return words[0] if lang == "zh" else words[1]
