"""Every rule of the pack has golden cases: at least one compliant and one violating finding,
and at least one expectation stating the finding's messages (Chinese and English)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import hezhang_rules as hz
from hezhang_rules.rules.packs import DEFAULT_PACK, pack_path
from hezhang_rules.source import load_document

GOLDEN = pack_path(DEFAULT_PACK) / "cases"


def expected() -> list[dict[str, Any]]:
    """Every expectation of every case file, as written."""
    out = []
    for path in sorted(GOLDEN.rglob("*.yaml")):
        if any(p.startswith("_") for p in path.relative_to(GOLDEN).parts):
            continue
        out += load_document(path).data.get("expect") or []
    return out


def expectations() -> dict[str, set[str]]:
    seen: dict[str, set[str]] = defaultdict(set)
    for e in expected():
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


def test_every_rule_has_its_messages_compared(plan: hz.Plan) -> None:
    """A message is the text a reader acts on: each rule's wording is compared exactly in at
    least one case (both languages: the case format requires ``zh`` and ``en`` together)."""
    stated = {e["id"].split("/")[0] for e in expected() if e.get("message")}
    missing = [r.id for r in plan.rules if r.id not in stated]
    assert not missing, "rules whose messages no golden case states:\n" + "\n".join(missing)
