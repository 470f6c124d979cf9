"""Phrase finding over token norms: the longest lexicon phrase at a position, all occurrences."""

from __future__ import annotations

from functools import lru_cache

Phrase = tuple[str, ...]


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
