"""The verdict of one report, computed once and shown everywhere (HTML, index, tables, memo).

From a JSON report (schema ``hds-analyzer/report/1``) and the report options:

- for each HDS activity A1–A6, whether the provider performs it, and how sure that is
  (``analyzer.check.activities.activity_verdicts``, the check stage's, re-exported here);
- the certificate verdict (``analyzer.check.certificate.certificate_verdict``): declared scope
  against the activities the provider is bound to (strong verdicts only), gaps, expiry against the
  reference date;
- the checklist, where an expired certificate turns item ``r1111_11_1_certificate`` from
  "present" into "expired";
- the counters every page shows (they are never recomputed elsewhere).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from importlib.resources import files
from typing import Any

from analyzer.cache import yaml_data
from analyzer.check.activities import ACTIVITY_VERDICTS, activity_confidence, activity_verdicts
from analyzer.check.certificate import HDS_TARGETS, certificate_verdict
from analyzer.check.claims import report_claims
from analyzer.taxonomy_facts import default_facts

__all__ = ["ACTIVITY_VERDICTS", "CERTIFICATE_ITEM", "CHECK_STATUSES", "OTHER_TARGETS",
           "activity_confidence", "activity_verdicts", "clause_ref", "model_clauses",
           "reference_index", "summarize"]

OTHER_TARGETS: tuple[str, ...] = default_facts().other_targets
CHECK_STATUSES: tuple[str, ...] = ("missing", "excluded", "expired", "present")
CERTIFICATE_ITEM = "r1111_11_1_certificate"
_ARTICLE_NUMBER = re.compile(r"^(?:art(?:icle|\.)?\s*)?(\d+(?:\.\d+)*)\.?$", re.I)


def clause_ref(clause: Mapping[str, Any] | None) -> dict[str, Any]:
    """How a clause is cited to a lawyer: ``{"kind": "article"|"number"|"page"|"none", ...}``.

    "7.2" and "Article 7" are articles; "a)" or "•" are other numbers; without a number, the
    page. Internal ids (``c0042``) are never shown.
    """
    clause = clause or {}
    number = str(clause.get("number") or "").strip()
    if number:
        m = _ARTICLE_NUMBER.match(number)
        if m:
            return {"kind": "article", "number": m.group(1)}
        return {"kind": "number", "number": number}
    if clause.get("page") is not None:
        return {"kind": "page", "page": clause.get("page")}
    return {"kind": "none"}


_HEADING_NUMBER = re.compile(r"^\s*(?:art(?:icle|\.)?\s*)?(\d+(?:\.\d+)*)(?=[\s.\-–—:)]|$)", re.I)


def reference_index(report: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """How every clause of a report is cited, in document order, never by internal id.

    A numbered clause is cited by its number ("art. 7.2"); an unnumbered paragraph by the number
    or title of the heading above it and its rank under that heading ("art. 7, al. 2",
    "« Sauvegarde », al. 3"); a list item by its heading and its marker ("art. 4, point a)").
    """
    segments = report.get("segments")
    items = segments if isinstance(segments, list) else report.get("clauses", [])
    ranks: dict[tuple[str, ...], int] = {}
    out: dict[str, dict[str, Any]] = {}
    for seg in items:
        if not isinstance(seg, Mapping) or "id" not in seg or seg.get("kind") == "heading":
            continue
        path = tuple(str(h) for h in seg.get("heading_path") or [])
        ranks[path] = ranks.get(path, 0) + 1
        heading = path[-1].strip() if path else ""
        hnum = _HEADING_NUMBER.match(heading)
        ref = clause_ref(seg)
        if ref["kind"] == "number" and hnum:
            ref = {"kind": "article_item", "article": hnum.group(1), "number": ref["number"]}
        elif ref["kind"] in ("page", "none"):
            if hnum:
                ref = {"kind": "article_para", "number": hnum.group(1), "para": ranks[path]}
            elif heading:
                short = heading if len(heading) <= 40 else heading[:39].rstrip() + "…"
                ref = {"kind": "heading_para", "heading": short, "para": ranks[path]}
            elif ref["kind"] == "none":
                ref = {"kind": "para", "para": ranks[path]}
        out[str(seg["id"])] = ref
    return out


def summarize(report: Mapping[str, Any], reference_date: date | None) -> dict[str, Any]:
    """Everything the verdict block, the index row, the tables and the memo show.

    Returns:
        ``{"activities": [ActivityVerdict, ...], "performed": [...], "optional": [...], "other": {target: n},
        "certificate": {...}, "checklist": [{"id", "status", "clauses"}], "counts": {...}}``;
        ``counts`` holds ``findings``, ``activities_performed`` (A1–A6 performed or optional,
        out of 6), ``checklist_total`` and one count per checklist status.
    """
    activities = activity_verdicts(*report_claims(report))
    performed = [a.key for a in activities if a.verdict == "performed"]
    optional = [a.key for a in activities if a.verdict == "optional"]
    declared = report.get("declared_certificate") or None
    if declared is not None and not isinstance(declared, Mapping):
        declared = {"activities": []}  # declared in a shape this version cannot read
    bound = [a.key for a in activities if a.strong]
    cert = certificate_verdict(declared, bound, reference_date)
    cert["unconfirmed"] = [a.key for a in activities if a.unconfirmed]
    checklist = []
    for item in report.get("checklist", []):
        if not isinstance(item, Mapping):
            continue
        status = item.get("status")
        status = status if status in ("present", "missing", "excluded") else "missing"
        if item.get("id") == CERTIFICATE_ITEM and status == "present" \
                and cert["expiry"] == "expired":
            status = "expired"
        checklist.append({"id": str(item.get("id", "")), "status": status,
                          "clauses": [str(c) for c in item.get("clauses") or []]})
    coverage = report.get("coverage") or {}
    counts: dict[str, int] = {s: 0 for s in CHECK_STATUSES}
    for item in checklist:
        counts[str(item["status"])] += 1
    counts.update(findings=len(report.get("clauses") or []),
                  activities_performed=len(performed) + len(optional),
                  activities_total=len(HDS_TARGETS), checklist_total=len(checklist),
                  checklist_problems=len(checklist) - counts["present"])
    return {
        "activities": activities, "performed": performed, "optional": optional,
        "other": {t: len(coverage.get(t) or []) for t in OTHER_TARGETS},
        "certificate": cert, "checklist": checklist, "counts": counts,
    }


@lru_cache(maxsize=1)
def model_clauses() -> dict[str, dict[str, dict[str, str]]]:
    """``{item id: {"requirement": {lang: text}, "model": {lang: text}}}`` from
    ``analyzer/report/model_clauses.yaml``."""
    text = (files("analyzer.report") / "model_clauses.yaml").read_text(encoding="utf-8")
    data = yaml_data(text)
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, dict):
        raise ValueError("analyzer/report/model_clauses.yaml: expected an 'items' mapping")
    return items
