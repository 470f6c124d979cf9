"""Scan inputs: find documents, analyse each one in an isolated worker, write per-document and batch
outputs, keep every result in the store ``OUT/results.sqlite``.

One bad document never stops the batch: its failure is recorded with a status and a reason.
This module runs in the parent process and stays light: it never imports spaCy or the parsers
(see ``analyzer.batch``). Re-running the same scan only re-does inputs whose content, rules or
options changed.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyzer import __version__
from analyzer.batch.inputs import InputFile, collect_inputs, os_error
from analyzer.batch.limits import Limits
from analyzer.batch.models import (
    DocumentOutcome,
    Interrupted,
    RunSummary,
    ScanResult,
    StoredRecord,
    Task,
)
from analyzer.batch.outputs import (
    CSV_FIELDS,
    FILES_CSV,
    batch_entries,
    outputs_fingerprint,
    readable_taxonomy,
    restore_document,
    rewrite_documents,
    stored_reviews,
    write_batch_outputs,
    write_document,
)
from analyzer.batch.outputs_folder import (
    OutputFolderError,
    output_lock,
    prepare_output_folder,
    remove_stale_temporaries,
)
from analyzer.batch.plan import Plan, config_key
from analyzer.batch.progress import Progress
from analyzer.batch.store import Store, open_store
from analyzer.errors import BatchError
from analyzer.output import output_names
from analyzer.statuses import ALL, CRASHED, FATAL, NOT_FAILED, SKIPPED

if TYPE_CHECKING:
    from analyzer.report.review import ReviewStore
    from analyzer.taxonomy_facts import TaxonomyFacts

log = logging.getLogger(__name__)
ALL_FORMATS = ("json", "html", "csv", "xlsx")
__all__ = ["ALL_FORMATS", "CSV_FIELDS", "FILES_CSV", "InputFile", "Interrupted",
           "OutputFolderError", "ScanResult", "collect_inputs", "output_lock",
           "prepare_output_folder", "rebuild", "scan"]


@dataclass(frozen=True)
class _Engine:
    """How the documents to analyse are run: where, how many at once, under which limits."""

    name: str
    scheduler: str | None
    jobs: int
    limits: Limits
    options: dict[str, Any]
    """The analysis options every worker gets (lang, ocr, pdf_engine, patterns_dir)."""
    progress: bool


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
    retry_failed: bool = False,
    memos: bool = False,
) -> ScanResult:
    """Analyse every input and write ``OUT/<name>.json``, ``OUT/<name>.html``, ``OUT/index.html``,
    ``OUT/files.csv`` and the store ``OUT/results.sqlite``.

    Args:
        jobs: worker processes (default: number of cores).
        force: re-analyse everything (``--all``); else unchanged inputs come from the store.
        retry_failed: also re-analyse unchanged inputs that ended ``timeout`` or ``crashed``
            (``--retry-failed``); else they are retried only when a limit changed.
        engine: "local" (supervised worker processes) or "dask" (a Dask cluster at ``scheduler``,
            a local one when None).
        limits: per-document limits (``analyzer.batch.Limits``; defaults in docs/batch.md).
        progress: show progress on stderr (a live line on a terminal, JSON lines otherwise).
        memos: the workers also write each analysed document's Word memo ``OUT/<name>.docx``
            (in parallel, with the document's stored decisions; ``--format docx``).

    Raises:
        OutputFolderError: ``out_dir`` cannot be used (nothing was done).
        BatchError: the workers cannot start (for example an invalid rule directory), or the
            output folder became unwritable (disk full); the index shows what finished.
        Interrupted: Ctrl-C or SIGTERM; the index shows what finished, the same call resumes.
    """
    import time

    started = time.monotonic()
    options = {"lang": lang, "ocr": ocr, "pdf_engine": pdf_engine,
               "patterns_dir": str(patterns_dir) if patterns_dir else None}
    how = _Engine(engine, scheduler, jobs or os.cpu_count() or 1, limits or Limits(), options,
                  progress)
    prepare_output_folder(out_dir, paths)
    with output_lock(out_dir):  # one scan at a time per output folder
        remove_stale_temporaries(out_dir)
        todo, recorded = collect_inputs(paths, exclude=[out_dir])
        result = ScanResult()
        with open_store(out_dir, result.warnings) as store:
            run = _start_run(store, out_dir, set(formats), [*todo, *recorded], how, force,
                             patterns_dir, result.warnings, memos)
            stopped, restored = _analyse_inputs(run, todo, recorded, how, force, retry_failed,
                                                result)
            result.entries = batch_entries(out_dir, store.records(run.inputs), run.reused)
            result.seconds = time.monotonic() - started
            stopped = _write_index(run, result, stopped, restored)
            _finish_run(run, result, stopped)
        _raise_stop(stopped, result)
        return result


@dataclass(frozen=True)
class _Run:
    """What every step of one scan run writes with."""

    store: Store
    out_dir: Path
    formats: set[str]
    run_id: int
    key: str
    limits_key: str
    names: dict[str, str]
    inputs: list[str]
    """Every input of the run, as shown, sorted."""
    reviews: ReviewStore | None
    """The stored reviewer decisions, rendered into the HTML reports this run writes."""
    taxonomy: TaxonomyFacts | None = None
    """The taxonomy of the run's rules (``--patterns``; None: the shipped one): its titles."""
    rendered: set[str] = field(default_factory=set)
    """Inputs whose HTML report this run wrote (with their decisions)."""
    reused: set[str] = field(default_factory=set)
    """Unchanged inputs, taken from the store."""
    memos: bool = False
    """The workers write the Word memos of the documents they analyse."""


def _start_run(store: Store, out_dir: Path, formats: set[str], found: Sequence[InputFile],
               how: _Engine, force: bool, patterns_dir: Path | None,
               warnings: list[str], memos: bool = False) -> _Run:
    """Record the run in the store; what its steps share (output names, configuration key,
    stored decisions, the taxonomy of its rules)."""
    names = output_names(i.display for i in found)
    inputs = sorted(i.display for i in found)
    key = config_key(lang=how.options["lang"], ocr=how.options["ocr"],
                     pdf_engine=how.options["pdf_engine"], patterns_dir=patterns_dir,
                     limits=how.limits)
    run_id = store.start_run({**how.options, "engine": how.name, "jobs": how.jobs,
                              "force": force, "limits": repr(how.limits),
                              "versions": _versions()}, inputs)
    return _Run(store, out_dir, formats, run_id, key, repr(how.limits), names, inputs,
                stored_reviews(out_dir), readable_taxonomy(patterns_dir, warnings), memos=memos)


def _analyse_inputs(run: _Run, todo: list[InputFile], recorded: Sequence[InputFile],
                    how: _Engine, force: bool, retry_failed: bool,
                    result: ScanResult) -> tuple[BaseException | None, int]:
    """Plan, record the unread inputs, restore the unchanged ones, analyse the others; returns
    what stopped the batch (what finished is kept: the index shows it) and how many report
    files were restored."""
    restored = 0
    try:
        plan = Plan(run.store, todo, run.names, run.key, run.limits_key, force, how.limits,
                    retry_failed)
        _record_unread(run, recorded, plan)
        restored = _restore_unchanged(run, plan)
        run.reused.update(i.display for i, _, _ in plan.reuse)
        result.analysed = _run_plan(run, plan, how)
    except (KeyboardInterrupt, BatchError, OSError) as e:
        return e, restored
    return None, restored


def _finish_run(run: _Run, result: ScanResult, stopped: BaseException | None) -> None:
    """Record the run's summary in the store."""
    run.store.finish_run(run.run_id, RunSummary(
        counts=result.counts(), analysed=result.analysed, unchanged=result.unchanged,
        interrupted=isinstance(stopped, KeyboardInterrupt), seconds=round(result.seconds, 3)))


def _record_unread(run: _Run, recorded: Sequence[InputFile], plan: Plan) -> None:
    """Record the inputs never read (skipped, not a regular file, over the size limit, ...);
    remove the reports an older version of such a file left in OUT."""
    with run.store.transaction():
        for item in recorded:
            run.store.put(StoredRecord(path=item.display, name=run.names[item.display],
                                       status=item.status, reason=item.reason,
                                       run_id=run.run_id, config_key=run.key,
                                       finished_at=1.0), None)
        for item, status, reason in plan.unreadable:
            run.store.put(StoredRecord(path=item.display, name=run.names[item.display],
                                       status=status, reason=reason, run_id=run.run_id,
                                       config_key=run.key), None)
    for item in [*recorded, *(i for i, _, _ in plan.unreadable)]:
        if item.status != SKIPPED:  # no report left from an older version of the file
            write_document(run.out_dir, run.names[item.display], run.formats, None, None)


def _restore_unchanged(run: _Run, plan: Plan) -> int:
    """Unchanged inputs: kept in the store, their missing report files rewritten from it;
    returns how many were rewritten."""
    restored = 0
    with run.store.transaction():
        for item, old, mtime_ns in plan.reuse:
            run.store.touch(item.display, run.run_id, mtime_ns)
            if restore_document(run.store, run.out_dir, old, run.names[item.display],
                                run.formats, run.reviews, run.taxonomy):
                restored += 1
                run.rendered.add(item.display)
    return restored


def _write_index(run: _Run, result: ScanResult, stopped: BaseException | None,
                 restored: int) -> BaseException | None:
    """Rewrite the batch outputs unless nothing they are made of changed; returns what stops
    the batch (the first cause: ``stopped``, else a write error)."""
    previous = run.store.get_meta("batch_outputs")
    if not (stopped is not None or result.analysed or restored
            or previous != outputs_fingerprint(run.out_dir, result.entries, run.formats)):
        return stopped
    try:
        write_batch_outputs(run.out_dir, result.entries, run.store, run.formats, run.rendered,
                            run.taxonomy)
    except OSError as e:  # e.g. the disk is full: say so, keep the first cause
        log.warning("the index could not be rewritten: %s", os_error(e))
        return stopped if stopped is not None else e
    # taken after the writes: an unchanged re-run finds the same, rewrites nothing
    run.store.set_meta("batch_outputs",
                       outputs_fingerprint(run.out_dir, result.entries, run.formats))
    return stopped


def _raise_stop(stopped: BaseException | None, result: ScanResult) -> None:
    """Raise what stopped the batch, as the command line reports it."""
    if isinstance(stopped, KeyboardInterrupt):
        raise Interrupted(result) from stopped
    if isinstance(stopped, OSError):
        where = f" ({stopped.filename})" if stopped.filename else ""
        raise BatchError(f"the batch stopped on a system error: {os_error(stopped)}{where}; "
                         "what finished is kept") from stopped
    if stopped is not None:
        raise stopped


def _run_plan(run: _Run, plan: Plan, how: _Engine) -> int:
    """Analyse the inputs of ``plan.run``, recording each one as it finishes; returns how many."""
    bar = Progress(len(plan.run), enabled=how.progress)
    tasks = [task for _, task in plan.run]
    for task in tasks:  # the worker renders the HTML (and memo) once, with the stored decisions
        if run.reviews is not None and run.reviews.has(task.display):
            task.reviews = run.reviews.only(task.display)
        task.memo = run.memos
    if how.name == "local":  # workers write their reports themselves (shared disk)
        for task in tasks:
            task.out_dir, task.formats = str(run.out_dir), tuple(sorted(run.formats))
    analysed = 0
    try:
        for task, outcome in _execute(tasks, how):
            record = _finish(run, task, outcome)
            bar.update(task.display, record.status, record.pages, record.reason)
            run.rendered.add(task.display)
            analysed += 1
    finally:
        bar.close()
    return analysed


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


def _execute(tasks: list[Task],
             how: _Engine) -> Iterator[tuple[Task, DocumentOutcome]]:
    if not tasks:
        return
    if how.name == "dask":
        from analyzer.batch.dask_engine import run_dask

        yield from run_dask(tasks, scheduler=how.scheduler, jobs=how.jobs, limits=how.limits,
                            options=how.options)
        return
    if how.name != "local":
        raise ValueError(f"unknown engine {how.name!r}")
    from analyzer.batch.pool import Supervisor, WorkerStartError

    try:
        with Supervisor(min(how.jobs, len(tasks)), how.limits, how.options,
                        cores=how.jobs) as supervisor:
            yield from supervisor.run(tasks)
    except WorkerStartError as e:
        raise BatchError(f"the analysis workers cannot start: {e}") from e


def _finish(run: _Run, task: Task, outcome: DocumentOutcome) -> StoredRecord:
    """Write one finished input's outputs, then its record (outputs first: a kill in between
    leaves no record, so the input is simply re-done); returns the record stored."""
    if outcome.status == FATAL:
        raise BatchError(outcome.reason)
    if outcome.status not in ALL:
        outcome = dataclasses.replace(outcome, status=CRASHED,
                                      reason=f"unknown status {outcome.status!r}")
    if outcome.write_error:
        raise BatchError(f"cannot write the report of {task.display}: "
                         f"{outcome.write_error}")
    if not outcome.written:
        write_document(run.out_dir, task.name, run.formats, outcome.json, outcome.html,
                       outcome.memo, memos=run.memos)
    record = outcome.stored(task, run_id=run.run_id, config_key=run.key,
                            limits_key=run.limits_key)
    if record.status not in NOT_FAILED:
        log.info("%s: %s: %s", task.display, record.status, record.reason)
    else:  # -v: every document, not only the failures
        log.info("%s: %s (%s pages, %s characters, %.1f s)", task.display, record.status,
                 record.pages or 0, record.chars or 0, record.seconds or 0.0)
    run.store.put(record, outcome.json, outcome.blob)
    return record


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
    result = ScanResult()
    with output_lock(out_dir), open_store(out_dir, result.warnings) as store:
        records = store.records(store.last_inputs())
        taxonomy = readable_taxonomy(store.last_patterns_dir(), result.warnings)
        rewrite_documents(store, out_dir, records, formats, taxonomy)
        result.entries = batch_entries(out_dir, records)
        write_batch_outputs(out_dir, result.entries, store, formats,
                            {r.path for r in records}, taxonomy)
    return result
