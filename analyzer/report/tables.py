"""Batch tables for people who live in Excel: ``findings.csv`` and ``findings.xlsx``.

Headers and values are in the interface language (``analyzer.report.i18n``: French by default);
the column ids (``FINDING_COLUMNS``, ``CONTRACT_COLUMNS``) stay the same in every language.

- ``findings.csv``: one row per tagged clause of every analysed document (UTF-8 with BOM so
  Excel reads accents; cells that a spreadsheet would run as a formula are prefixed with ``'``).
- ``findings.xlsx``: sheet "Findings" (same rows), sheet "Contracts" (one row per input, failed
  and skipped ones included, with the reason), sheet "Checklist" (one row per document, one
  column per R.1111-11 item).

Reports are read one at a time (from the results store or the per-document JSON files in OUT),
once for both tables, and the CSV is streamed to disk, so memory stays flat on large batches.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from analyzer.report.explain import plain_explanation
from analyzer.report.i18n import Messages, ReportOptions, resolve
from analyzer.report.labels import certificate_label, format_date, target_short, title
from analyzer.report.review import (
    DocumentReview,
    ReviewStore,
    as_review,
    clause_key,
    review_for,
)
from analyzer.statuses import ANALYSED, OK
from analyzer.taxonomy_facts import default_facts

log = logging.getLogger(__name__)

TARGETS: tuple[str, ...] = default_facts().targets  # read with PyYAML: this runs in the parent
FINDING_COLUMNS: tuple[str, ...] = (
    "document", "clause_id", "number", "heading_path", "page", "status", "party", "categories",
    "topics", "mapping", "rules", "matched", "explanation", "text",
    "review_decision", "review_comment", "reviewer", "reviewed_at",
    "review_category", "review_status", "review_target", "review_origin",
)
CONTRACT_COLUMNS: tuple[str, ...] = (
    "document", "status", "reason", "language", "findings", *TARGETS, "certificates_required",
    "declared_certificate", "certificate_gaps", "certificate_expiry", "checklist_gaps",
    "checklist_gap_items",
    "warnings", "report",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MAX_CELL = 32_000  # Excel's limit is 32,767 characters per cell


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
) -> Iterator[dict[str, Any]]:
    """One row per tagged clause of a report (columns ``FINDING_COLUMNS``), in the interface
    language: statuses, parties, categories, topics and decisions are words, ``explanation`` is
    the plain-language explanation (the rule ids stay in ``rules``). The reviewer's decisions
    and corrections fill the review columns; the clauses the reviewer added follow, as rows
    whose ``review_origin`` says so."""
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
            "categories": _join((title("categories", str(x), m.lang)
                                 for x in c.get("categories", [])), ", "),
            "topics": _join((title("topics", str(x), m.lang) for x in c.get("topics", [])),
                            ", "),
            "mapping": _join((target_short(str(x), m) for x in c.get("mapping", [])), ", "),
            "rules": _join(sorted({h.get("rule", "") for h in c.get("hits", [])}), ", "),
            "matched": _join(dict.fromkeys(h.get("text", "") for h in c.get("hits", []))),
            "explanation": plain_explanation(c, m), "text": c.get("text", ""),
            **_review_cells(d, m, "tool"),
        }
    yield from _added_rows(report, review, m)


def contract_row(entry: Mapping[str, Any], report: Mapping[str, Any] | None,
                 options: ReportOptions | None = None) -> dict[str, Any]:
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
    declared = (report or {}).get("declared_certificate")
    declared_text = ""
    if ok and verdict is not None:
        if isinstance(declared, Mapping):
            parts = [", ".join(certificate_label(str(x), m) for x in declared.get("scopes") or [])]
            if declared.get("activities"):
                parts.append(m("table.activities", acts=", ".join(declared["activities"])))
            if declared.get("number"):
                parts.append(m("table.number", number=declared["number"]))
            if declared.get("valid_until"):
                parts.append(m("table.valid_until",
                               date=format_date(declared["valid_until"], m)))
            declared_text = "; ".join(p for p in parts if p)
        elif declared:
            declared_text = str(declared)
        else:
            declared_text = m("index.no_certificate")
    expiry = ""
    if verdict is not None:
        expiry = m(f"index.expiry.{verdict['expiry']}",
                   date=format_date(verdict["valid_until"], m) if verdict["valid_until"]
                   else "")
    gaps = (", ".join(verdict["gaps"]) or "; ".join(verdict["gap_texts"])) if verdict else ""
    return {
        "document": entry.get("path", ""), "status": status_label,
        "reason": entry.get("reason") or "", "language": entry.get("language") or "",
        "findings": entry.get("clauses", 0) if analysed else "",
        **{t: (int(cov.get(t) or 0) if analysed else "") for t in TARGETS},
        "certificates_required": _join((certificate_label(str(c), m)
                                        for c in (verdict["required"] if verdict else
                                                  entry.get("certificates_required") or [])),
                                       ", "),
        "declared_certificate": declared_text,
        "certificate_gaps": gaps if verdict is not None else "",
        "certificate_expiry": expiry,
        "checklist_gaps": len(problems) if verdict is not None else "",
        "checklist_gap_items": _join((title("checklist", str(i), m.lang) for i in problems),
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


def _csv_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas (OWASP CSV injection): prefix with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _xlsx_text(value: Any) -> Any:
    if isinstance(value, str):
        value = _ILLEGAL_XML.sub("\ufffd", value)
        if len(value) > _MAX_CELL:
            value = value[:_MAX_CELL] + "…"
    return value


ReportLoader = Callable[[Mapping[str, Any]], "dict[str, Any] | None"]


def report_loader(out_dir: Path,
                  reports: Mapping[str, dict[str, Any]] | None = None) -> ReportLoader:
    """How to get an entry's report: from ``reports`` (keyed by input path) when given, else
    from ``OUT/<entry['json']>``. Returns None for inputs without a report."""
    def load(entry: Mapping[str, Any]) -> dict[str, Any] | None:
        if entry.get("status") not in ANALYSED:
            return None
        if reports is not None:
            return reports.get(str(entry.get("path")))
        name = entry.get("json")
        if not isinstance(name, str) or "/" in name or "\\" in name:
            return None
        try:
            data = json.loads((out_dir / name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            log.warning("cannot read report %s for the findings tables: %s", name, e)
            return None
        return data if isinstance(data, dict) else None
    return load


def column_labels(columns: Sequence[str], m: Messages) -> list[str]:
    """Headers of a table in the interface language (``col.<id>``; activity codes as is)."""
    return [m(f"col.{c}") if m.has(f"col.{c}")
            else m(f"review.col.{c}") if m.has(f"review.col.{c}") else c for c in columns]


class _CsvTable:
    """``findings.csv``, streamed row by row to a text stream opened by its writer (UTF-8,
    ``newline=""``): never built in memory."""

    def __init__(self, stream: IO[str], options: ReportOptions) -> None:
        self.m = options.m
        self._file = stream
        self._file.write("\ufeff")
        self._writer = csv.writer(self._file, lineterminator="\r\n")
        self._writer.writerow(column_labels(FINDING_COLUMNS, self.m))
        self.rows = 0

    def add(self, entry: Mapping[str, Any], report: Mapping[str, Any] | None,
            decisions: DocumentReview) -> None:
        if report is None:
            return
        for row in finding_rows(report, decisions, self.m):
            self._writer.writerow([_csv_cell(row[c]) for c in FINDING_COLUMNS])
            self.rows += 1

    def close(self) -> None:
        """Nothing left to write: every row is already in the stream."""


class _XlsxTable:
    """``findings.xlsx`` (sheets of findings, contracts and mandatory clauses, named in the
    interface language), written with openpyxl's write-only workbook; the contract and checklist
    rows (one short row per input) wait for the findings sheet to be complete. Statuses of the
    checklist sheet are coloured (and written as words, so they read without colour); each
    contract row links to its report."""

    def __init__(self, stream: IO[bytes], options: ReportOptions) -> None:
        from datetime import datetime

        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill

        self.options = options
        self.m = m = options.m
        self.stream = stream
        self.wb = Workbook(write_only=True)
        self.wb.properties.creator = "hds-analyzer"
        fixed = datetime(2000, 1, 1)
        self.wb.properties.created = fixed
        self.wb.properties.modified = fixed
        self._head_font = Font(bold=True, color="FFFFFF")
        self._head_fill = PatternFill("solid", fgColor="1E293B")
        self._wrap = Alignment(wrap_text=True, vertical="top")
        self._link_font = Font(color="1D4ED8", underline="single")
        self._fills = {
            m(f"check.status.{k}"): (PatternFill("solid", fgColor=bg), Font(color=fg, bold=True))
            for k, bg, fg in (("present", "E6F4EA", "166534"), ("missing", "FDE8EC", "9F1239"),
                              ("excluded", "F3E8FF", "581C87"), ("expired", "FDE8EC", "9F1239"))}
        self._fills.update({m("review.table.ck_reviewed", status=word): fill
                            for word, fill in list(self._fills.items())})
        self.findings = self._sheet(
            m("sheet.findings"), FINDING_COLUMNS,
            {"document": 36, "heading_path": 30, "explanation": 50, "text": 80, "matched": 30,
             "rules": 30, "review_comment": 30, "categories": 18, "topics": 28})
        self._wrap_f = frozenset(FINDING_COLUMNS.index(c) for c in ("text", "explanation"))
        self.contracts: list[list[Any]] = []
        self.checklists: list[tuple[str, dict[str, str]]] = []
        self.rows = 0

    def _sheet(self, title: str, columns: Sequence[str], widths: Mapping[str, int],
               labels: Sequence[str] | None = None) -> Any:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils import get_column_letter

        ws = self.wb.create_sheet(title)
        ws.freeze_panes = "B2"
        for i, col in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = widths.get(col, 14)
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}1"
        header = []
        for col in labels if labels is not None else column_labels(columns, self.m):
            cell = WriteOnlyCell(ws, value=col)
            cell.font = self._head_font
            cell.fill = self._head_fill
            header.append(cell)
        ws.append(header)
        return ws

    def _row(self, ws: Any, values: Iterable[Any], wrap_cols: frozenset[int] = frozenset(),
             coloured: bool = False, link_col: int | None = None) -> None:
        from openpyxl.cell import WriteOnlyCell

        from analyzer.report.markup import report_href

        cells = []
        for i, v in enumerate(values):
            cell = WriteOnlyCell(ws, value=_xlsx_text(v))
            if i == link_col and isinstance(v, str) and report_href(v):
                cell.hyperlink = v  # relative: the workbook sits next to the reports
                cell.font = self._link_font
            if isinstance(v, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            if i in wrap_cols:
                cell.alignment = self._wrap
            if coloured and isinstance(v, str) and v in self._fills:
                cell.fill, cell.font = self._fills[v]
            cells.append(cell)
        ws.append(cells)

    def add(self, entry: Mapping[str, Any], report: Mapping[str, Any] | None,
            decisions: DocumentReview) -> None:
        self.contracts.append([contract_row(entry, report, self.options)[c]
                               for c in CONTRACT_COLUMNS])
        if report is None:
            return
        self.checklists.append(checklist_row(report, self.options, decisions))
        for r in finding_rows(report, decisions, self.m):
            self._row(self.findings, [r[c] for c in FINDING_COLUMNS], self._wrap_f)
            self.rows += 1

    def close(self, error: BaseException | None = None) -> None:
        if error is not None:
            return
        m = self.m
        contracts_ws = self._sheet(m("sheet.contracts"), CONTRACT_COLUMNS,
                                   {"document": 40, "reason": 40, "checklist_gap_items": 50,
                                    "warnings": 40, "certificates_required": 30, "report": 30})
        for values in self.contracts:
            self._row(contracts_ws, values, link_col=CONTRACT_COLUMNS.index("report"))
        items = list(default_facts().checklist)
        for _, statuses in self.checklists:
            items.extend(i for i in statuses if i not in items)
        checklist_ws = self._sheet(m("sheet.checklist"), ["document", *items], {"document": 40},
                                   labels=[m("col.document"),
                                           *(title("checklist", i, m.lang) for i in items)])
        for doc, statuses in self.checklists:
            self._row(checklist_ws, [doc, *(statuses.get(i, "") for i in items)], coloured=True)
        self.wb.save(self.stream)


def write_tables(streams: Mapping[str, IO[Any]], entries: Sequence[Mapping[str, Any]],
                 load: ReportLoader, store: ReviewStore | None,
                 options: ReportOptions | None = None) -> None:
    """Write the findings tables of a batch to ``streams`` (``"csv"``: a text stream, ``"xlsx"``:
    a binary one) in one pass: every report is read once, whatever the number of tables.
    Stored reviewer decisions that still match a clause fill the review columns."""
    resolved = resolve(options)
    tables: list[_CsvTable | _XlsxTable] = []
    if "csv" in streams:
        tables.append(_CsvTable(streams["csv"], resolved))
    if "xlsx" in streams:
        tables.append(_XlsxTable(streams["xlsx"], resolved))
    for entry in entries:
        report = load(entry)
        decisions = (review_for(report, store) if store and report is not None
                     else DocumentReview())
        for table in tables:
            table.add(entry, report, decisions)
    for table in tables:
        table.close()
