"""Scan inputs: find documents, analyse each one in an isolated worker, write per-document and batch
outputs, keep every result in the store ``OUT/results.sqlite``.

One bad document never stops the batch: its failure is recorded with a status and a reason.
This module runs in the parent process and stays light: it never imports spaCy or the parsers
(see ``analyzer.batch``). Re-running the same scan only re-does inputs whose content, rules or
options changed.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer import __version__
from analyzer.batch.limits import Limits, sniff_type
from analyzer.batch.progress import Progress
from analyzer.batch.store import Store
from analyzer.batch.worker import FAILED_STATUSES, OK_STATUSES
from analyzer.errors import AnalyzerError
from analyzer.extract import SUPPORTED_SUFFIXES, file_sha256
from analyzer.output import atomic_write_text, output_names

log = logging.getLogger(__name__)
ALL_FORMATS = ("json", "html", "csv", "xlsx")
RETRY_STATUSES = ("timeout", "crashed")  # possibly transient: re-done by the next run
FILES_CSV = "files.csv"
CSV_FIELDS = ("path", "status", "reason", "type", "pages", "chars", "truncated", "language",
              "clauses", "certificates_required", "seconds", "size", "sha256", "html", "json")


class BatchError(AnalyzerError):
    """The batch itself cannot run (for example: the workers cannot start)."""


@dataclass(frozen=True)
class InputFile:
    """A file to analyse and the path shown for it (relative to what the user named)."""

    path: Path
    display: str


@dataclass
class ScanResult:
    """What happened to every input."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    analysed: int = 0
    """Inputs analysed by this run (the others were unchanged and taken from the store)."""
    seconds: float = 0.0

    @property
    def failed(self) -> list[dict[str, Any]]:
        """Entries of documents that could not be analysed."""
        return [e for e in self.entries if e["status"] not in OK_STATUSES]

    @property
    def unchanged(self) -> int:
        return sum(1 for e in self.entries if e.get("unchanged"))

    def counts(self) -> dict[str, int]:
        """Number of inputs per status."""
        return dict(sorted(Counter(e["status"] for e in self.entries).items()))

    @property
    def exit_code(self) -> int:
        """0 when every input was analysed (ok, ok_no_text) or skipped, else 1."""
        return 1 if self.failed else 0


def display_name(path: Path) -> str:
    """A path as text that always encodes as UTF-8 (undecodable bytes shown as ``\\xff``)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def collect_inputs(paths: Sequence[Path]) -> tuple[list[InputFile], list[InputFile]]:
    """Expand files and folders (recursively) into inputs to analyse and inputs skipped.

    Files named explicitly are always analysed. Inside folders, a file is analysed when its
    suffix is a supported one or its content is PDF or ZIP (type by content); other files and
    symbolic links (never followed out of the folder) are listed as skipped.
    """
    todo: list[InputFile] = []
    skipped: list[InputFile] = []
    seen: set[Path] = set()
    for root in paths:
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink()):
                display = display_name(Path(root.name) / path.relative_to(root))
                item = InputFile(path, display)
                key = path.absolute() if path.is_symlink() else path.resolve()
                if key in seen:
                    continue
                seen.add(key)
                if path.is_symlink():
                    skipped.append(item)
                elif path.suffix.lower() in SUPPORTED_SUFFIXES or _document_content(path):
                    todo.append(item)
                else:
                    skipped.append(item)
        elif root.resolve() not in seen:
            seen.add(root.resolve())
            todo.append(InputFile(root, display_name(Path(root.name))))
    return todo, skipped


def _document_content(path: Path) -> bool:
    try:
        return sniff_type(path) in ("pdf", "zip")
    except OSError:
        return False


def _patterns_hash(patterns_dir: Path | None) -> str:
    from analyzer.resources import default_patterns_dir

    directory = patterns_dir or default_patterns_dir()
    h = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(directory)).encode("utf-8", "surrogateescape"))
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def config_key(*, lang: str, ocr: str, pdf_engine: str, patterns_dir: Path | None,
               limits: Limits) -> str:
    """What a stored report depends on besides the input's content: tool version, rule files,
    options. A stored result is reused only when this key (and the content hash) is the same."""
    parts = [__version__, _patterns_hash(patterns_dir), lang, ocr, pdf_engine, limits.key()]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16]


def _entry(record: Mapping[str, Any]) -> dict[str, Any]:
    """The index entry of a stored record (keys of ``analyzer.report.html.render_index``)."""
    summary = record.get("entry") or {}
    return {
        "path": record["path"], "name": record["name"], "status": record["status"],
        "reason": record.get("reason") or "",
        "language": summary.get("language"),
        "certificates_required": summary.get("certificates_required", []),
        "coverage": summary.get("coverage", {}),
        "checklist_missing": summary.get("checklist_missing", []),
        "warnings": summary.get("warnings", []),
        "clauses": summary.get("clauses", 0),
        "html": None, "json": None,
        "pages": record.get("pages"), "chars": record.get("chars"),
        "truncated": bool(record.get("truncated")), "type": record.get("type"),
        "sha256": record.get("sha256"), "size": record.get("size"),
        "seconds": record.get("seconds"),
    }


def _write_outputs(out_dir: Path, name: str, formats: set[str], json_text: str | None,
                   html_text: str | None) -> None:
    """Write (atomically) the report files of an analysed input; for a failed one (no JSON),
    remove any report left by an older version of the file."""
    for kind, text in (("json", json_text), ("html", html_text)):
        target = out_dir / f"{name}.{kind}"
        if json_text is None:
            target.unlink(missing_ok=True)
        elif text is not None and kind in formats:
            atomic_write_text(target, text)


class _Plan:
    """Which inputs must be analysed and which stored results are still valid."""

    def __init__(self, store: Store, todo: list[InputFile], names: dict[str, str],
                 key: str, limits_key: str, force: bool) -> None:
        self.run: list[tuple[InputFile, dict[str, Any]]] = []
        self.reuse: list[tuple[InputFile, dict[str, Any], int]] = []
        self.unreadable: list[tuple[InputFile, str]] = []
        for item in todo:
            old = store.get(item.display)
            try:
                st = item.path.stat()
                if (old and not force and old["size"] == st.st_size
                        and old["mtime_ns"] == st.st_mtime_ns and old["sha256"]):
                    sha = old["sha256"]  # unchanged size and mtime: trust the stored hash
                else:
                    sha = file_sha256(item.path)
            except OSError as e:
                self.unreadable.append((item, f"unreadable: {type(e).__name__}: "
                                              f"{e.strerror or e}"))
                continue
            task = {"path": str(item.path), "display": item.display,
                    "name": names[item.display], "sha256": sha, "size": st.st_size,
                    "mtime_ns": st.st_mtime_ns, "pages": None}
            if (old is not None and not force and old["sha256"] == sha
                    and old["config_key"] == key and old["status"] not in RETRY_STATUSES
                    and (old["status"] in OK_STATUSES or old["limits_key"] == limits_key)):
                self.reuse.append((item, old, st.st_mtime_ns))
            else:
                self.run.append((item, task))
        # Largest first: the long documents start early, the batch ends with short ones.
        self.run.sort(key=lambda pair: -pair[1]["size"])


def scan(
    paths: Sequence[Path],
    out_dir: Path,
    *,
    lang: str = "auto",
    formats: Iterable[str] = ALL_FORMATS,
    patterns_dir: Path | None = None,
    jobs: int | None = None,
    ocr: str = "auto",
    pdf_engine: str = "auto",
    force: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    limits: Limits | None = None,
    progress: bool = False,
) -> ScanResult:
    """Analyse every input and write ``OUT/<name>.json``, ``OUT/<name>.html``, ``OUT/index.html``,
    ``OUT/files.csv`` and the store ``OUT/results.sqlite``.

    Args:
        jobs: worker processes (default: number of cores).
        force: re-analyse everything (``--all``); else unchanged inputs come from the store.
        engine: "local" (supervised worker processes) or "dask" (a Dask cluster at ``scheduler``,
            a local one when None).
        limits: per-document limits (``analyzer.batch.Limits``; defaults in docs/batch.md).
        progress: show progress on stderr (a live line on a terminal, JSON lines otherwise).

    Raises:
        BatchError: the workers cannot start (for example an invalid rule directory).
    """
    import time

    started = time.monotonic()
    formats = set(formats)
    limits = limits or Limits()
    jobs = jobs or os.cpu_count() or 1
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(out_dir)
    todo, skipped = collect_inputs(paths)
    names = output_names(i.display for i in [*todo, *skipped])
    options = {"lang": lang, "ocr": ocr, "pdf_engine": pdf_engine,
               "patterns_dir": str(patterns_dir) if patterns_dir else None}
    key = config_key(lang=lang, ocr=ocr, pdf_engine=pdf_engine, patterns_dir=patterns_dir,
                     limits=limits)
    limits_key = repr(limits)
    result = ScanResult()
    with Store(out_dir) as store:
        run_id = store.start_run({**options, "engine": engine, "jobs": jobs, "force": force,
                                  "limits": limits_key, "versions": _versions()},
                                 sorted(i.display for i in [*todo, *skipped]))
        with store.transaction():
            for item in skipped:
                reason = ("symbolic link (not followed)" if item.path.is_symlink()
                          else "not a supported file type (.pdf, .docx, .txt, .md)")
                store.put({"path": item.display, "name": names[item.display],
                           "status": "skipped", "reason": reason, "run_id": run_id,
                           "config_key": key, "finished_at": 1.0}, None)
        plan = _Plan(store, todo, names, key, limits_key, force)
        for item, reason in plan.unreadable:
            _write_outputs(out_dir, names[item.display], formats, None, None)
            store.put({"path": item.display, "name": names[item.display],
                       "status": "parse_error", "reason": reason, "run_id": run_id,
                       "config_key": key}, None)
        restored = 0
        with store.transaction():
            for item, old, mtime_ns in plan.reuse:
                store.touch(item.display, run_id, mtime_ns)
                restored += _restore_outputs(store, out_dir, old, names[item.display], formats)
        bar = Progress(len(plan.run), enabled=progress)
        tasks = [task for _, task in plan.run]
        if engine == "local":  # workers write their reports themselves (shared disk)
            for task in tasks:
                task.update(out_dir=str(out_dir), formats=sorted(formats))
        try:
            for task, outcome in _execute(tasks, engine=engine, scheduler=scheduler, jobs=jobs,
                                          limits=limits, options=options):
                record = _finish(store, out_dir, formats, task, outcome, run_id, key,
                                 limits_key)
                bar.update(task["display"], record["status"], record["pages"],
                           record["reason"])
                result.analysed += 1
        finally:
            bar.close()
        result.entries = _entries(store, out_dir, sorted(i.display for i in [*todo, *skipped]),
                                  {i.display for i, _, _ in plan.reuse})
        result.seconds = time.monotonic() - started
        fingerprint = _outputs_fingerprint(out_dir, result.entries, formats)
        if (result.analysed or restored or store.get_meta("batch_outputs") != fingerprint
                or not (out_dir / "index.html").is_file()):
            write_batch_outputs(out_dir, result.entries, store, formats)
            store.set_meta("batch_outputs", fingerprint)
        store.finish_run(run_id, {"counts": result.counts(), "analysed": result.analysed,
                                  "unchanged": result.unchanged,
                                  "seconds": round(result.seconds, 3)})
    return result


def _versions() -> dict[str, str]:
    """Versions of the tool and of the parsers, recorded with each run (no import needed)."""
    from importlib import metadata

    found = {"hds-analyzer": __version__}
    for dist in ("pdfplumber", "pdfminer.six", "pypdfium2", "python-docx", "lxml", "spacy"):
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return found


def _remove_stale_temporaries(out_dir: Path) -> None:
    """Temporary files of atomic writes interrupted by a kill (never a finished report)."""
    for path in out_dir.glob(".*.tmp"):
        path.unlink(missing_ok=True)


def _execute(tasks: list[dict[str, Any]], *, engine: str, scheduler: str | None, jobs: int,
             limits: Limits, options: dict[str, Any]) -> Iterator[tuple[dict, dict]]:
    if not tasks:
        return
    if engine == "dask":
        from analyzer.batch.dask_engine import run_dask

        yield from run_dask(tasks, scheduler=scheduler, jobs=jobs, limits=limits,
                            options=options)
        return
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}")
    from analyzer.batch.pool import Supervisor, WorkerStartError

    try:
        with Supervisor(min(jobs, len(tasks)), limits, options) as supervisor:
            yield from supervisor.run(tasks)
    except WorkerStartError as e:
        raise BatchError(f"the analysis workers cannot start: {e}") from e


def _finish(store: Store, out_dir: Path, formats: set[str], task: dict[str, Any],
            outcome: dict[str, Any], run_id: int, key: str, limits_key: str) -> dict[str, Any]:
    """Write one finished input's outputs, then its record (outputs first: a kill in between
    leaves no record, so the input is simply re-done)."""
    record = dict(outcome["record"])
    if record["status"] == "fatal":
        raise BatchError(record["reason"])
    if record["status"] not in (*OK_STATUSES, *FAILED_STATUSES):
        record["status"], record["reason"] = "crashed", f"unknown status {record['status']!r}"
    if outcome.get("write_error"):
        raise BatchError(f"cannot write the report of {task['display']}: "
                         f"{outcome['write_error']}")
    if not outcome.get("written"):
        _write_outputs(out_dir, task["name"], formats, outcome.get("json"), outcome.get("html"))
    record.update(path=task["display"], name=task["name"], sha256=task["sha256"],
                  size=task["size"], mtime_ns=task["mtime_ns"], run_id=run_id, config_key=key,
                  limits_key=limits_key, entry=outcome.get("entry") or {},
                  language=(outcome.get("entry") or {}).get("language"))
    if record["status"] not in OK_STATUSES:
        log.info("%s: %s: %s", task["display"], record["status"], record["reason"])
    store.put(record, outcome.get("json"), outcome.get("blob"))
    return record


def _restore_outputs(store: Store, out_dir: Path, record: dict[str, Any], name: str,
                     formats: set[str]) -> int:
    """An unchanged input whose report files are missing (or renamed): write them from the store.
    Returns 1 when something was rewritten."""
    if record["status"] not in ("ok", "ok_no_text"):
        return 0
    wanted = [k for k in ("json", "html") if k in formats]
    if name == record["name"] and all((out_dir / f"{name}.{k}").exists() for k in wanted):
        return 0
    text = store.report_json(record["path"])
    if text is None:
        return 0
    html = None
    if "html" in formats:
        import json

        from analyzer.report.html import render_document

        html = render_document(json.loads(text))
    _write_outputs(out_dir, name, formats, text, html)
    if name != record["name"]:
        record = {**record, "name": name}
        store.put(record, text)
    return 1


def _entries(store: Store, out_dir: Path, inputs: list[str],
             unchanged: set[str]) -> list[dict[str, Any]]:
    entries = []
    for record in store.records(inputs):
        entry = _entry(record)
        for kind in ("json", "html"):
            if record["status"] in ("ok", "ok_no_text") and (
                    out_dir / f"{record['name']}.{kind}").exists():
                entry[kind] = f"{record['name']}.{kind}"
        entry["unchanged"] = record["path"] in unchanged
        entries.append(entry)
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
        return (p for p in self._paths if self._store.report_json(p) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _outputs_fingerprint(out_dir: Path, entries: list[dict[str, Any]],
                         formats: set[str]) -> str:
    """What the batch-level outputs are made of; equal fingerprints mean nothing to rewrite."""
    import json

    h = hashlib.sha256(json.dumps(sorted(formats)).encode())
    for entry in entries:
        h.update(json.dumps({k: v for k, v in entry.items() if k != "unchanged"},
                            sort_keys=True, default=str).encode("utf-8", "surrogateescape"))
    for extra in ("reviews.json",):  # reviewer decisions feed the tables
        path = out_dir / extra
        h.update(str(path.stat().st_mtime_ns if path.exists() else 0).encode())
    for name in ("index.html", FILES_CSV, *(f"findings.{k}" for k in ("csv", "xlsx")
                                             if k in formats)):
        h.update(b"1" if (out_dir / name).exists() else b"0")
    return h.hexdigest()


def write_batch_outputs(out_dir: Path, entries: list[dict[str, Any]], store: Store,
                        formats: set[str]) -> None:
    """The batch-level outputs: ``index.html``, ``files.csv`` (one row per input with its status)
    and, when asked for, the findings tables."""
    from analyzer.report.html import render_index

    reports = StoreReports(store, [e["path"] for e in entries])
    atomic_write_text(out_dir / "index.html", render_index(entries, reports))
    atomic_write_text(out_dir / FILES_CSV, files_csv(entries))
    if "html" in formats:  # reviewer decisions (OUT/reviews.json) survive re-runs
        from analyzer.report.review import apply_stored_reviews

        apply_stored_reviews(out_dir, entries, reports)
    _findings_tables(out_dir, entries, reports, formats)


def _findings_tables(out_dir: Path, entries: list[dict[str, Any]],
                     reports: Mapping[str, dict[str, Any]], formats: set[str]) -> None:
    """Hook for the findings tables (findings.csv / findings.xlsx) of ``analyzer.report``."""
    if not formats & {"csv", "xlsx"}:
        return
    from analyzer.report.tables import write_batch_tables

    write_batch_tables(out_dir, entries, reports, formats)


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


def files_csv(entries: list[dict[str, Any]]) -> str:
    """One row per input: path, status, reason, type, pages, ... (UTF-8, formulas neutralised)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for e in entries:
        writer.writerow([_csv_cell(e.get(f)) for f in CSV_FIELDS])
    return buffer.getvalue()


def rebuild(out_dir: Path, formats: Iterable[str] = ALL_FORMATS) -> ScanResult:
    """``hds-analyzer report OUT``: rewrite every report file, the index and the tables from the
    store, without analysing anything.

    Raises:
        BatchError: OUT has no results store.
    """
    from analyzer.batch.store import STORE_NAME

    formats = set(formats)
    if not (out_dir / STORE_NAME).is_file():
        raise BatchError(f"{out_dir} has no results store ({STORE_NAME}); run a scan first")
    import json

    from analyzer.report.html import render_document

    result = ScanResult()
    with Store(out_dir) as store:
        inputs = store.last_inputs()
        records = store.records(inputs)
        for record in records:
            text = store.report_json(record["path"]) if record["status"] in OK_STATUSES else None
            html = render_document(json.loads(text)) if text and "html" in formats else None
            _write_outputs(out_dir, record["name"], formats, text, html)
        result.entries = _entries(store, out_dir, [r["path"] for r in records], set())
        write_batch_outputs(out_dir, result.entries, store, formats)
    return result
