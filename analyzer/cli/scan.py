"""``hds-analyzer scan``: its options (the per-document limits among them), SIGTERM as Ctrl-C,
and the summary it prints."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from analyzer.cli.common import (
    MEMO_FORMAT,
    echo_warnings,
    engine_formats,
    formats_option,
    lang_option,
    patterns_option,
    report_options,
    resolve_options,
    status_counts,
    usage_failure,
    write_memos,
)
from analyzer.errors import AnalyzerError
from analyzer.statuses import ANALYSED, SKIPPED

if TYPE_CHECKING:
    from analyzer.batch.models import IndexEntry
    from analyzer.report.i18n import ReportOptions


def _limits_options(func):  # type: ignore[no-untyped-def]
    """The per-document limits (defaults: analyzer.batch.Limits, documented in docs/batch.md)."""
    from analyzer.batch.limits import Limits

    d = Limits()
    options = [
        click.option("--memory-mb", type=click.IntRange(min=0), default=d.memory_mb,
                     show_default=True, help="Address-space cap of each worker (0: none)."),
        click.option("--cpu-seconds", type=click.IntRange(min=0), default=d.cpu_seconds,
                     show_default=True, help="CPU time per document (0: none)."),
        click.option("--timeout", "timeout_base", type=click.FloatRange(min=0.1),
                     default=d.timeout_base, show_default=True,
                     help="Wall-clock seconds per document, plus --timeout-per-page."),
        click.option("--timeout-per-page", type=click.FloatRange(min=0),
                     default=d.timeout_per_page, show_default=True),
        click.option("--timeout-max", type=click.FloatRange(min=0.1), default=d.timeout_max,
                     show_default=True, help="Upper bound of the wall-clock timeout."),
        click.option("--timeout-per-ocr-page", type=click.FloatRange(min=1),
                     default=d.timeout_per_ocr_page, show_default=True,
                     help="Seconds each page gets, from when its OCR starts."),
        click.option("--timeout-max-ocr", type=click.FloatRange(min=1),
                     default=d.timeout_max_ocr, show_default=True,
                     help="Upper bound of the wall-clock timeout of a document that goes to "
                     "OCR."),
        click.option("--max-file-mb", type=click.IntRange(min=1), default=d.max_file_mb,
                     show_default=True, help="Largest input file."),
        click.option("--max-pages", type=click.IntRange(min=1), default=d.max_pages,
                     show_default=True, help="Largest PDF page count."),
        click.option("--max-chars", type=click.IntRange(min=1), default=d.max_chars,
                     show_default=True, help="Extracted text kept per document (then truncated "
                     "and flagged)."),
        click.option("--max-text-ratio", type=click.FloatRange(min=0), default=d.max_text_ratio,
                     show_default=True, help="Most characters of extracted text per input byte "
                     "(above: limit_exceeded, a decompression bomb; 0: no check)."),
        click.option("--recycle-after", type=click.IntRange(min=1), default=d.recycle_after,
                     show_default=True, help="Replace a worker process after this many "
                     "documents."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _existing_inputs(paths: tuple[Path, ...]) -> tuple[Path, ...]:
    """A path that does not exist is a usage error; one that exists but cannot be looked at
    (a path longer than the system allows, no permission) is an input of its own, recorded as
    failed with the reason."""
    import errno
    import os

    for path in paths:
        try:
            os.stat(path)
        except OSError as e:
            if e.errno in (errno.ENOENT, errno.ENOTDIR):
                raise click.BadParameter(f"{str(path)!r} does not exist",
                                         param_hint="'PATHS...'") from None
    return paths


def _default_jobs() -> int:
    import os

    return os.cpu_count() or 1


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path),
                callback=lambda ctx, param, value: _existing_inputs(value))
@click.option("-o", "--out", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@lang_option
@formats_option
@patterns_option
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: number of cores).")
@click.option("--ocr", type=click.Choice(["auto", "never", "always"]), default="auto",
              show_default=True, help="OCR of pages without a text layer.")
@click.option("--pdf-engine", type=click.Choice(["auto", "pypdfium2", "pdfplumber"]),
              default="auto", show_default=True,
              help="PDF text engine (auto: pypdfium2, pdfplumber where PDFium fails).")
@click.option("--since-last/--all", "since_last", default=True, show_default=True,
              help="Re-analyse only inputs whose content, rules or options changed since the "
                   "last run (default), or everything.")
@click.option("--retry-failed", is_flag=True,
              help="Also re-analyse unchanged inputs that ended in timeout or crashed (else they "
                   "are retried only when a limit changed, or with --all).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
              show_default=True, help="Run on local worker processes or on a Dask cluster.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler address (tcp://host:8786); default: a local Dask cluster.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
@report_options
@_limits_options
def scan(paths: tuple[Path, ...], out_dir: Path, lang: str, formats: tuple[str, ...],
         patterns_dir: Path | None, jobs: int | None, ocr: str, pdf_engine: str,
         since_last: bool, retry_failed: bool, engine: str, scheduler: str | None,
         quiet: bool, ui_lang: str | None, reference_date: date | None,
         **limit_values: float) -> None:
    """Analyse contracts (files or folders) and write reports to OUT.

    Every document is analysed in a separate, resource-limited worker process; results go to
    the store OUT/results.sqlite as each document finishes, so an interrupted run resumes where
    it stopped. Exit code 0 when every document was analysed (ok, ok_no_text or skipped), 1 when
    some failed (each failure is listed in OUT/index.html, OUT/files.csv and on stderr), 2 on a
    usage error.
    """
    from analyzer.batch.limits import Limits
    from analyzer.batch.outputs import record_options
    from analyzer.report.i18n import ReportOptions
    from analyzer.scan import Interrupted, OutputFolderError, rebuild
    from analyzer.scan import scan as run_scan

    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    limits = Limits().replace(**limit_values)
    options, previous = resolve_options(out_dir, ui_lang, reference_date)
    m = options.m
    try:
        with _sigterm_as_interrupt():
            result = run_scan(list(paths), out_dir, lang=lang, formats=engine_formats(formats),
                              patterns_dir=patterns_dir, jobs=jobs or _default_jobs(), ocr=ocr,
                              pdf_engine=pdf_engine, force=not since_last, engine=engine,
                              scheduler=scheduler, limits=limits, progress=not quiet,
                              retry_failed=retry_failed, memos=MEMO_FORMAT in formats)
            # Reports of unchanged inputs written with other options, or rendered by Dask
            # workers that may not share this environment: re-render them here.
            stale = previous is not None and previous != options and bool(result.unchanged)
            remote = engine == "dask" and options != ReportOptions()
            rerender = stale or remote
            if rerender:
                rebuild(out_dir, engine_formats(formats))
                if stale:
                    click.echo(m("cli.rerendered", n=result.unchanged), err=True)
            if MEMO_FORMAT in formats:
                write_memos(out_dir, result.entries, options, only_missing=not rerender)
            record_options(out_dir, options)
    except Interrupted as e:
        _summary(e.result, out_dir, options)
        _interrupted()
    except KeyboardInterrupt:  # before the batch started: nothing to keep
        _interrupted()
    except OutputFolderError as e:
        usage_failure(str(e))
    except AnalyzerError as e:
        raise click.ClickException(str(e)) from e
    echo_warnings(result.warnings)
    if not result.entries:
        click.echo("warning: no document found in " + ", ".join(map(str, paths))
                   + " (aucun document trouvé)", err=True)
    _summary(result, out_dir, options)
    sys.exit(result.exit_code)


def _interrupted() -> None:
    click.echo("interrompu : les documents terminés sont gardés et l'index est à jour ; "
               "relancez la même commande pour reprendre (interrupted: finished documents are "
               "kept, run the same command again to resume)", err=True)
    sys.exit(130)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (a service manager, ``kill``) stops a scan the way Ctrl-C does: what finished is
    kept, the index is written, exit 130."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (embedded use): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def failure_line(entry: IndexEntry) -> str:
    """``failed: PATH: STATUS: REASON``, without repeating a status the reason starts with."""
    path = entry.path.encode("unicode_escape").decode("ascii")
    reason = entry.reason or ""
    if reason.startswith(f"{entry.status}:"):
        return f"failed: {path}: {reason}"
    return f"failed: {path}: {entry.status}: {reason}"


def _summary(result, out_dir: Path,  # type: ignore[no-untyped-def]
             options: ReportOptions) -> None:
    m = options.m
    ok = sum(1 for e in result.entries if e.status in ANALYSED)
    skipped = sum(1 for e in result.entries if e.status == SKIPPED)
    for entry in result.failed:
        click.echo(failure_line(entry), err=True)
    click.echo(m("cli.statuses", counts=status_counts(result.counts(), m),
                 unchanged=result.unchanged))
    click.echo(m("cli.summary", ok=ok, failed=len(result.failed), skipped=skipped,
                 index=out_dir / "index.html"))
