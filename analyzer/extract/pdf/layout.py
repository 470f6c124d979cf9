"""Fragments → lines in reading order: two-column gutters, table rows."""

from __future__ import annotations

import math

from analyzer.extract.pdf.bullets import _bulleted
from analyzer.extract.pdf.frags import _rows_by_overlap
from analyzer.extract.pdf.model import _Frag, _Line, _Page
from analyzer.numbering import PDF_NUMBER_ONLY


def _find_gutter(frags: list[_Frag], width: float) -> float | None:
    """The x of a column gutter when the page body is laid out in two columns of running text."""
    if len(frags) < 10 or width <= 0:
        return None
    # how many fragments cross each candidate x (2-point steps over the middle 40 % of the page),
    # with a difference array: O(fragments + steps)
    low, step = width * 0.3, 2.0
    steps = int(width * 0.4 / step) + 1
    diff = [0] * (steps + 1)
    for f in frags:
        first = max(0, math.floor((f.x0 - low) / step) + 1)  # first candidate with x > f.x0
        last = min(steps - 1, math.ceil((f.x1 - low) / step) - 1)  # last candidate with x < f.x1
        if first <= last:
            diff[first] += 1
            diff[last + 1] -= 1
    crossing: list[int] = []
    running = 0
    for i in range(steps):
        running += diff[i]
        crossing.append(running)
    best_cross = min(crossing)
    best = [low + i * step for i, c in enumerate(crossing) if c == best_cross]
    if not best or best_cross > 0.15 * len(frags):
        return None
    # the longest run of equally good positions; its middle is the gutter
    runs: list[list[float]] = [[best[0]]]
    for x in best[1:]:
        if x - runs[-1][-1] <= 2.01:
            runs[-1].append(x)
        else:
            runs.append([x])
    run = max(runs, key=len)
    gutter = (run[0] + run[-1]) / 2
    left = [f for f in frags if f.x1 <= gutter]
    right = [f for f in frags if f.x0 >= gutter]
    if len(left) < 5 or len(right) < 5:
        return None
    for side, x0, x1 in ((left, min(f.x0 for f in left), gutter),
                         (right, gutter, max(f.x1 for f in right))):
        # running text fills its column, from the margin to the gutter or from the gutter on
        full = sum(1 for f in side if f.x1 - f.x0 >= 0.6 * (x1 - x0))
        if full < 0.5 * len(side):  # short cells, not running text: a table
            return None
    return gutter


def _lines_of(frags: list[_Frag], page: int, group: int) -> list[_Line]:
    """Group fragments of one reading-order group into lines; several distant fragments: a row."""
    frags = sorted(frags, key=lambda f: (f.top, f.x0))
    rows = _rows_by_overlap(frags, lambda f: f.top, lambda f: f.bottom)
    lines: list[_Line] = []
    for row in rows:
        row.sort(key=lambda f: f.x0)
        cells = [(f.x0, f.x1, f.text) for f in row]
        # "3.2<tab>Title", "a)<tab>text": a number alone in the first cell belongs to the text
        if len(cells) > 1 and PDF_NUMBER_ONLY.match(cells[0][2]):
            cells[:2] = [(cells[0][0], cells[1][1],
                          _bulleted(f"{cells[0][2]} {cells[1][2]}"))]
        lines.append(_Line(
            text=" | ".join(t for _, _, t in cells), top=min(f.top for f in row),
            bottom=max(f.bottom for f in row), x0=row[0].x0, x1=row[-1].x1, page=page,
            group=group, row=len(cells) > 1, cells=cells, size=row[0].size,
            bold=all(f.bold for f in row),
        ))
    if lines:
        right = sorted(ln.x1 for ln in lines)[int(len(lines) * 0.9) - (len(lines) >= 10)]
        for ln in lines:
            ln.right = right
    return lines


def _page_lines(page: _Page) -> list[_Line]:
    """Lines of a page in reading order (two columns read one after the other)."""
    gutter = _find_gutter(page.frags, page.width)
    if gutter is None:
        return _lines_of(page.frags, page.number, 0)
    lines: list[_Line] = []
    band_left: list[_Frag] = []
    band_right: list[_Frag] = []
    group = 0

    def flush_band() -> None:
        nonlocal group
        for side in (band_left, band_right):
            if side:
                lines.extend(_lines_of(side, page.number, group))
                group += 1
            side.clear()

    for f in sorted(page.frags, key=lambda f: (f.top, f.x0)):
        if f.x0 < gutter < f.x1:
            flush_band()
            lines.extend(_lines_of([f], page.number, group))
            group += 1
        elif f.x1 <= gutter:
            band_left.append(f)
        else:
            band_right.append(f)
    flush_band()
    for line in lines:
        line.in_columns = True
    return lines
