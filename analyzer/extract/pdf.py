"""PDF text: page fragments with positions → reading order → lines → paragraphs.

Two text engines give the same intermediate form (text fragments with a bounding box, per page):

- ``pypdfium2`` (default, ≈ 3 ms/page): the page's text in content order, split into lines, each
  line split into fragments where PDFium reports separate text rectangles far apart (columns, table
  cells).
- ``pdfplumber`` (≈ 250 ms/page): words with positions, grouped into lines and fragments.

Pages without a usable text layer are OCRed with Tesseract (page images rendered with pypdfium2),
which gives the same fragments. Bullet glyphs of symbol fonts (private-use characters, Symbol and
Wingdings letters) become "• ". Then, for every page: two-column layouts are detected by their
gutter and read column by column; lines with several distant fragments are table rows ("cell |
cell"); running headers and footers (also tables and blocks of several lines repeated at the same
height), page numbers (also on two lines), table headers repeated on the next page and
table-of-contents entries are removed (and kept in ``ExtractedDocument.removed_lines``, with their
page and kind in ``ExtractedDocument.removed``); lines are grouped into paragraphs by vertical gaps,
short last lines, font changes, list-item starts and first-line indents, and a paragraph left
unfinished at the bottom of a page (or column) continues on the next one.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import math
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from analyzer.errors import ExtractionError
from analyzer.models import Block, ExtractedDocument, RemovedKind, RemovedLine

logger = logging.getLogger(__name__)

PDF_ENGINES = ("auto", "pypdfium2", "pdfplumber")
OCR_MODES = ("auto", "never", "always")

_PAGE_NUMBER = re.compile(
    r"^\s*(?:(?:page|p\.|pg\.?)\s*)?[-–—]?\s*\d{1,4}\s*(?:(?:/|sur|of|de)\s*\d{1,4})?\s*[-–—]?\s*$",
    re.I,
)
_DIGITS = re.compile(r"\d+")
_EDGE_LINES = 2  # lines at the top and bottom of each page that are running text wherever they are
_BLOCK_LINES = 6  # deeper lines are running text when repeated at the same height on the pages
_TERMINAL = (".", ";", ":", "!", "?", "»", '"')
_CONTROL = re.compile(r"[\x00-\x01\x03-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NUMBER_ONLY = re.compile(
    r"^(?:(?:article|art\.|section|clause|chapitre|chapter|annexe|annex)\s+\S+|\d{1,3}(?:\.\d{1,3})*[.)]?"
    r"|\(?[a-zA-Z]\)|[a-z]\.|\(?[ivxIVX]{1,5}[.)]|[-•*–—▪●◦‣])$",
    re.I,
)
_UNIT_START = re.compile(
    r"^(?:(?:article|art\.|section|clause|chapitre|chapter|annexe|annex)\s+\S|\d{1,3}(?:\.\d{1,3})*[.)]?\s"
    r"|\(?[a-z]\)\s|\(?[ivx]{1,5}[.)]\s|[-•*–—▪●◦‣]\s)",
    re.I,
)
# typographic bullets a list item may start with (besides "-", "–", "•", "*", handled by segment)
_BULLET_GLYPHS = frozenset("▪▫■□●○◦◆◇♦❖➢➤►▶▸‣✓✔✗☐☑⁃∙·⦁⁃")
_ARTICLE_START = re.compile(r"(?:article|art\.|section|chapitre|chapter|annexe|annex)\s+\d", re.I)
_SYMBOL_LETTERS = "o§Øüvnlq"
_ITEM_START = re.compile(r"^(?:•|[-–—])\s")
OCR_DPI = 300
OCR_MIN_CONFIDENCE = 60.0
MIN_TEXT_CHARS = 20  # a page with fewer non-blank characters has no usable text layer
_TESSERACT_HINT = (
    "install it with: apt-get install tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng")


@dataclass
class _Frag:
    """A run of text on one line, with its box (points, origin at the top left of the page)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float = 0.0  # font size of the first character (0: unknown, e.g. OCR)
    bold: bool = False  # first and last characters in a bold font


def _is_bold(name: str, weight: float = -1) -> bool:
    return weight >= 600 or any(k in name.lower() for k in ("bold", "black", "heavy", "semibold"))


@dataclass
class _Line:
    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    page: int
    group: int = 0  # reading-order group on the page (column band); a change is like a page break
    right: float = 0.0  # right edge of the group's text, to tell full lines from short last lines
    row: bool = False  # several distant fragments: a table row
    cells: list[tuple[float, float, str]] = field(default_factory=list)  # (x0, x1, text)
    size: float = 0.0
    bold: bool = False
    in_columns: bool = False  # read as one of two columns


@dataclass
class _Page:
    number: int
    width: float
    frags: list[_Frag] = field(default_factory=list)
    ocr: bool = False


# --------------------------------------------------------------------------- engines


def _clean(text: str) -> str:
    # PDFium marks a hyphen it found at a line end with U+0002 or U+FFFE.
    return _CONTROL.sub("", text.replace("\x02", "-").replace("\ufffe", "-"))


def _is_private(char: str) -> bool:
    return "\ue000" <= char <= "\uf8ff"


def _symbol_letters(font: str) -> str:
    """Letters that stand for a bullet in ``font``: in Symbol, Wingdings, Webdings, Zapf Dingbats
    (Wingdings "l" ●, "n" ■, "q" ❑, "v" ❖, "Ø" ➢, "ü" ✓, "§" ▪), and Word's second-level "o"
    bullet, drawn in Courier New."""
    name = font.lower()
    if any(k in name for k in ("symbol", "wingding", "webding", "dingbat")):
        return _SYMBOL_LETTERS
    return "o" if "courier" in name else ""


def _bulleted(text: str, font: str = "") -> str:
    """A fragment that starts with a bullet glyph starts with "• " instead.

    Bullets drawn with Symbol, Wingdings or Webdings come out of the text layer as private-use
    characters (U+F0B7, U+F0A7, U+F0D8, U+F076, U+F0FC, U+F06E, …) or as the letter the glyph
    replaces ("o", "§", "Ø", "ü" in a Symbol or Wingdings font); typographic bullets (▪, ■, ➢, ✓, ·)
    are mapped as well, so that ``segment`` sees a list item.
    A fragment written entirely in the symbol area (U+F020–U+F0FF, a symbolic font without a
    Unicode map) is shifted back to the characters it stands for.
    """
    if not text:
        return text
    body = [c for c in text if not c.isspace()]
    private = sum(1 for c in body if "\uf020" <= c <= "\uf0ff")
    if len(body) >= 4 and private >= 0.8 * len(body):
        text = "".join(chr(ord(c) - 0xF000) if "\uf020" <= c <= "\uf0ff" else c for c in text)
    first = text[0]
    rest = text[1:]
    if _is_private(first) or first in _BULLET_GLYPHS or first == "•" or (
            first in _symbol_letters(font) and (not rest or rest[0].isspace())):
        rest = rest.lstrip()
        if not rest:
            return "•"  # a bullet set apart from its text (a tab): the line joins them
        if _ARTICLE_START.match(rest):
            return rest  # a bullet drawn before "ARTICLE 9.4 – …" decorates a heading
        if not (_is_private(rest[0]) or rest[0] in _BULLET_GLYPHS):
            return f"• {rest}"
    return text


def _rows_of_rects(rects: list[tuple[float, float, float, float]]) -> list[list[tuple]]:
    """Split PDFium text rectangles into visual rows (PDFium may put two lines in one text line)."""
    rows: list[list[tuple]] = []
    for rect in sorted(rects, key=lambda r: -r[3]):
        middle = (rect[1] + rect[3]) / 2
        for row in rows:
            if min(r[1] for r in row) - 1 <= middle <= max(r[3] for r in row) + 1:
                row.append(rect)
                break
        else:
            rows.append([rect])
    return rows


def _merge_rects(rects: list[tuple], gap: float) -> list[list[float]]:
    """Merge the rectangles of one row that are closer than ``gap``; what stays apart are cells."""
    groups: list[list[float]] = []
    for left, bottom, right, top in sorted(rects, key=lambda r: r[0]):
        if groups and left - groups[-1][2] <= gap:
            g = groups[-1]
            g[1], g[2], g[3] = min(g[1], bottom), max(g[2], right), max(g[3], top)
        else:
            groups.append([left, bottom, right, top])
    return groups


def _squash(text: str) -> str:
    return re.sub(r"[\s\x02\ufffe-]", "", text)


def _pdfium_style(raw: object, index: int) -> tuple[float, bool]:
    """Font size and boldness of one character (weight, else the font name)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    size = float(pdfium_c.FPDFText_GetFontSize(raw, index))
    weight = int(pdfium_c.FPDFText_GetFontWeight(raw, index))
    if weight >= 0:
        return size, weight >= 600
    buffer = ctypes.create_string_buffer(96)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(raw, index, buffer, 96, ctypes.byref(flags))
    return size, _is_bold(buffer.value.decode("latin-1", "replace"))


def _pdfium_font(raw: object, index: int) -> str:
    """The name of the font of one character."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    buffer = ctypes.create_string_buffer(96)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(raw, index, buffer, 96, ctypes.byref(flags))
    return buffer.value.decode("latin-1", "replace")


def _pdfium_frags(page: object, height: float) -> list[_Frag]:
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    raw_page = textpage.raw
    try:
        text = textpage.get_text_range()
        frags: list[_Frag] = []
        pos = 0
        for raw in re.split(r"(\r\n|\r|\n)", text):
            start, pos = pos, pos + len(raw)
            if raw in ("\r\n", "\r", "\n") or not raw.strip():
                continue
            n = textpage.count_rects(start, len(raw))
            rects = [textpage.get_rect(i) for i in range(n)]
            if not rects:
                continue
            texts: list[str] = []
            pieces: list[list[float]] = []
            if n > 1:
                for row in _rows_of_rects(rects):
                    line_height = max(r[3] - r[1] for r in row) or 10.0
                    pieces.extend(_merge_rects(row, max(1.5 * line_height, 12.0)))
                if len(pieces) > 1:
                    texts = [textpage.get_text_bounded(*p) for p in pieces]
                    if _squash("".join(texts)) != _squash(raw):
                        texts = []
            if not texts:
                pieces = [[min(r[0] for r in rects), min(r[1] for r in rects),
                           max(r[2] for r in rects), max(r[3] for r in rects)]]
                texts = [raw]
            # tight rectangles depend on the glyphs (ascenders, descenders); the loose box of a
            # character spans the font's ascent and descent, so line gaps compare fairly
            first = start + len(raw) - len(raw.lstrip())
            last = start + len(raw.rstrip()) - 1
            # the font matters only for letters that stand for a bullet in symbol fonts
            font = _pdfium_font(raw_page, first) if raw[first - start] in _SYMBOL_LETTERS else ""
            # the size, weight and height of a line are those of its text, not of a bullet glyph
            # drawn in another font (often smaller, with a shorter box)
            lead = first + next((i for i, c in enumerate(raw[first - start:]) if c.isalnum()), 0)
            loose = [textpage.get_charbox(lead, loose=True)]
            if len(pieces) > 1:
                loose.append(textpage.get_charbox(last, loose=True))
            size, bold = _pdfium_style(raw_page, lead)
            if bold:
                bold = _pdfium_style(raw_page, last)[1]
            for n_piece, (piece, (left, bottom, right, top)) in enumerate(
                    zip(texts, pieces, strict=True)):
                clean = _bulleted(" ".join(_clean(piece).split()), font if n_piece == 0 else "")
                if not clean:
                    continue
                middle = (bottom + top) / 2
                for box in loose:
                    if box[1] <= middle <= box[3] and box[3] - box[1] < 3 * (top - bottom + 1):
                        bottom, top = box[1], box[3]
                        break
                frags.append(_Frag(clean, left, right, height - top, height - bottom, size, bold))
        return frags
    finally:
        textpage.close()


T = TypeVar("T")


def _rows_by_overlap(items: list[T], top: Callable[[T], float],
                     bottom: Callable[[T], float]) -> list[list[T]]:
    """Group items sorted top to bottom into rows: an item whose vertical middle lies within the
    current row's extent (1 pt tolerance) joins it, otherwise it starts a new row."""
    rows: list[list[T]] = []
    for item in items:
        if rows:
            last = rows[-1]
            middle = (top(item) + bottom(item)) / 2
            if min(map(top, last)) - 1 <= middle <= max(map(bottom, last)) + 1:
                last.append(item)
                continue
        rows.append([item])
    return rows


def _plumber_frags(page: object) -> list[_Frag]:
    words = page.extract_words(  # type: ignore[attr-defined]
        keep_blank_chars=False, extra_attrs=["fontname", "size"])
    words.sort(key=lambda w: (round(w["top"]), w["x0"]))
    lines = _rows_by_overlap(words, lambda w: w["top"], lambda w: w["bottom"])
    frags: list[_Frag] = []
    for line in lines:
        line.sort(key=lambda w: w["x0"])
        height = max(w["bottom"] - w["top"] for w in line) or 10.0
        gap = max(1.5 * height, 12.0)
        current: list[dict] = []
        for w in [*line, None]:
            if current and (w is None or w["x0"] - current[-1]["x1"] > gap):
                text = _bulleted(" ".join(_clean(x["text"]) for x in current).strip(),
                                 str(current[0]["fontname"]))
                # style of the text, not of a bullet glyph in its own word
                lead = current[1] if len(current) > 1 and text.startswith("• ") else current[0]
                if text:
                    frags.append(_Frag(text, current[0]["x0"], current[-1]["x1"],
                                       min(x["top"] for x in current),
                                       max(x["bottom"] for x in current),
                                       float(lead["size"]),
                                       _is_bold(lead["fontname"])
                                       and _is_bold(current[-1]["fontname"])))
                current = []
            if w is not None:
                current.append(w)
    return frags


def _has_images_pdfium(page: object) -> bool:
    import pypdfium2.raw as pdfium_c

    for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):  # type: ignore[attr-defined]
        return True
    return False


def _text_chars(frags: list[_Frag]) -> int:
    return sum(len(f.text.replace(" ", "")) for f in frags)


# --------------------------------------------------------------------------- OCR


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


# --------------------------------------------------------------------------- layout


def _find_gutter(frags: list[_Frag], width: float) -> float | None:
    """The x of a column gutter when the page body is laid out in two columns of running text."""
    if len(frags) < 10 or width <= 0:
        return None
    # how many fragments cross each candidate x (2-point steps over the middle 40 % of the page),
    # with a difference array: O(fragments + steps)
    low, step = width * 0.3, 2.0
    steps = int(width * 0.4 / step) + 1
    diff = [0] * (steps + 1)
    for f in frags:
        first = max(0, math.floor((f.x0 - low) / step) + 1)  # first candidate with x > f.x0
        last = min(steps - 1, math.ceil((f.x1 - low) / step) - 1)  # last candidate with x < f.x1
        if first <= last:
            diff[first] += 1
            diff[last + 1] -= 1
    crossing: list[int] = []
    running = 0
    for i in range(steps):
        running += diff[i]
        crossing.append(running)
    best_cross = min(crossing)
    best = [low + i * step for i, c in enumerate(crossing) if c == best_cross]
    if not best or best_cross > 0.15 * len(frags):
        return None
    # the longest run of equally good positions; its middle is the gutter
    runs: list[list[float]] = [[best[0]]]
    for x in best[1:]:
        if x - runs[-1][-1] <= 2.01:
            runs[-1].append(x)
        else:
            runs.append([x])
    run = max(runs, key=len)
    gutter = (run[0] + run[-1]) / 2
    left = [f for f in frags if f.x1 <= gutter]
    right = [f for f in frags if f.x0 >= gutter]
    if len(left) < 5 or len(right) < 5:
        return None
    for side, x0, x1 in ((left, min(f.x0 for f in left), gutter),
                         (right, gutter, max(f.x1 for f in right))):
        # running text fills its column, from the margin to the gutter or from the gutter on
        full = sum(1 for f in side if f.x1 - f.x0 >= 0.6 * (x1 - x0))
        if full < 0.5 * len(side):  # short cells, not running text: a table
            return None
    return gutter


def _lines_of(frags: list[_Frag], page: int, group: int) -> list[_Line]:
    """Group fragments of one reading-order group into lines; several distant fragments: a row."""
    frags = sorted(frags, key=lambda f: (f.top, f.x0))
    rows = _rows_by_overlap(frags, lambda f: f.top, lambda f: f.bottom)
    lines: list[_Line] = []
    for row in rows:
        row.sort(key=lambda f: f.x0)
        cells = [(f.x0, f.x1, f.text) for f in row]
        # "3.2<tab>Title", "a)<tab>text": a number alone in the first cell belongs to the text
        if len(cells) > 1 and _NUMBER_ONLY.match(cells[0][2]):
            cells[:2] = [(cells[0][0], cells[1][1],
                          _bulleted(f"{cells[0][2]} {cells[1][2]}"))]
        lines.append(_Line(
            text=" | ".join(t for _, _, t in cells), top=min(f.top for f in row),
            bottom=max(f.bottom for f in row), x0=row[0].x0, x1=row[-1].x1, page=page,
            group=group, row=len(cells) > 1, cells=cells, size=row[0].size,
            bold=all(f.bold for f in row),
        ))
    if lines:
        right = sorted(ln.x1 for ln in lines)[int(len(lines) * 0.9) - (len(lines) >= 10)]
        for ln in lines:
            ln.right = right
    return lines


def _page_lines(page: _Page) -> list[_Line]:
    """Lines of a page in reading order (two columns read one after the other)."""
    gutter = _find_gutter(page.frags, page.width)
    if gutter is None:
        return _lines_of(page.frags, page.number, 0)
    lines: list[_Line] = []
    band_left: list[_Frag] = []
    band_right: list[_Frag] = []
    group = 0

    def flush_band() -> None:
        nonlocal group
        for side in (band_left, band_right):
            if side:
                lines.extend(_lines_of(side, page.number, group))
                group += 1
            side.clear()

    for f in sorted(page.frags, key=lambda f: (f.top, f.x0)):
        if f.x0 < gutter < f.x1:
            flush_band()
            lines.extend(_lines_of([f], page.number, group))
            group += 1
        elif f.x1 <= gutter:
            band_left.append(f)
        else:
            band_right.append(f)
    flush_band()
    for line in lines:
        line.in_columns = True
    return lines


def _masked(text: str) -> str:
    return _DIGITS.sub("#", text)


def _running_lines(pages: list[list[_Line]]) -> dict[str, float | None]:
    """Running headers and footers: lines (digits masked) repeated near the top or bottom of at
    least half the pages (and of two pages at least).

    The first and last ``_EDGE_LINES`` lines of a page count wherever they are; deeper lines, down
    to ``_BLOCK_LINES`` (a header or footer that is a table or a block of several lines), count
    only when they come back at the same height on the page. Returns each running key with that
    height (None: at the page edge only).
    """
    if len(pages) < 2:
        return {}
    threshold = max(2, (len(pages) + 1) // 2)
    edge: Counter[str] = Counter()
    heights: dict[str, list[tuple[int, float]]] = {}
    for number, lines in enumerate(pages):
        edge.update({_masked(ln.text) for ln in lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]})
        zone = lines[:_BLOCK_LINES] + lines[max(_BLOCK_LINES, len(lines) - _BLOCK_LINES):]
        for ln in zone:
            heights.setdefault(_masked(ln.text), []).append((number, ln.top))
    running: dict[str, float | None] = {}
    for key, seen in heights.items():
        # the most common height (3-point bins), and the pages that have the line there
        bins = Counter(round(top / 3) for _, top in seen)
        best = bins.most_common(1)[0][0] * 3
        pages_there = {page for page, top in seen if abs(top - best) <= 4.5}
        if len(pages_there) >= threshold:
            running[key] = best
        elif edge[key] >= threshold:
            running[key] = None
    return running


def _is_page_number(text: str) -> bool:
    cells = text.split(" | ")
    return bool(_PAGE_NUMBER.match(text)) or (
        all(_PAGE_NUMBER.match(cell) or not cell.strip() for cell in cells)
        and any(c.isdigit() for c in text))


_TOC_LEADER = re.compile(
    r"(?:(?:\.\s?){4,}|(?:…\s?){2,}|(?:_\s?){4,}|(?:·\s?){4,})\s*(?:\|\s*)?"
    r"(?:\d{1,4}|[ivxlc]{1,6})\s*$", re.I)
_TOC_TITLE = re.compile(
    r"^\s*(?:table\s+des\s+mati[eè]res|sommaire|table\s+of\s+contents|contents)\s*:?\s*$", re.I)


def _toc_lines(pages: list[list[_Line]]) -> set[int]:
    """Table-of-contents lines (``id`` of the line objects): entries with dot leaders and a page
    number ("11. GARANTIES ........ 12"), an entry's first line when its title wraps onto a line
    with the leader, and the "Table des matières" / "Sommaire" title above the entries."""
    lines = [ln for page in pages for ln in page]
    leader = [bool(_TOC_LEADER.search(ln.text)) for ln in lines]
    toc = {id(ln) for ln, is_toc in zip(lines, leader, strict=True) if is_toc}
    for i, ln in enumerate(lines):
        if leader[i]:
            continue
        after = leader[i + 1] if i + 1 < len(lines) else False
        before = i > 0 and (leader[i - 1] or bool(_TOC_TITLE.match(lines[i - 1].text)))
        if after and (_TOC_TITLE.match(ln.text) or (before and len(ln.text) < 150
                                                      and not ln.text.endswith(_TERMINAL))):
            toc.add(id(ln))
    return toc


def _split_page_number(first: _Line, second: _Line) -> bool:
    """A page number set on two lines ("Page 10" / "sur 25", "10" / "/ 25")."""
    if abs(first.page - second.page) or len(first.text) + len(second.text) > 30:
        return False
    joined = f"{first.text} {second.text}".replace(" | ", " ")
    return bool(_PAGE_NUMBER.match(joined)) and any(c.isdigit() for c in joined)


def _repeated_top(lines: list[_Line], previous: list[_Line],
                  drop: Mapping[int, str]) -> list[_Line]:
    """The lines at the top of a page (after its running header) that repeat, in the same order
    and at the same left edge, a run of lines of the previous page: the header of a table (or of
    a form) that Word repeats on every page the table runs across, when it has a bold line or a
    row of cells. The first occurrence stays."""
    top = [ln for ln in lines[:_BLOCK_LINES + len(drop)] if id(ln) not in drop]
    best: list[_Line] = []
    for start in range(len(previous)):
        k = 0
        while (k < len(top) and start + k < len(previous)
               and previous[start + k].text == top[k].text
               and abs(previous[start + k].x0 - top[k].x0) <= 2.0):
            k += 1
        if k > len(best):
            best = top[:k]
    # a table header is set apart: in bold, or as a row of cells (repeated body text is not)
    if any(ln.bold or (ln.row and len(ln.cells) >= 2) for ln in best):
        return best
    return []


def _body_lines(pages: list[list[_Line]]) -> tuple[list[list[_Line]], list[RemovedLine]]:
    """The body lines of every page, and the running headers and footers, page numbers and
    table-of-contents lines taken out of them (with their page and kind)."""
    running = _running_lines(pages)
    toc = _toc_lines(pages)
    removed: list[RemovedLine] = []
    bodies: list[list[_Line]] = []

    def is_running(line: _Line, depth: int) -> bool:
        key = _masked(line.text)
        if key not in running:
            return False
        height = running[key]
        if height is None:
            return depth < _EDGE_LINES
        return abs(line.top - height) <= 4.5 or depth < _EDGE_LINES

    tops = [ln.top for lines in pages for ln in lines]
    middle = (min(tops) + max(tops)) / 2 if tops else 0.0
    for number, lines in enumerate(pages):
        drop: dict[int, RemovedKind] = {}
        for edge in (0, -1):
            ordered = lines if edge == 0 else lines[::-1]
            zone = ordered[:_BLOCK_LINES]
            at_edge = True  # page numbers are taken only at the edge (or next to removed lines)
            skip = False
            for depth, line in enumerate(zone):
                if skip:
                    skip = False
                    continue
                if id(line) in drop:
                    continue
                if is_running(line, depth):
                    # a short page has its footer in its top zone too: the height decides
                    drop[id(line)] = "footer" if line.top > middle else "header"
                    continue
                if at_edge and _is_page_number(line.text):
                    drop[id(line)] = "page_number"
                    continue
                following = zone[depth + 1] if depth + 1 < len(zone) else None
                if at_edge and following is not None and (
                        _split_page_number(line, following) if edge == 0
                        else _split_page_number(following, line)):
                    drop[id(line)] = drop[id(following)] = "page_number"
                    skip = True
                    continue
                at_edge = False
        if number:
            for line in _repeated_top(lines, pages[number - 1], drop):
                drop[id(line)] = "table_header"
        body: list[_Line] = []
        for line in lines:
            why: RemovedKind | None = drop.get(id(line)) or ("toc" if id(line) in toc else None)
            if why:
                removed.append(RemovedLine(line.text, line.page, why, round(line.top, 1)))
            else:
                body.append(line)
        bodies.append(body)
    return bodies, removed


def _looks_like_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(text) > 100 or text.endswith((".", ";", ",")) or "," in text:
        return False
    capitals = len(letters) >= 4 and all(c.isupper() for c in letters)
    return bool(_UNIT_START.match(text)) or capitals


def _next_word_fits(prev: _Line, line: _Line) -> bool:
    """Would the first word of ``line`` have fitted at the end of ``prev``? Then the break is a
    paragraph end (or a manual break), not a wrap. A hyphenated line end is always a wrap."""
    if prev.text.endswith("-") or not line.text.strip():
        return False
    char_width = (prev.x1 - prev.x0) / max(len(prev.text), 1)
    first = line.text.split()[0]
    # capitals and wide letters take more room than the line's average character: stay on the safe
    # side (a wrap taken for a paragraph end splits a clause)
    units = 1.5 + sum(1.45 if c.isupper() or c in "mwMW@%" else 1.0 for c in first)
    return prev.right - prev.x1 > 1.25 * units * char_width


def _opens_item(prev: _Line, line: _Line) -> bool:
    """A bullet ("•", from any glyph) always opens a list item; a dash does after a line that ends
    a sentence or a list item, or after another dash item."""
    if line.text.startswith("• "):
        return True
    return bool(_ITEM_START.match(line.text)) and (
        prev.text.endswith(_TERMINAL) or bool(_ITEM_START.match(prev.text)))


def _indented_start(current: list[_Line], line: _Line) -> bool:
    """A first-line indent: after two or more lines of a paragraph, a line that starts well to the
    right of the paragraph's last line, when that last line is not itself indented (a hanging
    indent, "• item" then its wrapped lines further right, is not a new paragraph)."""
    if len(current) < 2 or line.row:
        return False
    prev = current[-1]
    return line.x0 > prev.x0 + 8.0 and prev.x0 <= current[0].x0 + 2.0 and not (
        line.text[:1].islower())


@dataclass
class _TableRow:
    """A table row being read: its columns (left edges) and the text lines of each cell."""

    lines: list[_Line] = field(default_factory=list)
    columns: list[float] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)  # right end of each cell's last line
    parts: list[list[str]] = field(default_factory=list)

    def start(self, line: _Line) -> None:
        self.lines = [line]
        self.columns = [x0 for x0, _, _ in line.cells]
        self.ends = [x1 for _, x1, _ in line.cells]
        self.parts = [[text] for _, _, text in line.cells]

    def _limit(self, slot: int, line: _Line) -> float:
        if slot + 1 < len(self.columns):
            return self.columns[slot + 1] - 6.0
        return max(line.right, *self.ends)

    def add(self, line: _Line) -> bool:
        """Add a line of wrapped cell text: each fragment starts at a column of the row whose
        previous line was full (its first word would not have fitted there)."""
        cells = line.cells or [(line.x0, line.x1, line.text)]
        slots: list[int] = []
        for x0, x1, text in cells:
            near = [i for i, c in enumerate(self.columns) if abs(c - x0) <= 4.0]
            if not near:
                return False
            slot = near[0]
            char_width = (x1 - x0) / max(len(text), 1)
            word = text.split()[0] if text.split() else ""
            room = self._limit(slot, line) - self.ends[slot]
            if room > 1.25 * (len(word) + 1.5) * char_width:
                return False  # the word would have fitted: a new row, not a wrapped line
            slots.append(slot)
        for slot, (_, x1, text) in zip(slots, cells, strict=True):
            self.parts[slot].append(text)
            self.ends[slot] = x1
        self.lines.append(line)
        return True

    def text(self) -> str:
        cells = [" ".join(part) for part in self.parts]
        return " | ".join(cell for cell in cells if cell)


def _paragraphs(bodies: list[list[_Line]]) -> list[Block]:
    """Group lines into paragraphs; a paragraph may run across a page (or column) break.

    Within a page a paragraph ends at a vertical gap larger than the usual line gap, or where the
    next line's first word would have fitted on the line (a short last line). Across a page or
    column break it continues when its last line is full (or the next line starts in lower case),
    unless the next line starts a numbered unit or looks like a heading.

    So the lines of one block are wrapped lines of one paragraph: ``segment`` does not split a PDF
    block again at lines that start with a number ("Section\n1.4 (Feedback)" is a wrapped line).
    """
    blocks: list[Block] = []
    current: list[_Line] = []
    table = _TableRow()

    def end_table() -> None:
        if table.lines:
            blocks.append(Block(text=table.text(), page=table.lines[0].page, index=len(blocks),
                                kind="table_row"))
            table.lines.clear()

    styles: dict[int, tuple[float, bool, int]] = {}  # block → (smallest size, all bold, lines)

    def flush() -> None:
        if current:
            styles[len(blocks)] = (min(ln.size for ln in current), all(ln.bold for ln in current),
                                   len(current))
            blocks.append(Block(text="\n".join(ln.text for ln in current), page=current[0].page,
                                index=len(blocks)))
            current.clear()

    def restyled(prev: _Line, line: _Line) -> bool:
        """A change of font size, or from bold lines to plain ones, ends a paragraph."""
        if prev.size > 0 and line.size > 0 and abs(prev.size - line.size) >= 1.0:
            return True
        return all(ln.bold for ln in current) and not line.bold

    def continues(prev: _Line, line: _Line) -> bool:
        """Across a page or column break: does ``line`` continue the current paragraph?"""
        if _UNIT_START.match(line.text) or _looks_like_heading(line.text) or restyled(prev, line):
            return False
        if line.text[:1].islower() and not prev.text.endswith(_TERMINAL):
            return True
        return not _next_word_fits(prev, line)  # a full last line: the paragraph goes on

    def line_gaps(lines: list[_Line]) -> list[float]:
        return sorted(b.top - a.bottom for a, b in itertools.pairwise(lines)
                      if b.top > a.bottom and a.group == b.group and not (a.row or b.row))

    # the right edge of full-width text, from the whole document: a page of short lines (a list,
    # a glossary) must not make its longest line look full
    widths = sorted(ln.x1 for lines in bodies for ln in lines if not (ln.row or ln.in_columns))
    if len(widths) >= 10:
        doc_right = widths[int(len(widths) * 0.9)]
        for lines in bodies:
            for ln in lines:
                # a table that runs into the margin must not make the page's text look short;
                # a page much wider than the text (landscape) keeps its own right edge
                if not ln.in_columns:
                    ln.right = doc_right if ln.right < 1.15 * doc_right else ln.right
    # the usual gap between the lines of a paragraph: a low quantile, as paragraph gaps are larger
    all_gaps = sorted(g for lines in bodies for g in line_gaps(lines))
    doc_usual = all_gaps[len(all_gaps) // 4] if all_gaps else 2.0
    for lines in bodies:
        gaps = line_gaps(lines)
        usual = min(gaps[len(gaps) // 4], doc_usual) if len(gaps) >= 8 else doc_usual
        for i, line in enumerate(lines):
            close = max(usual * 1.8, usual + 3)
            if table.lines:
                last = table.lines[-1]
                if (last.page == line.page and last.group == line.group
                        and line.top - last.bottom <= close and table.add(line)):
                    continue  # a wrapped line of the cells of the open table row
                end_table()
            if line.row:
                flush()
                table.start(line)
                continue
            if current:
                prev = current[-1]
                if i == 0 or prev.group != line.group or prev.page != line.page:
                    if not continues(prev, line):
                        flush()
                elif (line.top - prev.bottom > max(usual * 1.8, usual + 3)
                      or _next_word_fits(prev, line) or restyled(prev, line)
                      or _opens_item(prev, line) or _indented_start(current, line)):
                    flush()
            current.append(line)
    end_table()
    flush()
    return _mark_headings(blocks, styles, bodies)


def _mark_headings(blocks: list[Block], styles: dict[int, tuple[float, bool, int]],
                   bodies: list[list[_Line]]) -> list[Block]:
    """Short paragraphs set larger than the body text, or in bold, are headings.

    Levels follow the font sizes (largest first); bold headings at the body size come below them.
    Nothing is marked when the sizes are unknown (OCR) or when most of the text is bold.
    """
    chars: Counter[float] = Counter()
    bold_chars = total = 0
    for lines in bodies:
        for ln in lines:
            if not ln.row and ln.size > 0:
                chars[round(ln.size * 2) / 2] += len(ln.text)
                total += len(ln.text)
                bold_chars += len(ln.text) if ln.bold else 0
    if not chars:
        return blocks
    body = chars.most_common(1)[0][0]
    candidates: dict[int, float] = {}
    for i, (size, bold, count) in styles.items():
        text = blocks[i].text
        if count > 3 or len(text) > 200 or text.rstrip().endswith((".", ";", ",", ":")):
            continue
        if size >= body + 0.8:
            candidates[i] = round(size)
        elif bold and size >= body - 0.3 and bold_chars < 0.3 * total:
            candidates[i] = 0.0
    sizes = sorted({s for s in candidates.values() if s > 0}, reverse=True)
    out = list(blocks)
    for i, size in candidates.items():
        level = sizes.index(size) + 1 if size > 0 else len(sizes) + 1
        out[i] = dataclasses.replace(blocks[i], kind="heading", level=level)
    return out


# --------------------------------------------------------------------------- documents


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


def _read_page(path: Path, doc: object, index: int, ocr: str, state: dict,
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


def _iter_pdfium(path: Path, doc: object, ocr: str, state: dict) -> Iterator[_Page]:
    """The pages in order; up to ``state["ocr_jobs"]`` pages are OCRed at once (the pages
    after a page in OCR are read meanwhile), with the same result as one at a time."""
    from collections import deque

    jobs = max(1, int(state.get("ocr_jobs") or 1))
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
            state["warnings"].extend(head.notes)
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


def _begin_ocr(result: _Page, page: object, ocr: str, state: dict,
               folder: Callable[[], Path], notes: list[str]) -> _OcrJob | None:
    """Start the OCR of a page that needs it (None: it does not, or it cannot be done)."""
    if not _needs_ocr(result.frags, page, ocr):
        return None
    if state.get("ocr_missing"):
        state["ocr_skipped"].append(result.number)
        return None
    if state.get("on_ocr_page"):
        state["on_ocr_page"](result.number)
    try:
        return _start_ocr(page, folder(), result.number)
    except ExtractionError as e:
        if e.status == "ocr_unavailable":
            state["ocr_missing"] = True
            state["ocr_skipped"].append(result.number)
        else:
            notes.append(f"page {result.number}: OCR failed ({e})")
        return None


def _end_ocr(result: _Page, job: _OcrJob, ocr: str, state: dict, notes: list[str]) -> None:
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
    state.setdefault("ocr_pages", []).append(result.number)
    if confidence is not None and confidence < OCR_MIN_CONFIDENCE:
        state["low_confidence"].append((result.number, confidence))


def _maybe_ocr(result: _Page, page: object, ocr: str, state: dict) -> None:
    """OCR one page now, if it needs it (the pdfplumber engine's one-page-at-a-time path)."""
    with _LazyFolder() as folder:
        job = _begin_ocr(result, page, ocr, state, folder, state["warnings"])
        if job is not None:
            _end_ocr(result, job, ocr, state, state["warnings"])


def _read_pdfium(path: Path, ocr: str, state: dict) -> list[list[_Line]]:
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
            state["warnings"].append(
                f"{path.name}: PDF is encrypted with an owner password only (permissions "
                "restricted); its text was read"
            )
        state["pages"] = len(doc)
        return [_page_lines(page) for page in _iter_pdfium(path, doc, ocr, state)]
    finally:
        doc.close()


def _read_plumber(path: Path, ocr: str, state: dict) -> list[list[_Line]]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    pages: list[list[_Line]] = []
    pdfium_doc = None
    try:
        with pdfplumber.open(str(path)) as pdf:
            if getattr(pdf.doc, "encryption", None):
                state["warnings"].append(
                    f"{path.name}: PDF is encrypted with an owner password only (permissions "
                    "restricted); its text was read"
                )
            state["pages"] = len(pdf.pages)
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


def extract_pdf(
    path: Path, *, ocr: str = "auto", engine: str = "auto",
    on_ocr_page: Callable[[int], None] | None = None, ocr_jobs: int = 1,
) -> ExtractedDocument:
    """Read a PDF page by page (text layer, OCR where there is none).

    Args:
        path: the PDF file.
        ocr: "auto" (OCR pages without a usable text layer), "never" or "always".
        engine: "auto" (pypdfium2, falling back to pdfplumber when PDFium cannot parse the file),
            "pypdfium2" or "pdfplumber".
        on_ocr_page: called with the page number before each page goes to OCR.
        ocr_jobs: how many pages may be OCRed at once (pypdfium2 engine; the result is the
            same as one at a time).

    Raises:
        ExtractionError: corrupt (``parse_error``) or user-password-protected (``encrypted``) PDF.
    """
    if engine not in PDF_ENGINES:
        raise ValueError(f"pdf_engine must be one of {PDF_ENGINES}")
    if ocr not in OCR_MODES:
        raise ValueError(f"ocr must be one of {OCR_MODES}")
    state: dict = {"warnings": [], "ocr_skipped": [], "low_confidence": [], "pages": 0,
                   "on_ocr_page": on_ocr_page, "ocr_jobs": ocr_jobs}
    if engine == "pdfplumber":
        pages = _read_plumber(path, ocr, state)
    else:
        try:
            pages = _read_pdfium(path, ocr, state)
        except ExtractionError as e:
            if engine == "pypdfium2" or e.status != "parse_error":
                raise
            logger.info("%s: PDFium failed (%s), trying pdfplumber", path, e)
            state = {"warnings": [], "ocr_skipped": [], "low_confidence": [], "pages": 0,
                     "on_ocr_page": on_ocr_page}
            pages = _read_plumber(path, ocr, state)
    bodies, removed = _body_lines(pages)
    blocks = _paragraphs(bodies)
    count = len(pages)
    ocr_pages = tuple(sorted(state.get("ocr_pages", ()) or ()))
    warnings: list[str] = list(state["warnings"])
    if state["ocr_skipped"]:
        skipped = state["ocr_skipped"]
        warnings.append(
            f"{path.name}: {len(skipped)} page(s) without a text layer need OCR but tesseract is "
            f"not installed ({_TESSERACT_HINT}): pages {', '.join(map(str, skipped[:20]))}"
        )
    for number, confidence in state["low_confidence"]:
        warnings.append(
            f"{path.name}: low OCR confidence on page {number} ({confidence:.0f}/100); "
            "check the scan quality"
        )
    empty = [i for i, lines in enumerate(pages, start=1)
             if not lines and i not in state["ocr_skipped"]]
    if empty and ocr == "never":
        warnings.append(
            f"{path.name}: {len(empty)} of {count} page(s) have no text layer (scanned? OCR is "
            f"off): {', '.join(map(str, empty[:20]))}"
        )
    if not blocks:
        warnings.append(f"{path.name}: no text could be extracted from the PDF")
    return ExtractedDocument(
        path=str(path), format="pdf", blocks=tuple(blocks), pages=count, ocr_pages=ocr_pages,
        warnings=tuple(warnings), removed_lines=tuple(r.text for r in removed),
        removed=tuple(removed),
    )
