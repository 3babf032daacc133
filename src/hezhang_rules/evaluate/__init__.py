"""Evaluators over a compiled plan: the engine seam (``core``) and the batch evaluator on it."""

from hezhang_rules.evaluate.core import evaluate

__all__ = ["evaluate"]
