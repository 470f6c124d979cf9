"""The index entry of a document: built here only, from its report (the summary the worker
stores next to the report) and from its stored record (what the index, ``files.csv`` and the
tables show)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


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


def entry_of_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """The index entry of a stored record (keys of ``analyzer.report.html.render_index``);
    ``html`` and ``json`` are filled by the writer once it knows which files are in OUT."""
    summary = record.get("entry") or {}
    return {
        "path": record["path"], "name": record["name"], "status": record["status"],
        "reason": record.get("reason") or "",
        "language": summary.get("language"),
        "certificates_required": summary.get("certificates_required", []),
        "coverage": summary.get("coverage", {}),
        "checklist_missing": summary.get("checklist_missing", []),
        "warnings": summary.get("warnings", []),
        "clauses": summary.get("clauses", 0),
        "html": None, "json": None,
        "pages": record.get("pages"), "chars": record.get("chars"),
        "truncated": bool(record.get("truncated")), "type": record.get("type"),
        "sha256": record.get("sha256"), "size": record.get("size"),
        "seconds": record.get("seconds"),
    }
