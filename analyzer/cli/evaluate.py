"""``hds-analyzer evaluate``: scores against gold annotations."""

from __future__ import annotations

from pathlib import Path

import click

from analyzer.cli.common import lang_option, patterns_option
from analyzer.errors import AnalyzerError


@click.command()
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
