"""Qualify rule hits with the context cues of ``patterns/<lang>/context.yaml`` (ConText-style).

Which hits tag a clause (``select_tags``):
- a clause about price, service credits, liability caps or "exclusive remedy" is not tagged
  (annotation guidelines: clauses only about price or liability are left out);
- weak hits count only when no strong hit tags the clause: hits of *mention* rules (rule id
  slug ending in ``_mention``, e.g. ``fr.hosting.virtual_mention``: a thing named in passing),
  physical resources that belong to the client ("le centre de données du Client"), acts done by
  the client ("sauvegardes exécutées par le Client"), things listed after "including"/"y
  compris", and physical resources governed by another service ("l'administration de
  l'Infrastructure Virtuelle").

Scope of a cue is the sentence of the hit. A hit is:
- ``excluded`` when an exclusion cue ("ne comprend pas", "hors périmètre", "excluding") or a
  client-obligation cue ("à la charge du Client", "c'est au COMMANDITAIRE de", "Customer shall")
  governs it, or when it names the client's own resource — the nearest party cue before the hit
  decides who carries the obligation;
- ``conditional`` when an option cue ("en option", "sur demande", "soumis à souscription",
  "if ordered", an unticked "[ ]" box) is in scope;
- ``included`` otherwise.
A clause is ``excluded`` if any of its hits is, else ``conditional`` if any is, else
``included``. A clause under a definitions heading, or that opens as a glossary entry
(« Terme » désigne…, "Term" means…), is a ``definition``. Availability commitments map to the
layer the contract hosts (``resolve_availability_layer``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span

from analyzer.nlp import HITS_KEY
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


CLIENT_WORDS = frozenset({
    "client", "clients", "commanditaire", "etablissement", "beneficiaire", "souscripteur",
    "customer", "customers", "licensee", "subscriber",
})
_OF = frozenset({"du", "de", "des", "of", "aux", "au"})
_OWN = frozenset({"propre", "propres", "own"})
_PHYSICAL_TOPICS = ("hosting.datacenter", "hosting.hardware", "hosting.virtual", "hosting.platform",
                    "hosting.location")


def _is_client(norms: list[str]) -> bool:
    """["client", …] or ["le", "client", …]."""
    if norms[:1] and norms[0] in ("le", "the"):
        norms = norms[1:]
    return bool(norms) and norms[0] in CLIENT_WORDS


def done_by_client(hit: Span) -> bool:
    """"sauvegardes exécutées par le Client", "backups performed by Customer"."""
    after = [t.norm_ for t in hit.doc[hit.end:hit.end + 4]]
    if after[:1] and after[0] not in ("par", "by"):
        after = after[1:]
    return bool(after) and after[0] in ("par", "by") and _is_client(after[1:])


def owned_by_client(hit: Span) -> bool:
    """True when the hit names the client's own thing or an act done by the client.

    "le centre de données du Client", "ses propres locaux", "Customer's data centre",
    "sauvegardes exécutées par le Client": the provider does not provide it.
    """
    doc = hit.doc
    after = [t.norm_ for t in doc[hit.end:hit.end + 4]]
    if after[:1] and after[0] in _OF and _is_client(after[1:]):
        return True
    if done_by_client(hit):
        return True
    before = [t.norm_ for t in doc[max(hit.start - 3, 0):hit.start]]
    if before and before[-1] in _OWN:
        return True
    return len(before) >= 2 and before[-2] in CLIENT_WORDS and before[-1] in ("'s", "have")


def _client_side(hit: Span, ruleset: RuleSet | None) -> bool:
    """Possession counts for physical resources only ("les sauvegardes du Client" are the
    provider's job); an act done by the client counts for every topic."""
    if ruleset is not None and (ruleset.by_id[hit.id_].topic_key or "") in _PHYSICAL_TOPICS:
        return owned_by_client(hit)
    return done_by_client(hit)


_AMOUNT = re.compile(r"\d[\d\s.,]*\)?\s?(?:€|euros?\b|eur\b|usd\b|\$)|(?:€|\$|usd|eur)\s?\d", re.I)
_PRICE_WORD = re.compile(r"\b(?:prix|redevance|factur|rémun|remun|tarif|payable|pay|price|fee|"
                         r"invoic|charged|montant|amount)", re.I)


_CREDIT = re.compile(r"\b(?:service|uptime|response time|sla) credits?\b|\bcredit note", re.I)
_CAP = re.compile(
    r"(?:p[ée]nalit|indemnit|liabilit|responsabilit)[^.;]{0,120}"
    r"(?:exc[ée]der|plafonn|capped|shall not exceed|will not exceed|limited to)"
    r"|exclusive remedy|seul (?:et unique )?recours", re.I)


def is_price_clause(text: str) -> bool:
    """A clause about price: it states an amount of money and a price word ("facturé", "fee").

    The annotation guidelines leave clauses only about price untagged, even when they name the
    service they price ("les sessions de formation supplémentaires sont facturées 650 €");
    service credits are the price side of an SLA; caps on penalties or liability and "exclusive
    remedy" clauses are liability clauses.
    """
    return (bool(_AMOUNT.search(text) and _PRICE_WORD.search(text)) or bool(_CREDIT.search(text))
            or bool(_CAP.search(text)))


_GOVERNING = frozenset({
    "administration", "exploitation", "supervision", "surveillance", "maintenance", "migration",
    "utilisation", "configuration", "formation", "monitoring", "operation", "use", "training",
    "upgrade", "patching", "management",
})
_OF_ART = frozenset({"de", "du", "des", "d'", "of"})


def _governed(hit: Span) -> bool:
    """"l'administration de l'Infrastructure Virtuelle", "monitoring of the servers": the thing
    is the object of another service (administration, training, migration), not provided."""
    doc = hit.doc
    # Walk back through the noun phrase ("l'administration et l'exploitation de l'Infrastructure
    # Virtuelle et de la Plateforme"): stop at punctuation or after 10 tokens.
    for i in range(hit.start - 1, max(hit.start - 11, 0), -1):
        token = doc[i]
        if token.is_punct and token.text not in ("'", "’"):
            return False
        if token.norm_ in _OF_ART and i > 0:
            prev = doc[i - 1].norm_
            if prev in _GOVERNING:
                return True
    return False


_LISTING = frozenset({"including", "include", "includes", "compris", "inclure", "incluant",
                      "notamment"})


def _listed(hit: Span) -> bool:
    """"…, including backups", "y compris leurs sauvegardes": named as an object in passing."""
    before = [t.norm_ for t in hit.doc[max(hit.start - 3, 0):hit.start]]
    return any(n in _LISTING for n in before)


_SUBPROCESSING = re.compile(
    r"tiers participant|sous-traitants? ult[ée]rieurs?|prestataires? techniques? externes?"
    r"|recours (?:à|a) (?:un|des) sous-traitants?|recourir (?:à|a) (?:un|des) sous-traitants?"
    r"|sous-traitance|sub-?processors?|third parties involved|subcontracting"
    r"|use (?:of )?(?:a |any )?subcontractors?", re.I)
_KEPT_IN_SUBPROCESSING = ("hosting.location", "hosting.datacenter")


def select_tags(tags: list[Span], ruleset: RuleSet | None = None) -> list[Span]:
    """Drop weak hits when a strong hit tags the same clause; drop every hit of a price clause.

    Weak hits are mention rules and hits on physical resources that belong to the client.
    """
    if tags and is_price_clause(tags[0].doc.text):
        return []
    if tags and ruleset is not None and _SUBPROCESSING.search(tags[0].doc.text):
        # Sub-processor clauses are checklist evidence; only where data is hosted is tagged.
        tags = [s for s in tags
                if (ruleset.by_id[s.id_].topic_key or "") in _KEPT_IN_SUBPROCESSING]

    def weak(s: Span) -> bool:
        physical = ruleset is not None and (
            ruleset.by_id[s.id_].topic_key or "") in _PHYSICAL_TOPICS
        return (is_mention_rule(s.id_) or _client_side(s, ruleset) or _listed(s)
                or (physical and _governed(s)))

    strong = [s for s in tags if not weak(s)]
    return strong if strong else tags


@dataclass(frozen=True)
class Qualified:
    """A hit with its qualification and the cue texts that decided it."""

    span: Span
    status: str  # included | excluded | conditional
    party: str  # provider | client
    cues: tuple[str, ...]


TERMINATORS = frozenset({"mais", "toutefois", "cependant", "neanmoins", "revanche", "but",
                         "however", "whereas", "nevertheless"})


def _terminated(cue: Span, hit: Span) -> bool:
    """A terminator ("mais", "but", "toutefois") between a cue and the hit ends the cue's scope.

    "La prestation ne comprend pas l'hébergement, mais inclut la supervision": the exclusion
    does not reach "supervision".
    """
    lo, hi = (cue.end, hit.start) if cue.end <= hit.start else (hit.end, cue.start)
    return any(t.norm_ in TERMINATORS for t in hit.doc[lo:hi])


def qualify_hit(hit: Span, cues: list[Span], ruleset: RuleSet) -> Qualified:
    """Qualify one hit with the context cues found in the same clause."""
    if _client_side(hit, ruleset):
        return Qualified(hit, "excluded", "client", ("the client's own",))
    return _qualify_by_cues(hit, cues, ruleset)


def _qualify_by_cues(hit: Span, cues: list[Span], ruleset: RuleSet) -> Qualified:
    """Qualify a position in a clause by the cues of its sentence (scope, party, terminators)."""
    sent = hit.sent
    in_scope = [c for c in cues if c.start >= sent.start and c.end <= sent.end
                and not _terminated(c, hit)]
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


_PARTY_SUBJECTS = frozenset({"prestataire", "hebergeur", "titulaire", "fournisseur", "provider",
                             "partie", "party", "parties", *CLIENT_WORDS})
_QUOTES = frozenset({'"', "»", "«", "“", "”", "'", ":", "*", "**"})


def opens_with_definition(cues: list[Span], ruleset: RuleSet) -> bool:
    """True when the clause is a glossary entry: « Terme » désigne…, "Term" means…, Définitions.

    A verb cue ("désigne", "means") must follow a quoted or emphasised term near the clause
    start, with no party as its subject ("Le Prestataire désigne un chef de projet" appoints
    someone, it defines nothing). A noun cue ("Définitions", "Glossaire") must open the clause.
    """
    for c in cues:
        if ruleset.by_id[c.id_].rule.qualifier != "definition" or c.start >= DEFINITION_LEAD_TOKENS:
            continue
        lead = c.doc[:c.start]
        if c.start <= 2 and not any(t.is_alpha for t in lead):
            return True  # "Définitions", "1. Glossary"
        if c[0].pos_ == "NOUN" or c[0].norm_.startswith(("definition", "glossair", "glossary",
                                                         "acronym", "abreviation", "abbreviation",
                                                         "lexique", "sigle", "terminolog",
                                                         "interpretation", "drafting")):
            if c[0].norm_.startswith("drafting"):
                return c.start <= 2
            continue
        if any(t.norm_ in _PARTY_SUBJECTS for t in lead):
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
        c["explanation"] += (f"; availability of the virtual infrastructure this contract provides "
                             f"→ {VIRTUAL_LAYER}")


_LIST_ITEM = re.compile(r"^\s*(?:[-•*–—▪●◦‣]|\(?[a-z]\)|[a-z]\.|\(?[ivx]{1,5}\)|[ivx]{1,5}\.)\s")


def is_list_item(text: str) -> bool:
    """A bullet or lettered item ("- …", "a) …", "(ii) …"): it continues the sentence above it."""
    return bool(_LIST_ITEM.match(text))


def lead_in_qualifier(text: str, doc: Doc, ruleset: RuleSet) -> Qualified | None:
    """The qualification a lead-in sentence ending in ":" passes to the list items below it.

    "Ne sont pas compris dans les prestations :", "Le Client prend en charge :", "Sur demande,
    le Prestataire réalise :" make every item of the list excluded or conditional; a lead-in
    without such a cue (or whose nearest party cue is the provider) passes nothing.
    """
    if not text.rstrip().endswith(":") or not len(doc):
        return None
    cues = [s for s in doc.spans[HITS_KEY] if s.label_ == "context"]
    probe = _qualify_by_cues(doc[len(doc) - 1 : len(doc)], cues, ruleset)
    return probe if probe.status != "included" else None
