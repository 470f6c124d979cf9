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
from functools import lru_cache
from importlib.resources import files
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from analyzer.report.review import clause_key

TARGETS: tuple[str, ...] = ("A1", "A2", "A3", "A4", "A5", "A6", "infogerance", "transversal")
CATEGORIES: tuple[str, ...] = ("hosting", "maintenance", "security", "training",
                               "project_management")
STATUSES: tuple[str, ...] = ("included", "conditional", "excluded", "definition")
STATUS_LABELS = {"included": "Included", "conditional": "Conditional / optional",
                 "excluded": "Excluded / client's duty", "definition": "Definition only"}
CHECK_LABELS = {"present": "Present", "missing": "Missing", "excluded": "Excluded"}
TARGET_SHORT = {"infogerance": "Infogérance", "transversal": "Transversal"}
CERT_SHORT = {"infogereur": "infogéreur", "infrastructure_physique": "infra. physique"}
CERT_LABELS = {"infogereur": "Hébergeur infogéreur (A3\u2013A6)",
               "infrastructure_physique": "Hébergeur d'infrastructure physique (A1\u2013A2)"}
OK_STATUSES = ("ok", "ok_no_text")

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
    TARGETS=TARGETS, CATEGORIES=CATEGORIES, STATUSES=STATUSES, STATUS_LABELS=STATUS_LABELS,
    CHECK_LABELS=CHECK_LABELS, safe_id=safe_id, report_href=report_href,
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


@lru_cache(maxsize=1)
def _taxonomy_titles() -> dict[str, dict[str, dict[str, str]]]:
    """Titles of targets, categories, topics and checklist items (fr/en), ids when unavailable."""
    out: dict[str, dict[str, dict[str, str]]] = {"targets": {}, "categories": {}, "topics": {},
                                                 "checklist": {}, "references": {}}
    try:
        from analyzer.resources import default_patterns_dir
        from analyzer.taxonomy import load_taxonomy

        tax = load_taxonomy(default_patterns_dir() / "taxonomy.yaml")
    except Exception:  # titles are cosmetic: fall back to ids rather than fail a report
        return out
    for target_key, target in tax.targets.items():
        out["targets"][target_key] = target.title.model_dump()
    for cat_key, cat in tax.categories.items():
        out["categories"][cat_key] = cat.title.model_dump()
        for topic_key, topic in cat.topics.items():
            out["topics"][f"{cat_key}.{topic_key}"] = topic.title.model_dump()
    for item_key, item in tax.checklist.items():
        out["checklist"][item_key] = item.title.model_dump()
        out["references"][item_key] = {"fr": item.reference, "en": item.reference}
    return out


def _title(kind: str, key: str, lang: str) -> str:
    titles = _taxonomy_titles()[kind].get(key)
    if not titles:
        return key.replace("_", " ").capitalize() if kind != "targets" else key
    return titles.get(lang) or titles.get("en") or key


def category_label(key: str) -> str:
    """English label of a category (UI language)."""
    return _title("categories", key, "en")


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


def _finding(clause: Mapping[str, Any], lang: str, decision: Mapping[str, Any] | None,
             key: str) -> dict[str, Any]:
    cats = [str(c) for c in clause.get("categories", [])]
    rules = sorted({str(h.get("rule", "")) for h in clause.get("hits", [])})
    matched = list(dict.fromkeys(str(h.get("text", "")) for h in clause.get("hits", [])))
    return {
        "categories": [{"key": c, "css": _css(c), "label": category_label(c)} for c in cats],
        "topics": [{"key": t, "label": _title("topics", str(t), lang)}
                   for t in clause.get("topics", [])],
        "mapping": [{"key": m, "label": _title("targets", str(m), lang)}
                    for m in clause.get("mapping", [])],
        "status": clause.get("status", "included") if clause.get("status") in STATUSES
        else "included",
        "party": clause.get("party") or "",
        "rules": rules,
        "matched": matched,
        "explanation": clause.get("explanation", ""),
        "key": key,
        "decision": {"decision": decision.get("decision"), "comment": decision.get("comment") or "",
                     "reviewer": decision.get("reviewer") or "unknown",
                     "at": decision.get("at") or ""} if decision else None,
        "main_css": _css(cats[0]) if cats else "other",
    }


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


_ID_IN_TEXT = re.compile(r"\b[cC]\d{3,6}\b")
_DECLARED_LABELS = {"activities": "Activities", "scopes": "Certificate", "number": "Number",
                    "body": "Certifying body", "issued": "Issued", "valid_until": "Valid until"}


def _linkify_ids(text: str, known: Mapping[str, Any]) -> Markup:
    """Escape text and turn the clause ids it mentions (``c0042``) into in-page links."""
    out: list[str] = []
    last = 0
    for m in _ID_IN_TEXT.finditer(text):
        cid = m.group()
        if cid not in known or safe_id(cid) is None:
            continue
        out.append(str(visible(text[last:m.start()])))
        number = (known[cid] or {}).get("number")
        label = f"{cid} (§{number})" if number else cid
        out.append(f'<a href="#{cid}" class="jump">{escape(label)}</a>')
        last = m.end()
    out.append(str(visible(text[last:])))
    return Markup("".join(out))


def _declared(value: Any, lang: str, segments: Mapping[str, Any]) -> dict[str, Any] | None:
    """Rows and evidence links of ``declared_certificate`` (a dict, or any other JSON value)."""
    if value is None or value == {} or value == []:
        return None
    if not isinstance(value, Mapping):
        return {"rows": [("Declared", fmt(value))], "links": []}
    rows = []
    for key, v in value.items():
        if key == "clauses" or v in (None, "", []):
            continue
        if key == "activities" and isinstance(v, list):
            text = ", ".join(f"{a} \u2013 {_title('targets', str(a), lang)}" for a in v)
        elif key == "scopes" and isinstance(v, list):
            text = ", ".join(CERT_LABELS.get(str(x), str(x)) for x in v)
        else:
            text = fmt(v)
        rows.append((_DECLARED_LABELS.get(key, key.replace("_", " ").capitalize()), text))
    links = [{"id": c, "number": (segments.get(c) or {}).get("number")}
             for c in value.get("clauses") or [] if safe_id(c) and c in segments]
    return {"rows": rows, "links": links}


def render_document(report: Mapping[str, Any],
                    reviews: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """Render one document's report page.

    Args:
        report: the JSON report dict (schema ``hds-analyzer/report/1``), ideally with ``text``
            and ``segments``; without them only the tagged clauses are shown.
        reviews: stored reviewer decisions for this document, by review key
            (see ``analyzer.report.review.decisions_for``).
    """
    reviews = reviews or {}
    doc = report["document"]
    lang = doc.get("language") if isinstance(doc.get("language"), str) \
        and _LANG.match(doc.get("language", "")) else "und"
    title_lang = lang if lang in ("fr", "en") else "en"
    tagged = {c["id"]: c for c in report.get("clauses", []) if safe_id(c.get("id"))}
    findings: dict[str, dict[str, Any]] = {}
    for cid, clause in tagged.items():
        key = clause_key(cid, clause.get("text", ""))
        findings[cid] = _finding(clause, title_lang, reviews.get(key), key)
    ocr_pages = set(doc.get("ocr_pages") or [])
    seg_index: dict[str, Any] = {s["id"]: s for s in report.get("segments") or []
                                 if isinstance(s, Mapping) and "id" in s}
    seg_index.update(tagged)
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
                     "ref": seg.get("number") or sid, "body": body, "finding": finding,
                     "level": level})
    counts = Counter(c for f in findings.values() for c in (x["key"] for x in f["categories"]))
    map_counts = Counter(m["key"] for f in findings.values() for m in f["mapping"])
    status_counts = Counter(f["status"] for f in findings.values())
    coverage = []
    cov = report.get("coverage", {})
    for t in TARGETS:
        ids = [i for i in cov.get(t, []) if i in tagged]
        coverage.append({"key": t, "short": TARGET_SHORT.get(t, t),
                         "title": _title("targets", t, title_lang), "ids": ids,
                         "links": [{"id": i, "number": tagged[i].get("number"),
                                    "snippet": _snippet(tagged[i].get("text", ""))} for i in ids]})
    checklist = []
    for item in report.get("checklist", []):
        status = item.get("status") if item.get("status") in CHECK_LABELS else "missing"
        checklist.append({
            "id": item.get("id", ""), "status": status,
            "title": _title("checklist", str(item.get("id", "")), title_lang),
            "links": [{"id": i, "number": (seg_index.get(i) or {}).get("number")}
                      for i in item.get("clauses", []) if safe_id(i) and i in seg_index],
        })
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
    }
    script, style = _asset("document.js"), _asset("document.css")
    html = _ENV.get_template("document.html").render(
        report=report, doc=doc, lang=lang, rows=rows, findings=findings,
        coverage=coverage, checklist=checklist, facts=report.get("facts") or {},
        categories=[c for c in CATEGORIES if counts.get(c)] + extra_categories,
        cat_counts=counts, map_counts=map_counts, status_counts=status_counts,
        category_label=category_label, csp=content_security_policy([script], [style]),
        script=Markup(script), style=Markup(style), data=json_script(data),
        cert_labels=CERT_LABELS, has_gaps="certificate_gaps" in report,
        declared=_declared(report.get("declared_certificate"), title_lang, seg_index),
        gaps=[_linkify_ids(fmt(g), seg_index) for g in report.get("certificate_gaps") or []],
        missing=sum(1 for c in checklist if c["status"] == "missing"),
        covered=sum(1 for c in coverage if c["ids"]),
    )
    return _clean(html)


def _snippet(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def batch_summary(entries: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts behind the index charts: statuses, contracts per target, most missing items."""
    ok = [e for e in entries if e.get("status") in OK_STATUSES]
    statuses = Counter("analysed" if e.get("status") in OK_STATUSES
                       else "skipped" if e.get("status") == "skipped" else "failed"
                       for e in entries)
    per_target = {t: sum(1 for e in ok if _int((e.get("coverage") or {}).get(t)) > 0)
                  for t in TARGETS}
    missing = Counter(i for e in ok for i in (e.get("checklist_missing") or []))
    certs = Counter(c for e in ok for c in (e.get("certificates_required") or []))
    return {"total": len(entries), "analysed": statuses["analysed"],
            "skipped": statuses["skipped"], "failed": statuses["failed"],
            "per_target": per_target, "missing": missing.most_common(8),
            "certificates": dict(sorted(certs.items()))}


def _bar_chart(rows: Sequence[tuple[str, str, int]], total: int, title: str) -> Markup:
    """A horizontal SVG bar chart: (label, css class, value) rows; values out of ``total``.

    Each row is a label line above its bar, so long French titles are never clipped.
    """
    bar_w, row_h, pad = 440, 40, 4
    height = pad * 2 + row_h * max(1, len(rows))
    width = bar_w + 50
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(title)}">'
             f"<title>{escape(title)}</title>"]
    for n, (label, css, value) in enumerate(rows):
        y = pad + n * row_h
        w = 0 if total <= 0 else round(bar_w * value / total)
        parts.append(
            f'<g><title>{escape(label)}: {value} of {total}</title>'
            f'<text x="0" y="{y + 13}" class="lbl">{escape(label)}</text>'
            f'<rect x="0" y="{y + 18}" width="{bar_w}" height="16" class="track"/>'
            f'<rect x="0" y="{y + 18}" width="{w}" height="16" class="bar {css}"/>'
            f'<text x="{bar_w + 8}" y="{y + 31}" class="val">{value}</text></g>')
    if not rows:
        parts.append(f'<text x="0" y="{pad + 16}" class="lbl">nothing to show</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def render_index(entries: Sequence[Mapping[str, Any]]) -> str:
    """Render the batch index: one row per input (analysed, skipped or failed, with the reason),
    sortable and filterable, with a summary of the batch drawn as inline SVG."""
    summary = batch_summary(entries)
    ok_total = summary["analysed"]
    target_rows = [(f"{TARGET_SHORT.get(t, t)} \u2013 {_title('targets', t, 'fr')}",
                    "t-" + t.lower(), summary["per_target"][t]) for t in TARGETS]
    missing_rows = [(_title("checklist", i, "fr"), "t-missing", n) for i, n in summary["missing"]]
    rows = []
    for e in entries:
        status = str(e.get("status", ""))
        group = "ok" if status in OK_STATUSES else "skipped" if status == "skipped" else "failed"
        cov = e.get("coverage") or {}
        rows.append({
            "path": _clean(str(e.get("path", ""))), "status": status, "group": group,
            "reason": _clean(str(e.get("reason") or "")), "language": e.get("language") or "",
            "clauses": _int(e.get("clauses")) if group == "ok" else None,
            "coverage": {t: _int(cov.get(t)) for t in TARGETS} if group == "ok" else None,
            "certificates": list(e.get("certificates_required") or []),
            "cert_gaps": [fmt(g) for g in (e.get("certificate_gaps") or [])],
            "missing": [(i, _title("checklist", str(i), "fr"))
                        for i in (e.get("checklist_missing") or [])],
            "warnings": [_clean(str(w)) for w in (e.get("warnings") or [])],
            "href": report_href(e.get("html")),
            "covered": " ".join(t for t in TARGETS if cov.get(t)),
            "unchanged": bool(e.get("unchanged")),
        })
    script, style = _asset("index.js"), _asset("index.css")
    html = _ENV.get_template("index.html").render(
        rows=rows, summary=summary, ok_total=ok_total,
        chart_targets=_bar_chart(target_rows, ok_total, "Contracts per HDS activity"),
        chart_missing=_bar_chart(missing_rows, ok_total,
                                 "Most often missing or excluded checklist items"),
        target_short=TARGET_SHORT, cert_labels=CERT_LABELS, cert_short=CERT_SHORT,
        csp=content_security_policy([script], [style]),
        script=Markup(script), style=Markup(style),
    )
    return _clean(html)
