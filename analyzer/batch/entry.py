"""The index entry of a document: built here only, from its report (the summary the worker
stores next to the report) and from its stored record (what the index, ``files.csv`` and the
tables show)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analyzer.batch.models import IndexEntry


def report_summary(report: Mapping[str, Any]) -> dict[str, Any]:
    """The index fields of a report (kept in the store next to the report itself)."""
    return {
        "language": report["document"]["language"],
        "certificates_required": report["certificates_required"],
        "coverage": {t: len(ids) for t, ids in report["coverage"].items()},
        "checklist_missing": [c["id"] for c in report["checklist"] if c["status"] != "present"],
        "warnings": report["document"]["warnings"],
        "clauses": len(report["clauses"]),
    }


def entry_of_record(record: Mapping[str, Any], files: Mapping[str, str] | None = None,
                    unchanged: bool = False) -> IndexEntry:
    """The index entry of a stored record; ``files``: its report files present in OUT (``html``,
    ``json`` → file name), known to the writer."""
    summary = record.get("entry") or {}
    files = files or {}
    return IndexEntry(
        path=record["path"], name=record["name"], status=record["status"],
        reason=record.get("reason") or "",
        language=summary.get("language"),
        certificates_required=summary.get("certificates_required", []),
        coverage=summary.get("coverage", {}),
        checklist_missing=summary.get("checklist_missing", []),
        warnings=summary.get("warnings", []),
        clauses=summary.get("clauses", 0),
        html=files.get("html"), json=files.get("json"),
        pages=record.get("pages"), chars=record.get("chars"),
        truncated=bool(record.get("truncated")), type=record.get("type"),
        sha256=record.get("sha256"), size=record.get("size"),
        seconds=record.get("seconds"), unchanged=unchanged,
    )
