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
layer the contract hosts (``analyzer.mapping.resolve_availability_layer``, the Map stage).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span

from analyzer.nlp import HITS_KEY, lexicon_norms
from analyzer.numbering import LIST_ITEM
from analyzer.rules import RuleSet

DEFINITION_LEAD_TOKENS = 12  # a definition cue must appear this close to the clause start
SUBJECT_WINDOW = 8  # a party this close before a commitment verb is its subject
Phrase = tuple[str, ...]


def is_mention_rule(rule_id: str, ruleset: RuleSet) -> bool:
    """A weak ("mention") or candidate rule names a thing without committing to it.

    "la mise à jour des machines virtuelles" is maintenance, not hosting: the machines are the
    object of the clause. Such hits only count when no other (strong) rule tags the clause.
    The rule file says it with ``strength: weak`` (or ``candidate``).
    """
    return ruleset.by_id[rule_id].rule.strength != "strong"


_DETERMINERS = frozenset({"le", "la", "les", "l'", "un", "une", "the", "a", "an", "its", "son", "sa",
                          "ses", "leur"})


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """The lexicon lists of a rule set as token norms, plus the party names a contract defines."""

    ruleset: RuleSet
    client: frozenset[Phrase]
    provider: frozenset[Phrase]
    lists: dict[str, frozenset[Phrase]]

    @classmethod
    def of(cls, ruleset: RuleSet, aliases: dict[str, set[Phrase]] | None = None) -> Vocabulary:
        """The rule set's vocabulary, with ``aliases`` ({"client": …, "provider": …}) added."""
        names = ("commitment", "description", "own", "of", "by", "governing", "listing",
                 "terminators", "alias", "currency", "price", "credit", "cap_subject", "cap",
                 "exclusive_remedy", "subprocessing", "performed")
        aliases = aliases or {}
        return cls(
            ruleset=ruleset,
            client=lexicon_norms(ruleset, "client") | frozenset(aliases.get("client", ())),
            provider=lexicon_norms(ruleset, "provider") | frozenset(aliases.get("provider", ())),
            lists={n: lexicon_norms(ruleset, n) for n in names},
        )

    def singles(self, name: str) -> frozenset[str]:
        """One-token words of a list."""
        return frozenset(p[0] for p in self.lists[name] if len(p) == 1)


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


def _is_client(norms: list[str], vocab: Vocabulary) -> bool:
    """["client", …] or ["le", "client", …]."""
    if norms[:1] and norms[0] in _DETERMINERS:
        norms = norms[1:]
    return bool(norms) and phrase_at(norms, 0, vocab.client) > 0


def done_by_client(hit: Span, vocab: Vocabulary) -> bool:
    """"sauvegardes exécutées par le Client", "backups performed by Customer"; not "anomalies
    signalées par le Client" (the client reports, the provider corrects)."""
    by = vocab.singles("by")
    tokens = hit.doc[hit.end:hit.end + 8]
    after = [t.norm_ for t in tokens]
    for k, norm in enumerate(after):
        if tokens[k].is_punct:
            return False
        if norm in by:  # "… <performed> par <client>", the participle just before "par"
            return _is_client(after[k + 1:], vocab) and (k == 0 or any(
                phrase_at(after, j, vocab.lists["performed"]) == k - j for j in range(k)))
    return False


def owned_by_client(hit: Span, vocab: Vocabulary) -> bool:
    """True when the hit names the client's own thing or an act done by the client.

    "le centre de données du Client", "ses propres locaux", "Customer's data centre",
    "sauvegardes exécutées par le Client": the provider does not provide it.
    """
    doc = hit.doc
    after = [t.norm_ for t in doc[hit.end:hit.end + 6]]
    if after[:1] and after[0] in vocab.singles("of") and _is_client(after[1:], vocab):
        return True
    if done_by_client(hit, vocab):
        return True
    before = [t.norm_ for t in doc[max(hit.start - 3, 0):hit.start]]
    if before and before[-1] in vocab.singles("own"):
        return True
    return len(before) >= 2 and _is_client(before[-2:-1], vocab) and before[-1] in ("'s", "have")


def _client_side(hit: Span, vocab: Vocabulary) -> bool:
    """Possession counts for physical resources only ("les sauvegardes du Client" are the
    provider's job); an act done by the client counts for every topic."""
    if (vocab.ruleset.by_id[hit.id_].topic_key or "") in _PHYSICAL_TOPICS:
        return owned_by_client(hit, vocab)
    return done_by_client(hit, vocab)


def sentence_subject(sent: Span, before: int, vocab: Vocabulary) -> tuple[str, str] | None:
    """The party that a commitment of ``sent`` (before token ``before``) binds, and its words.

    "L'acheteur met à disposition …", "Customer shall maintain …": the party named within a few
    tokens before the first commitment verb is its subject.
    """
    norms = [t.norm_ for t in sent]
    limit = max(0, before - sent.start) if before >= sent.start else len(norms)
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


_SCOPE_QUALIFIERS = frozenset({"excluded", "conditional", "client", "provider"})


def describes(doc: Doc, vocab: Vocabulary) -> bool:
    """Does the clause use words of the existing system or context ("actuellement", "currently")?"""
    return bool(find_phrases([t.norm_ for t in doc], vocab.lists["description"]))


def commits(doc: Doc, vocab: Vocabulary) -> bool:
    """Does the clause bind a party (a commitment verb or modal, or a cue that puts something in
    or out of scope: "hors périmètre", "sur demande", "à la charge du Client"), rather than
    describe?"""
    if any(s.label_ == "context" and vocab.ruleset.by_id[s.id_].rule.qualifier in _SCOPE_QUALIFIERS
           for s in doc.spans[HITS_KEY]):
        return True
    if describes(doc, vocab):
        return bool(sentence_subject(doc[:], len(doc), vocab))
    return bool(find_phrases([t.norm_ for t in doc], vocab.lists["commitment"]))


_ALIAS_QUOTES = ("«", '"', "“")


def document_aliases(docs: list[Doc], ruleset: RuleSet) -> dict[str, set[Phrase]]:
    """Party names a contract defines ("ci-après dénommé « VSGP »", (hereinafter "Contractor")).

    A quoted name after an alias cue takes the role of the party it names: a known party noun
    among the quoted names, else the nearest party noun before the cue in the same sentence.
    """
    vocab = Vocabulary.of(ruleset)
    found: dict[str, set[Phrase]] = {"client": set(), "provider": set()}
    for doc in docs:
        norms = [t.norm_ for t in doc]
        for cue_start, cue_end in find_phrases(norms, vocab.lists["alias"]):
            names = _quoted_after(doc, cue_end)
            if not names:
                continue
            role = None
            for name in names:
                if _is_client(list(name), vocab):
                    role = "client"
                elif phrase_at(_strip_det(list(name)), 0, vocab.provider):
                    role = "provider"
            if role is None:
                for i in range(cue_start - 1, max(cue_start - 25, 0) - 1, -1):
                    if phrase_at(norms, i, vocab.client):
                        role = "client"
                        break
                    if phrase_at(norms, i, vocab.provider):
                        role = "provider"
                        break
            if role:
                found[role].update(tuple(_strip_det(list(n))) for n in names)
    found["client"] -= {()}
    found["provider"] -= {()}
    overlap = found["client"] & found["provider"]
    return {role: names - overlap for role, names in found.items()}


def _strip_det(norms: list[str]) -> list[str]:
    return norms[1:] if norms[:1] and norms[0] in _DETERMINERS else norms


def _quoted_after(doc: Doc, start: int, window: int = 30) -> list[Phrase]:
    """Norms of the quoted names in the ``window`` tokens after ``start`` (up to sentence end)."""
    names: list[Phrase] = []
    i, end = start, min(len(doc), start + window)
    while i < end:
        if doc[i].text in _ALIAS_QUOTES:
            j = i + 1
            while j < end and doc[j].text not in ("»", '"', "”") and j - i <= 6:
                j += 1
            if j < end and j > i + 1:
                names.append(tuple(t.norm_ for t in doc[i + 1:j]))
            i = j + 1
            continue
        if (doc[i].is_sent_start and i > start) or doc[i].text in (";",):
            break
        i += 1
    return names


_PHYSICAL_TOPICS = ("hosting.datacenter", "hosting.hardware", "hosting.virtual", "hosting.platform",
                    "hosting.location")


def _states_amount(doc: Doc, vocab: Vocabulary) -> bool:
    """A number next to a currency ("650 €", "$500", "1 200,00 euros)")."""
    currencies = vocab.singles("currency")
    for i, token in enumerate(doc):
        if token.norm_ in currencies:
            before = doc[i - 1] if i >= 1 else None
            if before is not None and before.text == ")" and i >= 2:
                before = doc[i - 2]
            after = doc[i + 1] if i + 1 < len(doc) else None
            if (before is not None and before.like_num) or (after is not None and after.like_num):
                return True
    return False


_CAP_REACH = 25  # tokens from what is capped to the cap word, within one clause of a sentence


def _caps(doc: Doc, norms: list[str], vocab: Vocabulary) -> bool:
    """A cap on penalties, indemnities or liability ("ne peut excéder", "will not exceed")."""
    for i in range(len(norms)):
        if not phrase_at(norms, i, vocab.lists["cap_subject"]):
            continue
        for j in range(i + 1, min(i + 1 + _CAP_REACH, len(norms))):
            if doc[j].text in (".", ";"):
                break
            if phrase_at(norms, j, vocab.lists["cap"]):
                return True
    return False


def is_price_clause(doc: Doc, vocab: Vocabulary) -> bool:
    """A clause about price: it states an amount of money and a price word ("facturé", "fee").

    The annotation guidelines leave clauses only about price untagged, even when they name the
    service they price ("les sessions de formation supplémentaires sont facturées 650 €");
    service credits are the price side of an SLA; caps on penalties or liability and "exclusive
    remedy" clauses are liability clauses. The words are the lexicon's lists ``currency``,
    ``price``, ``credit``, ``cap_subject``, ``cap`` and ``exclusive_remedy``.
    """
    norms = [t.norm_ for t in doc]
    return ((_states_amount(doc, vocab) and bool(find_phrases(norms, vocab.lists["price"])))
            or bool(find_phrases(norms, vocab.lists["credit"])) or _caps(doc, norms, vocab)
            or bool(find_phrases(norms, vocab.lists["exclusive_remedy"])))


def _governed(hit: Span, vocab: Vocabulary) -> bool:
    """"l'administration de l'Infrastructure Virtuelle", "monitoring of the servers": the thing
    is the object of another service (administration, training, migration), not provided."""
    doc = hit.doc
    of = vocab.singles("of") | {"d'", "de"}
    governing = vocab.lists["governing"]
    norms = [t.norm_ for t in doc]
    # Walk back through the noun phrase ("l'administration et l'exploitation de l'Infrastructure
    # Virtuelle et de la Plateforme"): stop at punctuation or after 10 tokens.
    for i in range(hit.start - 1, max(hit.start - 11, 0), -1):
        token = doc[i]
        if token.is_punct and token.text not in ("'", "’"):
            return False
        if token.norm_ in of and i > 0:
            for n in (1, 2, 3):
                if i - n >= 0 and tuple(norms[i - n:i]) in governing:
                    return True
    return False


def _listed(hit: Span, vocab: Vocabulary) -> bool:
    """"…, including backups", "y compris leurs sauvegardes": named as an object in passing."""
    before = [t.norm_ for t in hit.doc[max(hit.start - 3, 0):hit.start]]
    return any(n in vocab.singles("listing") for n in before)


_KEPT_IN_SUBPROCESSING = ("hosting.location", "hosting.datacenter")


def _acts_on_other(hit: Span, vocab: Vocabulary) -> bool:
    """"la mise à jour de la documentation utilisateur", "maintenance of the training material":
    the act is done to a thing that another category names, which is what the clause is about."""
    of = vocab.singles("of") | {"d'", "de"}
    doc = hit.doc
    for other in doc.spans[HITS_KEY]:
        if other.label_ in (hit.label_, "context", "checklist") or other.start < hit.end:
            continue
        between = doc[hit.end:other.start]
        if len(between) <= 3 and between and between[0].norm_ in of and not any(
                t.is_punct for t in between):
            return True
    return False


def weak_in_context(hit: Span, vocab: Vocabulary) -> bool:
    """A hit that its clause weakens: the client's own resource or act, a thing listed in
    passing, a physical resource governed by another service, or an act done to what another
    category names."""
    physical = (vocab.ruleset.by_id[hit.id_].topic_key or "") in _PHYSICAL_TOPICS
    return (_client_side(hit, vocab) or _listed(hit, vocab)
            or (physical and _governed(hit, vocab)) or _acts_on_other(hit, vocab))


def is_weak(hit: Span, vocab: Vocabulary) -> bool:
    """A weak hit: a weak (or candidate) rule, or a hit that its clause weakens."""
    return is_mention_rule(hit.id_, vocab.ruleset) or weak_in_context(hit, vocab)


def prefilter_tags(tags: list[Span], vocab: Vocabulary) -> list[Span]:
    """The hits that may tag a clause at all: none in a price clause; in a sub-processor clause
    only those that say where data is hosted."""
    if not tags:
        return tags
    doc = tags[0].doc
    if is_price_clause(doc, vocab):
        return []
    if find_phrases([t.norm_ for t in doc], vocab.lists["subprocessing"]):
        # Sub-processor clauses are checklist evidence; only where data is hosted is tagged.
        tags = [s for s in tags
                if (vocab.ruleset.by_id[s.id_].topic_key or "") in _KEPT_IN_SUBPROCESSING]
    return tags


def select_tags(tags: list[Span], vocab: Vocabulary, committed: bool | None = None) -> list[Span]:
    """The hits that tag a clause by the rules alone: strong hits, else weak hits of a clause
    that commits a party (after ``prefilter_tags``).

    ``committed`` overrides the clause's own commitment test (a list item under a committing
    lead-in commits).
    """
    tags = [s for s in prefilter_tags(tags, vocab)
            if vocab.ruleset.by_id[s.id_].rule.strength != "candidate"]
    strong = [s for s in tags if not is_weak(s, vocab)]
    if strong:
        return strong
    if not tags:
        return []
    if committed is None:
        committed = commits(tags[0].doc, vocab)
    return tags if committed else []


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
    if _client_side(hit, vocab):
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


_PARTIES = frozenset({("partie",), ("party",), ("parties",)})
_QUOTES = frozenset({'"', "»", "«", "“", "”", "'", ":", "*", "**"})


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
        if c[0].norm_.startswith(("definition", "glossair", "glossary", "acronym", "abreviation",
                                  "abbreviation", "lexique", "sigle", "terminolog",
                                  "interpretation", "drafting")):  # a noun cue (no tagger: no POS)
            if c[0].norm_.startswith("drafting"):
                return c.start <= 2
            continue
        lead_norms = [t.norm_ for t in lead]
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
    cues = [s for s in doc.spans[HITS_KEY] if s.label_ == "context"]
    probe = _qualify_by_cues(doc[len(doc) - 1 : len(doc)], cues, vocab)
    return probe if probe.status != "included" else None
