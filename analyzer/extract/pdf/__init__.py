"""PDF text: page fragments with positions → reading order → lines → paragraphs.

Two text engines give the same intermediate form (text fragments with a bounding box, per page):

- ``pypdfium2`` (default, ≈ 3 ms/page): the page's text in content order, split into lines, each
  line split into fragments where PDFium reports separate text rectangles far apart (columns, table
  cells).
- ``pdfplumber`` (≈ 250 ms/page): words with positions, grouped into lines and fragments.

Pages without a usable text layer are OCRed with Tesseract (page images rendered with pypdfium2),
which gives the same fragments. Bullet glyphs of symbol fonts (private-use characters, Symbol and
Wingdings letters) become "• ". Then, for every page: two-column layouts are detected by their
gutter and read column by column; lines with several distant fragments are table rows ("cell |
cell"); running headers and footers (also tables and blocks of several lines repeated at the same
height), page numbers (also on two lines), table headers repeated on the next page and
table-of-contents entries are removed (and kept in ``ExtractedDocument.removed_lines``, with their
page and kind in ``ExtractedDocument.removed``); lines are grouped into paragraphs by vertical gaps,
short last lines, font changes, list-item starts and first-line indents, and a paragraph left
unfinished at the bottom of a page (or column) continues on the next one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from analyzer.errors import ExtractionError
from analyzer.extract.modes import OCR_MODES, PDF_ENGINES
from analyzer.extract.pdf.furniture import _body_lines
from analyzer.extract.pdf.model import _Line
from analyzer.extract.pdf.ocr import _TESSERACT_HINT, ocr_page, tesseract_languages
from analyzer.extract.pdf.pages import _read_pdfium, _read_plumber, _ReadState
from analyzer.extract.pdf.paragraphs import _paragraphs
from analyzer.models import ExtractedDocument

__all__ = ["OCR_MODES", "PDF_ENGINES", "extract_pdf", "ocr_page", "tesseract_languages"]

logger = logging.getLogger(__name__)


def extract_pdf(
    path: Path, *, ocr: str = "auto", engine: str = "auto",
    on_ocr_page: Callable[[int], None] | None = None, ocr_jobs: int = 1,
) -> ExtractedDocument:
    """Read a PDF page by page (text layer, OCR where there is none).

    Args:
        path: the PDF file.
        ocr: "auto" (OCR pages without a usable text layer), "never" or "always".
        engine: "auto" (pypdfium2, falling back to pdfplumber when PDFium cannot parse the file),
            "pypdfium2" or "pdfplumber".
        on_ocr_page: called with the page number before each page goes to OCR.
        ocr_jobs: how many pages may be OCRed at once (pypdfium2 engine; the result is the
            same as one at a time).

    Raises:
        ExtractionError: corrupt (``parse_error``) or user-password-protected (``encrypted``) PDF.
    """
    if engine not in PDF_ENGINES:
        raise ValueError(f"pdf_engine must be one of {PDF_ENGINES}")
    if ocr not in OCR_MODES:
        raise ValueError(f"ocr must be one of {OCR_MODES}")
    state = _ReadState(on_ocr_page=on_ocr_page, ocr_jobs=ocr_jobs)
    if engine == "pdfplumber":
        pages = _read_plumber(path, ocr, state)
    else:
        try:
            pages = _read_pdfium(path, ocr, state)
        except ExtractionError as e:
            if engine == "pypdfium2" or e.status != "parse_error":
                raise
            logger.info("%s: PDFium failed (%s), trying pdfplumber", path, e)
            state = _ReadState(on_ocr_page=on_ocr_page)
            pages = _read_plumber(path, ocr, state)
    bodies, removed = _body_lines(pages)
    blocks = _paragraphs(bodies)
    warnings = _warnings(path, pages, ocr, state)
    if not blocks:
        warnings.append(f"{path.name}: no text could be extracted from the PDF")
    return ExtractedDocument(
        path=str(path), format="pdf", blocks=tuple(blocks), pages=len(pages),
        ocr_pages=tuple(sorted(state.ocr_pages)), warnings=tuple(warnings),
        removed_lines=tuple(r.text for r in removed), removed=tuple(removed),
    )


def _warnings(path: Path, pages: list[list[_Line]], ocr: str, state: _ReadState) -> list[str]:
    """The read's warnings, then those about OCR: not installed, low confidence, pages without
    text while OCR is off."""
    warnings = list(state.warnings)
    if state.ocr_skipped:
        skipped = state.ocr_skipped
        warnings.append(
            f"{path.name}: {len(skipped)} page(s) without a text layer need OCR but tesseract is "
            f"not installed ({_TESSERACT_HINT}): pages {', '.join(map(str, skipped[:20]))}"
        )
    for number, confidence in state.low_confidence:
        warnings.append(
            f"{path.name}: low OCR confidence on page {number} ({confidence:.0f}/100); "
            "check the scan quality"
        )
    empty = [i for i, lines in enumerate(pages, start=1)
             if not lines and i not in state.ocr_skipped]
    if empty and ocr == "never":
        warnings.append(
            f"{path.name}: {len(empty)} of {len(pages)} page(s) have no text layer (scanned? OCR "
            f"is off): {', '.join(map(str, empty[:20]))}"
        )
    return warnings
