"""``hds-analyzer review import``: reviewer decisions exported from the HTML reports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from analyzer.cli.common import resolve_options, usage_failure
from analyzer.errors import AnalyzerError


@click.group()
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

    # re-render in the language and with the date OUT was written
    resolve_options(out_dir, None, None)
    try:
        with output_lock(out_dir):  # not while a scan rewrites the same reports
            result = import_reviews(decisions_file, out_dir, reviewer=reviewer)
    except OutputFolderError as e:
        usage_failure(str(e))
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
