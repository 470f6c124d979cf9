"""The only writer of ``OUT/``: per-document reports (``<name>.json``, ``<name>.html``), the
batch files (``index.html``, ``files.csv``, ``findings.csv``, ``findings.xlsx``), the
re-render of HTML reports with stored reviewer decisions and the recorded report options.
Reports of a batch are read from the results store (``StoreReports``). ``review import`` and
the Word memos are in ``analyzer.batch.outputs_review``.

``analyzer.report`` only turns reports into strings or bytes; this module decides where they go
and writes them atomically (``analyzer.output``). It runs in the parent process and in the
workers, so it imports the renderers only when it renders.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyzer.batch.entry import entry_of_record
from analyzer.batch.models import IndexEntry, StoredRecord
from analyzer.batch.store import Store
from analyzer.output import atomic_write_bytes, atomic_write_text, atomic_writer
from analyzer.statuses import ANALYSED

if TYPE_CHECKING:
    from analyzer.report.i18n import ReportOptions
    from analyzer.report.review import ReviewStore
    from analyzer.taxonomy_facts import TaxonomyFacts

FILES_CSV = "files.csv"
CSV_FIELDS = ("path", "status", "reason", "type", "pages", "chars", "truncated", "language",
              "clauses", "certificates_required", "seconds", "size", "sha256", "html", "json")
REVIEWS_FILE = "reviews.json"  # the review store (analyzer.report.review.STORE_NAME)


def write_document(out_dir: Path, name: str, formats: Iterable[str], json_text: str | None,
                   html_text: str | None, memo: bytes | None = None, *,
                   memos: bool = False) -> None:
    """Write (atomically) the report files of an analysed input; for a failed one (no JSON),
    remove any report left by an older version of the file. With ``memos`` (the batch writes
    Word memos), ``OUT/<name>.docx`` is ``memo``, or removed when there is none (the end of
    the run then renders the missing ones, and says why one cannot be)."""
    for kind, text in (("json", json_text), ("html", html_text)):
        target = out_dir / f"{name}.{kind}"
        if json_text is None:
            target.unlink(missing_ok=True)
        elif text is not None and kind in formats:
            atomic_write_text(target, text)
    if memos:
        target = out_dir / f"{name}.docx"
        if memo is None or json_text is None:
            target.unlink(missing_ok=True)
        else:
            atomic_write_bytes(target, memo)


def render_html(report: Mapping[str, Any], store: ReviewStore | None = None,
                taxonomy: TaxonomyFacts | None = None) -> str:
    """The HTML report of a document, with the stored reviewer decisions that apply to it and
    the titles of the run's taxonomy (``run_taxonomy``)."""
    from analyzer.report.html import render_document
    from analyzer.report.review import review_for

    review = review_for(report, store) if store is not None else None
    return render_document(report, reviews=review, taxonomy=taxonomy)


def render_memo_bytes(report: Mapping[str, Any], store: ReviewStore | None = None,
                      taxonomy: TaxonomyFacts | None = None) -> bytes | None:
    """The Word memo of a document, with its stored reviewer decisions and the titles of the
    run's taxonomy; None when it cannot be rendered (left to the end of the run, which logs
    why)."""
    from analyzer.report.memo import render_memo
    from analyzer.report.review import review_for

    try:
        return render_memo(report, None, review_for(report, store) if store is not None else None,
                           taxonomy)
    except ValueError:
        return None


def run_taxonomy(patterns_dir: str | Path | None) -> TaxonomyFacts | None:
    """The taxonomy facts of a run's rule directory (``--patterns``), read with PyYAML only (the
    parent process may call it); None for the shipped rules, which the renderers use by default.

    Raises:
        PatternFileError: the directory's ``taxonomy.yaml`` is unreadable or misshapen.
    """
    if not patterns_dir:
        return None
    from analyzer.taxonomy_facts import read_facts

    return read_facts(Path(patterns_dir) / "taxonomy.yaml")


def readable_taxonomy(patterns_dir: str | Path | None,
                      warnings: list[str]) -> TaxonomyFacts | None:
    """``run_taxonomy``, or the shipped taxonomy with a warning when the rule directory's
    cannot be read (a scan then stops on the workers' own check of the rules; ``report OUT``
    and ``review import`` go on with the shipped titles)."""
    from analyzer.errors import PatternFileError

    try:
        return run_taxonomy(patterns_dir)
    except PatternFileError as e:
        warnings.append(f"the rules of the last scan ({patterns_dir}) cannot be read any "
                        f"more ({e}): titles of the shipped taxonomy")
        return None


def stored_reviews(out_dir: Path) -> ReviewStore | None:
    """The stored reviewer decisions of OUT (None without any, or when ``reviews.json`` is
    invalid: writing the batch outputs then reports it)."""
    if not (out_dir / REVIEWS_FILE).is_file():
        return None
    from analyzer.report.review import ReviewFileError, load_store

    try:
        return load_store(out_dir)
    except ReviewFileError:
        return None


def restore_document(store: Store, out_dir: Path, record: StoredRecord, name: str,
                     formats: set[str], reviews: ReviewStore | None = None,
                     taxonomy: TaxonomyFacts | None = None) -> int:
    """An unchanged input whose report files are missing (or renamed): write them from the store.
    Returns 1 when something was rewritten."""
    if record.status not in ANALYSED:
        return 0
    wanted = [k for k in ("json", "html") if k in formats]
    sizes = {"json": record.summary.json_bytes if record.summary else None}
    if name == record.name and all(_intact(out_dir / f"{name}.{k}", sizes.get(k))
                                   for k in wanted):
        return 0
    found = store.stored_report(record.path)
    if found is None:
        return 0
    text, report = found
    html = render_html(report, reviews, taxonomy) if "html" in formats else None
    write_document(out_dir, name, formats, text, html)
    if name != record.name:
        store.put(dataclasses.replace(record, name=name), text)
    return 1


def _intact(path: Path, size: int | None) -> bool:
    """The report file exists and, where its size is known, has it (a truncated or damaged
    OUT/<name>.json is rewritten from the store; HTML files are re-rendered by reviews, so
    only their presence is checked)."""
    try:
        st = path.stat()
    except OSError:
        return False
    return size is None or st.st_size == size


def rewrite_documents(store: Store, out_dir: Path, records: Iterable[StoredRecord],
                      formats: set[str], taxonomy: TaxonomyFacts | None = None) -> None:
    """``hds-analyzer report OUT``: every per-document report file again, from the store (the
    HTML with the stored reviewer decisions)."""
    reviews = stored_reviews(out_dir)
    for record in records:
        if record.status not in ANALYSED:
            write_document(out_dir, record.name, formats, None, None)  # removes old reports
            continue
        found = store.stored_report(record.path)
        if found is None:
            continue  # its stored report cannot be read back: its files stay as they are
        text, report = found
        html = render_html(report, reviews, taxonomy) if "html" in formats else None
        write_document(out_dir, record.name, formats, text, html)


def batch_entries(out_dir: Path, records: Iterable[StoredRecord],
                  unchanged: Collection[str] = ()) -> list[IndexEntry]:
    """The index entries of the batch's stored records (with the report files present in
    OUT); ``unchanged``: the inputs taken from the store by this run."""
    entries = []
    for record in records:
        files = {kind: f"{record.name}.{kind}" for kind in ("json", "html")
                 if record.status in ANALYSED and (out_dir / f"{record.name}.{kind}").exists()}
        entries.append(entry_of_record(record, files, record.path in unchanged))
    return entries


class StoreReports(Mapping[str, dict[str, Any]]):
    """The reports of a batch, read from the store one at a time (keyed by input path)."""

    def __init__(self, store: Store, paths: Iterable[str]) -> None:
        self._store = store
        self._paths = [p for p in paths]

    def __getitem__(self, path: str) -> dict[str, Any]:
        report = self._store.report(path)
        if report is None:
            raise KeyError(path)
        return report

    def __iter__(self) -> Iterator[str]:
        return (p for p in self._paths if self._store.stored_report(p) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def outputs_fingerprint(out_dir: Path, entries: Sequence[IndexEntry], formats: set[str]) -> str:
    """What the batch-level outputs are made of; equal fingerprints mean nothing to rewrite."""
    h = hashlib.sha256(json.dumps(sorted(formats)).encode())
    for entry in entries:
        h.update(json.dumps({k: v for k, v in entry.to_dict().items() if k != "unchanged"},
                            sort_keys=True, default=str).encode("utf-8", "surrogateescape"))
    for extra in (REVIEWS_FILE,):  # reviewer decisions feed the tables
        path = out_dir / extra
        h.update(str(path.stat().st_mtime_ns if path.exists() else 0).encode())
    for name in ("index.html", FILES_CSV, *(f"findings.{k}" for k in ("csv", "xlsx")
                                             if k in formats)):
        h.update(b"1" if (out_dir / name).exists() else b"0")
    return h.hexdigest()


def write_batch_outputs(out_dir: Path, entries: Sequence[IndexEntry], store: Store,
                        formats: set[str], rendered: Collection[str] = (),
                        taxonomy: TaxonomyFacts | None = None) -> None:
    """The batch-level outputs: ``index.html``, ``files.csv`` (one row per input with its status)
    and, when asked for, the findings tables; the HTML reports of documents with stored
    decisions not ``rendered`` with them by this run are re-rendered; all with the titles of
    ``taxonomy`` (the run's, ``run_taxonomy``)."""
    from analyzer.report.html import render_index

    rows = [e.to_dict() for e in entries]  # what the renderers read
    reports = StoreReports(store, [e.path for e in entries])
    atomic_write_text(out_dir / "index.html", render_index(rows, reports, taxonomy=taxonomy))
    atomic_write_text(out_dir / FILES_CSV, files_csv(rows))
    if "html" in formats:  # reviewer decisions (OUT/reviews.json) survive re-runs
        apply_stored_reviews(out_dir, [r for r in rows if r["path"] not in rendered],
                             reports, taxonomy)
    write_batch_tables(out_dir, rows, reports, formats, taxonomy=taxonomy)


def apply_stored_reviews(out_dir: Path, entries: Iterable[Mapping[str, Any]],
                         reports: Mapping[str, dict[str, Any]] | None = None,
                         taxonomy: TaxonomyFacts | None = None) -> list[str]:
    """Re-render the HTML reports of a finished batch whose documents have stored decisions,
    so decisions survive re-runs (for clauses whose text is unchanged).

    Args:
        entries: the batch index entries (keys ``path``, ``status``, ``html``, ``json``).
        reports: report dicts keyed by input path; default: read ``OUT/<entry['json']>``.

    Returns:
        The HTML files rewritten.

    Raises:
        ReviewFileError: ``OUT/reviews.json`` exists but is invalid.
    """
    from analyzer.report.review import load_store, review_for
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
        if report is None or not review_for(report, store):
            continue
        atomic_write_text(out_dir / html, render_html(report, store, taxonomy))
        written.append(html)
    return written


def write_batch_tables(out_dir: Path, entries: Sequence[Mapping[str, Any]],
                       reports: Mapping[str, dict[str, Any]] | None = None,
                       formats: Iterable[str] = ("csv", "xlsx"),
                       options: ReportOptions | None = None,
                       taxonomy: TaxonomyFacts | None = None) -> list[Path]:
    """Write ``OUT/findings.csv`` and/or ``OUT/findings.xlsx`` (streamed to temporary files,
    renamed into place when complete); returns the files written.

    Args:
        reports: report dicts keyed by input path (e.g. ``StoreReports``); default: read
            ``OUT/<entry['json']>``.
        formats: the scan's formats; only "csv" and "xlsx" matter here.

    Raises:
        ReviewFileError: ``OUT/reviews.json`` exists but is invalid.
    """
    formats = set(formats)
    kinds = [kind for kind in ("csv", "xlsx") if kind in formats]
    if not kinds:
        return []
    from analyzer.report.review import load_store
    from analyzer.report.tables import report_loader, write_tables

    store = load_store(out_dir)
    with contextlib.ExitStack() as stack:
        streams: dict[str, Any] = {}
        if "csv" in kinds:
            streams["csv"] = stack.enter_context(atomic_writer(
                out_dir / "findings.csv", text=True, encoding="utf-8", newline=""))
        if "xlsx" in kinds:
            streams["xlsx"] = stack.enter_context(atomic_writer(out_dir / "findings.xlsx"))
        write_tables(streams, entries, report_loader(out_dir, reports), store, options,
                     taxonomy)
    return [out_dir / f"findings.{kind}" for kind in kinds]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = " ".join(map(str, value))
    text = str(value)
    text = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
    if text[:1] in ("=", "+", "-", "@"):  # no formula injection in spreadsheets
        text = "'" + text
    return text


def files_csv(entries: Sequence[Mapping[str, Any]]) -> str:
    """One row per input: path, status, reason, type, pages, ... (UTF-8, formulas neutralised)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for e in entries:
        writer.writerow([_csv_cell(e.get(f)) for f in CSV_FIELDS])
    return buffer.getvalue()


def record_options(out_dir: Path, options: ReportOptions) -> None:
    """Record the options the reports of ``out_dir`` were written with (``report-options.cfg``),
    so ``hds-analyzer report OUT`` keeps them and a scan with other options re-renders."""
    from analyzer.report.i18n import OPTIONS_FILE

    atomic_write_text(Path(out_dir) / OPTIONS_FILE,
                      json.dumps(options.to_json(), sort_keys=True, indent=2) + "\n")
