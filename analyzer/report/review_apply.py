"""``review import`` and re-runs: stored reviewer decisions reach every output that shows them
(the per-document HTML, ``findings.csv``, ``findings.xlsx`` and the Word memos)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer.output import atomic_write_text
from analyzer.report.review import (
    STORE_NAME,
    ReviewFileError,
    ReviewStore,
    _now,
    clause_texts,
    excerpt_error,
    load_store,
    parse_export,
    review_for,
    save_store,
)

MAX_FILE = 64 * 2**20  # a decisions file is small; refuse to read a huge one into memory


@dataclass(frozen=True)
class ImportResult:
    """What ``review import`` did; ``errors`` are the decisions refused (one message each)."""

    documents: int
    decisions: int
    changed: int
    rerendered: list[str]
    unmatched_documents: list[str]
    errors: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)


def iter_reports(out_dir: Path) -> Iterable[tuple[Path, dict[str, Any]]]:
    """Every per-document JSON report in OUT (other JSON files are ignored)."""
    for path in sorted(out_dir.glob("*.json")):
        if path.name == STORE_NAME:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("schema") == "hds-analyzer/report/1":
            yield path, data


def _check_added(exports: list[dict[str, Any]], reports: Mapping[str, dict[str, Any]],
                 source: str) -> list[str]:
    """Drop the added clauses whose excerpt is not the clause text slice; one error each."""
    errors = []
    for n, exp in enumerate(exports):
        report = reports.get(exp["path"])
        if report is None:
            continue  # checked again when a report of this document is rendered
        texts = clause_texts(report)
        kept = []
        for j, record in enumerate(exp["added"]):
            why = excerpt_error(record, texts)
            if why is None:
                kept.append(record)
            else:
                where = f"[{n}]" if len(exports) > 1 else "export"
                errors.append(f"{source}: {where}.added[{j}] not imported: {why}")
        exp["added"] = kept
    return errors


def import_reviews(decisions_file: Path, out_dir: Path, *, reviewer: str = "") -> ImportResult:
    """Merge an exported decisions file into ``OUT/reviews.json`` and refresh every output of
    the documents concerned: HTML reports, findings tables and Word memos present in OUT.

    Args:
        decisions_file: JSON exported from an HTML report (or a list of such exports).
        out_dir: a scan output folder holding the per-document JSON reports.
        reviewer: name recorded for decisions that were exported without one.

    Raises:
        ReviewFileError: the file or the store is invalid, or OUT is not a folder. An added
            clause that does not match its report is refused alone (``ImportResult.errors``).
    """
    from analyzer.report.html import render_document

    try:
        if decisions_file.stat().st_size > MAX_FILE:
            raise ReviewFileError(f"{decisions_file}: larger than {MAX_FILE // 2**20} MiB, not a "
                                  "decisions file")
        data = json.loads(decisions_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ReviewFileError(f"{decisions_file}: cannot read decisions ({e})") from e
    exports = parse_export(data, str(decisions_file))
    if not out_dir.is_dir():
        raise ReviewFileError(f"{out_dir}: not an output folder")
    imported_paths = {exp["path"] for exp in exports}
    reports = {r["document"]["path"]: (p, r) for p, r in iter_reports(out_dir)
               if isinstance(r.get("document"), dict)
               and r["document"].get("path") in imported_paths}
    errors = _check_added(exports, {k: r for k, (_, r) in reports.items()}, decisions_file.name)
    store = load_store(out_dir)
    stamp = _now()
    changed = 0
    for exp in exports:
        changed += store.merge(exp["path"], exp["decisions"], source=decisions_file.name,
                               reviewer=reviewer or exp["reviewer"], imported_at=stamp,
                               added=exp["added"], checklist=exp["checklist"])
    save_store(out_dir, store)
    rerendered: list[str] = []
    for json_path, report in reports.values():
        html_path = json_path.with_suffix(".html")
        atomic_write_text(html_path, render_document(report, reviews=review_for(report, store)))
        rerendered.append(html_path.name)
    from analyzer.scan import refresh_reviewed_outputs

    refreshed = refresh_reviewed_outputs(out_dir, imported_paths & set(reports))
    return ImportResult(
        documents=len(exports),
        decisions=sum(len(e["decisions"]) + len(e["added"]) + len(e["checklist"])
                      for e in exports),
        changed=changed, rerendered=sorted(rerendered),
        unmatched_documents=sorted(imported_paths - set(reports)), errors=errors,
        refreshed=refreshed)


def apply_stored_reviews(out_dir: Path, entries: Iterable[Mapping[str, Any]],
                         reports: Mapping[str, dict[str, Any]] | None = None) -> list[str]:
    """Re-render the HTML reports of a finished batch whose documents have stored decisions,
    so decisions survive re-runs (for clauses whose text is unchanged).

    Args:
        out_dir: the scan output folder (holding ``reviews.json``).
        entries: the batch index entries (keys ``path``, ``status``, ``html``, ``json``).
        reports: report dicts keyed by input path; default: read ``OUT/<entry['json']>``.

    Returns:
        The HTML files rewritten.

    Raises:
        ReviewFileError: ``OUT/reviews.json`` exists but is invalid.
    """
    from analyzer.report.html import render_document
    from analyzer.report.tables import report_loader

    store = load_store(out_dir)
    if not (store.documents or store.added or store.checklist):
        return []
    load = report_loader(out_dir, reports)
    written = []
    for entry in entries:
        html = entry.get("html")
        if not isinstance(html, str) or "/" in html or not store.has(str(entry.get("path"))):
            continue
        report = load(entry)
        if report is None:
            continue
        review = review_for(report, store)
        if review:
            atomic_write_text(out_dir / html, render_document(report, reviews=review))
            written.append(html)
    return written


def stored_review(store: ReviewStore | None, report: Mapping[str, Any] | None) -> Any:
    """``review_for`` that accepts a missing store or report (an empty review)."""
    from analyzer.report.review import DocumentReview

    if store is None or report is None:
        return DocumentReview()
    return review_for(report, store)
