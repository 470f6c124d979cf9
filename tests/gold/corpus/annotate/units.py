"""Split a corpus document body into annotation units with exact character offsets.

Independent of the analyzer (gold must not be shaped by the tool it measures). Works on Markdown
texts (paragraph = consecutive non-blank lines) and on texts extracted line by line from a PDF
(hard line breaks, running footers, table-of-contents lines), where a paragraph ends at a line that
stops well short of the right margin, or ends a sentence before a line that starts a new one.

Usage: python units.py CORPUS_FILE [--from N] [--to M]
Prints one unit a line: ``index start-end kind sha8 | text`` (kinds: para, item, row, heading,
toc, noise). ``noise`` are lines repeated on many pages (running headers/footers, page numbers).
"""

from __future__ import annotations

import hashlib
import re
import statistics
import sys
from collections import Counter

ITEM = re.compile(
    r"^\s*(?:[-*+–•▪●◦o\uf0b7\uf0a7\uf0d8\uf076\uf0fc]\s|\d{1,3}(?:\.\d{1,3})*[.)°]?\s|\(?[a-zA-Z]\)\s|"
    r"\(?[ivxIVX]{1,5}\)\s|(?:article|art\.|section|clause|annexe|annex)\s+\d)", re.I)
NUMBERED_HEADING = re.compile(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*\.?|[A-Z]\.|article\s+\d+\S*)\s+\S", re.I)
TOC = re.compile(r"(?:\.{4,}|…{2,}|(?:\. ){4,})\s*\d{1,4}\s*$")
PAGE = re.compile(r"^\s*(?:page\s*)?\d{1,4}\s*(?:/|sur|of)\s*\d{1,4}\s*$|^\s*\d{1,4}\s*$", re.I)
SENTENCE_END = (".", ";", ":", "!", "?", "»", '"', ")")


def body_of(raw: str) -> str:
    """The document text: what follows the corpus header block and its blank line."""
    if raw.startswith("SOURCE:") and "\n\n" in raw:
        return raw.split("\n\n", 1)[1]
    return raw


def sha8(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _lines(body: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in body.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split())).casefold()


def units(body: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every unit, in order."""
    lines = _lines(body)
    shapes = Counter(_shape(t) for _, t in lines if t.strip())
    lengths = [len(t.rstrip()) for _, t in lines if len(t.strip()) > 40]
    full = statistics.quantiles(lengths, n=10)[7] if len(lengths) >= 10 else 100
    out: list[tuple[int, int, str]] = []
    cur: list[int] | None = None  # [start, end]
    kind = "para"

    def flush() -> None:
        nonlocal cur
        if cur is not None:
            s, e = cur
            seg = body[s:e]
            s2 = s + len(seg) - len(seg.lstrip())
            e2 = s + len(seg.rstrip())
            if e2 > s2:
                out.append((s2, e2, kind))
        cur = None

    prev = ""
    for pos, line in lines:
        st = line.strip()
        end = pos + len(line)
        if not st:
            flush()
            prev = ""
            continue
        single = None
        if st.startswith("#"):
            single = "heading"
        elif st.startswith("|"):
            single = "row"
        elif TOC.search(st):
            single = "toc"
        elif PAGE.match(st) or (shapes[_shape(st)] >= 4 and len(st) < 160):
            single = "noise"
        if single:
            flush()
            kind = single
            cur = [pos, end]
            flush()
            prev = ""
            continue
        short_prev = bool(prev) and len(prev.rstrip()) < 0.75 * full
        starts_new = (
            cur is None
            or bool(ITEM.match(line))
            or (prev.rstrip().endswith(SENTENCE_END) and (st[:1].isupper() or short_prev))
            or (short_prev and st[:1].isupper())
        )
        if starts_new:
            flush()
            is_heading = (NUMBERED_HEADING.match(st) and len(st) < 110
                          and not st.endswith((".", ";", ",", ":")) and st.count(" ") < 14)
            kind = "heading" if is_heading else ("item" if ITEM.match(line) else "para")
            cur = [pos, end]
            if kind == "heading":
                flush()
                prev = ""
                continue
        else:
            assert cur is not None
            cur[1] = end
        prev = line
    flush()
    return out


def main(argv: list[str]) -> None:
    path = argv[0]
    lo = int(argv[argv.index("--from") + 1]) if "--from" in argv else 0
    hi = int(argv[argv.index("--to") + 1]) if "--to" in argv else 10**9
    with open(path, encoding="utf-8") as fh:
        body = body_of(fh.read())
    for i, (s, e, kind) in enumerate(units(body)):
        if lo <= i <= hi:
            text = body[s:e]
            print(f"{i} {s}-{e} {kind} {sha8(text)} | {' '.join(text.split())}")


if __name__ == "__main__":
    main(sys.argv[1:])
