"""Shared fixtures: the packaged rules, pipelines, and paths to the shared corpus."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from analyzer.explanation import Explanation
from analyzer.models import Segment, TaggedClause
from analyzer.resources import default_patterns_dir
from analyzer.rules import RuleSet, load_rules
from tests.paths import CORPUS


def store_count(out: Path) -> int:
    """Rows in OUT/results.sqlite (read-only, 0 while it does not exist or is locked)."""
    db_path = out / "results.sqlite"
    if not db_path.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
        try:
            return int(db.execute("SELECT COUNT(*) FROM files").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def tagged_clause(cid: str, status: str = "included", mapping: tuple[str, ...] = (),
                  topics: tuple[str, ...] = (), text: str = "", **more: object) -> TaggedClause:
    """A tagged clause as the tag stage hands it on (``more``: other fields, e.g.
    ``commitment``); its explanation is a category from the heading."""
    fields: dict[str, object] = {
        "id": cid, "number": None, "heading_path": (), "page": None, "paragraph": None,
        "start": 0, "end": len(text), "text": text, "categories": ("hosting",),
        "topics": topics, "mapping": mapping, "status": status, "party": "provider",
        "hits": (), "explanation": Explanation(matched=(), inherited_from="the heading",
                                               topics=topics, targets=mapping, status=status),
    }
    return TaggedClause(**{**fields, **more})  # type: ignore[arg-type]


def find_segment(segments: list[Segment], fragment: str) -> Segment:
    """The one segment whose text contains ``fragment`` (fails when none or several do)."""
    found = [s for s in segments if fragment in s.text]
    assert len(found) == 1, (fragment, [s.text for s in found])
    return found[0]


@pytest.fixture(scope="session")
def patterns_dir() -> Path:
    return default_patterns_dir()


@pytest.fixture(scope="session")
def rules_only_patterns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped patterns without the clause model: the rules decide alone (for tests of
    later stages that must not move when the model is retrained)."""
    import shutil

    from analyzer.learned import MODEL_FILE

    patterns = tmp_path_factory.mktemp("rules-only") / "patterns"
    shutil.copytree(default_patterns_dir(), patterns)
    (patterns / MODEL_FILE).unlink()
    return patterns


@pytest.fixture(scope="session")
def rules_fr(patterns_dir: Path) -> RuleSet:
    return load_rules(patterns_dir, "fr")


@pytest.fixture(scope="session")
def rules_en(patterns_dir: Path) -> RuleSet:
    return load_rules(patterns_dir, "en")


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not present at {CORPUS}")
    return CORPUS


@pytest.fixture(autouse=True)
def _default_report_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports render with the defaults (French, no reference date) unless a test says otherwise,
    whatever the developer's environment; the CLI's exports are undone after each test."""
    monkeypatch.setenv("HDS_ANALYZER_UI_LANG", "")  # setenv, not delenv: undone at teardown
    monkeypatch.setenv("HDS_ANALYZER_REFERENCE_DATE", "")
