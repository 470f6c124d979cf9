"""The ``hds-analyzer`` command group and its console-script entry point."""

from __future__ import annotations

import logging
import sys

import click

from analyzer import __version__
from analyzer.cli.evaluate import evaluate
from analyzer.cli.patterns import patterns
from analyzer.cli.report import report
from analyzer.cli.review import review
from analyzer.cli.scan import scan


@click.group()
@click.version_option(__version__, prog_name="hds-analyzer")
@click.option("-v", "--verbose", is_flag=True, help="Log each document as it is analysed.")
def cli(verbose: bool) -> None:
    """Analyse IT outsourcing and health-data hosting (HDS) contracts clause by clause."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(message)s", stream=sys.stderr)


for _command in (scan, report, evaluate, patterns, review):
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="hds-analyzer")
