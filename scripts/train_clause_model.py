"""Train the clause model (analyzer/learned.py) on the gold of the DEV split only.

Reads tests/gold/corpus/split.yaml and trains on its `dev` documents plus the bundled samples
(samples/gold); the `test` documents are never read. For each category, a logistic regression
decides, among the clauses the rules propose for that category, which belong to it. Words seen in
the documents of fewer than MIN_PUBLISHERS publishers are dropped (a word of one contract, or of
one publisher's template, cannot generalise). The regularisation and the decision threshold are
chosen by cross-validation grouped by publisher (a publisher's documents are never scored by a
model that saw one of them: the five Cloud Temple documents share a template), and the
out-of-fold scores are printed as the estimate on dev. Deterministic: same gold, rules and code,
same bytes.

Usage (repository root): .venv/bin/python scripts/train_clause_model.py [--corpus DIR] [--check]
  --check   rebuild in memory and exit 1 if the shipped model differs (used by the test suite).
  --cross-validate   leave-one-publisher-out evaluation on dev (each document scored by a model
            that saw no document of its publisher), with the evaluation's own measures.
  --candidates   the ceiling of the model on dev: per category, the share of gold-labelled clauses
            for which the rules propose the category at all (the model can only accept those).
Needs the `dev` extra (scikit-learn), never needed at run time.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from analyzer.analyze import prepare  # noqa: E402
from analyzer.evaluate import (  # noqa: E402
    _pairs,
    gold_texts,
    load_gold,
    normalize_for_match,
    published,
)
from analyzer.extract import extract  # noqa: E402
from analyzer.learned import MODEL_FILE, MODEL_SCHEMA, features, model_for  # noqa: E402
from analyzer.resources import default_patterns_dir  # noqa: E402
from analyzer.tagging import clause_contexts  # noqa: E402

CATEGORIES = ("hosting", "maintenance", "security", "training", "project_management")
MIN_PUBLISHERS = 2
C_GRID = (0.1, 0.3, 1.0)
FOLDS = 6
NAME = "clause-logreg-1"


def publisher(doc_path: Path) -> str:
    """The group of a training document: its publisher (corpus names start with it), or
    "samples" for the project's own samples."""
    return "samples" if doc_path.parent.name == "contracts" else doc_path.name.split("-", 1)[0]


def training_documents(corpus: Path) -> list[tuple[Path, Path]]:
    """(gold file, document) pairs of the dev split and of the samples."""
    gold_dir = REPO / "tests" / "gold" / "corpus"
    split = yaml.safe_load((gold_dir / "split.yaml").read_text(encoding="utf-8"))
    pairs = [(gold_dir / f"{name}.gold.json", corpus / name) for name in split["dev"]]
    for gold in sorted((REPO / "samples" / "gold").glob("*.gold.json")):
        pairs.append((gold, REPO / "samples" / "contracts" / load_gold(gold).document))
    return pairs


def examples(gold_path: Path, doc_path: Path) -> list[tuple[dict[str, float], set[str], set[str]]]:
    """(features, candidate categories, gold categories) of every clause of a document."""
    gold = load_gold(gold_path)
    with published(doc_path) as path:
        prepared = prepare(extract(path))
    contexts = list(clause_contexts(prepared.segments, prepared.docs, prepared.vocab))
    golds = [normalize_for_match(t) for t in gold_texts(gold, doc_path)]
    pairs = _pairs([normalize_for_match(c.seg.text) for c in contexts], golds)
    labels: dict[int, set[str]] = defaultdict(set)
    for i, j in pairs:
        labels[i].update(gold.clauses[j].categories)
    return [(features(c.view), c.view.candidates(), labels.get(i, set()))
            for i, c in enumerate(contexts)]


def _best_threshold(scores: list[float], ys: list[int]) -> tuple[float, float]:
    """The threshold that maximises F1 on (out-of-fold) scores, and that F1."""
    best = (0.5, 0.0)
    positives = sum(ys)
    for t in [i / 100 for i in range(10, 91, 2)]:
        tp = sum(1 for s, y in zip(scores, ys, strict=True) if s >= t and y)
        fp = sum(1 for s, y in zip(scores, ys, strict=True) if s >= t and not y)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / positives if positives else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        if f > best[1] + 1e-9:
            best = (t, f)
    return best


Row = tuple[int, dict[str, float], set[str], set[str]]  # document index, features, candidates, gold


def document_rows(docs: list[tuple[Path, Path]]) -> list[Row]:
    """The training rows of every clause of the documents."""
    rows = []
    for k, (gold_path, doc_path) in enumerate(docs):
        for feats, cands, gold in examples(gold_path, doc_path):
            rows.append((k, feats, cands, gold))
    return rows


def _classifier(c_value: float):
    """The per-category logistic regression; classes weighted by their frequency (most candidates
    are negatives)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c_value, solver="liblinear", max_iter=1000, class_weight="balanced")


def train(docs: list[tuple[Path, Path]], rows: list[Row]) -> tuple[dict, str]:
    """The model file content and a report of the cross-validated estimate."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.model_selection import GroupKFold

    group_of = {k: publisher(docs[k][1]) for k in range(len(docs))}
    seen_in: dict[str, set[str]] = defaultdict(set)
    for k, feats, _, _ in rows:
        for name in feats:
            seen_in[name].add(group_of[k])
    kept = {name for name, groups in seen_in.items() if len(groups) >= MIN_PUBLISHERS}
    used = sorted({docs[r[0]][1].name for r in rows})
    report = [f"trained on {len(used)} dev documents, {len(rows)} clauses, "
              f"{len(kept)} features seen in documents of >= {MIN_PUBLISHERS} publishers"]
    model: dict = {"schema": MODEL_SCHEMA, "name": NAME,
                   "trained_on": used, "categories": {}}
    micro = Counter()
    for category in CATEGORIES:
        sub = [(k, {n: v for n, v in f.items() if n in kept}, category in g)
               for k, f, c, g in rows if category in c]
        if not sub or not any(y for _, _, y in sub):
            continue
        groups = [group_of[k] for k, _, _ in sub]
        vec = DictVectorizer(sort=True)
        x = vec.fit_transform([f for _, f, _ in sub]).tocsr()
        x.indices = x.indices.astype("int32")  # liblinear takes 32-bit sparse indices
        x.indptr = x.indptr.astype("int32")
        y = [int(t) for _, _, t in sub]
        best = None
        for c_value in C_GRID:
            oof = [0.0] * len(y)
            for train_idx, test_idx in GroupKFold(n_splits=min(FOLDS, len(set(groups)))).split(
                    x, y, groups):
                if len(set(y[i] for i in train_idx)) < 2:
                    continue
                clf = _classifier(c_value)
                clf.fit(x[train_idx], [y[i] for i in train_idx])
                for i, p in zip(test_idx, clf.predict_proba(x[test_idx])[:, 1], strict=True):
                    oof[i] = float(p)
            threshold, f1 = _best_threshold(oof, y)
            if best is None or f1 > best[2] + 1e-9:
                best = (c_value, threshold, f1, oof)
        assert best is not None
        c_value, threshold, f1, oof = best
        clf = _classifier(c_value).fit(x, y)
        names = vec.get_feature_names_out()
        weights = {str(n): round(float(w), 4) for n, w in zip(names, clf.coef_[0], strict=True)
                   if abs(w) >= 1e-4}
        model["categories"][category] = {"bias": round(float(clf.intercept_[0]), 4),
                                         "threshold": threshold, "C": c_value,
                                         "weights": dict(sorted(weights.items()))}
        tp = sum(1 for s, t in zip(oof, y, strict=True) if s >= threshold and t)
        micro.update(tp=tp, pred=sum(1 for s in oof if s >= threshold), gold=sum(y))
        report.append(f"{category:<20} C={c_value:<4} threshold={threshold:.2f} "
                      f"out-of-fold F1 (on candidates) {f1:.3f}, {sum(y)} positives of {len(y)}")
    p = micro["tp"] / micro["pred"] if micro["pred"] else 0.0
    r = micro["tp"] / micro["gold"] if micro["gold"] else 0.0
    report.append(f"out-of-fold micro on candidates: P {p:.3f} R {r:.3f} "
                  f"F1 {2 * p * r / (p + r) if p + r else 0.0:.3f}")
    return model, "\n".join(report)


def cross_validate(docs: list[tuple[Path, Path]], rows: list[Row]) -> str:
    """The leave-one-publisher-out evaluation on dev, as a table, then publisher by publisher
    (one publisher's large document dominates the pooled figure: a change worth keeping should
    not only move that one)."""
    from analyzer.evaluate import format_table

    summary = cross_validate_summary(docs, rows)
    lines = [format_table(summary), "-- publishers (micro F1 of the held-out publisher)"]
    for name, f1 in summary["publishers"].items():
        lines.append(f"{name:<28}{f1:>8.3f}")
    lines.append(f"mean over publishers   {summary['publisher_mean_f1']:.3f}")
    return "\n".join(lines)


def cross_validate_summary(docs: list[tuple[Path, Path]], rows: list[Row]) -> dict:
    """Leave one publisher out: each dev document is analysed with a model trained on the other
    publishers' documents and scored by the evaluation itself (the honest figure for dev)."""
    import shutil
    import tempfile

    from analyzer.analyze import analyze_file
    from analyzer.evaluate import Evaluation, score_document

    total = Evaluation()
    by_publisher: dict[str, Evaluation] = {}
    with tempfile.TemporaryDirectory() as tmp:
        patterns = Path(tmp) / "patterns"
        shutil.copytree(default_patterns_dir(), patterns)
        for held_out in sorted({publisher(d) for _, d in docs}):
            model, _ = train(docs, [r for r in rows if publisher(docs[r[0]][1]) != held_out])
            (patterns / MODEL_FILE).write_text(json.dumps(model), encoding="utf-8")
            model_for.cache_clear()
            held = by_publisher.setdefault(held_out, Evaluation())
            for gold_path, doc_path in docs:
                if publisher(doc_path) == held_out:
                    with published(doc_path) as path:
                        report = analyze_file(path, patterns_dir=patterns)
                    held.merge(score_document(load_gold(gold_path), doc_path, report))
            total.merge(held)
    model_for.cache_clear()
    scored = {name: e.micro().scores()["f1"] for name, e in by_publisher.items()
              if e.micro().n_gold}
    return {**total.summary(), "publishers": scored,
            "publisher_mean_f1": sum(scored.values()) / len(scored) if scored else 0.0}


def candidate_ceiling(rows: list[Row]) -> dict[str, tuple[int, int]]:
    """Per category: (gold-labelled clauses the rules propose it for, gold-labelled clauses)."""
    out = {}
    for category in CATEGORIES:
        labelled = [cands for _, _, cands, gold in rows if category in gold]
        out[category] = (sum(1 for cands in labelled if category in cands), len(labelled))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--cross-validate", action="store_true",
                        help="print the leave-one-publisher-out evaluation on dev and exit")
    parser.add_argument("--candidates", action="store_true",
                        help="print, per category, how many dev gold clauses the rules propose")
    args = parser.parse_args(argv)
    docs = training_documents(args.corpus)
    rows = document_rows(docs)
    if args.cross_validate:
        print(cross_validate(docs, rows))
        return 0
    if args.candidates:
        for category, (proposed, labelled) in candidate_ceiling(rows).items():
            print(f"{category:<20} proposed for {proposed} of {labelled} gold clauses "
                  f"({proposed / labelled if labelled else 0.0:.3f})")
        return 0
    model, report = train(docs, rows)
    print(report)
    content = json.dumps(model, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    path = default_patterns_dir() / MODEL_FILE
    if args.check:
        same = path.is_file() and path.read_text(encoding="utf-8") == content
        print("shipped model is up to date" if same else f"{path} differs from a fresh training")
        return 0 if same else 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
