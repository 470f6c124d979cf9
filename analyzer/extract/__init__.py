"""Turn an input file into an ExtractedDocument; the file type is decided by content, not name."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from analyzer.extract.modes import OCR_MODES, PDF_ENGINES
from analyzer.extract.sniff import looks_like_pdf, open_regular, sniff_format, sniff_type
from analyzer.models import ExtractedDocument

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".txt", ".md", ".odt", ".rtf", ".doc")
CONVERTED_FORMATS = ("odt", "rtf", "doc")  # read through LibreOffice (converted to DOCX)

__all__ = ["CONVERTED_FORMATS", "OCR_MODES", "PDF_ENGINES", "SUPPORTED_SUFFIXES", "extract",
           "file_sha256", "looks_like_pdf", "open_regular", "sniff_format", "sniff_type"]


def file_sha256(path: Path) -> str:
    """SHA-256 of a regular file, read in chunks.

    Raises:
        OSError: unreadable, or not a regular file (never read).
    """
    h = hashlib.sha256()
    with open_regular(path) as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def extract(
    path: Path, *, ocr: str = "auto", pdf_engine: str = "auto",
    on_ocr_page: Callable[[int], None] | None = None, ocr_jobs: int = 1,
) -> ExtractedDocument:
    """Extract the text blocks of one file.

    Args:
        path: the file.
        ocr: "auto" (OCR pages without a usable text layer), "never" or "always".
        pdf_engine: PDF text engine: "auto" (pypdfium2, falling back to pdfplumber on files PDFium
            cannot parse), "pypdfium2" or "pdfplumber".
        on_ocr_page: called with the page number just before a page goes to OCR (the batch
            engine uses it to extend the document's deadline while OCR makes progress).
        ocr_jobs: how many pages of a PDF may be OCRed at once (same result).

    Raises:
        ExtractionError: the file cannot be read; ``status`` says why.
    """
    if ocr not in OCR_MODES:
        raise ValueError(f"ocr must be one of {OCR_MODES}")
    if pdf_engine not in PDF_ENGINES:
        raise ValueError(f"pdf_engine must be one of {PDF_ENGINES}")
    path = Path(path)
    fmt = sniff_format(path)
    if fmt == "pdf":
        from analyzer.extract.pdf import extract_pdf

        return extract_pdf(path, ocr=ocr, engine=pdf_engine, on_ocr_page=on_ocr_page,
                           ocr_jobs=ocr_jobs)
    if fmt == "docx":
        from analyzer.extract.docx import extract_docx

        return extract_docx(path)
    if fmt in CONVERTED_FORMATS:
        from analyzer.extract.convert import extract_converted

        return extract_converted(path, fmt)
    from analyzer.extract.text import extract_text

    return extract_text(path, fmt)
