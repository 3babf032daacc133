"""Every rule of the pack has golden cases: at least one compliant and one violating finding."""

from __future__ import annotations

from collections import defaultdict

import hezhang_rules as hz
from hezhang_rules.rules.packs import DEFAULT_PACK, pack_path
from hezhang_rules.source import load_document

GOLDEN = pack_path(DEFAULT_PACK) / "cases"


def expectations() -> dict[str, set[str]]:
    seen: dict[str, set[str]] = defaultdict(set)
    for path in GOLDEN.rglob("*.yaml"):
        if any(p.startswith("_") for p in path.relative_to(GOLDEN).parts):
            continue
        for e in load_document(path).data.get("expect", []):
            seen[e["id"].split("/")[0]].add(e["status"])
    return seen


def test_every_rule_has_a_compliant_and_a_violating_case(plan: hz.Plan) -> None:
    seen = expectations()
    missing = []
    for rule in plan.rules:
        compliant = {"fulfilled"} & seen[rule.id]
        violating = {"violated"} & seen[rule.id]
        if not compliant or not violating:
            missing.append(f"{rule.id}: has {sorted(seen[rule.id]) or 'no cases'}")
    assert not missing, "rules without both a compliant and a violating golden case:\n" + "\n".join(
        missing
    )
