"""The golden corpus's district, plus a test's own facts, evaluated by the batch evaluator.

For the ``test_kill_*`` files: behaviour the golden cases leave unstated (details, detail
texts, evidence, periods of the other period kinds), found by the mutation score
(benchmarks/mutation.py, docs/testing.md "Mutation score"). The district is read, never changed:
the pack's ``cases/_worlds/district.yaml`` (a district chief, two district river chiefs on the Xihe
and the Qinghe, a township, the offices and departments).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

import hezhang_rules as hz
from hezhang_rules.findings import Finding, Report

RULES = hz.pack_path("qinghemen")
WORLDS = RULES / "cases" / "_worlds"
DISTRICT = WORLDS / "district.yaml"
CH7 = WORLDS / "ch7.yaml"


@functools.cache
def _ruleset() -> hz.RuleSet:
    return hz.load_rules(RULES)


_PLANS: dict[str, hz.Plan] = {}


def plan(overrides: Mapping[str, Any] | None = None) -> hz.Plan:
    """The pack's plan with the parameter ``overrides`` applied (compiled once per set)."""
    key = repr(sorted((overrides or {}).items()))
    if key not in _PLANS:
        _PLANS[key] = hz.compile_rules(_ruleset(), dict(overrides or {}))
    return _PLANS[key]


def evaluate(
    tmp_path: Path,
    facts: Mapping[str, list[dict[str, Any]]],
    as_of: dt.date,
    parameters: Mapping[str, Any] | None = None,
    world: Path = DISTRICT,
    pack: hz.Plan | None = None,
) -> Report:
    """The batch evaluator's report on ``world`` (default: the district) plus ``facts`` (a fact
    file's content), under the pack's plan with ``parameters`` (or under ``pack``)."""
    extra = tmp_path / "facts.yaml"
    extra.write_text(yaml.safe_dump(dict(facts), allow_unicode=True), encoding="utf-8")
    factset = hz.load_facts([world, extra])
    return hz.evaluate(pack or plan(parameters), factset, as_of)


def finding(report: Report, finding_id: str) -> Finding:
    """The report's one finding ``finding_id``."""
    found = [f for f in report.findings if f.id == finding_id]
    assert len(found) == 1, f"{finding_id}: {len(found)} found"
    return found[0]


def of_rule(report: Report, rule_id: str) -> list[Finding]:
    """The report's findings of ``rule_id``, in report order."""
    return [f for f in report.findings if f.rule_id == rule_id]


def pack_with(tmp_path: Path, article: str, rules: list[dict[str, Any]]) -> hz.Plan:
    """The plan of a pack of one article of the bundled pack (``art_016.yaml``) with ``rules``
    added: for a kind or a key no rule of the bundled pack uses (``forbid``, a deadline read
    without ``period_field``)."""
    pack = tmp_path / "pack"
    pack.mkdir(parents=True)
    (pack / "pack.yaml").write_bytes((RULES / "pack.yaml").read_bytes())
    text = (RULES / article).read_text(encoding="utf-8")
    added = yaml.safe_dump(rules, allow_unicode=True, sort_keys=False)
    at = text.index("\nunchecked:")  # the rules list ends there (two-space items)
    indented = "".join(f"  {line}\n" for line in added.splitlines())
    (pack / article).write_text(f"{text[:at]}\n{indented}{text[at:]}", encoding="utf-8")
    return hz.compile_rules(hz.load_rules(pack))
