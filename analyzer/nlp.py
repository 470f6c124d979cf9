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
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.tokens import Doc

from analyzer.models import MAX_TEXT_CHARS
from analyzer.rules import RuleSet

HITS_KEY = "hits"
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'", "‘": "'"})


def fold(text: str) -> str:
    """Lower-case, strip accents, expand ligatures and unify apostrophes."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES).lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=2)
def _folded_lemma_index(lang: str) -> dict[str, str]:
    """Folded surface form → lemma, from the packaged lookup table (first form wins)."""
    import spacy_lookups_data
    import srsly

    path = Path(spacy_lookups_data.__file__).parent / "data" / f"{lang}_lemma_lookup.json.gz"
    index: dict[str, str] = {}
    if path.is_file():
        for form, lemma in srsly.read_gzip_json(path).items():
            if isinstance(lemma, list):
                lemma = lemma[0] if lemma else form
            index.setdefault(fold(form), lemma)
    return index


@Language.factory("contract_norm", default_config={"lang": "fr", "overrides": {}})
def make_contract_norm(
    nlp: Language, name: str, lang: str, overrides: dict[str, str]
) -> Callable[[Doc], Doc]:
    """Set ``token.norm_`` to the folded lookup lemma of the lower-cased token.

    ``overrides`` (the lexicon's ``norms``) replace the packaged lemma of some word forms.
    """
    table = load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")
    forced = {form.lower(): lemma for form, lemma in overrides.items()}
    cache: dict[str, str] = {}
    folded_table: dict[str, str] = {}

    def lookup(lower: str) -> str:
        lemma = forced.get(lower) or table.get(lower)
        if lemma is None and lower.isalpha():
            # OCR and plain-ASCII texts drop accents ("sauvegardees"): look the word up by its
            # folded form too (index built on the first miss).
            if not folded_table:
                folded_table.update(_folded_lemma_index(lang))
            lemma = folded_table.get(fold(lower))
        return lower if lemma is None else lemma

    def contract_norm(doc: Doc) -> Doc:
        for token in doc:
            lower = token.lower_
            norm = cache.get(lower)
            if norm is None:
                lemma = lookup(lower)
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
    nlp.max_length = MAX_TEXT_CHARS
    nlp.add_pipe("contract_norm",
                 config={"lang": ruleset.lang, "overrides": dict(ruleset.lexicon.norms)})
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


Phrase = tuple[str, ...]


@lru_cache(maxsize=64)
def _list_norms(ruleset: RuleSet, list_id: str) -> frozenset[Phrase]:
    nlp = cached_pipeline(ruleset)
    norm = nlp.get_pipe("contract_norm")
    return frozenset(tuple(t.norm_ for t in norm(nlp.make_doc(w)) if not t.is_space)
                     for w in ruleset.words(list_id)) - {()}


def lexicon_norms(ruleset: RuleSet, list_id: str) -> frozenset[Phrase]:
    """The words of a lexicon list as tuples of token norms, ready to compare with a doc."""
    return _list_norms(ruleset, list_id)


def single_norms(ruleset: RuleSet, list_id: str) -> frozenset[str]:
    """The one-token words of a lexicon list, as norms."""
    return frozenset(p[0] for p in _list_norms(ruleset, list_id) if len(p) == 1)
