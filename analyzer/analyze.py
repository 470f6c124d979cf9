"""Analyse one document: extract, segment, tag, qualify, map, check, facts → report dict."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from analyzer.certificate import certificate_gaps, declared_certificate, obligation_coverage
from analyzer.extract import extract, file_sha256
from analyzer.facts import extract_facts, load_fact_vocabulary, load_locations
from analyzer.language import SUPPORTED_LANGUAGES, detect_language
from analyzer.learned import model_for
from analyzer.mentions import Commitment, apply_commitments, classify, load_mentions
from analyzer.models import ExtractedDocument, Segment
from analyzer.nlp import cached_pipeline
from analyzer.qualify import Vocabulary, document_aliases, resolve_availability_layer
from analyzer.report.verdict import activity_confidence
from analyzer.resources import default_patterns_dir
from analyzer.rules import RuleSet, load_rules
from analyzer.segment import segment
from analyzer.tagging import clause_contexts, tag_clause
from analyzer.taxonomy import CHECKLIST_IDS, MAPPING_TARGETS

REPORT_SCHEMA = "hds-analyzer/report/1"
SPECIAL = ("checklist", "context")


@lru_cache(maxsize=8)
def get_ruleset(patterns_dir: Path, lang: str) -> RuleSet:
    """Load (once per process) the validated rule set of one language."""
    return load_rules(patterns_dir, lang)


@dataclass(frozen=True)
class Prepared:
    """A document segmented, in its language, run through the pipeline, with its vocabulary."""

    text: str
    segments: list[Segment]
    language: str
    docs: list[Doc]
    vocab: Vocabulary


def prepare(extracted: ExtractedDocument, *, lang: str = "auto",
            patterns_dir: Path | None = None) -> Prepared:
    """Segment, detect the language, run the tagging pipeline, read the contract's party names."""
    text, segments = segment(extracted)
    language = detect_language(text) if lang == "auto" else lang
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    ruleset = get_ruleset(patterns_dir or default_patterns_dir(), language)
    docs = list(cached_pipeline(ruleset).pipe(seg.text for seg in segments))
    return Prepared(text, segments, language, docs,
                    Vocabulary.of(ruleset, document_aliases(docs, ruleset)))


def analyze_extracted(
    extracted: ExtractedDocument,
    *,
    lang: str = "auto",
    patterns_dir: Path | None = None,
    sha256: str = "",
    display_path: str | None = None,
) -> dict[str, Any]:
    """Analyse an extracted document and return its report (schema ``hds-analyzer/report/1``)."""
    prepared = prepare(extracted, lang=lang, patterns_dir=patterns_dir)
    text, segments, language, ruleset = (prepared.text, prepared.segments, prepared.language,
                                         prepared.vocab.ruleset)
    clauses: list[dict[str, Any]] = []
    evidence: dict[str, list[tuple[str, str]]] = defaultdict(list)
    docs, vocab = prepared.docs, prepared.vocab
    model = model_for(patterns_dir or default_patterns_dir())
    mentions = load_mentions(patterns_dir or default_patterns_dir(), language)
    commitments: dict[str, Commitment] = {}
    for ctx in clause_contexts(segments, docs, vocab):
        entry, checks = tag_clause(ctx, vocab, model)
        if entry:
            clauses.append(entry)
            commitments[entry["id"]] = classify(entry, ctx, vocab, mentions)
        for check_id, status in checks:
            evidence[check_id].append((ctx.seg.id, status))
    resolve_availability_layer(clauses, ruleset)
    apply_commitments(clauses, commitments, ruleset.taxonomy)
    coverage: dict[str, list[str]] = {t: [] for t in MAPPING_TARGETS}
    for c in clauses:
        if c["status"] in ("included", "conditional"):
            for target in c["mapping"]:
                coverage[target].append(c["id"])
    declared = declared_certificate((s.id, s.text) for s in segments if s.kind != "heading")
    obliged = obligation_coverage(clauses, declared["clauses"] if declared else ())
    report = {
        "schema": REPORT_SCHEMA,
        "document": {
            "path": display_path or extracted.path, "sha256": sha256, "format": extracted.format,
            "language": language, "pages": extracted.pages, "ocr_pages": list(extracted.ocr_pages),
            "warnings": list(extracted.warnings), "rules_version": rules_version(ruleset),
        },
        "clauses": clauses,
        "coverage": coverage,
        "certificates_required": ruleset.taxonomy.certificates_for(
            t for t, ids in obliged.items() if ids),
        "checklist": _checklist(evidence),
        **({"declared_certificate": declared} if declared else {}),
        "certificate_gaps": certificate_gaps(declared, obliged),
        "facts": extract_facts(
            clauses, load_locations(patterns_dir or default_patterns_dir()),
            ((s.id, s.text, tuple(s.heading_path)) for s in segments if s.kind != "heading"),
            load_fact_vocabulary(patterns_dir or default_patterns_dir(), language),
        ),
        "segments": [
            {"id": s.id, "number": s.number, "heading_path": list(s.heading_path), "page": s.page,
             "paragraph": s.paragraph, "start": s.start, "end": s.end, "kind": s.kind,
             "glossary": s.glossary}
            for s in segments
        ],
        "text": text,
    }
    report["activity_confidence"] = activity_confidence(report)
    return report


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
