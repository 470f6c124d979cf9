"""The party names a contract defines for itself ("ci-après dénommé « VSGP »")."""

from __future__ import annotations

from spacy.tokens import Doc

from analyzer.qualify.phrases import Phrase, doc_norms, find_phrases, phrase_at
from analyzer.qualify.vocabulary import Vocabulary, is_client, strip_det
from analyzer.rules import RuleSet

ALIAS_REACH = 25  # tokens before an alias cue searched for the party noun it renames
_ALIAS_QUOTES = ("«", '"', "“")
_CLOSING_QUOTES = ("»", '"', "”")


def document_aliases(docs: list[Doc], ruleset: RuleSet) -> dict[str, set[Phrase]]:
    """Party names a contract defines ("ci-après dénommé « VSGP »", (hereinafter "Contractor")).

    A quoted name after an alias cue takes the role of the party it names: a known party noun
    among the quoted names, else the nearest party noun before the cue in the same sentence.
    """
    vocab = Vocabulary.of(ruleset)
    found: dict[str, set[Phrase]] = {"client": set(), "provider": set()}
    for doc in docs:
        norms = doc_norms(doc)
        for cue_start, cue_end in find_phrases(norms, vocab.lists["alias"]):
            names = _quoted_after(doc, cue_end)
            if not names:
                continue
            role = _named_role(names, vocab) or _role_before(norms, cue_start, vocab)
            if role:
                found[role].update(tuple(strip_det(list(n))) for n in names)
    found["client"] -= {()}
    found["provider"] -= {()}
    overlap = found["client"] & found["provider"]
    return {role: names - overlap for role, names in found.items()}


def _named_role(names: list[Phrase], vocab: Vocabulary) -> str | None:
    """The role of a known party noun among the quoted names (the last one decides)."""
    role = None
    for name in names:
        if is_client(list(name), vocab):
            role = "client"
        elif phrase_at(strip_det(list(name)), 0, vocab.provider):
            role = "provider"
    return role


def _role_before(norms: list[str], cue_start: int, vocab: Vocabulary) -> str | None:
    """The role of the nearest party noun before the alias cue."""
    for i in range(cue_start - 1, max(cue_start - ALIAS_REACH, 0) - 1, -1):
        if phrase_at(norms, i, vocab.client):
            return "client"
        if phrase_at(norms, i, vocab.provider):
            return "provider"
    return None


def _quoted_after(doc: Doc, start: int, window: int = 30) -> list[Phrase]:
    """Norms of the quoted names in the ``window`` tokens after ``start`` (up to sentence end)."""
    names: list[Phrase] = []
    i, end = start, min(len(doc), start + window)
    while i < end:
        if doc[i].text in _ALIAS_QUOTES:
            j = i + 1
            while j < end and doc[j].text not in _CLOSING_QUOTES and j - i <= 6:
                j += 1
            if j < end and j > i + 1:
                names.append(tuple(doc_norms(doc[i + 1:j])))
            i = j + 1
            continue
        if (doc[i].is_sent_start and i > start) or doc[i].text in (";",):
            break
        i += 1
    return names
