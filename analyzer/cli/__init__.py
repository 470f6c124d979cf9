"""Command line: ``hds-analyzer scan | report | evaluate | patterns | review``: thin library
wrappers, one module per command family (``analyzer.cli.main`` holds the group)."""

from __future__ import annotations

from analyzer.cli.main import cli, main

__all__ = ["cli", "main"]
