"""Locate the rule files shipped with the package (wheel) or the source checkout (editable), and
fingerprint them."""

from __future__ import annotations

import hashlib
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


def patterns_fingerprint(patterns_dir: Path | None = None) -> str:
    """SHA-256 (hex) of every file of a rule directory, names and bytes (rules, lexicons,
    taxonomy, fact vocabularies, the clause model): the one fingerprint of the rules. Reports
    carry its first 12 digits (``document.rules_version``); the batch reuses a stored result
    only under the same one (``batch.plan.config_key``)."""
    directory = patterns_dir or default_patterns_dir()
    h = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(directory)).encode("utf-8", "surrogateescape"))
            h.update(path.read_bytes())
    return h.hexdigest()
