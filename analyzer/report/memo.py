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
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
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


class _Doc:
    """The memo being written: paragraphs, headings and tables of cleaned text."""

    def __init__(self, title: str, lang: str) -> None:
        from docx import Document
        from docx.shared import Pt

        self.doc = doc = Document()
        style = doc.styles["Normal"]
        style.font.name = "Calibri"
        style.font.size = Pt(10.5)
        props = doc.core_properties
        props.author = props.last_modified_by = "hds-analyzer"
        props.title = _text(title)[:_CORE_PROPERTY_MAX]
        props.language = "fr-FR" if lang == "fr" else "en-GB"
        props.revision = 1
        props.created = props.modified = props.last_printed = _FIXED

    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(_text(text), level=level)

    def para(self, text: str, style_name: str | None = None, bold: bool = False) -> None:
        p = self.doc.add_paragraph(style=style_name)
        run = p.add_run(_text(text))
        run.bold = bold

    def table(self, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
        t = self.doc.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(_text(text)).bold = True
        for values in rows:
            cells = t.add_row().cells
            for cell, text in zip(cells, values, strict=True):
                cell.text = _text(text)

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return _normalise_zip(buf.getvalue())


@dataclass(frozen=True)
class _View:
    """What every section of the memo reads: the report, its verdict and citations."""

    report: Mapping[str, Any]
    options: ReportOptions
    summary: Mapping[str, Any]
    index: Mapping[str, Any]
    review: DocumentReview
    taxonomy: TaxonomyFacts | None

    @property
    def m(self) -> Messages:
        return self.options.m

    @cached_property
    def cert(self) -> dict[str, Any]:
        """The certificate verdict (read by the verdict and the certificate sections)."""
        from analyzer.report.html import certificate_view

        return certificate_view(self.report, self.summary, self.index, self.m, self.taxonomy)


def render_memo(report: Mapping[str, Any], options: ReportOptions | None = None,
                review: DocumentReview | None = None,
                taxonomy: TaxonomyFacts | None = None) -> bytes:
    """The Word memo of one report (DOCX bytes): verdict, activities, certificate, mandatory
    clauses (with what each must say and a model clause), the reviewer's work, key facts and
    the evidence excerpts.

    Args:
        report: the JSON report (schema ``hds-analyzer/report/1``).
        options: interface language and reference date (default: the environment's).
        review: the stored reviewer decisions (``analyzer.report.review.review_for``): shown
            in a "legal review" section and next to the checklist items the reviewer set.
        taxonomy: the taxonomy of the run (its titles; ``--patterns``); default the shipped one.
    """
    from analyzer.report.html import _clean, citation_index
    from analyzer.report.verdict import summarize

    options = resolve(options)
    view = _View(report, options, summarize(report, options.reference_date),
                 citation_index(report), review or DocumentReview(), taxonomy)
    title = view.m("memo.title", path=_clean(str(report["document"].get("path", ""))))
    memo = _Doc(title, view.m.lang)
    memo.heading(title, 0)
    for section in (_header, _verdict, _activities, _certificate, _checklist, _reviewer_work,
                    _facts, _evidence):
        section(memo, view)
    return memo.bytes()


def _header(memo: _Doc, v: _View) -> None:
    from analyzer.report.html import format_date

    m, document = v.m, v.report["document"]
    ref = format_date(v.options.reference_date.isoformat(), m) if v.options.reference_date \
        else m("meta.reference_date_none")
    memo.para(m("memo.meta", ref=ref, sha=str(document.get("sha256", ""))[:12] or "—",
                rules=str(document.get("rules_version", "")) or "—"))
    memo.para(m("memo.disclaimer"), bold=False)


def _verdict(memo: _Doc, v: _View) -> None:
    m, c = v.m, v.summary["counts"]
    memo.heading(m("verdict.h"), 1)
    for line in (m("verdict.lead_activities", n=c["activities_performed"],
                   total=c["activities_total"]),
                 v.cert["headline"],
                 m("verdict.lead_checklist", n=c["checklist_problems"],
                   total=c["checklist_total"])):
        memo.para(line[:1].upper() + line[1:], "List Bullet")


def _activities(memo: _Doc, v: _View) -> None:
    from analyzer.report.html import _activity_rows

    m = v.m
    memo.heading(m("verdict.activities_h"), 1)
    memo.table([m("verdict.col_activity"), m("verdict.col_verdict"), m("verdict.col_confidence"),
                m("verdict.col_clauses")],
               [(f"{a['key']} – {a['title']}", a["label"], a["confidence_label"] or "—",
                 ", ".join(lk["ref"] for lk in a["links"])
                 + (f" {m('verdict.more', n=a['more'])}" if a["more"] else "")
                 + (f" ({a['also']})" if a["also"] else ""))
                for a in _activity_rows(v.summary, v.index, m, v.taxonomy)])


def _certificate(memo: _Doc, v: _View) -> None:
    m, cert = v.m, v.cert
    memo.heading(m("cert.h"), 1)
    memo.para(cert["headline"], bold=True)
    rows = [(m("cert.required"), ", ".join(cert["required"]) or m("cert.required_none")),
            *cert["rows"]]
    if cert["links"]:
        rows.append((m("cert.evidence"), ", ".join(lk["ref"] for lk in cert["links"])))
    memo.table([m("memo.field"), m("memo.value")], rows)
    for g in cert["gaps"]:
        refs = ", ".join(lk["ref"] for lk in g["links"])
        memo.para(g["text"] + (f" ({refs})" if refs else ""), "List Bullet")
    memo.para(f"{m('cert.validity')} {cert['expiry_text']}")


def _checklist(memo: _Doc, v: _View) -> None:
    from analyzer.report.html import _checklist_view

    m, c = v.m, v.summary["counts"]
    problems, present = _checklist_view(v.summary, v.index, m, v.taxonomy)
    memo.heading(m("check.h"), 1)
    memo.para(m("check.counts", present=c["present"], total=c["checklist_total"],
                missing=c["missing"], excluded=c["excluded"], expired=c["expired"]))

    def reviewed(item_id: str) -> str:
        rec = v.review.checklist.get(item_id)
        if not rec:
            return ""
        return " — " + m("review.memo.reviewed", who=rec.get("reviewer") or "?",
                         status=m(f"check.status.{rec['status']}"))

    for item in problems:
        memo.heading(f"{item['label']} – {item['title']} ({item['reference']})"
                     + reviewed(item["id"]), 2)
        if item["links"]:
            memo.para(f"{m('check.evidence')} {', '.join(lk['ref'] for lk in item['links'])}")
        if item["requirement"]:
            memo.para(f"{m('check.requirement')} {item['requirement']}")
        if item["model"]:
            memo.para(m("check.model_clause"), bold=True)
            memo.para(item["model"], "Quote")
    if present:
        memo.para(m("check.present_summary", n=len(present)), bold=True)
        for item in present:
            refs = ", ".join(lk["ref"] for lk in item["links"])
            memo.para(item["title"] + (f" ({refs})" if refs else "") + reviewed(item["id"]),
                      "List Bullet")


def _reviewer_work(memo: _Doc, v: _View) -> None:
    sections = _review_tables(v.review, v.summary, v.index, v.m)
    if sections:
        memo.heading(v.m("review.memo.h"), 1)
        memo.para(v.m("review.memo.lead"))
        for heading, header, rows in sections:
            memo.heading(heading, 2)
            memo.table(header, rows)


def _facts(memo: _Doc, v: _View) -> None:
    from analyzer.report.facts_view import fact_rows

    m = v.m
    memo.heading(m("facts.h"), 1)
    facts = fact_rows(v.report.get("facts") or {}, m)
    if facts:
        memo.table([m("memo.field"), m("memo.value")], [(f["label"], f["value"]) for f in facts])
    else:
        memo.para(m("facts.none"))


def _evidence(memo: _Doc, v: _View) -> None:
    """The clauses behind each activity (three at most) and the certificate declaration, in
    document order, with how they are cited and their plain explanation."""
    from analyzer.report.html import plain_explanation, ref_label

    m, report, index = v.m, v.report, v.index
    memo.heading(m("memo.evidence_h"), 1)
    clauses = {str(c["id"]): c for c in report.get("clauses", []) if "id" in c}
    wanted: list[str] = []
    for a in v.summary["activities"]:
        wanted.extend(a.clauses[:3])
    declared = report.get("declared_certificate")
    if isinstance(declared, Mapping):
        wanted.extend(str(x) for x in declared.get("clauses") or [])
    order = {cid: n for n, cid in enumerate(index)}
    for cid in sorted(dict.fromkeys(w for w in wanted if w in index), key=order.__getitem__):
        seg = index[cid]
        text = seg.get("text")
        if text is None and isinstance(report.get("text"), str):
            text = report["text"][seg.get("start", 0):seg.get("end", 0)]
        p = memo.doc.add_paragraph()
        p.add_run(_text(ref_label(seg, m) + " — ")).bold = True
        if cid in clauses:
            p.add_run(_text(plain_explanation(clauses[cid], m))).italic = True
        memo.para(_excerpt(str(text or "")), "Quote")


_CORE_PROPERTY_MAX = 255  # python-docx refuses longer core properties (a long file name)
