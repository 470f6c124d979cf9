"""Body lines → paragraphs, table rows and headings."""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from analyzer.extract.pdf.model import _TERMINAL, _Line
from analyzer.extract.pdf.tables import Cell, TableHeader, in_one_column
from analyzer.models import Block
from analyzer.numbering import PDF_UNIT_START

_ITEM_START = re.compile(r"^(?:•|[-–—])\s")


def _looks_like_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(text) > 100 or text.endswith((".", ";", ",")) or "," in text:
        return False
    capitals = len(letters) >= 4 and all(c.isupper() for c in letters)
    return bool(PDF_UNIT_START.match(text)) or capitals


def _next_word_fits(prev: _Line, line: _Line) -> bool:
    """Would the first word of ``line`` have fitted at the end of ``prev``? Then the break is a
    paragraph end (or a manual break), not a wrap. A hyphenated line end is always a wrap."""
    if prev.text.endswith("-") or not line.text.strip():
        return False
    char_width = (prev.x1 - prev.x0) / max(len(prev.text), 1)
    first = line.text.split()[0]
    # capitals and wide letters take more room than the line's average character: stay on the safe
    # side (a wrap taken for a paragraph end splits a clause)
    units = 1.5 + sum(1.45 if c.isupper() or c in "mwMW@%" else 1.0 for c in first)
    return prev.right - prev.x1 > 1.25 * units * char_width


def _opens_item(prev: _Line, line: _Line) -> bool:
    """A bullet ("•", from any glyph) always opens a list item; a dash does after a line that ends
    a sentence or a list item, or after another dash item."""
    if line.text.startswith("• "):
        return True
    return bool(_ITEM_START.match(line.text)) and (
        prev.text.endswith(_TERMINAL) or bool(_ITEM_START.match(prev.text)))


def _indented_start(current: list[_Line], line: _Line) -> bool:
    """A first-line indent: after two or more lines of a paragraph, a line that starts well to the
    right of the paragraph's last line, when that last line is not itself indented (a hanging
    indent, "• item" then its wrapped lines further right, is not a new paragraph)."""
    if len(current) < 2 or line.row:
        return False
    prev = current[-1]
    return line.x0 > prev.x0 + 8.0 and prev.x0 <= current[0].x0 + 2.0 and not (
        line.text[:1].islower())


@dataclass
class _TableRow:
    """A table row being read: its columns (left edges), the x-extent of each cell over its
    lines and the text lines of each cell."""

    lines: list[_Line] = field(default_factory=list)
    columns: list[float] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)  # right end of each cell's last line
    widest: list[float] = field(default_factory=list)  # right end of each cell's longest line
    parts: list[list[str]] = field(default_factory=list)

    def start(self, line: _Line) -> None:
        self.lines = [line]
        self.columns = [x0 for x0, _, _ in line.cells]
        self.ends = [x1 for _, x1, _ in line.cells]
        self.widest = list(self.ends)
        self.parts = [[text] for _, _, text in line.cells]

    def _limit(self, slot: int, line: _Line) -> float:
        if slot + 1 < len(self.columns):
            return self.columns[slot + 1] - 6.0
        return max(line.right, *self.ends)

    def add(self, line: _Line) -> bool:
        """Add a line of wrapped cell text: each fragment starts at a column of the row whose
        previous line was full (its first word would not have fitted there)."""
        cells = line.cells or [(line.x0, line.x1, line.text)]
        slots: list[int] = []
        for x0, x1, text in cells:
            near = [i for i, c in enumerate(self.columns) if abs(c - x0) <= 4.0]
            if not near:
                return False
            slot = near[0]
            char_width = (x1 - x0) / max(len(text), 1)
            word = text.split()[0] if text.split() else ""
            room = self._limit(slot, line) - self.ends[slot]
            if room > 1.25 * (len(word) + 1.5) * char_width:
                return False  # the word would have fitted: a new row, not a wrapped line
            slots.append(slot)
        for slot, (_, x1, text) in zip(slots, cells, strict=True):
            self.parts[slot].append(text)
            self.ends[slot] = x1
            self.widest[slot] = max(self.widest[slot], x1)
        self.lines.append(line)
        return True

    def cells(self) -> list[Cell]:
        """Each cell's x-extent over its lines and its text (its lines joined)."""
        return [(x0, x1, " ".join(part))
                for x0, x1, part in zip(self.columns, self.widest, self.parts, strict=True)]

    def text(self) -> str:
        return " | ".join(text for _, _, text in self.cells() if text)


def _paragraphs(bodies: list[list[_Line]]) -> list[Block]:
    """Group lines into paragraphs; a paragraph may run across a page (or column) break.

    Within a page a paragraph ends at a vertical gap larger than the usual line gap, or where the
    next line's first word would have fitted on the line (a short last line). Across a page or
    column break it continues when its last line is full (or the next line starts in lower case),
    unless the next line starts a numbered unit or looks like a heading.

    So the lines of one block are wrapped lines of one paragraph: ``segment`` does not split a PDF
    block again at lines that start with a number ("Section\n1.4 (Feedback)" is a wrapped line).
    """
    _widen_right_edges(bodies)
    # the usual gap between the lines of a paragraph: a low quantile, as paragraph gaps are larger
    all_gaps = sorted(g for lines in bodies for g in _line_gaps(lines))
    doc_usual = all_gaps[len(all_gaps) // 4] if all_gaps else 2.0
    built = _Paragraphs()
    for lines in bodies:
        gaps = _line_gaps(lines)
        usual = min(gaps[len(gaps) // 4], doc_usual) if len(gaps) >= 8 else doc_usual
        for i, line in enumerate(lines):
            built.add(line, i == 0, max(usual * 1.8, usual + 3))
    built.end_table()
    built.flush()
    return _mark_headings(built.blocks, built.styles, bodies)


def _line_gaps(lines: list[_Line]) -> list[float]:
    """The vertical gaps between consecutive text lines of one reading-order group."""
    return sorted(b.top - a.bottom for a, b in itertools.pairwise(lines)
                  if b.top > a.bottom and a.group == b.group and not (a.row or b.row))


def _widen_right_edges(bodies: list[list[_Line]]) -> None:
    """The right edge of full-width text, from the whole document: a page of short lines (a list,
    a glossary) must not make its longest line look full."""
    widths = sorted(ln.x1 for lines in bodies for ln in lines if not (ln.row or ln.in_columns))
    if len(widths) < 10:
        return
    doc_right = widths[int(len(widths) * 0.9)]
    for lines in bodies:
        for ln in lines:
            # a table that runs into the margin must not make the page's text look short;
            # a page much wider than the text (landscape) keeps its own right edge
            if not ln.in_columns:
                ln.right = doc_right if ln.right < 1.15 * doc_right else ln.right


@dataclass
class _Paragraphs:
    """The blocks built so far, the lines of the open paragraph and the open table row."""

    blocks: list[Block] = field(default_factory=list)
    current: list[_Line] = field(default_factory=list)
    table: _TableRow = field(default_factory=_TableRow)
    header: TableHeader = field(default_factory=TableHeader)
    row_end: _Line | None = None  # the last line under the open table
    edges: list[float] = field(default_factory=list)  # the left edges of its last row's cells
    close: float = 0.0  # the largest gap between two lines of one paragraph, on this page
    styles: dict[int, tuple[float, bool, int]] = field(default_factory=dict)
    """block index → (smallest font size, all bold, number of lines)"""

    def add(self, line: _Line, first: bool, close: float) -> None:
        """Add the next body line (``first`` on its page or column; ``close``: the largest gap
        between two lines of one paragraph)."""
        self.close = close
        table = self.table
        if table.lines:
            last = table.lines[-1]
            if (last.page == line.page and last.group == line.group
                    and line.top - last.bottom <= close and table.add(line)):
                return  # a wrapped line of the cells of the open table row
            self.end_table()
        if line.row:
            self.flush()
            table.start(line)
            return
        if self.current and self._breaks(self.current[-1], line, first, close):
            self.flush()
        self.current.append(line)

    def _breaks(self, prev: _Line, line: _Line, first: bool, close: float) -> bool:
        """Does ``line`` start a new paragraph after ``prev``?"""
        if first or prev.group != line.group or prev.page != line.page:
            return not self._continues(prev, line)
        return (line.top - prev.bottom > close or _next_word_fits(prev, line)
                or self._restyled(prev, line) or _opens_item(prev, line)
                or _indented_start(self.current, line))

    def _restyled(self, prev: _Line, line: _Line) -> bool:
        """A change of font size, or from bold lines to plain ones, ends a paragraph."""
        if prev.size > 0 and line.size > 0 and abs(prev.size - line.size) >= 1.0:
            return True
        return all(ln.bold for ln in self.current) and not line.bold

    def _continues(self, prev: _Line, line: _Line) -> bool:
        """Across a page or column break: does ``line`` continue the current paragraph?"""
        if (PDF_UNIT_START.match(line.text) or _looks_like_heading(line.text)
                or self._restyled(prev, line)):
            return False
        if line.text[:1].islower() and not prev.text.endswith(_TERMINAL):
            return True
        return not _next_word_fits(prev, line)  # a full last line: the paragraph goes on

    def end_table(self) -> None:
        """Close the open table row, if any, into a ``table_row`` block (with the header of
        its table as ``columns`` and its cells aligned under them)."""
        if self.table.lines:
            columns, cells = self.header.place(self.table.cells())
            self.blocks.append(Block(text=self.table.text(), page=self.table.lines[0].page,
                                     index=len(self.blocks), kind="table_row",
                                     columns=columns, cells=cells))
            self.row_end, self.edges = self.table.lines[-1], list(self.table.columns)
            self.table.lines.clear()

    def _keeps_table(self, lines: list[_Line]) -> bool:
        """Are ``lines`` the rest of a cell of the open table: right under its last row (or
        under such lines), each inside one of the row's columns? Then they become the line the
        next such lines must follow."""
        end = self.row_end
        if not self.header.cells or end is None or lines[0].top - end.bottom > self.close:
            return False
        if not all(ln.page == end.page and ln.group == end.group
                   and in_one_column(ln.x0, ln.x1, self.edges) for ln in lines):
            return False
        self.row_end = lines[-1]
        return True

    def flush(self) -> None:
        """Close the open paragraph, if any, into a block (which ends the open table, unless
        the paragraph is the rest of one of its cells)."""
        current = self.current
        if current:
            if not self._keeps_table(current):
                self.header.close()
            self.styles[len(self.blocks)] = (min(ln.size for ln in current),
                                             all(ln.bold for ln in current), len(current))
            self.blocks.append(Block(text="\n".join(ln.text for ln in current),
                                     page=current[0].page, index=len(self.blocks)))
            current.clear()


def _mark_headings(blocks: list[Block], styles: dict[int, tuple[float, bool, int]],
                   bodies: list[list[_Line]]) -> list[Block]:
    """Short paragraphs set larger than the body text, or in bold, are headings.

    Levels follow the font sizes (largest first); bold headings at the body size come below them.
    Nothing is marked when the sizes are unknown (OCR) or when most of the text is bold.
    """
    chars: Counter[float] = Counter()
    bold_chars = total = 0
    for lines in bodies:
        for ln in lines:
            if not ln.row and ln.size > 0:
                chars[round(ln.size * 2) / 2] += len(ln.text)
                total += len(ln.text)
                bold_chars += len(ln.text) if ln.bold else 0
    if not chars:
        return blocks
    body = chars.most_common(1)[0][0]
    candidates: dict[int, float] = {}
    for i, (size, bold, count) in styles.items():
        text = blocks[i].text
        if count > 3 or len(text) > 200 or text.rstrip().endswith((".", ";", ",", ":")):
            continue
        if size >= body + 0.8:
            candidates[i] = round(size)
        elif bold and size >= body - 0.3 and bold_chars < 0.3 * total:
            candidates[i] = 0.0
    sizes = sorted({s for s in candidates.values() if s > 0}, reverse=True)
    out = list(blocks)
    for i, size in candidates.items():
        level = sizes.index(size) + 1 if size > 0 else len(sizes) + 1
        out[i] = dataclasses.replace(blocks[i], kind="heading", level=level)
    return out
