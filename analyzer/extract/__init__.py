"""Turn an input file into an ExtractedDocument; the file type is decided by content, not name."""

from __future__ import annotations

from pathlib import Path

from analyzer.errors import ExtractionError
from analyzer.models import ExtractedDocument

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".txt", ".md")


def sniff_format(path: Path) -> str:
    """Return "pdf", "docx", "txt" or "md" from the file's first bytes (and suffix for text).

    Raises:
        ExtractionError: (status ``unsupported_type``) for anything else.
    """
    with path.open("rb") as f:
        head = f.read(8)
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if suffix == ".docx":
            return "docx"
        raise ExtractionError(
            f"{path}: ZIP-based file that is not a .docx is not supported", "unsupported_type"
        )
    if suffix in (".txt", ".md") and b"\x00" not in head:
        return suffix[1:]
    raise ExtractionError(
        f"{path}: unsupported file type (expected PDF, DOCX, TXT or MD content)",
        "unsupported_type",
    )


OCR_MODES = ("auto", "never", "always")
PDF_ENGINES = ("auto", "pdfplumber")


def extract(path: Path, *, ocr: str = "auto", pdf_engine: str = "auto") -> ExtractedDocument:
    """Extract the text blocks of one file.

    Args:
        path: the file.
        ocr: "auto" (OCR pages without a usable text layer), "never" or "always".
        pdf_engine: PDF text engine; "auto" picks the fastest one that gives the same text.

    Raises:
        ExtractionError: the file cannot be read; ``status`` says why.
    """
    if ocr not in OCR_MODES:
        raise ValueError(f"ocr must be one of {OCR_MODES}")
    if pdf_engine not in PDF_ENGINES:
        raise ValueError(f"pdf_engine must be one of {PDF_ENGINES}")
    fmt = sniff_format(path)
    if fmt == "pdf":
        from analyzer.extract.pdf import extract_pdf

        return extract_pdf(path)
    if fmt == "docx":
        from analyzer.extract.docx import extract_docx

        return extract_docx(path)
    from analyzer.extract.text import extract_text

    return extract_text(path, fmt)
