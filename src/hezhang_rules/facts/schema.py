"""Static shapes of fact fields, for reference checks on load and path checks in the compiler."""

from __future__ import annotations

import datetime as dt
import types
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from hezhang_rules.facts.types import Ref

ShapeKind = Literal["scalar", "list", "dict", "model"]


@dataclass(frozen=True)
class FieldShape:
    """What a field holds: a scalar (maybe a reference), a list, a dict or a nested model."""

    kind: ShapeKind
    scalar: type | None = None
    ref: tuple[str, ...] | None = None
    model: type[BaseModel] | None = None
    item: FieldShape | None = None
    key: FieldShape | None = None  # for dicts: the keys' shape
    optional: bool = False
    title: str | None = None

    def describe(self) -> str:
        if self.kind == "list" and self.item is not None:
            return f"list of {self.item.describe()}"
        if self.kind == "dict" and self.item is not None:
            return f"mapping of {self.item.describe()}"
        if self.kind == "model" and self.model is not None:
            return self.model.__name__
        if self.ref:
            return f"id of {'/'.join(self.ref)}"
        if self.scalar is not None and issubclass(self.scalar, Enum):
            return "one of " + ", ".join(str(m.value) for m in self.scalar)
        return self.scalar.__name__ if self.scalar else "value"


def shape_of(annotation: Any, title: str | None = None) -> FieldShape:
    """Read a type annotation into a :class:`FieldShape`."""
    optional = False
    ref: tuple[str, ...] | None = None
    ann = annotation
    while True:
        origin = get_origin(ann)
        if origin is Annotated:
            base, *meta = get_args(ann)
            for m in meta:
                if isinstance(m, Ref):
                    ref = m.kinds
            ann = base
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(ann) if a is not type(None)]
            optional = optional or len(args) < len(get_args(ann))
            if len(args) == 1:
                ann = args[0]
                continue
            # StrictFloat | StrictInt: a number
            return FieldShape("scalar", scalar=float, optional=optional, title=title)
        break
    origin = get_origin(ann)
    if origin is list:
        (item,) = get_args(ann)
        return FieldShape("list", item=shape_of(item), optional=optional, title=title)
    if origin is dict:
        key, value = get_args(ann)
        return FieldShape(
            "dict", item=shape_of(value), key=shape_of(key), optional=optional, title=title
        )
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return FieldShape("model", model=ann, optional=optional, title=title)
    scalar = ann if isinstance(ann, type) else str
    if scalar in (dt.date,):
        return FieldShape("scalar", scalar=dt.date, ref=ref, optional=optional, title=title)
    return FieldShape("scalar", scalar=scalar, ref=ref, optional=optional, title=title)


@cache
def model_fields(model: type[BaseModel]) -> dict[str, FieldShape]:
    """Field name → shape for a model (cached; models are static)."""
    return {
        name: shape_of(info.rebuild_annotation(), info.title)
        for name, info in model.model_fields.items()
    }


class PathError(Exception):
    """A dotted field path does not exist; carries the failing segment and the names there."""

    def __init__(self, segment: str, available: list[str], message: str) -> None:
        self.segment = segment
        self.available = available
        super().__init__(message)


def resolve_path(model: type[BaseModel], path: str) -> FieldShape:
    """Resolve ``record.problems`` against a model; raise :class:`PathError` with candidates."""
    current: type[BaseModel] | None = model
    shape: FieldShape | None = None
    for segment in path.split("."):
        if current is None:
            raise PathError(segment, [], f"`{segment}` follows a field that has no fields")
        fields = model_fields(current)
        if segment not in fields:
            raise PathError(
                segment, sorted(fields), f"`{current.__name__}` has no field `{segment}`"
            )
        shape = fields[segment]
        current = shape.model if shape.kind == "model" else None
    assert shape is not None
    return shape


def get_path(record: Any, path: str) -> Any:
    """Read a dotted path from a record; ``None`` when any step is missing."""
    value = record
    for segment in path.split("."):
        if value is None:
            return None
        value = getattr(value, segment, None)
    return value
