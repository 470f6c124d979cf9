"""Qualify rule hits with the context cues of ``patterns/<lang>/context.yaml`` (ConText-style).

Scope of a cue is the sentence of the hit. A hit is:
- ``excluded`` when an exclusion cue ("ne comprend pas", "hors périmètre", "excluding") or a
  client-obligation cue ("à la charge du Client", "Customer shall") governs it — the nearest
  party cue before the hit decides who carries the obligation;
- ``conditional`` when an option cue ("en option", "sur demande", "if ordered") is in scope;
- ``included`` otherwise.
A clause under a definitions heading, or that opens with a definition cue, is a ``definition``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.tokens import Span

from analyzer.rules import RuleSet
from analyzer.taxonomy import MAPPING_TARGETS

DEFINITION_LEAD_TOKENS = 12  # a definition cue must appear this close to the clause start
MENTION_SUFFIX = "_mention"  # rules whose slug ends so only tag a clause nothing else tags


def is_mention_rule(rule_id: str) -> bool:
    """A "mention" rule (``fr.hosting.virtual_mention``) names a thing without committing to it.

    "la mise à jour des machines virtuelles" is maintenance, not hosting: the machines are the
    object of the clause. Such hits only count when no other (strong) rule tags the clause.
    """
    return rule_id.endswith(MENTION_SUFFIX)


def select_tags(tags: list[Span]) -> list[Span]:
    """Drop mention hits when a strong hit tags the same clause."""
    strong = [s for s in tags if not is_mention_rule(s.id_)]
    return strong if strong else tags


@dataclass(frozen=True)
class Qualified:
    """A hit with its qualification and the cue texts that decided it."""

    span: Span
    status: str  # included | excluded | conditional
    party: str  # provider | client
    cues: tuple[str, ...]


def qualify_hit(hit: Span, cues: list[Span], ruleset: RuleSet) -> Qualified:
    """Qualify one hit with the context cues found in the same clause."""
    sent = hit.sent
    in_scope = [c for c in cues if c.start >= sent.start and c.end <= sent.end]
    kinds = {c: ruleset.by_id[c.id_].rule.qualifier for c in in_scope}
    party = "provider"
    party_cues = [c for c in in_scope if kinds[c] in ("client", "provider") and c.start <= hit.start]
    if party_cues:
        nearest = max(party_cues, key=lambda c: c.start)
        party = "client" if kinds[nearest] == "client" else "provider"
        # "à la charge du Client" often follows the service it assigns
    elif any(kinds[c] == "client" for c in in_scope):
        party = "client"
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


def opens_with_definition(cues: list[Span], ruleset: RuleSet) -> bool:
    """True when a definition cue ("désigne", "means", "« X » :") opens the clause."""
    return any(
        ruleset.by_id[c.id_].rule.qualifier == "definition" and c.start < DEFINITION_LEAD_TOKENS
        for c in cues
    )


def clause_status(qualified: list[Qualified]) -> tuple[str, str]:
    """Status and party of a clause from its qualified hits: any included hit makes it included."""
    statuses = {q.status for q in qualified}
    for status in ("included", "conditional", "excluded"):
        if status in statuses:
            party = next(q.party for q in qualified if q.status == status)
            return status, party
    return "included", "provider"


AVAILABILITY_TOPIC = "hosting.availability"
VIRTUAL_LAYER, PLATFORM_LAYER = "A3", "A4"


def resolve_availability_layer(clauses: list[dict[str, Any]], ruleset: RuleSet) -> None:
    """Map availability commitments to the service layer the document provides (in place).

    An uptime commitment is a commitment on whatever the provider hosts: on an IaaS contract
    (some counted clause provides virtual infrastructure, A3) it maps to A3; otherwise (SaaS,
    hosted application, platform) to A4, the taxonomy default.
    """
    iaas = any(
        VIRTUAL_LAYER in ruleset.taxonomy.mapping_for(topic)
        for c in clauses if c["status"] in ("included", "conditional")
        for topic in c["topics"] if topic != AVAILABILITY_TOPIC
    )
    if not iaas:
        return
    for c in clauses:
        if AVAILABILITY_TOPIC not in c["topics"]:
            continue
        targets = {t for topic in c["topics"] if topic != AVAILABILITY_TOPIC
                   for t in ruleset.taxonomy.mapping_for(topic)}
        targets.add(VIRTUAL_LAYER)
        c["mapping"] = sorted(targets, key=MAPPING_TARGETS.index)
