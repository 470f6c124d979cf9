"""What the commands share: the common options (rules, language, report options, formats),
the report options recorded in OUT, the Word memos, and how a failure or a count is shown."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from analyzer.batch.models import IndexEntry
    from analyzer.report.i18n import Messages, ReportOptions

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


def report_options(func):  # type: ignore[no-untyped-def]
    """--ui-lang and --reference-date: what the reports show, not what is analysed."""
    func = click.option(
        "--reference-date", callback=_reference_date, default=None, metavar="YYYY-MM-DD",
        help="Date the HDS certificate's validity is checked at, recorded in the reports "
             "(default: none, expiry not judged).")(func)
    return click.option(
        "--ui-lang", type=click.Choice(["fr", "en"]), default=None,
        help="Language of the reports, index, tables and messages (default: fr, or the "
             "language OUT was last written in).")(func)


def resolve_options(out_dir: Path, ui_lang: str | None, reference_date: date | None,
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
    """The --format list, checked (the Word memo alone is not an output of a scan)."""
    from analyzer.scan import ALL_FORMATS

    choices = (*ALL_FORMATS, MEMO_FORMAT)
    formats = tuple(f.strip() for f in value.split(",") if f.strip())
    unknown = [f for f in formats if f not in choices]
    if unknown or not formats or formats == (MEMO_FORMAT,):
        raise click.BadParameter(f"choose among {', '.join(choices)} (got {value!r})")
    return formats


def engine_formats(formats: tuple[str, ...]) -> tuple[str, ...]:
    """The report formats of the engine (the Word memo is asked for apart: ``scan(memos=)``,
    and ``write_memos`` after it for the memos the workers did not write)."""
    return tuple(f for f in formats if f != MEMO_FORMAT)


def write_memos(out_dir: Path, entries: Sequence[IndexEntry], options: ReportOptions,
                *, only_missing: bool) -> None:
    """OUT/<name>.docx for every analysed input: with ``only_missing``, only those missing (the
    workers wrote the memos of the documents they analysed); else every one again."""
    from analyzer.batch.outputs import StoreReports
    from analyzer.batch.outputs_review import recorded_taxonomy
    from analyzer.batch.outputs_review import write_memos as write
    from analyzer.batch.store import Store

    taxonomy = recorded_taxonomy(out_dir)
    with Store(out_dir) as store:
        write(out_dir, [e.to_dict() for e in entries],
              StoreReports(store, [e.path for e in entries]), options, only_missing=only_missing,
              taxonomy=taxonomy)


formats_option = click.option(
    "--format", "formats", default=DEFAULT_FORMATS, show_default=True, callback=_formats,
    help="Comma-separated outputs: per-document html, json and docx (Word memo), batch "
    "findings.csv and findings.xlsx.")


def usage_failure(sentence: str) -> None:
    """Exit 2 with one sentence, as for a usage error (DESIGN: no traceback)."""
    click.echo(f"Error: {sentence}", err=True)
    sys.exit(2)


def status_counts(counts: dict[str, int], m: Messages) -> str:
    """``analysed 3, skipped 1, …`` in the UI language."""
    return ", ".join(f"{m(f'cli.status.{k}') if m.has(f'cli.status.{k}') else k} {v}"
                     for k, v in counts.items())


def echo_warnings(warnings: list[str]) -> None:
    """What the user should know about the batch itself, on stderr."""
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
