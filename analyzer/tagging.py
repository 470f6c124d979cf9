"""Tag stage: segments and their spaCy docs → tagged clauses and checklist evidence.

The rules propose (``ClauseView``: the clause's hits, its heading's and lead-in's categories,
whether it commits a party); the clause model, when the patterns folder ships one, decides which
proposed categories the clause belongs to (``analyzer.learned``); without a model the rules
decide alone (``select_tags``). Qualification (status and party) always comes from the rules'
context cues (``analyzer.qualify``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span

from analyzer.learned import ClauseModel, ClauseView
from analyzer.models import Segment
from analyzer.nlp import HITS_KEY
from analyzer.qualify import (
    Qualified,
    Vocabulary,
    clause_qualifier,
    clause_status,
    commits,
    describes,
    is_list_item,
    is_weak,
    lead_in_qualifier,
    opens_with_definition,
    prefilter_tags,
    qualify_hit,
    select_tags,
    sentence_subject,
    weak_in_context,
)
from analyzer.taxonomy import MAPPING_TARGETS

SPECIAL = ("checklist", "context")


@dataclass(frozen=True)
class ClauseContext:
    """A clause with what the stage knows of it."""

    seg: Segment
    doc: Doc
    view: ClauseView
    lead: Qualified | None  # the qualification a committing lead-in passes to a list item
    section: Qualified | None = None  # the condition or exclusion its heading states


def _categories_topics(spans: list[Span], vocab: Vocabulary) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for s in spans:
        out[s.label_].add(vocab.ruleset.by_id[s.id_].topic_key or "")
    return {c: frozenset(t) for c, t in out.items()}


def clause_contexts(
    segments: list[Segment], docs: list[Doc], vocab: Vocabulary
) -> Iterator[ClauseContext]:
    """Every clause (not heading) of a document with its view, in order."""
    ruleset = vocab.ruleset
    definition_headings: set[str] = set()
    heading_cats: dict[str, dict[str, frozenset[str]]] = {}
    heading_words: dict[str, tuple[str, ...]] = {}
    heading_scope: dict[str, Qualified] = {}  # "5 Prestations à bons de commande"
    lead: Qualified | None = None
    lead_cats: dict[str, frozenset[str]] = {}
    lead_commits = False
    by_id = {s.id: i for i, s in enumerate(segments)}
    for seg, doc in zip(segments, docs, strict=True):
        spans = list(doc.spans[HITS_KEY])
        tagging = [s for s in spans if s.label_ not in SPECIAL]
        if seg.kind == "heading":
            lead, lead_cats, lead_commits = None, {}, False
            if any(ruleset.by_id[c.id_].rule.qualifier == "definition"
                   for c in spans if c.label_ == "context"):
                definition_headings.add(seg.id)
            heading_cats[seg.id] = _categories_topics(prefilter_tags(tagging, vocab), vocab)
            heading_words[seg.id] = tuple(t.norm_ for t in doc if t.is_alpha and not t.is_stop)
            cues = [c for c in spans if c.label_ == "context"]
            scope = clause_qualifier(doc, cues, vocab) if cues and len(doc) else None
            if scope and scope.status in ("conditional", "excluded"):
                heading_scope[seg.id] = scope
            continue
        above = _heading_ids(seg, segments, by_id)
        ordered = sorted(above, key=lambda h: by_id[h])  # outermost first
        nearest = ordered[-1] if ordered else None
        parent = ordered[-2] if len(ordered) > 1 else None
        inherited: dict[str, frozenset[str]] = {}
        for h in ordered[-2:]:
            for c, topics in heading_cats.get(h, {}).items():
                inherited[c] = inherited.get(c, frozenset()) | topics
        list_item = is_list_item(seg.text)
        candidates = prefilter_tags(tagging, vocab)
        committed = commits(doc, vocab) or (list_item and lead_commits)
        selected = select_tags(tagging, vocab, True if list_item and lead_commits else None)
        subject = sentence_subject(doc[:], len(doc), vocab)
        view = ClauseView(
            doc=doc, hits=tuple(candidates),
            strong=frozenset(s.label_ for s in selected),
            heading=inherited, lead=lead_cats if list_item else {},
            heading_words=heading_words.get(nearest, ()) if nearest else (),
            committed=committed, describes=describes(doc, vocab),
            client_subject=bool(subject and subject[0] == "client"),
            list_item=list_item, in_definitions=bool(above & definition_headings),
            parent_words=heading_words.get(parent, ()) if parent else (),
        )
        scoped = [h for h in ordered if h in heading_scope]
        yield ClauseContext(seg, doc, view, lead if list_item else None,
                            heading_scope[scoped[-1]] if scoped else None)
        if not list_item:
            lead = lead_in_qualifier(seg.text, doc, vocab)
            ends_lead_in = seg.text.rstrip().endswith(":")
            lead_commits = ends_lead_in and commits(doc, vocab)
            lead_cats = _categories_topics(candidates, vocab) if ends_lead_in else {}


def _heading_ids(seg: Segment, segments: list[Segment], by_id: dict[str, int]) -> set[str]:
    """Ids of the headings above a clause (the nearest preceding heading of each path entry)."""
    wanted = set(seg.heading_path)
    found: set[str] = set()
    for i in range(by_id[seg.id] - 1, -1, -1):  # walk back without copying the list
        other = segments[i]
        if other.kind == "heading" and other.text in wanted and other.text not in found:
            found.add(other.id)
            wanted.discard(other.text)
            if not wanted:
                break
    return found


def _explain(vocab: Vocabulary, topics: list[str], qualified: list[Qualified], status: str,
             inherited: str) -> str:
    parts = [f"{q.span.id_} «{q.span.text}»" for q in qualified if q.span.id_ in vocab.ruleset.by_id
             and q.span.label_ not in SPECIAL]
    targets = sorted({t for topic in topics for t in vocab.ruleset.taxonomy.mapping_for(topic)})
    head = f"Matched {', '.join(parts)}" if parts else f"Category from {inherited}"
    text = f"{head}; topics {', '.join(topics)} → {', '.join(targets)}"
    cues = sorted({c for q in qualified if q.status == status for c in q.cues})
    if status == "definition":
        text += "; glossary definition, not counted as coverage"
    elif status == "excluded":
        text += f"; excluded by «{'», «'.join(cues)}»" if cues else "; excluded"
    elif status == "conditional":
        text += f"; conditional on «{'», «'.join(cues)}»"
    return text


def tag_clause(ctx: ClauseContext, vocab: Vocabulary,
               model: ClauseModel | None) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """The clause's report entry (None when untagged) and its checklist evidence."""
    seg, doc, view = ctx.seg, ctx.doc, ctx.view
    ruleset = vocab.ruleset
    spans = list(doc.spans[HITS_KEY])
    cues = [s for s in spans if s.label_ == "context"]
    checklist = [(ruleset.by_id[s.id_].rule.item or "", qualify_hit(s, cues, vocab).status)
                 for s in spans if s.label_ == "checklist"]
    decided: dict[str, tuple[float, list[tuple[str, float]]]] = {}
    if model is None:
        categories = set(view.strong)
    else:
        decided = model.decide(view)
        if view.describes and not view.committed:
            # the existing system or context, told without binding anyone: only strong hits
            decided = {c: d for c, d in decided.items() if c in view.strong}
        if not (view.committed or view.list_item):
            # a category from the heading alone needs a clause that binds someone (not a title)
            own = {s.label_ for s in view.hits}
            decided = {c: d for c, d in decided.items() if c in own}
        categories = set(decided)
    tags = []
    for c in sorted(categories):  # per category its strong hits, else its weak ones
        cat_hits = [s for s in view.hits if s.label_ == c]
        strong = [s for s in cat_hits if not is_weak(s, vocab)]
        if strong:  # the category stands: the weak rules' hits that the clause does not weaken
            # say more of it ("héberge les données … sur ses serveurs physiques": A2 too)
            strong += [s for s in cat_hits if ruleset.by_id[s.id_].rule.strength == "weak"
                       and not weak_in_context(s, vocab)]
        tags += strong or cat_hits
    if not categories:
        return None, checklist
    topics_by_cat: dict[str, set[str]] = defaultdict(set)
    for s in tags:
        topics_by_cat[s.label_].add(ruleset.by_id[s.id_].topic_key or "")
    inherited_from = []
    for c in categories - set(topics_by_cat):
        source = view.lead.get(c) or view.heading.get(c) or frozenset()
        topics_by_cat[c].update(source)
        inherited_from.append("the lead-in" if c in view.lead else "the heading")
    topics = sorted({t for ts in topics_by_cat.values() for t in ts if t})
    qualified = [qualify_hit(s, cues, vocab) for s in tags] or [clause_qualifier(doc, cues, vocab)]
    if view.in_definitions or opens_with_definition(cues, vocab):
        status, party = "definition", "provider"
    else:
        status, party = clause_status(qualified)
    lead_note = ""
    if ctx.lead and status == "included":
        status, party = ctx.lead.status, ctx.lead.party
        lead_note = f"; {ctx.lead.status} by the lead-in «{', '.join(ctx.lead.cues)}»"
    elif ctx.section and status == "included":
        status, party = ctx.section.status, ctx.section.party
        lead_note = f"; {ctx.section.status} by its heading «{', '.join(ctx.section.cues)}»"
    mapping = sorted({t for topic in topics for t in ruleset.taxonomy.mapping_for(topic)},
                     key=MAPPING_TARGETS.index)
    hits = sorted(
        ({"rule": s.id_, "start": seg.start + s.start_char, "end": seg.start + s.end_char,
          "text": s.text} for s in tags),
        key=lambda h: (h["start"], h["end"], h["rule"]),
    )
    explanation = _explain(vocab, topics, qualified, status, " and ".join(sorted(set(inherited_from))))
    explanation += lead_note
    if decided and model is not None:
        notes = []
        for c in sorted(decided):
            p, reasons = decided[c]
            why = ", ".join(f"{name}{'+' if w > 0 else '-'}" for name, w in reasons)
            notes.append(f"{c} {p:.2f} ({why})")
        explanation += f"; clause model {model.name}: " + "; ".join(notes)
    entry = {
        "id": seg.id, "number": seg.number, "heading_path": list(seg.heading_path),
        "page": seg.page, "paragraph": seg.paragraph, "start": seg.start, "end": seg.end,
        "text": seg.text, "categories": sorted(categories), "topics": topics, "mapping": mapping,
        "status": status, "party": party, "hits": hits, "explanation": explanation,
    }
    return entry, checklist
