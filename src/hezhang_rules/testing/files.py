"""Models back to files: facts and rule files as YAML or JSON the loaders read back unchanged.

YAML is written with every text double-quoted, so no text can be read back as a number, a date
or a boolean under YAML 1.2's core scalars (``1e3``, ``0o17``, ``null`` stay text).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel

from hezhang_rules.facts.models import FACT_KINDS, Fact

Format = Literal["yaml", "json"]


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')


_Dumper.add_representer(str, _str)


def dump(data: Any, fmt: Format) -> str:
    """Plain data (mappings, lists, texts, numbers, booleans, null) as YAML or JSON text."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)


def fact_data(facts: Iterable[Fact]) -> dict[str, list[dict[str, Any]]]:
    """The fact-file mapping (kind → records) of ``facts``, unstated fields left out."""
    out: dict[str, list[dict[str, Any]]] = {}
    for f in facts:
        out.setdefault(f.KIND, []).append(f.model_dump(mode="json", exclude_none=True))
    return {k: out[k] for k in FACT_KINDS if k in out}


def facts_text(facts: Iterable[Fact], fmt: Format = "yaml") -> str:
    return dump(fact_data(facts), fmt)


def write_fact_files(
    groups: Sequence[Sequence[Fact]], directory: Path, formats: Sequence[Format] = ("yaml",)
) -> list[Path]:
    """One file per group of facts (``facts-0.yaml``, ``facts-1.json`` …, formats in turn)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, group in enumerate(groups):
        fmt = formats[i % len(formats)]
        path = directory / f"facts-{i}.{fmt}"
        path.write_text(facts_text(group, fmt), encoding="utf-8")
        paths.append(path)
    return paths


def model_data(model: BaseModel) -> Any:
    """A rule-file or pack-file model as the plain data of its file (only the keys it set)."""
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


def model_text(model: BaseModel, fmt: Format = "yaml") -> str:
    return dump(model_data(model), fmt)
