"""Qualify stage: rule hits and their clause's context cues (ConText-style) → which hits tag a
clause, and with which status and party.

Which hits tag a clause (``select_tags``, ``selection.py``):
- a clause about price, service credits, liability caps or "exclusive remedy" is not tagged
  (annotation guidelines: clauses only about price or liability are left out; ``amounts.py``);
- weak hits count only when no strong hit tags the clause: hits of *mention* rules (rule id
  slug ending in ``_mention``, e.g. ``fr.hosting.virtual_mention``: a thing named in passing),
  physical resources that belong to the client ("le centre de données du Client"), acts done by
  the client ("sauvegardes exécutées par le Client"), things listed after "including"/"y
  compris", and physical resources governed by another service ("l'administration de
  l'Infrastructure Virtuelle").

Scope of a cue is the sentence of the hit (``status.py``). A hit is:
- ``excluded`` when an exclusion cue ("ne comprend pas", "hors périmètre", "excluding") or a
  client-obligation cue ("à la charge du Client", "c'est au COMMANDITAIRE de", "Customer shall")
  governs it, or when it names the client's own resource — the nearest party cue before the hit
  decides who carries the obligation (``parties.py``);
- ``conditional`` when an option cue ("en option", "sur demande", "soumis à souscription",
  "if ordered", an unticked "[ ]" box) is in scope;
- ``included`` otherwise.
A clause is ``excluded`` if any of its hits is, else ``conditional`` if any is, else
``included``. A clause under a definitions heading, or that opens as a glossary entry
(« Terme » désigne…, "Term" means…), is a ``definition``. The words are the rule set's lexicon
(``vocabulary.py``) plus the party names the contract defines (``aliases.py``).

A table row of a responsibility matrix (a header naming the parties, RACI letters in their
cells) whose R sits in the client's column only is ``excluded`` (party ``client``), in the
provider's only ``included``, whatever its words say (``matrix.py``).

This module re-exports the names the other stages import; helpers (``find_phrases``,
``is_price_clause``, ``done_by_client``, …) are imported from their own module.
"""

from analyzer.qualify.aliases import document_aliases
from analyzer.qualify.matrix import MatrixStatus, matrix_status
from analyzer.qualify.parties import commits, describes, sentence_subject
from analyzer.qualify.phrases import Phrase, phrase_at
from analyzer.qualify.selection import is_weak, prefilter_tags, select_tags, weak_in_context
from analyzer.qualify.status import (
    Qualified,
    clause_qualifier,
    clause_status,
    is_list_item,
    lead_in_qualifier,
    opens_with_definition,
    qualify_hit,
)
from analyzer.qualify.vocabulary import Vocabulary

__all__ = [
    "MatrixStatus", "Phrase", "Qualified", "Vocabulary", "clause_qualifier", "clause_status",
    "commits", "describes", "document_aliases", "is_list_item", "is_weak", "lead_in_qualifier",
    "matrix_status", "opens_with_definition", "phrase_at", "prefilter_tags", "qualify_hit",
    "select_tags", "sentence_subject", "weak_in_context",
]
