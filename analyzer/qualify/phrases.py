"""Phrase finding over token norms: the longest lexicon phrase at a position, all occurrences."""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Doc, Span

from analyzer.nlp import NORMS_KEY

Phrase = tuple[str, ...]


def doc_norms(tokens: Doc | Span) -> list[str]:
    """The token norms of a clause or of a part of it: the list ``nlp.contract_norm`` stored
    with the Doc (built here for a Doc made otherwise). The qualifiers ask for them a dozen
    times per clause, and walking spaCy tokens each time cost a third of the qualify stage.
    A Span gets a fresh list; do not mutate the Doc's."""
    doc = tokens if isinstance(tokens, Doc) else tokens.doc
    cached: list[str] | None = doc.user_data.get(NORMS_KEY)
    if cached is None or len(cached) != len(doc):
        cached = doc.user_data[NORMS_KEY] = [t.norm_ for t in doc]
    if isinstance(tokens, Doc):
        return cached
    return cached[tokens.start:tokens.end]


@lru_cache(maxsize=256)
def _by_first_word(phrases: frozenset[Phrase]) -> dict[str, list[Phrase]]:
    index: dict[str, list[Phrase]] = {}
    for p in sorted(phrases, key=len, reverse=True):
        index.setdefault(p[0], []).append(p)
    return index


def phrase_at(norms: list[str], i: int, phrases: frozenset[Phrase]) -> int:
    """Length of the longest phrase of ``phrases`` that starts at ``norms[i]`` (0 when none)."""
    if i >= len(norms):
        return 0
    for p in _by_first_word(phrases).get(norms[i], ()):
        if tuple(norms[i:i + len(p)]) == p:
            return len(p)
    return 0


def find_phrases(norms: list[str], phrases: frozenset[Phrase]) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of a phrase, longest first at each position."""
    out = []
    i = 0
    while i < len(norms):
        n = phrase_at(norms, i, phrases)
        if n:
            out.append((i, i + n))
            i += n
        else:
            i += 1
    return out
