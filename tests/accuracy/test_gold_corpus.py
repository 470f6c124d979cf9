"""The corpus gold: built from the annotation decisions (no corpus text in the repository), the
split fixed and complete, and the second annotation kept apart."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from analyzer.evaluate import load_gold
from tests.paths import CORPUS, GOLD_CORPUS

GOLD = GOLD_CORPUS
sys.path.insert(0, str(GOLD / "annotate"))
import build  # noqa: E402

DECISIONS = sorted((GOLD / "annotate" / "decisions").glob("*.yaml"))
SPLIT = yaml.safe_load((GOLD / "split.yaml").read_text(encoding="utf-8"))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
@pytest.mark.parametrize("decisions", DECISIONS, ids=lambda p: p.stem)
def test_gold_file_is_what_its_decisions_build(decisions: Path):
    """Each committed gold file is rebuilt byte for byte from its decisions and the corpus text:
    a gold span cannot drift from the decision (unit and sha8) that a reviewer can read."""
    gold = build.build_one(decisions, CORPUS)
    committed = GOLD / f"{gold['document']}.gold.json"
    assert committed.read_text(encoding="utf-8") == json.dumps(gold, ensure_ascii=False,
                                                               indent=1) + "\n"


def test_every_corpus_document_has_gold_and_one_side_of_the_split():
    documents = {load_gold(p).document for p in GOLD.glob("*.gold.json")}
    assert len(documents) == 24
    assert documents == set(SPLIT["dev"]) | set(SPLIT["test"])
    assert not set(SPLIT["dev"]) & set(SPLIT["test"])
    assert len(SPLIT["test"]) >= 8
    assert {load_gold(GOLD / f"{d}.gold.json").language for d in SPLIT["test"]} == {"fr", "en"}


def test_gold_stores_no_corpus_text():
    for path in GOLD.glob("*.gold.json"):
        assert all("text" not in c and "span" in c for c in json.loads(path.read_text())["clauses"])
