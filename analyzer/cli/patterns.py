"""``hds-analyzer patterns validate | test | list``: the rule files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from analyzer.cli.common import patterns_option
from analyzer.errors import AnalyzerError

if TYPE_CHECKING:
    from analyzer.rules import RuleSet


@click.group()
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
