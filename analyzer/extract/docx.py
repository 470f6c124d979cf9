"""DOCX: body paragraphs and tables in document order, from the XML that python-docx exposes.

What this reads beyond ``paragraph.text``:

- automatic numbering (``numbering.xml``: abstract numbers, levels, ``lvlText`` such as "Article
  %1" or "%1.%2", formats decimal/letter/roman, start overrides) → ``Block.number`` and a label in
  the text;
- headings from style names ("Heading 2", "Titre 2"), style inheritance and outline levels;
- tables row by row ("cell | cell"), content controls (``w:sdt``), text boxes (after their
  paragraph);
- tracked changes: insertions kept, deletions dropped, and a warning says the document had some;
- footnotes and endnotes (blocks of kind "footnote" after the body); headers and footers are kept
  apart (``ExtractedDocument.removed_lines``), never mixed into clause text.

No XML is parsed with entity resolution: python-docx parses the package with
``resolve_entities=False`` and the few parts read here directly use a hardened parser; a part
declaring a DOCTYPE or ENTITY is refused (``preflight.refuse_doctype``).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer.errors import ExtractionError
from analyzer.extract.docx_numbering import MC_NS, Numbering, W, _attr, _child
from analyzer.extract.preflight import refuse_doctype
from analyzer.models import Block, BlockKind, ExtractedDocument

_HEADING_STYLE = re.compile(r"^(?:heading|titre|title|überschrift)\s*(\d)?$", re.I)
_SKIP = {f"{W}pPr", f"{W}rPr", f"{W}del", f"{W}moveFrom", f"{W}delText", f"{W}instrText",
         f"{W}footnoteReference", f"{W}endnoteReference", f"{W}commentReference",
         f"{W}sectPr", f"{W}tblPr", f"{W}trPr", f"{W}tcPr", f"{W}sdtPr", f"{W}sdtEndPr"}
_TRACKED = (f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo")


# --------------------------------------------------------------------------- styles


@dataclass
class _Style:
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None
    outline: int | None


def _styles(document: Any) -> dict[str, _Style]:
    try:
        root = document.part.styles.element
    except (AttributeError, KeyError, NotImplementedError):
        return {}
    styles: dict[str, _Style] = {}
    for style in root.iter(f"{W}style"):
        ppr = _child(style, "pPr")
        num_pr = _child(ppr, "numPr")
        ilvl = _attr(_child(num_pr, "ilvl"), "val")
        outline = _attr(_child(ppr, "outlineLvl"), "val")
        styles[_attr(style, "styleId") or ""] = _Style(
            name=_attr(_child(style, "name"), "val") or "",
            based_on=_attr(_child(style, "basedOn"), "val"),
            num_id=_attr(_child(num_pr, "numId"), "val"),
            ilvl=int(ilvl) if ilvl is not None else None,
            outline=int(outline) if outline is not None else None,
        )
    return styles


def _style_chain(styles: dict[str, _Style], style_id: str | None) -> Iterator[tuple[str, _Style]]:
    seen: set[str] = set()
    while style_id and style_id in styles and style_id not in seen:
        seen.add(style_id)
        yield style_id, styles[style_id]
        style_id = styles[style_id].based_on


# --------------------------------------------------------------------------- walk


@dataclass
class _Walk:
    numbering: Numbering
    styles: dict[str, _Style]
    blocks: list[Block] = field(default_factory=list)
    paragraph: int = 0
    tracked: bool = False

    def heading_level(self, ppr: Any, style_id: str | None) -> int | None:
        outline = _attr(_child(ppr, "outlineLvl"), "val")
        for _, style in _style_chain(self.styles, style_id):
            match = _HEADING_STYLE.match(style.name.strip())
            if match:
                return int(match.group(1) or 1)
            if outline is None and style.outline is not None:
                outline = str(style.outline)
        if outline is not None and outline.isdigit() and int(outline) < 9:
            return int(outline) + 1
        return None

    def label(self, ppr: Any, style_id: str | None) -> tuple[str, bool] | None:
        num_pr = _child(ppr, "numPr")
        num_id = _attr(_child(num_pr, "numId"), "val")
        ilvl_text = _attr(_child(num_pr, "ilvl"), "val")
        ilvl = int(ilvl_text) if ilvl_text is not None else None
        if num_id is None:
            for sid, style in _style_chain(self.styles, style_id):
                if style.num_id is not None:
                    num_id = style.num_id
                    if ilvl is None:
                        ilvl = style.ilvl if style.ilvl is not None else \
                            self.numbering.level_for_style(num_id, sid)
                    break
        if num_id is None or num_id == "0":
            return None
        return self.numbering.next_label(num_id, ilvl or 0)

    def inline_text(self, el: Any, boxes: list[Any]) -> str:
        """Text of a paragraph's content; text boxes found inside are collected in ``boxes``."""
        out: list[str] = []
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                if tag in _TRACKED:
                    self.tracked = True
                continue
            if tag == f"{W}t":
                out.append(child.text or "")
            elif tag in (f"{W}tab", f"{W}ptab"):
                out.append(" ")
            elif tag in (f"{W}br", f"{W}cr"):
                out.append("\n")
            elif tag == f"{W}noBreakHyphen":
                out.append("-")
            elif tag == f"{W}txbxContent":
                boxes.append(child)
            elif tag == f"{{{MC_NS}}}AlternateContent":
                choice = child.find(f"{{{MC_NS}}}Choice")
                if choice is not None:
                    out.append(self.inline_text(choice, boxes))
            elif tag == f"{W}r" and _child(child, "rPr", "vanish") is not None:
                continue  # hidden text
            else:
                if tag in _TRACKED:
                    self.tracked = True
                out.append(self.inline_text(child, boxes))
        return "".join(out)

    def flat_text(self, container: Any) -> str:
        """The text of every paragraph inside a table cell or a note, on one line."""
        parts: list[str] = []
        for p in container.iter(f"{W}p"):
            block, _ = self.paragraph_block(p, in_table=True)
            if block is not None:
                parts.append(block.text)
        return " ".join(" ".join(parts).split())

    def paragraph_block(self, p: Any, in_table: bool = False) -> tuple[Block | None, list[Any]]:
        index = self.paragraph
        self.paragraph += 1
        ppr = _child(p, "pPr")
        style_id = _attr(_child(ppr, "pStyle"), "val")
        boxes: list[Any] = []
        lines = (" ".join(line.split()) for line in self.inline_text(p, boxes).split("\n"))
        text = "\n".join(line for line in lines if line)
        if _child(ppr, "rPr", "del") is not None and not text:
            self.tracked = True  # a deleted paragraph mark
        label = self.label(ppr, style_id) if text else None
        number = None
        kind: BlockKind = "paragraph"
        if label is not None:
            label_text, bullet = label
            kind = "list_item"
            if label_text and not bullet:
                number = label_text.rstrip(".").strip() or None
                text = f"{label_text} {text}"
        level = None if in_table else self.heading_level(ppr, style_id)
        if level is not None:
            kind = "heading"
        if not text.strip():
            return None, boxes
        return Block(text=text.strip(), index=index, kind=kind, level=level, number=number,
                     paragraph=index), boxes

    def add_paragraph(self, p: Any) -> None:
        block, boxes = self.paragraph_block(p)
        if block is not None:
            self.blocks.append(block)
        for box in boxes:
            self.walk(box)

    def add_table(self, tbl: Any) -> None:
        """One ``table_row`` block per row; the rows below the first carry its cells as their
        ``columns`` (and their own cells, empty ones kept, as ``cells``)."""
        header: tuple[str, ...] | None = None
        for tr in tbl.iter(f"{W}tr"):
            if tr.getparent() is not tbl and tr.getparent().tag != f"{W}sdtContent":
                continue  # rows of nested tables are read as part of their cell
            first = self.paragraph
            cells = tuple(self.flat_text(tc) for tc in tr.iter(f"{W}tc")
                          if tc.getparent() is tr or tc.getparent().tag == f"{W}sdtContent")
            text = " | ".join(c for c in cells if c)
            if text:
                self.blocks.append(Block(text=text, index=first, kind="table_row",
                                         paragraph=first, columns=header or (),
                                         cells=cells if header else ()))
            if header is None and text:
                header = cells

    def walk(self, container: Any) -> None:
        for child in container:
            tag = child.tag
            if tag == f"{W}p":
                self.add_paragraph(child)
            elif tag == f"{W}tbl":
                self.add_table(child)
            elif tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}ins", f"{W}moveTo"):
                if tag in _TRACKED:
                    self.tracked = True
                self.walk(child)
            elif tag in (f"{W}del", f"{W}moveFrom"):
                self.tracked = True


# --------------------------------------------------------------------------- package parts


def _parse_part(blob: bytes) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    return etree.fromstring(blob, parser)


def _notes(document: Any, walk: _Walk) -> list[Block]:
    """Footnotes and endnotes as blocks of kind "footnote"."""
    blocks: list[Block] = []
    for rel in document.part.rels.values():
        kind = rel.reltype.rsplit("/", 1)[-1]
        if kind not in ("footnotes", "endnotes") or rel.is_external:
            continue
        part = rel.target_part
        root = getattr(part, "element", None)
        if root is None:
            root = _parse_part(part.blob)
        for note in root:
            if _attr(note, "type") in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            text = walk.flat_text(note)
            if text:
                blocks.append(Block(text=text, index=walk.paragraph, kind="footnote",
                                    paragraph=None))
    return blocks


def _furniture(document: Any) -> list[str]:
    """Texts of headers and footers (each once)."""
    seen: list[str] = []
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.even_page_header,
                     section.footer, section.first_page_footer, section.even_page_footer):
            try:
                if part.is_linked_to_previous:
                    continue
                texts = [p.text.strip() for p in part.paragraphs]
            except (AttributeError, KeyError, NotImplementedError):
                continue
            for text in texts:
                if text and text not in seen:
                    seen.append(text)
    return seen


def extract_docx(path: Path) -> ExtractedDocument:
    """Read a .docx file (body, numbering, headings, tables, notes; headers/footers apart).

    Raises:
        ExtractionError: not a valid DOCX package, or a part declares a DOCTYPE.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    refuse_doctype(path)
    try:
        document = docx.Document(str(path))
    except ValueError as e:
        if "is not a Word file" in str(e):  # e.g. a macro-enabled .docm content type
            raise ExtractionError(f"{path}: not a Word document ({e})", "unsupported_type") from e
        raise ExtractionError(f"{path}: DOCX could not be read (ValueError: {e})",
                              "parse_error") from e
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, XMLSyntaxError) as e:
        raise ExtractionError(
            f"{path}: DOCX could not be read ({type(e).__name__}: {e})", "parse_error"
        ) from e
    try:
        numbering_root = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        numbering_root = None
    walk = _Walk(Numbering.from_element(numbering_root), _styles(document))
    try:
        walk.walk(document.element.body)
        notes = _notes(document, walk)
        furniture = _furniture(document)
    except XMLSyntaxError as e:
        raise ExtractionError(f"{path}: DOCX could not be read ({e})", "parse_error") from e
    blocks = walk.blocks + notes
    warnings: list[str] = []
    if walk.tracked:
        warnings.append(
            f"{path.name}: the document contains tracked changes; insertions are kept and "
            "deletions dropped (accept or reject them in Word to be sure)"
        )
    if not blocks:
        warnings.append(f"{path.name}: the document contains no text")
    return ExtractedDocument(path=str(path), format="docx", blocks=tuple(blocks),
                             warnings=tuple(warnings), removed_lines=tuple(furniture))
