"""Clause-tagging benchmark: our pipeline against fr_core_news_sm, speed and accuracy in one run.

    .venv/bin/python benchmarks/bench_tagging.py [--words 200000] [--no-f1]

Three French pipelines carry the same shipped rule set (``patterns/fr``, one SpanRuler):
- ``ours``: blank French tokenizer + lookup-lemma norms (``contract_norm``) + sentencizer;
- ``sm-lite``: ``fr_core_news_sm`` with parser and NER disabled (tok2vec, morphologizer and its
  rule lemmatizer kept) + a sentencizer, norms = folded spaCy lemma;
- ``sm-full``: the full ``fr_core_news_sm`` pipeline, norms = folded spaCy lemma.
1. Speed: French clause texts (the French gold documents of ``samples/`` and, when present,
   ``../shared/corpus``), repeated to ``--words`` words, through ``nlp.pipe``; prints words/s for
   each pipeline and the ratios ours/sm-lite and ours/sm-full.
2. Accuracy: ``analyzer.evaluate`` on the French gold documents with each pipeline swapped in;
   prints macro F1 over categories, coverage and checklist accuracy.

3. The whole tag stage as the analyzer runs it (pipeline, rule proposals, clause model) against
   the full ``fr_core_news_sm`` pipeline alone.

Not a test: numbers depend on the machine. Targets (issue 4): ours ≥ sm-lite speed, ≥ 3x sm-full,
at equal or better F1; (issue 9) the tag stage with the clause model ≥ 3x sm-full.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from analyzer import analyze as analyze_mod  # noqa: E402
from analyzer.evaluate import evaluate, load_gold  # noqa: E402
from analyzer.extract import extract  # noqa: E402
from analyzer.nlp import HITS_KEY, cached_pipeline, fold  # noqa: E402
from analyzer.resources import default_patterns_dir  # noqa: E402
from analyzer.rules import RuleSet, load_rules  # noqa: E402
from analyzer.segment import segment  # noqa: E402

GOLD_SETS = [
    (REPO / "samples" / "gold", REPO / "samples" / "contracts"),
    (REPO / "tests" / "gold" / "corpus", REPO.parent / "shared" / "corpus"),
]


@Language.component("lemma_norm")
def lemma_norm(doc: Doc) -> Doc:
    """Norm = folded spaCy lemma (the statistical pipeline's counterpart of ``contract_norm``)."""
    for token in doc:
        token.norm_ = fold(token.lemma_ or token.lower_)
    return doc


def sm_pipeline(ruleset: RuleSet, lite: bool) -> Language:
    """fr_core_news_sm (+/- parser and NER) with the shipped rules on folded lemmas."""
    nlp = spacy.load("fr_core_news_sm", exclude=["parser", "ner"] if lite else [])
    nlp.max_length = 2_000_000
    nlp.add_pipe("lemma_norm")
    if lite:
        nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe(
        "span_ruler",
        config={"spans_key": HITS_KEY, "phrase_matcher_attr": "NORM", "validate": True},
    )
    with warnings.catch_warnings():  # W012: phrases go through the lemmatizer on purpose
        warnings.simplefilter("ignore", UserWarning)
        ruler.add_patterns(ruleset.span_ruler_patterns())  # type: ignore[attr-defined]
    return nlp


def french_documents() -> list[tuple[Path, Path]]:
    """(gold file, document) of every French gold document available."""
    found = []
    for gold_dir, docs_dir in GOLD_SETS:
        if not gold_dir.is_dir() or not docs_dir.is_dir():
            continue
        for gold_path in sorted(gold_dir.glob("*.json")):
            gold = load_gold(gold_path)
            if gold.language == "fr" and (docs_dir / gold.document).is_file():
                found.append((gold_path, docs_dir / gold.document))
    return found


def clause_texts(docs: list[tuple[Path, Path]], words: int) -> list[str]:
    """Clause texts of the documents, repeated until about ``words`` words."""
    texts: list[str] = []
    for _, path in docs:
        _, segments = segment(extract(path))
        texts.extend(s.text for s in segments)
    count = sum(len(t.split()) for t in texts)
    reps = max(1, -(-words // max(count, 1)))
    return texts * reps


def words_per_second(nlp: Language, texts: list[str]) -> tuple[float, int]:
    """Words (whitespace-separated) per second through ``nlp.pipe``, after a warm-up."""
    list(nlp.pipe(texts[:50]))
    n = sum(len(t.split()) for t in texts)
    start = time.perf_counter()
    hits = sum(len(doc.spans[HITS_KEY]) for doc in nlp.pipe(texts, batch_size=64))
    return n / (time.perf_counter() - start), hits


def tag_stage_words_per_second(docs: list[tuple[Path, Path]], words: int) -> float:
    """Words per second through the whole tag stage as the analyzer runs it: the pipeline, the
    rules' proposals and the clause model's decisions (``analyzer.tagging``), document by
    document until about ``words`` words, after a warm-up."""
    from analyzer.learned import model_for
    from analyzer.qualify import Vocabulary, document_aliases
    from analyzer.tagging import clause_contexts, tag_clause

    prepared = []
    for _, path in docs:
        _, segments = segment(extract(path))
        prepared.append(segments)
    model = model_for(default_patterns_dir())
    ruleset = load_rules(default_patterns_dir(), "fr")
    nlp = cached_pipeline(ruleset)

    def run(segments: list) -> int:  # type: ignore[type-arg]
        docs_ = list(nlp.pipe((s.text for s in segments), batch_size=64))
        vocab = Vocabulary.of(ruleset, document_aliases(docs_, ruleset))
        for ctx in clause_contexts(segments, docs_, vocab):
            tag_clause(ctx, vocab, model)
        return sum(len(s.text.split()) for s in segments)

    run(prepared[0][:50])
    n, start = 0, time.perf_counter()
    while n < words:
        for segments in prepared:
            n += run(segments)
    return n / (time.perf_counter() - start)


def accuracy(docs: list[tuple[Path, Path]], nlp: Language | None) -> dict[str, float]:
    """Macro F1, coverage and checklist accuracy on the French gold documents with ``nlp``."""
    original: Callable[[RuleSet], Language] = analyze_mod.cached_pipeline
    if nlp is not None:
        analyze_mod.cached_pipeline = lambda ruleset: nlp  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            totals = {"macro": 0.0, "coverage": 0.0, "checklist": 0.0}
            gold_tmp, docs_tmp = Path(tmp) / "gold", Path(tmp) / "docs"
            gold_tmp.mkdir()
            docs_tmp.mkdir()
            for gold_path, doc_path in docs:
                (gold_tmp / gold_path.name).write_bytes(gold_path.read_bytes())
                (docs_tmp / doc_path.name).symlink_to(doc_path)
            summary = evaluate(gold_tmp, docs_tmp,
                               lambda p: analyze_mod.analyze_file(p, lang="fr")).summary()
            totals["macro"] = summary["macro_f1_categories"]
            totals["coverage"] = summary["coverage_accuracy"]
            totals["checklist"] = summary["checklist_accuracy"]
            return totals
    finally:
        analyze_mod.cached_pipeline = original  # type: ignore[assignment]


def token_matching(nlp: Language, ruleset: RuleSet, texts: list[str]) -> dict[str, float]:
    """Seconds of the token patterns alone: one plain ``Matcher`` with every pattern (the
    baseline) against the pipeline's ``GatedMatcher``, with the phrase matcher for scale; the
    hits must be equal."""
    from spacy.matcher import Matcher

    docs = list(nlp.pipe(texts, disable=["span_ruler"]))
    ruler = nlp.get_pipe("span_ruler")
    plain = Matcher(nlp.vocab)
    for entry in ruleset.span_ruler_patterns():
        if isinstance(entry["pattern"], list):
            plain.add(repr((entry["label"], entry["id"])), [entry["pattern"]])
    seconds = {}
    for name, matcher in (("plain", plain), ("gated", ruler.matcher),  # type: ignore[attr-defined]
                          ("phrases", ruler.phrase_matcher)):  # type: ignore[attr-defined]
        start = time.perf_counter()
        for doc in docs:
            matcher(doc)
        seconds[name] = time.perf_counter() - start
    assert all(sorted(set(plain(d))) == sorted(set(ruler.matcher(d)))  # type: ignore[attr-defined]
               for d in docs), "the gated matcher must hit what the plain one hits"
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--no-f1", action="store_true", help="skip the accuracy comparison")
    args = parser.parse_args()
    ruleset = load_rules(default_patterns_dir(), "fr")
    docs = french_documents()
    if not docs:
        sys.exit("no French gold documents found")
    texts = clause_texts(docs, args.words)
    pipelines = {
        "ours": cached_pipeline(ruleset),
        "sm-lite": sm_pipeline(ruleset, lite=True),
        "sm-full": sm_pipeline(ruleset, lite=False),
    }
    print(f"{len(docs)} French documents, {len(texts)} clauses, "
          f"{sum(len(t.split()) for t in texts)} words; {len(ruleset.by_id)} rules")
    speed = {}
    for name, nlp in pipelines.items():
        wps, hits = words_per_second(nlp, texts)
        speed[name] = wps
        pipes = ", ".join(nlp.pipe_names)
        print(f"{name:8} {wps:>10,.0f} words/s   ({hits} rule hits; pipes: {pipes})")
    print(f"ratio ours/sm-lite {speed['ours'] / speed['sm-lite']:.1f}x   "
          f"ours/sm-full {speed['ours'] / speed['sm-full']:.1f}x")
    match = token_matching(pipelines["ours"], ruleset, texts)
    print(f"token patterns: plain Matcher {match['plain']:.2f} s, gated {match['gated']:.2f} s "
          f"({match['plain'] / match['gated']:.1f}x; same hits); phrases {match['phrases']:.2f} s")
    speed["token_match_ratio"] = match["plain"] / match["gated"]
    stage = tag_stage_words_per_second(docs, args.words)
    speed["tag-stage"] = stage
    print(f"tag stage (pipeline + rule proposals + clause model) {stage:,.0f} words/s: "
          f"{stage / speed['sm-full']:.1f}x the full fr_core_news_sm pipeline alone "
          f"(target of issue 9: >= 3x)")
    if not args.no_f1:
        results = {name: accuracy(docs, None if name == "ours" else nlp)
                   for name, nlp in pipelines.items()}
        for name, r in results.items():
            print(f"{name:8} macro F1 {r['macro']:.3f}  coverage {r['coverage']:.3f}  "
                  f"checklist {r['checklist']:.3f}")
        print(json.dumps({"words_per_second": speed, "accuracy": results}, indent=1))


if __name__ == "__main__":
    main()
