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
    _links,
    certificate_view,
    citation_index,
    document_rows,
    filter_view,
    findings_of,
    verdict_view,
)
from analyzer.report.explain import plain_explanation
from analyzer.report.facts_view import fact_rows
from analyzer.report.i18n import (
    UI_LANGS,
    Messages,
    ReportOptions,
    messages,
    resolve,
)
from analyzer.report.index_view import (
    _bar_chart,
    batch_summary,
    entry_verdict,
    index_row,
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
from analyzer.report.review import DocumentReview, as_review
from analyzer.report.verdict import model_clauses, summarize
from analyzer.statuses import ANALYSED
from analyzer.taxonomy_facts import TaxonomyFacts, default_facts

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


def warm() -> None:
    """Compile the templates and read the message catalogues, model clauses and static assets
    now. The batch's forkserver calls it once, so that every forked worker starts with them
    ready (copy-on-write) instead of compiling them again."""
    for name in _ENV.list_templates():
        _ENV.get_template(name)
    for lang in UI_LANGS:
        messages(lang)
    model_clauses()
    for asset in ("document.js", "document.css", "index.js", "index.css"):
        _asset(asset)


# ---------------------------------------------------------------- per-document page


def render_document(report: Mapping[str, Any],
                    reviews: Mapping[str, Mapping[str, Any]] | DocumentReview | None = None,
                    options: ReportOptions | None = None,
                    taxonomy: TaxonomyFacts | None = None) -> str:
    """Render one document's report page.

    Args:
        report: the JSON report dict (schema ``hds-analyzer/report/1``), ideally with ``text``
            and ``segments``; without them only the tagged clauses are shown.
        reviews: the stored review of this document (``analyzer.report.review.review_for``:
            decisions, added clauses, checklist items), or just its decisions by review key.
        options: interface language and reference date; default: from the environment
            (``analyzer.report.i18n.options_from_env``: French, no reference date).
        taxonomy: the taxonomy of the run (its titles), e.g. ``Taxonomy.facts`` of the rule set
            used with ``--patterns``; default: the shipped one.
    """
    options = resolve(options)
    m = options.m
    review = as_review(reviews)
    doc = report["document"]
    lang = doc.get("language") if isinstance(doc.get("language"), str) \
        and _LANG.match(doc.get("language", "")) else "und"
    tagged, findings = findings_of(report, review, m, taxonomy)
    seg_index = citation_index(report)
    summary = summarize(report, options.reference_date)
    script, style = _asset("document.js"), _asset("document.css")
    contract_lang = m(f"lang.{lang}") if m.has(f"lang.{lang}") else (doc.get("language") or "—")
    html = _ENV.get_template("document.html").render(
        m=m, ui_lang=m.lang, other_lang=next(x for x in UI_LANGS if x != m.lang),
        report=report, doc=doc, lang=lang, findings=findings, contract_lang=contract_lang,
        rows=document_rows(report, tagged, findings, review, seg_index, m),
        reference_date=format_date(options.reference_date.isoformat(), m)
        if options.reference_date else None,
        **verdict_view(report, summary, tagged, seg_index, m, taxonomy),
        facts=fact_rows(report.get("facts") or {}, m),
        review_options=review_view.options(m),
        checklist_review=review_view.checklist_rows(summary, review, m),
        checklist_choices=review_view.checklist_choices(m),
        **filter_view(findings, m, taxonomy),
        csp=content_security_policy([script], [style]),
        script=Markup(script), style=Markup(style),
        data=json_script(_script_data(doc, findings, review, m)),
    )
    return _clean(html)


def _script_data(doc: Mapping[str, Any], findings: Mapping[str, dict[str, Any]],
                 review: DocumentReview, m: Messages) -> dict[str, Any]:
    """What the page's script reads: where decisions are kept, the findings, the messages."""
    path = _clean(str(doc.get("path", "")))
    return {
        "doc": {"path": path, "sha256": str(doc.get("sha256", "")),
                # per document path, not per version: the review keys already change with
                # the clause text, so decisions on unchanged clauses carry over to a new version
                "storage": "hds-analyzer:review:" + hashlib.sha256(
                    path.encode("utf-8")).hexdigest()[:24],
                "export_name": "review-" + (re.sub(r"[^0-9a-f]", "", str(doc.get("sha256", "")))
                                            [:12] or "document") + ".json"},
        "findings": [{"id": cid, "key": f["key"]} for cid, f in findings.items()],
        "stored": {f["key"]: f["decision"] for f in findings.values() if f["decision"]},
        "review": review_view.script_data(review),
        "messages": {**m.subset("js."), **m.subset("review.js."), **m.subset("review.fix."),
                     **m.subset("review.add.by"), **m.subset("review.ck_state")},
    }


# ---------------------------------------------------------------- batch index


def render_index(entries: Sequence[Mapping[str, Any]],
                 reports: Mapping[str, Mapping[str, Any]] | None = None,
                 options: ReportOptions | None = None,
                 taxonomy: TaxonomyFacts | None = None) -> str:
    """Render the batch index: one row per input (analysed, skipped or failed, with the reason),
    sortable and filterable, with a summary of the batch drawn as inline SVG.

    Args:
        entries: the index entries (``analyzer.scan``).
        reports: the reports by input path (read lazily); they give the declared certificate,
            the certificate gaps and expiry columns. Without them, only the entries' keys.
        options: interface language and reference date (default: the environment's).
        taxonomy: the taxonomy of the run (its titles); default: the shipped one.
    """
    options = resolve(options)
    targets = (taxonomy or default_facts()).targets
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
    target_rows = [(f"{target_short(t, m)} \u2013 {title('targets', t, m.lang, taxonomy)}",
                    "t-" + t.lower(), summary["per_target"][t]) for t in targets]
    missing_rows = [(title("checklist", i, m.lang, taxonomy), "t-missing", n)
                    for i, n in summary["missing"]]
    rows = [index_row(e, verdicts[n], m, taxonomy) for n, e in enumerate(entries)]
    script, style = _asset("index.js"), _asset("index.css")
    html = _ENV.get_template("index.html").render(
        m=m, ui_lang=m.lang, rows=rows, summary=summary, readable=readable,
        reference_date=format_date(options.reference_date.isoformat(), m)
        if options.reference_date else None,
        chart_targets=_bar_chart(target_rows, readable, m("index.chart_targets"), m),
        chart_missing=_bar_chart(missing_rows, readable, m("index.chart_missing"), m),
        target_short={t: target_short(t, m) for t in targets},
        cert_labels={k: certificate_label(k, m) for k in summary["certificates"]},
        csp=content_security_policy([script], [style]),
        script=Markup(script), style=Markup(style),
        data=json_script({"messages": m.subset("jsindex.")}),
    )
    return _clean(html)
