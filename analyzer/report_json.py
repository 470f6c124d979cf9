"""The one producer of the JSON report (schema ``hds-analyzer/report/1``): the schema string and
the order of the report's fields live here, and nowhere else is a report dict assembled.

The stages hand typed results (``DocumentInfo``, the ``models.TaggedClause``s,
``mapping.Coverage``, ``check.stage.CheckResult`` with its ``DeclaredCertificate`` and
``Facts``, the segments); ``build_report`` converts them to the plain dict that is written as
``<name>.json``, stored, and rendered (``clause_json``, ``plain``: nowhere else). Field names are an interface
(``docs/report-schema.md``, ``analyzer.schemas``). This module imports no parser, spaCy,
pydantic or Jinja.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from typing import TYPE_CHECKING, Any

from analyzer.models import Segment, TaggedClause

if TYPE_CHECKING:
    from analyzer.check.stage import CheckResult
    from analyzer.mapping import Coverage

REPORT_SCHEMA = "hds-analyzer/report/1"


@dataclass(frozen=True)
class DocumentInfo:
    """The report's ``document``: what was read, in which language, with which rules."""

    path: str
    sha256: str
    format: str
    language: str
    pages: int | None
    ocr_pages: tuple[int, ...]
    warnings: tuple[str, ...]
    rules_version: str

    def as_dict(self) -> dict[str, Any]:
        """The report's ``document`` mapping."""
        return {
            "path": self.path, "sha256": self.sha256, "format": self.format,
            "language": self.language, "pages": self.pages, "ocr_pages": list(self.ocr_pages),
            "warnings": list(self.warnings), "rules_version": self.rules_version,
        }


def segment_entry(s: Segment, glossary: bool) -> dict[str, Any]:
    """A segment as the report's ``segments[]`` entry (its text is a slice of ``text``);
    ``glossary``: it belongs to a definitions section (``tagging.glossary_ids``)."""
    return {"id": s.id, "number": s.number, "heading_path": list(s.heading_path), "page": s.page,
            "paragraph": s.paragraph, "start": s.start, "end": s.end, "kind": s.kind,
            "glossary": glossary}


def plain(value: object) -> Any:
    """A typed result as plain JSON data: a dataclass → a dict of its fields in field order,
    tuples and lists → lists, mappings → dicts; other values as they are."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    return value


def clause_json(c: TaggedClause) -> dict[str, Any]:
    """A tagged clause as the report's ``clauses[]`` entry: the explanation as its text, the
    commitment fields only once ``mentions.apply_commitments`` has set them."""
    entry: dict[str, Any] = {
        "id": c.id, "number": c.number, "heading_path": list(c.heading_path), "page": c.page,
        "paragraph": c.paragraph, "start": c.start, "end": c.end, "text": c.text,
        "categories": list(c.categories), "topics": list(c.topics), "mapping": list(c.mapping),
        "status": c.status, "party": c.party, "hits": plain(c.hits),
        "explanation": c.explanation.text(),
    }
    if c.commitment is not None:
        entry["commitment"] = c.commitment
    if c.commitment == "obligation":
        entry["obligation_mapping"] = list(c.obligation_mapping)
    if c.commitment_reason is not None:
        entry["commitment_reason"] = c.commitment_reason
    return entry


def build_report(document: DocumentInfo, clauses: Sequence[TaggedClause], coverage: Coverage,
                 checked: CheckResult, segments: Sequence[Segment], text: str,
                 glossary: Collection[str] = frozenset()) -> dict[str, Any]:
    """The report of one document, fields in schema order; ``glossary``: the ids of the
    segments of definitions sections."""
    cert = checked.certificate
    return {
        "schema": REPORT_SCHEMA,
        "document": document.as_dict(),
        "clauses": [clause_json(c) for c in clauses],
        "coverage": coverage.as_dict(),
        "certificates_required": cert.required,
        "checklist": [item.as_dict() for item in checked.checklist],
        **({"declared_certificate": plain(cert.declared)} if cert.declared else {}),
        "certificate_gaps": cert.gaps,
        "facts": plain(checked.facts),
        "segments": [segment_entry(s, s.id in glossary) for s in segments],
        "text": text,
        "activity_confidence": checked.activity_confidence,
    }
