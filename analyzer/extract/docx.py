"""DOCX: paragraphs and tables in document order, heading levels from styles and outline levels."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from analyzer.errors import ExtractionError
from analyzer.models import Block, ExtractedDocument

_HEADING_STYLE = re.compile(r"^(?:heading|titre|title)\s*(\d)?", re.I)


def _heading_level(paragraph: object) -> int | None:
    style = getattr(paragraph, "style", None)
    name = getattr(style, "name", "") or ""
    match = _HEADING_STYLE.match(name)
    if match:
        return int(match.group(1) or 1)
    return None


def extract_docx(path: Path) -> ExtractedDocument:
    """Read a .docx file with python-docx.

    Raises:
        ExtractionError: not a valid DOCX package.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ExtractionError(
            f"{path}: DOCX could not be read ({type(e).__name__}: {e})", "parse_error"
        ) from e
    blocks: list[Block] = []
    for index, item in enumerate(document.iter_inner_content()):
        if isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if text and (not cells or cells[-1] != text):  # merged cells repeat
                        cells.append(text)
                if cells:
                    blocks.append(Block(text=" | ".join(cells), index=index, kind="table_row"))
            continue
        text = item.text.strip()
        if not text:
            continue
        level = _heading_level(item)
        kind = "heading" if level else "paragraph"
        blocks.append(Block(text=text, index=index, kind=kind, level=level))
    warnings = () if blocks else (f"{path.name}: the document contains no text",)
    return ExtractedDocument(path=str(path), format="docx", blocks=tuple(blocks),
                             warnings=warnings)
