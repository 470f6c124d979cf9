"""HTML reports: one self-contained page per document and a batch index (Jinja2, autoescaped).

Security model (see ``docs/reports.md``):
- every document-derived string reaches the page through Jinja autoescaping or
  ``markupsafe.escape``;
- the only scripts are the package's own static files, allowed by their SHA-256 in a
  ``Content-Security-Policy`` meta tag (``default-src 'none'``: no network, no inline handlers);
- data for the scripts travels as JSON in ``<script type="application/json">`` with ``<``, ``>``,
  ``&`` escaped, never inside JavaScript code, and document values never go into a URL.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from analyzer.report import review_view
from analyzer.report.document_view import (
    _activity_rows,
    _checklist_view,
    _finding,
    _highlight,
    _links,
    _segments,
    certificate_view,
    citation_index,
)
from analyzer.report.explain import plain_explanation
from analyzer.report.facts_view import fact_rows
from analyzer.report.i18n import (
    UI_LANGS,
    ReportOptions,
    resolve,
)
from analyzer.report.index_view import (
    _bar_chart,
    _int,
    batch_summary,
    entry_verdict,
    index_status_label,
    looks_like_a_contract,
)
from analyzer.report.labels import (
    STATUSES,
    category_label,
    certificate_label,
    format_date,
    ref_label,
    target_short,
    title,
)
from analyzer.report.markup import (
    _clean,
    content_security_policy,
    fmt,
    json_script,
    plain,
    report_href,
    safe_id,
    visible,
)
from analyzer.report.review import DocumentReview, as_review, clause_key
from analyzer.report.verdict import summarize
from analyzer.statuses import ANALYSED
from analyzer.taxonomy_facts import default_facts

# Re-exported for the callers that imported them from here before the split (memo, tests).
__all__ = ["_activity_rows", "_checklist_view", "_clean", "_links", "batch_summary",
           "category_label", "certificate_label", "certificate_view", "citation_index",
           "content_security_policy", "entry_verdict", "format_date", "index_status_label",
           "json_script", "looks_like_a_contract", "plain_explanation", "ref_label",
           "render_document", "render_index", "report_href", "safe_id", "target_short"]

TARGETS: tuple[str, ...] = default_facts().targets
CATEGORIES: tuple[str, ...] = default_facts().categories
OK_STATUSES = ANALYSED

_LANG = re.compile(r"^[a-z]{2,3}$")

_ENV = Environment(
    loader=PackageLoader("analyzer", "report/templates"),
    autoescape=True,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
















_ENV.filters["visible"] = visible
_ENV.filters["fmt"] = fmt
_ENV.filters["plain"] = plain
_ENV.globals.update(
    TARGETS=TARGETS, CATEGORIES=CATEGORIES, STATUSES=STATUSES, safe_id=safe_id,
    report_href=report_href,
)


@lru_cache(maxsize=8)
def _asset(name: str) -> str:
    return (files("analyzer.report") / "static" / name).read_text(encoding="utf-8")





















# ---------------------------------------------------------------- wording helpers


















# ---------------------------------------------------------------- per-document page












def render_document(report: Mapping[str, Any],
                    reviews: Mapping[str, Mapping[str, Any]] | DocumentReview | None = None,
                    options: ReportOptions | None = None) -> str:
    """Render one document's report page.

    Args:
        report: the JSON report dict (schema ``hds-analyzer/report/1``), ideally with ``text``
            and ``segments``; without them only the tagged clauses are shown.
        reviews: the stored review of this document (``analyzer.report.review.review_for``:
            decisions, added clauses, checklist items), or just its decisions by review key.
        options: interface language and reference date; default: from the environment
            (``analyzer.report.i18n.options_from_env``: French, no reference date).
    """
    options = resolve(options)
    m = options.m
    review = as_review(reviews)
    doc = report["document"]
    lang = doc.get("language") if isinstance(doc.get("language"), str) \
        and _LANG.match(doc.get("language", "")) else "und"
    tagged = {c["id"]: c for c in report.get("clauses", []) if safe_id(c.get("id"))}
    findings: dict[str, dict[str, Any]] = {}
    for cid, clause in tagged.items():
        key = clause_key(cid, clause.get("text", ""))
        findings[cid] = _finding(clause, m, review.decisions.get(key), key)
    added: dict[str, list[dict[str, Any]]] = {}
    for rec in review.added:
        added.setdefault(str(rec["clause"]), []).append(review_view.added_view(rec, m))
    ocr_pages = set(doc.get("ocr_pages") or [])
    seg_index = citation_index(report)
    rows: list[dict[str, Any]] = []
    page = None
    for seg in _segments(report, tagged):
        sid = safe_id(seg.get("id"))
        if sid is None:
            continue
        if seg.get("page") is not None and seg.get("page") != page:
            page = seg.get("page")
            rows.append({"kind": "page", "page": page, "ocr": page in ocr_pages})
        finding = findings.get(sid)
        body = (_highlight(seg["text"], int(seg.get("start", 0)), tagged[sid].get("hits", []),
                           [c["key"] for c in finding["categories"]])
                if finding else visible(seg["text"]))
        level = min(6, 3 + len(seg.get("heading_path") or []))
        number = seg.get("number")
        if number and seg["text"].lstrip().startswith(str(number)):
            number = None  # the text shows it already: no second copy in the gutter
        rows.append({"kind": seg.get("kind", "clause"), "id": sid, "number": number,
                     "ref": ref_label(seg_index.get(sid, seg), m), "body": body,
                     "finding": finding, "added": added.get(sid, []),
                     "key": finding["key"] if finding else clause_key(sid, seg["text"]),
                     "level": level})
    counts = Counter(c for f in findings.values() for c in (x["key"] for x in f["categories"]))
    map_counts = Counter(mp["key"] for f in findings.values() for mp in f["mapping"])
    status_counts = Counter(f["status"] for f in findings.values())
    summary = summarize(report, options.reference_date)
    cert = certificate_view(report, summary, seg_index, m)
    problems, present = _checklist_view(summary, seg_index, m)
    c = summary["counts"]
    other = []
    for t in ("infogerance", "transversal"):
        ids = [i for i in (report.get("coverage") or {}).get(t, []) if i in tagged]
        other.append({"label": m(f"verdict.other.{t}", n=len(ids)),
                      "first": ids[0] if ids else None})
    lead = [m("verdict.lead_activities", n=c["activities_performed"],
              total=c["activities_total"]),
            m("verdict.lead_cert_ok") if cert["ok"] else m("verdict.lead_cert_bad"),
            m("verdict.lead_checklist", n=c["checklist_problems"], total=c["checklist_total"])]
    extra_categories = sorted(set(counts) - set(CATEGORIES))
    data = {
        "doc": {"path": _clean(str(doc.get("path", ""))), "sha256": str(doc.get("sha256", "")),
                # per document path, not per version: the review keys already change with
                # the clause text, so decisions on unchanged clauses carry over to a new version
                "storage": "hds-analyzer:review:" + hashlib.sha256(
                    _clean(str(doc.get("path", ""))).encode("utf-8")).hexdigest()[:24],
                "export_name": "review-" + (re.sub(r"[^0-9a-f]", "", str(doc.get("sha256", "")))
                                            [:12] or "document") + ".json"},
        "findings": [{"id": cid, "key": f["key"]} for cid, f in findings.items()],
        "stored": {f["key"]: f["decision"] for f in findings.values() if f["decision"]},
        "review": review_view.script_data(review),
        "messages": {**m.subset("js."), **m.subset("review.js."), **m.subset("review.fix."),
                     **m.subset("review.add.by"), **m.subset("review.ck_state")},
    }
    script, style = _asset("document.js"), _asset("document.css")
    contract_lang = m(f"lang.{lang}") if m.has(f"lang.{lang}") else (doc.get("language") or "—")
    html = _ENV.get_template("document.html").render(
        m=m, ui_lang=m.lang, other_lang=next(x for x in UI_LANGS if x != m.lang),
        report=report, doc=doc, lang=lang, rows=rows, findings=findings,
        contract_lang=contract_lang,
        reference_date=format_date(options.reference_date.isoformat(), m)
        if options.reference_date else None,
        counts=c, activities=_activity_rows(summary, seg_index, m), other=other, cert=cert,
        problems=problems, present=present,
        checklist_counts=m("check.counts", present=c["present"], total=c["checklist_total"],
                           missing=c["missing"], excluded=c["excluded"],
                           expired=c["expired"]),
        verdict_lead=" · ".join(lead),
        facts=fact_rows(report.get("facts") or {}, m),
        review_options=review_view.options(m),
        checklist_review=review_view.checklist_rows(summary, review, m),
        checklist_choices=review_view.checklist_choices(m),
        categories=[x for x in CATEGORIES if counts.get(x)] + extra_categories,
        cat_counts=counts, map_counts=map_counts, status_counts=status_counts,
        status_labels={s: m(f"status.{s}") for s in STATUSES},
        target_short={t: target_short(t, m) for t in TARGETS},
        category_label=lambda k: category_label(k, m.lang),
        csp=content_security_policy([script], [style]),
        script=Markup(script), style=Markup(style), data=json_script(data),
    )
    return _clean(html)


# ---------------------------------------------------------------- batch index


















def render_index(entries: Sequence[Mapping[str, Any]],
                 reports: Mapping[str, Mapping[str, Any]] | None = None,
                 options: ReportOptions | None = None) -> str:
    """Render the batch index: one row per input (analysed, skipped or failed, with the reason),
    sortable and filterable, with a summary of the batch drawn as inline SVG.

    Args:
        entries: the index entries (``analyzer.scan``).
        reports: the reports by input path (read lazily); they give the declared certificate,
            the certificate gaps and expiry columns. Without them, only the entries' keys.
        options: interface language and reference date (default: the environment's).
    """
    options = resolve(options)
    m = options.m
    verdicts: dict[int, dict[str, Any] | None] = {}
    for n, e in enumerate(entries):
        report = None
        if reports is not None and e.get("status") in OK_STATUSES:
            try:
                report = reports.get(str(e.get("path")))
            except (OSError, ValueError):
                report = None
        verdicts[n] = entry_verdict(e, report, options.reference_date)
    summary = batch_summary(entries, verdicts)
    readable = summary["readable"]
    target_rows = [(f"{target_short(t, m)} \u2013 {title('targets', t, m.lang)}",
                    "t-" + t.lower(), summary["per_target"][t]) for t in TARGETS]
    missing_rows = [(title("checklist", i, m.lang), "t-missing", n)
                    for i, n in summary["missing"]]
    rows = []
    for n, e in enumerate(entries):
        status = str(e.get("status", ""))
        group = "ok" if status in OK_STATUSES else "skipped" if status == "skipped" else "failed"
        cov = e.get("coverage") or {}
        v = verdicts[n]
        contract = looks_like_a_contract(e, v)
        label = index_status_label(e, m) if contract or status != "ok" \
            else m("index.status_not_contract")
        cert_cell = None
        if v is not None and contract:
            if v["declared"]:
                declared_text = ", ".join(v["scope"]) if v["scope_known"] \
                    else m("index.scope_unknown")
            else:
                declared_text = m("index.no_certificate")
            gap_text = ", ".join(v["gaps"]) or "; ".join(v["gap_texts"])
            expiry = v["expiry"]
            cert_cell = {
                "declared": declared_text, "declared_ok": v["declared"],
                "gaps": gap_text,
                "expiry": expiry,
                "expiry_text": m(f"index.expiry.{expiry}",
                                 date=format_date(v["valid_until"], m)
                                 if v["valid_until"] else ""),
                "expiry_sort": {"expired": 0, "unchecked": 2, "valid": 3}.get(expiry, 1),
            }
        problems = v["problems"] if v and contract else []
        rows.append({
            "path": _clean(str(e.get("path", ""))), "status": status, "group": group,
            "contract": contract,
            "status_label": label,
            "reason": _clean(str(e.get("reason") or "")), "language": e.get("language") or "",
            "clauses": _int(e.get("clauses")) if group == "ok" else None,
            "coverage": {t: _int(cov.get(t)) for t in TARGETS} if group == "ok" else None,
            "certificates": [{"short": m(f"certificate.short.{c}")
                              if m.has(f"certificate.short.{c}") else str(c),
                              "label": certificate_label(str(c), m)}
                             for c in (v["required"] if v else
                                       e.get("certificates_required") or [])],
            "cert": cert_cell,
            "missing": [(i, title("checklist", str(i), m.lang)) for i in problems],
            "warnings": [_clean(str(w)) for w in (e.get("warnings") or [])],
            "href": report_href(e.get("html")),
            "covered": " ".join(t for t in TARGETS if cov.get(t)),
            "has_gap": bool(cert_cell and cert_cell["gaps"]),
            "unchanged": bool(e.get("unchanged")),
        })
    script, style = _asset("index.js"), _asset("index.css")
    html = _ENV.get_template("index.html").render(
        m=m, ui_lang=m.lang, rows=rows, summary=summary, readable=readable,
        reference_date=format_date(options.reference_date.isoformat(), m)
        if options.reference_date else None,
        chart_targets=_bar_chart(target_rows, readable, m("index.chart_targets"), m),
        chart_missing=_bar_chart(missing_rows, readable, m("index.chart_missing"), m),
        target_short={t: target_short(t, m) for t in TARGETS},
        cert_labels={k: certificate_label(k, m) for k in summary["certificates"]},
        csp=content_security_policy([script], [style]),
        script=Markup(script), style=Markup(style),
        data=json_script({"messages": m.subset("jsindex.")}),
    )
    return _clean(html)
