"""Plain data passed between the pipeline stages (extraction → segmentation → tagging → map →
report)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from analyzer.explanation import Explanation

MAX_TEXT_CHARS = 2_000_000
"""Longest text the NLP pipeline takes in one piece (spaCy's ``nlp.max_length``; beyond it spaCy
raises E088). The batch's default ``--max-chars`` is this, and longer paragraphs are split."""

BlockKind = Literal["paragraph", "heading", "list_item", "table_row", "footnote"]


@dataclass(frozen=True)
class Block:
    """One unit of extracted text, in reading order.

    Attributes:
        text: the text of the unit (lines of a paragraph may still contain newlines).
        page: 1-based page number (PDF), else None.
        index: position of the unit in the source (paragraph index for DOCX, line for text).
        kind: what the source says the unit is; "paragraph" when it does not say.
        level: heading level (1 = top) when the source declares one (DOCX styles, Markdown #).
        number: the automatic numbering label when the source generates it (DOCX numbering);
            the text then starts with that label.
        paragraph: 0-based index of the source paragraph (DOCX: every ``w:p`` of the body in
            document order, table cells and text boxes included), else None.
        columns: for a table row under a header row, the header's cells ("Activité", "Rôle
            Client", "Rôle Cloud Temple"); empty otherwise (the header row itself included).
        cells: for such a row, its own cells in the header's order, empty cells kept ("" where
            ``text`` leaves them out), so that ``cells[i]`` sits under ``columns[i]``.
    """

    text: str
    page: int | None = None
    index: int = 0
    kind: BlockKind = "paragraph"
    level: int | None = None
    number: str | None = None
    paragraph: int | None = None
    columns: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()


RemovedKind = Literal["header", "footer", "page_number", "toc", "table_header"]


@dataclass(frozen=True)
class RemovedLine:
    """A line kept out of the body text, with where it was found (PDF).

    Attributes:
        text: the line as read ("cell | cell" for a table row).
        page: 1-based page number.
        kind: "header" or "footer" (repeated at the top or bottom of the pages), "page_number",
            "toc" (a table-of-contents entry, e.g. with dot leaders), or "table_header" (a table
            header repeated at the top of the next page; its first occurrence stays in the body).
        top: distance of the line's top from the top of the page, in points.
    """

    text: str
    page: int
    kind: RemovedKind
    top: float = 0.0


@dataclass(frozen=True)
class ExtractedDocument:
    """The text of one input file, as blocks, with what the extractor noticed."""

    path: str
    format: str
    blocks: tuple[Block, ...]
    pages: int | None = None
    ocr_pages: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()
    removed_lines: tuple[str, ...] = field(default=())
    """Running headers, footers, page numbers and table-of-contents lines removed from the body
    text (DOCX: header and footer texts), kept as document metadata."""
    removed: tuple[RemovedLine, ...] = field(default=())
    """The same lines with their provenance (page, header/footer/page number/TOC), PDF only."""


@dataclass(frozen=True)
class Segment:
    """A clause (or heading) of the normalised document text.

    ``page`` is the PDF page where the clause starts; ``paragraph`` the DOCX paragraph index (see
    ``Block.paragraph``); ``start``/``end`` index the normalised text returned by ``segment()``.
    Whether it belongs to a definitions section is the tag stage's to say
    (``tagging.glossary_ids``: the rules know the words of each language). ``columns`` and
    ``cells``: a table row's header cells and its own cells (``Block.columns``; empty for other
    segments), which the qualify stage reads as a responsibility matrix (``qualify.matrix``).
    """

    id: str
    number: str | None
    heading_path: tuple[str, ...]
    page: int | None
    start: int
    end: int
    kind: Literal["heading", "clause"]
    text: str
    paragraph: int | None = None
    columns: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A rule hit of a tagged clause: the rule id and the matched text with its offsets in the
    normalised document text."""

    rule: str
    start: int
    end: int
    text: str


CommitmentKind = Literal["obligation", "mention"]


@dataclass(frozen=True)
class TaggedClause:
    """A clause the tag stage tagged, as it travels to the report (``clauses[]``).

    The tag stage sets everything but the commitment; the Map stage may replace ``mapping``
    and add a remap note to ``explanation`` (``mapping.map_clauses``), and
    ``mentions.apply_commitments`` sets ``commitment`` with ``obligation_mapping`` (an
    obligation: the targets it binds the provider to) or ``commitment_reason`` (a mention).
    Each stage returns new values (``dataclasses.replace``); ``report_json.clause_json`` is the
    one conversion to the report's form.
    """

    id: str
    number: str | None
    heading_path: tuple[str, ...]
    page: int | None
    paragraph: int | None
    start: int
    end: int
    text: str
    categories: tuple[str, ...]
    topics: tuple[str, ...]
    mapping: tuple[str, ...]
    status: str
    party: str
    hits: tuple[Hit, ...]
    explanation: Explanation
    commitment: CommitmentKind | None = None
    obligation_mapping: tuple[str, ...] = ()
    commitment_reason: str | None = None
