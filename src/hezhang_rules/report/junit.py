"""JUnit XML: each rule of the pack is a test case, failing when it has violated findings.

For people who run rule packs in CI. One ``testsuite`` per pack, the run record as its
``properties``; each ``testcase`` is named by the rule id with the article as its class name.
A rule with violations gets a ``failure`` listing them; a rule without any finding is
``skipped``; pending and late findings are listed in ``system-out``. No times are recorded.

The XML parses whatever the facts hold: ElementTree escapes markup, characters XML 1.0 cannot
hold are replaced (:mod:`hezhang_rules.report.safe`), and a carriage return in text is written
``&#13;`` so a parser keeps it instead of turning it into a line feed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hezhang_rules.compile.plan import Plan
from hezhang_rules.findings import STATUSES, Finding, Report
from hezhang_rules.report.i18n import MARK, due_marked, status_name
from hezhang_rules.report.record import run_rows
from hezhang_rules.report.safe import holdable

_W = {
    "zh": {
        "violated": "{n}项未履行",
        "none": "无检查结果（没有相关事实或尚未到期）",
        "due": "截止",
    },
    "en": {
        "violated": "{n} violated",
        "none": "no findings (no facts, or nothing due yet)",
        "due": "due",
    },
}


def _line(f: Finding, lang: str) -> str:
    msg = f.message.zh if lang == "zh" else f.message.en
    shown = f.due and f.status != "fulfilled" and f.requirement != "evidence"
    due = f" [{_W[lang]['due']} {due_marked(f, lang)}]" if shown else ""
    return f"{MARK[f.status]} {f.id}: {msg}{due}"


def render_junit(report: Report, plan: Plan, lang: str = "zh") -> str:
    by_rule: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    failures = sum(
        1 for r in plan.rules if any(f.status == "violated" for f in by_rule.get(r.id, []))
    )
    skipped = sum(1 for r in plan.rules if not by_rule.get(r.id))
    counts = {
        "tests": str(len(plan.rules)),
        "failures": str(failures),
        "errors": "0",
        "skipped": str(skipped),
        "time": "0",
    }
    root = ET.Element("testsuites", {"name": report.run.pack, **counts})
    suite = ET.SubElement(
        root,
        "testsuite",
        {"name": f"{report.run.pack} @ {report.as_of.isoformat()}", **counts},
    )
    props = ET.SubElement(suite, "properties")
    for key, value in run_rows(report, plan, "en"):
        ET.SubElement(props, "property", {"name": key, "value": value})
    for rule in sorted(plan.rules, key=lambda r: (r.article, r.id)):
        found = sorted(
            by_rule.get(rule.id, []), key=lambda f: (STATUSES.index(f.status), f.holder.id, f.id)
        )
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": f"{report.run.pack}.art{rule.article:03d}",
                "name": rule.id,
                "file": rule.location.rsplit(":", 2)[0],
                "line": str(rule.span.line),
                "time": "0",
            },
        )
        bad = [f for f in found if f.status == "violated"]
        if bad:
            fail = ET.SubElement(
                case,
                "failure",
                {"message": _W[lang]["violated"].format(n=len(bad)), "type": "violated"},
            )
            fail.text = "\n".join(_line(f, lang) for f in bad)
        elif not found:
            ET.SubElement(case, "skipped", {"message": _W[lang]["none"]})
        tally = " · ".join(
            f"{status_name(s, lang)} {n}"
            for s in STATUSES
            if (n := sum(1 for f in found if f.status == s))
        )
        others = [f for f in found if f.status in ("fulfilled_late", "pending")]
        title = rule.title.zh if lang == "zh" else rule.title.en
        out = ET.SubElement(case, "system-out")
        heading = f"{title} ({tally})" if tally else title
        out.text = "\n".join([heading, *(_line(f, lang) for f in others)])
    ET.indent(root, space="  ")
    # INVARIANT: ElementTree writes a carriage return raw only in text (attributes get &#13;).
    body = holdable(ET.tostring(root, encoding="unicode")).replace("\r", "&#13;")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
