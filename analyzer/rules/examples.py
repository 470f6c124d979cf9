"""Run the ``examples`` of every rule: each must (or must not) produce a hit of that rule."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from analyzer.nlp import HITS_KEY, cached_pipeline
from analyzer.rules.loader import RuleSet


@dataclass(frozen=True)
class ExampleResult:
    """Outcome of one example."""

    rule_id: str
    kind: str  # "match" or "no_match"
    text: str
    passed: bool


def example_cases(ruleset: RuleSet) -> Iterator[tuple[str, str, str]]:
    """(rule id, "match" | "no_match", text) for every example, in a stable order."""
    for rule_id in sorted(ruleset.by_id):
        examples = ruleset.by_id[rule_id].rule.examples
        for text in examples.match:
            yield rule_id, "match", text
        for text in examples.no_match:
            yield rule_id, "no_match", text


def rule_matches(ruleset: RuleSet, rule_id: str, text: str) -> bool:
    """Whether ``rule_id`` fires on ``text`` with the full pipeline of its language."""
    doc = cached_pipeline(ruleset)(text)
    return any(span.id_ == rule_id for span in doc.spans[HITS_KEY])


def run_examples(ruleset: RuleSet) -> Iterator[ExampleResult]:
    """Check every example of every rule."""
    for rule_id, kind, text in example_cases(ruleset):
        matched = rule_matches(ruleset, rule_id, text)
        yield ExampleResult(rule_id, kind, text, matched == (kind == "match"))
