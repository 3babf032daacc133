"""The rule-file model: one YAML file per article (``rules/<pack>/art_NNN.yaml``).

These frozen models are the *syntax* of rule files; the compiler checks meaning (field paths
against the fact model, parameter types, rule ids). Any value a reading of the text could change
may be written as ``{param: name}`` and is then taken from the file's (or the pack's) parameters.
The JSON Schema published in ``schemas/rule-file.schema.json`` is generated from these models.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
    model_validator,
)

from hezhang_rules.facts.enums import JurisdictionLevel, Role, UnitType

RULE_ID_PATTERN = r"^art\d{3}\.[a-z][a-z0-9_]*$"
PARAM_NAME_PATTERN = r"^[a-z][a-z0-9_]*$"


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(_M):
    """A text in both report languages: ``{zh: …, en: …}``."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class ParamRef(_M):
    """``{param: name}``: the value is the named parameter's value."""

    param: str = Field(pattern=PARAM_NAME_PATTERN)


ParameterType = Literal[
    "integer",
    "boolean",
    "string",
    "date",
    "month_day",
    "period",
    "days",
    "strings",
    "values",
    "roles",
    "levels",
    "unit_types",
    "choice",
]


class Amendment(_M):
    """The instrument that amended an article or a parameter's value: its name and date."""

    name: str = Field(min_length=1, description="the amending instrument, e.g. its document number")
    date: dt.date | str = Field(description="the date it was issued, YYYY-MM-DD")


class DatedValue(_M):
    """One value of a parameter with dated values: in force from ``from`` until the next
    value's ``from`` (docs/rule-format.md, "Amendments and versions")."""

    from_: dt.date | str = Field(
        alias="from", description="the first day of this value, YYYY-MM-DD"
    )
    value: Any
    amended_by: Amendment | None = Field(
        default=None, description="the instrument that set this value (none for the first)"
    )
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Parameter(_M):
    """A reading of the text that could go another way, with the reason for the default."""

    type: ParameterType
    value: Any = Field(default=None, description="the value (or `values`, dated)")
    values: list[DatedValue] | None = Field(
        default=None,
        min_length=1,
        description="dated values instead of `value`: each applies from its `from` until the "
        "next one's; a finding is judged under the value in force on its period's anchor date",
    )
    choices: list[str] | None = Field(default=None, description="allowed values for `choice`")
    reads: str = Field(min_length=1, description="the words of the article this reads")
    reading: Localized = Field(
        description="what the default value means, in Chinese and in English (`{zh: …, en: …}`)"
    )
    reason: Localized = Field(
        description="why this default was chosen, in Chinese and in English (`{zh: …, en: …}`)"
    )
    article: StrictInt | None = Field(
        default=None, ge=1, description="the article read; defaults to the file's"
    )
    basis: Literal["stated", "supplied"] | None = Field(
        default=None,
        description="for numbers and dates (integer, days, date, month_day): `stated` when the "
        "text gives the value, `supplied` when the pack supplies one the text does not state; "
        "`lint` requires it on those types",
    )

    @model_validator(mode="after")
    def _value_or_values(self) -> Parameter:
        if ("value" in self.model_fields_set) == (self.values is not None):
            raise ValueError("a parameter takes exactly one of `value` or `values` (dated)")
        return self

    @field_validator("reading", "reason", mode="before")
    @classmethod
    def _both_languages(cls, value: Any) -> Any:
        """A plain text is refused rather than taken as one language: a Chinese report must
        never show an English reading, nor an English report a Chinese one (issue 19)."""
        if isinstance(value, str):
            raise ValueError(
                "needs both languages, `{zh: …, en: …}`: a plain text is taken as neither"
            )
        return value


# The parameter types that give a number or a date: each must say whether the text states it.
BASIS_TYPES = ("integer", "days", "date", "month_day")


def _value(t: Any) -> Any:
    """A field that takes a literal of type ``t`` or a ``{param: name}`` reference."""
    return t | ParamRef


class RoleCheck(_M):
    """The person named by a field holds one of ``roles`` (at one of ``levels``) on a date."""

    roles: _value(list[Role])  # type: ignore[valid-type]
    levels: _value(list[JurisdictionLevel]) | None = None  # type: ignore[valid-type]
    on: str | None = Field(
        default=None, description="date field of the fact; default: the fact's own date"
    )
    portfolio: _value(list[str]) | None = Field(  # type: ignore[valid-type]
        default=None,
        description="the appointment's portfolio must include one of these (e.g. water)",
    )
    within: str | None = Field(
        default=None,
        description="only posts in the jurisdiction this field names (a jurisdiction, or a "
        "unit's jurisdiction), or below it: e.g. the chiefs of the sending office's district",
    )


class Related(_M):
    """Other facts of kind ``facts`` whose ``link`` field names this fact's id."""

    facts: str
    link: str
    where: list[Condition] = Field(default_factory=list)
    exists: StrictBool = True


class Condition(_M):
    """One test on a fact. Exactly one operator besides ``field`` and ``label``."""

    field: str | None = None
    label: Localized | None = None
    equals: Any = None
    not_equals: Any = None
    in_: Any = Field(default=None, alias="in")
    not_in: Any = None
    same_as: str | None = Field(default=None, description="another field of the same record")
    contains_all: Any = None
    present: StrictBool | None = None
    nonempty: StrictBool | None = None
    holds_role: RoleCheck | None = None
    includes_holders_of: RoleCheck | None = None
    refers_to: list[Condition] | None = None
    any: list[Condition] | None = None
    all: list[Condition] | None = None
    related: Related | None = None
    one_of: list[Condition] | None = Field(
        default=None, description="at least one of these conditions holds (takes no `field`)"
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_operator(self) -> Condition:
        ops = self.operators()
        if len(ops) != 1:
            found = ", ".join(ops) or "none"
            raise ValueError(
                f"a condition takes exactly one operator (found: {found}); "
                f"operators: {', '.join(OPERATORS)}"
            )
        if ops[0] not in ("related", "one_of") and self.field is None:
            raise ValueError(f"operator `{ops[0]}` needs a `field`")
        if ops[0] not in ("equals", "not_equals") and self.operand() is None:
            raise ValueError(f"operator `{ops[0]}` needs a value, not null")
        return self

    def operators(self) -> list[str]:
        names = self.model_fields_set - {"field", "label"}
        return sorted("in" if n == "in_" else n for n in names)

    @property
    def operator(self) -> str:
        return self.operators()[0]

    def operand(self) -> Any:
        op = self.operator
        return getattr(self, "in_" if op == "in" else op)


OPERATORS = (
    "same_as",
    "contains_all",
    "equals",
    "not_equals",
    "in",
    "not_in",
    "present",
    "nonempty",
    "holds_role",
    "includes_holders_of",
    "refers_to",
    "any",
    "all",
    "related",
    "one_of",
)


_WITHIN = (
    "response and evidence rules: only holders whose jurisdiction is the one this field of the "
    "trigger (or judged record) names (a jurisdiction, or a unit's jurisdiction), or above it"
)
"""What a post or unit holder's ``within`` means (one text for both)."""


class PostHolder(_M):
    """Everyone appointed to one of ``roles`` (at ``levels``), for the time they hold it."""

    roles: _value(list[Role])  # type: ignore[valid-type]
    levels: _value(list[JurisdictionLevel]) | None = None  # type: ignore[valid-type]
    within: str | None = Field(default=None, description=_WITHIN)


class UnitHolder(_M):
    """Every unit of one of ``types`` (at ``levels``) meeting ``where``, while it exists."""

    types: _value(list[UnitType])  # type: ignore[valid-type]
    levels: _value(list[JurisdictionLevel]) | None = None  # type: ignore[valid-type]
    where: list[Condition] = Field(default_factory=list)
    within: str | None = Field(default=None, description=_WITHIN)


class JurisdictionHolder(_M):
    """Every jurisdiction at ``levels`` (the district itself, each township …)."""

    levels: _value(list[JurisdictionLevel])  # type: ignore[valid-type]


class Holder(_M):
    """Who holds the duty. Exactly one of the four ways."""

    post: PostHolder | None = None
    unit: UnitHolder | None = None
    jurisdiction: JurisdictionHolder | None = None
    field: str | None = Field(
        default=None,
        description=(
            "a field of the triggering or inspected fact naming a person or unit (a list: each)"
        ),
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Holder:
        given = [n for n in ("post", "unit", "jurisdiction", "field") if getattr(self, n)]
        if len(given) != 1:
            raise ValueError("a holder is exactly one of `post`, `unit`, `jurisdiction`, `field`")
        return self

    @property
    def way(self) -> str:
        return next(n for n in ("post", "unit", "jurisdiction", "field") if getattr(self, n))


class Answers(_M):
    """Who answers for a rule's findings (arts. 35-36 hold units and people to account),
    when it is not the holder itself: the reading names the article it reads.

    ``by: holder`` (the default when a rule and its file say nothing): the holder, when a
    person or a unit. ``by: unit``: the unit of ``types`` in the holder's jurisdiction or the
    nearest one above it (at ``levels``). ``by: post``: the person in one of ``roles`` there
    on the finding's due date (else its period's end; never after the as-of date).
    """

    by: _value(Literal["holder", "unit", "post"])  # type: ignore[valid-type]
    types: _value(list[UnitType]) | None = Field(  # type: ignore[valid-type]
        default=None, description="`by: unit`: the unit types that answer"
    )
    roles: _value(list[Role]) | None = Field(  # type: ignore[valid-type]
        default=None, description="`by: post`: the posts whose holder answers"
    )
    levels: _value(list[JurisdictionLevel]) | None = Field(  # type: ignore[valid-type]
        default=None,
        description="only a unit or post at these levels (the holder's or one above it)",
    )
    article: StrictInt = Field(ge=1, description="the article whose words choose the answerer")
    reads: str = Field(min_length=1, description="the words of that article")
    reading: Localized = Field(description="who answers, in Chinese and in English")
    reason: Localized = Field(description="why the text puts it on them, in Chinese and English")

    @field_validator("reading", "reason", mode="before")
    @classmethod
    def _both_languages(cls, value: Any) -> Any:
        """As a parameter's: a plain text is refused rather than taken as one language."""
        return Parameter._both_languages(value)


Period = Literal["year", "half_year", "quarter", "month"]


class PeriodPolicy(_M):
    """How a period is cut where a holder's tenure or the rules' force covers only part of it."""

    tenure: _value(Literal["clip", "exempt"]) = ParamRef(param="partial_tenure")  # type: ignore[valid-type]
    tenure_min_days: _value(StrictInt) = ParamRef(param="partial_tenure_min_days")  # type: ignore[valid-type]
    in_force: _value(Literal["clip", "exempt"]) = ParamRef(param="partial_first_period")  # type: ignore[valid-type]


class _Counted(_M):
    facts: str = Field(description="the fact kind counted, e.g. `inspections`")
    where: list[Condition] = Field(default_factory=list)
    bind: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "fact field → `holder`, `holder.jurisdiction` or `holder.unit`: the fact belongs to "
            "the holder when they are equal (for list fields: when the list contains it)"
        ),
    )
    date_field: str | None = Field(default=None, description="default: the kind's own date")
    per: _value(Literal["year", "half_year", "quarter", "month", "once"])  # type: ignore[valid-type]
    periods: PeriodPolicy = Field(default_factory=PeriodPolicy)


class CountRequirement(_Counted):
    """At least N matching facts per calendar period."""

    type: Literal["count"]
    at_least: _value(StrictInt)  # type: ignore[valid-type]
    per_river: _value(StrictBool) = Field(  # type: ignore[valid-type]
        default=False,
        description="one duty per river the holder's posts name (appointments' `rivers`), "
        "met by facts whose `rivers` lists it; a holder whose posts name none is counted whole",
    )


class ForbidRequirement(_Counted):
    """No matching fact in any period (a prohibition)."""

    type: Literal["forbid"]


class DueDate(_M):
    """An absolute due date in (or before) the period's year: ``month_day`` like ``MM-DD``."""

    month_day: _value(str) | None = None  # type: ignore[valid-type]
    date: _value(str) | None = Field(  # type: ignore[valid-type]
        default=None, description="an absolute date YYYY-MM-DD, for `per: once`"
    )
    year_offset: _value(StrictInt) = 0  # type: ignore[valid-type]
    inclusive: _value(StrictBool) = True  # type: ignore[valid-type]


class DeadlineRequirement(_Counted):
    """A deliverable for each period, due by an absolute date."""

    type: Literal["deadline"]
    period_field: str | None = Field(
        default=None,
        description=(
            "the deliverable's field naming the year it covers (e.g. `year`); without it, a "
            "deliverable dated inside the period covers that period"
        ),
    )
    due: DueDate

    @model_validator(mode="after")
    def _due_fits_period(self) -> DeadlineRequirement:
        once = self.per == "once"
        if once and (self.due.date is None or self.due.month_day is not None):
            raise ValueError("`per: once` takes `due: {date: YYYY-MM-DD}`")
        if not once and self.due.month_day is None:
            raise ValueError("a yearly deadline takes `due: {month_day: MM-DD}`")
        return self


class TriggerEach(_M):
    """One duty per item of a list of records in the triggering fact (an inspection's problems)."""

    field: str = Field(description="a list of records with an `id` in the triggering fact")
    where: list[Condition] = Field(
        default_factory=list, description="which items open a duty (conditions on the item)"
    )
    link: str = Field(
        description="the response's field listing the items it answers; a response that lists "
        "none answers every item of the trigger"
    )


class Trigger(_M):
    """What opens a duty: a fact (``facts``) or another rule's finding (``finding_of``)."""

    facts: str | None = None
    finding_of: str | None = None
    statuses: list[Literal["violated", "fulfilled_late"]] = Field(default=["violated"])
    where: list[Condition] = Field(default_factory=list)
    date_field: str | None = None
    date_fallback: str | None = Field(
        default=None,
        description="the trigger's date field the duty opens on when `date_field` is empty",
    )
    each: TriggerEach | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Trigger:
        if (self.facts is None) == (self.finding_of is None):
            raise ValueError("a trigger names exactly one of `facts` or `finding_of`")
        return self


class Response(_M):
    """The fact that discharges a triggered duty; ``link`` names the trigger's id."""

    facts: str
    link: str | None = Field(
        default=None,
        description=(
            "field of the response holding the trigger's id (for a `finding_of` trigger: the "
            "id of the fact that triggered the earlier finding)"
        ),
    )
    link_to: str | None = Field(
        default=None,
        description="the trigger's field whose value `link` must equal (default: its id)",
    )
    bind: dict[str, str] = Field(
        default_factory=dict,
        description="response field → `holder`, `holder.jurisdiction`, `holder.unit` or "
        "`trigger.<field>` (the triggering fact's field)",
    )
    where: list[Condition] = Field(default_factory=list)
    date_field: str | None = None


class RelativeDue(_M):
    """Due ``days`` after the trigger, or by the trigger's own ``field`` date where it has one."""

    days: _value(StrictInt)  # type: ignore[valid-type]
    field: str | None = None


class ResponseRequirement(_M):
    """A duty opened by a trigger and due some days later."""

    type: Literal["response"]
    trigger: Trigger
    response: Response
    due: RelativeDue


class EvidenceRequirement(_M):
    """Every matching fact must carry the required elements, signatures or form."""

    type: Literal["evidence"]
    facts: str
    where: list[Condition] = Field(default_factory=list)
    date_field: str | None = None
    must: list[Condition] = Field(min_length=1)


Requirement = Annotated[
    CountRequirement
    | ForbidRequirement
    | DeadlineRequirement
    | ResponseRequirement
    | EvidenceRequirement,
    Field(discriminator="type"),
]


class Rule(_M):
    id: str = Field(pattern=RULE_ID_PATTERN, description="artNNN.snake_case_name")
    title: Localized
    clause: str = Field(min_length=1, description="the sentence of the article this encodes")
    modality: Literal["obligation", "prohibition"]
    severity: Literal["mandatory", "advisory"] = Field(
        description=("mandatory: 应/至少/不得/负责; advisory: 一般 (a softer duty)")
    )
    holder: Holder
    requires: Requirement
    answers: Answers | None = Field(
        default=None,
        description="who answers for the findings (default: the file's, else the holder)",
    )
    note: str | None = None


class Unchecked(_M):
    """A clause no machine can check, with the reason."""

    clause: str = Field(min_length=1)
    reason: Literal[
        "descriptive",
        "definition",
        "purpose",
        "judgement",
        "no_fact",
        "external",
        "delegated",
        "covered_elsewhere",
    ]
    explanation: str = Field(min_length=1)


class Definition(_M):
    """Terms an article defines, tied to the fact model's enumeration that rules use.

    e.g. art. 4 defines the four meeting kinds: ``enum: MeetingKind`` with the values
    ``general_chief_meeting`` … and the Chinese ``terms`` the article uses for them.
    """

    enum: str
    terms: dict[str, str] = Field(min_length=1, description="enum value → the article's term")


class Reference(_M):
    article: StrictInt | None = None
    document: str | None = None
    note: str | None = None


class InForce(_M):
    from_: _value(dt.date | str) = Field(alias="from")  # type: ignore[valid-type]
    until: dt.date | str | None = None
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ArticleVersion(_M):
    """One dated version of an article: its text, rules and parameters, in force from
    ``in_force.from`` until the next version's (docs/rule-format.md, "Amendments and
    versions"). A rule keeps its id across versions; each version lists every rule in force."""

    version: str = Field(min_length=1, description="the version's label, e.g. `2020`, `2023修正`")
    in_force: InForce
    amended_by: Amendment | None = Field(
        default=None, description="the instrument that made this version (none for the first)"
    )
    text: str = Field(min_length=1, description="the article's text in this version")
    source: str | None = Field(
        default=None,
        description="the text file holding this version's text, relative to the pack "
        "(default: the pack's `source`); `lint` compares `text` with it",
    )
    parameters: dict[str, Parameter] = Field(
        default_factory=dict,
        description="parameters only this version's rules read (a name of their own; a value "
        "that changes with the amendment is a parameter with dated `values`)",
    )
    rules: list[Rule] = Field(default_factory=list)
    repeals: list[str] = Field(
        default_factory=list,
        description="ids of the previous version's rules this version drops (the amendment "
        "repeals the duty); a rule dropped without being named here is an error",
    )


class RuleFile(_M):
    """One article of the regulation, its rules and its readings."""

    article: StrictInt = Field(ge=1)
    chapter: StrictInt = Field(ge=1)
    chapter_title: str
    title: Localized
    text: str = Field(min_length=1, description="the article's exact original text")
    summary: str = Field(min_length=1, description="a short English summary")
    in_force: InForce
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
    answers: Answers | None = Field(
        default=None, description="who answers for the findings of every rule that names none"
    )
    unchecked: list[Unchecked] = Field(default_factory=list)
    defines: list[Definition] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    versions: list[ArticleVersion] = Field(
        default_factory=list,
        description="dated versions of the article (text, rules, parameters), oldest first; "
        "without them the file is one version. With them the file's own `rules` is empty",
    )


class Amendments(_M):
    """How the pack judges a duty under amended text (docs/rule-format.md, "Amendments and
    versions")."""

    period_anchor: _value(Literal["start", "end"]) = Field(  # type: ignore[valid-type]
        description="the day of a period that picks the version it is judged under: its "
        "first (`start`) or last (`end`) day; usually `{param: amendment_period_anchor}`"
    )


class PackFile(_M):
    """``pack.yaml``: the rule pack's identity and the parameters its articles share."""

    pack: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: Localized
    issued_by: str
    issued: str
    source: str = Field(description="the regulation text file this pack encodes, relative")
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    refines: Refines | None = Field(
        default=None,
        description="an overlay (art. 37): the pack this one refines, for which jurisdiction "
        '(docs/rule-format.md, "Overlays")',
    )
    tightens: dict[str, Tightening] = Field(
        default_factory=dict,
        description="an overlay's stricter values of the refined pack's parameters (qualified "
        "names, e.g. `art016.river_chief_period`), for its scope only",
    )
    titles: dict[str, Localized] = Field(
        default_factory=dict,
        description="an overlay's titles for the refined pack's rules it tightens (by the base "
        "rule's id); default: the base rule's title",
    )
    amendments: Amendments | None = Field(
        default=None,
        description="the reading that picks the version a period is judged under; required "
        "when an article carries `versions` or a parameter dated `values`",
    )


class OverlayScope(_M):
    """Where an overlay's duties apply: a jurisdiction and everything below it."""

    jurisdiction: str = Field(min_length=1, description="a jurisdiction id of the facts")


class Refines(_M):
    """``refines:`` in an overlay's ``pack.yaml``: the pack it refines and its scope.

    Art. 37: each town makes its own measures 参照本办法 (``town_measures``), each department its
    implementing plan (``department_plan``). An overlay adds duties and may tighten the refined
    pack's readings for its scope; it never loosens or removes one.
    """

    pack: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", description="the refined pack's name")
    scope: OverlayScope
    kind: Literal["town_measures", "department_plan"]


class Tightening(_M):
    """A stricter value of one of the refined pack's parameters, read from the overlay's text."""

    value: Any
    article: StrictInt = Field(ge=1, description="the overlay's article that states it")
    reads: str = Field(min_length=1, description="the overlay's words this reads")
    reading: Localized
    reason: Localized

    @field_validator("reading", "reason", mode="before")
    @classmethod
    def _both_languages(cls, value: Any) -> Any:
        """Both languages, as a parameter's reading (:class:`Parameter`)."""
        return Parameter._both_languages(value)


Related.model_rebuild()
Condition.model_rebuild()
PackFile.model_rebuild()


def re_param(name: str) -> bool:
    """Whether ``name`` is a valid parameter name (snake_case)."""
    import re

    return re.match(PARAM_NAME_PATTERN, name) is not None
