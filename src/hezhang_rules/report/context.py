"""What reporters may know about the facts: plain views, rendered when asked for.

Reporters read a :class:`~hezhang_rules.report.table.FindingsTable` and the :class:`Plan`. To
explain a finding and to group holders into towns and departments they also need a little of
the facts: the deciding records with their fields (titled as in the fact model) and, for each
holder, the town or department it belongs to. :func:`table_context` (any size: holders from
:func:`holder_infos`, fact views rendered only for the ids a reporter asks for, see
:class:`FactViews`) and :func:`build_context` (a :class:`Report` over a :class:`FactSet`) are
the only places in ``report`` that read facts; everything else reads what they return.
Nothing here depends on file names or record order, so reports built from it stay
byte-identical for the same facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

import polars as pl
from pydantic import BaseModel

from hezhang_rules.facts import FACT_KINDS, FactSet
from hezhang_rules.facts.enums import term
from hezhang_rules.facts.models import Appointment, Fact, Jurisdiction, Unit
from hezhang_rules.facts.schema import FieldShape, model_fields
from hezhang_rules.facts.tables import Tables
from hezhang_rules.findings import HolderRef, Report

if TYPE_CHECKING:
    from hezhang_rules.report.changes import Since
    from hezhang_rules.report.table import FindingsTable

MAX_VALUE_CHARS = 160
MAX_FIELDS = 14
_DISTRICT_ROLES = frozenset(
    {
        "general_chief",
        "deputy_general_chief",
        "river_chief",
        "office_director",
        "district_head",
        "deputy_district_head",
    }
)


@dataclass(frozen=True)
class FactField:
    path: str  # dotted field path, e.g. record.place
    title: str  # the fact model's (Chinese) title, e.g. 巡查记录·巡查地点
    value: str  # rendered for reading; references as `name (id)`


@dataclass(frozen=True)
class FactView:
    id: str
    kind: str
    date: dt.date | None
    fields: tuple[FactField, ...]


@dataclass(frozen=True)
class HolderInfo:
    """A holder and the column it is counted under: its town, its department, or the district."""

    id: str
    name: str
    kind: str
    group: str  # district, township, department, other
    column: str  # the column key: a jurisdiction id, a unit id, or "district"
    column_name: str
    order: tuple[int, str] = (0, "")


@dataclass(frozen=True)
class AuditContext:
    facts: Mapping[str, FactView] = field(default_factory=dict)
    holders: Mapping[str, HolderInfo] = field(default_factory=dict)
    titles: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (kind, path) → title
    columns: tuple[HolderInfo, ...] = ()  # one entry per column, in display order
    lang: str = "zh"
    since: Since | None = None  # "since the last run" (check --store); None: no store given

    def holder(self, ref: HolderRef) -> HolderInfo:
        found = self.holders.get(ref.id)
        if found is not None:
            return found
        return HolderInfo(ref.id, ref.name, ref.kind, "other", ref.id, ref.name, (9, ref.id))

    def title(self, kind: str, path: str, lang: str) -> str:
        """A field's title: 巡查人 (zh) or the path itself (en)."""
        if lang != "zh":
            return path
        return self.titles.get((kind, path), path)


def _titles(model: type[BaseModel], prefix: str = "", title_prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for name, shape in model_fields(model).items():
        path = f"{prefix}{name}"
        title = f"{title_prefix}{shape.title or name}"
        out[path] = title
        nested = shape.model if shape.kind == "model" else None
        if shape.kind == "list" and shape.item is not None and shape.item.kind == "model":
            nested = shape.item.model
        if nested is not None and path.count(".") < 3:
            out.update(_titles(nested, f"{path}.", f"{title}·"))
    return out


def all_titles() -> dict[tuple[str, str], str]:
    return {
        (kind, path): title
        for kind, model in FACT_KINDS.items()
        for path, title in _titles(model).items()
    }


class Names(Protocol):
    """What a renderer needs of the facts besides the record shown: the name of a person, unit
    or jurisdiction a reference points to (the id itself otherwise)."""

    def name_of(self, fact_id: str) -> str: ...


class _Renderer:
    """A fact's fields as people read them, in ``lang``: enumerated values through the one
    glossary (``facts.enums.term``: 河长, not ``river_chief``), references as ``name (id)``."""

    def __init__(self, facts: Names, lang: str) -> None:
        self.facts = facts
        self.lang = lang
        self.sep = "、" if lang == "zh" else ", "

    def scalar(self, value: Any, shape: FieldShape | None) -> str:
        if isinstance(value, bool):
            return ("是" if value else "否") if self.lang == "zh" else ("yes" if value else "no")
        if isinstance(value, Enum):
            return term(value, self.lang)
        if isinstance(value, dt.date):
            return value.isoformat()
        if shape is not None and shape.ref and isinstance(value, str):
            name = self.facts.name_of(value)
            return value if name == value else f"{name} ({value})"
        return str(value)

    def value(self, value: Any, shape: FieldShape) -> str:
        if shape.kind == "list" and isinstance(value, list):
            if not value:
                return "（空）" if self.lang == "zh" else "(empty)"
            return self.sep.join(self.value(v, shape.item or FieldShape("scalar")) for v in value)
        if shape.kind == "dict" and isinstance(value, dict):
            item = shape.item or FieldShape("scalar")
            return ("；" if self.lang == "zh" else "; ").join(
                f"{self.scalar(k, shape.key)}: {self.value(v, item)}"
                for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
            )
        if isinstance(value, BaseModel):
            parts = [
                self.value(getattr(value, n), s)
                for n, s in model_fields(type(value)).items()
                if getattr(value, n) is not None
            ]
            return (
                "（" + "，".join(parts) + "）"
                if self.lang == "zh"
                else "(" + ", ".join(parts) + ")"
            )
        return self.scalar(value, shape)

    def fields(self, record: BaseModel, prefix: str, title_prefix: str) -> list[FactField]:
        out: list[FactField] = []
        for name, shape in model_fields(type(record)).items():
            value = getattr(record, name)
            if value is None or (not prefix and name in ("id", "note")):
                continue
            path = f"{prefix}{name}"
            title = f"{title_prefix}{shape.title or name}" if self.lang == "zh" else path
            if shape.kind == "model" and isinstance(value, BaseModel):
                sep = "·" if self.lang == "zh" else "."
                nested = self.fields(value, f"{path}.", f"{title}{sep}")
                out += nested or [FactField(path, title, "（空）" if self.lang == "zh" else "()")]
                continue
            text = self.value(value, shape)
            if len(text) > MAX_VALUE_CHARS:
                text = text[: MAX_VALUE_CHARS - 1] + "…"
            out.append(FactField(path, title, text))
        return out


def _view(fact: Fact, renderer: _Renderer) -> FactView:
    fields = renderer.fields(fact, "", "")
    return FactView(fact.id, fact.KIND, fact.fact_date(), tuple(fields[:MAX_FIELDS]))


class _TableNames:
    """``name_of`` over fact tables, as :meth:`FactSet.name_of`: the name of any record that has
    one (people, units, jurisdictions, rivers …), read from the frames on first use."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self._names: dict[str, str] | None = None

    def name_of(self, fact_id: str) -> str:
        if self._names is None:
            self._names = {}
            for frame in self.tables.frames.values():
                if frame.schema.get("name") == pl.String:
                    frame = frame.select("id", "name").drop_nulls()
                    self._names.update(
                        zip(frame.get_column("id"), frame.get_column("name"), strict=True)
                    )
        return self._names.get(fact_id, fact_id)


class FactViews(Mapping[str, FactView]):
    """The fact views of a context, each rendered the first time a reporter asks for its id
    (``get``, ``[]``, ``in``): a report listing a few findings in detail renders those
    findings' facts only, whatever the size of the facts.

    Over a :class:`FactSet` a view is one record looked up by id; over fact :class:`Tables`,
    :meth:`prefetch` renders many ids with one filter per kind (a reporter about to show a page
    of findings passes their evidence and subjects), and a single id asked for is fetched the
    same way. Iteration lists every fact id of the source. Views are kept once rendered.
    """

    def __init__(self, source: FactSet | Tables | None, lang: str) -> None:
        self.source = source
        self._views: dict[str, FactView | None] = {}
        names: Names | None = None
        if isinstance(source, FactSet):
            names = source
        elif isinstance(source, Tables):
            names = _TableNames(source)
        self._renderer = _Renderer(names, lang) if names is not None else None

    def prefetch(self, ids: Iterable[str]) -> None:
        """Render the views of ``ids`` not rendered yet (an unknown id is remembered as none)."""
        wanted = sorted({i for i in ids if i not in self._views})
        if not wanted or self._renderer is None:
            self._views.update(dict.fromkeys(wanted))
            return
        found: dict[str, FactView] = {}
        if isinstance(self.source, FactSet):
            for i in wanted:
                fact = self.source.get(i)
                if fact is not None:
                    found[i] = _view(fact, self._renderer)
        elif isinstance(self.source, Tables):
            ids = pl.Series("id", wanted, dtype=pl.String)
            for kind, frame in self.source.frames.items():
                if frame.height and frame.get_column("id").is_in(ids.implode()).any():
                    for fact in self.source.records(kind, ids):
                        found[fact.id] = _view(fact, self._renderer)
        for i in wanted:
            self._views[i] = found.get(i)

    def __getitem__(self, fact_id: str) -> FactView:
        if fact_id not in self._views:
            self.prefetch([fact_id])
        view = self._views[fact_id]
        if view is None:
            raise KeyError(fact_id)
        return view

    def __iter__(self) -> Iterator[str]:
        if isinstance(self.source, FactSet):
            yield from (f.id for f in self.source)
        elif isinstance(self.source, Tables):
            for frame in self.source.frames.values():
                yield from frame.get_column("id")

    def __len__(self) -> int:
        return len(self.source) if self.source is not None else 0

    def __eq__(self, other: object) -> bool:
        # Two contexts over equal facts are equal: compared by the views of every fact id.
        if not isinstance(other, Mapping):
            return NotImplemented
        return dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]


def _short(name: str, prefixes: Iterable[str]) -> str:
    for p in sorted(prefixes, key=len, reverse=True):
        if name.startswith(p) and len(name) > len(p) + 1:
            return name[len(p) :]
    return name


class _Grouper:
    """Which column (town, department, district) each holder is counted under."""

    def __init__(self, facts: FactSet | Tables, lang: str) -> None:
        # Only jurisdictions, units and posts are read (a few per holder): from fact tables,
        # only these three kinds become records.
        self.lang = lang
        self.juris = {
            f.id: f for f in _records(facts, "jurisdictions") if isinstance(f, Jurisdiction)
        }
        self.units = {f.id: f for f in _records(facts, "units") if isinstance(f, Unit)}
        self.appointments: dict[str, list[Appointment]] = {}
        for a in _records(facts, "appointments"):
            if isinstance(a, Appointment):
                self.appointments.setdefault(a.person, []).append(a)
        self.upper = [j.name for j in self.juris.values() if j.level in ("city", "district")]

    def township_of(self, jid: str | None) -> Jurisdiction | None:
        seen = 0
        while jid is not None and jid in self.juris and seen < 16:
            j = self.juris[jid]
            if j.level == "township":
                return j
            if j.level in ("city", "district"):
                return None
            jid, seen = j.parent, seen + 1
        return None

    def town(self, j: Jurisdiction) -> tuple[str, str, str, tuple[int, str]]:
        return ("township", j.id, j.name, (1, j.code or j.id))

    def district(self) -> tuple[str, str, str, tuple[int, str]]:
        return ("district", "district", "区级" if self.lang == "zh" else "District", (0, ""))

    def department(self, u: Unit) -> tuple[str, str, str, tuple[int, str]]:
        return ("department", u.id, _short(u.name, self.upper), (2, u.id))

    def of_unit(self, u: Unit) -> tuple[str, str, str, tuple[int, str]]:
        if u.type in ("department", "public_security"):
            return self.department(u)
        town = self.township_of(u.jurisdiction)
        if town is not None:
            return self.town(town)
        level = self.juris[u.jurisdiction].level if u.jurisdiction in self.juris else None
        return self.district() if level == "district" else ("other", u.id, u.name, (3, u.id))

    def of_person(self, pid: str) -> tuple[str, str, str, tuple[int, str]]:
        posts = sorted(self.appointments.get(pid, []), key=lambda a: (a.start, a.id))
        towns = [t for a in posts if (t := self.township_of(a.jurisdiction)) is not None]
        if towns:
            return self.town(towns[-1])
        if any(a.role in _DISTRICT_ROLES for a in posts):
            return self.district()
        for a in reversed(posts):
            unit = self.units.get(a.unit or "")
            if unit is not None and unit.type in ("department", "public_security"):
                return self.department(unit)
        return self.district()

    def of(self, ref: HolderRef) -> HolderInfo:
        if ref.kind == "jurisdiction":
            j = self.juris.get(ref.id)
            town = self.township_of(ref.id)
            if town is not None:
                g = self.town(town)
            elif j is not None and j.level == "district":
                g = self.district()
            else:
                g = ("other", ref.id, ref.name, (3, ref.id))
        elif ref.kind == "unit" and ref.id in self.units:
            g = self.of_unit(self.units[ref.id])
        elif ref.kind == "person":
            g = self.of_person(ref.id)
        else:
            g = ("other", ref.id, ref.name, (3, ref.id))
        group, column, column_name, order = g
        return HolderInfo(ref.id, ref.name, ref.kind, group, column, column_name, order)


_GROUPED = {
    "jurisdictions": ("id", "name", "level", "parent", "code"),
    "units": ("id", "name", "type", "jurisdiction"),
    "appointments": ("id", "person", "role", "jurisdiction", "unit", "start"),
}
"""The fields :class:`_Grouper` reads of each kind it reads."""


def _records(facts: FactSet | Tables, kind: str) -> Iterable[Fact]:
    if isinstance(facts, FactSet):
        return facts.of_kind(kind)
    if kind not in facts.frames:
        return ()
    # Rows of validated tables, only the fields the grouper reads, constructed without a
    # second validation (an enumeration stays its text, which compares equal).
    model = FACT_KINDS[kind]
    frame = facts.frame(kind).select(_GROUPED[kind])
    return [model.model_construct(**row) for row in frame.iter_rows(named=True)]


def holder_infos(
    facts: FactSet | Tables, holders: pl.DataFrame, lang: str = "zh"
) -> dict[str, HolderInfo]:
    """Each holder's column (town, department, district), by holder id: ``holders`` has the
    columns ``id``, ``kind`` and ``name`` (``FindingsTable.holders()``)."""
    grouper = _Grouper(facts, lang)
    return {
        hid: grouper.of(HolderRef.model_construct(kind=kind, id=hid, name=name))
        for hid, kind, name in holders.select("id", "kind", "name").iter_rows()
    }


def with_column(frame: pl.LazyFrame, ctx: AuditContext) -> pl.LazyFrame:
    """``frame`` (with a ``holder`` struct column) with the column each holder is counted under
    (``column``; a holder the context does not know is its own column, as
    :meth:`AuditContext.holder` says)."""
    ids = list(ctx.holders)
    columns = pl.LazyFrame(
        {"_hid": ids, "column": [ctx.holders[i].column for i in ids]},
        schema={"_hid": pl.String, "column": pl.String},
    )
    return (
        frame.with_columns(pl.col("holder").struct.field("id").alias("_hid"))
        .join(columns, on="_hid", how="left", maintain_order="left")
        .with_columns(pl.coalesce("column", "_hid").alias("column"))
        .drop("_hid")
    )


def columns_of(holders: Iterable[HolderInfo]) -> tuple[HolderInfo, ...]:
    """One holder per column, in display order (district, towns, departments, other)."""
    return _columns(holders)


def build_context(facts: FactSet, report: Report, lang: str = "zh") -> AuditContext:
    """Every holder's column and the facts (views rendered when asked for) of a
    :class:`Report` over ``facts``."""
    grouper = _Grouper(facts, lang)
    holders = {f.holder.id: grouper.of(f.holder) for f in report.findings}
    views = FactViews(facts, lang)
    return AuditContext(views, holders, all_titles(), _columns(holders.values()), lang)


def table_context(
    facts: FactSet | Tables | None, table: FindingsTable, lang: str = "zh"
) -> AuditContext:
    """The context of a findings table at any size: each holder's column from
    :func:`holder_infos` (only jurisdictions, units and posts are read), and fact views
    rendered only for the ids a reporter asks for. Without facts, holders are grouped by kind
    (as :func:`plain_context`) and no fact is shown."""
    if facts is None:
        holders = _plain_holders(table.holders())
    else:
        holders = holder_infos(facts, table.holders(), lang)
    return AuditContext(
        FactViews(facts, lang), holders, all_titles(), _columns(holders.values()), lang
    )


def _plain_holders(holders: pl.DataFrame) -> dict[str, HolderInfo]:
    out: dict[str, HolderInfo] = {}
    for h in holders.iter_rows(named=True):
        group = {"unit": "department", "jurisdiction": "township"}.get(h["kind"], "other")
        order = (("other", "township", "department").index(group) + 1, h["id"])
        out[h["id"]] = HolderInfo(h["id"], h["name"], h["kind"], group, h["id"], h["name"], order)
    return out


def _columns(holders: Iterable[HolderInfo]) -> tuple[HolderInfo, ...]:
    by_column: dict[str, HolderInfo] = {}
    for h in holders:
        by_column.setdefault(h.column, h)
    return tuple(sorted(by_column.values(), key=lambda h: (h.order, h.column)))


def plain_context(report: Report, lang: str = "zh") -> AuditContext:
    """A context without facts: each holder its own column, grouped by kind."""
    rows = {f.holder.id: f.holder.model_dump() for f in report.findings}
    holders = _plain_holders(
        pl.DataFrame(
            list(rows.values()), schema={"id": pl.String, "kind": pl.String, "name": pl.String}
        )
    )
    return AuditContext({}, holders, all_titles(), _columns(holders.values()), lang)
