"""The one clause-number grammar: the unit words, numbers, letters and bullets a clause, a
heading or a list item starts with ("Article 7", "7.2", "a)", "(ii)", "•").

The pieces are defined once; each reader composes the patterns it needs from them. The readers
differ on purpose, and each difference is a named choice here, not a drifted copy:

- the text segmenter (``segment``) reads the most unit words ("titre", "schedule" too), needs a
  space after a number, and takes a bare "2" only as a short title;
- the PDF reader (``extract.pdf``) judges lines before segmentation: a number alone in a table
  cell (``PDF_NUMBER_ONLY``), a line that opens a unit across a page break (``PDF_UNIT_START``),
  a bullet drawn before an article heading (``PDF_ARTICLE_START``, digits only, no "clause");
- the qualifier (``qualify``) only asks whether a clause is a list item (``LIST_ITEM``).
"""

from __future__ import annotations

import re

UNIT_WORDS = ("article", r"art\.", "section", "clause", "chapitre", "chapter", "titre", "annexe",
              "annex", "schedule")
"""Words that introduce a numbered unit (regular expressions, case-insensitive)."""
_TITLE_WORDS = ("titre", "schedule")  # unit words the PDF reader does not use


def unit_words(*, titles: bool = True, clause: bool = True) -> str:
    """The unit words as an alternation; ``titles``: with "titre" and "schedule"; ``clause``:
    with "clause"."""
    return "|".join(w for w in UNIT_WORDS
                    if (titles or w not in _TITLE_WORDS) and (clause or w != "clause"))


BULLET = "[-•*–—▪●◦‣]"  # a list-item bullet (other glyphs are mapped to "•" by the readers)
NUMBER = r"\d{1,3}(?:\.\d{1,3})*"  # 7, 7.2, 10.1.3
DOTTED = r"\d{1,3}(?:\.\d{1,3})+"  # 7.2, 10.1.3 (at least one dot)
LETTER = "[a-z]"
ROMAN = "[ivx]{1,5}"
ARTICLE_ID = r"(?:\d+(?:\.\d+)*|[IVXLC]+|premier|1er|[A-Z])"  # "Article 7", "Article IV", …

# the text segmenter: what a unit starts with (each followed by a space)
ARTICLE = re.compile(rf"^(?P<num>(?:{unit_words()})\s+{ARTICLE_ID}\b\.?)", re.I)
DOTTED_NUMBER = re.compile(rf"^(?P<num>{DOTTED})\.?(?=\s)")
SIMPLE_NUMBER = re.compile(r"^(?P<num>\d{1,3}[.)]|\(\d{1,3}\))(?=\s)")
LETTER_ITEM = re.compile(rf"^(?P<num>{LETTER}[.)]|\({LETTER}\)|{ROMAN}[.)]|\({ROMAN}\))(?=\s)")
BULLET_ITEM = re.compile(rf"^(?P<num>{BULLET}|o(?=\s+[A-ZÀ-Ý]))(?=\s)")
BARE_NUMBER = re.compile(r"^(?P<num>\d{1,2})(?=\s+[A-ZÀ-Ý][a-zà-ÿ'’])")
NUMBERS = (ARTICLE, DOTTED_NUMBER, SIMPLE_NUMBER, LETTER_ITEM)

# the PDF reader, on lines before segmentation (case-insensitive)
PDF_NUMBER_ONLY = re.compile(
    rf"^(?:(?:{unit_words(titles=False)})\s+\S+|{NUMBER}[.)]?"
    rf"|\(?[a-zA-Z]\)|{LETTER}\.|\(?[ivxIVX]{{1,5}}[.)]|{BULLET})$", re.I)
PDF_UNIT_START = re.compile(
    rf"^(?:(?:{unit_words(titles=False)})\s+\S|{NUMBER}[.)]?\s"
    rf"|\(?{LETTER}\)\s|\(?{ROMAN}[.)]\s|{BULLET}\s)", re.I)
PDF_ARTICLE_START = re.compile(rf"(?:{unit_words(titles=False, clause=False)})\s+\d", re.I)

# the qualifier: a bullet or lettered item continues the sentence above it
LIST_ITEM = re.compile(rf"^\s*(?:{BULLET}|\(?{LETTER}\)|{LETTER}\.|\(?{ROMAN}\)|{ROMAN}\.)\s")


def clause_number(text: str) -> str | None:
    """The clause number a unit starts with ("Article 7", "7.2", "a)"), if any; a bare "2"
    ("2 Prestations attendues") only on a short line that reads as a title."""
    for regex in NUMBERS:
        match = regex.match(text)
        if match:
            return match.group("num").rstrip(".")
    bare = BARE_NUMBER.match(text)
    if bare and len(text) <= 80 and not text.endswith((".", ";", ",", ":")):
        return bare.group("num")
    return None


def starts_unit(line: str, previous: str = "") -> bool:
    """Does ``line`` open a new unit (numbered or bulleted)?

    "(21) jours" or "3) du contrat" after a line that stops mid-sentence is a wrapped line that
    happens to start with a number in brackets, not a list item.
    """
    stripped = line.lstrip()
    for regex in (*NUMBERS, BULLET_ITEM):
        match = regex.match(stripped)
        if not match:
            continue
        if regex in (SIMPLE_NUMBER, LETTER_ITEM) and previous:
            rest = stripped[match.end():].lstrip()
            if previous.rstrip()[-1:].isalnum() and rest[:1].islower():
                return False
        return True
    return False
