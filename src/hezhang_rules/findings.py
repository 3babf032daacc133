"""Findings and reports: plain data that evaluators produce and reporters read.

The JSON form of :class:`Report` (``Report.to_json()``) is the ``check --format json`` output;
its schema is documented in docs/report.md and published in schemas/report.schema.json.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "2.0"
"""The version of the report's shape (``schema_version``, and the report schema's ``$id``)."""

HEADER_KEY = "hezhang_rules.header"
"""The Parquet report's metadata key holding the ``jsonl`` header line (:func:`header_line`)."""

Status = Literal["pending", "fulfilled", "fulfilled_late", "violated", "waived", "not_applicable"]
STATUSES: tuple[Status, ...] = (
    "violated",
    "fulfilled_late",
    "pending",
    "waived",
    "fulfilled",
    "not_applicable",
)
"""Every status, in the order reports list them. ``waived``: a ``violated``, ``fulfilled_late``
or ``pending`` finding an approved waiver in force excuses (docs/waivers.md); the finding keeps
the waiver and the status it had (``Finding.waiver``)."""


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


class FindingWaiver(_Data):
    """The waiver a ``waived`` finding is excused by, and the status it had without it."""

    id: str
    approver: str
    approved: dt.date
    reason: str
    expires: dt.date
    status: Literal["violated", "fulfilled_late", "pending"] = Field(
        description="the finding's status before the waiver"
    )


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
    waiver: FindingWaiver | None = Field(
        default=None, description="the waiver that made this finding `waived`, else null"
    )
    answerable: Answerable | None = Field(
        default=None,
        description="who answers for it; every engine names one (null only in reports written "
        "before this field)",
    )


class WaiverUse(_Data):
    """One waiver of the waiver file and what it did in this run: its state on the as-of date,
    the findings it names (``matched``, any status) and those it made ``waived``."""

    id: str
    rule: str
    holder: str | None
    period: str | None
    finding: str | None
    approver: str
    approved: dt.date
    reason: str
    expires: dt.date
    state: Literal["in_force", "expired", "not_yet_approved"] = Field(
        description="in force on the as-of date (approved <= as_of <= expires), or not"
    )
    matched: int = Field(description="findings the waiver names, whatever their status")
    waived: int = Field(description="findings the waiver made `waived`")


class OverlayRecord(_Data):
    """An overlay (art. 37: a town's measures, a department's plan) compiled into the run."""

    pack: str
    kind: Literal["town_measures", "department_plan"]
    scope: str = Field(description="the jurisdiction whose holders its duties bind (and below)")
    digest: str = Field(description="sha256 over the overlay's files, as `rules_digest`")


class AmendedBy(_Data):
    name: str = Field(description="the amending instrument")
    date: dt.date = Field(description="the day it was issued")


class VersionUsed(_Data):
    """A version of an amended article (or a window of a parameter's dated values) the plan
    judged with: the periods whose anchor day lies in ``judged_from`` … ``judged_until``."""

    article: int
    version: str = Field(description="its label, as the findings' `details.version` name it")
    judged_from: dt.date
    judged_until: dt.date | None = Field(description="the last day it judges; null: open")
    amended_by: AmendedBy | None = Field(description="the instrument that made it")
    rules: list[str] = Field(description="the ids of the rules it judges")
    overlay: str | None = Field(
        default=None,
        description="the overlay whose own article this is (`article` numbers its text); null: "
        "the base pack's article (an overlay's copies of its rules are listed with it)",
    )


class RunRecord(_Data):
    package_version: str
    pack: str
    rules_digest: str
    facts_digest: str
    facts_count: int
    parameters_overridden: dict[str, Any] = Field(default_factory=dict)
    waivers_digest: str | None = Field(
        default=None, description="the SHA-256 of the waiver file's bytes; null: no waivers"
    )
    overlays: list[OverlayRecord] = Field(
        default_factory=list, description="the overlays refining `pack` in this run, in order"
    )
    versions: list[VersionUsed] = Field(
        default_factory=list,
        description="the versions of amended articles and the windows of dated parameter values "
        'the rules judged with (docs/rule-format.md, "Amendments and versions")',
    )


class Summary(_Data):
    total: int
    violated: int
    fulfilled_late: int
    pending: int
    fulfilled: int
    not_applicable: int
    waived: int = 0


class ArticleCounts(_Data):
    """One article's findings of one answerer, by status."""

    article: int
    counts: Summary


class Responsible(_Data):
    """One person or unit (or a vacant holder) and the findings it answers for (arts. 35-36)."""

    kind: HolderKind
    id: str
    name: str
    counts: Summary
    by_article: list[ArticleCounts] = Field(description="in article order")


class Report(_Data):
    """The result of evaluating a plan over facts at an as-of date."""

    schema_version: str = SCHEMA_VERSION
    as_of: dt.date
    run: RunRecord
    summary: Summary
    findings: list[Finding]
    waivers: list[WaiverUse] = Field(
        default_factory=list, description="each waiver of the waiver file and what it did"
    )
    responsibility: list[Responsible] = Field(
        default_factory=list,
        description="who answers for the findings: one entry per answerer (each finding's "
        "`answerable`), with counts by status and by article, sorted by kind then id; made "
        "from the findings when not given",
    )

    @model_validator(mode="after")
    def _answerers(self) -> Report:
        """The roll-up per answerer, from the findings (a report read back without one, or
        built by an engine, gets it here)."""
        if self.findings and not self.responsibility:
            object.__setattr__(self, "responsibility", responsibility_of(self.findings))
        return self

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
            + json_tail(self.run, self.summary, self.responsibility, self.waivers)
        )


def finding_line(f: Finding) -> str:
    """One finding as compact JSON with sorted keys: a line of the ``jsonl`` report."""
    return json.dumps(
        f.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


def header_line(
    as_of: dt.date, run: RunRecord, summary: Summary, waivers: Sequence[WaiverUse] = ()
) -> str:
    """The first line of the ``jsonl`` report: everything but the findings."""
    data = {
        "as_of": as_of.isoformat(),
        "run": run.model_dump(mode="json"),
        "schema_version": SCHEMA_VERSION,
        "summary": summary.model_dump(mode="json"),
        "waivers": [w.model_dump(mode="json") for w in waivers],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def json_head(as_of: dt.date) -> str:
    """The ``json`` report up to its findings array: the keys before ``findings`` in sorted
    order (``as_of``)."""
    return '{"as_of":' + json.dumps(as_of.isoformat()) + ',"findings":['


def json_tail(
    run: RunRecord,
    summary: Summary,
    responsible: list[Responsible],
    waivers: Sequence[WaiverUse] = (),
) -> str:
    """The ``json`` report after its findings: the array closed, the keys after ``findings``
    (``responsibility``, ``run``, ``schema_version``, ``summary``, ``waivers``), compact with
    sorted keys. The roll-up per answerer comes after the findings so that a stream can count
    it as it writes them."""
    rest = {
        "responsibility": [r.model_dump(mode="json") for r in responsible],
        "run": run.model_dump(mode="json"),
        "schema_version": SCHEMA_VERSION,
        "summary": summary.model_dump(mode="json"),
        "waivers": [w.model_dump(mode="json") for w in waivers],
    }
    text = json.dumps(rest, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "\n]," + text[1:] + "\n"


def report_lines(report: Report) -> Iterator[str]:
    """The ``jsonl`` report: the header line, then one line per finding in report order.

    The same content as :meth:`Report.to_json`, as a stream a large audit can write and read
    line by line; the columnar evaluator writes exactly these lines.
    """
    yield header_line(report.as_of, report.run, report.summary, report.waivers)
    for f in report.findings:
        yield finding_line(f)


def shown_statuses(summary: Summary) -> tuple[Status, ...]:
    """The statuses a summary lists: every one, ``waived`` only when some finding is (a run
    without a waiver file reads as it did before waivers existed)."""
    return tuple(s for s in STATUSES if s != "waived" or summary.waived)


AnswerRow = tuple[str, str, str, int, str, int]
"""(answerer kind, id, name, article, status, findings): one group of :func:`responsibility`."""


def responsibility(rows: Iterable[AnswerRow]) -> list[Responsible]:
    """The roll-up per answerer from counted groups (any order, a group may repeat): one
    :class:`Responsible` per (kind, id), sorted by kind then id, its articles in order. Every
    way a report is written counts its groups and hands them here, so all agree."""
    counts: dict[tuple[str, str], dict[int, dict[str, int]]] = {}
    names: dict[tuple[str, str], str] = {}
    for kind, aid, name, article, status, n in rows:
        key = (kind, aid)
        names[key] = min(name, names.get(key, name))
        per = counts.setdefault(key, {}).setdefault(article, {})
        per[status] = per.get(status, 0) + n
    out = []
    for key in sorted(counts):
        by_article = [
            ArticleCounts(article=a, counts=_summary(c)) for a, c in sorted(counts[key].items())
        ]
        whole: dict[str, int] = {}
        for c in counts[key].values():
            for status, n in c.items():
                whole[status] = whole.get(status, 0) + n
        kind = cast(HolderKind, key[0])
        out.append(
            Responsible(
                kind=kind, id=key[1], name=names[key], counts=_summary(whole), by_article=by_article
            )
        )
    return out


def responsibility_of(findings: Iterable[Finding]) -> list[Responsible]:
    """:func:`responsibility` of findings (one with no ``answerable``, from a report written
    before the field, counts under its holder)."""
    return responsibility(
        (
            (a.kind, a.id, a.name, f.article, f.status, 1)
            if (a := f.answerable) is not None
            else (f.holder.kind, f.holder.id, f.holder.name, f.article, f.status, 1)
        )
        for f in findings
    )


def _summary(counts: dict[str, int]) -> Summary:
    return Summary(total=sum(counts.values()), **{s: counts.get(s, 0) for s in STATUSES})


def summarize(findings: list[Finding]) -> Summary:
    counts = {s: 0 for s in STATUSES}
    for f in findings:
        counts[f.status] += 1
    return Summary(total=len(findings), **counts)


def finding_order(f: Finding) -> tuple[int, str, str, dt.date, str]:
    return (f.article, f.rule_id, f.holder.id, f.period.start, f.id)
