"""Responsibility matrices (RACI): the status of a table row from the party whose column holds
the letter that says "does it".

A table row whose header names the parties ("Activité | Rôle Client | Rôle Cloud Temple",
"Activity | Customer | Provider") and whose party cells hold RACI letters ("RA", "R/A", "C, I")
assigns its activity: R only in the client's column is a duty of the client (``excluded``,
party ``client``), R only in the provider's column is the provider's (``included``). A header
cell names the client or the provider with the lexicon's party nouns plus the names the contract
defines; a role column that names neither ("Rôle Cloud Temple"), beside a client column and no
provider column, is the provider's by elimination. The letters, the letter that performs and the
role words are the lexicon lists ``raci_letter``, ``raci_performs`` and ``raci_role``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from analyzer.models import Segment
from analyzer.nlp import cached_pipeline
from analyzer.qualify.phrases import Phrase, find_phrases
from analyzer.qualify.vocabulary import Vocabulary
from analyzer.rules import RuleSet

MAX_CELL_CHARS = 12  # a RACI cell is short ("R, A, C, I" at most)
MAX_COLUMNS = 16  # an activity and a few parties: a wider table is not read as a matrix (its
# header cells would each be parsed, row after row)


@dataclass(frozen=True)
class MatrixStatus:
    """What a responsibility matrix says of one row: its status, party and the cues
    ("Rôle Client: RA") of the column that holds the performing letter."""

    status: str  # excluded | included
    party: str  # client | provider
    cues: tuple[str, ...]


@lru_cache(maxsize=1024)
def _norms(ruleset: RuleSet, text: str) -> tuple[str, ...]:
    """The token norms of a header cell, as the rules' pipeline computes them."""
    nlp = cached_pipeline(ruleset)
    doc = nlp.get_pipe("contract_norm")(nlp.make_doc(text))
    return tuple(t.norm_ for t in doc if not t.is_space)


def _names(norms: tuple[str, ...], phrases: frozenset[Phrase]) -> bool:
    return bool(find_phrases(list(norms), phrases))


def _letters(vocab: Vocabulary, list_name: str) -> frozenset[str]:
    return frozenset("".join(vocab.ruleset.words(list_name)).casefold())


def raci_letters(cell: str, vocab: Vocabulary) -> str | None:
    """The letters of a RACI cell ("R/A" → "ra"), "" for an empty cell, None for a cell that
    is not a RACI cell (free text, a price)."""
    if len(cell) > MAX_CELL_CHARS or any(c.isdigit() for c in cell):
        return None
    letters = "".join(c for c in cell.casefold() if c.isalpha())
    return letters if set(letters) <= _letters(vocab, "raci_letter") else None


def party_columns(columns: tuple[str, ...], vocab: Vocabulary) -> dict[int, str]:
    """The party of each party column of a header: {column index: "client" | "provider"}.

    A header cell that names one party only is that party's; a role column that names neither
    ("Rôle Cloud Temple") is the provider's when it is the only one, beside a client column and
    no provider column.
    """
    parties: dict[int, str] = {}
    unnamed: list[int] = []
    roles = vocab.lists["raci_role"]
    for i, header in enumerate(columns):
        norms = _norms(vocab.ruleset, header)
        client, provider = _names(norms, vocab.client), _names(norms, vocab.provider)
        if client != provider:
            parties[i] = "client" if client else "provider"
        elif not client and _names(norms, roles):
            unnamed.append(i)
    named = set(parties.values())
    if len(unnamed) == 1 and named == {"client"}:
        parties[unnamed[0]] = "provider"
    return parties


def matrix_status(seg: Segment, vocab: Vocabulary) -> MatrixStatus | None:
    """The status a responsibility matrix gives a table row, or None: not a matrix row (no
    client and provider columns, a party cell that is not RACI letters), or the performing
    letter in both party columns or in neither."""
    if not seg.columns or len(seg.columns) > MAX_COLUMNS or len(seg.columns) != len(seg.cells):
        return None
    parties = party_columns(seg.columns, vocab)
    if set(parties.values()) != {"client", "provider"}:
        return None
    performs = _letters(vocab, "raci_performs")
    doers: dict[str, list[str]] = {"client": [], "provider": []}
    for i, party in parties.items():
        letters = raci_letters(seg.cells[i], vocab)
        if letters is None:
            return None
        if performs & set(letters):
            doers[party].append(f"{seg.columns[i]}: {seg.cells[i]}")
    if bool(doers["client"]) == bool(doers["provider"]):
        return None
    if doers["client"]:
        return MatrixStatus("excluded", "client", tuple(doers["client"]))
    return MatrixStatus("included", "provider", tuple(doers["provider"]))
