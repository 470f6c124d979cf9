"""PDF table rows carry their table's header: a responsibility matrix (RACI) in a PDF is read like
the same table in Markdown (the R in the client's column only: the client's duty, excluded).

The PDFs are rendered with reportlab at test time (centred letters, a wrapped activity, a table
across a page break with its header repeated); all text is invented for the tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from analyzer.analyze import analyze_file
from analyzer.extract import extract
from analyzer.extract.pdf import tables
from analyzer.models import Block
from tests.data.build_fixtures import _fonts

ENGINES = ("pypdfium2", "pdfplumber")
HEADER = ("Activité", "Client", "Prestataire")
CLIENT_ROW = "Réaliser la sauvegarde quotidienne des bases de données"
PROVIDER_ROW = "Appliquer les correctifs de sécurité aux systèmes d'exploitation"
BOTH_ROW = "Tester la restauration des sauvegardes"
EMPTY_ROW = "Informer les utilisateurs des interruptions"
WRAPPED_ROW = ("Superviser les serveurs et les équipements réseau du centre de données "
               "hébergeant la plateforme, jour et nuit")
AFTER_WRAP_ROW = "Maintenir les pare-feux du centre de données"
RACI = [HEADER, (CLIENT_ROW, "R", "I"), (PROVIDER_ROW, "I", "R"), (BOTH_ROW, "R", "R"),
        (EMPTY_ROW, "", "C"), (WRAPPED_ROW, "I", "R/A"), (AFTER_WRAP_ROW, "C", "R")]


def _pdf(path: Path, rows: list[tuple[str, ...]], *, widths: tuple[float, ...] = (260, 90, 90),
         filler: int = 0) -> Path:
    """A one-table contract: an article title, ``filler`` paragraphs, the table (first row
    repeated on every page, letters centred, cells aligned to the top), a closing paragraph."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    regular, _ = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=12, spaceAfter=6)
    story: list[Any] = [Paragraph("Article 5 – Répartition des responsabilités", body)]
    story += [Paragraph("Le Prestataire exploite la plateforme d'hébergement dans ses centres de "
                        "données et rend compte chaque mois au Client de la qualité du service "
                        "rendu, selon les indicateurs convenus entre les parties.", body)
              for _ in range(filler)]
    data = [[Paragraph(r[0], body), *r[1:]] for r in rows]
    table = Table(data, colWidths=list(widths), repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("FONTNAME", (0, 0), (-1, -1), regular),
        ("FONTSIZE", (0, 0), (-1, -1), 10), ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [table, Paragraph("Les activités non listées sont réalisées par le Prestataire.",
                               body)]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


def _markdown(path: Path, rows: list[tuple[str, ...]], *, header: bool = True) -> Path:
    lines = ["# Article 5 – Répartition des responsabilités", ""]
    lines.append("| " + " | ".join(rows[0]) + " |")
    if header:
        lines.append("|" + "---|" * len(rows[0]))
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _rows(blocks: tuple[Block, ...]) -> dict[str, Block]:
    """The table rows by the start of their first cell."""
    return {b.text[:30]: b for b in blocks if b.kind == "table_row"}


def _by_activity(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The report's clauses by the start of their first cell (a wrapped activity is cut in a
    PDF row: its first line only)."""
    return {c["text"][:30]: c for c in report["clauses"]}


@pytest.fixture(scope="module")
def raci_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _pdf(tmp_path_factory.mktemp("raci") / "raci.pdf", RACI)


@pytest.mark.parametrize("engine", ENGINES)
def test_rows_carry_the_header_and_their_cells_under_it(raci_pdf: Path, engine: str) -> None:
    blocks = extract(raci_pdf, pdf_engine=engine, ocr="never").blocks
    rows = _rows(blocks)
    header = next(b for b in blocks if b.kind == "table_row")
    assert header.text == "Activité | Client | Prestataire"
    assert (header.columns, header.cells) == ((), ())  # the header row stays a plain row
    for activity, client, provider in RACI[1:]:
        row = rows[activity[:30]]
        assert row.columns == HEADER, activity
        assert row.cells[1:] == (client, provider), activity
        assert activity.startswith(row.cells[0])
    # the wrapped activity, and the row after it, keep the table's header
    assert rows[WRAPPED_ROW[:30]].cells[0].startswith("Superviser les serveurs et")
    assert rows[AFTER_WRAP_ROW[:30]].cells == (AFTER_WRAP_ROW, "C", "R")


@pytest.mark.parametrize("engine", ENGINES)
def test_an_empty_cell_keeps_its_place(raci_pdf: Path, engine: str) -> None:
    row = _rows(extract(raci_pdf, pdf_engine=engine, ocr="never").blocks)[EMPTY_ROW[:30]]
    assert row.text == f"{EMPTY_ROW} | C"  # the text leaves the empty cell out, as before
    assert row.cells == (EMPTY_ROW, "", "C")  # the C stays under "Prestataire"


@pytest.mark.parametrize("engine", ENGINES)
def test_the_r_decides_who_does_a_pdf_row_as_in_markdown(raci_pdf: Path, tmp_path: Path,
                                                          engine: str) -> None:
    pdf = _by_activity(analyze_file(raci_pdf, pdf_engine=engine, ocr="never"))
    text = _by_activity(analyze_file(_markdown(tmp_path / "raci.md", RACI)))
    client = pdf[CLIENT_ROW[:30]]
    assert (client["status"], client["party"]) == ("excluded", "client")
    assert "excluded by the responsibility matrix «Client: R»" in client["explanation"]
    provider = pdf[PROVIDER_ROW[:30]]
    assert (provider["status"], provider["party"]) == ("included", "provider")
    assert "included by the responsibility matrix «Prestataire: R»" in provider["explanation"]
    assert {a[:30] for a, *_ in RACI[1:]} & pdf.keys() == {a[:30] for a, *_ in RACI[1:]} & text.keys()
    for key in pdf.keys() & text.keys():
        assert (pdf[key]["status"], pdf[key]["party"]) == (
            text[key]["status"], text[key]["party"]), key
        assert ("responsibility matrix" in pdf[key]["explanation"]) == (
            "responsibility matrix" in text[key]["explanation"]), key


@pytest.mark.parametrize("engine", ENGINES)
def test_a_table_across_a_page_break_keeps_its_header(tmp_path: Path, engine: str) -> None:
    # distinct activities (rows that differ only by a number would be taken for running lines)
    activities = [f"{verb} {thing}" for verb in ("Surveiller", "Sauvegarder", "Documenter",
                                                  "Contrôler", "Auditer", "Mettre à jour")
                  for thing in ("le pare-feu", "la messagerie", "l'annuaire", "les postes",
                                "le stockage")]
    rows = [HEADER] + [(activity, "R" if n % 2 else "I", "I" if n % 2 else "R")
                       for n, activity in enumerate(activities)]
    document = extract(_pdf(tmp_path / "long.pdf", rows, filler=8), pdf_engine=engine,
                       ocr="never")
    repeated = [r for r in document.removed if r.kind == "table_header"]
    assert [r.page for r in repeated] == [2]  # the header repeated on page 2 is taken out
    body = [b for b in document.blocks if b.kind == "table_row"][1:]
    assert len(body) == 30 and {b.page for b in body} == {1, 2}
    for block, (activity, client, provider) in zip(body, rows[1:], strict=True):
        assert (block.columns, block.cells) == (HEADER, (activity, client, provider)), activity


@pytest.mark.parametrize("engine", ENGINES)
def test_a_price_table_keeps_its_statuses(tmp_path: Path, engine: str) -> None:
    prices = [("Prestation", "Prix mensuel HT", "Délai"),
              ("Hébergement de la base de données de production", "1 200 €", "10 jours"),
              ("Sauvegarde externalisée des données", "300 €", "5 jours"),
              ("Formation des administrateurs du Client", "900 €", "")]
    pdf = tmp_path / "prix.pdf"
    document = extract(_pdf(pdf, prices, widths=(240, 110, 110)), pdf_engine=engine,
                       ocr="never")
    backup = _rows(document.blocks)["Sauvegarde externalisée des do"]
    assert backup.columns == prices[0] and backup.cells == prices[2]
    read = _by_activity(analyze_file(pdf, pdf_engine=engine, ocr="never"))
    plain = _by_activity(analyze_file(_markdown(tmp_path / "rows.md", prices, header=False)))
    assert read.keys() == plain.keys() and len(read) >= 2
    for key, clause in read.items():
        assert (clause["status"], clause["party"], clause["explanation"]) == (
            plain[key]["status"], plain[key]["party"], plain[key]["explanation"]), key
        assert "responsibility matrix" not in clause["explanation"]


def test_a_letter_goes_under_the_header_cell_it_overlaps_or_is_nearest_to() -> None:
    header = [(78.0, 118.0, "Activité"), (358.0, 384.0, "Client"), (438.0, 490.0, "Prestataire")]
    # the activity overlaps "Activité" only; the "R" overlaps no header cell, "Client" is the
    # nearest by centre
    assert tables.aligned([(78.0, 300.0, "Sauvegarder"), (386.0, 392.0, "R")], header) == (
        "Sauvegarder", "R", "")
    assert tables.aligned([(78.0, 300.0, "Sauvegarder"), (460.0, 467.0, "R")], header) == (
        "Sauvegarder", "", "R")
    # two cells under one header cell: another table's layout
    assert tables.aligned([(440.0, 460.0, "a"), (465.0, 490.0, "b")], header) is None
