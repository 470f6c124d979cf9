"""Other word-processing formats (.odt, .rtf, .doc): LibreOffice headless converts them to DOCX."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from analyzer.errors import ExtractionError
from analyzer.models import ExtractedDocument

CONVERT_TIMEOUT = 180  # seconds
INSTALL_HINT = (
    "install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer-nogui; "
    "or save the file as .docx or .pdf)"
)


def soffice_path() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def extract_converted(path: Path, fmt: str) -> ExtractedDocument:
    """Convert ``path`` to DOCX with ``soffice --headless`` and read the DOCX.

    Raises:
        ExtractionError: LibreOffice is missing (``unsupported_type``, the message says what
            to install) or the conversion failed (``parse_error``).
    """
    exe = soffice_path()
    if exe is None:
        raise ExtractionError(
            f"{path}: .{fmt} files are read through LibreOffice, which is not installed; "
            f"{INSTALL_HINT}",
            "unsupported_type",
        )
    from analyzer.extract.docx import extract_docx

    with tempfile.TemporaryDirectory(prefix="hds-convert-") as tmp:
        work = Path(tmp)
        # a copy with a plain name: the user's file name never reaches the command line
        source = work / f"input.{fmt}"
        shutil.copyfile(path, source)
        out = work / "out"
        profile = (work / "profile").as_uri()
        command = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)]
        env = {**os.environ, "HOME": str(work)}
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=CONVERT_TIMEOUT,
                                  check=False, env=env)
        except subprocess.TimeoutExpired as e:
            raise ExtractionError(f"{path}: LibreOffice conversion timed out", "timeout") from e
        except OSError as e:
            raise ExtractionError(f"{path}: LibreOffice could not run ({e})", "parse_error") from e
        converted = out / "input.docx"
        if proc.returncode != 0 or not converted.exists():
            raise ExtractionError(
                f"{path}: LibreOffice could not convert the .{fmt} file "
                f"({(proc.stderr or proc.stdout).strip()[:300]})",
                "parse_error",
            )
        document = extract_docx(converted)
    return dataclasses.replace(
        document, path=str(path), format=fmt,
        warnings=(*document.warnings, f"{path.name}: converted from .{fmt} with LibreOffice"),
    )
