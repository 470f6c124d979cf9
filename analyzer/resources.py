"""Locate the rule files shipped with the package (wheel) or the source checkout (editable)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from analyzer.errors import PatternFileError


def default_patterns_dir() -> Path:
    """Return the pattern directory of a wheel install, else of the source checkout.

    Raises:
        PatternFileError: when neither exists (never falls back to built-in rules).
    """
    bundled = Path(str(files("analyzer"))) / "_patterns"
    if bundled.is_dir():
        return bundled
    checkout = Path(__file__).resolve().parent.parent / "patterns"
    if checkout.is_dir():
        return checkout
    raise PatternFileError("No pattern directory found; pass --patterns DIR.")
