"""Batch tables for people who live in Excel: ``findings.csv`` and ``findings.xlsx``.

- ``findings.csv``: one row per tagged clause of every analysed document (UTF-8 with BOM so
  Excel reads accents; cells that a spreadsheet would run as a formula are prefixed with ``'``).
- ``findings.xlsx``: sheet "Findings" (same rows), sheet "Contracts" (one row per input, failed
  and skipped ones included, with the reason), sheet "Checklist" (one row per document, one
  column per R.1111-11 item).

Reports are read one at a time from the per-document JSON files in OUT, so memory stays flat on
large batches.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from analyzer.output import atomic_write_bytes, atomic_write_text
from analyzer.report.review import ReviewStore, clause_key, load_store

log = logging.getLogger(__name__)

TARGETS: tuple[str, ...] = ("A1", "A2", "A3", "A4", "A5", "A6", "infogerance", "transversal")
FINDING_COLUMNS: tuple[str, ...] = (
    "document", "clause_id", "number", "heading_path", "page", "status", "party", "categories",
    "topics", "mapping", "rules", "matched", "explanation", "text",
    "review_decision", "review_comment", "reviewer", "reviewed_at",
)
CONTRACT_COLUMNS: tuple[str, ...] = (
    "document", "status", "reason", "language", "findings", *TARGETS, "certificates_required",
    "declared_certificate", "certificate_gaps", "checklist_gaps", "checklist_gap_items",
    "warnings", "report",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MAX_CELL = 32_000  # Excel's limit is 32,767 characters per cell


def _join(values: Iterable[Any], sep: str = "; ") -> str:
    return sep.join(str(v) for v in values if v is not None and v != "")


def _fmt(value: Any) -> str:
    from analyzer.report.html import fmt

    return "" if value is None else fmt(value)


def finding_rows(
    report: Mapping[str, Any], decisions: Mapping[str, Mapping[str, Any]] | None = None,
) -> Iterator[dict[str, Any]]:
    """One row per tagged clause of a report (columns ``FINDING_COLUMNS``)."""
    decisions = decisions or {}
    path = report["document"]["path"]
    for c in report.get("clauses", []):
        d = decisions.get(clause_key(c["id"], c.get("text", ""))) or {}
        yield {
            "document": path, "clause_id": c["id"], "number": c.get("number") or "",
            "heading_path": _join(c.get("heading_path", []), " > "),
            "page": c.get("page") if c.get("page") is not None else "",
            "status": c.get("status", ""), "party": c.get("party") or "",
            "categories": _join(c.get("categories", []), ", "),
            "topics": _join(c.get("topics", []), ", "),
            "mapping": _join(c.get("mapping", []), ", "),
            "rules": _join(sorted({h.get("rule", "") for h in c.get("hits", [])}), ", "),
            "matched": _join(dict.fromkeys(h.get("text", "") for h in c.get("hits", []))),
            "explanation": c.get("explanation", ""), "text": c.get("text", ""),
            "review_decision": d.get("decision") or "", "review_comment": d.get("comment") or "",
            "reviewer": d.get("reviewer") or "", "reviewed_at": d.get("at") or "",
        }


def contract_row(entry: Mapping[str, Any], report: Mapping[str, Any] | None) -> dict[str, Any]:
    """Summary row of one input (columns ``CONTRACT_COLUMNS``); ``report`` may be None."""
    ok = entry.get("status") == "ok"
    cov = entry.get("coverage") or {}
    missing = list(entry.get("checklist_missing") or [])
    report = report or {}
    return {
        "document": entry.get("path", ""), "status": entry.get("status", ""),
        "reason": entry.get("reason") or "", "language": entry.get("language") or "",
        "findings": entry.get("clauses", 0) if ok else "",
        **{t: (int(cov.get(t) or 0) if ok else "") for t in TARGETS},
        "certificates_required": _join(entry.get("certificates_required") or [], ", "),
        "declared_certificate": _fmt(report.get("declared_certificate")),
        "certificate_gaps": _fmt(report.get("certificate_gaps")),
        "checklist_gaps": len(missing) if ok else "",
        "checklist_gap_items": _join(missing, ", "),
        "warnings": _join(entry.get("warnings") or []),
        "report": entry.get("html") or "",
    }


def checklist_row(report: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """(document, item id → status) of one report."""
    return report["document"]["path"], {i["id"]: i["status"] for i in report.get("checklist", [])}


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
OK_STATUSES = ("ok", "ok_no_text")


def report_loader(out_dir: Path,
                  reports: Mapping[str, dict[str, Any]] | None = None) -> ReportLoader:
    """How to get an entry's report: from ``reports`` (keyed by input path) when given, else
    from ``OUT/<entry['json']>``. Returns None for inputs without a report."""
    def load(entry: Mapping[str, Any]) -> dict[str, Any] | None:
        if entry.get("status") not in OK_STATUSES:
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


def write_findings_csv(path: Path, entries: Sequence[Mapping[str, Any]], load: ReportLoader,
                       store: ReviewStore | None = None) -> int:
    """Write ``findings.csv``; returns the number of finding rows."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FINDING_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    n = 0
    for entry in entries:
        report = load(entry)
        if report is None:
            continue
        decisions = store.for_document(report["document"]["path"]) if store else {}
        for row in finding_rows(report, decisions):
            writer.writerow({k: _csv_cell(v) for k, v in row.items()})
            n += 1
    atomic_write_text(path, "\ufeff" + buf.getvalue())
    return n


def write_findings_xlsx(path: Path, entries: Sequence[Mapping[str, Any]], load: ReportLoader,
                        store: ReviewStore | None = None) -> int:
    """Write ``findings.xlsx`` (sheets Findings, Contracts, Checklist); returns finding rows."""
    from datetime import datetime

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    wb.properties.creator = "hds-analyzer"
    fixed = datetime(2000, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="1E293B")
    wrap = Alignment(wrap_text=True, vertical="top")

    def sheet(title: str, columns: Sequence[str], widths: Mapping[str, int]) -> Any:
        ws = wb.create_sheet(title)
        ws.freeze_panes = "B2"
        for i, col in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = widths.get(col, 14)
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}1"
        header = []
        for col in columns:
            cell = WriteOnlyCell(ws, value=col)
            cell.font = head_font
            cell.fill = head_fill
            header.append(cell)
        ws.append(header)
        return ws

    def row(ws: Any, values: Iterable[Any], wrap_cols: frozenset[int] = frozenset()) -> None:
        cells = []
        for i, v in enumerate(values):
            cell = WriteOnlyCell(ws, value=_xlsx_text(v))
            if isinstance(v, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            if i in wrap_cols:
                cell.alignment = wrap
            cells.append(cell)
        ws.append(cells)

    findings_ws = sheet("Findings", FINDING_COLUMNS,
                        {"document": 36, "heading_path": 30, "explanation": 50, "text": 80,
                         "matched": 30, "rules": 30, "review_comment": 30, "categories": 18,
                         "topics": 28})
    wrap_f = frozenset(FINDING_COLUMNS.index(c) for c in ("text", "explanation"))
    contracts: list[list[Any]] = []
    checklists: list[tuple[str, dict[str, str]]] = []
    n = 0
    for entry in entries:
        report = load(entry)
        contracts.append([contract_row(entry, report)[c] for c in CONTRACT_COLUMNS])
        if report is None:
            continue
        checklists.append(checklist_row(report))
        decisions = store.for_document(report["document"]["path"]) if store else {}
        for r in finding_rows(report, decisions):
            row(findings_ws, [r[c] for c in FINDING_COLUMNS], wrap_f)
            n += 1
    contracts_ws = sheet("Contracts", CONTRACT_COLUMNS,
                         {"document": 40, "reason": 40, "checklist_gap_items": 50,
                          "warnings": 40, "certificates_required": 30, "report": 30})
    for values in contracts:
        row(contracts_ws, values)
    from analyzer.taxonomy import CHECKLIST_IDS

    items = list(CHECKLIST_IDS)
    for _, statuses in checklists:
        items.extend(i for i in statuses if i not in items)
    checklist_ws = sheet("Checklist", ["document", *items], {"document": 40})
    for doc, statuses in checklists:
        row(checklist_ws, [doc, *(statuses.get(i, "") for i in items)])
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(path, buf.getvalue())
    return n


def write_batch_tables(out_dir: Path, entries: Sequence[Mapping[str, Any]],
                       reports: Mapping[str, dict[str, Any]] | None = None,
                       formats: Iterable[str] = ("csv", "xlsx")) -> list[Path]:
    """Write ``OUT/findings.csv`` and/or ``OUT/findings.xlsx`` for a finished batch.

    Stored reviewer decisions (``OUT/reviews.json``) that still match a clause fill the review
    columns.

    Args:
        out_dir: the scan output folder.
        entries: the batch index entries (every input, whatever its status).
        reports: report dicts keyed by input path (read lazily, e.g. from the results store);
            default: read ``OUT/<entry['json']>``.
        formats: the scan's formats; only "csv" and "xlsx" matter here.

    Returns:
        The files written.

    Raises:
        ReviewFileError: ``OUT/reviews.json`` exists but is invalid.
    """
    formats = set(formats)
    load = report_loader(out_dir, reports)
    store = load_store(out_dir)
    written = []
    if "csv" in formats:
        write_findings_csv(out_dir / "findings.csv", entries, load, store)
        written.append(out_dir / "findings.csv")
    if "xlsx" in formats:
        write_findings_xlsx(out_dir / "findings.xlsx", entries, load, store)
        written.append(out_dir / "findings.xlsx")
    return written
