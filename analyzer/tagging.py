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

from spacy.tokens import Doc, Span

from analyzer.explanation import Explanation, ModelNote, PassedStatus
from analyzer.learned import ClauseModel, ClauseView
from analyzer.models import Hit, Segment, TaggedClause
from analyzer.nlp import HITS_KEY, hits_across
from analyzer.qualify import (
    MatrixStatus,
    Qualified,
    Vocabulary,
    clause_qualifier,
    clause_status,
    commits,
    describes,
    is_list_item,
    is_weak,
    lead_in_qualifier,
    matrix_status,
    opens_with_definition,
    prefilter_tags,
    qualify_hit,
    select_tags,
    sentence_subject,
    weak_in_context,
)
from analyzer.rules import RuleSet
from analyzer.taxonomy import MAPPING_TARGETS

SPECIAL = ("checklist", "context")
Decision = tuple[float, list[tuple[str, float]]]  # a category's probability and signed reasons


@dataclass(frozen=True)
class ClauseContext:
    """A clause with what the stage knows of it."""

    seg: Segment
    doc: Doc
    view: ClauseView
    lead: Qualified | None  # the qualification a committing lead-in passes to a list item
    section: Qualified | None = None  # the condition or exclusion its heading states
    lead_doc: Doc | None = None  # a list item's lead-in sentence (ending in ":"), read before it


@dataclass(frozen=True)
class _LeadIn:
    """A clause ending in ":", as the items of the list below it read it: its doc, whether it
    commits a party, and the categories (with topics) of its hits."""

    doc: Doc
    commits: bool
    categories: dict[str, frozenset[str]]


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
    lead_in: _LeadIn | None = None  # the last clause, when it ends in ":" (a list follows)
    by_id = {s.id: i for i, s in enumerate(segments)}
    for seg, doc in zip(segments, docs, strict=True):
        spans = list(doc.spans[HITS_KEY])
        tagging = [s for s in spans if s.label_ not in SPECIAL]
        if seg.kind == "heading":
            lead, lead_in = None, None
            if opens_definitions(doc, ruleset):
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
        item_of = lead_in if list_item else None
        candidates = prefilter_tags(tagging, vocab)
        committed = commits(doc, vocab) or bool(item_of and item_of.commits)
        selected = select_tags(tagging, vocab, True if item_of and item_of.commits else None)
        subject = sentence_subject(doc[:], len(doc), vocab)
        view = ClauseView(
            doc=doc, hits=tuple(candidates),
            strong=frozenset(s.label_ for s in selected),
            heading=inherited, lead=item_of.categories if item_of else {},
            heading_words=heading_words.get(nearest, ()) if nearest else (),
            committed=committed, describes=describes(doc, vocab),
            client_subject=bool(subject and subject[0] == "client"),
            list_item=list_item, in_definitions=bool(above & definition_headings),
            parent_words=heading_words.get(parent, ()) if parent else (),
        )
        scoped = [h for h in ordered if h in heading_scope]
        yield ClauseContext(seg, doc, view, lead if list_item else None,
                            heading_scope[scoped[-1]] if scoped else None,
                            item_of.doc if item_of else None)
        if not list_item:
            lead = lead_in_qualifier(seg.text, doc, vocab)
            lead_in = _LeadIn(doc, commits(doc, vocab), _categories_topics(candidates, vocab)) \
                if seg.text.rstrip().endswith(":") else None


def opens_definitions(heading: Doc, ruleset: RuleSet) -> bool:
    """Whether a heading opens a definitions section ("Article 1 – Définitions", "Glossary"):
    a context cue of the rules with qualifier ``definition`` (``<lang>.context.definition``)."""
    return any(ruleset.by_id[c.id_].rule.qualifier == "definition"
               for c in heading.spans[HITS_KEY] if c.label_ == "context")


def glossary_ids(segments: list[Segment], docs: list[Doc], ruleset: RuleSet) -> frozenset[str]:
    """The segments of definitions sections: each heading that opens one, and every segment
    under it (the report's ``segments[].glossary``; the same sections in which
    ``clause_contexts`` marks clauses ``in_definitions``)."""
    heads = {seg.id for seg, doc in zip(segments, docs, strict=True)
             if seg.kind == "heading" and opens_definitions(doc, ruleset)}
    if not heads:
        return frozenset()
    by_id = {s.id: i for i, s in enumerate(segments)}
    return frozenset(heads | {seg.id for seg in segments
                              if seg.heading_path and _heading_ids(seg, segments, by_id) & heads})


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


def _decide(view: ClauseView, model: ClauseModel | None) -> dict[str, Decision]:
    """The model's decided categories (empty without a model), as the clause allows them."""
    if model is None:
        return {}
    decided = model.decide(view)
    if view.describes and not view.committed:
        # the existing system or context, told without binding anyone: only strong hits
        decided = {c: d for c, d in decided.items() if c in view.strong}
    if not (view.committed or view.list_item):
        # a category from the heading alone needs a clause that binds someone (not a title)
        own = {s.label_ for s in view.hits}
        decided = {c: d for c, d in decided.items() if c in own}
    return decided


def _category_hits(categories: set[str], view: ClauseView, vocab: Vocabulary) -> list[Span]:
    """Per category its strong hits, else its weak ones."""
    tags = []
    for c in sorted(categories):
        cat_hits = [s for s in view.hits if s.label_ == c]
        strong = [s for s in cat_hits if not is_weak(s, vocab)]
        if strong:  # the category stands: the weak rules' hits that the clause does not weaken
            # say more of it ("héberge les données … sur ses serveurs physiques": A2 too)
            strong += [s for s in cat_hits if vocab.ruleset.by_id[s.id_].rule.strength == "weak"
                       and not weak_in_context(s, vocab)]
        tags += strong or cat_hits
    return tags


def _topics(categories: set[str], tags: list[Span], view: ClauseView,
            vocab: Vocabulary) -> tuple[list[str], str]:
    """The clause's topics, and where the categories without a hit of their own came from."""
    topics_by_cat: dict[str, set[str]] = defaultdict(set)
    for s in tags:
        topics_by_cat[s.label_].add(vocab.topic_of(s.id_))
    inherited_from = []
    for c in categories - set(topics_by_cat):
        source = view.lead.get(c) or view.heading.get(c) or frozenset()
        topics_by_cat[c].update(source)
        inherited_from.append("the lead-in" if c in view.lead else "the heading")
    topics = sorted({t for ts in topics_by_cat.values() for t in ts if t})
    return topics, " and ".join(sorted(set(inherited_from)))


def _status(ctx: ClauseContext, cues: list[Span], qualified: list[Qualified],
            vocab: Vocabulary, matrix: MatrixStatus | None) -> tuple[str, str, PassedStatus | None]:
    """Status and party of the clause, and the status its responsibility matrix, lead-in or
    heading passed to it.

    A table row of a responsibility matrix whose R sits in one party's column only takes that
    party's status ("Rôle Client: RA": excluded), before the words of the row, a definitions
    heading above it or its lead-in; an option cue of a row the provider performs ("S'ils sont
    souscrits : …") still makes it conditional."""
    if matrix is not None:
        status, party = clause_status(qualified)
        if matrix.status == "included" and status == "conditional":
            return status, party, None
        return matrix.status, matrix.party, PassedStatus(
            "the responsibility matrix", matrix.status, matrix.cues)
    if ctx.view.in_definitions or opens_with_definition(cues, vocab):
        return "definition", "provider", None
    status, party = clause_status(qualified)
    if status != "included":
        return status, party, None
    for source, by in (("the lead-in", ctx.lead), ("its heading", ctx.section)):
        if by is not None:
            return by.status, by.party, PassedStatus(source, by.status, by.cues)
    return status, party, None


def _explanation(tagged: _Tagged, vocab: Vocabulary, model: ClauseModel | None,
                 decided: dict[str, Decision]) -> Explanation:
    ruleset = vocab.ruleset
    notes = tuple(ModelNote(c, decided[c][0], tuple(decided[c][1])) for c in sorted(decided)) \
        if model is not None else ()
    return Explanation(
        matched=tuple((q.span.id_, q.span.text) for q in tagged.qualified
                      if q.span.id_ in ruleset.by_id and q.span.label_ not in SPECIAL),
        inherited_from=tagged.inherited_from, topics=tuple(tagged.topics),
        targets=tuple(sorted({t for topic in tagged.topics
                              for t in ruleset.taxonomy.mapping_for(topic)})),
        status=tagged.status,
        cues=tuple(sorted({c for q in tagged.qualified if q.status == tagged.status
                           for c in q.cues})),
        passed=tagged.passed, model_name=model.name if model is not None else None,
        model_notes=notes,
    )


@dataclass(frozen=True)
class _Tagged:
    """What the stage decided of a tagged clause."""

    tags: list[Span]
    topics: list[str]
    inherited_from: str
    qualified: list[Qualified]
    status: str
    party: str
    passed: PassedStatus | None


def _asks(ctx: ClauseContext) -> bool:
    """A question ("Des activités sont-elles sous-traitées ?", a questionnaire's item) names a
    checklist subject without the contract providing it: it is no checklist evidence."""
    return ctx.seg.text.rstrip().endswith("?")


def tag_clause(ctx: ClauseContext, vocab: Vocabulary,
               model: ClauseModel | None) -> tuple[TaggedClause | None, list[tuple[str, str]]]:
    """The tagged clause (None when untagged) and its checklist evidence."""
    seg, doc, view = ctx.seg, ctx.doc, ctx.view
    ruleset = vocab.ruleset
    spans = list(doc.spans[HITS_KEY])
    cues = [s for s in spans if s.label_ == "context"]
    matrix = matrix_status(seg, vocab)
    evidence = [s for s in spans if s.label_ == "checklist"]
    if ctx.lead_doc is not None:  # "… stockées et hébergées :" then "En France ;"
        evidence += hits_across(ctx.lead_doc, doc, ruleset, "checklist")
    # a row that a responsibility matrix gives the client is the client's evidence too
    checklist = [] if _asks(ctx) else [
        (ruleset.by_id[s.id_].rule.item or "",
         "excluded" if matrix and matrix.status == "excluded" else qualify_hit(s, cues, vocab).status)
        for s in evidence]
    decided = _decide(view, model)
    categories = set(view.strong) if model is None else set(decided)
    if not categories:
        return None, checklist
    tags = _category_hits(categories, view, vocab)
    topics, inherited_from = _topics(categories, tags, view, vocab)
    qualified = [qualify_hit(s, cues, vocab) for s in tags] or [clause_qualifier(doc, cues, vocab)]
    status, party, passed = _status(ctx, cues, qualified, vocab, matrix)
    tagged = _Tagged(tags, topics, inherited_from, qualified, status, party, passed)
    mapping = sorted({t for topic in topics for t in ruleset.taxonomy.mapping_for(topic)},
                     key=MAPPING_TARGETS.index)
    hits = sorted((Hit(s.id_, seg.start + s.start_char, seg.start + s.end_char, s.text)
                   for s in tags), key=lambda h: (h.start, h.end, h.rule))
    clause = TaggedClause(
        id=seg.id, number=seg.number, heading_path=tuple(seg.heading_path), page=seg.page,
        paragraph=seg.paragraph, start=seg.start, end=seg.end, text=seg.text,
        categories=tuple(sorted(categories)), topics=tuple(topics), mapping=tuple(mapping),
        status=status, party=party, hits=tuple(hits),
        explanation=_explanation(tagged, vocab, model, decided),
    )
    return clause, checklist
