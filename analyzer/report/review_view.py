"""What the HTML report, the tables and the memo show of a reviewer's work: corrections,
added clauses and checklist items in words of the interface language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analyzer.report.i18n import Messages
from analyzer.report.labels import category_label, target_short, title
from analyzer.report.review import DocumentReview
from analyzer.report.review_schema import CHECKLIST_STATUSES, vocabulary


def label(kind: str, key: str | None, m: Messages) -> str:
    """Label of a category, status or target id ("" for none)."""
    if not key:
        return ""
    if kind == "category":
        return category_label(key, m.lang)
    if kind == "status":
        return m(f"status.{key}") if m.has(f"status.{key}") else key
    return target_short(key, m)


def options(m: Messages) -> dict[str, list[dict[str, str]]]:
    """The choices of the correction fields (category, status, target), from the taxonomy."""
    return {kind: [{"key": k, "label": label(kind, k, m)} for k in vocabulary()[kind]]
            for kind in ("category", "status", "target")}


def correction_text(correction: Mapping[str, Any] | None, m: Messages) -> str:
    """'catégorie : Sécurité · statut : Exclue' — "" when nothing was corrected."""
    fix = correction or {}
    parts = [m(f"review.fix.{kind}", value=label(kind, str(fix[kind]), m))
             for kind in ("category", "status", "target") if fix.get(kind)]
    return " · ".join(parts)


def added_view(record: Mapping[str, Any], m: Messages) -> dict[str, Any]:
    """One added clause: excerpt, what it is, who added it."""
    what = correction_text(record, m)
    return {"id": record["id"], "clause": record["clause"], "excerpt": record["excerpt"],
            "what": what, "comment": record.get("comment") or "",
            "reviewer": record.get("reviewer") or m("review.unknown_reviewer"),
            "category": record.get("category"), "status": record.get("status"),
            "target": record.get("target")}


def checklist_rows(summary: Mapping[str, Any], review: DocumentReview,
                   m: Messages) -> list[dict[str, Any]]:
    """The mandatory clauses with the tool's status and the reviewer's (if set)."""
    machine = {i["id"]: i["status"] for i in summary["checklist"]}
    rows = []
    for item in vocabulary()["checklist"]:
        rec = review.checklist.get(item) or {}
        tool = machine.get(item, "missing")
        rows.append({
            "id": item, "title": title("checklist", item, m.lang),
            "tool": m(f"check.status.{tool}"), "tool_status": tool,
            "status": rec.get("status") or "", "clause_ref": rec.get("clause_ref") or "",
            "comment": rec.get("comment") or "",
            "state": m("review.ck_state", status=m(f"check.status.{rec['status']}"),
                       who=rec.get("reviewer") or m("review.unknown_reviewer"))
            if rec.get("status") else "",
            "label": m(f"check.status.{rec['status']}") if rec.get("status") else "",
            "reviewer": rec.get("reviewer") or ""})
    return rows


def checklist_choices(m: Messages) -> list[dict[str, str]]:
    """Statuses a reviewer can give a checklist item."""
    return [{"key": s, "label": m(f"check.status.{s}")} for s in CHECKLIST_STATUSES]


def script_data(review: DocumentReview) -> dict[str, Any]:
    """The stored review for the page script: decisions by key, added clauses, checklist items."""
    def public(rec: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
        return {k: rec.get(k) for k in keys if rec.get(k) is not None}

    return {
        "added": {r["id"]: public(r, ("key", "clause", "start", "end", "excerpt", "category",
                                      "status", "target", "comment", "reviewer", "at"))
                  for r in review.added},
        "checklist": {k: public(r, ("status", "clause_ref", "comment", "reviewer", "at"))
                      for k, r in review.checklist.items()},
    }
