"""Enumerations named by the regulation.

Each value is the identifier rule files and fact files use; ``ZH`` gives the Chinese term the
reports print. Art. 4 defines the meeting kinds, art. 20 the supervision levels, methods and forms,
art. 23 the evaluation criteria, art. 26 the departments, art. 15 the disclosure channels.
"""

from __future__ import annotations

from enum import StrEnum


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

ZH: dict[str, str] = {
    "district": "区",
    "township": "乡镇",
    "village": "村",
    "city": "市",
    "general_chief": "总河长",
    "deputy_general_chief": "副总河长",
    "river_chief": "河长",
    "office_director": "河长办主任",
    "department_head": "部门主要负责人",
    "department_deputy_head": "部门分管负责人",
    "liaison": "联络员",
    "deputy_district_head": "副区长",
    "district_head": "区长",
    "river_chief_office": "河长制办公室",
    "department": "区政府有关部门",
    "general_chief_meeting": "总河长会议",
    "river_chief_meeting": "河长会议",
    "joint_department_meeting": "部门联席会议",
    "office_meeting": "区河长办会议",
    "joint_enforcement_meeting": "联合执法联席会议",
}
