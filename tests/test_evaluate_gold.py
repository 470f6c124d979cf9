"""Accuracy of the shipped rules on the gold sets (issue 4 targets).

Targets: macro F1 over categories >= 0.90, every category >= 0.85, coverage accuracy >= 0.95,
checklist accuracy >= 0.90. Measured on samples/gold (the project's own synthetic contracts) and,
when the shared corpus is present (../shared/corpus), on tests/gold/corpus (5 real contracts,
annotated by span); also on both together. A target not reached yet is marked xfail(strict=True):
the day it passes, the marker must go (never weaken the thresholds instead).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from analyzer.analyze import analyze_file
from analyzer.evaluate import CATEGORIES, Evaluation, evaluate

REPO = Path(__file__).resolve().parent.parent
SAMPLES_GOLD = REPO / "samples" / "gold"
SAMPLES_DOCS = REPO / "samples" / "contracts"
CORPUS_GOLD = REPO / "tests" / "gold" / "corpus"
CORPUS_DOCS = REPO.parent / "shared" / "corpus"

MACRO_F1 = 0.90
CATEGORY_F1 = 0.85
COVERAGE = 0.95
CHECKLIST = 0.90

pytestmark = pytest.mark.slow


@lru_cache(maxsize=4)
def _evaluation(which: str) -> Evaluation:
    sets = {"samples": [(SAMPLES_GOLD, SAMPLES_DOCS)], "corpus": [(CORPUS_GOLD, CORPUS_DOCS)]}
    sets["combined"] = sets["samples"] + sets["corpus"]
    total = Evaluation()
    for gold, docs in sets[which]:
        part = evaluate(gold, docs, lambda p: analyze_file(p))
        for name in ("categories", "targets"):
            for label, counts in getattr(part, name).items():
                acc = getattr(total, name)[label]
                acc.tp_pred += counts.tp_pred
                acc.n_pred += counts.n_pred
                acc.tp_gold += counts.tp_gold
                acc.n_gold += counts.n_gold
        total.coverage_hits += part.coverage_hits
        total.coverage_total += part.coverage_total
        total.checklist_hits += part.checklist_hits
        total.checklist_total += part.checklist_total
        total.documents.extend(part.documents)
    return total


def _summary(which: str) -> dict[str, Any]:
    if which != "samples" and not CORPUS_DOCS.is_dir():
        pytest.skip(f"shared corpus not present at {CORPUS_DOCS}")
    if which != "corpus" and not any(SAMPLES_GOLD.glob("*.json")):
        pytest.skip("samples/gold has no gold files yet")
    return _evaluation(which).summary()


def _not_yet(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(reason=f"target not reached yet: {reason}", strict=True)


# Which (set, measure) pairs are known not to reach their target yet (see the module docstring).
NOT_YET: set[tuple[str, str]] = set()  # every target is reached on every set


def _cases(measures: tuple[str, ...]) -> list:  # type: ignore[type-arg]
    return [
        pytest.param(which, m, id=f"{which}-{m}",
                     marks=[_not_yet(f"{which} {m}")] if (which, m) in NOT_YET else [])
        for which in ("samples", "corpus", "combined") for m in measures
    ]


@pytest.mark.parametrize(("which", "measure"), _cases(("macro",)))
def test_macro_f1(which: str, measure: str) -> None:
    assert _summary(which)["macro_f1_categories"] >= MACRO_F1


@pytest.mark.parametrize(("which", "measure"), _cases(CATEGORIES))
def test_category_f1(which: str, measure: str) -> None:
    assert _summary(which)["categories"][measure]["f1"] >= CATEGORY_F1


@pytest.mark.parametrize(("which", "measure"), _cases(("coverage",)))
def test_coverage_accuracy(which: str, measure: str) -> None:
    assert _summary(which)["coverage_accuracy"] >= COVERAGE


@pytest.mark.parametrize(("which", "measure"), _cases(("checklist",)))
def test_checklist_accuracy(which: str, measure: str) -> None:
    assert _summary(which)["checklist_accuracy"] >= CHECKLIST
