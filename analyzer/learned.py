"""The clause model: a small learned decision on top of the rules (issue 9).

The rules propose *candidate* categories for a clause: the categories of its own hits, strong or
weak, and those of the heading above it and of the lead-in sentence that opens its list. For each
candidate, a per-category logistic model decides whether the clause really belongs to it (does it
commit a party to a service of that category, or only describe, define, price or administer?).
The model reads features that a reviewer can follow: the clause's words (folded lemmas), the rules
that fired, the categories of its heading and lead-in, and cues such as a commitment verb with a
party as subject. It is trained by ``scripts/train_clause_model.py`` on the gold of the dev split
only, stored as plain JSON weights in ``patterns/model/clause_model.json`` (no pickle, nothing
downloaded), and applied here in pure Python: deterministic, CPU only. Every decision explains
itself with the model's score and the features that weighed most.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span

MODEL_FILE = Path("model") / "clause_model.json"
MODEL_SCHEMA = "hds-analyzer/clause-model/1"
_MAX_WORDS = 400  # features from the first words only: long clauses cost no more


@dataclass(frozen=True)
class ClauseView:
    """What the clause model sees of one clause (built by analyze, also for training)."""

    doc: Doc
    hits: tuple[Span, ...]  # tagging hits, strong and weak, after the price/sub-processor filters
    strong: frozenset[str]  # categories of the rules-only selection (select_tags)
    heading: dict[str, frozenset[str]]  # category -> topics of the headings above the clause
    lead: dict[str, frozenset[str]]  # category -> topics of the lead-in of its list
    heading_words: tuple[str, ...]  # norms of the nearest heading
    committed: bool
    describes: bool  # words of the existing system or context ("actuellement", "currently")
    client_subject: bool
    list_item: bool
    in_definitions: bool
    kind: str = "clause"
    parent_words: tuple[str, ...] = ()  # norms of the heading above the nearest one

    def candidates(self) -> set[str]:
        """Categories the rules propose for the clause."""
        return {s.label_ for s in self.hits} | set(self.heading) | set(self.lead)


def features(view: ClauseView) -> dict[str, float]:
    """Named binary features of a clause (stable names: the model stores their weights)."""
    f: dict[str, float] = {}
    for token in view.doc[:_MAX_WORDS]:
        if token.is_alpha and len(token.text) > 2 and not token.is_stop:
            f[f"w:{token.norm_}"] = 1.0
    for word in view.heading_words:
        f[f"hw:{word}"] = 1.0
    for word in view.parent_words:
        f[f"pw:{word}"] = 1.0
    for span in view.hits:
        f[f"r:{span.id_}"] = 1.0
        f[f"c:{span.label_}"] = 1.0
    for category in view.strong:
        f[f"cs:{category}"] = 1.0
    for category in view.heading:
        f[f"h:{category}"] = 1.0
    for category in view.lead:
        f[f"l:{category}"] = 1.0

    n = len(view.doc)
    flags = {
        "q:commit": view.committed, "q:no_commit": not view.committed,
        "q:describes": view.describes, "q:client_subject": view.client_subject,
        "q:list_item": view.list_item, "q:definitions": view.in_definitions,
        "q:short": n < 8, "q:long": n > 120, "q:no_hit": not view.hits,
        f"q:kind_{view.kind}": True,
    }
    f.update({name: 1.0 for name, on in flags.items() if on})
    return f


@dataclass(frozen=True)
class CategoryModel:
    """Logistic weights of one category and the decision threshold chosen on the dev split."""

    bias: float
    weights: dict[str, float]
    threshold: float

    def score(self, feats: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * v for name, v in feats.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def reasons(self, feats: dict[str, float], n: int = 4) -> list[tuple[str, float]]:
        """The features present that weighed most for (positive) or against (negative)."""
        scored = [(name, self.weights[name]) for name in feats if name in self.weights]
        return sorted(scored, key=lambda kv: (-abs(kv[1]), kv[0]))[:n]


@dataclass(frozen=True)
class ClauseModel:
    """Per-category models, with what they were trained on."""

    name: str
    categories: dict[str, CategoryModel]
    trained_on: tuple[str, ...] = field(default=())

    def decide(self, view: ClauseView) -> dict[str, tuple[float, list[tuple[str, float]]]]:
        """Accepted candidate categories → (score, reasons)."""
        feats = features(view)
        out = {}
        for category in sorted(view.candidates()):
            model = self.categories.get(category)
            if model is None:
                continue
            p = model.score(feats)
            if p >= model.threshold:
                out[category] = (p, model.reasons(feats))
        return out


def load_model(path: Path) -> ClauseModel:
    """Read a clause model file.

    Raises:
        ValueError: not a clause model of this schema.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("schema") != MODEL_SCHEMA:
        raise ValueError(f"{path}: not a {MODEL_SCHEMA} file")
    return ClauseModel(
        name=data["name"],
        categories={c: CategoryModel(bias=m["bias"], weights=m["weights"], threshold=m["threshold"])
                    for c, m in data["categories"].items()},
        trained_on=tuple(data.get("trained_on", ())),
    )


@lru_cache(maxsize=4)
def model_for(patterns_dir: Path) -> ClauseModel | None:
    """The clause model shipped with a patterns folder, or None (rules only) when it has none."""
    path = patterns_dir / MODEL_FILE
    return load_model(path) if path.is_file() else None
