"""A validated, indexed, order-independent set of facts."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from hezhang_rules.diagnostics import Diagnostic, FactLoadError, Span, type_zh
from hezhang_rules.facts.models import FACT_KINDS, Fact, Inspection
from hezhang_rules.facts.schema import FieldShape, model_fields
from hezhang_rules.source import Document


@dataclass(frozen=True)
class FactOrigin:
    """Where a record came from: file and position, and its label ``kind[index] (id X)``."""

    span: Span
    label: str
    doc: Document | None = field(default=None, compare=False, repr=False)
    prefix: tuple[str | int, ...] = ()

    def field_span(self, path: str) -> Span:
        """The span of a field of this record (``record.problems[0]``), else the record's."""
        if self.doc is None:
            return self.span
        keys: list[str | int] = []
        for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
            keys.append(int(part[1:-1]) if part.startswith("[") else part)
        return self.doc.span((*self.prefix, *keys))

    def error(
        self,
        code: str,
        message: str,
        path: str,
        *,
        zh: str,
        help: str | None = None,
        help_zh: str | None = None,
    ) -> Diagnostic:
        """A diagnostic about the field at ``path`` of this record, pointing at that field."""
        return Diagnostic(
            code,
            message,
            self.field_span(path),
            help=help,
            record=self.label,
            field_path=path,
            zh=zh,
            help_zh=help_zh,
        )


def _walk_refs(
    value: Any, shape: FieldShape, path: str
) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """Yield (field path, referenced id, target kinds) for every reference inside ``value``."""
    if value is None:
        return
    if shape.kind == "scalar" and shape.ref:
        yield path, str(value), shape.ref
    elif shape.kind == "list" and shape.item is not None:
        for i, item in enumerate(value):
            yield from _walk_refs(item, shape.item, f"{path}[{i}]")
    elif shape.kind == "dict" and shape.item is not None:
        for key, item in value.items():
            yield from _walk_refs(item, shape.item, f"{path}.{key}")
    elif shape.kind == "model" and isinstance(value, BaseModel):
        for name, sub in model_fields(type(value)).items():
            yield from _walk_refs(getattr(value, name), sub, f"{path}.{name}")


def iter_refs(fact: BaseModel) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    for name, shape in model_fields(type(fact)).items():
        yield from _walk_refs(getattr(fact, name), shape, name)


def is_fact(value: object) -> bool:
    """Whether ``value`` is a record of one of the fact kinds (not the base :class:`Fact`)."""
    return isinstance(value, Fact) and value.KIND in FACT_KINDS


def python_origin(fact: Fact, where: str) -> FactOrigin:
    """The origin of a record handed over in Python: ``where`` names the argument and the
    record's position in it (``facts_from_models(facts)[3]``), the label its kind and id."""
    return FactOrigin(Span(where), f"{fact.KIND} (id {fact.id})")


def not_a_fact(value: object, where: str) -> Diagnostic:
    """The diagnostic for ``value`` given where a fact model was expected, at ``where``.

    A mapping (a database row, a record as read from a file) is pointed to
    ``facts_from_records``, which validates rows as a fact file is validated."""
    found = type(value).__name__
    if isinstance(value, Mapping):
        help_text = "rows as mappings go to hz.facts_from_records({kind: [row, ...]})"
        help_zh = "以映射表示的记录行请交给 hz.facts_from_records({种类: [记录行, ...]})"
    else:
        help_text = "build one with the model of its kind, e.g. hz.Inspection(id=..., ...)"
        help_zh = "用其种类的模型构造，例如 hz.Inspection(id=..., ...)"
    return Diagnostic(
        "hz_facts_wrong_type",
        f"expected a fact model (a record of one of the fact kinds), found {found}",
        Span(where),
        help=help_text,
        zh=f"应为事实模型（某一事实种类的记录），却是{type_zh(found)}",
        help_zh=help_zh,
    )


def not_a_collection(value: object, where: str, expected: str, expected_zh: str) -> FactLoadError:
    """The error for an argument ``where`` that is not the collection of facts it must be."""
    found = type(value).__name__
    return FactLoadError(
        [
            Diagnostic(
                "hz_facts_wrong_type",
                f"expected {expected}, found {found}",
                Span(where),
                help="models: hz.facts_from_models([...]); rows: "
                "hz.facts_from_records({kind: [row, ...]}); files: hz.load_facts(paths)",
                zh=f"应为{expected_zh}，却是{type_zh(found)}",
                help_zh="模型用 hz.facts_from_models([...])；记录行用 "
                "hz.facts_from_records({种类: [记录行, ...]})；文件用 hz.load_facts(路径)",
            )
        ]
    )


def is_collection(value: object) -> bool:
    """An iterable that is neither text, a mapping nor a single record."""
    return isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping | Fact)


class FactSet:
    """All facts of an audit, indexed by kind and id. Build with :meth:`build`."""

    def __init__(
        self,
        facts: Mapping[str, tuple[Fact, ...]],
        problems: Mapping[str, str],
        origins: Mapping[str, FactOrigin],
    ) -> None:
        self._by_kind = dict(facts)
        self._by_id: dict[str, Fact] = {f.id: f for fs in facts.values() for f in fs}
        self._problems = dict(problems)  # problem id → inspection id
        self.origins: Mapping[str, FactOrigin] = dict(origins)
        self._digest: str | None = None

    @classmethod
    def build(
        cls,
        facts: Iterable[Fact],
        origins: Mapping[int, FactOrigin] | None = None,
        max_problems: int = 1_000,
        digest: str | None = None,
        references_checked: bool = False,
        source: str = "FactSet.build(facts)",
    ) -> FactSet:
        """Check ids are unique and references resolve; raise :class:`FactLoadError` if not.

        ``origins`` maps ``id(record)`` to where it was read, for located diagnostics.
        ``digest``: the digest of the source the records came from, when it has its own (fact
        tables are digested as columns, see ``facts.tables``), so a report over them names
        the same facts digest whichever evaluator made it. ``references_checked``: the caller
        has checked every reference already (fact tables, in columns); ids are still checked.
        ``source``: how a diagnostic names a record that has no origin, by its position in
        ``facts`` (``facts_from_models(facts)[3]``); anything in ``facts`` that is not a fact
        model is refused there too, so a caller never meets a bare ``AttributeError``.
        """
        if not is_collection(facts):
            raise not_a_collection(
                facts, source, "an iterable of fact models", "事实模型的可迭代集合"
            )
        facts = list(facts)
        wrong = [not_a_fact(x, f"{source}[{i}]") for i, x in enumerate(facts) if not is_fact(x)]
        if wrong:
            raise FactLoadError(wrong)
        origin_of = origins or {}
        position: dict[int, int] = {}
        if len(origin_of) < len(facts):  # the first position of each object (one may recur)
            for i, f in enumerate(facts):
                position.setdefault(id(f), i)
        diags: list[Diagnostic] = []
        by_id: dict[str, Fact] = {}
        problems: dict[str, str] = {}
        by_kind: dict[str, list[Fact]] = defaultdict(list)

        def where(f: Fact) -> FactOrigin:
            found = origin_of.get(id(f))
            return found or python_origin(f, f"{source}[{position[id(f)]}]")

        for n, f in enumerate(facts):
            if f.id in by_id:
                first = where(by_id[f.id])
                again = origin_of.get(id(f)) or python_origin(f, f"{source}[{n}]")
                diags.append(
                    again.error(
                        "hz_facts_duplicate_id",
                        f"id `{f.id}` is used twice",
                        "id",
                        help=f"first used by {first.label} at {first.span}",
                        zh=f"id `{f.id}` 被用了两次",
                        help_zh=f"第一次由 {first.label} 使用，位于 {first.span}",
                    )
                )
                continue
            by_id[f.id] = f
            by_kind[f.KIND].append(f)
            if isinstance(f, Inspection) and f.record and f.record.problems:
                for i, p in enumerate(f.record.problems):
                    if p.id in problems or p.id in by_id:
                        diags.append(
                            where(f).error(
                                "hz_facts_duplicate_id",
                                f"problem id `{p.id}` is used twice",
                                f"record.problems[{i}].id",
                                zh=f"问题 id `{p.id}` 被用了两次",
                            )
                        )
                    problems[p.id] = f.id
        for f in () if references_checked else facts:
            if by_id.get(f.id) is not f:
                continue
            for path, target, kinds in iter_refs(f):
                diags.extend(_check_ref(f, path, target, kinds, by_id, problems, where(f)))
                if len(diags) > max_problems:
                    break
            if len(diags) > max_problems:
                extra = Diagnostic(
                    "hz_load_too_many_problems",
                    f"more than {max_problems} problems; the first {max_problems} are shown",
                    where(f).span,
                    zh=f"问题超过 {max_problems} 个；只列出前 {max_problems} 个",
                )
                raise FactLoadError([*diags[:max_problems], extra])
        if diags:
            raise FactLoadError(diags)
        ordered = {
            kind: tuple(sorted(by_kind.get(kind, ()), key=lambda x: x.id)) for kind in FACT_KINDS
        }
        out = cls(ordered, problems, {f.id: where(f) for f in facts if by_id.get(f.id) is f})
        out._digest = digest
        return out

    def of_kind(self, kind: str) -> tuple[Fact, ...]:
        return self._by_kind.get(kind, ())

    def get(self, fact_id: str) -> Fact | None:
        return self._by_id.get(fact_id)

    def name_of(self, fact_id: str) -> str:
        """The display name of a person, unit or jurisdiction; the id itself otherwise."""
        f = self._by_id.get(fact_id)
        name = getattr(f, "name", None)
        return name if isinstance(name, str) else fact_id

    def inspection_of_problem(self, problem_id: str) -> str | None:
        return self._problems.get(problem_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Fact]:
        for kind in FACT_KINDS:
            yield from self._by_kind.get(kind, ())

    def digest(self) -> str:
        """The facts' digest, the same whatever source they came from.

        Computed as fact tables are digested (:func:`hezhang_rules.facts.tables.table_digest`:
        each kind's rows in the model's own column types, in id order), so fact files, Parquet,
        JSON-lines, CSV and xlsx tables, a SQLite or PostgreSQL database and the monitor's
        stream holding the same facts give one digest, and a report names them alike (issue
        21). Independent of file layout and order."""
        if self._digest is None:
            from hezhang_rules.facts.frames import frames_from_facts
            from hezhang_rules.facts.tables import table_digest

            self._digest = table_digest(frames_from_facts(self))
        return self._digest


def _check_ref(
    f: Fact,
    path: str,
    target: str,
    kinds: tuple[str, ...],
    by_id: Mapping[str, Fact],
    problems: Mapping[str, str],
    origin: FactOrigin,
) -> list[Diagnostic]:
    if kinds == ("problems",):
        if target in problems:
            return []
        return [
            origin.error(
                "hz_facts_dangling_reference",
                f"no problem with id `{target}`",
                path,
                help="problems are declared in an inspection's record.problems",
                zh=f"没有 id 为 `{target}` 的问题",
                help_zh="问题在巡查的 record.problems 中声明",
            )
        ]
    found = by_id.get(target)
    if found is None:
        from hezhang_rules.diagnostics import did_you_mean, did_you_mean_zh

        candidates = [i for i, x in by_id.items() if x.KIND in kinds]
        return [
            origin.error(
                "hz_facts_dangling_reference",
                f"`{target}` names no record of kind {' or '.join(kinds)}",
                path,
                help=did_you_mean(target, candidates),
                zh=f"`{target}` 不是任何 {'、'.join(kinds)} 种类记录的 id",
                help_zh=did_you_mean_zh(target, candidates),
            )
        ]
    if found.KIND not in kinds:
        return [
            origin.error(
                "hz_facts_wrong_reference_kind",
                f"`{target}` is a record of kind {found.KIND}, expected {' or '.join(kinds)}",
                path,
                zh=f"`{target}` 是 {found.KIND} 种类的记录，应为 {'、'.join(kinds)}",
            )
        ]
    return []
