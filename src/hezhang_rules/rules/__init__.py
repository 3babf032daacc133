"""The rule-file model (syntax of rule files)."""

from hezhang_rules.rules.model import PackFile, Parameter, Rule, RuleFile

__all__ = ["PackFile", "Parameter", "Rule", "RuleFile"]
