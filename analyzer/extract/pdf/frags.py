"""Text fragments with their boxes, read from PDFium or pdfplumber."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from analyzer.extract.pdf.bullets import _SYMBOL_LETTERS, _bulleted
from analyzer.extract.pdf.model import _Frag, _is_bold

_CONTROL = re.compile(r"[\x00-\x01\x03-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


MIN_TEXT_CHARS = 20  # a page with fewer non-blank characters has no usable text layer


def _clean(text: str) -> str:
    # PDFium marks a hyphen it found at a line end with U+0002 or U+FFFE.
    return _CONTROL.sub("", text.replace("\x02", "-").replace("\ufffe", "-"))


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
