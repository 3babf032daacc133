"""Declarative case files: facts, an as-of date and every finding the rules must give.

One runner serves ``hezhang-rules test``, the pytest plugin (``hezhang_rules.testing``) and the
coverage check of ``hezhang-rules lint``, so the three can never disagree on what a case means::

    description: 河长上半年未巡查 — a river chief with no inspection in H1 is in violation
    world: _worlds/district.yaml        # optional base facts (see ``find_world``)
    as_of: 2021-07-01
    parameters: {art016.river_chief_period: quarter}   # optional overrides (qualified names)
    facts:                              # added to the world's facts (the fact-file format)
      inspections: [...]
    ignore: [art005.*, art006.*]        # rules (or whole articles) whose findings are not checked
    expect:                             # every finding of every other rule, and no others
      - id: art016.river_chief_half_yearly_inspection/p-li/2021-H1
        status: violated
        holder: {kind: person, id: p-li, name: 李华}
        period: {start: 2021-01-01, end: 2021-06-30, label: 2021-H1}
        due: 2021-06-30                 # null: none
        evidence: [appt-li]             # the deciding fact ids, exactly ([]: none)
        message:                        # optional: both texts, compared exactly
          zh: …
          en: …

The fields are the report's (docs/report.md); each expectation states all but ``message``.
Files and directories whose names start with ``_`` are worlds, not cases.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from hezhang_rules.compile import Plan, compile_rules
from hezhang_rules.diagnostics import (
    Diagnostic,
    FactLoadError,
    HezhangError,
    Span,
    did_you_mean,
    did_you_mean_zh,
    os_reason_zh,
    pydantic_zh,
)
from hezhang_rules.evaluate import evaluate
from hezhang_rules.extras import need
from hezhang_rules.facts.factset import FactOrigin, FactSet
from hezhang_rules.facts.loader import records_from_document
from hezhang_rules.facts.models import Fact
from hezhang_rules.facts.types import Date
from hezhang_rules.findings import Finding, HolderKind, Report, Status
from hezhang_rules.rules.loader import RuleSet, load_rules
from hezhang_rules.source import DEFAULT_LIMITS, Document, Limits, SourceError, load_document
from hezhang_rules.waivers import (
    WaiverLoadError,
    Waivers,
    waiver_problems,
    waivers_from_document,
)

CASE_SUFFIXES = (".yaml", ".yml")
COMPLIANT: Status = "fulfilled"
VIOLATING: Status = "violated"


class Evaluator(Protocol):
    """An engine as a case runs it: the plan, the facts, the as-of date and, when the case
    lists some, its waivers (``evaluate(plan, facts, as_of, waivers)``)."""

    def __call__(
        self, plan: Plan, facts: FactSet, as_of: dt.date, waivers: Waivers | None = None, /
    ) -> Report: ...


def evaluate_columnar(
    plan: Plan, facts: FactSet, as_of: dt.date, waivers: Waivers | None = None, /
) -> Report:
    """The columnar engine (:func:`hezhang_rules.columnar.evaluate_columnar`), loaded on first
    use: it needs the ``tables`` extra (polars)."""
    need("tables", "the columnar evaluator")
    from hezhang_rules.columnar import evaluate_columnar as run

    return run(plan, facts, as_of, waivers)


def evaluate_live(
    plan: Plan, facts: FactSet, as_of: dt.date, waivers: Waivers | None = None, /
) -> Report:
    """The live monitor (:func:`hezhang_rules.monitor.evaluate_live`), loaded on first use: it
    needs the ``monitor`` extra (durable-rules)."""
    need("monitor", "the monitor evaluator")
    from hezhang_rules.monitor import evaluate_live as run

    return run(plan, facts, as_of, waivers)


EVALUATORS: dict[str, Evaluator] = {
    "batch": evaluate,
    "columnar": evaluate_columnar,
    "monitor": evaluate_live,
}
"""The one registry of evaluators a case can run on: the batch evaluator, the columnar path
(fact tables, hot rules as joins) and the live monitor (facts one at a time). The golden corpus
(tests/golden) runs every case on each of them; ``hezhang-rules test --evaluator NAME`` names
them."""

DEFAULT_EVALUATOR = "batch"
"""The evaluator ``hezhang-rules test`` and the pytest plugin use unless told otherwise (the
reference the others must agree with, and the fastest on a handful of facts)."""


class CaseError(HezhangError):
    """A case file is malformed or names what the rule pack does not have."""


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _label_text(value: Any) -> Any:
    """A period label as YAML reads it unquoted: ``2021`` (a number) and ``2021-07-01`` (a
    date) are the labels "2021" and "2021-07-01"; anything else is left to the type check."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


Label = Annotated[str, BeforeValidator(_label_text)]


class HolderExpectation(_M):
    kind: HolderKind
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)


class PeriodExpectation(_M):
    start: Date
    end: Date
    label: Label = Field(min_length=1)


class MessageExpectation(_M):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class AnswerableExpectation(_M):
    """Who answers (``Finding.answerable``): optional in an expectation, compared when given."""

    kind: HolderKind
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    article: int = Field(ge=1, description="the article whose reading chose the answerer")
    by: Literal["holder", "unit", "post"]
    vacant: bool = Field(default=False, description="true: no person or unit answers")


class Expectation(_M):
    """One finding as the report gives it: every field a reader acts on (``message``
    optional; the corpus states it in at least one case per rule; ``waiver`` the id of the
    waiver a ``waived`` finding names, checked when given)."""

    id: str = Field(min_length=1, description="the finding id: rule/holder/period-or-fact")
    status: Status
    holder: HolderExpectation
    period: PeriodExpectation
    due: Date | None = Field(description="the due date; null: none")
    evidence: list[str] = Field(description="the deciding fact ids, exactly; []: none")
    message: MessageExpectation | None = Field(
        default=None, description="optional: the Chinese and English texts, exactly"
    )
    waiver: str | None = Field(
        default=None, min_length=1, description="optional: the id of the waiver applied"
    )
    answerable: AnswerableExpectation | None = Field(
        default=None, description="optional: who answers for the finding, exactly"
    )


class CaseModel(_M):
    description: str = Field(min_length=1)
    world: str | None = Field(default=None, description="base facts, found by find_world")
    as_of: Date
    parameters: dict[str, Any] = Field(default_factory=dict)
    facts: dict[str, Any] | None = None
    ignore: list[str] = Field(
        default_factory=list, description="rule ids or `artNNN.*`: findings not checked"
    )
    waivers: list[Any] | None = Field(
        default=None, description="waivers applied to this case (as in a waiver file)"
    )
    expect: list[Expectation]


@dataclass(frozen=True)
class Case:
    """A parsed case file."""

    path: Path
    doc: Document
    model: CaseModel
    waivers: Waivers | None = None

    @property
    def display(self) -> str:
        return self.doc.file

    def expected_statuses(self) -> dict[str, set[str]]:
        """Rule id → the statuses this case expects of its findings."""
        out: dict[str, set[str]] = {}
        for e in self.model.expect:
            out.setdefault(rule_of(e.id), set()).add(e.status)
        return out

    def ignores(self, rule_id: str) -> bool:
        """Whether the case's ``ignore`` names the rule, or its prefix (``art005.*``)."""
        return any(matches(entry, rule_id) for entry in self.model.ignore)

    def rule_problems(self, known: set[str]) -> list[Diagnostic]:
        """Located: an ``ignore`` entry that matches no rule of ``known`` (a typo, or a rule
        renamed), an expectation of a rule ``known`` does not have, or of a rule the case
        ignores, a waiver naming no rule of ``known``."""
        out = [] if self.waivers is None else waiver_problems(self.waivers, known)
        for i, entry in enumerate(self.model.ignore):
            if not any(matches(entry, rid) for rid in known):
                out.append(
                    Diagnostic(
                        "hz_case_unknown_rule",
                        f"`ignore` names `{entry}`, which matches no rule of the pack",
                        self.doc.span(("ignore", i)),
                        help=did_you_mean(entry, known),
                        zh=f"`ignore` 中的 `{entry}` 不对应规则包中的任何规则",
                        help_zh=did_you_mean_zh(entry, known),
                    )
                )
        for i, e in enumerate(self.model.expect):
            rid = rule_of(e.id)
            if rid not in known:
                out.append(
                    Diagnostic(
                        "hz_case_unknown_rule",
                        f"an expectation of rule `{rid}`, which the pack does not have",
                        self.doc.span(("expect", i, "id")),
                        help=did_you_mean(rid, known),
                        zh=f"对规则 `{rid}` 的预期，而规则包中没有这条规则",
                        help_zh=did_you_mean_zh(rid, known),
                    )
                )
            elif self.ignores(rid):
                out.append(
                    Diagnostic(
                        "hz_case_ignored_expectation",
                        f"an expectation of rule `{rid}`, which the case ignores",
                        self.doc.span(("expect", i, "id")),
                        help="remove the expectation or the `ignore` entry",
                        zh=f"对规则 `{rid}` 的预期，而本案例忽略了这条规则",
                        help_zh="删除这条预期，或删除 `ignore` 中的条目",
                    )
                )
        return out


def rule_of(finding_id: str) -> str:
    return finding_id.split("/", 1)[0]


def matches(entry: str, rule_id: str) -> bool:
    """An ``ignore`` entry against a rule id: the id itself, or ``PREFIX.*`` for every rule
    whose id starts with ``PREFIX.`` (``art005.*``: the rules of article 5)."""
    if entry.endswith(".*"):
        return rule_id.startswith(entry[:-1])
    return entry == rule_id


def is_case_file(path: Path, root: Path) -> bool:
    """Whether ``path`` under ``root`` is a case (not a world: no part starts with ``_``)."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        return False
    return path.suffix in CASE_SUFFIXES and not any(p.startswith("_") for p in rel.parts)


def discover(paths: Sequence[str | Path]) -> list[Path]:
    """Case files from files and directories (sorted within a directory).

    Refused, located: a missing path, a folder with no case file (nothing would be checked),
    a file named like a case in upper case (``CASE.YAML``: the suffix is matched exactly, as for
    fact and rule files), a path the file system refuses. A FIFO or device named like a case is
    kept and refused when read, never skipped in silence.
    """
    out: list[Path] = []
    diags: list[Diagnostic] = []
    for raw in paths:
        p = Path(raw)
        try:
            if p.is_dir():
                found: list[Path] = []
                for x in sorted(p.rglob("*")):
                    if x.is_dir() or not is_case_file(x.with_suffix(x.suffix.lower()), p):
                        continue
                    if x.suffix in CASE_SUFFIXES:
                        found.append(x)
                    else:
                        diags.append(_upper_case_suffix(x))
                if not found and not diags:
                    diags.append(
                        Diagnostic(
                            "hz_case_no_files",
                            "folder holds no case files (*.yaml, *.yml): nothing to check",
                            Span(str(p)),
                            help="files and folders whose names start with `_` are worlds",
                            zh="文件夹中没有案例文件（*.yaml、*.yml）：无可检查",
                            help_zh="名称以 `_` 开头的文件和文件夹是世界文件",
                        )
                    )
                out.extend(found)
            elif p.exists() or p.is_symlink():
                out.append(p)
            else:
                diags.append(
                    Diagnostic(
                        "hz_case_no_such_file",
                        "no such case file or directory",
                        Span(str(p)),
                        zh="没有该案例文件或目录",
                    )
                )
        except OSError as exc:  # a name too long, a folder that cannot be listed
            diags.append(
                Diagnostic(
                    "hz_load_unreadable",
                    f"cannot read: {exc.strerror or type(exc).__name__}",
                    Span(str(p)),
                    zh=f"无法读取：{os_reason_zh(exc)}",
                )
            )
    if diags:
        raise CaseError(diags)
    return out


def _upper_case_suffix(path: Path) -> Diagnostic:
    return Diagnostic(
        "hz_case_bad_suffix",
        f"`{path.name}` is named like a case file but its suffix is not lower case: not read",
        Span(str(path)),
        help=f"rename it `{path.stem}{path.suffix.lower()}`",
        zh=f"`{path.name}` 命名像案例文件，但后缀不是小写：未读取",
        help_zh=f"改名为 `{path.stem}{path.suffix.lower()}`",
    )


def find_case_dir(rules_dir: str | Path) -> Path | None:
    """A rule pack's own cases: its ``cases/`` folder (a pack shipped as a package keeps them
    there), else ``tests/golden`` in the pack's directory or one above it (a pack in a project)."""
    start = Path(rules_dir).resolve()
    own = start / "cases"
    try:
        if own.is_dir():
            return own
    except OSError:  # a name too long: no such folder here (the pack's own load says why)
        return None
    for d in (start, *start.parents):
        candidate = d / "tests" / "golden"
        try:
            if candidate.is_dir():
                return candidate
        except OSError:  # a name too long: no such folder here (the pack's own load says why)
            continue
    return None


def find_world(case_path: Path, world: str) -> Path | None:
    """A case's ``world``: relative to the case's directory, else to each directory above."""
    for d in (case_path.parent, *case_path.parent.parents):
        candidate = d / world
        if candidate.is_file():
            return candidate
    return None


def _schema_diags(doc: Document, exc: ValidationError) -> list[Diagnostic]:
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        field_path = ".".join(str(x) for x in loc) or None
        is_key = err["type"] == "extra_forbidden"
        msg = f"unknown key `{loc[-1]}`" if is_key else err["msg"].removeprefix("Value error, ")
        zh = f"未知的键 `{loc[-1]}`" if is_key else pydantic_zh(err)
        if err["type"] == "missing":
            msg = f"missing key `{loc[-1]}`"
            zh = f"缺少键 `{loc[-1]}`"
        hint = hint_zh = None
        if loc == ("rules",) and is_key:
            hint = "a case lists the rules it does not check (`ignore`), not those it checks"
            hint_zh = "案例列出的是它不检查的规则（`ignore`），而不是它检查的规则"
        elif err["type"] == "missing" and len(loc) == 3 and loc[0] == "expect":
            hint = "an expectation states status, holder, period, due (null: none), evidence ([])"
            hint_zh = "一条预期写明 status、holder、period、due（null 表示无）和 evidence（[]）"
        out.append(
            Diagnostic(
                "hz_case_schema",
                msg,
                doc.span(loc, key=is_key),
                help=hint,
                field_path=field_path,
                zh=zh,
                help_zh=hint_zh,
            )
        )
    return out


def load_case(path: Path, display: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Case:
    """Parse and check one case file; raise :class:`CaseError` with located diagnostics."""
    try:
        doc = load_document(path, display or str(path), limits)
    except SourceError as exc:
        raise CaseError(exc.diagnostics) from None
    if not isinstance(doc.data, dict):
        raise CaseError(
            [
                Diagnostic(
                    "hz_case_schema",
                    "a case file is a mapping",
                    Span(doc.file, 1, 1),
                    zh="案例文件须为映射",
                )
            ]
        )
    try:
        model = CaseModel.model_validate(doc.data)
    except ValidationError as exc:
        raise CaseError(_schema_diags(doc, exc)) from None
    seen: set[str] = set()
    twice = []
    for i, e in enumerate(model.expect):
        if e.id in seen:
            twice.append(
                Diagnostic(
                    "hz_case_schema",
                    f"finding `{e.id}` is expected twice",
                    doc.span(("expect", i, "id")),
                    field_path=f"expect.{i}.id",
                    zh=f"结论 `{e.id}` 被预期了两次",
                )
            )
        seen.add(e.id)
    if twice:
        raise CaseError(twice)
    return Case(path, doc, model, _case_waivers(doc, model))


def _case_waivers(doc: Document, model: CaseModel) -> Waivers | None:
    """A case's ``waivers:``, checked as a waiver file's (located in the case file); the
    digest is the SHA-256 of their canonical JSON."""
    if model.waivers is None:
        return None
    text = json.dumps(model.waivers, sort_keys=True, ensure_ascii=False, default=str)
    digest = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    try:
        return waivers_from_document(doc, {"waivers": model.waivers}, digest)
    except WaiverLoadError as exc:
        raise CaseError(exc.diagnostics) from None


def _subdocument(doc: Document, prefix: tuple[str | int, ...], data: Any) -> Document:
    """The part of ``doc`` under ``prefix`` as a document of its own (spans kept)."""
    n = len(prefix)
    return Document(
        doc.file,
        data,
        {p[n:]: lc for p, lc in doc.values.items() if p[:n] == prefix},
        {p[n:]: lc for p, lc in doc.keys.items() if p[:n] == prefix},
    )


class Runner:
    """Runs cases against one rule pack (with the ``overlays`` refining it, compiled into the
    same plan: an overlay's cases run on the base pack and the overlay); plans (per set of
    overrides) and worlds are cached."""

    def __init__(
        self,
        rules: str | Path | RuleSet,
        limits: Limits = DEFAULT_LIMITS,
        overlays: Sequence[RuleSet] = (),
    ) -> None:
        self._rules = rules
        self.limits = limits
        self.overlays = tuple(overlays)
        self._ruleset: RuleSet | None = rules if isinstance(rules, RuleSet) else None
        self._plans: dict[str, Plan] = {}
        self._worlds: dict[Path, tuple[list[Fact], dict[int, FactOrigin]]] = {}

    @property
    def ruleset(self) -> RuleSet:
        if self._ruleset is None:
            assert not isinstance(self._rules, RuleSet)
            self._ruleset = load_rules(self._rules, self.limits)
        return self._ruleset

    def plan(self, case: Case | None = None) -> Plan:
        """The plan with the case's parameter overrides (the pack's own without a case)."""
        overrides = case.model.parameters if case else {}
        key = repr(sorted(overrides.items()))
        if key not in self._plans:
            try:
                self._plans[key] = compile_rules(self.ruleset, overrides, self.overlays)
            except HezhangError as exc:
                if case is None or not any(d.code.startswith("hz_usage") for d in exc.diagnostics):
                    raise
                span = case.doc.span(("parameters",))
                raise CaseError(
                    Diagnostic(
                        "hz_case_parameter",
                        d.message,
                        span,
                        help=d.help,
                        zh=d.zh,
                        help_zh=d.help_zh,
                    )
                    for d in exc.diagnostics
                ) from None
        return self._plans[key]

    def _world(self, case: Case) -> tuple[list[Fact], dict[int, FactOrigin]]:
        assert case.model.world is not None
        path = find_world(case.path, case.model.world)
        if path is None:
            raise CaseError(
                [
                    Diagnostic(
                        "hz_case_no_world",
                        f"no world file `{case.model.world}` beside the case or above it",
                        case.doc.span(("world",)),
                        zh=f"案例旁边及上层目录中都没有世界文件 `{case.model.world}`",
                    )
                ]
            )
        if path not in self._worlds:
            try:
                world = load_document(path, str(path), self.limits)
            except SourceError as exc:
                raise FactLoadError(exc.diagnostics) from None
            diags: list[Diagnostic] = []
            origins: dict[int, FactOrigin] = {}
            records = records_from_document(world, diags, origins, self.limits)
            if diags:
                raise FactLoadError(diags)
            self._worlds[path] = (records, origins)
        return self._worlds[path]

    def facts(self, case: Case) -> FactSet:
        """The world's facts and the case's own, checked like fact files."""
        records: list[Fact] = []
        origins: dict[int, FactOrigin] = {}
        if case.model.world:
            base, base_origins = self._world(case)
            records += base
            origins.update(base_origins)
        diags: list[Diagnostic] = []
        inline = _subdocument(case.doc, ("facts",), case.model.facts or {})
        records += records_from_document(inline, diags, origins, self.limits)
        if diags:
            raise FactLoadError(diags)
        return FactSet.build(records, origins, self.limits.max_problems)

    def run(self, case: Case, evaluator: str = "batch", fn: Evaluator | None = None) -> CaseResult:
        """Evaluate the case on ``fn`` (default: the registered evaluator named ``evaluator``).

        Problems are grouped by rule. Invalid input raises :class:`HezhangError`.
        """
        plan = self.plan(case)
        problems = case.rule_problems({r.id for r in plan.rules})
        if problems:
            raise CaseError(problems)
        run = fn or evaluator_named(evaluator)
        facts, as_of = self.facts(case), case.model.as_of
        report = (
            run(plan, facts, as_of)
            if case.waivers is None
            else run(plan, facts, as_of, case.waivers)
        )
        return compare(case, report, evaluator)


def evaluator_named(name: str) -> Evaluator:
    """The registered evaluator ``name``; a located usage error if there is none."""
    try:
        return EVALUATORS[name]
    except KeyError:
        raise CaseError(
            [
                Diagnostic(
                    "hz_case_unknown_evaluator",
                    f"no evaluator `{name}` (known: {', '.join(sorted(EVALUATORS))})",
                    Span("<command line>"),
                    zh=f"没有求值器 `{name}`（已知：{'、'.join(sorted(EVALUATORS))}）",
                )
            ]
        ) from None


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case on one evaluator: mismatches grouped by rule (every rule the
    case expects a finding of, or found a problem with)."""

    case: Case
    evaluator: str
    problems: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not any(self.problems.values())

    def rule_passed(self, rule_id: str) -> bool:
        return not self.problems.get(rule_id)

    def messages(self) -> list[str]:
        return [m for rid in sorted(self.problems) for m in self.problems[rid]]


def compare(case: Case, report: Report, evaluator: str) -> CaseResult:
    """Compare a report with the case's expectations: every finding of every rule the case
    does not ignore is expected, field by field, and every expectation is found."""
    problems: dict[str, list[str]] = {rid: [] for rid in sorted(case.expected_statuses())}
    got: dict[str, Finding] = {}
    for f in report.findings:
        if case.ignores(f.rule_id):
            continue
        if f.id in got:  # the engines refuse this (DuplicateFindingError); any evaluator may not
            problems.setdefault(f.rule_id, []).append(f"finding {f.id} is in the report twice")
            continue
        got[f.id] = f
    want = {e.id: e for e in case.model.expect}
    for fid in sorted(set(want) | set(got)):
        out = problems.setdefault(got[fid].rule_id if fid in got else rule_of(fid), [])
        if fid not in got:
            out.append(f"missing finding {fid} (expected {want[fid].status})")
        elif fid not in want:
            g = got[fid]
            out.append(f"unexpected finding {fid}: {g.status} — {g.message.en}")
        else:
            out.extend(_differences(want[fid], got[fid]))
    return CaseResult(case, evaluator, {k: tuple(v) for k, v in problems.items()})


def _differences(w: Expectation, g: Finding) -> list[str]:
    """Each field of the finding ``g`` that differs from the expectation ``w``."""
    out = []
    fid = g.id
    if g.status != w.status:
        out.append(f"{fid}: expected {w.status}, got {g.status} — {g.message.en}")
    holder = HolderExpectation(kind=g.holder.kind, id=g.holder.id, name=g.holder.name)
    if holder != w.holder:
        out.append(f"{fid}: holder {_holder(holder)}, expected {_holder(w.holder)}")
    period = PeriodExpectation(start=g.period.start, end=g.period.end, label=g.period.label)
    if period != w.period:
        out.append(f"{fid}: period {_period(period)}, expected {_period(w.period)}")
    if w.due != g.due:
        out.append(f"{fid}: due {g.due}, expected {w.due}")
    if sorted(w.evidence) != g.evidence:
        out.append(f"{fid}: evidence {g.evidence}, expected {sorted(w.evidence)}")
    waiver = g.waiver.id if g.waiver is not None else None
    if w.waiver is not None and w.waiver != waiver:
        out.append(f"{fid}: waiver {waiver}, expected {w.waiver}")
    if w.answerable is not None:
        a = g.answerable
        got = (
            None
            if a is None
            else AnswerableExpectation(
                kind=a.kind,
                id=a.id,
                name=a.name,
                article=a.basis.article,
                by=a.basis.by,
                vacant=a.basis.vacant,
            )
        )
        if got != w.answerable:
            out.append(f"{fid}: answerable {got}, expected {w.answerable}")
    if w.message is not None:
        for lang in ("zh", "en"):
            text, expected = getattr(g.message, lang), getattr(w.message, lang)
            if text != expected:
                out.append(f"{fid}: message ({lang}) {text!r}, expected {expected!r}")
    return out


def _holder(h: HolderExpectation) -> str:
    return f"{h.kind} {h.id} ({h.name})"


def _period(p: PeriodExpectation) -> str:
    return f"{p.label} ({p.start} to {p.end})"


@dataclass
class RuleTally:
    """Per rule: cases that expect a compliant / violating finding of it, and how many passed."""

    cases: int = 0
    passed: int = 0
    compliant: int = 0
    compliant_passed: int = 0
    violating: int = 0
    violating_passed: int = 0

    @property
    def covered(self) -> bool:
        """A passing compliant case and a passing violating case."""
        return self.compliant_passed > 0 and self.violating_passed > 0


def tally(plan: Plan, results: Iterable[CaseResult]) -> dict[str, RuleTally]:
    """Rule id → tally, for every rule of the plan (and any rule a case names): a case counts
    for the rules it expects findings of and those it found a problem with."""
    out = {r.id: RuleTally() for r in plan.rules}
    for res in results:
        statuses = res.case.expected_statuses()
        for rid in res.problems:
            t = out.setdefault(rid, RuleTally())
            ok = res.rule_passed(rid)
            t.cases += 1
            t.passed += ok
            if COMPLIANT in statuses.get(rid, ()):
                t.compliant += 1
                t.compliant_passed += ok
            if VIOLATING in statuses.get(rid, ()):
                t.violating += 1
                t.violating_passed += ok
    return out


def iter_cases(
    paths: Sequence[Path], limits: Limits = DEFAULT_LIMITS
) -> Iterator[tuple[Path, Case | CaseError]]:
    """Each path with its parsed case, or the error that kept it from parsing."""
    for p in paths:
        try:
            yield p, load_case(p, str(p), limits)
        except CaseError as exc:
            yield p, exc
