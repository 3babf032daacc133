"""Evaluators over a compiled plan."""

from hezhang_rules.evaluate.batch import evaluate

__all__ = ["evaluate"]
