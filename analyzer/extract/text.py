"""Plain text and Markdown: blocks separated by blank lines, Markdown headings and tables kept.

Text exported line by line from a PDF ("page text": one line per printed line, page footers and
table-of-contents lines kept, blank lines only at page breaks) is rebuilt into paragraphs from
its layout: running lines repeated on many pages, page numbers and dot-leader TOC lines are
removed (kept as ``removed_lines``), and a paragraph ends at a line that stops well short of the
right margin or that ends a sentence before a line that starts a new one.
"""

from __future__ import annotations

import codecs
import re
import statistics
from collections import Counter
from pathlib import Path

from analyzer.errors import ExtractionError
from analyzer.models import Block, ExtractedDocument

# No nested or adjacent overlapping repeats (the former ``(.*?)\s*#*\s*$`` backtracked
# cubically on a line of '#' and spaces): one linear match, closing '#'s stripped in Python.
_MD_HEADING = re.compile(r"(#{1,6})\s+(.*)")
_MD_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!'\"|<>~])")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def markdown_inline(line: str) -> str:
    """A Markdown line as read: backslash escapes (``L\\'accès``) and bold markers
    (``**Client**``) removed, so that words and party names match the rules."""
    return _MD_ESCAPE.sub(r"\1", _MD_STRONG.sub(r"\2", line))


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def text_bom(head: bytes) -> str | None:
    """The codec named by a UTF-16 or UTF-32 byte-order mark at the start, else None."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    return None


def decode_text(data: bytes, path: Path) -> tuple[str, list[str]]:
    """Decode UTF-16/UTF-32 with a byte-order mark, UTF-8 (with or without BOM), else
    Windows-1252 with a warning."""
    codec = text_bom(data[:4])
    if codec:
        try:
            return data.decode(codec), []
        except UnicodeDecodeError as e:
            raise ExtractionError(f"{path}: text with a {codec.upper()} byte-order mark is not "
                                  f"valid {codec.upper()} ({e})") from e
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252"), [f"{path.name}: not UTF-8, read as Windows-1252"]
        except UnicodeDecodeError as e:
            raise ExtractionError(f"{path}: text is neither UTF-8 nor Windows-1252 ({e})") from e


def md_heading(line: str) -> tuple[int, str] | None:
    """``(level, text)`` of a Markdown ATX heading line (``## Titre ##``), else None.

    Linear in the line's length: the closing sequence (spaces, '#'s, spaces) is stripped with
    ``rstrip``, never by a backtracking pattern.
    """
    match = _MD_HEADING.match(line)
    if match is None:
        return None
    return len(match.group(1)), match.group(2).rstrip().rstrip("#").rstrip()


def looks_like_markdown(text: str) -> bool:
    """True when a .txt file is Markdown in disguise (several # headings or a table rule)."""
    lines = text.splitlines()
    headings = sum(1 for line in lines if md_heading(line))
    return headings >= 2 or any(_MD_TABLE_RULE.match(line.strip()) for line in lines if "|" in line)


def one_paragraph_per_line(text: str) -> bool:
    """True for unwrapped plain text (exported from a word processor): every line is a paragraph.

    Wrapped text has lines of 60-140 characters; unwrapped text has many lines far longer.
    """
    lengths = [len(line) for line in text.splitlines() if line.strip()]
    long_lines = sum(1 for n in lengths if n > 200)
    return long_lines >= max(3, 0.05 * len(lengths))


_TOC_LINE = re.compile(r"(?:\.{4,}|…{2,}|(?:\. ){4,}|_{4,})\s*\d{1,4}\s*$")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:-\s*\d{1,4}\s*-|(?:page|p\.)?\s*\d{1,4}\s*(?:/|sur|of|de)\s*\d{1,4}|page\s+\d{1,4}|\d{1,4})\s*$",
    re.I)
_ITEM_START = re.compile(
    r"^\s*(?:[-*+–—•▪●◦‣o\uf000-\uf0ff]\s|\d{1,3}(?:\.\d{1,3})*[.)°]?\s|\(?[a-zA-Z]\)\s|\(?[ivxIVX]{1,5}\)\s"
    r"|(?:article|art\.|section|clause|annexe|annex|chapitre|chapter)\s+\d)", re.I)
_SENTENCE_END = (".", ";", ":", "!", "?", "»", '"', ")")
_RUNNING_MIN_PAGES = 3


_PAGE_MARK = re.compile(r"\bpage\s*\d{1,4}\b|^\s*-?\s*\d{1,4}\s*-?\s*$|\b\d{1,4}\s*/\s*\d{1,4}\s*$", re.I)


def is_page_text(text: str) -> bool:
    """True for text exported line by line from a PDF: short lines, blank lines only at pages.

    Paragraph-separated text has a blank line every few lines; page text has one per page
    (40-60 lines) or none, or its blank-separated blocks end with a page number.
    """
    lines = text.splitlines()
    filled = [line for line in lines if line.strip()]
    if len(filled) < 12:
        return False
    lengths = sorted(len(line.rstrip()) for line in filled)
    if lengths[len(lengths) * 9 // 10] > 160:
        return False
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    marked = sum(1 for b in blocks if _PAGE_MARK.search(b.strip().splitlines()[-1]))
    if len(blocks) >= 3 and marked >= 0.5 * len(blocks):
        return True
    return len(filled) >= 30 and len(lines) - len(filled) < 0.08 * len(filled)


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split())).casefold()


def _running_shapes(pages: list[list[str]]) -> set[str]:
    """Shapes of short lines that recur on at least three pages (headers, footers)."""
    seen: Counter[str] = Counter()
    for page in pages:
        for shape in {_shape(line) for line in page if 0 < len(line.strip()) < 160}:
            seen[shape] += 1
    threshold = max(_RUNNING_MIN_PAGES, len(pages) // 3)
    return {shape for shape, n in seen.items() if n >= threshold and any(c.isalpha() for c in shape)}


def _starts_paragraph(line: str, previous: str, full: int) -> bool:
    """Does ``line`` open a new paragraph after ``previous`` (both non-blank)?"""
    stripped = line.strip()
    if _ITEM_START.match(line):
        return True
    prev = previous.rstrip()
    short = len(prev) < 0.75 * full
    opens = stripped[:1].isupper() or stripped[:1] in "«\"(" or stripped[:1].isdigit()
    return opens and (short or prev.endswith(_SENTENCE_END))


def page_text_blocks(text: str) -> tuple[list[Block], list[str]]:
    """Paragraph blocks of page text, and the running lines, page numbers and TOC lines removed."""
    lines = text.splitlines()
    pages: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            pages[-1].append(line)
        elif pages[-1]:
            pages.append([])
    running = _running_shapes(pages)
    lengths = [len(line.rstrip()) for line in lines if len(line.strip()) > 40]
    full = int(statistics.quantiles(lengths, n=10)[7]) if len(lengths) >= 10 else 100
    blocks: list[Block] = []
    removed: list[str] = []
    current: list[str] = []
    start_line = 0
    previous = ""  # last kept line, across page breaks and removed lines

    def flush() -> None:
        if current:
            blocks.append(Block(text="\n".join(current), index=start_line))
            current.clear()

    for lineno, raw in enumerate(lines):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            continue  # a page break: whether the paragraph goes on is decided by the next line
        if (_TOC_LINE.search(stripped) or _PAGE_NUMBER.match(stripped)
                or _shape(stripped) in running):
            removed.append(stripped)
            continue
        if current and _starts_paragraph(line, previous, full):
            flush()
        if not current:
            start_line = lineno
        current.append(line)
        previous = line
    flush()
    return blocks, removed


def text_blocks(text: str, markdown: bool, per_line: bool = False) -> list[Block]:
    """Split text into blocks: blank lines end a block; Markdown headings and table rows stand
    alone, each row under a header row (the row above the ``|---|`` rule) with that header's
    cells as its ``columns``.

    With ``per_line`` every non-blank line is a block of its own.
    """
    blocks: list[Block] = []
    current: list[str] = []
    start_line = 0
    header: tuple[str, ...] = ()  # the header cells of the open Markdown table
    above: tuple[str, ...] = ()  # the cells of the table row on the line above

    def flush() -> None:
        if current:
            blocks.append(Block(text="\n".join(current), index=start_line))
            current.clear()

    for lineno, raw in enumerate(text.splitlines()):
        line = markdown_inline(raw.rstrip()) if markdown else raw.rstrip()
        if not line.strip():
            flush()
            header = above = ()
            continue
        if markdown:
            heading = md_heading(line)
            if heading:
                flush()
                header = above = ()
                blocks.append(Block(text=heading[1], index=lineno, kind="heading",
                                    level=heading[0]))
                continue
            if line.lstrip().startswith("|"):
                flush()
                if _MD_TABLE_RULE.match(line.strip()):
                    header, above = above, ()
                    continue
                above = tuple(c.strip() for c in line.strip().strip("|").split("|"))
                blocks.append(Block(text=" | ".join(above), index=lineno, kind="table_row",
                                    columns=header, cells=above if header else ()))
                continue
            header = above = ()
        if not current:
            start_line = lineno
        current.append(line)
        if per_line:
            flush()
    flush()
    return blocks


def extract_text(path: Path, fmt: str) -> ExtractedDocument:
    """Read a .txt or .md file."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ExtractionError(f"{path}: cannot read ({e})") from e
    text, warnings = decode_text(data, path)
    markdown = fmt == "md" or looks_like_markdown(text)
    removed: list[str] = []
    if markdown:
        text = _MD_FRONT_MATTER.sub("", text)
    if not markdown and is_page_text(text):
        blocks, removed = page_text_blocks(text)
    else:
        blocks = text_blocks(text, markdown=markdown,
                             per_line=not markdown and one_paragraph_per_line(text))
    if not blocks:
        warnings.append(f"{path.name}: the document contains no text")
    return ExtractedDocument(path=str(path), format=fmt, blocks=tuple(blocks),
                             warnings=tuple(warnings), removed_lines=tuple(removed))
