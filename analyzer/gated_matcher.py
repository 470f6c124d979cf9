"""The token patterns of the rule files, matched only in the clauses that can hold them.

spaCy's ``Matcher`` tries every pattern at every token: the 29 French token patterns took 94 % of
the matching time (the 983 phrases, hashed, 0.3 %). Most clauses cannot match most patterns: a
pattern needs, at each of its non-optional tokens, a word of a fixed list ("hébergé", "stocké",
…). ``GatedMatcher`` keeps one ``Matcher`` per pattern with those necessary words, and runs it on
a clause only when the clause holds at least one of them for each such token. A skipped
clause could not have matched, so the hits are exactly those of one ``Matcher`` with every
pattern (the ``SpanRuler`` that uses it deduplicates and sorts the matches either way).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from spacy.attrs import LOWER, NORM, ORTH
from spacy.matcher import Matcher
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.vocab import Vocab

_ATTRS = {"NORM": NORM, "LOWER": LOWER, "ORTH": ORTH, "TEXT": ORTH}
_OPTIONAL = ("?", "*", "!")


def _required(spec: dict[str, Any]) -> bool:
    """Does a token spec have to match at least one token for the pattern to match?"""
    op = str(spec.get("OP", spec.get("op", "1")))
    if op in _OPTIONAL:
        return False
    if op.startswith("{"):  # {n}, {n,m}, {n,}, {,m}
        low = op[1:-1].split(",")[0].strip()
        return bool(low) and int(low) > 0
    return True


Gate = tuple[tuple[int, frozenset[int]], ...]


def gate_of(pattern: list[dict[str, Any]]) -> Gate:
    """(token attribute id, word hashes) pairs a doc must each hold at least once for
    ``pattern`` to match in it: the equality and ``IN`` conditions on NORM/LOWER/ORTH/TEXT of
    its non-optional tokens."""
    needs: list[tuple[int, frozenset[int]]] = []
    for spec in pattern:
        if not _required(spec):
            continue
        for key, value in spec.items():
            attr = _ATTRS.get(str(key).upper())
            if attr is None:
                continue
            if isinstance(value, str):
                needs.append((attr, frozenset([get_string_id(value)])))
            elif (isinstance(value, dict) and set(value) == {"IN"}
                  and all(isinstance(v, str) for v in value["IN"])):  # an int is a hash id
                needs.append((attr, frozenset(get_string_id(v) for v in value["IN"])))
    return tuple(needs)


@dataclass
class _Gated:
    gate: Gate
    matcher: Matcher


class GatedMatcher:
    """The part of ``spacy.matcher.Matcher`` the ``SpanRuler`` uses (``add``, ``__call__``,
    ``__len__``), with each pattern run only on the docs that hold its necessary words."""

    def __init__(self, vocab: Vocab, validate: bool = False) -> None:
        self.vocab = vocab
        self.validate = validate
        self._gated: list[_Gated] = []
        self._attrs: list[int | str] = []  # the token attributes some gate looks at

    def add(self, key: str, patterns: Iterable[list[dict[str, Any]]], **kwargs: Any) -> None:
        """Add patterns under ``key`` (validated as the ``Matcher`` does)."""
        for pattern in patterns:
            matcher = Matcher(self.vocab, validate=self.validate)
            matcher.add(key, [pattern], **kwargs)
            gated = _Gated(gate_of(pattern), matcher)
            self._gated.append(gated)
            for attr, _ in gated.gate:
                if attr not in self._attrs:
                    self._attrs.append(attr)

    def __len__(self) -> int:
        return len(self._gated)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """All (match id, start, end) of every pattern in ``doc``, in no particular order."""
        words: dict[int | str, set[int]] = {attr: set() for attr in self._attrs}
        if self._attrs and len(doc):
            columns = doc.to_array(self._attrs).reshape(len(doc), len(self._attrs))
            for i, attr in enumerate(self._attrs):
                words[attr] = set(columns[:, i].tolist())
        matches: list[tuple[int, int, int]] = []
        for gated in self._gated:
            if all(not values.isdisjoint(words[attr]) for attr, values in gated.gate):
                matches.extend(gated.matcher(doc))
        return matches
