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

import base64
import hashlib
import itertools
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from importlib.resources import files
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from analyzer.report import review_view
from analyzer.report.explain import plain_explanation
from analyzer.report.facts_view import fact_rows, fmt_value
from analyzer.report.i18n import (
    UI_LANGS,
    Messages,
    ReportOptions,
    resolve,
)
from analyzer.report.labels import (
    STATUSES,
    category_label,
    certificate_label,
    format_date,
    lower_first,
    ref_label,
    target_short,
    title,
)
from analyzer.report.review import DocumentReview, as_review, clause_key
from analyzer.report.verdict import model_clauses, reference_index, summarize
from analyzer.statuses import ANALYSED
from analyzer.taxonomy_facts import default_facts

__all__ = ["category_label", "certificate_label", "citation_index", "format_date",
           "plain_explanation", "ref_label", "render_document", "render_index", "target_short"]

TARGETS: tuple[str, ...] = default_facts().targets
CATEGORIES: tuple[str, ...] = default_facts().categories
OK_STATUSES = ANALYSED

_SAFE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{0,63}$")
_SAFE_FILE = re.compile(r"^[^/\\:?#\x00-\x1f]+\.html$")
_LANG = re.compile(r"^[a-z]{2,3}$")
# Bidi overrides/isolates and invisible characters that can disguise text ("Trojan source").
_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")

_ENV = Environment(
    loader=PackageLoader("analyzer", "report/templates"),
    autoescape=True,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def visible(value: Any) -> Markup:
    """Escape text and show bidi/invisible control characters as visible markers."""
    text = escape(_clean(str(value)))
    return Markup(_CONTROLS.sub(
        lambda m: f'<span class="ctl" title="hidden control character">'
                  f"[U+{ord(m.group()):04X}]</span>", str(text)))


def plain(value: Any) -> str:
    """Text for places that cannot hold markup (``<title>``, attributes): controls spelled out."""
    return _CONTROLS.sub(lambda m: f"[U+{ord(m.group()):04X}]", _clean(str(value)))


def _clean(text: str) -> str:
    """Replace lone surrogates (undecodable file-name bytes) so the page can be UTF-8 encoded."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:
            return text.encode("utf-8", "replace").decode("utf-8")
    return text


def fmt(value: Any) -> str:
    """Plain-text rendering of a fact or certificate value of any JSON shape."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Mapping):
        return "; ".join(f"{str(k).replace('_', ' ')}: {fmt(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt(v) for v in value) if value else "—"
    return str(value)


def safe_id(value: Any) -> str | None:
    """A clause id usable as an HTML id and fragment, or None when it is not a plain token."""
    return value if isinstance(value, str) and _SAFE_ID.match(value) else None


def report_href(name: Any) -> str | None:
    """A relative link to a report file written by the scan, or None when unsafe."""
    if not isinstance(name, str) or not _SAFE_FILE.match(name) or name.startswith("."):
        return None
    return "./" + quote(name)


def json_script(data: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block: no ``<``, ``>``, ``&`` left raw."""
    text = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


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


def _sha256_source(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


def content_security_policy(scripts: Sequence[str], styles: Sequence[str]) -> str:
    """A CSP that allows exactly these inline scripts and styles and nothing from anywhere."""
    script_src = " ".join(_sha256_source(s) for s in scripts) or "'none'"
    style_src = " ".join(_sha256_source(s) for s in styles) or "'none'"
    return (f"default-src 'none'; script-src {script_src}; style-src {style_src}; "
            "img-src 'none'; base-uri 'none'; form-action 'none'")








def _hit_category(rule: str, categories: Sequence[str]) -> str:
    parts = rule.split(".")
    if len(parts) >= 3 and parts[1] in categories:
        return parts[1]
    return categories[0] if categories else "other"


def _highlight(text: str, offset: int, hits: Sequence[Mapping[str, Any]],
               categories: Sequence[str]) -> Markup:
    """Escape a clause's text and wrap every matched span in ``<mark>`` (overlaps merged)."""
    spans = []
    for h in hits:
        start = max(0, int(h.get("start", 0)) - offset)
        end = min(len(text), int(h.get("end", 0)) - offset)
        if end > start:
            spans.append((start, end, _hit_category(str(h.get("rule", "")), categories),
                          str(h.get("rule", ""))))
    if not spans:
        return visible(text)
    bounds = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    out: list[str] = []
    for a, b in itertools.pairwise(bounds):
        piece = visible(text[a:b])
        covering = [s for s in spans if s[0] <= a and b <= s[1]]
        if covering:
            cat = covering[0][2]
            rules = " ".join(sorted({s[3] for s in covering}))
            out.append(f'<mark class="hit cat-{_css(cat)}" title="{escape(rules)}">{piece}</mark>')
        else:
            out.append(str(piece))
    return Markup("".join(out))


def _css(key: str) -> str:
    """A CSS class fragment for a taxonomy key (unknown shapes become 'other')."""
    return key if re.fullmatch(r"[a-z0-9_]{1,40}", key) else "other"


def _segments(report: Mapping[str, Any], tagged: Mapping[str, Any]) -> list[dict[str, Any]]:
    text = report.get("text")
    segments = report.get("segments")
    if not isinstance(text, str) or not isinstance(segments, list):
        # Reports without the full text: show the tagged clauses alone.
        return [{"id": c["id"], "number": c.get("number"), "kind": "clause",
                 "page": c.get("page"), "heading_path": c.get("heading_path", []),
                 "start": c.get("start", 0), "text": c.get("text", "")}
                for c in report.get("clauses", [])]
    return [{**s, "text": text[s["start"]:s["end"]]} for s in segments]



# ---------------------------------------------------------------- wording helpers














def _links(ids: Sequence[str], index: Mapping[str, Any], m: Messages,
           limit: int | None = None) -> tuple[list[dict[str, str]], int]:
    """In-page links to clauses, labelled by article number (at most ``limit``; and how many
    more there are)."""
    known = [i for i in ids if safe_id(i) and i in index]
    shown = known if limit is None else known[:limit]
    links = []
    previous: tuple[Any, ...] | None = None
    for i in shown:
        ref = index[i].get("_ref") or {}
        group = (ref.get("kind"), ref.get("heading"), ref.get("number")) \
            if ref.get("kind") in ("article_para", "heading_para") else None
        full = ref_label(index[i], m)
        # "« Sauvegarde », al. 2, al. 3": the heading once per run of paragraphs under it
        label = m("ref.para_short", para=ref["para"]) if group and group == previous else full
        snippet = _snippet(str(index[i].get("text") or ""), 90)
        links.append({"id": i, "ref": label,
                      "full": f"{full} \u2014 {snippet}" if snippet else full})
        previous = group
    return links, len(known) - len(shown)




# ---------------------------------------------------------------- per-document page


def _finding(clause: Mapping[str, Any], m: Messages, decision: Mapping[str, Any] | None,
             key: str) -> dict[str, Any]:
    cats = [str(c) for c in clause.get("categories", [])]
    rules = sorted({str(h.get("rule", "")) for h in clause.get("hits", [])})
    matched = list(dict.fromkeys(str(h.get("text", "")) for h in clause.get("hits", [])))
    dec = {"decision": decision.get("decision"), "comment": decision.get("comment") or "",
           "reviewer": decision.get("reviewer") or m("review.unknown_reviewer"),
           "at": decision.get("at") or "",
           "correction": decision.get("correction") or None} if decision else None
    word = ""
    if dec:
        word = {"accept": m("review.accepted"), "reject": m("review.rejected")}.get(
            str(dec["decision"]), m("review.commented"))
    when = plain(dec["at"][:16].replace("T", " ")) if dec and dec["at"] else ""
    badge = (m("review.by", word=word, who=plain(dec["reviewer"]))
             + (f" \u00b7 {when}" if when else "")) if dec and dec["decision"] else ""
    state = (m("review.by", word=word, who=plain(dec["reviewer"]))
             + (f", {plain(dec['at'])}" if dec["at"] else "")) if dec \
        else m("review.pending")
    return {
        "categories": [{"key": c, "css": _css(c), "label": category_label(c, m.lang)}
                       for c in cats],
        "topics": [{"key": t, "label": title("topics", str(t), m.lang)}
                   for t in clause.get("topics", [])],
        "mapping": [{"key": t, "short": target_short(str(t), m),
                     "label": title("targets", str(t), m.lang)}
                    for t in clause.get("mapping", [])],
        "status": clause.get("status", "included") if clause.get("status") in STATUSES
        else "included",
        "party": clause.get("party") or "",
        "rules": rules, "matched": matched,
        "explanation": clause.get("explanation", ""),
        "plain": plain_explanation(clause, m),
        "key": key, "decision": dec, "badge": badge, "state": state,
        "fix": review_view.correction_text(decision.get("correction") if decision else None, m),
        "main_css": _css(cats[0]) if cats else "other",
    }


def _activity_rows(summary: Mapping[str, Any], index: Mapping[str, Any],
                   m: Messages) -> list[dict[str, Any]]:
    rows = []
    for a in summary["activities"]:
        links, more = _links(a["clauses"], index, m, limit=6)
        also = []
        if a["also_optional"]:
            also.append(m("verdict.also_optional", refs=", ".join(
                lk["ref"] for lk in _links(a["also_optional"], index, m, limit=4)[0])))
        if a["also_excluded"]:
            also.append(m("verdict.also_excluded", refs=", ".join(
                lk["ref"] for lk in _links(a["also_excluded"], index, m, limit=4)[0])))
        rows.append({"key": a["key"], "title": title("targets", a["key"], m.lang),
                     "verdict": a["verdict"], "label": m(f"activity.{a['verdict']}"),
                     "strong": a["strong"], "confidence": a.get("confidence"),
                     "confidence_label": m(f"verdict.confidence.{a['confidence']}")
                     if a.get("confidence") else "",
                     "links": links, "more": more,
                     "also": "; ".join(also)})
    return rows


def certificate_view(report: Mapping[str, Any], summary: Mapping[str, Any],
                     index: Mapping[str, Any], m: Messages) -> dict[str, Any]:
    """The certificate verdict as sentences and rows in the interface language."""
    cert = summary["certificate"]
    declared = report.get("declared_certificate") or None
    codes = ", ".join
    sentences = []
    if not cert["declared"]:
        sentences.append(m("cert.none_declared_needed", acts=codes(cert["performed"]))
                         if cert["performed"] else m("cert.none_needed"))
    elif not cert["scope_known"]:
        sentences.append(m("cert.scope_unknown"))
    elif cert["gaps"]:
        sentences.append(m("cert.gaps_headline", acts=codes(cert["gaps"])))
    elif cert["performed"]:
        sentences.append(m("cert.covers", acts=codes(cert["performed"])))
    else:
        sentences.append(m("cert.declared_no_activity"))
    if cert["expiry"] == "expired":
        sentences.append(m("cert.expired_headline",
                           date=format_date(cert["valid_until"], m)))
    rows: list[tuple[str, str]] = []
    links: list[dict[str, str]] = []
    if isinstance(declared, Mapping):
        if declared.get("scopes"):
            rows.append((m("cert.type"), ", ".join(certificate_label(str(x), m)
                                                   for x in declared["scopes"])))
        if cert["scope"]:
            scope = ", ".join(f"{a} \u2013 {title('targets', str(a), m.lang)}"
                              for a in cert["scope"])
            if declared.get("scope_from") == "certificate_name":
                scope += " " + m("cert.scope_from_name")
            rows.append((m("cert.scope"), scope))
        for field_key in ("number", "body"):
            if declared.get(field_key):
                rows.append((m(f"cert.{field_key}"), str(declared[field_key])))
        for field_key in ("issued", "valid_until"):
            if declared.get(field_key):
                rows.append((m(f"cert.{field_key}"), format_date(declared[field_key], m)))
        links = _links([str(c) for c in declared.get("clauses") or []], index, m)[0]
    elif declared is not None:
        rows.append((m("cert.declared"), fmt_value(declared, m)))
    by_target = {a["key"]: a for a in summary["activities"]}
    gaps = []
    for t in cert["gaps"]:
        gaps.append({"text": m("cert.gap_item", code=t,
                               title=lower_first(title("targets", t, m.lang)),
                               cert=certificate_label(
                                   "infrastructure_physique" if t in ("A1", "A2")
                                   else "infogereur", m)),
                     "links": _links(by_target[t]["clauses"], index, m, limit=5)[0]})
    if cert["expiry"] == "valid":
        expiry = m("cert.expiry_valid", date=format_date(cert["valid_until"], m),
                   ref=format_date(cert["reference_date"], m))
    elif cert["expiry"] == "expired":
        expiry = m("cert.expiry_expired", date=format_date(cert["valid_until"], m),
                   ref=format_date(cert["reference_date"], m))
    elif cert["expiry"] == "unchecked":
        expiry = m("cert.expiry_unchecked", date=format_date(cert["valid_until"], m))
    elif cert["declared"]:
        expiry = m("cert.expiry_unknown")
    else:
        expiry = m("cert.expiry_no_certificate")
    unconfirmed = cert.get("unconfirmed") or []
    if unconfirmed:
        rows.append((m("certificate.unconfirmed_h"),
                     m("certificate.unconfirmed", acts=codes(unconfirmed))))
    return {"ok": cert["ok"], "headline": " ".join(sentences), "rows": rows, "links": links,
            "gaps": gaps, "expiry": cert["expiry"], "expiry_text": expiry,
            "required": [certificate_label(c, m) for c in cert["required"]]}


def _checklist_view(summary: Mapping[str, Any], index: Mapping[str, Any], m: Messages,
                    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    models = model_clauses()
    other = next(x for x in UI_LANGS if x != m.lang)
    order = {s: n for n, s in enumerate(("missing", "excluded", "expired", "present"))}
    problems: list[dict[str, Any]] = []
    present: list[dict[str, Any]] = []
    for item in sorted(summary["checklist"], key=lambda i: order[i["status"]]):
        model = models.get(item["id"]) or {}
        view = {"id": item["id"] if safe_id(item["id"]) else "item",
                "status": item["status"], "label": m(f"check.status.{item['status']}"),
                "title": title("checklist", item["id"], m.lang),
                "reference": (default_facts().titles["references"].get(item["id"]) or {}).get(
                    m.lang, ""),
                "links": _links(item["clauses"], index, m, limit=6)[0],
                "requirement": (model.get("requirement") or {}).get(m.lang, ""),
                "model": (model.get("model") or {}).get(m.lang, ""),
                "model_other": (model.get("model") or {}).get(other, "")}
        (present if item["status"] == "present" else problems).append(view)
    return problems, present


def citation_index(report: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every segment (and tagged clause) by id, with how it is cited (``_ref``)."""
    refs = reference_index(report)
    index: dict[str, dict[str, Any]] = {
        str(s["id"]): dict(s) for s in report.get("segments") or []
        if isinstance(s, Mapping) and "id" in s}
    for c in report.get("clauses", []):
        if isinstance(c, Mapping) and safe_id(c.get("id")):
            index[str(c["id"])] = {**index.get(str(c["id"]), {}), **c}
    text = report.get("text") if isinstance(report.get("text"), str) else None
    for cid, entry in index.items():
        if cid in refs:
            entry["_ref"] = refs[cid]
        if "text" not in entry and text is not None:
            entry["text"] = text[int(entry.get("start", 0)):int(entry.get("end", 0))]
    return index


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


def _snippet(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def entry_verdict(entry: Mapping[str, Any], report: Mapping[str, Any] | None,
                  reference_date: date | None) -> dict[str, Any] | None:
    """The certificate and checklist verdict of one analysed input, for the index and tables.

    From its report when there is one (``summarize``); else from the entry's own keys
    (``declared_certificate``, ``certificate_gaps``, ``checklist_missing``), if any.
    """
    if entry.get("status") not in OK_STATUSES:
        return None
    if report is not None:
        s = summarize(report, reference_date)
        cert = s["certificate"]
        return {"declared": cert["declared"], "scope": cert["scope"],
                "scope_known": cert["scope_known"], "gaps": cert["gaps"],
                "gap_texts": [], "expiry": cert["expiry"], "valid_until": cert["valid_until"],
                "performed": cert["performed"], "required": cert["required"],
                "problems": [i["id"] for i in s["checklist"] if i["status"] != "present"],
                "counts": s["counts"]}
    declared = entry.get("declared_certificate")
    gap_texts = [str(g) for g in entry.get("certificate_gaps") or []]
    return {"declared": bool(declared),
            "scope": list(declared.get("activities") or []) if isinstance(declared, Mapping)
            else [],
            "scope_known": isinstance(declared, Mapping) and bool(declared.get("activities")),
            "gaps": [], "gap_texts": gap_texts, "expiry": "unknown", "valid_until": None,
            "performed": [],
            "required": [str(c) for c in entry.get("certificates_required") or []],
            "problems": [str(i) for i in entry.get("checklist_missing") or []],
            "counts": None}


def looks_like_a_contract(entry: Mapping[str, Any],
                          verdict: Mapping[str, Any] | None) -> bool:
    """An analysed input with no tagged clause and no mandatory clause present is probably not a
    hosting contract (a shopping list, a letter): it is shown apart and kept out of the charts,
    instead of counting as a contract "missing all 15 clauses"."""
    if entry.get("status") != "ok":
        return False
    if _int(entry.get("clauses")) > 0:
        return True
    counts = (verdict or {}).get("counts")
    if counts:
        return bool(counts.get("findings") or counts.get("present"))
    from analyzer.taxonomy import CHECKLIST_IDS

    return len(entry.get("checklist_missing") or CHECKLIST_IDS) < len(CHECKLIST_IDS)


def batch_summary(entries: Sequence[Mapping[str, Any]],
                  verdicts: Mapping[int, Mapping[str, Any] | None] | None = None,
                  ) -> dict[str, Any]:
    """Counts behind the index tiles and charts, computed once.

    Inputs without readable text (``ok_no_text``) and inputs that do not look like a contract
    (``looks_like_a_contract``) count as analysed but stay out of the charts and of the
    certificate counts: they say nothing about a contract.

    Args:
        entries: the index entries.
        verdicts: ``entry_verdict`` by position in ``entries`` (default: from the entries).
    """
    verdicts = verdicts if verdicts is not None else {
        n: entry_verdict(e, None, None) for n, e in enumerate(entries)}
    statuses = Counter("analysed" if e.get("status") in OK_STATUSES
                       else "skipped" if e.get("status") == "skipped" else "failed"
                       for e in entries)
    readable = [n for n, e in enumerate(entries) if looks_like_a_contract(e, verdicts.get(n))]
    per_target = {t: sum(1 for n in readable
                         if _int((entries[n].get("coverage") or {}).get(t)) > 0)
                  for t in TARGETS}
    missing = Counter(i for n in readable for i in ((verdicts.get(n) or {}).get("problems")
                                                    or []))
    certs = Counter(c for n in readable for c in ((verdicts.get(n) or {}).get("required")
                                                  or []))
    gaps = sum(1 for n in readable if (verdicts.get(n) or {}).get("gaps")
               or (verdicts.get(n) or {}).get("gap_texts"))
    expired = sum(1 for n in readable if (verdicts.get(n) or {}).get("expiry") == "expired")
    return {"total": len(entries), "analysed": statuses["analysed"],
            "skipped": statuses["skipped"], "failed": statuses["failed"],
            "no_text": sum(1 for e in entries if e.get("status") == "ok_no_text"),
            "not_contract": sum(1 for n, e in enumerate(entries) if e.get("status") == "ok"
                                and not looks_like_a_contract(e, verdicts.get(n))),
            "readable": len(readable),
            "per_target": per_target, "missing": missing.most_common(8),
            "certificates": dict(sorted(certs.items())),
            "certificate_gaps": gaps, "certificate_expired": expired}


def _wrap(label: str, width: int) -> list[str]:
    """A chart label on at most two lines of about ``width`` characters (then an ellipsis)."""
    import textwrap

    lines = textwrap.wrap(label, width=width, break_long_words=True) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width=width, placeholder="…")]
    return lines


def _bar_chart(rows: Sequence[tuple[str, str, int]], total: int, title: str,
               m: Messages) -> Markup:
    """A horizontal SVG bar chart: (label, css class, value) rows; values out of ``total``.

    Each row is its label (wrapped on two lines at most) above its bar, in a drawing narrow
    enough to keep the labels readable once scaled down to a phone's width.
    """
    bar_w, pad, line_h, wrap_at = 330, 4, 15, 50
    width = bar_w + 50
    parts: list[str] = []
    y = pad
    for label, css, value in rows:
        lines = _wrap(label, wrap_at)
        w = 0 if total <= 0 else round(bar_w * value / total)
        spans = "".join(f'<tspan x="0" dy="{line_h if n else 0}">{escape(line)}</tspan>'
                        for n, line in enumerate(lines))
        top = y + 13
        bar_y = y + 6 + line_h * len(lines)
        parts.append(
            f'<g><title>{escape(m("index.chart_value", label=label, n=value, total=total))}'
            f'</title>'
            f'<text x="0" y="{top}" class="lbl">{spans}</text>'
            f'<rect x="0" y="{bar_y}" width="{bar_w}" height="14" class="track"/>'
            f'<rect x="0" y="{bar_y}" width="{w}" height="14" class="bar {css}"/>'
            f'<text x="{bar_w + 8}" y="{bar_y + 12}" class="val">{value}</text></g>')
        y = bar_y + 14 + 10
    if not rows:
        parts.append(f'<text x="0" y="{pad + 16}" class="lbl">'
                     f'{escape(m("index.chart_empty"))}</text>')
        y = pad + 30
    height = y + pad
    head = (f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{escape(title)}">'
            f"<title>{escape(title)}</title>")
    return Markup(head + "".join(parts) + "</svg>")


def index_status_label(entry: Mapping[str, Any], m: Messages) -> str:
    """An input's status in words: analysed, no readable text, skipped, failed (why)."""
    status = str(entry.get("status", ""))
    if status == "ok":
        return m("index.status_ok")
    if status == "ok_no_text":
        return m("index.status_no_text")
    if status == "skipped":
        return m("index.status_skipped")
    return m("index.status_failed", status=m(f"failure.{status}")
             if m.has(f"failure.{status}") else status.replace("_", " "))


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
