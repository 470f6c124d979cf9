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


def extract(path: Path) -> ExtractedDocument:
    """Extract the text blocks of one file.

    Raises:
        ExtractionError: the file cannot be read; ``status`` says why.
    """
    fmt = sniff_format(path)
    if fmt == "pdf":
        from analyzer.extract.pdf import extract_pdf

        return extract_pdf(path)
    if fmt == "docx":
        from analyzer.extract.docx import extract_docx

        return extract_docx(path)
    from analyzer.extract.text import extract_text

    return extract_text(path, fmt)
