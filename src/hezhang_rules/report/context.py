"""What reporters may know about the facts: plain views built once from a :class:`FactSet`.

Reporters read a :class:`Report` and the :class:`Plan`. To explain a finding and to group holders
into towns and departments they also need a little of the facts: the deciding records with their
fields (titled as in the fact model) and, for each holder, the town or department it belongs to.
:func:`build_context` and :func:`holder_infos` (a large run's holders, from fact tables or
facts) are the only places in ``report`` that read facts; everything else reads what they
return. Nothing here depends on file names or record order, so
reports built from it stay byte-identical for the same facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from hezhang_rules.facts import FACT_KINDS, FactSet
from hezhang_rules.facts.enums import term
from hezhang_rules.facts.models import Appointment, Fact, Jurisdiction, Unit
from hezhang_rules.facts.schema import FieldShape, model_fields
from hezhang_rules.findings import HolderRef, Report

if TYPE_CHECKING:  # polars is loaded by the commands that read tables, not by every command
    import polars as pl

    from hezhang_rules.facts.tables import Tables

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


class _Renderer:
    """A fact's fields as people read them, in ``lang``: enumerated values through the one
    glossary (``facts.enums.term``: 河长, not ``river_chief``), references as ``name (id)``."""

    def __init__(self, facts: FactSet, lang: str) -> None:
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


def _fact_view(facts: FactSet, fact_id: str, renderer: _Renderer) -> FactView | None:
    fact = facts.get(fact_id)
    if fact is None:
        return None
    fields = renderer.fields(fact, "", "")
    return FactView(fact.id, fact.KIND, fact.fact_date(), tuple(fields[:MAX_FIELDS]))


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


def _records(facts: FactSet | Tables, kind: str) -> Iterable[Fact]:
    if isinstance(facts, FactSet):
        return facts.of_kind(kind)
    return facts.records(kind) if kind in facts.frames else ()


def holder_infos(
    facts: FactSet | Tables, holders: pl.DataFrame, lang: str = "zh"
) -> dict[str, HolderInfo]:
    """Each holder's column (town, department, district), by holder id: ``holders`` has the
    columns ``id``, ``kind`` and ``name`` (``FindingsTable.holders()``)."""
    grouper = _Grouper(facts, lang)
    return {
        h["id"]: grouper.of(HolderRef(kind=h["kind"], id=h["id"], name=h["name"]))
        for h in holders.iter_rows(named=True)
    }


def columns_of(holders: Iterable[HolderInfo]) -> tuple[HolderInfo, ...]:
    """One holder per column, in display order (district, towns, departments, other)."""
    return _columns(holders)


def build_context(facts: FactSet, report: Report, lang: str = "zh") -> AuditContext:
    """The facts the report's findings refer to, and every holder's column."""
    renderer = _Renderer(facts, lang)
    grouper = _Grouper(facts, lang)
    wanted = sorted(
        {i for f in report.findings for i in f.evidence}
        | {f.subject for f in report.findings if f.subject}
    )
    views = {i: v for i in wanted if (v := _fact_view(facts, i, renderer)) is not None}
    holders = {f.holder.id: grouper.of(f.holder) for f in report.findings}
    return AuditContext(views, holders, all_titles(), _columns(holders.values()), lang)


def _columns(holders: Iterable[HolderInfo]) -> tuple[HolderInfo, ...]:
    by_column: dict[str, HolderInfo] = {}
    for h in holders:
        by_column.setdefault(h.column, h)
    return tuple(sorted(by_column.values(), key=lambda h: (h.order, h.column)))


def plain_context(report: Report, lang: str = "zh") -> AuditContext:
    """A context without facts: each holder its own column, grouped by kind."""
    holders: dict[str, HolderInfo] = {}
    for f in report.findings:
        h = f.holder
        group = {"unit": "department", "jurisdiction": "township"}.get(h.kind, "other")
        order = (("other", "township", "department").index(group) + 1, h.id)
        holders[h.id] = HolderInfo(h.id, h.name, h.kind, group, h.id, h.name, order)
    return AuditContext({}, holders, all_titles(), _columns(holders.values()), lang)
