"""Turn an input file into an ExtractedDocument; the file type is decided by content, not name."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from analyzer.errors import ExtractionError
from analyzer.extract.pdf import OCR_MODES, PDF_ENGINES
from analyzer.extract.text import text_bom
from analyzer.models import ExtractedDocument

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".txt", ".md", ".odt", ".rtf", ".doc")
CONVERTED_FORMATS = ("odt", "rtf", "doc")  # read through LibreOffice (converted to DOCX)

__all__ = ["CONVERTED_FORMATS", "OCR_MODES", "PDF_ENGINES", "SUPPORTED_SUFFIXES", "extract",
           "sniff_format"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODT_MIME = b"application/vnd.oasis.opendocument.text"


def _zip_kind(path: Path) -> str | None:
    """"docx" or "odt" from the package's own declarations, else None.

    Raises:
        ExtractionError: (``parse_error``) the ZIP is unreadable, or a Word package lacks its
            main part.
    """
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if ("mimetype" in names and z.getinfo("mimetype").file_size < 200
                    and z.read("mimetype").strip().startswith(_ODT_MIME)):
                return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
            if any(name.startswith("word/") for name in names):
                raise ExtractionError(f"{path}: corrupt DOCX: no word/document.xml",
                                      "parse_error")
    except (zipfile.BadZipFile, OSError, KeyError) as e:
        raise ExtractionError(f"{path}: corrupt ZIP package ({type(e).__name__}: {e})",
                              "parse_error") from e
    return None


def open_regular(path: Path) -> BinaryIO:
    """Open a file for reading only if it is a regular file.

    The file is opened without blocking (a FIFO would otherwise wait for a writer forever) and
    checked on the open descriptor, so a name swapped for a FIFO or a device after it was
    listed is refused, never read.

    Raises:
        OSError: cannot be opened, or not a regular file.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


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


def looks_like_pdf(head: bytes, suffix: str) -> bool:
    """PDF by content: ``%PDF-`` at the very start, whatever the name. PDF readers also accept
    the header anywhere in the first 1,024 bytes (ISO 32000 tolerates leading bytes before
    it); that convention is kept for files named ``.pdf`` only, so that a text file quoting
    ``%PDF-`` stays a text file."""
    return head.startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in head[:1024])


def sniff_format(path: Path) -> str:
    """Return "pdf", "docx", "odt", "rtf", "doc", "txt" or "md" from the file's content.

    Raises:
        ExtractionError: (status ``unsupported_type``) for anything else.
    """
    with path.open("rb") as f:
        head = f.read(1024)
    suffix = path.suffix.lower()
    if looks_like_pdf(head, suffix):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(path)
        if kind:
            return kind
        raise ExtractionError(
            f"{path}: ZIP-based file that is neither a DOCX nor an ODT document is not supported",
            "unsupported_type",
        )
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_OLE2):
        if suffix in (".doc", ".dot"):
            return "doc"
        raise ExtractionError(
            f"{path}: OLE2 (legacy Office) file that is not a .doc is not supported",
            "unsupported_type",
        )
    if suffix in (".txt", ".md") and (b"\x00" not in head or text_bom(head)):
        return suffix[1:]
    raise ExtractionError(
        f"{path}: unsupported file type (expected PDF, DOCX, ODT, RTF, DOC, TXT or MD content)",
        "unsupported_type",
    )


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
