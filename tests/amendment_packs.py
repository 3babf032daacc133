"""Versioned copies of the bundled pack, for the amendment tests (docs/rule-format.md,
"Amendments and versions").

* :func:`example_pack`: the pack with ``examples/amendment/<name>/art_016.yaml`` in place of its
  own (a FICTIONAL amendment of art. 16, in force from 2023-04-01) and the texts it names;
* :func:`split_pack`: the pack with every article that has rules cut into two versions at
  ``day``, both with the article's own text and rules: the same duties, so its findings are the
  unversioned pack's, each judged by the version in force on its period's anchor day. Every
  requirement kind, escalation and period policy is then versioned.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import yaml

import hezhang_rules as hz
from hezhang_rules.rules.packs import DEFAULT_PACK, pack_path
from hezhang_rules.source import load_document

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "amendment"


def example_pack(tmp: Path, example: str) -> Path:
    """The bundled pack in ``tmp`` with the example's art. 16, its regulation texts and its
    cases (under ``cases/amendment``, beside the pack's worlds)."""
    root = tmp / "qinghemen"
    shutil.copytree(pack_path(DEFAULT_PACK), root)
    shutil.copy(EXAMPLES / example / "art_016.yaml", root / "art_016.yaml")
    regulation = EXAMPLES / example / "regulation"
    if regulation.is_dir():
        for text in regulation.iterdir():
            shutil.copy(text, root / "regulation" / text.name)
    shutil.copytree(EXAMPLES / example / "cases", root / "cases" / "amendment")
    return root


def split_pack(tmp: Path, day: dt.date, anchor: str = "start") -> Path:
    """The bundled pack in ``tmp``, every article with rules cut into versions `A` and `B` (from
    ``day``, amended by a made-up instrument), and the pack's period anchor set to ``anchor``."""
    root = tmp / "qinghemen"
    shutil.copytree(pack_path(DEFAULT_PACK), root, ignore=shutil.ignore_patterns("cases"))
    for path in sorted(root.glob("art_*.yaml")):
        data: dict[str, Any] = load_document(path, str(path)).data  # YAML 1.2: `on` a key
        rules = data.pop("rules", [])
        if not rules:
            continue
        data["versions"] = [
            {
                "version": "A",
                "in_force": {"from": {"param": "in_force"}},
                "text": data["text"],
                "rules": rules,
            },
            {
                "version": "B",
                "in_force": {"from": day.isoformat()},
                "text": data["text"],
                "amended_by": {"name": "测试用修正", "date": day.isoformat()},
                "rules": rules,
            },
        ]
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    pack = root / "pack.yaml"
    data = load_document(pack, str(pack)).data
    data["parameters"]["amendment_period_anchor"]["value"] = anchor
    pack.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return root


def compiled(root: Path) -> hz.Plan:
    return hz.compile_rules(hz.load_rules(root))
