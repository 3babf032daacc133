"""hezhang-rules: 《清河门区河长制工作管理办法》 (2020) as executable policy.

Load a rule pack, load facts (files or model objects), evaluate at an as-of date, read the
report::

    import datetime as dt
    import hezhang_rules as hz

    plan = hz.compile_rules(hz.load_pack("qinghemen"))  # the bundled pack, or hz.load_rules(DIR)
    facts = hz.load_facts([hz.pack_path("qinghemen") / "example"])
    report = hz.evaluate(plan, facts, dt.date(2022, 1, 10))
    for finding in report.violations:
        print(finding.id, finding.message.en)

At any size, read the findings as one table (summaries as group-bys, findings in batches)::

    with hz.audit(plan, facts, dt.date(2022, 1, 10)) as table:
        print(table.counts("article"))

Approved exceptions (docs/waivers.md) make the findings they name ``waived`` while in force::

    waivers = hz.load_waivers("examples/waivers.yaml")
    report = hz.evaluate(plan, facts, dt.date(2022, 1, 10), waivers=waivers)
"""

from hezhang_rules._version import __version__
from hezhang_rules.compile import Plan, PlanRule, compile_rules
from hezhang_rules.diagnostics import (
    Diagnostic,
    FactLoadError,
    HezhangError,
    RuleLoadError,
    Span,
    UsageError,
)
from hezhang_rules.facts import (
    FACT_KINDS,
    Fact,
    FactSet,
    facts_from_models,
    facts_from_records,
    load_facts,
)
from hezhang_rules.facts.models import (
    AccountabilityAction,
    Appointment,
    AssessmentImplementationRules,
    AssessmentIndicators,
    AssessmentPlan,
    AssessmentResult,
    AssessmentSummary,
    CaseResult,
    CaseTransfer,
    ComplaintCase,
    Disclosure,
    EnforcementCase,
    Evaluation,
    EvaluationOpinion,
    ImplementingMeasure,
    InformationPlatform,
    InformationReport,
    Inspection,
    InspectionRecord,
    Jurisdiction,
    LiaisonList,
    Meeting,
    Minutes,
    Notification,
    Penalty,
    Person,
    Problem,
    RectificationOpinion,
    RectificationReport,
    Reward,
    River,
    SupervisionOpinion,
    Unit,
)
from hezhang_rules.findings import Finding, Report
from hezhang_rules.monitor import Monitor, MonitorEvent
from hezhang_rules.report.table import FindingsTable, audit, evaluate
from hezhang_rules.rules.loader import RuleSet, load_rules
from hezhang_rules.rules.packs import installed_packs, load_pack, pack_path
from hezhang_rules.waivers import Waiver, WaiverLoadError, Waivers, load_waivers

__all__ = [
    "FACT_KINDS",
    "AccountabilityAction",
    "Appointment",
    "AssessmentImplementationRules",
    "AssessmentIndicators",
    "AssessmentPlan",
    "AssessmentResult",
    "AssessmentSummary",
    "CaseResult",
    "CaseTransfer",
    "ComplaintCase",
    "Diagnostic",
    "Disclosure",
    "EnforcementCase",
    "Evaluation",
    "EvaluationOpinion",
    "Fact",
    "FactLoadError",
    "FactSet",
    "Finding",
    "FindingsTable",
    "HezhangError",
    "ImplementingMeasure",
    "InformationPlatform",
    "InformationReport",
    "Inspection",
    "InspectionRecord",
    "Jurisdiction",
    "LiaisonList",
    "Meeting",
    "Minutes",
    "Monitor",
    "MonitorEvent",
    "Notification",
    "Penalty",
    "Person",
    "Plan",
    "PlanRule",
    "Problem",
    "RectificationOpinion",
    "RectificationReport",
    "Report",
    "Reward",
    "River",
    "RuleLoadError",
    "RuleSet",
    "Span",
    "SupervisionOpinion",
    "Unit",
    "UsageError",
    "Waiver",
    "WaiverLoadError",
    "Waivers",
    "__version__",
    "audit",
    "compile_rules",
    "evaluate",
    "facts_from_models",
    "facts_from_records",
    "installed_packs",
    "load_facts",
    "load_pack",
    "load_rules",
    "load_waivers",
    "pack_path",
]
