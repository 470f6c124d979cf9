"""Per-contract Word memo (``<name>.docx``): what legal teams circulate.

The memo holds the same verdict as the HTML report (``analyzer.report.verdict``): HDS activities
with article numbers, the certificate verdict, the mandatory clauses missing, excluded or
expired with what the text requires and a model clause, key facts, and the evidence excerpts.
It is written in the interface language and is deterministic: same report and options, same
bytes (fixed document properties and ZIP entry dates).
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from analyzer.report.i18n import Messages, ReportOptions, resolve
from analyzer.report.review import DocumentReview
from analyzer.taxonomy_facts import TaxonomyFacts

log = logging.getLogger(__name__)

_FIXED = datetime(2000, 1, 1)
_ZIP_DATE = (2000, 1, 1, 0, 0, 0)
_EXCERPT = 700
# Characters XML 1.0 forbids (python-docx would refuse them): shown as U+FFFD.
_ILLEGAL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF], "\ufffd")


def _text(value: Any) -> str:
    text = str(value).translate(_ILLEGAL)
    return text.encode("utf-8", "replace").decode("utf-8")


def _normalise_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1].rstrip() + "…"


def _review_tables(review: DocumentReview, summary: Mapping[str, Any],
                   index: Mapping[str, Any], m: Messages,
                   ) -> list[tuple[str, list[str], list[list[str]]]]:
    """(heading, header, rows) of the reviewer's work: findings decided or corrected, added
    clauses, checklist items set."""
    from analyzer.report.html import ref_label
    from analyzer.report.review_view import added_view, checklist_rows, correction_text

    def ref(cid: str) -> str:
        return ref_label(index.get(cid), m) if cid in index else cid

    who = m("review.memo.col_reviewer")
    decided = [[ref(str(d["clause"])),
                m(f"table.decision.{d['decision']}") if d.get("decision") else "—",
                correction_text(d.get("correction"), m) or "—", d.get("comment") or "",
                d.get("reviewer") or ""]
               for d in sorted(review.decisions.values(), key=lambda d: str(d["clause"]))]
    added = [[ref(a["clause"]), _excerpt(a["excerpt"]), a["what"], a["comment"], a["reviewer"]]
             for a in (added_view(r, m) for r in review.added)]
    items = [[r["title"], r["tool"], r["label"], r["clause_ref"], r["comment"], r["reviewer"]]
             for r in checklist_rows(summary, review, m) if r["status"]]
    return [t for t in (
        (m("review.memo.findings_h"), [m("review.memo.col_clause"), m("review.memo.col_decision"),
                                       m("review.memo.col_correction"),
                                       m("review.memo.col_comment"), who], decided),
        (m("review.memo.added_h"), [m("review.memo.col_clause"), m("review.memo.col_excerpt"),
                                    m("review.memo.col_correction"),
                                    m("review.memo.col_comment"), who], added),
        (m("review.memo.checklist_h"), [m("review.memo.col_item"), m("review.memo.col_tool"),
                                        m("review.memo.col_status"), m("review.memo.col_ref"),
                                        m("review.memo.col_comment"), who], items),
    ) if t[2]]


def render_memo(report: Mapping[str, Any], options: ReportOptions | None = None,
                review: DocumentReview | None = None,
                taxonomy: TaxonomyFacts | None = None) -> bytes:
    """The Word memo of one report (DOCX bytes).

    Args:
        report: the JSON report (schema ``hds-analyzer/report/1``).
        options: interface language and reference date (default: the environment's).
        review: the stored reviewer decisions (``analyzer.report.review.review_for``): shown
            in a "legal review" section and next to the checklist items the reviewer set.
        taxonomy: the taxonomy of the run (its titles; ``--patterns``); default the shipped one.
    """
    from docx import Document
    from docx.shared import Pt

    from analyzer.report.facts_view import fact_rows
    from analyzer.report.html import (
        _activity_rows,
        _checklist_view,
        _clean,
        certificate_view,
        citation_index,
        format_date,
        plain_explanation,
        ref_label,
    )
    from analyzer.report.verdict import summarize

    options = resolve(options)
    m = options.m
    summary = summarize(report, options.reference_date)
    clauses = {str(c["id"]): c for c in report.get("clauses", []) if "id" in c}
    index = citation_index(report)
    cert = certificate_view(report, summary, index, m, taxonomy)
    problems, present = _checklist_view(summary, index, m, taxonomy)
    c = summary["counts"]
    path = _clean(str(report["document"].get("path", "")))

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10.5)
    props = doc.core_properties
    props.author = props.last_modified_by = "hds-analyzer"
    props.title = _text(m("memo.title", path=path))[:_CORE_PROPERTY_MAX]
    props.language = "fr-FR" if m.lang == "fr" else "en-GB"
    props.revision = 1
    props.created = props.modified = props.last_printed = _FIXED

    def para(text: str, style_name: str | None = None, bold: bool = False) -> None:
        p = doc.add_paragraph(style=style_name)
        run = p.add_run(_text(text))
        run.bold = bold

    def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
        t = doc.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(_text(text)).bold = True
        for values in rows:
            cells = t.add_row().cells
            for cell, text in zip(cells, values, strict=True):
                cell.text = _text(text)

    doc.add_heading(_text(m("memo.title", path=path)), level=0)
    ref = format_date(options.reference_date.isoformat(), m) if options.reference_date \
        else m("meta.reference_date_none")
    para(m("memo.meta", ref=ref, sha=str(report["document"].get("sha256", ""))[:12] or "—",
           rules=str(report["document"].get("rules_version", "")) or "—"))
    para(m("memo.disclaimer"), bold=False)

    doc.add_heading(_text(m("verdict.h")), level=1)
    for line in (m("verdict.lead_activities", n=c["activities_performed"],
                   total=c["activities_total"]),
                 cert["headline"],
                 m("verdict.lead_checklist", n=c["checklist_problems"],
                   total=c["checklist_total"])):
        para(line[:1].upper() + line[1:], "List Bullet")

    doc.add_heading(_text(m("verdict.activities_h")), level=1)
    table([m("verdict.col_activity"), m("verdict.col_verdict"), m("verdict.col_confidence"),
           m("verdict.col_clauses")],
          [(f"{a['key']} – {a['title']}", a["label"], a["confidence_label"] or "—",
            ", ".join(lk["ref"] for lk in a["links"])
            + (f" {m('verdict.more', n=a['more'])}" if a["more"] else "")
            + (f" ({a['also']})" if a["also"] else ""))
           for a in _activity_rows(summary, index, m, taxonomy)])

    doc.add_heading(_text(m("cert.h")), level=1)
    para(cert["headline"], bold=True)
    rows = [(m("cert.required"), ", ".join(cert["required"]) or m("cert.required_none")),
            *cert["rows"]]
    if cert["links"]:
        rows.append((m("cert.evidence"), ", ".join(lk["ref"] for lk in cert["links"])))
    table([m("memo.field"), m("memo.value")], rows)
    for g in cert["gaps"]:
        refs = ", ".join(lk["ref"] for lk in g["links"])
        para(g["text"] + (f" ({refs})" if refs else ""), "List Bullet")
    para(f"{m('cert.validity')} {cert['expiry_text']}")

    doc.add_heading(_text(m("check.h")), level=1)
    para(m("check.counts", present=c["present"], total=c["checklist_total"],
           missing=c["missing"], excluded=c["excluded"], expired=c["expired"]))
    review = review or DocumentReview()

    def reviewed(item_id: str) -> str:
        rec = review.checklist.get(item_id)
        if not rec:
            return ""
        return " — " + m("review.memo.reviewed", who=rec.get("reviewer") or "?",
                         status=m(f"check.status.{rec['status']}"))

    for item in problems:
        doc.add_heading(_text(f"{item['label']} – {item['title']} ({item['reference']})"
                              + reviewed(item["id"])), level=2)
        if item["links"]:
            para(f"{m('check.evidence')} {', '.join(lk['ref'] for lk in item['links'])}")
        if item["requirement"]:
            para(f"{m('check.requirement')} {item['requirement']}")
        if item["model"]:
            para(m("check.model_clause"), bold=True)
            para(item["model"], "Quote")
    if present:
        para(m("check.present_summary", n=len(present)), bold=True)
        for item in present:
            refs = ", ".join(lk["ref"] for lk in item["links"])
            para(item["title"] + (f" ({refs})" if refs else "") + reviewed(item["id"]),
                 "List Bullet")

    sections = _review_tables(review, summary, index, m)
    if sections:
        doc.add_heading(_text(m("review.memo.h")), level=1)
        para(m("review.memo.lead"))
        for heading, header, rows_ in sections:
            doc.add_heading(_text(heading), level=2)
            table(header, rows_)

    doc.add_heading(_text(m("facts.h")), level=1)
    facts = fact_rows(report.get("facts") or {}, m)
    if facts:
        table([m("memo.field"), m("memo.value")], [(f["label"], f["value"]) for f in facts])
    else:
        para(m("facts.none"))

    doc.add_heading(_text(m("memo.evidence_h")), level=1)
    wanted: list[str] = []
    for a in summary["activities"]:
        wanted.extend(a["clauses"][:3])
    declared = report.get("declared_certificate")
    if isinstance(declared, Mapping):
        wanted.extend(str(x) for x in declared.get("clauses") or [])
    order = {cid: n for n, cid in enumerate(index)}
    for cid in sorted(dict.fromkeys(w for w in wanted if w in index), key=order.__getitem__):
        seg = index[cid]
        text = seg.get("text")
        if text is None and isinstance(report.get("text"), str):
            text = report["text"][seg.get("start", 0):seg.get("end", 0)]
        p = doc.add_paragraph()
        p.add_run(_text(ref_label(seg, m) + " — ")).bold = True
        if cid in clauses:
            p.add_run(_text(plain_explanation(clauses[cid], m))).italic = True
        para(_excerpt(str(text or "")), "Quote")

    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue())


_CORE_PROPERTY_MAX = 255  # python-docx refuses longer core properties (a long file name)
