"""Per-document language detection from spaCy's French and English stop-word lists."""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP
from spacy.lang.fr.stop_words import STOP_WORDS as FR_STOP

SUPPORTED_LANGUAGES = ("fr", "en")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# Words in both lists say nothing about the language.
_FR_ONLY = frozenset(FR_STOP) - frozenset(EN_STOP)
_EN_ONLY = frozenset(EN_STOP) - frozenset(FR_STOP)


def detect_language(text: str, sample_chars: int = 20_000) -> str:
    """Return "fr" or "en": whichever language's own stop words are more frequent.

    Ties (including texts without words) fall back to French, the product's first language.
    """
    words = _WORD.findall(text[:sample_chars].lower())
    fr = sum(1 for w in words if w in _FR_ONLY)
    en = sum(1 for w in words if w in _EN_ONLY)
    return "en" if en > fr else "fr"
