"""The intermediate form of a PDF page: text fragments with a box, lines, pages."""

from __future__ import annotations

from dataclasses import dataclass, field

_TERMINAL = (".", ";", ":", "!", "?", "»", '"')


@dataclass
class _Frag:
    """A run of text on one line, with its box (points, origin at the top left of the page)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float = 0.0  # font size of the first character (0: unknown, e.g. OCR)
    bold: bool = False  # first and last characters in a bold font


def _is_bold(name: str, weight: float = -1) -> bool:
    return weight >= 600 or any(k in name.lower() for k in ("bold", "black", "heavy", "semibold"))


@dataclass
class _Line:
    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    page: int
    group: int = 0  # reading-order group on the page (column band); a change is like a page break
    right: float = 0.0  # right edge of the group's text, to tell full lines from short last lines
    row: bool = False  # several distant fragments: a table row
    cells: list[tuple[float, float, str]] = field(default_factory=list)  # (x0, x1, text)
    size: float = 0.0
    bold: bool = False
    in_columns: bool = False  # read as one of two columns


@dataclass
class _Page:
    number: int
    width: float
    frags: list[_Frag] = field(default_factory=list)
    ocr: bool = False
