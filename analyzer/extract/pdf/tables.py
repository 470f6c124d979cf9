"""PDF table rows under their header: each cell of a row in the header column it sits under.

A PDF has no table structure, only cells with their horizontal extent. The first row of a run of
table rows is the header; the cells of the next rows are placed under the header cell they
overlap most (or the nearest by centre when they overlap none: header cells and RACI letters are
often centred), so that ``Block.cells[i]`` sits under ``Block.columns[i]`` as in the Markdown and
DOCX readers. A row with two cells under one header column has another layout: it starts a new
table, as does a row that repeats the header (a repeated header that was not taken out as page
furniture). Lines between two rows that sit inside one column (the rest of a wrapped cell that
the row reader left out, when the row's letters are centred far from the cell's edge) do not end
the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Cell = tuple[float, float, str]
"""One cell of a row: its left and right x (points) and its text."""


def _overlap(cell: Cell, column: Cell) -> float:
    return min(cell[1], column[1]) - max(cell[0], column[0])


def _centre(cell: Cell) -> float:
    return (cell[0] + cell[1]) / 2


def column_of(cell: Cell, header: list[Cell]) -> int:
    """The index of the header cell that ``cell`` sits under: the one it overlaps most
    horizontally, else the nearest by centre."""
    overlaps = [_overlap(cell, column) for column in header]
    best = max(range(len(header)), key=overlaps.__getitem__)
    if overlaps[best] > 0:
        return best
    return min(range(len(header)), key=lambda i: abs(_centre(header[i]) - _centre(cell)))


def aligned(cells: list[Cell], header: list[Cell]) -> tuple[str, ...] | None:
    """The texts of a row's cells in the header's order, "" under a column the row leaves
    empty; None when two cells fall under one header column (the row has another layout)."""
    slots = [""] * len(header)
    taken: set[int] = set()
    for cell in cells:
        i = column_of(cell, header)
        if i in taken:
            return None
        taken.add(i)
        slots[i] = cell[2]
    return tuple(slots)


def in_one_column(x0: float, x1: float, edges: list[float]) -> bool:
    """Does a line from ``x0`` to ``x1`` start at the left edge of a column (``edges``: the left
    edges of a row's cells) and end before the next column?"""
    return any(abs(x0 - edge) <= 4.0 and (i + 1 == len(edges) or x1 < edges[i + 1])
               for i, edge in enumerate(edges))


@dataclass
class TableHeader:
    """The header row of the open table (empty when no table is open)."""

    cells: list[Cell] = field(default_factory=list)

    def place(self, row: list[Cell]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The ``(columns, cells)`` of the next table row: the header's texts and the row's
        aligned cells, or ``((), ())`` when the row is a header (the first row of a table, a row
        of another layout, or a repeat of the header), which then becomes the open header."""
        if self.cells:
            columns = tuple(text for _, _, text in self.cells)
            cells = aligned(row, self.cells)
            if cells is not None and cells != columns:
                return columns, cells
        self.cells = list(row)
        return (), ()

    def close(self) -> None:
        """A block that is not a table row ends the table."""
        self.cells = []
