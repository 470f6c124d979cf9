"""The spaCy pipeline that tags clauses: tokenizer, lemma-and-accent norms, sentences, rule matcher.

Matching runs on ``Token.norm_``, which this module sets to the lower-cased, accent-folded
lookup lemma ("Hébergées" → "heberger"), so one phrase in a rule file matches every inflected,
capitalised or accent-stripped form (OCR output often drops accents). Everything needed ships
with the packages (spaCy, spacy-lookups-data): nothing is downloaded.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.tokens import Doc

from analyzer.rules import RuleSet

HITS_KEY = "hits"
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'", "‘": "'"})


def fold(text: str) -> str:
    """Lower-case, strip accents, expand ligatures and unify apostrophes."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES).lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@Language.factory("contract_norm", default_config={"lang": "fr"})
def make_contract_norm(nlp: Language, name: str, lang: str) -> Callable[[Doc], Doc]:
    """Set ``token.norm_`` to the folded lookup lemma of the lower-cased token."""
    table = load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")
    cache: dict[str, str] = {}

    def contract_norm(doc: Doc) -> Doc:
        for token in doc:
            lower = token.lower_
            norm = cache.get(lower)
            if norm is None:
                lemma = table.get(lower, lower)
                if isinstance(lemma, list):  # some tables list several lemmas: take the first
                    lemma = lemma[0] if lemma else lower
                norm = fold(lemma)
                if len(cache) < 200_000:
                    cache[lower] = norm
            token.norm_ = norm
        return doc

    return contract_norm


def build_pipeline(ruleset: RuleSet) -> Language:
    """Build the tagging pipeline of one language and load every rule in one validated call."""
    nlp = spacy.blank(ruleset.lang)
    nlp.max_length = 2_000_000
    nlp.add_pipe("contract_norm", config={"lang": ruleset.lang})
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe(
        "span_ruler",
        config={"spans_key": HITS_KEY, "phrase_matcher_attr": "NORM", "validate": True},
    )
    ruler.add_patterns(ruleset.span_ruler_patterns())  # type: ignore[attr-defined]
    return nlp


@lru_cache(maxsize=4)
def cached_pipeline(ruleset: RuleSet) -> Language:
    """One pipeline per rule set per process (building one takes about a second)."""
    return build_pipeline(ruleset)
