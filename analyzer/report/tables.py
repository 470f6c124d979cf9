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
The rows are built in ``analyzer.report.tables_rows``; this module writes them (XlsxWriter is
imported only when an XLSX workbook is written).
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from analyzer.report.i18n import ReportOptions, resolve
from analyzer.report.labels import title
from analyzer.report.review import DocumentReview, ReviewStore, review_for
from analyzer.report.tables_rows import (
    CONTRACT_COLUMNS,
    FINDING_COLUMNS,
    TARGETS,
    checklist_row,
    column_labels,
    contract_row,
    finding_rows,
)
from analyzer.statuses import ANALYSED
from analyzer.taxonomy_facts import TaxonomyFacts, default_facts

__all__ = ["CONTRACT_COLUMNS", "FINDING_COLUMNS", "TARGETS", "ReportLoader", "checklist_row",
           "column_labels", "contract_row", "finding_rows", "report_loader", "write_tables"]
log = logging.getLogger(__name__)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MAX_CELL = 32_000  # Excel's limit is 32,767 characters per cell
_MAX_LINKS = 65_000  # Excel's limit is 65,530 links per sheet


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


class _CsvTable:
    """``findings.csv``, streamed row by row to a text stream opened by its writer (UTF-8,
    ``newline=""``): never built in memory."""

    def __init__(self, stream: IO[str], options: ReportOptions,
                 tax: TaxonomyFacts | None = None) -> None:
        self.m = options.m
        self.tax = tax
        self._file = stream
        self._file.write("\ufeff")
        self._writer = csv.writer(self._file, lineterminator="\r\n")
        self._writer.writerow(column_labels(FINDING_COLUMNS, self.m))
        self.rows = 0

    def add(self, entry: Mapping[str, Any], report: Mapping[str, Any] | None,
            decisions: DocumentReview) -> None:
        if report is None:
            return
        for row in finding_rows(report, decisions, self.m, self.tax):
            self._writer.writerow([_csv_cell(row[c]) for c in FINDING_COLUMNS])
            self.rows += 1

    def close(self) -> None:
        """Nothing left to write: every row is already in the stream."""


@dataclass
class _Sheet:
    """A worksheet being written and the index of its next row (XlsxWriter writes by cell)."""

    ws: Any
    next_row: int = 1


class _XlsxTable:
    """``findings.xlsx`` (sheets of findings, contracts and mandatory clauses, named in the
    interface language), written with XlsxWriter in constant-memory mode: findings rows go to
    disk as they come; the contract and checklist rows (one short row per input) wait for the
    findings sheet to be complete. Text is always written as text (never a formula, a number
    or a link guessed from it); statuses of the checklist sheet are coloured (and written as
    words, so they read without colour); each contract row links to its report."""

    def __init__(self, stream: IO[bytes], options: ReportOptions,
                 tax: TaxonomyFacts | None = None) -> None:
        from datetime import datetime

        import xlsxwriter

        self.options = options
        self.tax = tax
        self.m = m = options.m
        self.wb = xlsxwriter.Workbook(stream, {
            "constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
            "strings_to_urls": False})
        self.wb.use_zip64()  # a batch of thousands of contracts may pass 4 GB
        self.wb.set_properties({"author": "hds-analyzer", "created": datetime(2000, 1, 1)})
        self._head = self.wb.add_format({"bold": True, "font_color": "#FFFFFF",
                                         "bg_color": "#1E293B"})
        self._wrap = self.wb.add_format({"text_wrap": True, "valign": "top"})
        self._link = self.wb.add_format({"font_color": "#1D4ED8", "underline": 1})
        self._links = 0
        self._fills = {
            m(f"check.status.{k}"): self.wb.add_format(
                {"bg_color": bg, "font_color": fg, "bold": True})
            for k, bg, fg in (("present", "#E6F4EA", "#166534"),
                              ("missing", "#FDE8EC", "#9F1239"),
                              ("excluded", "#F3E8FF", "#581C87"),
                              ("expired", "#FDE8EC", "#9F1239"))}
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
               labels: Sequence[str] | None = None) -> _Sheet:
        ws = self.wb.add_worksheet(title)
        ws.freeze_panes(1, 1)
        for i, col in enumerate(columns):
            ws.set_column(i, i, widths.get(col, 14))
        ws.autofilter(0, 0, 0, len(columns) - 1)
        for i, col in enumerate(labels if labels is not None else column_labels(columns, self.m)):
            ws.write_string(0, i, col, self._head)
        return _Sheet(ws)

    def _row(self, sheet: _Sheet, values: Iterable[Any], wrap_cols: frozenset[int] = frozenset(),
             coloured: bool = False, link_col: int | None = None) -> None:
        from analyzer.report.markup import report_href

        ws, row = sheet.ws, sheet.next_row
        sheet.next_row += 1
        for i, v in enumerate(values):
            v = _xlsx_text(v)
            fmt = self._wrap if i in wrap_cols else None
            if coloured and isinstance(v, str) and v in self._fills:
                fmt = self._fills[v]
            if i == link_col and isinstance(v, str) and report_href(v) and self._links < _MAX_LINKS:
                # relative: the workbook sits next to the reports (past Excel's limit of links
                # per sheet, the name stays as text)
                ws.write_url(row, i, "external:" + v, self._link, v)
                self._links += 1
            elif isinstance(v, bool):
                ws.write_boolean(row, i, v, fmt)
            elif isinstance(v, int | float):
                ws.write_number(row, i, v, fmt)
            elif v is None or v == "":
                if fmt is not None:
                    ws.write_blank(row, i, None, fmt)
            else:
                ws.write_string(row, i, str(v), fmt)

    def add(self, entry: Mapping[str, Any], report: Mapping[str, Any] | None,
            decisions: DocumentReview) -> None:
        self.contracts.append([contract_row(entry, report, self.options, self.tax)[c]
                               for c in CONTRACT_COLUMNS])
        if report is None:
            return
        self.checklists.append(checklist_row(report, self.options, decisions))
        for r in finding_rows(report, decisions, self.m, self.tax):
            self._row(self.findings, [r[c] for c in FINDING_COLUMNS], self._wrap_f)
            self.rows += 1

    def close(self) -> None:
        m = self.m
        contracts_ws = self._sheet(m("sheet.contracts"), CONTRACT_COLUMNS,
                                   {"document": 40, "reason": 40, "checklist_gap_items": 50,
                                    "warnings": 40, "certificates_required": 30, "report": 30})
        self._links = 0
        for values in self.contracts:
            self._row(contracts_ws, values, link_col=CONTRACT_COLUMNS.index("report"))
        items = list((self.tax or default_facts()).checklist)
        for _, statuses in self.checklists:
            items.extend(i for i in statuses if i not in items)
        checklist_ws = self._sheet(m("sheet.checklist"), ["document", *items], {"document": 40},
                                   labels=[m("col.document"),
                                           *(title("checklist", i, m.lang, self.tax) for i in items)])
        for doc, statuses in self.checklists:
            self._row(checklist_ws, [doc, *(statuses.get(i, "") for i in items)], coloured=True)
        self.wb.close()


def write_tables(streams: Mapping[str, IO[Any]], entries: Sequence[Mapping[str, Any]],
                 load: ReportLoader, store: ReviewStore | None,
                 options: ReportOptions | None = None,
                 taxonomy: TaxonomyFacts | None = None) -> None:
    """Write the findings tables of a batch to ``streams`` (``"csv"``: a text stream, ``"xlsx"``:
    a binary one) in one pass: every report is read once, whatever the number of tables.
    Stored reviewer decisions that still match a clause fill the review columns; ``taxonomy``:
    the run's (its titles), default the shipped one."""
    resolved = resolve(options)
    tables: list[_CsvTable | _XlsxTable] = []
    if "csv" in streams:
        tables.append(_CsvTable(streams["csv"], resolved, taxonomy))
    if "xlsx" in streams:
        tables.append(_XlsxTable(streams["xlsx"], resolved, taxonomy))
    for entry in entries:
        report = load(entry)
        decisions = (review_for(report, store) if store and report is not None
                     else DocumentReview())
        for table in tables:
            table.add(entry, report, decisions)
    for table in tables:
        table.close()
