"""Outputs that show reviewer decisions: ``review import`` (store, then every output of the
documents concerned) and the Word memos (``OUT/<name>.docx``). Part of the only writer of ``OUT/``
(``analyzer.batch.outputs``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyzer.batch.outputs import (
    StoreReports,
    batch_entries,
    readable_taxonomy,
    render_html,
    write_batch_tables,
)
from analyzer.output import atomic_write_bytes, atomic_write_text
from analyzer.report_json import REPORT_SCHEMA
from analyzer.statuses import ANALYSED, OK

if TYPE_CHECKING:
    from analyzer.batch.store import Store
    from analyzer.report.i18n import ReportOptions
    from analyzer.taxonomy_facts import TaxonomyFacts

log = logging.getLogger(__name__)


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


def _reviewed_reports(out_dir: Path, paths: set[str]) -> dict[str, tuple[Path, dict[str, Any]]]:
    """The reports of the inputs ``paths`` (by input path) and where their JSON file is: from
    OUT's results store, which finds a few documents of a large batch without reading the
    others; in a folder of bare JSON reports (no store, or a damaged one), from the files."""
    from analyzer.batch.store import STORE_NAME, Store, StoreDamaged

    if (out_dir / STORE_NAME).is_file():
        try:
            with Store(out_dir) as store:
                return _stored_reports(store, out_dir, paths)
        except StoreDamaged:
            pass
    return _json_reports(out_dir, paths)


def _stored_reports(store: Store, out_dir: Path,
                    paths: set[str]) -> dict[str, tuple[Path, dict[str, Any]]]:
    found: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in sorted(paths):
        record = store.get(path)
        if record is None or record.status not in ANALYSED:
            continue
        report = store.report(path)
        if report is not None:
            found[path] = (out_dir / f"{record.name}.json", report)
    return found


def _json_reports(out_dir: Path, paths: set[str]) -> dict[str, tuple[Path, dict[str, Any]]]:
    """The per-document JSON reports in OUT of the inputs ``paths`` (by input path)."""
    from analyzer.report.review import STORE_NAME

    found: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in sorted(out_dir.glob("*.json")):
        if path.name == STORE_NAME:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("schema") == REPORT_SCHEMA \
                and isinstance(data.get("document"), dict) \
                and data["document"].get("path") in paths:
            found[data["document"]["path"]] = (path, data)
    return found


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
    from analyzer.report.review import ReviewFileError, merge_exports, read_export

    exports = read_export(decisions_file)
    if not out_dir.is_dir():
        raise ReviewFileError(f"{out_dir}: not an output folder")
    imported_paths = {exp["path"] for exp in exports}
    reports = _reviewed_reports(out_dir, imported_paths)
    store, changed, errors = merge_exports(
        out_dir, exports, {k: r for k, (_, r) in reports.items()},
        source=decisions_file.name, reviewer=reviewer)
    rerendered: list[str] = []
    taxonomy = recorded_taxonomy(out_dir)
    for json_path, report in reports.values():
        html_path = json_path.with_suffix(".html")
        atomic_write_text(html_path, render_html(report, store, taxonomy))
        rerendered.append(html_path.name)
    refreshed = refresh_reviewed_outputs(out_dir, imported_paths & set(reports), taxonomy)
    return ImportResult(
        documents=len(exports),
        decisions=sum(len(e["decisions"]) + len(e["added"]) + len(e["checklist"])
                      for e in exports),
        changed=changed, rerendered=sorted(rerendered),
        unmatched_documents=sorted(imported_paths - set(reports)), errors=errors,
        refreshed=refreshed)


def recorded_taxonomy(out_dir: Path) -> TaxonomyFacts | None:
    """The taxonomy of the rules OUT's last scan used (None: the shipped rules, or no
    readable results store)."""
    from analyzer.batch.store import STORE_NAME, Store, StoreDamaged

    if not (out_dir / STORE_NAME).is_file():
        return None
    warnings: list[str] = []
    try:
        with Store(out_dir) as store:
            taxonomy = readable_taxonomy(store.last_patterns_dir(), warnings)
    except StoreDamaged:
        return None
    for warning in warnings:
        log.warning("%s", warning)
    return taxonomy


def refresh_reviewed_outputs(out_dir: Path, paths: set[str],
                             taxonomy: TaxonomyFacts | None = None) -> list[str]:
    """After ``review import``: rewrite the findings tables and the Word memos (of ``paths``)
    already in OUT, so they show the stored decisions. Needs OUT's results store (a folder of
    bare JSON reports has no tables to refresh). Returns the files rewritten."""
    from analyzer.batch.store import STORE_NAME, open_store

    if not (out_dir / STORE_NAME).is_file():
        return []
    warnings: list[str] = []
    with open_store(out_dir, warnings) as store:
        inputs = store.last_inputs()
        entries = [e.to_dict() for e in batch_entries(out_dir, store.records(inputs))]
        reports = StoreReports(store, [e["path"] for e in entries])
        formats = {k for k in ("csv", "xlsx") if (out_dir / f"findings.{k}").exists()}
        write_batch_tables(out_dir, entries, reports, formats, taxonomy=taxonomy)
        memos = [e for e in entries if e["path"] in paths
                 and (out_dir / f"{e['name']}.docx").exists()]
        write_memos(out_dir, memos, reports, taxonomy=taxonomy)
    return [f"findings.{k}" for k in sorted(formats)] + [f"{e['name']}.docx" for e in memos]


def write_memos(out_dir: Path, entries: Sequence[Mapping[str, Any]],
                reports: Mapping[str, Mapping[str, Any]],
                options: ReportOptions | None = None, *, only_missing: bool = False,
                taxonomy: TaxonomyFacts | None = None) -> int:
    """Write ``OUT/<name>.docx`` next to each analysed input's report; returns how many.

    Args:
        reports: the reports by input path (read lazily, e.g. from the results store).
        only_missing: write only the memos that are not in OUT (the workers wrote those of the
            inputs they analysed; the memos of unchanged inputs are unchanged too).
        taxonomy: the taxonomy of the rules of the reports (``recorded_taxonomy``): its titles.
    """
    from analyzer.report.i18n import resolve
    from analyzer.report.memo import render_memo
    from analyzer.report.review import load_store, review_for

    options = resolve(options)
    store = load_store(out_dir)
    written = 0
    for entry in entries:
        name = entry.get("name")
        if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith("."):
            continue
        target = out_dir / f"{name}.docx"
        if entry.get("status") != OK:
            target.unlink(missing_ok=True)  # no memo for an input that is no longer analysed
            continue
        if only_missing and target.exists():
            continue
        report = reports.get(str(entry.get("path")))
        if report is None:
            continue
        try:
            atomic_write_bytes(target, render_memo(report, options, review_for(report, store),
                                                   taxonomy))
        except (ValueError, OSError) as e:  # one memo never stops the others, nor the batch
            log.warning("memo of %s not written: %s", entry.get("path"), e)
            continue
        written += 1
    return written
