"""Checks made before a parser opens a package: the DOCTYPE / ENTITY ban.

OOXML and ODF never need a document type declaration; XML external entities (XXE) and entity
expansion bombs need one. A part is refused when it declares one anywhere (not only in its first
bytes), in ASCII or in a UTF-16 / UTF-32 encoding, whatever the letter case.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO

from analyzer.errors import ExtractionError

DOCTYPE_NEEDLES = tuple(
    "<!doctype".encode(enc) for enc in ("ascii", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
) + tuple("<!entity".encode(enc) for enc in ("ascii", "utf-16-le", "utf-16-be"))
"""What a declaration starts with, lower-cased, in each encoding an XML part may use."""
CHUNK = 1 << 16
_TAIL = 40  # bytes kept across chunks, longer than any needle


def declares_doctype(stream: IO[bytes]) -> bool:
    """True when the stream (read to its end, in chunks) holds a DOCTYPE or ENTITY declaration."""
    tail = b""
    while chunk := stream.read(CHUNK):
        window = (tail + chunk).lower()
        if any(needle in window for needle in DOCTYPE_NEEDLES):
            return True
        tail = window[-_TAIL:]
    return False


def refuse_doctype(path: Path) -> None:
    """Refuse a package whose XML parts (``.xml``, ``.rels``) declare a DOCTYPE or an ENTITY.

    Raises:
        ExtractionError: (``parse_error``) a part declares one, or the package is unreadable.
    """
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if not info.filename.lower().endswith((".xml", ".rels")):
                    continue
                with z.open(info) as f:
                    if declares_doctype(f):
                        raise ExtractionError(
                            f"{path}: {info.filename} declares a DOCTYPE or ENTITY, which OOXML "
                            "never needs (possible XML entity attack)", "parse_error")
    except (zipfile.BadZipFile, OSError) as e:
        raise ExtractionError(f"{path}: DOCX could not be read ({type(e).__name__}: {e})",
                              "parse_error") from e
