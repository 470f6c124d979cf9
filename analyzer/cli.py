"""Command line: ``hds-analyzer scan | report | evaluate | patterns``: thin library wrappers."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from analyzer import __version__
from analyzer.errors import AnalyzerError
from analyzer.statuses import ANALYSED, SKIPPED

if TYPE_CHECKING:
    from analyzer.report.i18n import Messages, ReportOptions
    from analyzer.rules import RuleSet

patterns_option = click.option(
    "--patterns", "patterns_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None, help="Rule directory (default: the rules shipped with the package).",
)
lang_option = click.option(
    "--lang", type=click.Choice(["auto", "fr", "en"]), default="auto", show_default=True,
    help="Document language; auto detects it per document.",
)


def _reference_date(ctx: click.Context, param: click.Parameter,
                    value: str | None) -> date | None:
    from analyzer.report.i18n import parse_reference_date

    if value is None:
        return None
    try:
        return parse_reference_date(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from e


def _report_options(func):  # type: ignore[no-untyped-def]
    """--ui-lang and --reference-date: what the reports show, not what is analysed."""
    func = click.option(
        "--reference-date", callback=_reference_date, default=None, metavar="YYYY-MM-DD",
        help="Date the HDS certificate's validity is checked at, recorded in the reports "
             "(default: none, expiry not judged).")(func)
    return click.option(
        "--ui-lang", type=click.Choice(["fr", "en"]), default=None,
        help="Language of the reports, index, tables and messages (default: fr, or the "
             "language OUT was last written in).")(func)


def _options(out_dir: Path, ui_lang: str | None, reference_date: date | None,
             ) -> tuple[ReportOptions, ReportOptions | None]:
    """(options to use, options OUT was last written with): unset options keep the recorded
    ones, so ``report OUT`` does not switch language; the CLI exports them to the workers."""
    import os

    from analyzer.report.i18n import ReportOptions, recorded_options

    previous = recorded_options(out_dir)
    base = previous or ReportOptions()
    options = ReportOptions(ui_lang or base.ui_lang,
                            reference_date if reference_date is not None
                            else base.reference_date)
    os.environ.update(options.env())
    return options, previous


MEMO_FORMAT = "docx"
DEFAULT_FORMATS = "html,json,csv,xlsx,docx"


def _formats(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    from analyzer.scan import ALL_FORMATS

    choices = (*ALL_FORMATS, MEMO_FORMAT)
    formats = tuple(f.strip() for f in value.split(",") if f.strip())
    unknown = [f for f in formats if f not in choices]
    if unknown or not formats or formats == (MEMO_FORMAT,):
        raise click.BadParameter(f"choose among {', '.join(choices)} (got {value!r})")
    return formats


def _engine_formats(formats: tuple[str, ...]) -> tuple[str, ...]:
    """The formats the scan engine writes (the Word memo is written here, after it)."""
    return tuple(f for f in formats if f != MEMO_FORMAT)


def _memos(out_dir: Path, entries: list[dict[str, object]], options: ReportOptions,
           *, only_missing: bool) -> None:
    """OUT/<name>.docx for every analysed input (only new or changed ones when possible)."""
    from analyzer.batch.outputs import StoreReports
    from analyzer.batch.outputs_review import write_memos
    from analyzer.batch.store import Store

    with Store(out_dir) as store:
        write_memos(out_dir, entries, StoreReports(store, [str(e["path"]) for e in entries]),
                    options, only_missing=only_missing)


@click.group()
@click.version_option(__version__, prog_name="hds-analyzer")
@click.option("-v", "--verbose", is_flag=True, help="Log each document as it is analysed.")
def cli(verbose: bool) -> None:
    """Analyse IT outsourcing and health-data hosting (HDS) contracts clause by clause."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(message)s", stream=sys.stderr)


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


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path),
                callback=lambda ctx, param, value: _existing_inputs(value))
@click.option("-o", "--out", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@lang_option
@click.option("--format", "formats", default=DEFAULT_FORMATS, show_default=True,
              callback=_formats, help="Comma-separated outputs: per-document html, json and "
              "docx (Word memo), batch findings.csv and findings.xlsx.")
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
@_report_options
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
    options, previous = _options(out_dir, ui_lang, reference_date)
    m = options.m
    try:
        with _sigterm_as_interrupt():
            result = run_scan(list(paths), out_dir, lang=lang, formats=_engine_formats(formats),
                              patterns_dir=patterns_dir, jobs=jobs or _default_jobs(), ocr=ocr,
                              pdf_engine=pdf_engine, force=not since_last, engine=engine,
                              scheduler=scheduler, limits=limits, progress=not quiet,
                              retry_failed=retry_failed)
            # Reports of unchanged inputs written with other options, or rendered by Dask
            # workers that may not share this environment: re-render them here.
            stale = previous is not None and previous != options and bool(result.unchanged)
            remote = engine == "dask" and options != ReportOptions()
            rerender = stale or remote
            if rerender:
                rebuild(out_dir, _engine_formats(formats))
                if stale:
                    click.echo(m("cli.rerendered", n=result.unchanged), err=True)
            if MEMO_FORMAT in formats:
                _memos(out_dir, result.entries, options, only_missing=not rerender)
            record_options(out_dir, options)
    except Interrupted as e:
        _summary(e.result, out_dir, options)
        _interrupted()
    except KeyboardInterrupt:  # before the batch started: nothing to keep
        _interrupted()
    except OutputFolderError as e:
        _usage_failure(str(e))
    except AnalyzerError as e:
        raise click.ClickException(str(e)) from e
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
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


def _usage_failure(sentence: str) -> None:
    """Exit 2 with one sentence, as for a usage error (DESIGN: no traceback)."""
    click.echo(f"Error: {sentence}", err=True)
    sys.exit(2)


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


def failure_line(entry: dict[str, Any]) -> str:
    """``failed: PATH: STATUS: REASON``, without repeating a status the reason starts with."""
    path = entry["path"].encode("unicode_escape").decode("ascii")
    reason = entry.get("reason") or ""
    if reason.startswith(f"{entry['status']}:"):
        return f"failed: {path}: {reason}"
    return f"failed: {path}: {entry['status']}: {reason}"


def _status_counts(counts: dict[str, int], m: Messages) -> str:
    return ", ".join(f"{m(f'cli.status.{k}') if m.has(f'cli.status.{k}') else k} {v}"
                     for k, v in counts.items())


def _summary(result, out_dir: Path,  # type: ignore[no-untyped-def]
             options: ReportOptions) -> None:
    m = options.m
    ok = sum(1 for e in result.entries if e["status"] in ANALYSED)
    skipped = sum(1 for e in result.entries if e["status"] == SKIPPED)
    for entry in result.failed:
        click.echo(failure_line(entry), err=True)
    click.echo(m("cli.statuses", counts=_status_counts(result.counts(), m),
                 unchanged=result.unchanged))
    click.echo(m("cli.summary", ok=ok, failed=len(result.failed), skipped=skipped,
                 index=out_dir / "index.html"))


@cli.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "formats", default=DEFAULT_FORMATS, show_default=True,
              callback=_formats, help="Comma-separated outputs: per-document html, json and "
              "docx (Word memo), batch findings.csv and findings.xlsx.")
@_report_options
def report(out_dir: Path, formats: tuple[str, ...], ui_lang: str | None,
           reference_date: date | None) -> None:
    """Rebuild the index, tables and every report of OUT from its results store.

    Nothing is analysed again, so another --ui-lang or --reference-date is cheap. Options not
    given keep the values OUT was last written with. Exit code 0, or 1 when OUT has no results
    store.
    """
    from analyzer.batch.outputs import record_options
    from analyzer.scan import OutputFolderError, rebuild

    options, _ = _options(out_dir, ui_lang, reference_date)
    m = options.m
    try:
        result = rebuild(out_dir, _engine_formats(formats))
        if MEMO_FORMAT in formats:
            _memos(out_dir, result.entries, options, only_missing=False)
        record_options(out_dir, options)
    except OutputFolderError as e:
        _usage_failure(str(e))
    except AnalyzerError as e:
        raise click.ClickException(str(e)) from e
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(m("cli.report_summary", n=len(result.entries),
                 counts=_status_counts(result.counts(), m), index=out_dir / "index.html"))


@cli.command()
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("docs_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the scores as JSON to this file.")
@click.option("--split", "only", type=click.Choice(["dev", "test"]), default=None,
              help="Score one side of GOLD_DIR/split.yaml only (default: each side apart).")
@lang_option
@patterns_option
def evaluate(gold_dir: Path, docs_dir: Path, output: Path | None, only: str | None, lang: str,
             patterns_dir: Path | None) -> None:
    """Score the analyzer against gold annotations (precision, recall, F1, coverage, checklist)."""
    from analyzer.analyze import analyze_file
    from analyzer.evaluate import evaluate_splits, format_table
    from analyzer.output import atomic_write_text, dump_json

    try:
        results = evaluate_splits(
            gold_dir, docs_dir,
            lambda p: analyze_file(p, lang=lang, patterns_dir=patterns_dir), only,
        )
    except AnalyzerError as e:
        raise click.ClickException(str(e)) from e
    summaries = {name: result.summary() for name, result in results.items()}
    for name, summary in summaries.items():
        if name != "all":
            click.echo(f"== {name} split ({summary['documents_scored']} documents)")
        click.echo(format_table(summary))
    if output:
        atomic_write_text(output, dump_json(summaries.get("all") or summaries))


@cli.group()
def patterns() -> None:
    """Check and list the rule files."""


def _load_all(patterns_dir: Path | None) -> list[RuleSet]:
    from analyzer.language import SUPPORTED_LANGUAGES
    from analyzer.resources import default_patterns_dir
    from analyzer.rules import load_rules

    directory = patterns_dir or default_patterns_dir()
    try:
        return [load_rules(directory, lang) for lang in SUPPORTED_LANGUAGES]
    except AnalyzerError as e:
        raise click.ClickException(str(e)) from e


@patterns.command("validate")
@patterns_option
def patterns_validate(patterns_dir: Path | None) -> None:
    """Validate every rule file against its schema, spaCy's pattern schema and the taxonomy."""
    from analyzer.nlp import build_pipeline

    for ruleset in _load_all(patterns_dir):
        build_pipeline(ruleset)
        click.echo(f"{ruleset.lang}: {len(ruleset.by_id)} rules OK")


@patterns.command("test")
@patterns_option
def patterns_test(patterns_dir: Path | None) -> None:
    """Run every rule's match / no_match examples."""
    from analyzer.rule_examples import run_examples

    failures = 0
    total = 0
    for ruleset in _load_all(patterns_dir):
        for case in run_examples(ruleset):
            total += 1
            if not case.passed:
                failures += 1
                click.echo(f"FAIL {case.rule_id} {case.kind}: {case.text!r}", err=True)
    click.echo(f"{total - failures} passed, {failures} failed")
    if failures:
        sys.exit(1)


@patterns.command("list")
@patterns_option
def patterns_list(patterns_dir: Path | None) -> None:
    """List every rule: id, topic or role, description."""
    for ruleset in _load_all(patterns_dir):
        for rule_id in sorted(ruleset.by_id):
            info = ruleset.by_id[rule_id]
            role = info.topic_key or info.rule.item or f"context:{info.rule.qualifier}"
            click.echo(f"{rule_id}\t{role}\t{info.rule.description}")


@cli.group()
def review() -> None:
    """Reviewer decisions exported from the HTML reports."""


@review.command("import")
@click.argument("decisions_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--reviewer", default="", help="Name recorded for decisions exported without one.")
def review_import(decisions_file: Path, out_dir: Path, reviewer: str) -> None:
    """Store decisions (exported from a report) in OUT/reviews.json and refresh the outputs
    that show them: HTML reports, findings.csv/xlsx and Word memos.

    Decisions stay attached to a clause while its text is unchanged, across re-runs. An added
    clause whose excerpt is not the clause text is refused (exit code 1), the rest is kept.
    """
    from analyzer.batch.outputs_review import import_reviews
    from analyzer.scan import OutputFolderError, output_lock

    _options(out_dir, None, None)  # re-render in the language and with the date OUT was written
    try:
        with output_lock(out_dir):  # not while a scan rewrites the same reports
            result = import_reviews(decisions_file, out_dir, reviewer=reviewer)
    except OutputFolderError as e:
        _usage_failure(str(e))
    except AnalyzerError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"{result.decisions} decisions for {result.documents} document(s), "
               f"{result.changed} new or changed; reports updated: "
               f"{', '.join([*result.rerendered, *result.refreshed]) or 'none'}")
    for path in result.unmatched_documents:
        click.echo(f"warning: no report in {out_dir} for {path}; decisions kept for a later "
                   "scan", err=True)
    for error in result.errors:
        click.echo(f"error: {error}", err=True)
    if result.errors:
        sys.exit(1)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="hds-analyzer")
