"""The index entry of a document: built here only, from its report (the summary the worker
stores next to the report) and from its stored record (what the index, ``files.csv`` and the
tables show)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analyzer.batch.models import IndexEntry, ReportSummary, StoredRecord


def report_summary(report: Mapping[str, Any]) -> ReportSummary:
    """The index fields of a report (kept in the store next to the report itself); the caller
    adds ``json_bytes``, the size of the report file."""
    return ReportSummary(
        language=report["document"]["language"],
        certificates_required=tuple(report["certificates_required"]),
        coverage={t: len(ids) for t, ids in report["coverage"].items()},
        checklist_missing=tuple(c["id"] for c in report["checklist"]
                                if c["status"] != "present"),
        warnings=tuple(report["document"]["warnings"]),
        clauses=len(report["clauses"]),
    )


def entry_of_record(record: StoredRecord, files: Mapping[str, str] | None = None,
                    unchanged: bool = False) -> IndexEntry:
    """The index entry of a stored record; ``files``: its report files present in OUT (``html``,
    ``json`` → file name), known to the writer."""
    summary = record.summary or ReportSummary()
    files = files or {}
    return IndexEntry(
        path=record.path, name=record.name, status=record.status, reason=record.reason or "",
        language=summary.language,
        certificates_required=list(summary.certificates_required),
        coverage=dict(summary.coverage),
        checklist_missing=list(summary.checklist_missing),
        warnings=list(summary.warnings),
        clauses=summary.clauses,
        html=files.get("html"), json=files.get("json"),
        pages=record.pages, chars=record.chars, truncated=record.truncated, type=record.type,
        sha256=record.sha256, size=record.size, seconds=record.seconds, unchanged=unchanged,
    )
