"""The project's own gold (bundled samples, unseen samples) follows DESIGN §5 and quotes its
documents exactly: a gold text that drifts from its document would silently count as a miss."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.paths import SAMPLES

sys.path.insert(0, str(SAMPLES))
import check_gold

BUNDLED = sorted((SAMPLES / "gold").glob("*.gold.json"))
UNSEEN = sorted((SAMPLES / "unseen" / "gold").glob("*.gold.json"))
SECOND = sorted((SAMPLES / "unseen" / "agreement").glob("*.gold.json"))


@pytest.mark.parametrize("gold_path", BUNDLED, ids=lambda p: p.name)
def test_bundled_sample_gold_is_valid(gold_path: Path):
    assert check_gold.check_file(gold_path) == []


@pytest.mark.parametrize("gold_path", UNSEEN + SECOND, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_unseen_sample_gold_is_valid(gold_path: Path):
    assert check_gold.check_unseen(gold_path) == []


def test_every_second_annotation_has_a_first():
    assert SECOND and {p.name for p in SECOND} <= {p.name for p in UNSEEN}


def test_every_unseen_contract_has_its_gold():
    contracts = {p.name for p in (SAMPLES / "unseen" / "contracts").iterdir()}
    assert len(contracts) >= 10, "make evaluate reports the unseen samples apart"
    assert contracts == {p.name.removesuffix(".gold.json") for p in UNSEEN}


def test_an_unseen_gold_that_misquotes_its_document_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(check_gold, "UNSEEN", tmp_path)
    (tmp_path / "contracts").mkdir()
    (tmp_path / "gold").mkdir()
    (tmp_path / "contracts" / "c.txt").write_text(
        "1. Le Prestataire sauvegarde les données chaque nuit.\n", encoding="utf-8")
    gold = {"schema": "hds-analyzer/gold/1", "document": "c.txt", "language": "fr",
            "clauses": [{"text": "Le Prestataire sauvegarde les données chaque jour.",
                         "categories": ["hosting"], "mapping": ["A6"], "status": "included"}],
            "coverage": ["A6"], "checklist": {}}
    path = tmp_path / "gold" / "c.txt.gold.json"
    path.write_text(json.dumps(gold), encoding="utf-8")
    errors = check_gold.check_unseen(path)
    assert any("text not found in c.txt" in e for e in errors)
    assert any("checklist ids differ" in e for e in errors)
