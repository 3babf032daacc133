"""synth/rates.yaml: every rate is read by its generator module, each as the kind it is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import hezhang_rules.synth
from hezhang_rules.synth.rates import Rates, table

SYNTH = Path(hezhang_rules.synth.__file__).parent
READ = re.compile(r'RATES\.(share|weights|count|number)\("(\w+)"\)')


def _reads(section: str) -> dict[str, set[str]]:
    """Rate name → the kinds ``synth/<section>.py`` reads it as."""
    out: dict[str, set[str]] = {}
    for kind, key in READ.findall((SYNTH / f"{section}.py").read_text("utf-8")):
        out.setdefault(key, set()).add(kind)
    return out


@pytest.mark.parametrize("section", sorted(table()))
def test_every_rate_is_read_and_valid(section: str) -> None:
    reads = _reads(section)
    assert set(reads) == set(table()[section]), "dead or missing entries in synth/rates.yaml"
    rates = Rates(section)
    for key, kinds in reads.items():
        assert len(kinds) == 1, f"{section}.{key} read as {kinds}"
        getattr(rates, kinds.pop())(key)  # raises unless the value is of that kind


def test_shares_are_probabilities() -> None:
    for section, values in table().items():
        for key, value in values.items():
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, float) and _reads(section)[key] & {"share", "weights"}:
                    assert 0.0 <= v <= 1.0, f"{section}.{key}"


def test_a_wrong_kind_is_refused() -> None:
    with pytest.raises(ValueError, match=r"sizes\.turnover: a whole number"):
        Rates("sizes").count("turnover")
    with pytest.raises(ValueError, match=r"sizes\.chiefs_per_district: a share"):
        Rates("sizes").share("chiefs_per_district")
