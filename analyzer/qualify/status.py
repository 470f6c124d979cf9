"""Status cues: a hit, a clause, a heading or a lead-in is included, excluded or conditional, and
for which party; glossary entries; list items that continue their lead-in."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from analyzer.nlp import HITS_KEY
from analyzer.numbering import LIST_ITEM
from analyzer.qualify.parties import client_side, sentence_subject
from analyzer.qualify.phrases import doc_norms, phrase_at
from analyzer.qualify.vocabulary import Vocabulary

DEFINITION_LEAD_TOKENS = 12  # a definition cue must appear this close to the clause start
_PARTIES = frozenset({("partie",), ("party",), ("parties",)})
_QUOTES = frozenset({'"', "»", "«", "“", "”", "'", ":", "*", "**"})
_NOUN_CUES = ("definition", "glossair", "glossary", "acronym", "abreviation", "abbreviation",
              "lexique", "sigle", "terminolog", "interpretation", "drafting")


@dataclass(frozen=True)
class Qualified:
    """A hit with its qualification and the cue texts that decided it."""

    span: Span
    status: str  # included | excluded | conditional
    party: str  # provider | client
    cues: tuple[str, ...]


def _terminated(cue: Span, hit: Span, vocab: Vocabulary) -> bool:
    """A terminator ("mais", "but", "toutefois") between a cue and the hit ends the cue's scope.

    "La prestation ne comprend pas l'hébergement, mais inclut la supervision": the exclusion
    does not reach "supervision".
    """
    lo, hi = (cue.end, hit.start) if cue.end <= hit.start else (hit.end, cue.start)
    terminators = vocab.singles("terminators")
    return any(t.norm_ in terminators for t in hit.doc[lo:hi])


def qualify_hit(hit: Span, cues: list[Span], vocab: Vocabulary) -> Qualified:
    """Qualify one hit with the context cues found in the same clause."""
    if client_side(hit, vocab):
        return Qualified(hit, "excluded", "client", ("the client's own",))
    return _qualify_by_cues(hit, cues, vocab)


def _qualify_by_cues(hit: Span, cues: list[Span], vocab: Vocabulary) -> Qualified:
    """Qualify a position in a clause by the cues of its sentence (scope, party, terminators).

    Without a party cue before the hit, the subject of the sentence's commitment decides
    ("L'acheteur met à disposition les locaux": the client's duty).
    """
    ruleset = vocab.ruleset
    sent = hit.sent
    in_scope = [c for c in cues if c.start >= sent.start and c.end <= sent.end
                and not _terminated(c, hit, vocab)]
    kinds = {c: ruleset.by_id[c.id_].rule.qualifier for c in in_scope}
    party = "provider"
    party_cues = [c for c in in_scope if kinds[c] in ("client", "provider") and c.start <= hit.start]
    if party_cues:
        nearest = max(party_cues, key=lambda c: c.start)
        party = "client" if kinds[nearest] == "client" else "provider"
        # "à la charge du Client" often follows the service it assigns
    elif any(kinds[c] == "client" for c in in_scope):
        party = "client"
    else:
        subject = sentence_subject(sent, hit.start, vocab)
        if subject and subject[0] == "client":
            return Qualified(hit, "excluded", "client", (subject[1],))
    excluding = [c for c in in_scope if kinds[c] == "excluded"]
    conditional = [c for c in in_scope if kinds[c] == "conditional"]
    if party == "client":
        client_cues = [c.text for c in in_scope if kinds[c] == "client"]
        return Qualified(hit, "excluded", "client", tuple(client_cues))
    if excluding:
        return Qualified(hit, "excluded", party, tuple(c.text for c in excluding))
    if conditional:
        return Qualified(hit, "conditional", party, tuple(c.text for c in conditional))
    return Qualified(hit, "included", party, ())


def opens_with_definition(cues: list[Span], vocab: Vocabulary) -> bool:
    """True when the clause is a glossary entry: « Terme » désigne…, "Term" means…, Définitions.

    A verb cue ("désigne", "means") must follow a quoted or emphasised term near the clause
    start, with no party as its subject ("Le Prestataire désigne un chef de projet" appoints
    someone, it defines nothing). A noun cue ("Définitions", "Glossaire") must open the clause.
    """
    ruleset = vocab.ruleset
    parties = vocab.client | vocab.provider | _PARTIES
    for c in cues:
        if ruleset.by_id[c.id_].rule.qualifier != "definition" or c.start >= DEFINITION_LEAD_TOKENS:
            continue
        lead = c.doc[:c.start]
        if c.start <= 2 and not any(t.is_alpha for t in lead):
            return True  # "Définitions", "1. Glossary"
        if c[0].norm_.startswith(_NOUN_CUES):  # a noun cue (the pipeline has no POS tagger)
            if c[0].norm_.startswith("drafting"):
                return c.start <= 2
            continue
        lead_norms = doc_norms(lead)
        if any(phrase_at(lead_norms, i, parties) for i in range(len(lead_norms))):
            continue
        if any(t.text in _QUOTES or t.text.startswith(("«", '"', "*")) for t in lead):
            return True
    return False


def clause_status(qualified: list[Qualified]) -> tuple[str, str]:
    """Status and party of a clause from its qualified hits.

    A clause that excludes or hands over to the client any of what it tags is ``excluded`` (a
    reviewer must see the exclusion); otherwise a conditional hit makes it ``conditional``.
    """
    statuses = {q.status for q in qualified}
    for status in ("excluded", "conditional", "included"):
        if status in statuses:
            party = next(q.party for q in qualified if q.status == status)
            return status, party
    return "included", "provider"


def is_list_item(text: str) -> bool:
    """A bullet or lettered item ("- …", "a) …", "(ii) …"): it continues the sentence above it."""
    return bool(LIST_ITEM.match(text))


def clause_qualifier(doc: Doc, cues: list[Span], vocab: Vocabulary) -> Qualified:
    """The qualification of a clause as a whole (its last sentence's cues), for a category that
    the clause takes from its heading or lead-in rather than from a hit of its own."""
    return _qualify_by_cues(doc[len(doc) - 1: len(doc)], cues, vocab)


def lead_in_qualifier(text: str, doc: Doc, vocab: Vocabulary) -> Qualified | None:
    """The qualification a lead-in sentence ending in ":" passes to the list items below it.

    "Ne sont pas compris dans les prestations :", "Le Client prend en charge :", "Sur demande,
    le Prestataire réalise :" make every item of the list excluded or conditional; a lead-in
    without such a cue (or whose nearest party cue is the provider) passes nothing.
    """
    if not text.rstrip().endswith(":") or not len(doc):
        return None
    probe = clause_qualifier(doc, [s for s in doc.spans[HITS_KEY] if s.label_ == "context"], vocab)
    return probe if probe.status != "included" else None
