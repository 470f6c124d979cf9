"""Page furniture taken out of the body: running headers and footers, page numbers,
repeated table headers, table-of-contents lines."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from analyzer.extract.pdf.model import _TERMINAL, _Line
from analyzer.models import RemovedKind, RemovedLine

_PAGE_NUMBER = re.compile(
    r"^\s*(?:(?:page|p\.|pg\.?)\s*)?[-–—]?\s*\d{1,4}\s*(?:(?:/|sur|of|de)\s*\d{1,4})?\s*[-–—]?\s*$",
    re.I,
)


_DIGITS = re.compile(r"\d+")


_EDGE_LINES = 2  # lines at the top and bottom of each page that are running text wherever they are


_BLOCK_LINES = 6  # deeper lines are running text when repeated at the same height on the pages


def _masked(text: str) -> str:
    return _DIGITS.sub("#", text)


def _running_lines(pages: list[list[_Line]]) -> dict[str, float | None]:
    """Running headers and footers: lines (digits masked) repeated near the top or bottom of at
    least half the pages (and of two pages at least).

    The first and last ``_EDGE_LINES`` lines of a page count wherever they are; deeper lines, down
    to ``_BLOCK_LINES`` (a header or footer that is a table or a block of several lines), count
    only when they come back at the same height on the page. Returns each running key with that
    height (None: at the page edge only).
    """
    if len(pages) < 2:
        return {}
    threshold = max(2, (len(pages) + 1) // 2)
    edge: Counter[str] = Counter()
    heights: dict[str, list[tuple[int, float]]] = {}
    for number, lines in enumerate(pages):
        edge.update({_masked(ln.text) for ln in lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]})
        zone = lines[:_BLOCK_LINES] + lines[max(_BLOCK_LINES, len(lines) - _BLOCK_LINES):]
        for ln in zone:
            heights.setdefault(_masked(ln.text), []).append((number, ln.top))
    running: dict[str, float | None] = {}
    for key, seen in heights.items():
        # the most common height (3-point bins), and the pages that have the line there
        bins = Counter(round(top / 3) for _, top in seen)
        best = bins.most_common(1)[0][0] * 3
        pages_there = {page for page, top in seen if abs(top - best) <= 4.5}
        if len(pages_there) >= threshold:
            running[key] = best
        elif edge[key] >= threshold:
            running[key] = None
    return running


def _is_page_number(text: str) -> bool:
    cells = text.split(" | ")
    return bool(_PAGE_NUMBER.match(text)) or (
        all(_PAGE_NUMBER.match(cell) or not cell.strip() for cell in cells)
        and any(c.isdigit() for c in text))


_TOC_LEADER = re.compile(
    r"(?:(?:\.\s?){4,}|(?:…\s?){2,}|(?:_\s?){4,}|(?:·\s?){4,})\s*(?:\|\s*)?"
    r"(?:\d{1,4}|[ivxlc]{1,6})\s*$", re.I)


_TOC_TITLE = re.compile(
    r"^\s*(?:table\s+des\s+mati[eè]res|sommaire|table\s+of\s+contents|contents)\s*:?\s*$", re.I)


def _toc_lines(pages: list[list[_Line]]) -> set[int]:
    """Table-of-contents lines (``id`` of the line objects): entries with dot leaders and a page
    number ("11. GARANTIES ........ 12"), an entry's first line when its title wraps onto a line
    with the leader, and the "Table des matières" / "Sommaire" title above the entries."""
    lines = [ln for page in pages for ln in page]
    leader = [bool(_TOC_LEADER.search(ln.text)) for ln in lines]
    toc = {id(ln) for ln, is_toc in zip(lines, leader, strict=True) if is_toc}
    for i, ln in enumerate(lines):
        if leader[i]:
            continue
        after = leader[i + 1] if i + 1 < len(lines) else False
        before = i > 0 and (leader[i - 1] or bool(_TOC_TITLE.match(lines[i - 1].text)))
        if after and (_TOC_TITLE.match(ln.text) or (before and len(ln.text) < 150
                                                      and not ln.text.endswith(_TERMINAL))):
            toc.add(id(ln))
    return toc


def _split_page_number(first: _Line, second: _Line) -> bool:
    """A page number set on two lines ("Page 10" / "sur 25", "10" / "/ 25")."""
    if abs(first.page - second.page) or len(first.text) + len(second.text) > 30:
        return False
    joined = f"{first.text} {second.text}".replace(" | ", " ")
    return bool(_PAGE_NUMBER.match(joined)) and any(c.isdigit() for c in joined)


def _repeated_top(lines: list[_Line], previous: list[_Line],
                  drop: Mapping[int, str]) -> list[_Line]:
    """The lines at the top of a page (after its running header) that repeat, in the same order
    and at the same left edge, a run of lines of the previous page: the header of a table (or of
    a form) that Word repeats on every page the table runs across, when it has a bold line or a
    row of cells. The first occurrence stays."""
    top = [ln for ln in lines[:_BLOCK_LINES + len(drop)] if id(ln) not in drop]
    best: list[_Line] = []
    for start in range(len(previous)):
        k = 0
        while (k < len(top) and start + k < len(previous)
               and previous[start + k].text == top[k].text
               and abs(previous[start + k].x0 - top[k].x0) <= 2.0):
            k += 1
        if k > len(best):
            best = top[:k]
    # a table header is set apart: in bold, or as a row of cells (repeated body text is not)
    if any(ln.bold or (ln.row and len(ln.cells) >= 2) for ln in best):
        return best
    return []


def _body_lines(pages: list[list[_Line]]) -> tuple[list[list[_Line]], list[RemovedLine]]:
    """The body lines of every page, and the running headers and footers, page numbers and
    table-of-contents lines taken out of them (with their page and kind)."""
    running = _running_lines(pages)
    toc = _toc_lines(pages)
    removed: list[RemovedLine] = []
    bodies: list[list[_Line]] = []
    tops = [ln.top for lines in pages for ln in lines]
    middle = (min(tops) + max(tops)) / 2 if tops else 0.0
    for number, lines in enumerate(pages):
        drop: dict[int, RemovedKind] = {}
        _drop_at_edge(lines[:_BLOCK_LINES], True, running, middle, drop)
        _drop_at_edge(lines[::-1][:_BLOCK_LINES], False, running, middle, drop)
        if number:
            for line in _repeated_top(lines, pages[number - 1], drop):
                drop[id(line)] = "table_header"
        body: list[_Line] = []
        for line in lines:
            why: RemovedKind | None = drop.get(id(line)) or ("toc" if id(line) in toc else None)
            if why:
                removed.append(RemovedLine(line.text, line.page, why, round(line.top, 1)))
            else:
                body.append(line)
        bodies.append(body)
    return bodies, removed


def _is_running(line: _Line, depth: int, running: dict[str, float | None]) -> bool:
    """Is ``line``, ``depth`` lines from the page edge, a running header or footer?"""
    key = _masked(line.text)
    if key not in running:
        return False
    height = running[key]
    if height is None:
        return depth < _EDGE_LINES
    return abs(line.top - height) <= 4.5 or depth < _EDGE_LINES


def _drop_at_edge(zone: list[_Line], top: bool, running: dict[str, float | None],
                  middle: float, drop: dict[int, RemovedKind]) -> None:
    """Mark in ``drop`` the running lines and page numbers of one edge zone of a page (its first
    lines when ``top``, else its last lines, listed from the edge inwards)."""
    at_edge = True  # page numbers are taken only at the edge (or next to removed lines)
    skip = False
    for depth, line in enumerate(zone):
        if skip:
            skip = False
            continue
        if id(line) in drop:
            continue
        if _is_running(line, depth, running):
            # a short page has its footer in its top zone too: the height decides
            drop[id(line)] = "footer" if line.top > middle else "header"
            continue
        if at_edge and _is_page_number(line.text):
            drop[id(line)] = "page_number"
            continue
        following = zone[depth + 1] if depth + 1 < len(zone) else None
        if at_edge and following is not None and (
                _split_page_number(line, following) if top
                else _split_page_number(following, line)):
            drop[id(line)] = drop[id(following)] = "page_number"
            skip = True
            continue
        at_edge = False
