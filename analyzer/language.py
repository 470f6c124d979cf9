"""Per-document language detection from spaCy's French and English stop-word lists.

Measured on the development corpus (5 contracts) and the samples (4 contracts): every document is
detected right from its whole text. The signal is the frequency of stop words that belong to one
language only, plus French accented letters, which decide short texts with few stop words.
"""

from __future__ import annotations

import re

from analyzer.cache import cached_big_regexes

with cached_big_regexes():  # importing spacy.lang.fr compiles a 1.4 MB regex (1.7 s): cached
    from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP
    from spacy.lang.fr.stop_words import STOP_WORDS as FR_STOP

SUPPORTED_LANGUAGES = ("fr", "en")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_FR_ACCENTS = re.compile(r"[éèêàâçùûôîœ]")
# Words in both lists say nothing about the language.
_FR_ONLY = frozenset(FR_STOP) - frozenset(EN_STOP)
_EN_ONLY = frozenset(EN_STOP) - frozenset(FR_STOP)


def _sample(text: str, sample_chars: int) -> str:
    """Up to ``sample_chars`` characters from the start, middle and end of the text."""
    if len(text) <= sample_chars:
        return text
    third = sample_chars // 3
    middle = len(text) // 2
    return " ".join((text[:third], text[middle - third // 2: middle + third // 2], text[-third:]))


def language_scores(text: str, sample_chars: int = 30_000) -> dict[str, float]:
    """Evidence for each supported language (higher is more likely)."""
    sample = _sample(text, sample_chars).lower()
    words = _WORD.findall(sample)
    fr: float = sum(1 for w in words if w in _FR_ONLY)
    en = sum(1 for w in words if w in _EN_ONLY)
    # an accented letter is weak evidence (English contracts quote French names and addresses)
    fr += len(_FR_ACCENTS.findall(sample)) / 4
    return {"fr": float(fr), "en": float(en)}


def detect_language(text: str, sample_chars: int = 30_000) -> str:
    """Return "fr" or "en", whichever has more evidence.

    Ties (including texts without words) fall back to French, the product's first language.
    """
    scores = language_scores(text, sample_chars)
    return "en" if scores["en"] > scores["fr"] else "fr"
