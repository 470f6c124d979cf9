"""The one producer of the JSON report (schema ``hds-analyzer/report/1``): the schema string and
the order of the report's fields live here, and nowhere else is a report dict assembled.

The stages hand typed results (``DocumentInfo``, ``mapping.Coverage``,
``check.stage.CheckResult``, the segments); ``build_report`` converts them to the plain dict
that is written as ``<name>.json``, stored, and rendered. Field names are an interface
(``docs/report-schema.md``, ``analyzer.schemas``). This module imports no parser, spaCy,
pydantic or Jinja.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from analyzer.models import Segment

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


def build_report(document: DocumentInfo, clauses: list[dict[str, Any]], coverage: Coverage,
                 checked: CheckResult, segments: Sequence[Segment], text: str,
                 glossary: Collection[str] = frozenset()) -> dict[str, Any]:
    """The report of one document, fields in schema order; ``glossary``: the ids of the
    segments of definitions sections."""
    cert = checked.certificate
    return {
        "schema": REPORT_SCHEMA,
        "document": document.as_dict(),
        "clauses": clauses,
        "coverage": coverage.as_dict(),
        "certificates_required": cert.required,
        "checklist": [item.as_dict() for item in checked.checklist],
        **({"declared_certificate": cert.declared} if cert.declared else {}),
        "certificate_gaps": cert.gaps,
        "facts": checked.facts,
        "segments": [segment_entry(s, s.id in glossary) for s in segments],
        "text": text,
        "activity_confidence": checked.activity_confidence,
    }
