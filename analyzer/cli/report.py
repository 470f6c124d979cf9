"""``hds-analyzer report OUT``: every output of OUT again, from its results store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from analyzer.cli.common import (
    MEMO_FORMAT,
    echo_warnings,
    engine_formats,
    formats_option,
    report_options,
    resolve_options,
    status_counts,
    usage_failure,
    write_memos,
)
from analyzer.errors import AnalyzerError


@click.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@formats_option
@report_options
def report(out_dir: Path, formats: tuple[str, ...], ui_lang: str | None,
           reference_date: date | None) -> None:
    """Rebuild the index, tables and every report of OUT from its results store.

    Nothing is analysed again, so another --ui-lang or --reference-date is cheap. Options not
    given keep the values OUT was last written with. Exit code 0, or 1 when OUT has no results
    store.
    """
    from analyzer.batch.outputs import record_options
    from analyzer.scan import OutputFolderError, rebuild

    options, _ = resolve_options(out_dir, ui_lang, reference_date)
    m = options.m
    try:
        result = rebuild(out_dir, engine_formats(formats))
        if MEMO_FORMAT in formats:
            write_memos(out_dir, result.entries, options, only_missing=False)
        record_options(out_dir, options)
    except OutputFolderError as e:
        usage_failure(str(e))
    except AnalyzerError as e:
        raise click.ClickException(str(e)) from e
    echo_warnings(result.warnings)
    click.echo(m("cli.report_summary", n=len(result.entries),
                 counts=status_counts(result.counts(), m), index=out_dir / "index.html"))
