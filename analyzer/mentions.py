"""Obligation or mere mention: does a tagged clause bind the provider to what it is tagged with?

A certificate is required only by what the provider undertakes to do, never by a title line, a
metadata line ("Objet : Offre IaaS"), a glossary entry, a template blank ("[●]", "XXX"), a
mutual clause ("Chaque partie s'engage à la confidentialité… y compris des sauvegardes"), a
clause of a section that names services in passing (confidentiality, fees), or a weak rule
("centres de données" named in a warranty). ``classify`` says which, from the tagged clause
and what the tag stage knows of it; ``apply_commitments`` returns the clauses with the optional
report fields ``commitment``, ``commitment_reason`` and ``obligation_mapping`` set.

The vocabulary is data: ``patterns/mentions/<lang>.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, StrictStr
from spacy.tokens import Span

from analyzer.models import TaggedClause
from analyzer.normalize import fold
from analyzer.qualify import Vocabulary, is_weak, phrase_at
from analyzer.qualify.phrases import doc_norms
from analyzer.resources import default_patterns_dir
from analyzer.statuses import COUNTED
from analyzer.tagging import ClauseContext
from analyzer.taxonomy import MAPPING_TARGETS, Taxonomy
from analyzer.yamlfile import any_of, read_yaml_model

TITLE_MAX_WORDS = 12
PROVISION_WINDOW = 8  # a weak hit this close after the provider's provision verb is its object
SUBJECT_NEAR = 4  # the provider this close before a provision verb is its subject
METADATA_MAX_WORDS = 15
_NUMBERING = re.compile(r"^\s*(?:(?:article|art\.|annexe|section|chapitre|clause)\s*)?"
                        r"[\dIVXivx]+(?:\.\d+)*\.?\s*[-–—:.)]?\s*")


class MentionFile(BaseModel):
    """Content of ``patterns/mentions/<lang>.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: int
    placeholders: list[StrictStr]
    metadata_labels: list[StrictStr]
    mutual_subjects: list[StrictStr]
    passing_headings: list[StrictStr]
    provision_stems: list[StrictStr]


@dataclass(frozen=True)
class Mentions:
    """The compiled vocabulary of one language."""

    placeholder: re.Pattern[str]
    metadata: re.Pattern[str]
    mutual: re.Pattern[str]
    passing: frozenset[str]
    provision: tuple[str, ...]


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(fold(w)) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=8)
def load_mentions(patterns_dir: Path, lang: str) -> Mentions:
    """Compile ``<patterns_dir>/mentions/<lang>.yaml`` (the packaged file when a custom patterns
    folder has none).

    Raises:
        PatternFileError: the file is invalid or a placeholder is not a valid regex.
    """
    path = patterns_dir / "mentions" / f"{lang}.yaml"
    if not path.is_file():
        path = default_patterns_dir() / "mentions" / f"{lang}.yaml"
    data = read_yaml_model(path, MentionFile, "mention vocabulary")
    placeholder = any_of(path, "placeholders", data.placeholders, re.M)
    return Mentions(
        placeholder=placeholder,
        metadata=re.compile(r"^\s*(?:" + _alternatives(data.metadata_labels)
                            + r")(?:\s+\S+){0,3}?\s*:"),
        mutual=re.compile(r"(?:^|[\s,;:(])(?:" + _alternatives(data.mutual_subjects) + r")\b"),
        passing=frozenset(fold(h).strip() for h in data.passing_headings),
        provision=tuple(fold(v) for v in data.provision_stems),
    )


@dataclass(frozen=True)
class Commitment:
    """What a clause commits the provider to: the topics of its obligation (empty for a
    mention) and, for a mention, why it is one."""

    topics: frozenset[str]
    reason: str | None


def _heading_passing(heading_path: Sequence[str], mentions: Mentions) -> bool:
    if not heading_path:
        return False
    title = fold(_NUMBERING.sub("", heading_path[-1])).strip(" .:-–—")
    return title in mentions.passing or title.rstrip("s") in mentions.passing


def _is_title(text: str, ctx: ClauseContext) -> bool:
    """A line that names rather than states: short, no sentence punctuation, no binding verb,
    not a list item or a table row (whose cells name services the rows commit to)."""
    stripped = text.strip()
    return (not ctx.view.committed and not ctx.view.list_item and "|" not in stripped
            and "\t" not in stripped and len(stripped.split()) <= TITLE_MAX_WORDS
            and not stripped.endswith((".", ";", "!", "?", ":")))


def _reason(clause: TaggedClause, ctx: ClauseContext, mentions: Mentions) -> str | None:
    """Why the clause as a whole is a mention, or None when it may bind the provider."""
    text = clause.text
    folded = fold(text)
    if clause.status == "definition":
        return "definition"
    if clause.status not in COUNTED:
        return "excluded"
    if clause.party != "provider":
        return "client"
    if mentions.placeholder.search(text):
        return "placeholder"
    if len(folded.split()) <= METADATA_MAX_WORDS and mentions.metadata.search(folded):
        return "metadata"
    if _is_title(text, ctx):
        return "title"
    if mentions.mutual.search(folded[:80]):
        return "mutual"
    if _heading_passing(clause.heading_path, mentions):
        return "passing"
    if ctx.view.describes and not ctx.view.committed:
        return "description"
    return None


def classify(clause: TaggedClause, ctx: ClauseContext, vocab: Vocabulary,
             mentions: Mentions) -> Commitment:
    """The obligation topics of a tagged clause: those of its own strong hits, when the clause
    binds the provider (``_reason``); a clause with only weak hits, or whose category comes
    from its heading or lead-in, is a mention."""
    reason = _reason(clause, ctx, mentions)
    if reason:
        return Commitment(frozenset(), reason)
    kept = {(h.rule, h.start - ctx.seg.start) for h in clause.hits}
    by_id = vocab.ruleset.by_id
    own = [s for s in ctx.view.hits if (s.id_, s.start_char) in kept]
    topics = frozenset(by_id[s.id_].topic_key or "" for s in own
                       if not is_weak(s, vocab) or _provided(s, vocab, mentions)) - {""}
    if topics:
        return Commitment(topics, None)
    return Commitment(frozenset(), "weak_rule" if clause.hits else "inherited")


def _provided(hit: Span, vocab: Vocabulary, mentions: Mentions) -> bool:
    """"Le prestataire héberge les données de santé sur ses serveurs": the hit is the object of
    a provision verb whose subject is the provider (a weak rule named it, the verb binds it).

    The provider is named at most ``SUBJECT_NEAR`` tokens before the verb ("Le Prestataire
    s'engage à héberger"), the hit at most ``PROVISION_WINDOW`` tokens after it, with no
    punctuation in between.
    """
    doc = hit.doc
    norms = doc_norms(doc)
    for i in range(hit.start, max(hit.start - PROVISION_WINDOW, 0) - 1, -1):
        if i < hit.start and doc[i].is_punct:
            return False
        if not fold(doc[i].text).startswith(mentions.provision):
            continue
        for j in range(i - 1, max(i - SUBJECT_NEAR, 0) - 1, -1):
            if phrase_at(norms, j, vocab.provider):
                return True
            if phrase_at(norms, j, vocab.client) or doc[j].is_punct:
                break
    return False


def obligation_mapping(clause: TaggedClause, topics: frozenset[str],
                       taxonomy: Taxonomy) -> tuple[str, ...]:
    """The targets of the clause's ``mapping`` its obligation topics stand for; a topic whose
    layer the taxonomy remaps (``layer_remap``: availability) stands for whichever layer the
    contract resolved it to (A3 or A4)."""
    wanted = {t for topic in topics for t in taxonomy.mapping_for(topic)}
    for remapped in taxonomy.layer_remaps:
        if remapped not in topics:
            continue
        others = {t for topic in clause.topics if topic != remapped
                  for t in taxonomy.mapping_for(topic)}
        wanted |= {t for t in clause.mapping if t not in others}
    return tuple(sorted((t for t in clause.mapping if t in wanted), key=MAPPING_TARGETS.index))


def apply_commitments(clauses: Sequence[TaggedClause], found: Mapping[str, Commitment],
                      taxonomy: Taxonomy) -> list[TaggedClause]:
    """The clauses with ``commitment`` and ``obligation_mapping`` (an obligation) or
    ``commitment_reason`` (a mention) set; a clause without a found commitment is kept as is.
    The mapping read is the remapped one: run after ``mapping.map_clauses``."""
    out = []
    for clause in clauses:
        c = found.get(clause.id)
        targets = obligation_mapping(clause, c.topics, taxonomy) if c and c.topics else ()
        if c is None:
            out.append(clause)
        elif targets:
            out.append(replace(clause, commitment="obligation", obligation_mapping=targets))
        else:
            out.append(replace(clause, commitment="mention",
                               commitment_reason=c.reason or "weak_rule"))
    return out
