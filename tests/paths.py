"""Where the tests find the repository's files and the shared corpus (one owner for every test
folder, whatever its depth)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
GOLD_CORPUS = REPO / "tests" / "gold" / "corpus"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
