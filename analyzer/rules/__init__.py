"""Rule files: schema, loading and validation."""

from analyzer.rules.loader import RuleInfo, RuleSet, load_rules

__all__ = ["RuleInfo", "RuleSet", "load_rules"]
