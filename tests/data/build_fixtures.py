"""Build the PDF and DOCX fixtures of the extraction tests (reportlab, python-docx, Pillow).

The tests call these functions into a temporary directory, so no binary fixture is committed; run
``python tests/data/build_fixtures.py OUTDIR`` to look at them. Every fixture is synthetic text written
for the tests (no client contract).
"""

from __future__ import annotations

import sys
from pathlib import Path

HEADER = "ACME Santé SAS – Contrat d'hébergement HDS – Confidentiel"
FOOTER = "Page {n}/{total}"

# (kind, text): "h" heading line, "p" paragraph (wrapped by the builder), "li" list item
CONTRACT: list[tuple[str, str]] = [
    ("h", "Article 1 – Objet"),
    (
        "p",
        "Le présent contrat a pour objet de définir les conditions dans lesquelles le "
        "Prestataire héberge les données de santé du Client dans ses centres de données situés "
        "en France.",
    ),
    ("h", "Article 2 – Définitions"),
    (
        "p",
        "Données de santé : les données à caractère personnel relatives à la santé physique ou "
        "mentale d'une personne.",
    ),
    ("h", "Article 3 – Sauvegarde"),
    (
        "p",
        "3.1 Le Prestataire réalise une sauvegarde quotidienne des données hébergées et conserve "
        "chaque sauvegarde pendant trente jours sur un site distant.",
    ),
    ("li", "a) la restauration est réalisée sur demande du Client ;"),
    ("li", "b) les sauvegardes sont chiffrées."),
    ("h", "Article 4 – Sécurité"),
    (
        "p",
        "Le Prestataire met en œuvre une gestion nominative des habilitations, une revue "
        "trimestrielle des droits d'accès et la traçabilité de toutes les interventions sur le "
        "système d'information hébergeant les données de santé du Client.",
    ),
]


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines


def _fonts() -> tuple[str, str]:
    """A TrueType font with French accents when DejaVu is installed, else Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for regular in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",):
        if Path(regular).exists():
            pdfmetrics.registerFont(TTFont("DejaVu", regular))
            return "DejaVu", "DejaVu"
    return "Helvetica", "Helvetica-Bold"


def build_text_pdf(path: Path, *, encrypt: str | None = None, pages_of_filler: int = 2) -> Path:
    """A contract with running header/footer, page numbers, a hyphenated word, a clause across a page
    break, a two-column page and a table.

    ``encrypt``: None, "owner" (owner password only) or "user" (user password "secret").
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    font, bold = _fonts()
    enc = None
    if encrypt == "owner":
        enc = StandardEncryption("", ownerPassword="owner-secret", canPrint=0, canCopy=0)
    elif encrypt == "user":
        enc = StandardEncryption("secret", ownerPassword="owner-secret")
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=enc)
    width, height = A4
    total = 3 + pages_of_filler
    state = {"page": 1, "y": height - 90.0}

    def furniture() -> None:
        c.setFont(font, 8)
        c.drawString(72, height - 40, HEADER)
        c.drawCentredString(width / 2, 30, FOOTER.format(n=state["page"], total=total))

    def new_page() -> None:
        c.showPage()
        state["page"] += 1
        state["y"] = height - 90.0
        furniture()

    def line(text: str, size: float = 11, indent: float = 0, face: str = font) -> None:
        c.setFont(face, size)
        c.drawString(72 + indent, state["y"], text)
        state["y"] -= size * 1.35

    furniture()
    for kind, text in CONTRACT:
        if kind == "h":
            state["y"] -= 8
            line(text, 12, face=bold)
            state["y"] -= 4
        elif kind == "li":
            line(text, indent=18)
        else:
            for ln in _wrap(text, 85):
                line(ln)
            state["y"] -= 8
    # a word hyphenated at a line end
    line("La disponibilité du service est garantie à 99,9 % par mois, hors opérations de main-")
    line("tenance planifiées notifiées au Client.")
    state["y"] -= 8
    # a clause that runs across the page break
    state["y"] = 110.0
    line("Article 5 – Réversibilité", 12, face=bold)
    state["y"] -= 4
    line("5.1 À la fin du contrat, le Prestataire restitue au Client la totalité des données")
    new_page()
    line("hébergées dans un format standard, puis les détruit sans en conserver de copie.")
    state["y"] -= 8
    line("5.2 La restitution est réalisée dans un délai de trente jours.")
    state["y"] -= 8
    # a table: rows of cells
    line("Article 6 – Niveaux de service", 12, face=bold)
    state["y"] -= 4
    for row in (
        ("Indicateur", "Engagement", "Pénalité"),
        ("Disponibilité mensuelle", "99,9 %", "5 % de la redevance"),
        ("Délai d'intervention", "4 heures", "2 % de la redevance"),
    ):
        c.setFont(font, 10)
        for x, cell in zip((72, 260, 400), row, strict=True):
            c.drawString(x, state["y"], cell)
        state["y"] -= 16
    # a two-column page
    new_page()
    line("Article 7 – Annexe technique", 12, face=bold)
    state["y"] -= 4
    left = (
        "Le Prestataire exploite deux centres de données situés à Paris et à Lyon, reliés par "
        "des liens redondants et surveillés en permanence par son centre de supervision. "
        "Chaque centre dispose d'une alimentation secourue et d'une climatisation redondante."
    )
    right = (
        "Les équipements réseau sont maintenus par le Prestataire, qui remplace toute pièce "
        "défectueuse dans un délai de quatre heures ouvrées et tient à jour l'inventaire des "
        "matériels hébergeant les données de santé du Client."
    )
    top = state["y"]
    for column_x, text in ((72, left), (312, right)):
        state["y"] = top
        for ln in _wrap(text, 38):
            c.setFont(font, 10)
            c.drawString(column_x, state["y"], ln)
            state["y"] -= 13.5
    for n in range(pages_of_filler):
        new_page()
        line(f"Article {8 + n} – Stipulations diverses {n + 1}", 12, face=bold)
        state["y"] -= 4
        for ln in _wrap(
            f"Les Parties conviennent que la clause {8 + n} s'applique pendant toute la "
            "durée du contrat et que toute modification fait l'objet d'un avenant "
            "écrit signé par les représentants habilités des deux Parties.",
            85,
        ):
            line(ln)
    c.save()
    return path


SCAN_LINES = [
    "Article 9 - Hebergement",
    "Le Prestataire heberge les donnees",
    "de sante dans ses centres de donnees",
    "situes en France.",
]


def build_scanned_pdf(path: Path, *, with_text_page: bool = True) -> Path:
    """A PDF whose second page is an image of text (a scan), the first page a normal text page."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font, _ = _fonts()
    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    if with_text_page:
        c.setFont(font, 11)
        c.drawString(72, height - 90, "Article 8 - Objet")
        c.drawString(72, height - 110, "Le present contrat definit les services d'hebergement.")
        c.showPage()
    dpi = 200
    image = Image.new("L", (int(width / 72 * dpi), int(height / 72 * dpi)), 255)
    draw = ImageDraw.Draw(image)
    try:
        pil_font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 44)
    except OSError:
        pil_font = ImageFont.load_default(size=44)
    y = 300
    for text in SCAN_LINES:
        draw.text((200, y), text, fill=0, font=pil_font)
        y += 80
    c.drawImage(ImageReader(image), 0, 0, width=width, height=height)
    c.showPage()
    c.save()
    return path


def build_docx(path: Path) -> Path:
    """A DOCX with automatic numbering, heading styles, a table, header/footer, a footnote-free body,
    a tracked insertion and deletion, a content control and a text box (the last three in raw XML)."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = HEADER
    section.footer.paragraphs[0].text = "Page 1"
    document.add_paragraph("Article 1 – Objet", style="Heading 1")
    document.add_paragraph("Le Prestataire héberge les données de santé du Client.")
    document.add_paragraph("Sauvegarde", style="Heading 1")
    document.add_paragraph(
        "Le Prestataire sauvegarde les données chaque jour.", style="List Number"
    )
    document.add_paragraph("Les sauvegardes sont chiffrées.", style="List Number")
    document.add_paragraph("Le Client peut demander une restauration.", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Indicateur", "Engagement"
    table.cell(1, 0).text, table.cell(1, 1).text = "Disponibilité", "99,9 %"
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = document.element.body
    body.insert(
        len(body) - 1,
        parse_xml(
            f'<w:p {w}><w:r><w:t xml:space="preserve">Le Prestataire notifie </w:t></w:r>'
            f'<w:ins w:id="1" w:author="A" w:date="2026-01-01T00:00:00Z"><w:r><w:t>sans délai </w:t>'
            f'</w:r></w:ins><w:del w:id="2" w:author="A" w:date="2026-01-01T00:00:00Z"><w:r>'
            f"<w:delText>sous huit jours </w:delText></w:r></w:del><w:r><w:t>toute violation de "
            f"données.</w:t></w:r></w:p>"
        ),
    )
    body.insert(
        len(body) - 1,
        parse_xml(
            f"<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>Durée : trois ans.</w:t></w:r></w:p>"
            f"</w:sdtContent></w:sdt>"
        ),
    )
    body.insert(
        len(body) - 1,
        parse_xml(
            f'<w:p {w} xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
            f'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
            f'<w:r><w:t xml:space="preserve">Voir encadré. </w:t></w:r><w:r><w:pict><w:txbxContent>'
            f"<w:p><w:r><w:t>Encadré : les données restent en France.</w:t></w:r></w:p>"
            f"</w:txbxContent></w:pict></w:r></w:p>"
        ),
    )
    # a multi-level list defined in numbering.xml: "Article %1", "%1.%2", "%3)", "%4."
    numbering = document.part.numbering_part.element
    levels = [
        ("decimal", "Article %1"),
        ("decimal", "%1.%2"),
        ("lowerLetter", "%3)"),
        ("lowerRoman", "%4."),
    ]
    lvl_xml = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    numbering.insert(
        0, parse_xml(f'<w:abstractNum {w} w:abstractNumId="90">{lvl_xml}</w:abstractNum>')
    )
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for ilvl, text in NUMBERED:
        paragraph = document.add_paragraph(text, style="Heading 1" if ilvl == 0 else None)
        paragraph._p.get_or_add_pPr().insert(
            0, parse_xml(f'<w:numPr {w}><w:ilvl w:val="{ilvl}"/><w:numId w:val="90"/></w:numPr>')
        )
    document.save(str(path))
    return path


def add_footnote(path: Path, text: str) -> Path:
    """Add a footnotes part (one footnote with ``text``) to a DOCX written by python-docx."""
    import zipfile

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        f'<w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote></w:footnotes>'
    )
    rel = (
        '<Relationship Id="rIdFoot1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/footnotes" Target="footnotes.xml"/>'
    )
    override = (
        '<Override PartName="/word/footnotes.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
    )
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    rels = "word/_rels/document.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", rel.encode() + b"</Relationships>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", override.encode() + b"</Types>"
    )
    parts["word/footnotes.xml"] = footnotes.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def add_doctype(path: Path) -> Path:
    """Put an (entity-declaring) DOCTYPE into word/document.xml, as an XXE attack would."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    xml = parts["word/document.xml"]
    head, sep, rest = xml.partition(b"?>")
    doctype = b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    parts["word/document.xml"] = head + sep + doctype + rest
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def render_segments_docx(segments: list, path: Path, title: str) -> Path:
    """Write segments (``analyzer.models.Segment``) as a DOCX: headings with heading styles, table
    rows (text with " | ") as tables, clauses as paragraphs; a running header and footer."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = f"{title} – document contractuel"
    section.footer.paragraphs[0].text = "Confidentiel"
    rows: list[list[str]] = []

    def flush_rows() -> None:
        if rows:
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for i, row in enumerate(rows):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
            rows.clear()

    for seg in segments:
        if " | " in seg.text and seg.kind == "clause":
            rows.append(seg.text.split(" | "))
            continue
        flush_rows()
        if seg.kind == "heading":
            document.add_paragraph(seg.text, style=f"Heading {min(len(seg.heading_path) + 1, 9)}")
        else:
            document.add_paragraph(seg.text)
    flush_rows()
    document.save(str(path))
    return path


def render_segments_pdf(segments: list, path: Path, title: str) -> Path:
    """Write segments as a text PDF (wrapped to the measured width, headings in bold and larger
    type, a running header and a "Page n/N" footer on every page)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import registerFont
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font, bold = _fonts()
    bold_file = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
    if font == "DejaVu" and Path(bold_file).exists():
        registerFont(TTFont("DejaVu-Bold", bold_file))
        bold = "DejaVu-Bold"
    width, height = A4
    left, right, top, bottom = 72.0, width - 72.0, height - 80.0, 70.0
    # lay out first to know the page count of the footer
    pages: list[list[tuple[str, str, float, float]]] = [[]]
    y = top
    for seg in segments:
        # headings in bold, one point smaller per level of depth down to 11 pt; from the fifth
        # level (a title inside "4.8.5.1") in bold at the body size, which the reader sets below
        # every larger heading
        depth = len(seg.heading_path)
        size = (14.0 - depth if depth < 4 else 10.0) if seg.kind == "heading" else 10.0
        face = bold if seg.kind == "heading" else font
        lines = simpleSplit(seg.text, face, size, right - left)
        for line in lines:
            if y < bottom:
                pages.append([])
                y = top
            pages[-1].append((line, face, size, y))
            y -= size * 1.3
        y -= 7
    c = canvas.Canvas(str(path), pagesize=A4)
    for number, page in enumerate(pages, start=1):
        c.setFont(font, 8)
        c.drawString(left, height - 45, f"{title} – document contractuel")
        c.drawRightString(right, 35, f"Page {number}/{len(pages)}")
        for line, face, size, y in page:
            c.setFont(face, size)
            c.drawString(left, y, line)
        c.showPage()
    c.save()
    return path


# (level, text) of the numbered paragraphs of build_docx, then the labels Word shows for them
NUMBERED = [
    (0, "Sécurité"),
    (1, "Le Prestataire protège les accès."),
    (2, "par un bastion ;"),
    (2, "par une authentification forte :"),
    (3, "pour les administrateurs ;"),
    (3, "pour les sous-traitants."),
    (1, "Le Prestataire journalise les accès."),
    (0, "Réversibilité"),
    (1, "Les données sont restituées."),
]
NUMBERED_LABELS = ["Article 1", "1.1", "a)", "b)", "i", "ii", "1.2", "Article 2", "2.1"]


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    build_text_pdf(out / "contract.pdf")
    build_text_pdf(out / "owner.pdf", encrypt="owner")
    build_text_pdf(out / "user.pdf", encrypt="user")
    build_scanned_pdf(out / "scanned.pdf")
    build_docx(out / "contract.docx")
    print(f"fixtures written to {out}")
