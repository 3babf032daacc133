"""Findings and reports: plain data that evaluators produce and reporters read.

The JSON form of :class:`Report` (``Report.to_json()``) is the ``check --format json`` output;
its schema is documented in docs/report.md and published in schemas/report.schema.json.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"
"""The version of the report's shape (``schema_version``, and the report schema's ``$id``)."""

HEADER_KEY = "hezhang_rules.header"
"""The Parquet report's metadata key holding the ``jsonl`` header line (:func:`header_line`)."""

Status = Literal["pending", "fulfilled", "fulfilled_late", "violated", "not_applicable"]
STATUSES: tuple[Status, ...] = (
    "violated",
    "fulfilled_late",
    "pending",
    "fulfilled",
    "not_applicable",
)


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Message(_Data):
    zh: str
    en: str


HolderKind = Literal["person", "unit", "jurisdiction"]


class HolderRef(_Data):
    kind: HolderKind
    id: str
    name: str


class AnswerBasis(_Data):
    """Why the answerable one was chosen: the reading's article and way, the day it was read."""

    article: int = Field(description="the article whose words choose who answers")
    by: Literal["holder", "unit", "post"] = Field(
        description="holder: the duty's holder; unit: a unit of the holder's jurisdiction or "
        "above; post: the person in a post there on `on`"
    )
    on: dt.date | None = Field(
        description="the day the unit or post was read (the due date, else the period's end, "
        "never after the as-of date); null for `by: holder`"
    )
    vacant: bool = Field(
        description="true: no unit or person of the reading on that day (or the holder is a "
        "jurisdiction), so the holder itself is named and no person or unit answers"
    )


class Answerable(_Data):
    """Who answers for a finding (arts. 35-36): a person or a unit, or — only when `vacant` —
    the holder that no person or unit stands for."""

    kind: HolderKind
    id: str
    name: str
    basis: AnswerBasis


class PeriodRef(_Data):
    start: dt.date
    end: dt.date
    label: str = Field(description="2021, 2021-H1, 2021-Q3, 2021-07, or the day of a fact")


class DuplicateFindingError(RuntimeError):
    """Two findings of one report have the same id: an engine defect, never the facts' fault.

    A finding's id names its rule, holder and period or fact, and is unique within a report
    (docs/report.md, "Finding ids"); a report holding it twice would count the duty twice and
    leave a reader (or a golden case) unable to tell which one is meant. Every engine raises
    this rather than emit or collapse the second one (the CLI reports it as an internal error).
    """

    def __init__(self, finding_id: str, rule_id: str) -> None:
        super().__init__(
            f"two findings with id `{finding_id}` (rule `{rule_id}`): "
            "a finding id must be unique within a report"
        )
        self.finding_id = finding_id
        self.rule_id = rule_id


class Finding(_Data):
    """One obligation instance (rule, holder, period or triggering fact) and its status."""

    id: str = Field(description="stable across runs: rule/holder/period-or-fact")
    rule_id: str
    article: int
    status: Status
    severity: Literal["mandatory", "advisory"]
    modality: Literal["obligation", "prohibition"]
    requirement: Literal["count", "forbid", "deadline", "response", "evidence"] = Field(
        description="the shape of the duty: a count per period, a prohibition, a deadline, a "
        "response to a trigger, or evidence on a fact"
    )
    holder: HolderRef
    period: PeriodRef
    due: dt.date | None
    evidence: list[str] = Field(description="ids of the facts that decided the status")
    message: Message
    details: dict[str, Any] = Field(default_factory=dict)
    parameters: list[str] = Field(default_factory=list, description="parameters the rule used")
    source: str = Field(description="file:line:col of the rule")
    subject: str | None = Field(default=None, description="the fact that opened this duty")
    escalated_from: str | None = None
    answerable: Answerable | None = Field(
        default=None,
        description="who answers for it; every engine names one (null only in reports written "
        "before this field)",
    )


class RunRecord(_Data):
    package_version: str
    pack: str
    rules_digest: str
    facts_digest: str
    facts_count: int
    parameters_overridden: dict[str, Any] = Field(default_factory=dict)


class Summary(_Data):
    total: int
    violated: int
    fulfilled_late: int
    pending: int
    fulfilled: int
    not_applicable: int


class Report(_Data):
    """The result of evaluating a plan over facts at an as-of date."""

    schema_version: str = SCHEMA_VERSION
    as_of: dt.date
    run: RunRecord
    summary: Summary
    findings: list[Finding]

    @property
    def violations(self) -> list[Finding]:
        """The findings whose status is ``violated``, in report order."""
        return [f for f in self.findings if f.status == "violated"]

    def by_rule(self, rule_id: str) -> list[Finding]:
        """The findings of one rule (``art016.river_chief_half_yearly_inspection``)."""
        return [f for f in self.findings if f.rule_id == rule_id]

    def finding(self, finding_id: str) -> Finding:
        """The finding with this id; ``KeyError`` if the report has none."""
        for f in self.findings:
            if f.id == finding_id:
                return f
        raise KeyError(finding_id)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (dates as ``YYYY-MM-DD`` text), as ``to_json`` writes."""
        return self.model_dump(mode="json")

    def to_json(self) -> str:
        """Deterministic JSON (the ``check --format json`` report): sorted keys, the findings
        in report order, one compact finding per line (the ``jsonl`` lines), UTF-8 text."""
        body = ",\n".join(finding_line(f) for f in self.findings)
        return (
            json_head(self.as_of)
            + ("\n" + body if body else "")
            + json_tail(self.run, self.summary)
        )


def finding_line(f: Finding) -> str:
    """One finding as compact JSON with sorted keys: a line of the ``jsonl`` report."""
    return json.dumps(
        f.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


def header_line(as_of: dt.date, run: RunRecord, summary: Summary) -> str:
    """The first line of the ``jsonl`` report: everything but the findings."""
    data = {
        "as_of": as_of.isoformat(),
        "run": run.model_dump(mode="json"),
        "schema_version": SCHEMA_VERSION,
        "summary": summary.model_dump(mode="json"),
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def json_head(as_of: dt.date) -> str:
    """The ``json`` report up to its findings array: the keys before ``findings`` in sorted
    order (``as_of``)."""
    return '{"as_of":' + json.dumps(as_of.isoformat()) + ',"findings":['


def json_tail(run: RunRecord, summary: Summary) -> str:
    """The ``json`` report after its findings: the array closed, the keys after ``findings``
    (``run``, ``schema_version``, ``summary``), compact with sorted keys."""
    rest = {
        "run": run.model_dump(mode="json"),
        "schema_version": SCHEMA_VERSION,
        "summary": summary.model_dump(mode="json"),
    }
    text = json.dumps(rest, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "\n]," + text[1:] + "\n"


def report_lines(report: Report) -> Iterator[str]:
    """The ``jsonl`` report: the header line, then one line per finding in report order.

    The same content as :meth:`Report.to_json`, as a stream a large audit can write and read
    line by line; the columnar evaluator writes exactly these lines.
    """
    yield header_line(report.as_of, report.run, report.summary)
    for f in report.findings:
        yield finding_line(f)


def summarize(findings: list[Finding]) -> Summary:
    counts = {s: 0 for s in STATUSES}
    for f in findings:
        counts[f.status] += 1
    return Summary(total=len(findings), **counts)


def finding_order(f: Finding) -> tuple[int, str, str, dt.date, str]:
    return (f.article, f.rule_id, f.holder.id, f.period.start, f.id)
