"""Run the ``examples`` of every rule: each must (or must not) produce a hit of that rule; and of
every lexicon list: some word of the list must (or must not) occur in the example."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from analyzer.nlp import HITS_KEY, cached_pipeline, lexicon_norms
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
    entries = [(rule_id, ruleset.by_id[rule_id].rule.examples) for rule_id in sorted(ruleset.by_id)]
    entries += [(w.id, w.examples) for w in ruleset.lexicon.lists]
    for rule_id, examples in entries:
        for text in examples.match:
            yield rule_id, "match", text
        for text in examples.no_match:
            yield rule_id, "no_match", text


def rule_matches(ruleset: RuleSet, rule_id: str, text: str) -> bool:
    """Whether ``rule_id`` fires on ``text`` with the full pipeline of its language (for a
    lexicon list: whether one of its words occurs in the text)."""
    doc = cached_pipeline(ruleset)(text)
    if ".lexicon." in rule_id:
        norms = [t.norm_ for t in doc]
        phrases = lexicon_norms(ruleset, rule_id.split(".")[-1])
        return any(tuple(norms[i:i + len(p)]) == p for i in range(len(norms)) for p in phrases)
    return any(span.id_ == rule_id for span in doc.spans[HITS_KEY])


def run_examples(ruleset: RuleSet) -> Iterator[ExampleResult]:
    """Check every example of every rule."""
    for rule_id, kind, text in example_cases(ruleset):
        matched = rule_matches(ruleset, rule_id, text)
        yield ExampleResult(rule_id, kind, text, matched == (kind == "match"))
