"""Analyse one document: extract, segment, tag, qualify, map, check, facts → report dict."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from analyzer.certificate import certificate_gaps, declared_certificate
from analyzer.extract import extract, file_sha256
from analyzer.facts import extract_facts, load_locations
from analyzer.language import SUPPORTED_LANGUAGES, detect_language
from analyzer.models import ExtractedDocument, Segment
from analyzer.nlp import HITS_KEY, cached_pipeline
from analyzer.qualify import (
    Qualified,
    clause_status,
    is_list_item,
    lead_in_qualifier,
    opens_with_definition,
    qualify_hit,
    resolve_availability_layer,
    select_tags,
)
from analyzer.resources import default_patterns_dir
from analyzer.rules import RuleSet, load_rules
from analyzer.segment import segment
from analyzer.taxonomy import CHECKLIST_IDS, MAPPING_TARGETS

REPORT_SCHEMA = "hds-analyzer/report/1"
SPECIAL = ("checklist", "context")


@lru_cache(maxsize=8)
def get_ruleset(patterns_dir: Path, lang: str) -> RuleSet:
    """Load (once per process) the validated rule set of one language."""
    return load_rules(patterns_dir, lang)


def _explain(ruleset: RuleSet, topics: list[str], qualified: list[Qualified], status: str) -> str:
    parts = [f"{q.span.id_} «{q.span.text}»" for q in qualified]
    targets = sorted({t for topic in topics for t in ruleset.taxonomy.mapping_for(topic)})
    text = f"Matched {', '.join(parts)}; topics {', '.join(topics)} → {', '.join(targets)}"
    cues = sorted({c for q in qualified if q.status == status for c in q.cues})
    if status == "definition":
        text += "; glossary definition, not counted as coverage"
    elif status == "excluded":
        text += f"; excluded by «{'», «'.join(cues)}»" if cues else "; excluded"
    elif status == "conditional":
        text += f"; conditional on «{'», «'.join(cues)}»"
    return text


def _tag_clause(
    seg: Segment, doc: Doc, ruleset: RuleSet, in_definitions: bool
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """Return the clause's report entry (None when untagged) and its checklist evidence."""
    spans = list(doc.spans[HITS_KEY])
    cues = [s for s in spans if s.label_ == "context"]
    tags = select_tags([s for s in spans if s.label_ not in SPECIAL], ruleset)
    checklist: list[tuple[str, str]] = []
    for s in spans:
        if s.label_ == "checklist":
            q = qualify_hit(s, cues, ruleset)
            checklist.append((ruleset.by_id[s.id_].rule.item or "", q.status))
    if not tags:
        return None, checklist
    qualified = [qualify_hit(s, cues, ruleset) for s in tags]
    if in_definitions or opens_with_definition(cues, ruleset):
        status, party = "definition", "provider"
    else:
        status, party = clause_status(qualified)
    topics = sorted({ruleset.by_id[s.id_].topic_key or "" for s in tags})
    mapping = sorted(
        {t for topic in topics for t in ruleset.taxonomy.mapping_for(topic)},
        key=MAPPING_TARGETS.index,
    )
    hits = sorted(
        (
            {"rule": s.id_, "start": seg.start + s.start_char, "end": seg.start + s.end_char,
             "text": s.text}
            for s in tags
        ),
        key=lambda h: (h["start"], h["end"], h["rule"]),
    )
    entry = {
        "id": seg.id, "number": seg.number, "heading_path": list(seg.heading_path),
        "page": seg.page, "paragraph": seg.paragraph, "start": seg.start, "end": seg.end,
        "text": seg.text,
        "categories": sorted({s.label_ for s in tags}), "topics": topics, "mapping": mapping,
        "status": status, "party": party, "hits": hits,
        "explanation": _explain(ruleset, topics, qualified, status),
    }
    return entry, checklist


def analyze_extracted(
    extracted: ExtractedDocument,
    *,
    lang: str = "auto",
    patterns_dir: Path | None = None,
    sha256: str = "",
    display_path: str | None = None,
) -> dict[str, Any]:
    """Analyse an extracted document and return its report (schema ``hds-analyzer/report/1``)."""
    text, segments = segment(extracted)
    language = detect_language(text) if lang == "auto" else lang
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    ruleset = get_ruleset(patterns_dir or default_patterns_dir(), language)
    nlp = cached_pipeline(ruleset)
    definition_headings: set[str] = set()
    clauses: list[dict[str, Any]] = []
    evidence: dict[str, list[tuple[str, str]]] = defaultdict(list)
    lead: Qualified | None = None  # what a lead-in ending in ":" passes to the items below it
    docs = nlp.pipe(seg.text for seg in segments)
    for seg, doc in zip(segments, docs, strict=True):
        if seg.kind == "heading":
            lead = None
            cues = [s for s in doc.spans[HITS_KEY] if s.label_ == "context"]
            if any(ruleset.by_id[c.id_].rule.qualifier == "definition" for c in cues):
                definition_headings.add(seg.id)
            continue
        heading_ids = _heading_ids(seg, segments)
        entry, checks = _tag_clause(seg, doc, ruleset, bool(heading_ids & definition_headings))
        if is_list_item(seg.text):
            if entry and lead and entry["status"] == "included":
                entry["status"], entry["party"] = lead.status, lead.party
                entry["explanation"] += f"; {lead.status} by the lead-in «{', '.join(lead.cues)}»"
        else:
            lead = lead_in_qualifier(seg.text, doc, ruleset)
        if entry:
            clauses.append(entry)
        for item, status in checks:
            evidence[item].append((seg.id, status))
    resolve_availability_layer(clauses, ruleset)
    coverage: dict[str, list[str]] = {t: [] for t in MAPPING_TARGETS}
    for c in clauses:
        if c["status"] in ("included", "conditional"):
            for target in c["mapping"]:
                coverage[target].append(c["id"])
    covered = [t for t, ids in coverage.items() if ids]
    declared = declared_certificate((s.id, s.text) for s in segments if s.kind != "heading")
    return {
        "schema": REPORT_SCHEMA,
        "document": {
            "path": display_path or extracted.path, "sha256": sha256, "format": extracted.format,
            "language": language, "pages": extracted.pages, "ocr_pages": list(extracted.ocr_pages),
            "warnings": list(extracted.warnings), "rules_version": rules_version(ruleset),
        },
        "clauses": clauses,
        "coverage": coverage,
        "certificates_required": ruleset.taxonomy.certificates_for(covered),
        "checklist": _checklist(evidence),
        **({"declared_certificate": declared} if declared else {}),
        "certificate_gaps": certificate_gaps(declared, coverage),
        "facts": extract_facts(
            clauses, load_locations(patterns_dir or default_patterns_dir()),
            ((s.id, s.text, tuple(s.heading_path)) for s in segments if s.kind != "heading"),
        ),
        "segments": [
            {"id": s.id, "number": s.number, "heading_path": list(s.heading_path), "page": s.page,
             "paragraph": s.paragraph, "start": s.start, "end": s.end, "kind": s.kind,
             "glossary": s.glossary}
            for s in segments
        ],
        "text": text,
    }


def _heading_ids(seg: Segment, segments: list[Segment]) -> set[str]:
    """Ids of the headings above a clause (the nearest preceding heading of each path entry)."""
    wanted = set(seg.heading_path)
    found: set[str] = set()
    index = int(seg.id[1:]) - 1
    for other in reversed(segments[:index]):
        if other.kind == "heading" and other.text in wanted and other.text not in found:
            found.add(other.id)
            wanted.discard(other.text)
            if not wanted:
                break
    return found


def _checklist(evidence: dict[str, list[tuple[str, str]]]) -> list[dict[str, Any]]:
    items = []
    for item in CHECKLIST_IDS:
        found = evidence.get(item, [])
        present = sorted({cid for cid, st in found if st != "excluded"})
        excluded = sorted({cid for cid, st in found if st == "excluded"})
        if present:
            items.append({"id": item, "status": "present", "clauses": present})
        elif excluded:
            items.append({"id": item, "status": "excluded", "clauses": excluded})
        else:
            items.append({"id": item, "status": "missing", "clauses": []})
    return items


def rules_version(ruleset: RuleSet) -> str:
    """A short hash of the rule files and taxonomy: reports from other rules are not comparable."""
    h = hashlib.sha256()
    for source in sorted({info.source for info in ruleset.by_id.values()}):
        h.update(Path(source).read_bytes())
    h.update(ruleset.taxonomy.model_dump_json().encode())
    return h.hexdigest()[:12]


def analyze_file(
    path: Path, *, lang: str = "auto", patterns_dir: Path | None = None,
    display_path: str | None = None, ocr: str = "auto", pdf_engine: str = "auto",
) -> dict[str, Any]:
    """Extract and analyse one file (see ``analyzer.extract.extract`` for ``ocr``/``pdf_engine``).

    Raises:
        ExtractionError: the file cannot be read.
    """
    extracted = extract(path, ocr=ocr, pdf_engine=pdf_engine)
    return analyze_extracted(
        extracted, lang=lang, patterns_dir=patterns_dir, sha256=file_sha256(path),
        display_path=display_path,
    )
