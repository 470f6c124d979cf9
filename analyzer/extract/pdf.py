"""PDF text layer with pdfplumber: lines with positions → paragraphs, running headers/footers removed."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import ExtractionError
from analyzer.models import Block, ExtractedDocument

_PAGE_NUMBER = re.compile(
    r"^\s*(?:page|p\.)?\s*[-–—]?\s*\d{1,4}\s*(?:(?:/|sur|of)\s*\d{1,4})?\s*[-–—]?\s*$", re.I
)
_DIGITS = re.compile(r"\d+")
_EDGE_LINES = 2  # lines looked at at the top and bottom of each page
_TERMINAL = (".", ";", ":", "!", "?")


@dataclass
class _Line:
    text: str
    top: float
    bottom: float
    page: int


def _page_lines(pdf: object) -> tuple[list[list[_Line]], int]:
    pages: list[list[_Line]] = []
    for number, page in enumerate(pdf.pages, start=1):  # type: ignore[attr-defined]
        try:
            lines = [
                _Line(" ".join(line["text"].split()), line["top"], line["bottom"], number)
                for line in page.extract_text_lines(strip=True, return_chars=False)
                if line["text"].strip()
            ]
        finally:
            page.close()
        pages.append(lines)
    return pages, len(pages)


def _running_lines(pages: list[list[_Line]]) -> set[str]:
    """Lines (digits masked) found at the top or bottom of at least half the pages."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        edge = {_DIGITS.sub("#", ln.text) for ln in lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]}
        counts.update(edge)
    threshold = max(2, (len(pages) + 1) // 2)
    return {key for key, n in counts.items() if n >= threshold}


def _body_lines(pages: list[list[_Line]]) -> tuple[list[list[_Line]], list[str]]:
    running = _running_lines(pages)
    removed: list[str] = []
    bodies: list[list[_Line]] = []
    for lines in pages:
        body = list(lines)
        for edge in (0, -1):  # strip from the top, then from the bottom
            for _ in range(_EDGE_LINES + 1):
                if not body:
                    break
                line = body[edge]
                if _DIGITS.sub("#", line.text) in running or _PAGE_NUMBER.match(line.text):
                    removed.append(line.text)
                    body.pop(edge)
                else:
                    break
        bodies.append(body)
    return bodies, removed


def _paragraphs(bodies: list[list[_Line]]) -> list[Block]:
    """Group lines into paragraphs by vertical gaps; a paragraph may run across a page break."""
    blocks: list[Block] = []
    current: list[str] = []
    current_page = 1

    def flush() -> None:
        if current:
            blocks.append(Block(text="\n".join(current), page=current_page, index=len(blocks)))
            current.clear()

    for lines in bodies:
        if not lines:
            continue
        gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if b.top > a.bottom]
        usual = sorted(gaps)[len(gaps) // 2] if gaps else 2.0
        for i, line in enumerate(lines):
            if i == 0:
                # a new page continues the paragraph only when the previous one is unfinished
                if current and (current[-1].endswith(_TERMINAL) or not line.text[:1].islower()):
                    flush()
            elif line.top - lines[i - 1].bottom > max(usual * 1.8, usual + 3):
                flush()
            if not current:
                current_page = line.page
            current.append(line.text)
    flush()
    return blocks


def extract_pdf(path: Path) -> ExtractedDocument:
    """Read the text layer of a PDF, page by page.

    Raises:
        ExtractionError: corrupt (``parse_error``) or password-protected (``encrypted``) PDF.
    """
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(str(path)) as pdf:
            pages, count = _page_lines(pdf)
    except PdfminerException as e:
        cause = e.args[0] if e.args else e
        if isinstance(cause, PDFPasswordIncorrect):
            raise ExtractionError(f"{path}: PDF is password-protected", "encrypted") from e
        raise ExtractionError(
            f"{path}: PDF could not be read ({type(cause).__name__}: {cause})", "parse_error"
        ) from e
    except (PSException, ValueError, KeyError, TypeError, AttributeError) as e:
        raise ExtractionError(
            f"{path}: PDF could not be read ({type(e).__name__}: {e})", "parse_error"
        ) from e
    bodies, removed = _body_lines(pages)
    blocks = _paragraphs(bodies)
    warnings: list[str] = []
    empty = [i for i, lines in enumerate(pages, start=1) if not lines]
    if empty:
        warnings.append(
            f"{path.name}: {len(empty)} of {count} page(s) have no text layer "
            f"(scanned?): {', '.join(map(str, empty[:20]))}"
        )
    return ExtractedDocument(path=str(path), format="pdf", blocks=tuple(blocks), pages=count,
                             warnings=tuple(warnings), removed_lines=tuple(removed))
