"""OCR of a page image with Tesseract: fragments and mean confidence."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analyzer.errors import ExtractionError
from analyzer.extract.pdf.model import _Frag

OCR_DPI = 300


OCR_MIN_CONFIDENCE = 60.0


_TESSERACT_HINT = (
    "install it with: apt-get install tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng")


@lru_cache(maxsize=1)
def tesseract_languages() -> tuple[str, ...] | None:
    """Installed Tesseract languages, or None when the ``tesseract`` program is missing."""
    exe = shutil.which("tesseract")
    if not exe:
        return None
    try:
        proc = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    out = proc.stdout + proc.stderr
    return tuple(line.strip() for line in out.splitlines()[1:] if line.strip() and " " not in line)


def _ocr_langs() -> str:
    langs = tesseract_languages() or ()
    wanted = [lang for lang in ("fra", "eng") if lang in langs]
    return "+".join(wanted) if wanted else "eng"


OCR_TIMEOUT = 300  # seconds of one tesseract run


@dataclass
class _OcrJob:
    """One page's tesseract run, started (``proc``), its files in ``base`` + .png/.tsv/.err."""

    proc: subprocess.Popen[bytes]
    base: Path
    scale: float
    started: float


def _start_ocr(page: object, folder: Path, number: int) -> _OcrJob:
    """Render one pypdfium2 page and start ``tesseract … tsv`` on it (it runs while the caller
    goes on: pages of one document are read by several tesseract processes at once).

    Raises:
        ExtractionError: tesseract is missing or cannot start.
    """
    import time

    exe = shutil.which("tesseract")
    if not exe:
        raise ExtractionError(f"tesseract is not installed; {_TESSERACT_HINT}", "ocr_unavailable")
    scale = OCR_DPI / 72
    base = folder / f"page-{number}"
    bitmap = page.render(scale=scale, grayscale=True)  # type: ignore[attr-defined]
    try:
        bitmap.to_pil().save(base.with_suffix(".png"))
    finally:
        bitmap.close()
    try:
        with open(base.with_suffix(".err"), "wb") as err:
            proc = subprocess.Popen(
                [exe, str(base.with_suffix(".png")), str(base), "-l", _ocr_langs(), "--psm", "3",
                 "--dpi", str(OCR_DPI), "tsv"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                # OpenMP threads spin on a busy machine and make tesseract several times
                # slower; parallel runs already use one process per core
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            )
    except OSError as e:
        raise ExtractionError(f"tesseract failed: {e}", "ocr_failed") from e
    return _OcrJob(proc, base, scale, time.monotonic())


def _finish_ocr(job: _OcrJob) -> tuple[list[_Frag], float | None]:
    """Wait for a page's tesseract run (``OCR_TIMEOUT`` from its start): fragments and mean
    confidence. Its files are removed.

    Raises:
        ExtractionError: tesseract failed or timed out.
    """
    import locale
    import time

    try:
        try:
            job.proc.wait(timeout=max(0.0, OCR_TIMEOUT - (time.monotonic() - job.started)))
        except subprocess.TimeoutExpired as e:
            job.proc.kill()
            job.proc.wait()
            expired = subprocess.TimeoutExpired(job.proc.args, OCR_TIMEOUT)
            raise ExtractionError(f"tesseract failed: {expired}", "ocr_failed") from e
        encoding = locale.getpreferredencoding(False)  # what subprocess's text mode reads
        if job.proc.returncode != 0:
            said = job.base.with_suffix(".err").read_bytes().decode(encoding, "replace")
            raise ExtractionError(f"tesseract failed: {said.strip()[:300]}", "ocr_failed")
        tsv = job.base.with_suffix(".tsv").read_bytes().decode(encoding)
    except OSError as e:
        raise ExtractionError(f"tesseract failed: {e}", "ocr_failed") from e
    finally:
        for suffix in (".png", ".tsv", ".err"):
            job.base.with_suffix(suffix).unlink(missing_ok=True)
    return _parse_tsv(tsv, job.scale)


def ocr_page(page: object, height: float) -> tuple[list[_Frag], float | None]:
    """OCR one pypdfium2 page: render it, run ``tesseract … tsv``; fragments and mean confidence.

    Raises:
        ExtractionError: tesseract is missing or fails.
    """
    with tempfile.TemporaryDirectory(prefix="hds-ocr-") as tmp:
        return _finish_ocr(_start_ocr(page, Path(tmp), 1))


def _parse_tsv(tsv: str, scale: float) -> tuple[list[_Frag], float | None]:
    """Tesseract's TSV: word boxes grouped into line fragments, and the mean confidence."""
    lines: dict[tuple[str, str, str], list[tuple[str, float, float, float, float]]] = {}
    confidences: list[float] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, h = (float(c) / scale for c in cols[6:10])
        conf = float(cols[10])
        if conf >= 0:
            confidences.append(conf)
        lines.setdefault((cols[2], cols[3], cols[4]), []).append(
            (cols[11].strip(), left, left + width, top, top + h))
    frags: list[_Frag] = []
    for words in lines.values():
        words.sort(key=lambda w: w[1])
        line_height = max(w[4] - w[3] for w in words) or 10.0
        current: list[tuple[str, float, float, float, float]] = []
        for w in [*words, None]:
            if current and (w is None or w[1] - current[-1][2] > max(2.5 * line_height, 20.0)):
                frags.append(_Frag(" ".join(x[0] for x in current), current[0][1], current[-1][2],
                                   min(x[3] for x in current), max(x[4] for x in current)))
                current = []
            if w is not None:
                current.append(w)
    confidence = sum(confidences) / len(confidences) if confidences else None
    return frags, confidence
