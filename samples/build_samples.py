"""Build the bundled sample contracts from their sources in ``samples/src/``.

Run from the repository root::

    .venv/bin/python samples/build_samples.py          # (re)write the samples
    .venv/bin/python samples/build_samples.py --check  # rebuild in memory, fail if a file differs

The output is deterministic: the same sources give the same bytes on every run (reportlab
``invariant=1``; DOCX core properties and ZIP entry dates are fixed).

Source markup (for the DOCX and PDF samples; one block per paragraph, blocks separated by a blank line,
lines of a block are joined with a space):

- ``= text``   document title
- ``~ text``   centred sub-title
- ``# text``   heading level 1 (an article), ``## text`` heading level 2
- ``- text``   bullet list item (each ``- `` line is its own item)
- ``| a | b |`` table row; consecutive rows form one table, the first row is the header
- anything else: a body paragraph (``a) …`` paragraphs are indented as list items)

The ``.txt`` sample is the source re-wrapped at 78 columns; the ``.md`` sample is the source as is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import textwrap
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
CONTRACTS = HERE / "contracts"
FIXED_DATE = dt.datetime(2025, 3, 17, 9, 0, 0)
ZIP_DATE = (2025, 3, 17, 9, 0, 0)
ITEM_RE = re.compile(r"^[a-z]\) ")


@dataclass
class Block:
    kind: str  # title, subtitle, h1, h2, bullet, table, para
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


def parse_markup(source: str) -> list[Block]:
    """Parse the light source markup described in the module docstring."""
    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("para", " ".join(para)))
            para.clear()

    for raw in source.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
            continue
        prefixes = (
            ("= ", "title"),
            ("~ ", "subtitle"),
            ("## ", "h2"),
            ("# ", "h1"),
            ("- ", "bullet"),
        )
        for prefix, kind in prefixes:
            if line.startswith(prefix):
                flush()
                blocks.append(Block(kind, line[len(prefix) :].strip()))
                break
        else:
            para.append(line)
    flush()
    return blocks


# --------------------------------------------------------------------------------------------- DOCX


def _add_page_field(paragraph) -> None:
    """Append a PAGE field (the current page number) to a python-docx paragraph."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instr)
    run._r.append(end)


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a ZIP container with fixed entry dates and attributes, keeping entry order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def build_docx(source: str, title: str, footer: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)

    for block in parse_markup(source):
        if block.kind == "title":
            doc.add_paragraph(block.text, style="Title")
        elif block.kind == "subtitle":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(block.text).italic = True
        elif block.kind == "h1":
            doc.add_heading(block.text, level=1)
        elif block.kind == "h2":
            doc.add_heading(block.text, level=2)
        elif block.kind == "bullet":
            doc.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "table":
            header, *_rows = block.rows
            table = doc.add_table(rows=len(block.rows), cols=len(header))
            table.style = "Table Grid"
            for r, cells in enumerate(block.rows):
                for c, text in enumerate(cells):
                    cell = table.cell(r, c)
                    cell.text = ""
                    run = cell.paragraphs[0].add_run(text)
                    run.font.size = Pt(9)
                    run.bold = r == 0
            doc.add_paragraph()
        else:
            p = doc.add_paragraph(block.text)
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if ITEM_RE.match(block.text):
                p.paragraph_format.left_indent = Cm(0.8)

    fp = section.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp.add_run(f"{footer} – Page ")
    _add_page_field(fp)

    props = doc.core_properties
    props.title = title
    props.author = "hds-analyzer samples (synthetic)"
    props.last_modified_by = "hds-analyzer samples (synthetic)"
    props.comments = "Synthetic contract written for the hds-analyzer project; no real parties."
    props.language = "fr-FR"
    props.revision = 1
    props.created = FIXED_DATE
    props.modified = FIXED_DATE
    props.last_printed = FIXED_DATE

    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue())


# ---------------------------------------------------------------------------------------------- PDF


def build_pdf(source: str, title: str, header: str) -> bytes:
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfgen import canvas as rl_canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    rl_config.invariant = 1
    width, height = A4

    class NumberedCanvas(rl_canvas.Canvas):
        """Draws the running header and 'Page n/N' footer once the page count is known."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            self.saveState()
            self.setFont("Helvetica", 8)
            self.setFillColor(colors.HexColor("#444444"))
            self.drawCentredString(width / 2, height - 1.3 * cm, header)
            self.setStrokeColor(colors.HexColor("#999999"))
            self.line(2.2 * cm, height - 1.45 * cm, width - 2.2 * cm, height - 1.45 * cm)
            self.drawCentredString(width / 2, 1.2 * cm, f"Page {self._pageNumber}/{total}")
            self.restoreState()

    body = ParagraphStyle(
        "body", fontName="Helvetica", fontSize=10, leading=13.4, alignment=TA_JUSTIFY, spaceAfter=5
    )
    item = ParagraphStyle("item", parent=body, leftIndent=16)
    bullet = ParagraphStyle("bullet", parent=body, leftIndent=16, bulletIndent=6)
    title_style = ParagraphStyle(
        "title",
        fontName="Helvetica-Bold",
        fontSize=14.5,
        leading=18,
        alignment=TA_CENTER,
        spaceAfter=6,
    )
    subtitle = ParagraphStyle(
        "subtitle",
        fontName="Helvetica-Oblique",
        fontSize=10,
        leading=13,
        alignment=TA_CENTER,
        spaceAfter=14,
    )
    h1 = ParagraphStyle(
        "h1",
        fontName="Helvetica-Bold",
        fontSize=11,
        leading=14,
        spaceBefore=10,
        spaceAfter=5,
        keepWithNext=1,
    )
    h2 = ParagraphStyle("h2", parent=h1, fontSize=10.5, spaceBefore=6)
    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=8, leading=10)
    cell_head = ParagraphStyle("cellhead", parent=cell, fontName="Helvetica-Bold")

    story = []
    for block in parse_markup(source):
        text = escape(block.text)
        if block.kind == "title":
            story.append(Paragraph(text, title_style))
        elif block.kind == "subtitle":
            story.append(Paragraph(text, subtitle))
        elif block.kind == "h1":
            story.append(Paragraph(text, h1))
        elif block.kind == "h2":
            story.append(Paragraph(text, h2))
        elif block.kind == "bullet":
            story.append(Paragraph(text, bullet, bulletText="•"))
        elif block.kind == "table":
            data = [
                [Paragraph(escape(c), cell_head if r == 0 else cell) for c in row]
                for r, row in enumerate(block.rows)
            ]
            avail = width - 4.4 * cm
            table = Table(
                data,
                colWidths=[0.2 * avail, 0.46 * avail, 0.16 * avail, 0.18 * avail],
                repeatRows=1,
            )
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#777777")),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6E6E6")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.extend([table, Spacer(1, 8)])
        else:
            story.append(Paragraph(text, item if ITEM_RE.match(block.text) else body))

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=2.2 * cm,
        rightMargin=2.2 * cm,
        topMargin=2.1 * cm,
        bottomMargin=2.0 * cm,
        title=title,
        author="hds-analyzer samples (synthetic)",
        subject="Synthetic contract written for the hds-analyzer project",
        creator="samples/build_samples.py",
        invariant=1,
    )
    doc.build(story, canvasmaker=NumberedCanvas)
    return buf.getvalue()


# ------------------------------------------------------------------------------------------- TXT/MD


def build_txt(source: str, width: int = 78) -> bytes:
    """Re-wrap every logical line of the source at ``width`` columns (list items get a hanging indent)."""
    out: list[str] = []
    for line in source.splitlines():
        if not line.strip():
            out.append("")
            continue
        indent = "   " if ITEM_RE.match(line) else ""
        out.append(
            textwrap.fill(
                line.strip(),
                width=width,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")


# ----------------------------------------------------------------------------------------- samples

SAMPLES = {
    "fr-hebergement-hds-clinique.docx": (
        "fr-hebergement-hds-clinique.txt",
        lambda s: build_docx(
            s,
            "Contrat d'hébergement de données de santé – Groupe Clinique des Trois Vallées",
            "Contrat n° AZS-2025-0147 – Confidentiel",
        ),
    ),
    "fr-infogerance-ght.pdf": (
        "fr-infogerance-ght.txt",
        lambda s: build_pdf(
            s,
            "Contrat d'infogérance et de TMA – GHT Exemple",
            "Contrat d'infogérance – GHT Exemple – Confidentiel",
        ),
    ),
    "fr-formation-tma.txt": ("fr-formation-tma.txt", build_txt),
    "fr-hebergement-certificat-expire.txt": ("fr-hebergement-certificat-expire.txt", build_txt),
    "en-cloud-hosting-agreement.md": ("en-cloud-hosting-agreement.md", lambda s: s.encode("utf-8")),
}


def source_text(sample: str) -> str:
    """The source text of a sample (as written in ``samples/src/``)."""
    return (SRC / SAMPLES[sample][0]).read_text(encoding="utf-8")


def build(sample: str) -> bytes:
    return SAMPLES[sample][1](source_text(sample))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="rebuild in memory and fail if a committed sample differs",
    )
    args = parser.parse_args(argv)
    status = 0
    for name in SAMPLES:
        data = build(name)
        target = CONTRACTS / name
        if args.check:
            same = target.exists() and target.read_bytes() == data
            print(f"{'ok  ' if same else 'DIFF'} {name}")
            status |= 0 if same else 1
        else:
            target.write_bytes(data)
            print(f"wrote {target.relative_to(HERE.parent)} ({len(data)} bytes)")
    return status


if __name__ == "__main__":
    sys.exit(main())
