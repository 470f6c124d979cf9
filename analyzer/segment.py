"""Segment extracted blocks into clauses: numbers, headings, heading paths, normalised text.

The normalised document text is the clauses joined by blank lines; every Segment's ``start`` and
``end`` index into it. Lines of one clause are joined with spaces, and a word hyphenated at a line
end is joined back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.models import Block, ExtractedDocument, Segment
from analyzer.normalize import document_text as normalize_text
from analyzer.numbering import (
    ARTICLE,
    BARE_NUMBER,
    BULLET_ITEM,
    DOTTED_NUMBER,
    SIMPLE_NUMBER,
    clause_number,
    starts_unit,
)

_HEADING_MAX = 120


_WORD_LETTER = re.compile(r"[^\W\d_]")


def join_lines(lines: list[str]) -> str:
    """Join the lines of one clause; "héber-" + "gement" becomes "hébergement".

    Linear in the clause's length: the pieces are joined once at the end, and only the end of
    the last piece is looked at (a piece is one line, so a letter before its final hyphen is
    within it: a lone "-" is never glued to what precedes it)."""
    parts: list[str] = []
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            continue
        last = parts[-1] if parts else ""
        hyphenated = len(last) >= 2 and last[-1] == "-" and _WORD_LETTER.match(last[-2])
        if hyphenated and line[:1].islower():
            parts[-1] = last[:-1]
        elif parts:
            parts.append(" ")
        parts.append(line)
    return "".join(parts)


def _is_heading(text: str, number: str | None) -> int | None:
    """Heading level guessed from the text alone, or None for a clause."""
    if len(text) > _HEADING_MAX or text.endswith((".", ";", ",")) or text.count(" ") > 15:
        return None
    if BULLET_ITEM.match(text):  # "• EDGE 75+": an item of a list, whatever its case
        return None
    if number and ARTICLE.match(text):
        return 1
    if number and DOTTED_NUMBER.match(text):
        rest = text[len(number):].strip(" .–-")
        if rest and rest[:1].isupper() and not rest.endswith(":"):
            return number.count(".") + 1
        return None
    if number and (SIMPLE_NUMBER.match(text) or BARE_NUMBER.match(text)):
        rest = text[len(number):].strip(" .)")
        if rest and rest[:1].isupper() and len(rest) < 80 and not rest.endswith(":"):
            return 1
        return None
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 4 and all(c.isupper() for c in letters) and not number:
        return 1
    return None




@dataclass
class _Unit:
    text: str
    page: int | None
    kind: str
    level: int | None
    number: str | None = None
    paragraph: int | None = None
    columns: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()


def _units(block: Block, wrapped: bool = False) -> list[_Unit]:
    """Split a block into units at lines that start a numbered or bulleted item.

    ``wrapped``: the block's line breaks come from page layout (PDF), where the extractor already
    ended the block at every line break that was not a wrap; it is then one unit.
    """
    lines = normalize_text(block.text).splitlines()
    if wrapped or block.kind in ("heading", "table_row", "footnote"):
        return [_Unit(join_lines(lines), block.page, block.kind, block.level, block.number,
                      block.paragraph, block.columns, block.cells)]
    units: list[_Unit] = []
    current: list[str] = []
    for line in lines:
        if current and starts_unit(line, current[-1]):
            units.append(_Unit(join_lines(current), block.page, block.kind, None))
            current = []
        current.append(line)
    if current:
        units.append(_Unit(join_lines(current), block.page, block.kind, None))
    if units:  # the source's own number belongs to the block's first unit
        units[0].number = block.number
    for unit in units:
        unit.paragraph = block.paragraph
    return units


def segment(document: ExtractedDocument) -> tuple[str, list[Segment]]:
    """Return the normalised document text and its segments (headings and clauses) in order."""
    parts: list[str] = []
    segments: list[Segment] = []
    stack: list[tuple[int, str, bool]] = []  # level, heading, numbered
    offset = 0
    for block in document.blocks:
        for unit in _units(block, wrapped=document.format == "pdf"):
            text = unit.text.strip()
            if not text:
                continue
            number = unit.number
            if number is None and unit.kind not in ("table_row", "footnote"):
                number = clause_number(text)
            level = unit.level if unit.kind == "heading" else None
            if level is None and unit.kind not in ("table_row", "footnote"):
                level = _is_heading(text, number)
                if level is not None and number is None:
                    # a title in capitals without a number ("FICHE DESCRIPTIVE DE LA
                    # PRESTATION", a table's header line) sits under the numbered section it
                    # appears in instead of closing it
                    level = 1 + max((lv for lv, _, numbered in stack if numbered), default=0)
            if level is not None:
                while stack and stack[-1][0] >= level:
                    stack.pop()
            path = tuple(h for _, h, _ in stack) if unit.kind != "footnote" else ()
            if parts:
                offset += 2
            segments.append(Segment(
                id=f"c{len(segments) + 1:04d}", number=number, heading_path=path, page=unit.page,
                start=offset, end=offset + len(text),
                kind="heading" if level is not None else "clause", text=text,
                paragraph=unit.paragraph, columns=unit.columns, cells=unit.cells,
            ))
            parts.append(text)
            offset += len(text)
            if level is not None:
                stack.append((level, text, number is not None))
    return "\n\n".join(parts), segments
