"""Who acts: the client's own resources and acts, the subject of a commitment, whether a clause
binds a party or describes."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from analyzer.nlp import HITS_KEY
from analyzer.qualify.phrases import doc_norms, find_phrases, phrase_at
from analyzer.qualify.vocabulary import Vocabulary, is_client

SUBJECT_WINDOW = 8  # a party this close before a commitment verb is its subject
_SCOPE_QUALIFIERS = frozenset({"excluded", "conditional", "client", "provider"})


def done_by_client(hit: Span, vocab: Vocabulary) -> bool:
    """"sauvegardes exécutées par le Client", "backups performed by Customer"; not "anomalies
    signalées par le Client" (the client reports, the provider corrects)."""
    by = vocab.singles("by")
    tokens = hit.doc[hit.end:hit.end + 8]
    after = doc_norms(tokens)
    for k, norm in enumerate(after):
        if tokens[k].is_punct:
            return False
        if norm in by:  # "… <performed> par <client>", the participle just before "par"
            return is_client(after[k + 1:], vocab) and (k == 0 or any(
                phrase_at(after, j, vocab.lists["performed"]) == k - j for j in range(k)))
    return False


def owned_by_client(hit: Span, vocab: Vocabulary) -> bool:
    """True when the hit names the client's own thing or an act done by the client.

    "le centre de données du Client", "ses propres locaux", "Customer's data centre",
    "sauvegardes exécutées par le Client": the provider does not provide it.
    """
    doc = hit.doc
    after = doc_norms(doc[hit.end:hit.end + 6])
    if after[:1] and after[0] in vocab.singles("of") and is_client(after[1:], vocab):
        return True
    if done_by_client(hit, vocab):
        return True
    before = doc_norms(doc[max(hit.start - 3, 0):hit.start])
    if before and before[-1] in vocab.singles("own"):
        return True
    return len(before) >= 2 and is_client(before[-2:-1], vocab) and before[-1] in ("'s", "have")


def client_side(hit: Span, vocab: Vocabulary) -> bool:
    """Possession counts for physical resources only ("les sauvegardes du Client" are the
    provider's job); an act done by the client counts for every topic."""
    if vocab.has_role(hit.id_, "physical_resource"):
        return owned_by_client(hit, vocab)
    return done_by_client(hit, vocab)


def sentence_subject(sent: Span, before: int, vocab: Vocabulary) -> tuple[str, str] | None:
    """The party that a commitment of ``sent`` (before token ``before``) binds, and its words.

    "L'acheteur met à disposition …", "Customer shall maintain …": the party named within a few
    tokens before the first commitment verb is its subject.
    """
    norms = doc_norms(sent)
    limit = before - sent.start if before >= sent.start else len(norms)
    verbs = [s for s, _ in find_phrases(norms, vocab.lists["commitment"]) if s <= limit]
    if not verbs:
        return None
    verb = verbs[0]
    for i in range(verb - 1, max(verb - SUBJECT_WINDOW, 0) - 1, -1):
        for role, phrases in (("client", vocab.client), ("provider", vocab.provider)):
            n = phrase_at(norms, i, phrases)
            if n:
                return role, sent[i:i + n].text
    return None


def describes(doc: Doc, vocab: Vocabulary) -> bool:
    """Does the clause use words of the existing system or context ("actuellement", "currently")?"""
    return bool(find_phrases(doc_norms(doc), vocab.lists["description"]))


def commits(doc: Doc, vocab: Vocabulary) -> bool:
    """Does the clause bind a party (a commitment verb or modal, or a cue that puts something in
    or out of scope: "hors périmètre", "sur demande", "à la charge du Client"), rather than
    describe?"""
    if any(s.label_ == "context" and vocab.ruleset.by_id[s.id_].rule.qualifier in _SCOPE_QUALIFIERS
           for s in doc.spans[HITS_KEY]):
        return True
    if describes(doc, vocab):
        return bool(sentence_subject(doc[:], len(doc), vocab))
    return bool(find_phrases(doc_norms(doc), vocab.lists["commitment"]))
