"""The text normalisations, in one place, each for one job (no spaCy, no parser: every process
may import this module).

- ``document_text``: the normal form of a contract's text, done once by the segmenter. Every
  offset of the report indexes text in this form.
- ``fold``: the matching key of a word or phrase (lower case, no accents, ligatures and
  apostrophes unified), on which the rule matcher's norms and the fact and certificate regexes
  work, so that OCR output without accents still matches.
- ``match_text``: the comparison form of a clause for evaluation against gold (and pairing for
  training): whitespace collapsed, case folded, Markdown markup and escapes aside.

The three differ on purpose (what each keeps is part of its result: report offsets, rule hits,
gold pairing); their tables are defined once below.
"""

from __future__ import annotations

import re
import unicodedata

# Typographic characters of document text: spaces, invisible characters, quotes, hyphens.
_CHAR_MAP = str.maketrans({
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\t": " ",
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None,
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2010": "-", "\u2011": "-",
})
# Presentation-form ligatures of PDF text layers ("ﬁ" in "conﬁdentialité").
_TYPOGRAPHIC_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                          "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
# Letter ligatures and apostrophes of the matching key ("œuvre" → "oeuvre").
_FOLD_MAP = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'", "‘": "'"})
# Quotes of the comparison form (French guillemets and backquotes too).
_MATCH_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "«": '"',
                               "»": '"'})

PUA = re.compile(r"[\ue000-\uf8ff]")
"""Private-use characters: the glyphs of Symbol/Wingdings fonts (U+F0B7 and friends)."""
_PUA_BULLET = re.compile(r"(^|(?<=\s))[\uf000-\uf0ff](?=\s)", re.M)
_MARKUP = re.compile(r"[*|#]+|__+")
_ESCAPE = re.compile(r"\\(?=[^\w\s])")


def document_text(text: str) -> str:
    """NFC, ligatures, non-breaking and soft hyphens, curly quotes, zero-width characters, and
    the private-use glyphs of Symbol/Wingdings bullets (U+F0B7, U+F0A7, …) read as "•"."""
    text = PUA.sub("", _PUA_BULLET.sub("•", unicodedata.normalize("NFC", text)))
    for lig, repl in _TYPOGRAPHIC_LIGATURES.items():
        text = text.replace(lig, repl)
    return text.translate(_CHAR_MAP)


def fold(text: str) -> str:
    """Lower-case, strip accents, expand ligatures and unify apostrophes."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_MAP).lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def match_text(text: str) -> str:
    """NFC, case-fold, collapse whitespace, unify quotes and apostrophes; Markdown markup
    (``**``, ``|``, ``#``, backslash escapes) aside; bullets of private-use glyphs
    (Symbol/Wingdings fonts) read as "•"."""
    text = _MARKUP.sub(" ", _ESCAPE.sub("", PUA.sub("•", unicodedata.normalize("NFC", text))))
    return " ".join(text.translate(_MATCH_QUOTES).casefold().split())
