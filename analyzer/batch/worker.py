"""Worker process: analyses one document at a time under resource limits.

The parent imports this module only for ``worker_main`` (the process target) and the status
names; the heavy libraries (spaCy, pdfplumber, python-docx) are imported inside the worker.
A worker answers each task with one ``("done", DocumentOutcome)`` message; before extraction it may send
``("pages", n)`` so that the parent can scale the wall-clock timeout with the page count.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import time
import zlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from analyzer.batch.limits import Limits
from analyzer.batch.models import DocumentOutcome, ReportSummary, Task
from analyzer.batch.sandbox import set_cpu_budget, setup_process
from analyzer.batch.text_caps import MAX_BLOCK_CHARS, cap_text, split_long_blocks
from analyzer.statuses import (
    ALL,
    ANALYSED,
    CRASHED,
    FAILED,
    FATAL,
    LIMIT_EXCEEDED,
    NOT_FAILED,
    OK,
    OK_NO_TEXT,
    PARSE_ERROR,
    UNSUPPORTED_TYPE,
)

if TYPE_CHECKING:
    from analyzer.taxonomy_facts import TaxonomyFacts

# The fixed set of per-file statuses (docs/batch.md), defined once in analyzer.statuses.
OK_STATUSES, FAILED_STATUSES, STATUSES = NOT_FAILED, FAILED, ALL
MIN_CHARS_PER_PAGE = 20
CHARS_PER_PAGE = 3000  # a page of contract text, for the timeout of non-PDF documents


def warm_up(options: dict[str, Any]) -> None:
    """Import the parsers, validate the rule sets of the batch's languages and build the
    spaCy pipeline of the first one, before the first document."""
    import analyzer.extract.docx
    import analyzer.extract.pdf
    import analyzer.extract.text  # noqa: F401
    from analyzer.analyze import get_ruleset
    from analyzer.check.facts import load_fact_vocabulary, load_locations
    from analyzer.language import SUPPORTED_LANGUAGES
    from analyzer.learned import model_for
    from analyzer.mentions import load_mentions
    from analyzer.nlp import cached_pipeline
    from analyzer.report.html import render_document  # noqa: F401
    from analyzer.resources import default_patterns_dir

    patterns = Path(options["patterns_dir"]) if options.get("patterns_dir") else None
    lang = options.get("lang", "auto")
    for code in SUPPORTED_LANGUAGES if lang == "auto" else (lang,):
        get_ruleset(patterns or default_patterns_dir(), code)  # a broken rule file stops now
    # one pipeline before the first document: French for "auto" (the first language of the
    # product); another language's is built in the worker when a document in it appears
    first = "fr" if lang == "auto" else lang
    directory = patterns or default_patterns_dir()
    cached_pipeline(get_ruleset(directory, first))
    # and what the other stages read of the rule directory (clause model, mention and fact
    # vocabularies, gazetteer), read once in the server instead of in every worker
    model_for(directory)
    load_mentions(directory, first)
    load_fact_vocabulary(directory, first)
    load_locations(directory)


def worker_main(conn: Any, limits: Limits, options: dict[str, Any]) -> None:
    """Process target: set limits, warm up, then answer tasks until told to stop or recycled."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    os.environ.update(options.get("report_env") or {})  # this batch's --ui-lang, --reference-date
    setup_process(limits, options.get("stderr_path"))
    try:
        warm_up(options)
    except Exception as e:  # a broken rule directory: the parent stops the batch
        conn.send(("fatal", f"{type(e).__name__}: {e}"))
        return
    conn.send(("ready", os.getpid()))
    done = 0
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        set_cpu_budget(limits.cpu_seconds)
        if options.get("stderr_path"):
            with contextlib.suppress(OSError):
                os.ftruncate(2, 0)  # what is kept is about this document only
        result = process_task(task, limits, options, notify=conn.send)
        done += 1
        if done >= limits.recycle_after:
            result = dataclasses.replace(result, recycle=True)
        try:
            conn.send(("done", result))
        except (BrokenPipeError, OSError):
            return
        if result.recycle:
            return


def _short(message: str, path: Path) -> str:
    """A reason without the absolute path the extractors put in front, at most 500 chars."""
    for prefix in (f"{path}: ", f"{path.name}: "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    message = message.replace(str(path), path.name)
    return message[:500]


class _Rendered(NamedTuple):
    """The report of an analysed document: its files' text, its index fields and, when the
    batch writes memos, its Word memo (None when the memo could not be rendered)."""

    json: str
    html: str
    summary: ReportSummary
    memo: bytes | None = None


@dataclasses.dataclass
class _Found:
    """What the worker learns of one document as it goes; ``_complete`` makes it the
    document's ``DocumentOutcome``."""

    status: str = CRASHED
    reason: str = ""
    type: str | None = None
    pages: int | None = None
    notified: int = 0
    """The pages last announced to the supervisor."""
    chars: int = 0
    truncated: bool = False
    warnings: list[str] = dataclasses.field(default_factory=list)
    rules_version: str | None = None


def process_task(task: Task, limits: Limits, options: dict[str, Any],
                 notify: Any = None) -> DocumentOutcome:
    """Pre-flight, extract, cap, analyse and render one document; never raises.

    Returns its ``DocumentOutcome``: status, reason, what was read, the costs, the index
    fields, the report files' text (None on failure) and whether the worker should exit
    (``recycle``).
    """
    from analyzer.batch.limits import check_text_ratio

    start, cpu_start = time.monotonic(), time.process_time()
    path = Path(task.path)
    found = _Found()
    rendered: _Rendered | None = None
    recycle = False
    stage = "pre-flight"
    try:
        size, warnings = _preflight(path, limits, notify, found)
        stage = "extraction"
        extracted = _extract(path, options, notify, task.ocr_jobs)
        # output:input ratio on the whole text (before the cap hides it), before any analysis
        check_text_ratio(sum(len(block.text) for block in extracted.blocks), size, limits)
        stage = "analysis"
        rendered = _analysis(extracted, task, options, limits, warnings, notify, found)
    except Exception as e:  # a library failure on hostile input, or a bug of ours
        found.status, found.reason = _failure(e, stage, path, limits)
        recycle = isinstance(e, MemoryError)
    return _complete(task, found, rendered, recycle, (start, cpu_start))


def _preflight(path: Path, limits: Limits, notify: Any,
               found: _Found) -> tuple[int, list[str]]:
    """The checks before any parser opens the file (size, type by content, ZIP and PDF limits,
    extension); sets ``type`` and ``pages`` in ``found``. Returns the size and the warnings.

    Raises:
        LimitExceeded, ExtractionError: the document is refused (its status and reason).
    """
    from analyzer.batch.limits import LimitExceeded, check_docx, check_pdf, check_zip, is_ooxml
    from analyzer.errors import ExtractionError
    from analyzer.extract.sniff import sniff_format, sniff_type

    size = path.stat().st_size
    if size > limits.max_file_mb * 1024 * 1024:
        raise LimitExceeded("max_file_size", f"{size // (1024 * 1024)} MB "
                            f"(limit {limits.max_file_mb} MB)")
    kind = sniff_type(path)
    warnings: list[str] = []
    if kind == "empty":
        found.type = "empty"
        raise ExtractionError("empty_file: 0 bytes", UNSUPPORTED_TYPE)
    found.type = kind
    if kind == "zip":
        # ZIP limits and the DOCTYPE ban before anything opens the package
        warnings.extend(check_zip(path, limits))
        if is_ooxml(path):
            found.type = "docx"
            warnings.extend(check_docx(path, limits))
    fmt = sniff_format(path)  # type by content; raises unsupported_type
    found.type = fmt
    if fmt == "pdf":
        pages = check_pdf(path, limits)
        found.pages = pages
        if notify and pages:
            notify(("pages", pages))
            found.notified = pages
    suffix = path.suffix.lower()
    if fmt in ("pdf", "docx", "odt", "rtf", "doc") and suffix != f".{fmt}":
        warnings.append(f"extension_mismatch: {fmt.upper()} content in a "
                        f"{suffix or 'suffix-less'} file")
    return size, warnings


def _analysis(extracted: Any, task: Task, options: dict[str, Any], limits: Limits,
              warnings: list[str], notify: Any, found: _Found) -> _Rendered:
    """Cap and cut the text, analyse and render it, and set the status in ``found``
    (``ok``, or ``ok_no_text`` for a document without a usable text layer)."""
    extracted, chars, truncated = cap_text(extracted, limits.max_chars)
    if truncated:
        warnings.append(f"text_truncated: extracted text cut at {limits.max_chars} "
                        "characters (max_chars)")
    extracted, split = split_long_blocks(extracted, MAX_BLOCK_CHARS)
    if split:
        warnings.append(f"text_split: {split} paragraph(s) longer than {MAX_BLOCK_CHARS} "
                        "characters cut into pieces (the analysis takes paragraphs of at "
                        "most that size)")
    found.chars, found.truncated, found.pages = chars, truncated, extracted.pages
    equivalent = max(extracted.pages or 0, chars // CHARS_PER_PAGE)
    if notify and equivalent > found.notified:
        notify(("pages", equivalent))  # analysis time grows with the text: so does the timeout
    rendered, rules_version = _analyse(extracted, task, options, warnings)
    found.rules_version = rules_version
    found.warnings = warnings
    pages_n = extracted.pages or 1
    if chars == 0 or (extracted.format == "pdf" and chars / pages_n < MIN_CHARS_PER_PAGE):
        found.status = OK_NO_TEXT
        found.reason = "no usable text layer (scanned?): not reviewed, needs OCR"
    else:
        found.status = OK
    return rendered


def _failure(e: Exception, stage: str, path: Path, limits: Limits) -> tuple[str, str]:
    """The status and reason of a document whose processing raised ``e`` during ``stage``."""
    from analyzer.batch.limits import LimitExceeded
    from analyzer.errors import ExtractionError, PatternFileError

    if isinstance(e, LimitExceeded):
        return LIMIT_EXCEEDED, _short(str(e), path)
    if isinstance(e, PatternFileError):
        return FATAL, str(e)
    if isinstance(e, ExtractionError):
        return e.status if e.status in FAILED else PARSE_ERROR, _short(str(e), path)
    if isinstance(e, MemoryError):
        return LIMIT_EXCEEDED, f"memory: over {limits.memory_mb} MB during {stage}"
    if isinstance(e, RecursionError):
        return PARSE_ERROR, f"recursion: structure nested too deeply ({stage})"
    status = CRASHED if stage == "analysis" else PARSE_ERROR
    label = "internal error" if stage == "analysis" else "corrupt"
    return status, _short(f"{label}: {type(e).__name__}: {e}", path)


def _complete(task: Task, found: _Found, rendered: _Rendered | None,
              recycle: bool, started: tuple[float, float]) -> DocumentOutcome:
    """The outcome: no report for a failed document; else the report compressed and, when
    the worker shares OUT's disk, its files written here; then the costs (time, CPU, peak
    memory) from ``started`` (wall clock, CPU)."""
    outcome = DocumentOutcome(
        status=found.status, reason=found.reason, type=found.type, pages=found.pages,
        chars=found.chars, truncated=found.truncated, warnings=tuple(found.warnings),
        rules_version=found.rules_version, recycle=recycle)
    if found.status in ANALYSED and rendered is not None:
        data = rendered.json.encode("utf-8")
        # json_bytes: a re-run notices a damaged OUT/<name>.json
        outcome = dataclasses.replace(
            outcome, summary=dataclasses.replace(rendered.summary, json_bytes=len(data)),
            json=rendered.json, html=rendered.html, blob=zlib.compress(data, 6),
            # a memo for a document read in full only (not one without a text layer)
            memo=rendered.memo if found.status == OK else None)
        if task.out_dir:
            outcome = _write_reports(task, outcome)
    return _with_costs(outcome, *started)


def _with_costs(outcome: DocumentOutcome, start: float, cpu_start: float) -> DocumentOutcome:
    """``outcome`` with the wall-clock and CPU seconds since ``start``/``cpu_start`` and the
    peak memory (MB)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return dataclasses.replace(
        outcome, seconds=round(time.monotonic() - start, 3),
        cpu_seconds=round(time.process_time() - cpu_start, 3),
        peak_rss_mb=round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1))


def _write_reports(task: Task, outcome: DocumentOutcome) -> DocumentOutcome:
    """Write OUT/<name>.json and .html here, in parallel with the other workers (atomically:
    temporary file, fsync, rename); the parent then only records the result."""
    from analyzer.batch.outputs import write_document

    try:
        write_document(Path(task.out_dir or "."), task.name, task.formats, outcome.json,
                       outcome.html, outcome.memo, memos=task.memo)
    except OSError as e:  # left to the parent, which raises it as a batch error
        return dataclasses.replace(outcome, write_error=f"{type(e).__name__}: {e}")
    # already on disk: do not send them back
    return dataclasses.replace(outcome, written=True, json=None, html=None, memo=None)


def _extract(path: Path, options: dict[str, Any], notify: Any = None, ocr_jobs: int = 1) -> Any:
    from analyzer.extract import extract

    def on_ocr_page(number: int) -> None:
        if notify:
            notify(("ocr_page", number))

    return extract(path, ocr=options.get("ocr", "auto"),
                   pdf_engine=options.get("pdf_engine", "auto"), on_ocr_page=on_ocr_page,
                   ocr_jobs=ocr_jobs)


@lru_cache(maxsize=4)
def _run_taxonomy(patterns_dir: str | None) -> TaxonomyFacts | None:
    """``outputs.run_taxonomy``, read once per worker (not for every document)."""
    from analyzer.batch.outputs import run_taxonomy

    return run_taxonomy(patterns_dir)


def _analyse(extracted: Any, task: Task, options: dict[str, Any],
             warnings: list[str]) -> tuple[_Rendered, str]:
    """The report, rendered (HTML once, with the document's stored reviewer decisions; the Word
    memo too when the task asks for it), and the rules version."""
    import dataclasses

    from analyzer.analyze import analyze_extracted
    from analyzer.batch.outputs import render_html, render_memo_bytes
    from analyzer.output import dump_json

    if warnings:
        extracted = dataclasses.replace(
            extracted, warnings=tuple(extracted.warnings) + tuple(warnings))
    patterns = Path(options["patterns_dir"]) if options.get("patterns_dir") else None
    report = analyze_extracted(extracted, lang=options.get("lang", "auto"),
                               patterns_dir=patterns, sha256=task.sha256,
                               display_path=task.display)
    from analyzer.batch.entry import report_summary

    taxonomy = _run_taxonomy(options.get("patterns_dir"))  # its titles, not the shipped ones
    rendered = _Rendered(dump_json(report), render_html(report, task.reviews, taxonomy),
                         report_summary(report),
                         render_memo_bytes(report, task.reviews, taxonomy)
                         if task.memo
                         else None)
    return rendered, report["document"].get("rules_version", "")
