"""The rows of the batch tables (``analyzer.report.tables`` writes them): one per tagged
clause (``FINDING_COLUMNS``), one per input (``CONTRACT_COLUMNS``), one per document's
mandatory clauses (``checklist_row``), in the interface language, with the titles of the run's
taxonomy when the caller passes it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from analyzer.check.activities import ActivityVerdict
from analyzer.report.explain import plain_explanation
from analyzer.report.i18n import Messages, ReportOptions, resolve
from analyzer.report.labels import certificate_label, format_date, target_short, title
from analyzer.report.review import DocumentReview, as_review, clause_key
from analyzer.statuses import ANALYSED, OK
from analyzer.taxonomy_facts import TaxonomyFacts, default_facts

TARGETS: tuple[str, ...] = default_facts().targets  # read with PyYAML: this runs in the parent
FINDING_COLUMNS: tuple[str, ...] = (
    "document", "clause_id", "number", "heading_path", "page", "status", "party", "categories",
    "topics", "mapping", "rules", "matched", "explanation", "text",
    "review_decision", "review_comment", "reviewer", "reviewed_at",
    "review_category", "review_status", "review_target", "review_origin",
)
CONTRACT_COLUMNS: tuple[str, ...] = (
    "document", "status", "reason", "language", "findings", *TARGETS, "activities",
    "certificates_required",
    "declared_certificate", "certificate_gaps", "certificate_expiry", "checklist_gaps",
    "checklist_gap_items",
    "warnings", "report",
)


def _join(values: Iterable[Any], sep: str = "; ") -> str:
    return sep.join(str(v) for v in values if v is not None and v != "")


def _m(m: Messages | None) -> Messages:
    return m if m is not None else resolve().m


def _review_cells(d: Mapping[str, Any], m: Messages, origin: str) -> dict[str, Any]:
    """The reviewer columns of a row: decision, comment, who, when, corrections, origin."""
    from analyzer.report.review_view import label

    decision = str(d.get("decision") or "")
    fix = d.get("correction") or {}
    return {
        "review_decision": m("review.table.added") if decision == "added"
        else m(f"table.decision.{decision}") if m.has(f"table.decision.{decision}")
        else decision,
        "review_comment": d.get("comment") or "",
        "reviewer": d.get("reviewer") or "", "reviewed_at": d.get("at") or "",
        **{f"review_{k}": label(k, fix.get(k), m) for k in ("category", "status", "target")},
        "review_origin": m(f"review.origin.{origin}"),
    }


def _added_rows(report: Mapping[str, Any], review: DocumentReview,
                m: Messages) -> Iterator[dict[str, Any]]:
    """Rows of the clauses the reviewer added (the tool's columns left empty)."""
    segments = {str(s.get("id")): s for s in report.get("segments") or []
                if isinstance(s, Mapping)}
    for a in review.added:
        seg = segments.get(str(a["clause"]), {})
        number = seg.get("number")
        yield {
            "document": report["document"]["path"], "clause_id": a["clause"],
            "number": number or "", "heading_path": _join(seg.get("heading_path") or [], " > "),
            "page": seg.get("page") if seg.get("page") is not None else "",
            "status": "", "party": "", "categories": "", "topics": "", "mapping": "",
            "rules": "", "matched": "", "explanation": "", "text": a["excerpt"],
            **_review_cells({**a, "decision": "added", "correction": a}, m, "added"),
        }


def finding_rows(
    report: Mapping[str, Any],
    decisions: Mapping[str, Mapping[str, Any]] | DocumentReview | None = None,
    m: Messages | None = None,
    tax: TaxonomyFacts | None = None,
) -> Iterator[dict[str, Any]]:
    """One row per tagged clause of a report (columns ``FINDING_COLUMNS``), in the interface
    language: statuses, parties, categories, topics and decisions are words, ``explanation`` is
    the plain-language explanation (the rule ids stay in ``rules``). The reviewer's decisions
    and corrections fill the review columns; the clauses the reviewer added follow, as rows
    whose ``review_origin`` says so. ``tax``: the run's taxonomy (its titles; default: the
    shipped one)."""
    m = _m(m)
    review = as_review(decisions)
    path = report["document"]["path"]
    for c in report.get("clauses", []):
        d = review.decisions.get(clause_key(c["id"], c.get("text", ""))) or {}
        status = str(c.get("status", ""))
        party = str(c.get("party") or "")
        yield {
            "document": path, "clause_id": c["id"], "number": c.get("number") or "",
            "heading_path": _join(c.get("heading_path", []), " > "),
            "page": c.get("page") if c.get("page") is not None else "",
            "status": m(f"status.{status}") if m.has(f"status.{status}") else status,
            "party": m(f"party.{party}") if m.has(f"party.{party}") else party,
            "categories": _join((title("categories", str(x), m.lang, tax)
                                 for x in c.get("categories", [])), ", "),
            "topics": _join((title("topics", str(x), m.lang, tax) for x in c.get("topics", [])),
                            ", "),
            "mapping": _join((target_short(str(x), m) for x in c.get("mapping", [])), ", "),
            "rules": _join(sorted({h.get("rule", "") for h in c.get("hits", [])}), ", "),
            "matched": _join(dict.fromkeys(h.get("text", "") for h in c.get("hits", []))),
            "explanation": plain_explanation(c, m, tax), "text": c.get("text", ""),
            **_review_cells(d, m, "tool"),
        }
    yield from _added_rows(report, review, m)


def _declared_text(declared: Any, m: Messages) -> str:
    """The declared certificate in words: scopes, activities, number, end of validity."""
    if isinstance(declared, Mapping):
        parts = [", ".join(certificate_label(str(x), m) for x in declared.get("scopes") or [])]
        if declared.get("activities"):
            parts.append(m("table.activities", acts=", ".join(declared["activities"])))
        if declared.get("number"):
            parts.append(m("table.number", number=declared["number"]))
        if declared.get("valid_until"):
            parts.append(m("table.valid_until", date=format_date(declared["valid_until"], m)))
        return "; ".join(p for p in parts if p)
    return str(declared) if declared else m("index.no_certificate")


def _activity_text(a: ActivityVerdict, m: Messages) -> str:
    """One HDS activity's verdict in words, with how sure it is ("A5 : la réalise (obligation
    du prestataire)"), as the HTML report's verdict block says it."""
    verdict = m(f"activity.{a.verdict}")
    if a.confidence is None:
        return m("table.activity", code=a.key, verdict=verdict)
    return m("table.activity_sure", code=a.key, verdict=verdict,
             confidence=m(f"verdict.confidence.{a.confidence}"))


def contract_row(entry: Mapping[str, Any], report: Mapping[str, Any] | None,
                 options: ReportOptions | None = None,
                 tax: TaxonomyFacts | None = None) -> dict[str, Any]:
    """Summary row of one input (columns ``CONTRACT_COLUMNS``); ``report`` may be None.

    The certificate and checklist columns come from the same verdict as the HTML report
    (``analyzer.report.verdict.summarize``), so the counts agree everywhere.
    """
    from analyzer.report.index_view import entry_verdict, index_status_label, looks_like_a_contract

    options = resolve(options)
    m = options.m
    # Counts for every analysed input (as in the HTML index); the certificate and checklist
    # verdict only for inputs with text (an ok_no_text document says nothing about a contract).
    analysed = entry.get("status") in ANALYSED
    ok = entry.get("status") == OK
    cov = entry.get("coverage") or {}
    verdict = entry_verdict(entry, report, options.reference_date) if ok else None
    status_label = index_status_label(entry, m)
    if ok and not looks_like_a_contract(entry, verdict):
        status_label, verdict = m("index.status_not_contract"), None
    problems = verdict["problems"] if verdict else []
    declared_text = (_declared_text((report or {}).get("declared_certificate"), m)
                     if ok and verdict is not None else "")
    expiry = ""
    if verdict is not None:
        expiry = m(f"index.expiry.{verdict['expiry']}",
                   date=format_date(verdict["valid_until"], m) if verdict["valid_until"]
                   else "")
    gaps = (", ".join(verdict["gaps"]) or "; ".join(verdict["gap_texts"])) if verdict else ""
    activities = _join((_activity_text(a, m) for a in verdict["activities"]
                        if a.verdict != "silent"), "; ") if verdict else ""
    return {
        "document": entry.get("path", ""), "status": status_label,
        "reason": entry.get("reason") or "", "language": entry.get("language") or "",
        "findings": entry.get("clauses", 0) if analysed else "",
        **{t: (int(cov.get(t) or 0) if analysed else "") for t in TARGETS},
        "activities": activities,
        "certificates_required": _join((certificate_label(str(c), m)
                                        for c in (verdict["required"] if verdict else
                                                  entry.get("certificates_required") or [])),
                                       ", "),
        "declared_certificate": declared_text,
        "certificate_gaps": gaps if verdict is not None else "",
        "certificate_expiry": expiry,
        "checklist_gaps": len(problems) if verdict is not None else "",
        "checklist_gap_items": _join((title("checklist", str(i), m.lang, tax) for i in problems),
                                     "; "),
        "warnings": _join(entry.get("warnings") or []),
        "report": entry.get("html") or "",
    }


def checklist_row(report: Mapping[str, Any], options: ReportOptions | None = None,
                  review: DocumentReview | None = None) -> tuple[str, dict[str, str]]:
    """(document, item id → status in words) of one report; an expired certificate shows as
    such, as in the HTML report; an item the reviewer set shows the reviewer's status
    ("Présente (relecteur)")."""
    from analyzer.report.verdict import summarize

    options = resolve(options)
    m = options.m
    items = summarize(report, options.reference_date)["checklist"]
    statuses = {i["id"]: m(f"check.status.{i['status']}") for i in items}
    for item, rec in (review.checklist if review else {}).items():
        statuses[item] = m("review.table.ck_reviewed", status=m(f"check.status.{rec['status']}"))
    return report["document"]["path"], statuses


def column_labels(columns: Sequence[str], m: Messages) -> list[str]:
    """Headers of a table in the interface language (``col.<id>``; activity codes as is)."""
    return [m(f"col.{c}") if m.has(f"col.{c}")
            else m(f"review.col.{c}") if m.has(f"review.col.{c}") else c for c in columns]
