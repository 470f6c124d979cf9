"""The gated token matcher finds exactly what one spaCy Matcher with every pattern finds."""

from __future__ import annotations

import pytest
from spacy.attrs import LOWER, NORM, ORTH
from spacy.matcher import Matcher
from spacy.strings import get_string_id

from analyzer.analyze import get_ruleset
from analyzer.extract import extract
from analyzer.gated_matcher import GatedMatcher, gate_of
from analyzer.nlp import cached_pipeline
from analyzer.resources import default_patterns_dir
from analyzer.segment import segment
from tests.paths import REPO

ROOT = REPO
CORPUS = ROOT.parent / "shared" / "corpus"


def test_only_non_optional_tokens_with_fixed_words_gate_a_pattern() -> None:
    pattern = [{"NORM": {"IN": ["heberger", "stocker"]}}, {"OP": "{0,3}"},
               {"OP": "?", "NORM": "le"}, {"lower": "en"}, {"NORM": {"NOT_IN": ["x"]}},
               {"IS_TITLE": True, "OP": "{2}", "ORTH": "Paris"}, {"OP": "*", "NORM": "y"}]
    assert gate_of(pattern) == (
        (NORM, frozenset({get_string_id("heberger"), get_string_id("stocker")})),
        (LOWER, frozenset({get_string_id("en")})),
        (ORTH, frozenset({get_string_id("Paris")})),
    )
    assert gate_of([{"NORM": {"NOT_IN": ["dument"]}}, {"OP": "+", "LOWER": "habilité"}]) == (
        (LOWER, frozenset({get_string_id("habilité")})),)
    assert gate_of([{"OP": "{0,2}", "NORM": "a"}, {"TEXT": {"REGEX": "^P[1-5]$"}}]) == ()


def _clauses() -> list[tuple[str, str]]:
    texts = []
    sources = sorted((ROOT / "samples" / "contracts").iterdir())
    if CORPUS.is_dir():
        sources += sorted(p for p in (CORPUS / "originals").glob("*.pdf"))[:3]
    for path in sources:
        if path.suffix.lower() not in (".txt", ".md", ".docx", ".pdf"):
            continue
        _text, segments = segment(extract(path))
        lang = "en" if path.name.startswith(("en-", "bonterms")) else "fr"
        texts += [(lang, s.text) for s in segments]
    return texts


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_shipped_token_patterns_hit_the_same_spans_gated_or_not(lang: str) -> None:
    ruleset = get_ruleset(default_patterns_dir(), lang)
    nlp = cached_pipeline(ruleset)
    ruler = nlp.get_pipe("span_ruler")
    assert isinstance(ruler.matcher, GatedMatcher)  # type: ignore[attr-defined]
    plain = Matcher(nlp.vocab)
    for entry in ruleset.span_ruler_patterns():
        if isinstance(entry["pattern"], list):
            plain.add(repr((entry["label"], entry["id"])), [entry["pattern"]])
    assert len(plain) and len(ruler.matcher) >= len(plain)  # type: ignore[attr-defined]
    texts = [t for code, t in _clauses() if code == lang]
    hits = 0
    for doc in nlp.pipe(texts, disable=["span_ruler"]):
        expected = sorted(set(plain(doc)))
        hits += len(expected)
        assert sorted(set(ruler.matcher(doc))) == expected, doc.text  # type: ignore[attr-defined]
    assert hits > 10  # the comparison saw real hits
