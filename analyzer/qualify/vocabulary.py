"""The vocabulary of a rule set: its lexicon lists as token norms, plus a contract's party names."""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.nlp import lexicon_norms
from analyzer.qualify.phrases import Phrase, phrase_at
from analyzer.rules import RuleSet
from analyzer.taxonomy import TopicRole

# The lexicon lists the qualify stage reads (besides "client" and "provider").
LISTS = ("commitment", "description", "own", "of", "by", "governing", "listing", "terminators",
         "alias", "currency", "price", "credit", "cap_subject", "cap", "exclusive_remedy",
         "subprocessing", "performed", "raci_role")
_DETERMINERS = frozenset({"le", "la", "les", "l'", "un", "une", "the", "a", "an", "its", "son", "sa",
                          "ses", "leur"})


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """The lexicon lists of a rule set as token norms, plus the party names a contract defines."""

    ruleset: RuleSet
    client: frozenset[Phrase]
    provider: frozenset[Phrase]
    lists: dict[str, frozenset[Phrase]]

    @classmethod
    def of(cls, ruleset: RuleSet, aliases: dict[str, set[Phrase]] | None = None) -> Vocabulary:
        """The rule set's vocabulary, with ``aliases`` ({"client": …, "provider": …}) added."""
        aliases = aliases or {}
        return cls(
            ruleset=ruleset,
            client=lexicon_norms(ruleset, "client") | frozenset(aliases.get("client", ())),
            provider=lexicon_norms(ruleset, "provider") | frozenset(aliases.get("provider", ())),
            lists={n: lexicon_norms(ruleset, n) for n in LISTS},
        )

    def singles(self, name: str) -> frozenset[str]:
        """One-token words of a list."""
        return frozenset(p[0] for p in self.lists[name] if len(p) == 1)

    def topic_of(self, rule_id: str) -> str:
        """The "category.topic" of a rule ("" for a rule without a topic)."""
        return self.ruleset.by_id[rule_id].topic_key or ""

    def has_role(self, rule_id: str, role: TopicRole) -> bool:
        """Whether the topic of a rule has ``role`` in the taxonomy (``roles`` of a topic:
        ``physical_resource``, ``where_data_is_hosted``)."""
        return self.topic_of(rule_id) in self.ruleset.taxonomy.topics_with_role(role)


def strip_det(norms: list[str]) -> list[str]:
    """The norms without a leading determiner ("le client" → "client")."""
    return norms[1:] if norms[:1] and norms[0] in _DETERMINERS else norms


def is_client(norms: list[str], vocab: Vocabulary) -> bool:
    """["client", …] or ["le", "client", …]."""
    norms = strip_det(norms)
    return bool(norms) and phrase_at(norms, 0, vocab.client) > 0
