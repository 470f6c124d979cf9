"""Which rule hits tag a clause: weak (mention) rules, hits that their clause weakens, price and
sub-processor clauses, strong hits before weak ones."""

from __future__ import annotations

from spacy.tokens import Span

from analyzer.nlp import HITS_KEY
from analyzer.qualify.amounts import is_price_clause
from analyzer.qualify.parties import client_side, commits
from analyzer.qualify.phrases import doc_norms, find_phrases
from analyzer.qualify.vocabulary import Vocabulary
from analyzer.rules import RuleSet

GOVERNED_REACH = 10  # tokens walked back through the noun phrase of a governing service


def is_mention_rule(rule_id: str, ruleset: RuleSet) -> bool:
    """A weak ("mention") or candidate rule names a thing without committing to it.

    "la mise à jour des machines virtuelles" is maintenance, not hosting: the machines are the
    object of the clause. Such hits only count when no other (strong) rule tags the clause.
    The rule file says it with ``strength: weak`` (or ``candidate``).
    """
    return ruleset.by_id[rule_id].rule.strength != "strong"


def _of_words(vocab: Vocabulary) -> frozenset[str]:
    return vocab.singles("of") | {"d'", "de"}


def _governed(hit: Span, vocab: Vocabulary) -> bool:
    """"l'administration de l'Infrastructure Virtuelle", "monitoring of the servers": the thing
    is the object of another service (administration, training, migration), not provided."""
    doc = hit.doc
    of = _of_words(vocab)
    governing = vocab.lists["governing"]
    norms = doc_norms(doc)
    # Walk back through the noun phrase ("l'administration et l'exploitation de l'Infrastructure
    # Virtuelle et de la Plateforme"): stop at punctuation or after 10 tokens.
    for i in range(hit.start - 1, max(hit.start - GOVERNED_REACH - 1, 0), -1):
        token = doc[i]
        if token.is_punct and token.text not in ("'", "’"):
            return False
        if token.norm_ in of and i > 0:
            for n in (1, 2, 3):
                if i - n >= 0 and tuple(norms[i - n:i]) in governing:
                    return True
    return False


def _listed(hit: Span, vocab: Vocabulary) -> bool:
    """"…, including backups", "y compris leurs sauvegardes": named as an object in passing."""
    before = doc_norms(hit.doc[max(hit.start - 3, 0):hit.start])
    return any(n in vocab.singles("listing") for n in before)


def _acts_on_other(hit: Span, vocab: Vocabulary) -> bool:
    """"la mise à jour de la documentation utilisateur", "maintenance of the training material":
    the act is done to a thing that another category names, which is what the clause is about."""
    of = _of_words(vocab)
    doc = hit.doc
    for other in doc.spans[HITS_KEY]:
        if other.label_ in (hit.label_, "context", "checklist") or other.start < hit.end:
            continue
        between = doc[hit.end:other.start]
        if len(between) <= 3 and between and between[0].norm_ in of and not any(
                t.is_punct for t in between):
            return True
    return False


def weak_in_context(hit: Span, vocab: Vocabulary) -> bool:
    """A hit that its clause weakens: the client's own resource or act, a thing listed in
    passing, a physical resource governed by another service, or an act done to what another
    category names."""
    physical = vocab.has_role(hit.id_, "physical_resource")
    return (client_side(hit, vocab) or _listed(hit, vocab)
            or (physical and _governed(hit, vocab)) or _acts_on_other(hit, vocab))


def is_weak(hit: Span, vocab: Vocabulary) -> bool:
    """A weak hit: a weak (or candidate) rule, or a hit that its clause weakens."""
    return is_mention_rule(hit.id_, vocab.ruleset) or weak_in_context(hit, vocab)


def prefilter_tags(tags: list[Span], vocab: Vocabulary) -> list[Span]:
    """The hits that may tag a clause at all: none in a price clause; in a sub-processor clause
    only those that say where data is hosted."""
    if not tags:
        return tags
    doc = tags[0].doc
    if is_price_clause(doc, vocab):
        return []
    if find_phrases(doc_norms(doc), vocab.lists["subprocessing"]):
        # Sub-processor clauses are checklist evidence; only where data is hosted is tagged.
        tags = [s for s in tags if vocab.has_role(s.id_, "where_data_is_hosted")]
    return tags


def select_tags(tags: list[Span], vocab: Vocabulary, committed: bool | None = None) -> list[Span]:
    """The hits that tag a clause by the rules alone: strong hits, else weak hits of a clause
    that commits a party (after ``prefilter_tags``).

    ``committed`` overrides the clause's own commitment test (a list item under a committing
    lead-in commits).
    """
    tags = [s for s in prefilter_tags(tags, vocab)
            if vocab.ruleset.by_id[s.id_].rule.strength != "candidate"]
    strong = [s for s in tags if not is_weak(s, vocab)]
    if strong:
        return strong
    if not tags:
        return []
    if committed is None:
        committed = commits(tags[0].doc, vocab)
    return tags if committed else []
