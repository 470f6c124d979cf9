"""Plain text and Markdown: blocks separated by blank lines, Markdown headings and tables kept."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from analyzer.errors import ExtractionError
from analyzer.models import Block, ExtractedDocument

# No nested or adjacent overlapping repeats (the former ``(.*?)\s*#*\s*$`` backtracked
# cubically on a line of '#' and spaces): one linear match, closing '#'s stripped in Python.
_MD_HEADING = re.compile(r"(#{1,6})\s+(.*)")
_MD_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


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


def text_blocks(text: str, markdown: bool, per_line: bool = False) -> list[Block]:
    """Split text into blocks: blank lines end a block; Markdown headings and table rows stand
    alone.

    With ``per_line`` every non-blank line is a block of its own.
    """
    blocks: list[Block] = []
    current: list[str] = []
    start_line = 0

    def flush() -> None:
        if current:
            blocks.append(Block(text="\n".join(current), index=start_line))
            current.clear()

    for lineno, raw in enumerate(text.splitlines()):
        line = raw.rstrip()
        if not line.strip():
            flush()
            continue
        if markdown:
            heading = md_heading(line)
            if heading:
                flush()
                blocks.append(Block(text=heading[1], index=lineno, kind="heading",
                                    level=heading[0]))
                continue
            if line.lstrip().startswith("|"):
                flush()
                if not _MD_TABLE_RULE.match(line.strip()):
                    cells = [c.strip() for c in line.strip().strip("|").split("|")]
                    blocks.append(Block(text=" | ".join(cells), index=lineno, kind="table_row"))
                continue
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
    if markdown:
        text = _MD_FRONT_MATTER.sub("", text)
    blocks = text_blocks(text, markdown=markdown,
                         per_line=not markdown and one_paragraph_per_line(text))
    if not blocks:
        warnings.append(f"{path.name}: the document contains no text")
    return ExtractedDocument(path=str(path), format=fmt, blocks=tuple(blocks),
                             warnings=tuple(warnings))
