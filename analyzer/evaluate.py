"""Accuracy against gold annotations (DESIGN.md §5): per-category and per-target P/R/F1,
document coverage accuracy and checklist status accuracy.

Matching: a predicted clause matches a gold clause when their normalised texts share a common
run of at least 60 % of the shorter one. A predicted clause counts as correct for a label when it
matches some gold clause with that label (precision); a gold clause is found when some predicted
clause with that label matches it (recall). Predicted glossary definitions that match no gold
clause are left out: the guidelines do not tag definitions.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from analyzer.errors import GoldFileError
from analyzer.taxonomy import CHECKLIST_IDS, MAPPING_TARGETS

GOLD_SCHEMA = "hds-analyzer/gold/1"
CATEGORIES = ("hosting", "maintenance", "security", "training", "project_management")
MATCH_RATIO = 0.6
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "«": '"', "»": '"'})


class GoldClause(BaseModel):
    """One annotated clause, by text or by span into the document text."""

    model_config = ConfigDict(extra="allow", frozen=True)
    text: str | None = None
    span: tuple[int, int] | None = None
    categories: list[str] = Field(min_length=1)
    mapping: list[str] = []
    status: str = "included"

    @model_validator(mode="after")
    def _one_anchor(self) -> GoldClause:
        if (self.text is None) == (self.span is None):
            raise ValueError("give exactly one of 'text' or 'span'")
        return self


class GoldFile(BaseModel):
    """A gold annotation file (schema hds-analyzer/gold/1)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    schema_: str = Field(alias="schema")
    document: str
    language: str | None = None
    clauses: list[GoldClause]
    coverage: list[str]
    checklist: dict[str, str]

    @model_validator(mode="after")
    def _check(self) -> GoldFile:
        if self.schema_ != GOLD_SCHEMA:
            raise ValueError(f"schema must be {GOLD_SCHEMA!r}")
        return self


def normalize_for_match(text: str) -> str:
    """NFC, case-fold, collapse whitespace, unify quotes and apostrophes."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_QUOTES).casefold().split())


def texts_match(a: str, b: str) -> bool:
    """True when two normalised texts share a common run of ≥ 60 % of the shorter one."""
    if not a or not b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if short in long_:
        return True
    matcher = SequenceMatcher(None, short, long_, autojunk=False)
    match = matcher.find_longest_match(0, len(short), 0, len(long_))
    return match.size >= MATCH_RATIO * len(short)


def corpus_body(raw: str) -> str:
    """The document text of a corpus file: what follows its ``SOURCE:`` header block."""
    if raw.startswith("SOURCE:") and "\n\n" in raw:
        return raw.split("\n\n", 1)[1]
    return raw


def load_gold(path: Path) -> GoldFile:
    """Read and validate a gold file.

    Raises:
        GoldFileError: invalid JSON or schema.
    """
    try:
        return GoldFile.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError, ValidationError) as e:
        raise GoldFileError(f"{path}: invalid gold file ({e})") from e


@dataclass
class Counts:
    """True positives for precision and recall, and the totals."""

    tp_pred: int = 0
    n_pred: int = 0
    tp_gold: int = 0
    n_gold: int = 0

    def scores(self) -> dict[str, float | int]:
        """Precision, recall, F1 and supports."""
        p = self.tp_pred / self.n_pred if self.n_pred else (1.0 if not self.n_gold else 0.0)
        r = self.tp_gold / self.n_gold if self.n_gold else (1.0 if not self.n_pred else 0.0)
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                "predicted": self.n_pred, "gold": self.n_gold}


@dataclass
class Evaluation:
    """Accumulated scores over documents."""

    categories: dict[str, Counts] = field(default_factory=lambda: {c: Counts() for c in CATEGORIES})
    targets: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in MAPPING_TARGETS})
    coverage_hits: int = 0
    coverage_total: int = 0
    checklist_hits: int = 0
    checklist_total: int = 0
    status_hits: int = 0
    status_total: int = 0
    documents: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Everything as a JSON-ready dict."""
        cats = {c: n.scores() for c, n in self.categories.items()}
        scored = [s["f1"] for s in cats.values() if s["gold"] or s["predicted"]]
        return {
            "categories": cats,
            "targets": {t: n.scores() for t, n in self.targets.items()},
            "macro_f1_categories": round(sum(scored) / len(scored), 4) if scored else 0.0,
            "coverage_accuracy": round(self.coverage_hits / self.coverage_total, 4)
            if self.coverage_total else 0.0,
            "checklist_accuracy": round(self.checklist_hits / self.checklist_total, 4)
            if self.checklist_total else 0.0,
            "status_accuracy": round(self.status_hits / self.status_total, 4)
            if self.status_total else 0.0,
            "documents": self.documents,
        }


def _score_labels(
    counts: dict[str, Counts],
    preds: list[tuple[str, set[str]]],
    golds: list[tuple[str, set[str]]],
    pairs: set[tuple[int, int]],
) -> None:
    for label, c in counts.items():
        pred_ids = [i for i, (_, labels) in enumerate(preds) if label in labels]
        gold_ids = [j for j, (_, labels) in enumerate(golds) if label in labels]
        gold_set, pred_set = set(gold_ids), set(pred_ids)
        c.n_pred += len(pred_ids)
        c.n_gold += len(gold_ids)
        c.tp_pred += sum(1 for i in pred_ids if any((i, j) in pairs for j in gold_set))
        c.tp_gold += sum(1 for j in gold_ids if any((i, j) in pairs for i in pred_set))


def _pairs(pred_texts: list[str], gold_texts: list[str]) -> set[tuple[int, int]]:
    pred_words = [set(t.split()) for t in pred_texts]
    gold_words = [set(t.split()) for t in gold_texts]
    pairs = set()
    for i, pt in enumerate(pred_texts):
        for j, gt in enumerate(gold_texts):
            shorter = min(len(pred_words[i]), len(gold_words[j])) or 1
            if len(pred_words[i] & gold_words[j]) < MATCH_RATIO * shorter * 0.5:
                continue  # cheap filter: cannot share a 60 % run
            if texts_match(pt, gt):
                pairs.add((i, j))
    return pairs


def evaluate(
    gold_dir: Path, docs_dir: Path, analyze: Callable[[Path], dict[str, Any]]
) -> Evaluation:
    """Evaluate ``analyze`` on every gold file of ``gold_dir`` against its document in ``docs_dir``.

    Raises:
        GoldFileError: a gold file is invalid or its document is missing.
    """
    result = Evaluation()
    gold_files = sorted(gold_dir.glob("*.json"))
    if not gold_files:
        raise GoldFileError(f"{gold_dir}: no gold files (*.json)")
    for gold_path in gold_files:
        gold = load_gold(gold_path)
        doc_path = docs_dir / gold.document
        if not doc_path.is_file():
            raise GoldFileError(f"{gold_path}: document {gold.document!r} not found in {docs_dir}")
        report = analyze(doc_path)
        body: str | None = None
        gold_texts: list[str] = []
        for clause in gold.clauses:
            if clause.span is not None:
                if body is None:
                    body = corpus_body(doc_path.read_text(encoding="utf-8"))
                gold_texts.append(body[clause.span[0]:clause.span[1]])
            else:
                gold_texts.append(clause.text or "")
        golds_n = [normalize_for_match(t) for t in gold_texts]
        preds_all = report["clauses"]
        preds_n_all = [normalize_for_match(c["text"]) for c in preds_all]
        pairs_all = _pairs(preds_n_all, golds_n)
        keep = [i for i, c in enumerate(preds_all)
                if c["status"] != "definition" or any((i, j) in pairs_all for j in range(len(golds_n)))]
        index = {old: new for new, old in enumerate(keep)}
        pairs = {(index[i], j) for i, j in pairs_all if i in index}
        preds = [preds_all[i] for i in keep]
        _score_labels(result.categories, [(c["id"], set(c["categories"])) for c in preds],
                      [(str(j), set(g.categories)) for j, g in enumerate(gold.clauses)], pairs)
        _score_labels(result.targets, [(c["id"], set(c["mapping"])) for c in preds],
                      [(str(j), set(g.mapping)) for j, g in enumerate(gold.clauses)], pairs)
        for j, gold_clause in enumerate(gold.clauses):
            matched = sorted(i for i, jj in pairs if jj == j)
            if matched:  # status of the first predicted clause that matches the gold clause
                result.status_total += 1
                result.status_hits += preds[matched[0]]["status"] == gold_clause.status
        predicted_cov = {t for t, ids in report["coverage"].items() if ids}
        gold_cov = set(gold.coverage)
        cov_ok = sum(1 for t in MAPPING_TARGETS if (t in predicted_cov) == (t in gold_cov))
        result.coverage_hits += cov_ok
        result.coverage_total += len(MAPPING_TARGETS)
        predicted_check = {c["id"]: c["status"] for c in report["checklist"]}
        check_ok = sum(1 for item in CHECKLIST_IDS
                       if predicted_check.get(item) == gold.checklist.get(item, "missing"))
        result.checklist_hits += check_ok
        result.checklist_total += len(CHECKLIST_IDS)
        result.documents.append({
            "document": gold.document,
            "coverage_predicted": sorted(predicted_cov, key=MAPPING_TARGETS.index),
            "coverage_gold": sorted(gold_cov, key=lambda t: MAPPING_TARGETS.index(t)
                                    if t in MAPPING_TARGETS else 99),
            "coverage_agreement": f"{cov_ok}/{len(MAPPING_TARGETS)}",
            "checklist_agreement": f"{check_ok}/{len(CHECKLIST_IDS)}",
            "checklist_differences": {
                item: {"predicted": predicted_check.get(item), "gold": gold.checklist.get(item, "missing")}
                for item in CHECKLIST_IDS
                if predicted_check.get(item) != gold.checklist.get(item, "missing")
            },
        })
    return result


def format_table(summary: dict[str, Any]) -> str:
    """A plain-text table of the summary for the terminal."""
    lines = [f"{'label':<20}{'P':>8}{'R':>8}{'F1':>8}{'pred':>7}{'gold':>7}"]
    for group in ("categories", "targets"):
        lines.append(f"-- {group}")
        for label, s in summary[group].items():
            lines.append(f"{label:<20}{s['precision']:>8.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}"
                         f"{s['predicted']:>7}{s['gold']:>7}")
    lines.append(f"macro F1 (categories) {summary['macro_f1_categories']:.3f}")
    lines.append(f"coverage accuracy     {summary['coverage_accuracy']:.3f}")
    lines.append(f"checklist accuracy    {summary['checklist_accuracy']:.3f}")
    lines.append(f"status accuracy       {summary['status_accuracy']:.3f}  (matched clauses)")
    for doc in summary["documents"]:
        lines.append(f"{doc['document']}: coverage {doc['coverage_agreement']}, "
                     f"checklist {doc['checklist_agreement']}")
    return "\n".join(lines)
