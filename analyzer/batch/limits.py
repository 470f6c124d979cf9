"""Limits for untrusted documents and the pre-flight checks run before any parser sees a file.

Everything here runs inside a worker process (it opens PDFs with pdfminer to count pages), except
``Limits`` itself, which the parent builds from the command line and sends to every worker.
"""

from __future__ import annotations

import dataclasses
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.errors import ExtractionError
from analyzer.extract.preflight import DOCTYPE_NEEDLES
from analyzer.extract.sniff import sniff_type as sniff_type  # re-exported: the one sniffer
from analyzer.models import MAX_TEXT_CHARS
from analyzer.statuses import LIMIT_EXCEEDED

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Per-document resource limits (defaults documented in docs/batch.md).

    Attributes:
        memory_mb: address-space cap of a worker process (RLIMIT_AS).
        cpu_seconds: CPU time one document may use (RLIMIT_CPU, reset per document).
        timeout_base: wall-clock seconds allowed for every document ...
        timeout_per_page: ... plus this many seconds per PDF page ...
        timeout_max: ... but never more than this.
        timeout_per_ocr_page: each page that goes to OCR gets at least this many seconds from
            the moment it starts (OCR takes seconds per page, so a scanned document's deadline
            follows its progress instead of its page count; a stuck page still times out).
        timeout_max_ocr: ... but a document whose pages go to OCR never gets more than this in
            all (nor less than ``timeout_max``): the bound of what a scanned document can cost.
        max_file_mb: largest input file accepted.
        max_pages: largest PDF page count accepted (read from the page tree before extraction).
        docx_max_entries: most ZIP entries in a DOCX.
        docx_max_entry_mb: largest uncompressed ZIP entry.
        docx_max_total_mb: largest total uncompressed size.
        docx_max_ratio: highest compression ratio of an entry larger than ``docx_ratio_from_mb``.
        docx_ratio_from_mb: smaller entries are not ratio-checked (small XML compresses well).
        max_chars: extracted text kept per document; beyond it the text is truncated and flagged
            (default: the most the NLP pipeline takes, ``analyzer.models.MAX_TEXT_CHARS``).
        max_text_ratio: most characters of extracted text per byte of input (0: no check);
            above it the document is ``limit_exceeded`` (``text_ratio``) before the analysis: a
            decompression bomb or a content stream drawn over and over. Real contracts measure
            0.06-1.0, generated PDFs up to 2.5 (docs/batch.md).
        text_ratio_from_chars: the ratio is only checked once the text is longer than this (a
            short text is cheap whatever its ratio).
        recycle_after: a worker process is replaced after this many documents.
    """

    memory_mb: int = 2048
    cpu_seconds: int = 600
    timeout_base: float = 30.0
    timeout_per_page: float = 0.5
    timeout_max: float = 900.0
    timeout_per_ocr_page: float = 60.0
    timeout_max_ocr: float = 3600.0
    max_file_mb: int = 100
    max_pages: int = 2000
    docx_max_entries: int = 1000
    docx_max_entry_mb: int = 100
    docx_max_total_mb: int = 200
    docx_max_ratio: int = 100
    docx_ratio_from_mb: int = 10
    max_chars: int = MAX_TEXT_CHARS
    max_text_ratio: float = 20.0
    text_ratio_from_chars: int = 100_000
    recycle_after: int = 200

    def timeout_for(self, pages: int | None) -> float:
        """Wall-clock budget of a document with ``pages`` pages (None: not known yet)."""
        return min(self.timeout_max, self.timeout_base + self.timeout_per_page * (pages or 0))

    def ocr_deadline(self, task_started: float, deadline: float, now: float) -> float:
        """The deadline of a document whose next page goes to OCR ``now``: at least
        ``timeout_per_ocr_page`` from now, at most ``max(timeout_max, timeout_max_ocr)`` from the
        document's start."""
        ceiling = task_started + max(self.timeout_max, self.timeout_max_ocr)
        return min(ceiling, max(deadline, now + self.timeout_per_ocr_page))

    def key(self) -> str:
        """The limits that change what a successful analysis contains (for incremental runs)."""
        return f"chars={self.max_chars}"

    def replace(self, **changes: Any) -> Limits:
        """A copy with some limits changed (None values are ignored)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


class LimitExceeded(ExtractionError):
    """A document is over one of the limits; ``limit`` names it."""

    def __init__(self, limit: str, message: str) -> None:
        super().__init__(f"{limit}: {message}", LIMIT_EXCEEDED)
        self.limit = limit


def check_text_ratio(chars: int, size: int, limits: Limits) -> None:
    """Refuse a text far larger than its input could hold (run after extraction, before the
    analysis): ``chars`` characters extracted from a file of ``size`` bytes.

    Raises:
        LimitExceeded: ``text_ratio``, more than ``limits.max_text_ratio`` characters per input
            byte in a text longer than ``limits.text_ratio_from_chars``.
    """
    if limits.max_text_ratio <= 0 or chars <= limits.text_ratio_from_chars:
        return
    ratio = chars / max(1, size)
    if ratio > limits.max_text_ratio:
        raise LimitExceeded("text_ratio", f"{chars:,} characters extracted from {size:,} bytes "
                            f"({ratio:,.0f} per byte, limit {limits.max_text_ratio:g}): "
                            "decompression bomb or repeated content, not analysed")


# --------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------

_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_CHUNK = 1 << 16


def check_zip(path: Path, limits: Limits) -> list[str]:
    """Check any ZIP package (DOCX, ODT) before a parser opens it; return warnings.

    Raises:
        LimitExceeded: too many entries, an entry or the total too large, a zip-bomb ratio.
        ExtractionError: not a readable ZIP, or two entries of the same name (``parse_error``:
            a checker and a parser could each read a different one), a DOCTYPE or ENTITY
            declaration in any XML part (``parse_error``, ``doctype_forbidden``).
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise ExtractionError(f"corrupt: not a readable ZIP package ({e})") from e
    with archive:
        infos = archive.infolist()
        names: set[str] = set()
        for info in infos:  # OPC part names compare case-insensitively
            folded = info.filename.replace("\\", "/").lower()
            if folded in names:
                raise ExtractionError(f"corrupt: duplicate ZIP entry {info.filename!r} (two "
                                      "parts of one name: what is checked might not be what "
                                      "is read)")
            names.add(folded)
        if len(infos) > limits.docx_max_entries:
            raise LimitExceeded("docx_entries", f"{len(infos)} ZIP entries "
                                f"(limit {limits.docx_max_entries})")
        total = 0
        for info in infos:
            size = info.file_size
            total += size
            if size > limits.docx_max_entry_mb * MB:
                raise LimitExceeded("docx_entry_size", f"{info.filename!r} inflates to "
                                    f"{size // MB} MB (limit {limits.docx_max_entry_mb} MB)")
            if size > limits.docx_ratio_from_mb * MB:
                ratio = size / max(1, info.compress_size)
                if ratio > limits.docx_max_ratio:
                    raise LimitExceeded("docx_ratio", f"{info.filename!r} compression ratio "
                                        f"{ratio:.0f}:1 (limit {limits.docx_max_ratio}:1)")
        if total > limits.docx_max_total_mb * MB:
            raise LimitExceeded("docx_total_size", f"entries inflate to {total // MB} MB "
                                f"(limit {limits.docx_max_total_mb} MB)")
        # Stream every XML part: enforce the sizes while inflating (headers can lie) and refuse
        # any DOCTYPE / ENTITY declaration (OOXML never needs one; XXE and entity bombs need one).
        for info in infos:
            if info.filename.lower().endswith((".xml", ".rels")):
                _scan_part(archive, info, limits)
    return []


def is_ooxml(path: Path) -> bool:
    """True for a ZIP package with an OOXML ``[Content_Types].xml``."""
    with zipfile.ZipFile(path) as archive:
        return "[Content_Types].xml" in archive.namelist()


def check_docx(path: Path, limits: Limits) -> list[str]:
    """Check a DOCX package (after ``check_zip``): a Word document, no macros; return warnings
    for external relationships (never fetched).

    Raises:
        ExtractionError: macro-enabled or not a Word document (``unsupported_type``), main part
            missing (``parse_error``).
    """
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "[Content_Types].xml" not in names:
            raise ExtractionError("corrupt: no [Content_Types].xml (not an OOXML package)")
        content_types = _read_small(archive, "[Content_Types].xml")
        if b"macroEnabled" in content_types:
            raise ExtractionError("macro-enabled Word document (.docm content type)",
                                  "unsupported_type")
        if not any(t.encode() in content_types for t in (_WORD_MAIN, _TEMPLATE_MAIN)):
            raise ExtractionError("ZIP package that is not a Word document", "unsupported_type")
        if "word/document.xml" not in names:
            raise ExtractionError("corrupt: DOCX without its main part word/document.xml")
        warnings: list[str] = []
        for name in sorted(names):
            if name.endswith(".rels"):
                warnings.extend(_external_relationships(archive, name))
    return warnings


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    cap = min(info.file_size, limits.docx_max_entry_mb * MB)
    seen = 0
    tail = b""
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                seen += len(chunk)
                if seen > cap:
                    raise LimitExceeded("docx_entry_size", f"{info.filename!r} inflates beyond "
                                        "its declared size")
                window = (tail + chunk).lower()
                if any(n in window for n in DOCTYPE_NEEDLES):
                    raise ExtractionError(
                        f"doctype_forbidden: {info.filename!r} declares a DOCTYPE or ENTITY "
                        "(never used by Word; XML entity attack)")
                tail = window[-40:]
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as e:
        raise ExtractionError(f"corrupt: ZIP entry {info.filename!r} unreadable ({e})") from e
    except RuntimeError as e:  # encrypted ZIP entry
        raise ExtractionError(f"encrypted ZIP entry {info.filename!r}", "encrypted") from e


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as stream:
            return stream.read(MB)
    except (KeyError, zipfile.BadZipFile, OSError) as e:
        raise ExtractionError(f"corrupt: cannot read {name!r} ({e})") from e


def _external_relationships(archive: zipfile.ZipFile, name: str) -> list[str]:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    data = _read_small(archive, name)
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException):
        return [f"{name}: relationships part could not be read"]
    warnings = []
    for rel in root:
        if rel.get("TargetMode") == "External":
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            target = (rel.get("Target") or "")[:200]
            if kind == "hyperlink":
                continue
            warnings.append(f"external relationship {kind!r} to {target!r} (never fetched; "
                            "a remote template is a known Word attack vector)")
    return warnings


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------

def check_pdf(path: Path, limits: Limits) -> int | None:
    """Open a PDF's structure (no content streams) and return its declared page count.

    Raises:
        ExtractionError: user password (``encrypted``), unreadable (``parse_error``).
        LimitExceeded: more pages than ``limits.max_pages``.
    """
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    with path.open("rb") as f:
        try:
            document = PDFDocument(PDFParser(f))
        except PDFPasswordIncorrect as e:
            raise ExtractionError("PDF is protected by a user password", "encrypted") from e
        except RecursionError as e:
            raise ExtractionError("recursion: PDF structure nested too deeply") from e
        except Exception as e:  # pdfminer raises many types on corrupt input
            raise ExtractionError(f"corrupt: PDF structure unreadable ({type(e).__name__}: "
                                  f"{str(e)[:200]})") from e
        try:
            pages = resolve1(resolve1(document.catalog.get("Pages")).get("Count"))
        except Exception:
            pages = None
    if not isinstance(pages, int) or pages < 0:
        return None
    if pages > limits.max_pages:
        raise LimitExceeded("max_pages", f"{pages} pages (limit {limits.max_pages})")
    return pages
