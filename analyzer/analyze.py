"""Analyse one document: the orchestrator of the stages.

extract (``analyzer.extract``) → segment (``analyzer.segment``) → tag and qualify
(``analyzer.tagging``, ``analyzer.qualify``, ``analyzer.mentions``) → map (``analyzer.mapping``)
→ check (``analyzer.check``) → the report dict (``analyzer.report_json``). This module only
strings them together; it computes nothing of its own but the rules version.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from analyzer.check.stage import run_checks
from analyzer.extract import extract, file_sha256
from analyzer.language import SUPPORTED_LANGUAGES, detect_language
from analyzer.learned import model_for
from analyzer.mapping import map_clauses
from analyzer.mentions import Commitment, apply_commitments, classify, load_mentions
from analyzer.models import ExtractedDocument, Segment, TaggedClause
from analyzer.nlp import cached_pipeline
from analyzer.qualify import Vocabulary, document_aliases
from analyzer.report_json import DocumentInfo, build_report
from analyzer.resources import default_patterns_dir, patterns_fingerprint
from analyzer.rules import RuleSet, load_rules
from analyzer.segment import segment
from analyzer.tagging import clause_contexts, glossary_ids, tag_clause


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
    patterns = patterns_dir or default_patterns_dir()
    prepared = prepare(extracted, lang=lang, patterns_dir=patterns_dir)
    ruleset = prepared.vocab.ruleset
    tagged, evidence, commitments = tag_document(prepared, patterns)
    mapped, coverage = map_clauses(tagged, ruleset)
    clauses = apply_commitments(mapped, commitments, ruleset.taxonomy)
    checked = run_checks(clauses, prepared.segments, evidence, ruleset, patterns)
    document = DocumentInfo(
        path=display_path or extracted.path, sha256=sha256, format=extracted.format,
        language=prepared.language, pages=extracted.pages,
        ocr_pages=tuple(extracted.ocr_pages), warnings=tuple(extracted.warnings),
        rules_version=rules_version(patterns),
    )
    return build_report(document, clauses, coverage, checked, prepared.segments, prepared.text,
                        glossary_ids(prepared.segments, prepared.docs, ruleset))


def tag_document(prepared: Prepared, patterns_dir: Path) -> tuple[
        list[TaggedClause], dict[str, list[tuple[str, str]]], dict[str, Commitment]]:
    """The Tag and Qualify stages: the tagged clauses, the checklist evidence of every clause
    (item id → (clause id, status)) and the commitment of each tagged clause (by id)."""
    clauses: list[TaggedClause] = []
    evidence: dict[str, list[tuple[str, str]]] = defaultdict(list)
    commitments: dict[str, Commitment] = {}
    vocab = prepared.vocab
    model = model_for(patterns_dir)
    mentions = load_mentions(patterns_dir, prepared.language)
    for ctx in clause_contexts(prepared.segments, prepared.docs, vocab):
        clause, checks = tag_clause(ctx, vocab, model)
        if clause:
            clauses.append(clause)
            commitments[clause.id] = classify(clause, ctx, vocab, mentions)
        for check_id, status in checks:
            evidence[check_id].append((ctx.seg.id, status))
    return clauses, evidence, commitments


@lru_cache(maxsize=8)
def rules_version(patterns_dir: Path) -> str:
    """The rules version of the reports (first 12 digits of ``resources.patterns_fingerprint``:
    reports from other rules are not comparable), read once per process, as the rules are."""
    return patterns_fingerprint(patterns_dir)[:12]


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
