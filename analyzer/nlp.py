"""The spaCy pipeline that tags clauses: tokenizer, lemma-and-accent norms, sentences, rule matcher.

Matching runs on ``Token.norm_``, which this module sets to the lower-cased, accent-folded
lookup lemma ("Hébergées" → "heberger"), so one phrase in a rule file matches every inflected,
capitalised or accent-stripped form (OCR output often drops accents). Everything needed ships
with the packages (spaCy, spacy-lookups-data): nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import sys
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span

from analyzer import normalize
from analyzer.cache import cached, cached_big_regexes, compile_cached
from analyzer.gated_matcher import GatedMatcher
from analyzer.models import MAX_TEXT_CHARS
from analyzer.normalize import fold
from analyzer.rules import RuleSet

HITS_KEY = "hits"
NORMS_KEY = "hds_analyzer.norms"
"""``Doc.user_data`` key of the list of token norms that ``contract_norm`` sets."""
GLUED_NUMBER_INFIX = r"(?<=[0-9])\.(?=[A-ZÀ-Ý][A-Za-zÀ-ÿ])"


def _lookup_file(lang: str) -> Path:
    """The packaged lemma lookup table of ``lang`` (the file ``load_lookups`` reads)."""
    import spacy_lookups_data

    data = Path(spacy_lookups_data.__file__).parent / "data"
    plain = data / f"{lang}_lemma_lookup.json"
    return plain if plain.exists() else plain.with_name(plain.name + ".gz")


def _build_lemma_tables(path: Path) -> tuple[str, str, str, str]:
    """Read the lookup table once and derive its folded index (folded form → lemma, first form
    wins) from it; each table as two newline-joined strings, keys and values (fast to load).

    A list of lemmas stands for its first one (the form itself when the list is empty), as
    ``contract_norm`` reads it."""
    from spacy.util import load_language_data

    raw = load_language_data(path.with_name(path.name.removesuffix(".gz")))
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: not a lookup table")
    table: dict[str, str] = {}
    index: dict[str, str] = {}
    for form, lemma in raw.items():
        if isinstance(lemma, list):
            lemma = lemma[0] if lemma else form
        if not isinstance(lemma, str):
            continue
        table[form] = lemma
        index.setdefault(fold(form), lemma)
    if any("\n" in s for d in (table, index) for pair in d.items() for s in pair):
        raise ValueError(f"{path}: a lemma table entry holds a newline")
    ordered, folded = sorted(table.items()), sorted(index.items())
    return ("\n".join(k for k, _ in ordered), "\n".join(v for _, v in ordered),
            "\n".join(k for k, _ in folded), "\n".join(v for _, v in folded))


class LookupTable(Mapping[str, str]):
    """A read-only word → lemma table over two parallel lists, keys sorted, read by binary
    search: loading one from the cache is two ``str.split`` (15 ms for the 217k French forms,
    where building a dict took 60 ms in every process); ``contract_norm`` looks each distinct
    word up once."""

    __slots__ = ("_keys", "_values")

    def __init__(self, keys: str, values: str) -> None:
        self._keys = keys.split("\n") if keys else []
        self._values = values.split("\n") if keys else []

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        i = bisect_left(self._keys, key)
        if i < len(self._keys) and self._keys[i] == key:
            return self._values[i]
        return default

    def __getitem__(self, key: str) -> str:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


@lru_cache(maxsize=2)
def lemma_tables(lang: str) -> tuple[LookupTable, LookupTable]:
    """The lemma lookup table of ``lang`` (lower-case form → lemma) and its folded index, from
    the per-user cache when valid (0.03 s instead of 2 s); empty when the language has none."""
    path = _lookup_file(lang)
    if not path.is_file():
        return LookupTable("", ""), LookupTable("", "")
    st = path.stat()
    parts = ("lemmas", lang, spacy.__version__, str(path), st.st_size, st.st_mtime_ns,
             *(hashlib.sha256(Path(module.__file__ or "").read_bytes()).hexdigest()
               for module in (sys.modules[__name__], normalize)))  # the code that builds them
    keys, values, fkeys, fvalues = cached("lemmas", parts, lambda: _build_lemma_tables(path),
                                          check=_four_pairs)
    return LookupTable(keys, values), LookupTable(fkeys, fvalues)


def _four_pairs(value: object) -> bool:
    """The shape of a lemma cache entry: keys and values of two tables, as many of each."""
    if not (isinstance(value, tuple) and len(value) == 4
            and all(isinstance(v, str) for v in value)):
        return False
    return all(a.count("\n") == b.count("\n") for a, b in (value[:2], value[2:]))


@Language.factory("contract_norm", default_config={"lang": "fr", "overrides": {}})
def make_contract_norm(
    nlp: Language, name: str, lang: str, overrides: dict[str, str]
) -> Callable[[Doc], Doc]:
    """Set ``token.norm_`` to the folded lookup lemma of the lower-cased token.

    ``overrides`` (the lexicon's ``norms``) replace the packaged lemma of some word forms.
    """
    table, folded_table = lemma_tables(lang)
    forced = {form.lower(): lemma for form, lemma in overrides.items()}
    cache: dict[str, str] = {}

    def lookup(lower: str) -> str:
        lemma = forced.get(lower) or table.get(lower)
        if lemma is None and lower.isalpha():
            # OCR and plain-ASCII texts drop accents ("sauvegardees"): look the word up by its
            # folded form too
            lemma = folded_table.get(fold(lower))
        return lower if lemma is None else lemma

    def contract_norm(doc: Doc) -> Doc:
        norms = []
        for token in doc:
            lower = token.lower_
            norm = cache.get(lower)
            if norm is None:
                norm = fold(lookup(lower))
                if len(cache) < 200_000:
                    cache[lower] = norm
            token.norm_ = norm
            norms.append(norm)
        doc.user_data[NORMS_KEY] = norms  # read by the qualifiers (qualify.phrases.doc_norms)
        return doc

    return contract_norm


def build_pipeline(ruleset: RuleSet) -> Language:
    """Build the tagging pipeline of one language and load every rule in one validated call."""
    with cached_big_regexes():  # spacy.lang.fr compiles a 1.4 MB regex at import
        nlp = spacy.blank(ruleset.lang)
    nlp.max_length = MAX_TEXT_CHARS
    # "12.4.SECURITE": a clause number glued to its title (PDFium drops the space under it, and
    # texts exported from PDFs keep it glued) is split like "12.4. SECURITE", so the title's words
    # are words
    infixes = [*(nlp.Defaults.infixes or ()), GLUED_NUMBER_INFIX]
    tokenizer: Tokenizer = nlp.tokenizer
    # what spacy.util.compile_infix_regex builds, its compiled program from the cache
    tokenizer.infix_finditer = compile_cached(
        "|".join(p for p in infixes if isinstance(p, str) and p.strip())).finditer
    nlp.add_pipe("contract_norm",
                 config={"lang": ruleset.lang, "overrides": dict(ruleset.lexicon.norms)})
    ruler = nlp.add_pipe(
        "span_ruler",
        config={"spans_key": HITS_KEY, "phrase_matcher_attr": "NORM", "validate": True},
    )
    # token patterns run only on the clauses that hold their necessary words (same hits)
    ruler.matcher = GatedMatcher(nlp.vocab, validate=True)  # type: ignore[attr-defined]
    # the phrases go through the components before the ruler: the norms, not the sentences
    ruler.add_patterns(ruleset.span_ruler_patterns())  # type: ignore[attr-defined]
    nlp.add_pipe("sentencizer")  # the qualifiers read sentences; no rule pattern does
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


def hits_across(first: Doc, second: Doc, ruleset: RuleSet, label: str) -> list[Span]:
    """The hits of the rules of ``label`` that run from ``first`` into ``second``, read one after
    the other (a list item after its lead-in: "… soient stockées et hébergées :" then "En
    France ;"), as spans of ``second`` over their part in it, with the rule's id. The docs are
    joined as they are (no new tokenisation); only the rules run again."""
    joined = Doc.from_docs(  # type: ignore[call-arg]  # spaCy >= 3.3 takes exclude; its stub does not
        [first, second], exclude=["spans", "tensor", "user_data"])
    joined = cached_pipeline(ruleset).get_pipe("span_ruler")(joined)
    n = len(first)
    return [Span(second, 0, s.end - n, label=label, span_id=s.id_)
            for s in joined.spans[HITS_KEY] if s.label_ == label and s.start < n < s.end]
