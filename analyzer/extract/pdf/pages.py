"""Reading a PDF document page by page (PDFium or pdfplumber), with OCR where a page has no
text layer."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.errors import ExtractionError
from analyzer.extract.pdf.frags import (
    MIN_TEXT_CHARS,
    _has_images_pdfium,
    _pdfium_frags,
    _plumber_frags,
    _text_chars,
)
from analyzer.extract.pdf.layout import _page_lines
from analyzer.extract.pdf.model import _Frag, _Line, _Page
from analyzer.extract.pdf.ocr import OCR_MIN_CONFIDENCE, _finish_ocr, _OcrJob, _start_ocr


@dataclass
class _ReadState:
    """The OCR options of one read, and what it gathers besides the lines: warnings (in page
    order), the pages OCRed, skipped (no tesseract) or read with a low confidence."""

    on_ocr_page: Callable[[int], None] | None = None
    ocr_jobs: int = 1
    warnings: list[str] = field(default_factory=list)
    ocr_skipped: list[int] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)
    low_confidence: list[tuple[int, float]] = field(default_factory=list)
    pages: int = 0
    ocr_missing: bool = False  # tesseract is not installed: the next pages are not tried


def _encrypted(path: Path, e: BaseException | None = None) -> ExtractionError:
    return ExtractionError(
        f"{path}: PDF is encrypted with a user password; it cannot be read without it", "encrypted"
    )


@dataclass
class _Pending:
    """A page read, its OCR maybe running; ``notes`` are its warnings, kept in page order."""

    result: _Page
    job: _OcrJob | None = None
    notes: list[str] = field(default_factory=list)


def _read_page(path: Path, doc: object, index: int, ocr: str, state: _ReadState,
               folder: Callable[[], Path], failed: list[int]) -> _Pending:
    """Read one page's text layer and, when it needs OCR, start it."""
    import pypdfium2 as pdfium

    try:
        page = doc[index]  # type: ignore[index]
    except pdfium.PdfiumError as e:
        failed.append(index)
        if len(failed) == len(doc):  # type: ignore[arg-type]
            raise ExtractionError(
                f"{path}: PDF could not be read (PdfiumError: no page loads: {e})",
                "parse_error") from e
        return _Pending(_Page(index + 1, 0.0),
                        notes=[f"{path.name}: page {index + 1} could not be loaded ({e})"])
    pending = _Pending(_Page(index + 1, 0.0))
    try:
        width, height = page.get_size()
        pending.result = _Page(index + 1, width, _pdfium_frags(page, height))
        pending.job = _begin_ocr(pending.result, page, ocr, state, folder, pending.notes)
    except pdfium.PdfiumError as e:
        pending.notes.append(f"{path.name}: page {index + 1} could not be read ({e})")
        pending.result = _Page(index + 1, 0.0)
    finally:
        page.close()
    return pending


def _iter_pdfium(path: Path, doc: object, ocr: str, state: _ReadState) -> Iterator[_Page]:
    """The pages in order; up to ``state.ocr_jobs`` pages are OCRed at once (the pages
    after a page in OCR are read meanwhile), with the same result as one at a time."""
    from collections import deque

    jobs = max(1, state.ocr_jobs or 1)
    window: deque[_Pending] = deque()
    failed: list[int] = []
    with _LazyFolder() as folder:
        index = 0
        while index < len(doc) or window:  # type: ignore[arg-type]
            running = sum(1 for p in window if p.job is not None)
            more = index < len(doc)  # type: ignore[arg-type]
            if more and running < jobs and len(window) < jobs + 8:
                window.append(_read_page(path, doc, index, ocr, state, folder, failed))
                index += 1
                continue
            head = window.popleft()
            if head.job is not None:
                _end_ocr(head.result, head.job, ocr, state, head.notes)
            state.warnings.extend(head.notes)
            yield head.result


class _LazyFolder:
    """A temporary folder for the page images, created on first use, removed at the end."""

    def __init__(self) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def __call__(self) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="hds-ocr-")
        return Path(self._tmp.name)

    def __enter__(self) -> _LazyFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()


def _needs_ocr(frags: list[_Frag], page: object, ocr: str) -> bool:
    if ocr == "always":
        return True
    if ocr == "never" or _text_chars(frags) >= MIN_TEXT_CHARS:
        return False
    return _has_images_pdfium(page)


def _begin_ocr(result: _Page, page: object, ocr: str, state: _ReadState,
               folder: Callable[[], Path], notes: list[str]) -> _OcrJob | None:
    """Start the OCR of a page that needs it (None: it does not, or it cannot be done)."""
    if not _needs_ocr(result.frags, page, ocr):
        return None
    if state.ocr_missing:
        state.ocr_skipped.append(result.number)
        return None
    if state.on_ocr_page is not None:
        state.on_ocr_page(result.number)
    try:
        return _start_ocr(page, folder(), result.number)
    except ExtractionError as e:
        if e.status == "ocr_unavailable":
            state.ocr_missing = True
            state.ocr_skipped.append(result.number)
        else:
            notes.append(f"page {result.number}: OCR failed ({e})")
        return None


def _end_ocr(result: _Page, job: _OcrJob, ocr: str, state: _ReadState, notes: list[str]) -> None:
    """Take a page's OCR result (or say why not)."""
    try:
        frags, confidence = _finish_ocr(job)
    except ExtractionError as e:
        notes.append(f"page {result.number}: OCR failed ({e})")
        return
    if ocr == "always" and _text_chars(frags) < _text_chars(result.frags) // 2:
        notes.append(
            f"page {result.number}: OCR found much less text than the text layer; text layer kept")
        return
    result.frags, result.ocr = frags, True
    state.ocr_pages.append(result.number)
    if confidence is not None and confidence < OCR_MIN_CONFIDENCE:
        state.low_confidence.append((result.number, confidence))


def _maybe_ocr(result: _Page, page: object, ocr: str, state: _ReadState) -> None:
    """OCR one page now, if it needs it (the pdfplumber engine's one-page-at-a-time path)."""
    with _LazyFolder() as folder:
        job = _begin_ocr(result, page, ocr, state, folder, state.warnings)
        if job is not None:
            _end_ocr(result, job, ocr, state, state.warnings)


def _read_pdfium(path: Path, ocr: str, state: _ReadState) -> list[list[_Line]]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD or "password" in str(e).lower():
            raise _encrypted(path, e) from e
        raise ExtractionError(f"{path}: PDF could not be read (PdfiumError: {e})",
                              "parse_error") from e
    try:
        if pdfium_c.FPDF_GetSecurityHandlerRevision(doc.raw) != -1:
            state.warnings.append(
                f"{path.name}: PDF is encrypted with an owner password only (permissions "
                "restricted); its text was read"
            )
        state.pages = len(doc)
        return [_page_lines(page) for page in _iter_pdfium(path, doc, ocr, state)]
    finally:
        doc.close()


def _read_plumber(path: Path, ocr: str, state: _ReadState) -> list[list[_Line]]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    pages: list[list[_Line]] = []
    pdfium_doc = None
    try:
        with pdfplumber.open(str(path)) as pdf:
            if getattr(pdf.doc, "encryption", None):
                state.warnings.append(
                    f"{path.name}: PDF is encrypted with an owner password only (permissions "
                    "restricted); its text was read"
                )
            state.pages = len(pdf.pages)
            for number, page in enumerate(pdf.pages, start=1):
                try:
                    result = _Page(number, float(page.width), _plumber_frags(page))
                    few = _text_chars(result.frags) < MIN_TEXT_CHARS
                    needs = ocr == "always" or (ocr == "auto" and few and bool(page.images))
                finally:
                    page.close()
                if needs:
                    import pypdfium2 as pdfium

                    if pdfium_doc is None:
                        pdfium_doc = pdfium.PdfDocument(str(path))
                    pdfium_page = pdfium_doc[number - 1]
                    try:
                        _maybe_ocr(result, pdfium_page, "always", state)
                    finally:
                        pdfium_page.close()
                pages.append(_page_lines(result))
    except PdfminerException as e:
        cause = e.args[0] if e.args else e
        if isinstance(cause, PDFPasswordIncorrect):
            raise _encrypted(path, e) from e
        raise ExtractionError(
            f"{path}: PDF could not be read ({type(cause).__name__}: {cause})", "parse_error"
        ) from e
    except (PSException, ValueError, KeyError, TypeError, AttributeError, RecursionError) as e:
        raise ExtractionError(
            f"{path}: PDF could not be read ({type(e).__name__}: {e})", "parse_error"
        ) from e
    finally:
        if pdfium_doc is not None:
            pdfium_doc.close()
    return pages
