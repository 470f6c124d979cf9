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
import tempfile
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from analyzer.errors import GoldFileError
from analyzer.normalize import match_text as normalize_for_match
from analyzer.taxonomy import CHECKLIST_IDS, MAPPING_TARGETS
from analyzer.taxonomy_facts import default_facts

GOLD_SCHEMA = "hds-analyzer/gold/1"
CATEGORIES: tuple[str, ...] = default_facts().categories
MATCH_RATIO = 0.6


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


@contextmanager
def published(doc_path: Path) -> Iterator[Path]:
    """The document as published, to analyse for scoring: a corpus text without its
    ``SOURCE:`` header block (a temporary copy of the same name), any other file as it is.

    The header is the corpus's provenance note, not part of the contract: analysed with the
    document, its ``NOTE:`` line ("MCO, centre de service, PAQ, SLA, réversibilité") was tagged
    and counted as checklist evidence. The gold's spans index the same body.
    """
    raw = doc_path.read_text(encoding="utf-8", errors="replace") \
        if doc_path.suffix.lower() in (".txt", ".md") else ""
    if not raw.startswith("SOURCE:"):
        yield doc_path
        return
    with tempfile.TemporaryDirectory(prefix="hds-eval-") as tmp:
        body = Path(tmp) / doc_path.name
        body.write_text(corpus_body(raw), encoding="utf-8")
        yield body


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

    def merge(self, other: Evaluation) -> None:
        """Add another evaluation's counts and documents to this one."""
        for name in ("categories", "targets"):
            mine = getattr(self, name)
            for label, c in getattr(other, name).items():
                acc = mine.setdefault(label, Counts())
                acc.tp_pred += c.tp_pred
                acc.n_pred += c.n_pred
                acc.tp_gold += c.tp_gold
                acc.n_gold += c.n_gold
        for name in ("coverage_hits", "coverage_total", "checklist_hits", "checklist_total",
                     "status_hits", "status_total"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.documents.extend(other.documents)

    def micro(self) -> Counts:
        """Category counts pooled over the five categories (micro average)."""
        total = Counts()
        for c in self.categories.values():
            total.tp_pred += c.tp_pred
            total.n_pred += c.n_pred
            total.tp_gold += c.tp_gold
            total.n_gold += c.n_gold
        return total

    def summary(self) -> dict[str, Any]:
        """Everything as a JSON-ready dict."""
        cats = {c: n.scores() for c, n in self.categories.items()}
        scored = [s["f1"] for s in cats.values() if s["gold"] or s["predicted"]]
        return {
            "documents_scored": len(self.documents),
            "micro": self.micro().scores(),
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


SPLIT_FILE = "split.yaml"
SPLITS = ("dev", "test")


def load_split(gold_dir: Path) -> dict[str, list[str]] | None:
    """The fixed dev/test split of ``gold_dir/split.yaml`` (document names), or None without one.

    Raises:
        GoldFileError: unreadable file, unknown keys, or a document on both sides.
    """
    path = gold_dir / SPLIT_FILE
    if not path.is_file():
        return None
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise GoldFileError(f"{path}: unreadable split file ({e})") from e
    if not isinstance(data, dict) or set(data) - set(SPLITS):
        raise GoldFileError(f"{path}: a split file has the keys {', '.join(SPLITS)} only")
    split = {k: [str(d) for d in data.get(k) or []] for k in SPLITS}
    both = set(split["dev"]) & set(split["test"])
    if both:
        raise GoldFileError(f"{path}: on both sides of the split: {', '.join(sorted(both))}")
    return split


def gold_texts(gold: GoldFile, doc_path: Path) -> list[str]:
    """The text of every gold clause (spans index the corpus body of ``doc_path``)."""
    body: str | None = None
    texts: list[str] = []
    for clause in gold.clauses:
        if clause.span is not None:
            if body is None:
                body = corpus_body(doc_path.read_text(encoding="utf-8"))
            texts.append(body[clause.span[0]:clause.span[1]])
        else:
            texts.append(clause.text or "")
    return texts


def gold_as_report(gold: GoldFile, doc_path: Path) -> dict[str, Any]:
    """A gold file in the shape of a report, to score one annotator against another."""
    clauses = [
        {"id": f"g{j}", "text": text, "categories": list(c.categories), "mapping": list(c.mapping),
         "status": c.status}
        for j, (c, text) in enumerate(zip(gold.clauses, gold_texts(gold, doc_path), strict=True))
    ]
    return {"clauses": clauses, "coverage": {t: ["x"] for t in gold.coverage},
            "checklist": [{"id": k, "status": v} for k, v in gold.checklist.items()]}


def score_document(gold: GoldFile, doc_path: Path, report: dict[str, Any]) -> Evaluation:
    """Scores of one report against its gold file."""
    result = Evaluation()
    golds_n = [normalize_for_match(t) for t in gold_texts(gold, doc_path)]
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
    micro = result.micro().scores()
    result.documents.append({
        "document": gold.document,
        "micro_f1": micro["f1"],
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


def evaluate(
    gold_dir: Path, docs_dir: Path, analyze: Callable[[Path], dict[str, Any]],
    documents: Collection[str] | None = None,
) -> Evaluation:
    """Evaluate ``analyze`` on every gold file of ``gold_dir`` against its document in ``docs_dir``.

    With ``documents``, only the gold files of those documents are scored.

    Raises:
        GoldFileError: a gold file is invalid or its document is missing.
    """
    result = Evaluation()
    gold_files = sorted(gold_dir.glob("*.json"))
    if not gold_files:
        raise GoldFileError(f"{gold_dir}: no gold files (*.json)")
    for gold_path in gold_files:
        gold = load_gold(gold_path)
        if documents is not None and gold.document not in documents:
            continue
        doc_path = docs_dir / gold.document
        if not doc_path.is_file():
            raise GoldFileError(f"{gold_path}: document {gold.document!r} not found in {docs_dir}")
        with published(doc_path) as path:
            report = analyze(path)
        result.merge(score_document(gold, doc_path, report))
    return result


def evaluate_splits(
    gold_dir: Path, docs_dir: Path, analyze: Callable[[Path], dict[str, Any]],
    only: str | None = None,
) -> dict[str, Evaluation]:
    """Evaluate the dev and the test split apart (``{"all": …}`` when there is no split file);
    ``only`` ("dev" or "test") scores one side.

    Every gold file's document must be named in the split file: a document that is on neither
    side would silently join one of them.

    Raises:
        GoldFileError: invalid gold or split file, missing document, document not in the split.
    """
    split = load_split(gold_dir)
    if split is None:
        return {"all": evaluate(gold_dir, docs_dir, analyze)}
    named = set(split["dev"]) | set(split["test"])
    for gold_path in sorted(gold_dir.glob("*.json")):
        document = load_gold(gold_path).document
        if document not in named:
            raise GoldFileError(f"{gold_path}: document {document!r} is in neither split of "
                                f"{gold_dir / SPLIT_FILE}")
    return {name: evaluate(gold_dir, docs_dir, analyze, set(split[name])) for name in SPLITS
            if split[name] and only in (None, name)}


def format_table(summary: dict[str, Any]) -> str:
    """A plain-text table of the summary for the terminal."""
    lines = [f"{'label':<20}{'P':>8}{'R':>8}{'F1':>8}{'pred':>7}{'gold':>7}"]
    m = summary["micro"]
    lines.append(f"{'micro (categories)':<20}{m['precision']:>8.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}"
                 f"{m['predicted']:>7}{m['gold']:>7}")
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
        lines.append(f"{doc['document']}: micro F1 {doc['micro_f1']:.3f}, "
                     f"coverage {doc['coverage_agreement']}, checklist {doc['checklist_agreement']}")
    return "\n".join(lines)
