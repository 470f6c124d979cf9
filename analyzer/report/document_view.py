"""The view model of a document page: clause rows with their findings, the activity,
certificate and checklist verdicts in words, the citation index. Plain data for the template."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from analyzer.report import review_view
from analyzer.report.explain import plain_explanation
from analyzer.report.facts_view import fmt_value
from analyzer.report.i18n import UI_LANGS, Messages
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
from analyzer.report.markup import plain, safe_id, visible
from analyzer.report.review import DocumentReview, clause_key
from analyzer.report.verdict import model_clauses, reference_index
from analyzer.taxonomy_facts import TaxonomyFacts, default_facts


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


def _snippet(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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


def _finding(clause: Mapping[str, Any], m: Messages, decision: Mapping[str, Any] | None,
             key: str, tax: TaxonomyFacts | None = None) -> dict[str, Any]:
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
        "categories": [{"key": c, "css": _css(c), "label": category_label(c, m.lang, tax)}
                       for c in cats],
        "topics": [{"key": t, "label": title("topics", str(t), m.lang, tax)}
                   for t in clause.get("topics", [])],
        "mapping": [{"key": t, "short": target_short(str(t), m),
                     "label": title("targets", str(t), m.lang, tax)}
                    for t in clause.get("mapping", [])],
        "status": clause.get("status", "included") if clause.get("status") in STATUSES
        else "included",
        "party": clause.get("party") or "",
        "rules": rules, "matched": matched,
        "explanation": clause.get("explanation", ""),
        "plain": plain_explanation(clause, m, tax),
        "key": key, "decision": dec, "badge": badge, "state": state,
        "fix": review_view.correction_text(decision.get("correction") if decision else None, m),
        "main_css": _css(cats[0]) if cats else "other",
    }


def _activity_rows(summary: Mapping[str, Any], index: Mapping[str, Any],
                   m: Messages, tax: TaxonomyFacts | None = None) -> list[dict[str, Any]]:
    rows = []
    for a in summary["activities"]:
        links, more = _links(a.clauses, index, m, limit=6)
        also = []
        if a.also_optional:
            also.append(m("verdict.also_optional", refs=", ".join(
                lk["ref"] for lk in _links(a.also_optional, index, m, limit=4)[0])))
        if a.also_excluded:
            also.append(m("verdict.also_excluded", refs=", ".join(
                lk["ref"] for lk in _links(a.also_excluded, index, m, limit=4)[0])))
        rows.append({"key": a.key, "title": title("targets", a.key, m.lang, tax),
                     "verdict": a.verdict, "label": m(f"activity.{a.verdict}"),
                     "strong": a.strong, "confidence": a.confidence,
                     "confidence_label": m(f"verdict.confidence.{a.confidence}")
                     if a.confidence else "",
                     "links": links, "more": more,
                     "also": "; ".join(also)})
    return rows


def _expiry_text(cert: Mapping[str, Any], m: Messages) -> str:
    """The certificate's validity against the reference date, in words."""
    if cert["expiry"] in ("valid", "expired"):
        return m(f"cert.expiry_{cert['expiry']}", date=format_date(cert["valid_until"], m),
                 ref=format_date(cert["reference_date"], m))
    if cert["expiry"] == "unchecked":
        return m("cert.expiry_unchecked", date=format_date(cert["valid_until"], m))
    return m("cert.expiry_unknown") if cert["declared"] else m("cert.expiry_no_certificate")


def certificate_view(report: Mapping[str, Any], summary: Mapping[str, Any],
                     index: Mapping[str, Any], m: Messages,
                     tax: TaxonomyFacts | None = None) -> dict[str, Any]:
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
            scope = ", ".join(f"{a} \u2013 {title('targets', str(a), m.lang, tax)}"
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
    by_target = {a.key: a for a in summary["activities"]}
    gaps = []
    for t in cert["gaps"]:
        gaps.append({"text": m("cert.gap_item", code=t,
                               title=lower_first(title("targets", t, m.lang, tax)),
                               cert=certificate_label(
                                   (tax or default_facts()).certificate_of.get(t, ""), m)),
                     "links": _links(by_target[t].clauses, index, m, limit=5)[0]})
    expiry = _expiry_text(cert, m)
    unconfirmed = cert.get("unconfirmed") or []
    if unconfirmed:
        rows.append((m("certificate.unconfirmed_h"),
                     m("certificate.unconfirmed", acts=codes(unconfirmed))))
    return {"ok": cert["ok"], "headline": " ".join(sentences), "rows": rows, "links": links,
            "gaps": gaps, "expiry": cert["expiry"], "expiry_text": expiry,
            "required": [certificate_label(c, m) for c in cert["required"]]}


def _checklist_view(summary: Mapping[str, Any], index: Mapping[str, Any], m: Messages,
                    tax: TaxonomyFacts | None = None,
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
                "title": title("checklist", item["id"], m.lang, tax),
                "reference": ((tax or default_facts()).titles["references"].get(item["id"]) or {}).get(
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


def findings_of(report: Mapping[str, Any], review: DocumentReview, m: Messages,
                tax: TaxonomyFacts | None = None,
                ) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The tagged clauses by (safe) id, and the finding shown for each (with its review)."""
    tagged = {c["id"]: c for c in report.get("clauses", []) if safe_id(c.get("id"))}
    findings: dict[str, dict[str, Any]] = {}
    for cid, clause in tagged.items():
        key = clause_key(cid, clause.get("text", ""))
        findings[cid] = _finding(clause, m, review.decisions.get(key), key, tax)
    return tagged, findings


def document_rows(report: Mapping[str, Any], tagged: Mapping[str, Any],
                  findings: Mapping[str, dict[str, Any]], review: DocumentReview,
                  seg_index: Mapping[str, Any], m: Messages) -> list[dict[str, Any]]:
    """The page's rows in reading order: page breaks, then every segment with its highlighted
    text, finding and the clauses the reviewer added after it."""
    added: dict[str, list[dict[str, Any]]] = {}
    for rec in review.added:
        added.setdefault(str(rec["clause"]), []).append(review_view.added_view(rec, m))
    ocr_pages = set(report["document"].get("ocr_pages") or [])
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
    return rows


def verdict_view(report: Mapping[str, Any], summary: Mapping[str, Any],
                 tagged: Mapping[str, Any], seg_index: Mapping[str, Any], m: Messages,
                 tax: TaxonomyFacts | None = None) -> dict[str, Any]:
    """The verdict block of the page: activities, other targets, certificate, checklist and
    the one-line lead, as template variables."""
    cert = certificate_view(report, summary, seg_index, m, tax)
    problems, present = _checklist_view(summary, seg_index, m, tax)
    c = summary["counts"]
    other = []
    for t in (tax or default_facts()).other_targets:
        ids = [i for i in (report.get("coverage") or {}).get(t, []) if i in tagged]
        other.append({"label": m(f"verdict.other.{t}", n=len(ids)),
                      "first": ids[0] if ids else None})
    lead = [m("verdict.lead_activities", n=c["activities_performed"],
              total=c["activities_total"]),
            m("verdict.lead_cert_ok") if cert["ok"] else m("verdict.lead_cert_bad"),
            m("verdict.lead_checklist", n=c["checklist_problems"], total=c["checklist_total"])]
    return {"counts": c, "activities": _activity_rows(summary, seg_index, m, tax),
            "other": other, "cert": cert, "problems": problems, "present": present,
            "checklist_counts": m("check.counts", present=c["present"],
                                  total=c["checklist_total"], missing=c["missing"],
                                  excluded=c["excluded"], expired=c["expired"]),
            "verdict_lead": " · ".join(lead)}


def filter_view(findings: Mapping[str, dict[str, Any]], m: Messages,
                tax: TaxonomyFacts | None = None) -> dict[str, Any]:
    """The filter bar: categories present (taxonomy order, then unknown ones), the counts per
    category, target and status, and their labels, as template variables."""
    tax = tax or default_facts()
    counts = Counter(c for f in findings.values() for c in (x["key"] for x in f["categories"]))
    extra_categories = sorted(set(counts) - set(tax.categories))
    return {
        "categories": [x for x in tax.categories if counts.get(x)] + extra_categories,
        "cat_counts": counts,
        "map_counts": Counter(mp["key"] for f in findings.values() for mp in f["mapping"]),
        "status_counts": Counter(f["status"] for f in findings.values()),
        "status_labels": {s: m(f"status.{s}") for s in STATUSES},
        "target_short": {t: target_short(t, m) for t in tax.targets},
        "category_label": lambda k: category_label(k, m.lang, tax),
    }
