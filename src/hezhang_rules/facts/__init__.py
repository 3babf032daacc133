"""The fact model and fact loading."""

from hezhang_rules.facts.factset import FactOrigin, FactSet
from hezhang_rules.facts.loader import facts_from_models, facts_from_records, load_facts
from hezhang_rules.facts.models import FACT_KINDS, Fact

__all__ = [
    "FACT_KINDS",
    "Fact",
    "FactOrigin",
    "FactSet",
    "facts_from_models",
    "facts_from_records",
    "load_facts",
]
