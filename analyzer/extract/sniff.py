"""The one content sniffer: what a file is from its first KiB (and, for a ZIP, its listing),
never from its name. ``sniff_type`` is the coarse look the batch pre-flight takes before any
parser (no ZIP opened); ``sniff_format`` the extractor's choice of reader."""

from __future__ import annotations

import errno
import os
import stat
import zipfile
from pathlib import Path
from typing import BinaryIO

from analyzer.errors import ExtractionError
from analyzer.extract.text import text_bom

HEAD = 1024  # bytes read to decide

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODT_MIME = b"application/vnd.oasis.opendocument.text"


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


def _head(path: Path) -> bytes:
    """The first ``HEAD`` bytes of a regular file (a FIFO or a device is refused, never read)."""
    with open_regular(path) as f:
        return f.read(HEAD)


def looks_like_pdf(head: bytes, suffix: str) -> bool:
    """PDF by content: ``%PDF-`` at the very start, whatever the name. PDF readers also accept
    the header anywhere in the first 1,024 bytes (ISO 32000 tolerates leading bytes before
    it); that convention is kept for files named ``.pdf`` only, so that a text file quoting
    ``%PDF-`` stays a text file."""
    return head.startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in head[:1024])


def sniff_type(path: Path) -> str:
    """"pdf", "zip", "text", "empty" or "other" from the first KiB (no parser involved)."""
    head = _head(path)
    if not head:
        return "empty"
    if looks_like_pdf(head, path.suffix.lower()):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if b"\x00" not in head or text_bom(head):
        return "text"
    return "other"


def sniff_format(path: Path) -> str:
    """Return "pdf", "docx", "odt", "rtf", "doc", "txt" or "md" from the file's content.

    Raises:
        ExtractionError: (status ``unsupported_type``) for anything else.
    """
    head = _head(path)
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
