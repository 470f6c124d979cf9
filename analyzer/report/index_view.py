"""The view model of the batch index: each input's verdict, the batch counts, the SVG charts,
status words. Plain data (and inline SVG) for the template and the tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from analyzer.report.i18n import Messages
from analyzer.report.labels import certificate_label, format_date, title
from analyzer.report.markup import _clean, report_href
from analyzer.report.verdict import summarize
from analyzer.statuses import ANALYSED, OK, OK_NO_TEXT, SKIPPED
from analyzer.taxonomy_facts import TaxonomyFacts, default_facts

TARGETS: tuple[str, ...] = default_facts().targets


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
    if entry.get("status") not in ANALYSED:
        return None
    if report is not None:
        s = summarize(report, reference_date)
        cert = s["certificate"]
        return {"declared": cert["declared"], "scope": cert["scope"],
                "scope_known": cert["scope_known"], "gaps": cert["gaps"],
                "gap_texts": [], "expiry": cert["expiry"], "valid_until": cert["valid_until"],
                "performed": cert["performed"], "required": cert["required"],
                "problems": [i["id"] for i in s["checklist"] if i["status"] != "present"],
                "counts": s["counts"], "activities": s["activities"]}
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
            "counts": None, "activities": []}


def looks_like_a_contract(entry: Mapping[str, Any],
                          verdict: Mapping[str, Any] | None) -> bool:
    """An analysed input with no tagged clause and no mandatory clause present is probably not a
    hosting contract (a shopping list, a letter): it is shown apart and kept out of the charts,
    instead of counting as a contract "missing all 15 clauses"."""
    if entry.get("status") != OK:
        return False
    if _int(entry.get("clauses")) > 0:
        return True
    counts = (verdict or {}).get("counts")
    if counts:
        return bool(counts.get("findings") or counts.get("present"))
    checklist = default_facts().checklist
    return len(entry.get("checklist_missing") or checklist) < len(checklist)


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
    statuses = Counter("analysed" if e.get("status") in ANALYSED
                       else "skipped" if e.get("status") == SKIPPED else "failed"
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
            "no_text": sum(1 for e in entries if e.get("status") == OK_NO_TEXT),
            "not_contract": sum(1 for n, e in enumerate(entries) if e.get("status") == OK
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
    if status == OK:
        return m("index.status_ok")
    if status == OK_NO_TEXT:
        return m("index.status_no_text")
    if status == SKIPPED:
        return m("index.status_skipped")
    return m("index.status_failed", status=m(f"failure.{status}")
             if m.has(f"failure.{status}") else status.replace("_", " "))


def index_row(e: Mapping[str, Any], v: Mapping[str, Any] | None, m: Messages,
              tax: TaxonomyFacts | None = None) -> dict[str, Any]:
    """One input's row of the index (status, counts, certificate cell, missing items, link),
    given its verdict (``entry_verdict``)."""
    targets = (tax or default_facts()).targets
    status = str(e.get("status", ""))
    group = "ok" if status in ANALYSED else "skipped" if status == SKIPPED else "failed"
    cov = e.get("coverage") or {}
    contract = looks_like_a_contract(e, v)
    label = index_status_label(e, m) if contract or status != OK \
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
    return {
        "path": _clean(str(e.get("path", ""))), "status": status, "group": group,
        "contract": contract,
        "status_label": label,
        "reason": _clean(str(e.get("reason") or "")), "language": e.get("language") or "",
        "clauses": _int(e.get("clauses")) if group == "ok" else None,
        "coverage": {t: _int(cov.get(t)) for t in targets} if group == "ok" else None,
        "certificates": [{"short": m(f"certificate.short.{c}")
                          if m.has(f"certificate.short.{c}") else str(c),
                          "label": certificate_label(str(c), m)}
                         for c in (v["required"] if v else
                                   e.get("certificates_required") or [])],
        "cert": cert_cell,
        "missing": [(i, title("checklist", str(i), m.lang, tax)) for i in problems],
        "warnings": [_clean(str(w)) for w in (e.get("warnings") or [])],
        "href": report_href(e.get("html")),
        "covered": " ".join(t for t in targets if cov.get(t)),
        "has_gap": bool(cert_cell and cert_cell["gaps"]),
        "unchanged": bool(e.get("unchanged")),
    }
