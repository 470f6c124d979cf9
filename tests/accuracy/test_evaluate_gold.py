"""Accuracy of the shipped rules and clause model on the gold sets (issue 9 targets).

The number that counts is the **test split** of tests/gold/corpus/split.yaml: documents never used
to write or tune the rules, nor to train the clause model. Targets there (issue 9): micro F1 over
categories >= 0.80, every category >= 0.70, status accuracy >= 0.80, coverage accuracy >= 0.92,
checklist accuracy >= 0.85, and no more than 0.05 micro F1 between dev (scored leave one
publisher out, so no document is scored by a model that saw its publisher) and test. A target
not reached yet is marked xfail(strict=True) with the number measured: the day it passes, the
marker must go (never weaken a target instead). Floors just under today's numbers catch a
regression. The samples (the project's own contracts, also used for training) keep their issue-4
floors. Skipped when the shared corpus (../shared/corpus) is absent.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any

import pytest

from analyzer.analyze import analyze_file
from analyzer.evaluate import CATEGORIES, evaluate, evaluate_splits
from tests.paths import REPO

SAMPLES_GOLD = REPO / "samples" / "gold"
SAMPLES_DOCS = REPO / "samples" / "contracts"
CORPUS_GOLD = REPO / "tests" / "gold" / "corpus"
CORPUS_DOCS = REPO.parent / "shared" / "corpus"

TARGETS = {"micro": 0.80, "category": 0.70, "status": 0.80, "coverage": 0.92, "checklist": 0.85}
GAP = 0.05
# Measured on the test split (last at stop 18, 2026-12-01): what is not reached yet.
TEST_NOT_YET = {
    "micro": "micro F1 0.562",
    "hosting": "hosting F1 0.296 (24 gold clauses: the test contracts host little)",
    "maintenance": "maintenance F1 0.456",
    "security": "security F1 0.584",
    "training": "training F1 0.470",
    "project_management": "project management F1 0.683",
    "coverage": "coverage accuracy 0.825",
    "checklist": "checklist accuracy 0.807",
}
# Regression floors on the test split, a little under the numbers measured.
TEST_FLOORS = {"micro": 0.53, "macro": 0.45, "status": 0.80, "coverage": 0.78, "checklist": 0.76}
SAMPLES_FLOORS = {"macro": 0.85, "micro": 0.90, "coverage": 0.95, "checklist": 0.90}

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CORPUS_DOCS.is_dir(), reason="shared corpus not present")]


@lru_cache(maxsize=1)
def _test_split() -> dict[str, Any]:
    return evaluate_splits(CORPUS_GOLD, CORPUS_DOCS, lambda p: analyze_file(p), "test")[
        "test"].summary()


@lru_cache(maxsize=1)
def _samples() -> dict[str, Any]:
    return evaluate(SAMPLES_GOLD, SAMPLES_DOCS, lambda p: analyze_file(p)).summary()


def _measure(summary: dict[str, Any], name: str) -> float:
    if name == "micro":
        return float(summary["micro"]["f1"])
    if name == "macro":
        return float(summary["macro_f1_categories"])
    if name in CATEGORIES:
        return float(summary["categories"][name]["f1"])
    return float(summary[f"{name}_accuracy"])


def _target_cases() -> list:  # type: ignore[type-arg]
    names = ["micro", *CATEGORIES, "status", "coverage", "checklist"]
    return [pytest.param(n, id=n, marks=[pytest.mark.xfail(
        reason=f"target not reached yet: {TEST_NOT_YET[n]}", strict=True)]
        if n in TEST_NOT_YET else []) for n in names]


@pytest.mark.parametrize("name", _target_cases())
def test_issue_9_target_on_the_test_split(name: str) -> None:
    target = TARGETS["category"] if name in CATEGORIES else TARGETS[name]
    assert _measure(_test_split(), name) >= target


@pytest.mark.parametrize("name", sorted(TEST_FLOORS))
def test_no_regression_on_the_test_split(name: str) -> None:
    assert _measure(_test_split(), name) >= TEST_FLOORS[name]


@pytest.mark.parametrize("name", sorted(SAMPLES_FLOORS))
def test_samples_floor(name: str) -> None:
    assert _measure(_samples(), name) >= SAMPLES_FLOORS[name]


@pytest.mark.xfail(reason="target not reached yet: dev 0.689 (leave one publisher out) against "
                          "test 0.562", strict=True)
def test_dev_and_test_agree_within_the_gap() -> None:
    assert abs(_leave_one_publisher_out()["micro"]["f1"] - _test_split()["micro"]["f1"]) <= GAP


@lru_cache(maxsize=1)
def _leave_one_publisher_out() -> dict[str, Any]:
    sys.path.insert(0, str(REPO / "scripts"))
    import train_clause_model as training

    docs = training.training_documents(CORPUS_DOCS)
    return training.cross_validate_summary(docs, training.document_rows(docs))


def test_leave_one_publisher_out_scores_every_dev_publisher_apart() -> None:
    """Each dev publisher with gold clauses is scored alone, by a model that never saw it: the
    figure that shows whether a change holds beyond the publisher with the most gold."""
    sys.path.insert(0, str(REPO / "scripts"))
    import train_clause_model as training

    dev = _leave_one_publisher_out()
    with_gold = {training.publisher(d) for g, d in training.training_documents(CORPUS_DOCS)
                 if training.load_gold(g).clauses}
    assert set(dev["publishers"]) == with_gold and len(with_gold) >= 4
    assert all(0.0 < f1 < 1.0 for f1 in dev["publishers"].values())
    assert dev["publisher_mean_f1"] == pytest.approx(
        sum(dev["publishers"].values()) / len(dev["publishers"]))
