"""PDF extraction: both engines, layout (headers/footers, columns, tables, page breaks), OCR,
encryption.

Fixtures are generated with reportlab by ``tests/data/build_fixtures.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analyzer.errors import ExtractionError
from analyzer.extract import PDF_ENGINES, extract
from analyzer.extract.pdf import bullets, layout, model, paragraphs
from analyzer.extract.pdf import furniture as pdf_furniture
from analyzer.extract.pdf import pages as pdf_pages
from analyzer.models import ExtractedDocument, Segment
from analyzer.segment import segment
from tests.conftest import find_segment
from tests.data import build_fixtures as fx
from tests.paths import SAMPLES

ENGINES = ("pypdfium2", "pdfplumber")
HAS_TESSERACT = shutil.which("tesseract") is not None


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdfs")
    return {
        "contract": fx.build_text_pdf(out / "contract.pdf"),
        "owner": fx.build_text_pdf(out / "owner.pdf", encrypt="owner", pages_of_filler=0),
        "user": fx.build_text_pdf(out / "user.pdf", encrypt="user", pages_of_filler=0),
        "scanned": fx.build_scanned_pdf(out / "scanned.pdf"),
    }


@pytest.fixture(scope="module", params=ENGINES)
def contract(request: pytest.FixtureRequest, pdfs: dict[str, Path]
             ) -> tuple[ExtractedDocument, str, list[Segment]]:
    document = extract(pdfs["contract"], pdf_engine=request.param, ocr="never")
    text, segments = segment(document)
    return document, text, segments




def test_engines_are_declared():
    assert PDF_ENGINES == ("auto", "pypdfium2", "pdfplumber")
    with pytest.raises(ValueError):
        extract(Path("x.pdf"), pdf_engine="nope")
    with pytest.raises(ValueError):
        extract(Path("x.pdf"), ocr="sometimes")


def test_running_header_footer_and_page_numbers_removed(contract):
    document, text, _ = contract
    assert document.pages == 5
    assert "Confidentiel" not in text
    assert "Page 2/5" not in text
    assert fx.HEADER in document.removed_lines
    assert "Page 1/5" in document.removed_lines


def test_hyphenated_word_joined(contract):
    _, text, segments = contract
    clause = find_segment(segments, "La disponibilité du service")
    assert "opérations de maintenance planifiées notifiées au Client." in clause.text
    assert "main-" not in text


def test_clause_across_page_break_is_one_clause(contract):
    _, _, segments = contract
    clause = find_segment(segments, "5.1 À la fin du contrat")
    assert clause.text.endswith("puis les détruit sans en conserver de copie.")
    assert clause.number == "5.1"
    assert clause.page == 1  # where it starts
    assert clause.heading_path == ("Article 5 – Réversibilité",)
    assert find_segment(segments, "5.2 La restitution").page == 2


def test_numbered_items_and_headings(contract):
    _, _, segments = contract
    assert find_segment(segments, "a) la restauration").number == "a)"
    assert find_segment(segments, "b) les sauvegardes").number == "b)"
    heading = find_segment(segments, "Article 3 – Sauvegarde")
    assert heading.kind == "heading" and heading.number == "Article 3"
    assert find_segment(segments, "3.1 Le Prestataire").heading_path == ("Article 3 – Sauvegarde",)


def test_glossary_section_recognised(contract):
    from analyzer.analyze import analyze_extracted

    document, _, segments = contract
    glossary = {s["id"]: s["glossary"] for s in analyze_extracted(document)["segments"]}
    assert glossary[find_segment(segments, "Données de santé :").id]
    assert not glossary[find_segment(segments, "3.1 Le Prestataire").id]


def test_table_rows_in_order(contract):
    _, _, segments = contract
    rows = [s.text for s in segments if " | " in s.text]
    assert rows == ["Indicateur | Engagement | Pénalité",
                    "Disponibilité mensuelle | 99,9 % | 5 % de la redevance",
                    "Délai d'intervention | 4 heures | 2 % de la redevance"]


def test_two_columns_read_column_by_column(contract):
    _, _, segments = contract
    left = find_segment(segments, "Le Prestataire exploite deux centres")
    right = find_segment(segments, "Les équipements réseau sont maintenus")
    assert left.text.endswith("d'une climatisation redondante.")
    assert right.text.endswith("hébergeant les données de santé du Client.")
    assert left.end < right.start
    assert left.page == right.page == 3


def test_offsets_index_the_normalised_text(contract):
    _, text, segments = contract
    for s in segments:
        assert text[s.start:s.end] == s.text


def test_engines_give_the_same_clauses(pdfs):
    texts = []
    for engine in ENGINES:
        _, segments = segment(extract(pdfs["contract"], pdf_engine=engine, ocr="never"))
        texts.append([(s.text, s.page, s.number) for s in segments])
    assert texts[0] == texts[1]


@pytest.mark.parametrize("engine", ENGINES)
def test_owner_password_pdf_is_read(pdfs, engine):
    document = extract(pdfs["owner"], pdf_engine=engine)
    assert any("owner password" in w for w in document.warnings)
    _, segments = segment(document)
    assert any("sauvegarde quotidienne" in s.text for s in segments)


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_user_password_pdf_is_reported_encrypted(pdfs, engine):
    with pytest.raises(ExtractionError) as info:
        extract(pdfs["user"], pdf_engine=engine)
    assert info.value.status == "encrypted"
    assert "password" in str(info.value)


def test_corrupt_pdf_is_a_parse_error(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + b"garbage " * 100)
    with pytest.raises(ExtractionError) as info:
        extract(bad)
    assert info.value.status == "parse_error"


@pytest.mark.skipif(not HAS_TESSERACT, reason="tesseract is not installed")
@pytest.mark.parametrize("engine", ENGINES)
def test_scanned_page_is_ocred(pdfs, engine):
    announced: list[int] = []
    document = extract(pdfs["scanned"], pdf_engine=engine, on_ocr_page=announced.append)
    assert document.ocr_pages == (2,)
    assert announced == [2]  # the batch engine extends the deadline before each OCR page
    _, segments = segment(document)
    assert segments[0].text == "Article 8 - Objet" and segments[0].page == 1
    scanned = " ".join(s.text for s in segments if s.page == 2)
    for word in ("Article 9", "Hebergement", "Prestataire", "donnees", "France"):
        assert word in scanned
    assert not any("confidence" in w for w in document.warnings)


def test_ocr_never_warns_about_pages_without_text(pdfs):
    document = extract(pdfs["scanned"], ocr="never")
    assert document.ocr_pages == ()
    assert any("no text layer" in w and "2" in w for w in document.warnings)


def test_missing_tesseract_is_a_clear_warning(pdfs, monkeypatch):
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which",
                        lambda name: None if name == "tesseract" else real_which(name))
    document = extract(pdfs["scanned"])
    assert document.ocr_pages == ()
    warning = " ".join(document.warnings)
    assert "tesseract is not installed" in warning and "tesseract-ocr-fra" in warning
    assert "pages 2" in warning


def test_only_scanned_pdf_without_tesseract_is_not_silently_empty(tmp_path, monkeypatch):
    path = fx.build_scanned_pdf(tmp_path / "scan-only.pdf", with_text_page=False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    document = extract(path)
    assert document.blocks == ()
    assert any("no text could be extracted" in w for w in document.warnings)


@pytest.mark.skipif(not HAS_TESSERACT, reason="tesseract is not installed")
def test_low_ocr_confidence_warns(pdfs, monkeypatch):
    monkeypatch.setattr(pdf_pages, "OCR_MIN_CONFIDENCE", 101.0)
    document = extract(pdfs["scanned"])
    assert any("low OCR confidence on page 2" in w for w in document.warnings)


def test_page_number_lines():
    for line in ("3", "Page 3/45", "page 3 of 45", "- 3 -", "3 / 45", "Page 12 sur 40"):
        assert pdf_furniture._is_page_number(line), line
    for line in ("Article 3", "99,9 %", "3 jours ouvrés"):
        assert not pdf_furniture._is_page_number(line), line


SAMPLE_PDF = (SAMPLES / "contracts"
              / "fr-infogerance-ght.pdf")


@pytest.mark.skipif(not SAMPLE_PDF.exists(), reason="sample PDF not present")
def test_table_cells_wrapped_over_lines_stay_one_row():
    _, segments = segment(extract(SAMPLE_PDF))
    rows = [s.text for s in segments if s.text.startswith("GTI")]
    assert rows == [
        "GTI – incident bloquant | Délai entre l'enregistrement par le Centre de services d'un "
        "incident bloquant une Application critique ou un serveur de production et le début "
        "effectif de son traitement par un intervenant qualifié du Prestataire | 30 minutes, "
        "24 h/24 | 150 € par heure de retard"]
    # clauses 5.3 and 8.2 run across a page break (samples/README.md)
    for number, page in (("5.3", 2), ("8.2", 3)):
        clause = next(s for s in segments if s.number == number)
        assert clause.page == page and clause.text.endswith(".")


@pytest.mark.skipif(not HAS_TESSERACT, reason="tesseract is not installed")
def test_ocr_always_reads_every_page(pdfs):
    document = extract(pdfs["scanned"], ocr="always")
    assert document.ocr_pages == (1, 2)
    _, segments = segment(document)
    assert "services" in segments[1].text and "Hebergement" in " ".join(s.text for s in segments)


def _frag(text: str, x0: float, x1: float, top: float) -> model._Frag:
    return model._Frag(text, x0, x1, top, top + 10)


def test_gutter_of_two_text_columns_but_not_of_a_table():
    columns = [_frag("texte courant de la colonne de gauche", 72, 290, 100 + 14 * i)
               for i in range(12)]
    columns += [_frag("texte courant de la colonne de droite", 312, 523, 100 + 14 * i)
                for i in range(12)]
    columns.append(_frag("Titre qui traverse la page entière", 150, 450, 80))
    gutter = layout._find_gutter(columns, 595)
    assert gutter is not None and 290 <= gutter <= 312
    table = [_frag("Code", 72, 100, 100 + 14 * i) for i in range(12)]
    table += [_frag("Libellé long de la seconde colonne", 312, 523, 100 + 14 * i)
              for i in range(12)]
    assert layout._find_gutter(table, 595) is None
    one_column = [_frag("une ligne pleine de texte courant", 72, 523, 100 + 14 * i)
                  for i in range(30)]
    assert layout._find_gutter(one_column, 595) is None


# ------------------------------------------------------------------ published PDFs (issue 12)


def _published_like_pdf(path: Path) -> Path:
    """Four pages laid out like a published contract: a table of contents with dot leaders, a
    footer block (a table row and a line, then a page number set on two lines), bullets set
    apart from their text, and a paragraph that runs across the footer to the next page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font, bold = fx._fonts()
    c = canvas.Canvas(str(path), pagesize=A4)
    height = A4[1]
    state = {"page": 1, "y": height - 90.0}
    body = (
        "Le Prestataire héberge les données de santé du Client dans ses centres de données situés "
        "en France et assure leur sauvegarde quotidienne chiffrée sur un second site distant. ")

    def footer() -> None:
        c.setFont(font, 8)
        c.drawString(72, 70, "Version Document : CT.AM.JUR_v2")
        c.drawString(330, 70, "Niveau de Classification : Diffusion Limitée")
        c.drawString(72, 60, "Rédigé par : XX     Validé par : XX")
        c.drawString(480, 40, f"Page {state['page']}")
        c.drawString(480, 28, f"sur {3 + state['page'] % 2}")  # varies: not a running line

    def line(text: str, x: float = 72, face: str = font, size: float = 11) -> None:
        c.setFont(face, size)
        c.drawString(x, state["y"], text)
        state["y"] -= 15

    def new_page() -> None:
        footer()
        c.showPage()
        state["page"] += 1
        state["y"] = height - 90.0

    line("TABLE DES MATIERES", face=bold)
    for entry, page in (("1. OBJET", 2), ("2. HEBERGEMENT ET SAUVEGARDE", 2), ("3. GARANTIES", 3)):
        c.setFont(font, 11)
        c.drawString(72, state["y"], entry + " " + "." * (70 - len(entry)) + f" {page}")
        state["y"] -= 15
    new_page()
    line("1. OBJET", face=bold)
    for ln in fx._wrap(body * 2, 90):
        line(ln)
    state["y"] -= 8
    line("Le Prestataire fournit :")
    for item in ("la sauvegarde quotidienne des machines virtuelles ;",
                 "la supervision continue de la plateforme."):
        c.setFont(font, 11)
        c.drawString(90, state["y"], "•")
        c.drawString(110, state["y"], item)
        state["y"] -= 15
    state["y"] -= 8
    line("2. HEBERGEMENT ET SAUVEGARDE", face=bold)
    wrapped = fx._wrap(body * 12, 90)
    for n, ln in enumerate(wrapped):
        if state["y"] < 110:
            new_page()
        line(ln if n < len(wrapped) - 1 else ln + " Fin de la clause.")
    new_page()
    line("3. GARANTIES", face=bold)
    line("Le Prestataire garantit une disponibilité de 99,9 % par mois.")
    footer()
    c.save()
    return path


@pytest.fixture(scope="module", params=ENGINES)
def published(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[ExtractedDocument, str, list[Segment]]:
    path = _published_like_pdf(tmp_path_factory.mktemp("published") / "published.pdf")
    document = extract(path, pdf_engine=request.param, ocr="never")
    text, segments = segment(document)
    return document, text, segments


def test_multi_line_footer_block_removed_with_provenance(published):
    document, text, _ = published
    for furniture in ("Rédigé par", "Classification", "Page ", "sur 3", "sur 4"):
        assert furniture not in text
    pages = range(1, (document.pages or 0) + 1)
    assert len(pages) >= 3
    kinds = {(r.page, r.kind) for r in document.removed}
    assert {(p, "footer") for p in pages} <= kinds
    numbers = [r for r in document.removed if r.text.startswith(("Page ", "sur "))]
    assert len(numbers) == 2 * len(pages)
    assert all(r.kind in ("footer", "page_number") and r.top > 700 for r in numbers)
    assert document.removed_lines == tuple(r.text for r in document.removed)


def test_toc_lines_kept_out_of_the_clauses(published):
    document, text, segments = published
    assert "....." not in text
    assert "TABLE DES MATIERES" not in text
    assert sum(r.kind == "toc" for r in document.removed) == 4  # title and three entries
    assert [s.text for s in segments if s.text.startswith("3. GARANTIES")] == ["3. GARANTIES"]


def test_bullets_set_apart_are_list_items(published):
    _, _, segments = published
    item = find_segment(segments, "la sauvegarde quotidienne des machines")
    assert item.text == "• la sauvegarde quotidienne des machines virtuelles ;"
    assert find_segment(segments, "Le Prestataire fournit").text == "Le Prestataire fournit :"


def test_paragraph_runs_across_the_footer_block(published):
    _, _, segments = published
    clause = find_segment(segments, "Fin de la clause.")
    assert clause.text.startswith("Le Prestataire héberge") and clause.page == 2
    assert len(clause.text) > 1500


@pytest.mark.parametrize(("raw", "font", "expected"), [
    ("\uf0b7 Le titulaire", "", "• Le titulaire"),
    ("\uf0a7Sauvegarde", "", "• Sauvegarde"),
    ("\uf0d8 item", "", "• item"),
    ("\uf076", "", "•"),  # a bullet alone in its fragment: the line joins it to its text
    ("o Sous-item", "CourierNewPSMT", "• Sous-item"),
    ("o Sous-item", "Arial", "o Sous-item"),
    ("§ Point", "Wingdings-Regular", "• Point"),
    ("▪ Point", "", "• Point"),
    ("• ARTICLE 9.4 – Moyens d'authentification :", "", "ARTICLE 9.4 – Moyens d'authentification :"),
    ("\uf04c\uf065\uf020\uf043\uf06c\uf069\uf065\uf06e\uf074", "", "Le Client"),
    ("\uf0b7\uf020\uf04c\uf065\uf020\uf043\uf06c\uf069\uf065\uf06e\uf074", "", "• Le Client"),
    ("Le Client", "Wingdings", "Le Client"),
])
def test_bullet_glyphs_mapped(raw: str, font: str, expected: str):
    assert bullets._bulleted(raw, font) == expected


def _line(text: str, page: int, top: float, x0: float = 72.0) -> model._Line:
    return model._Line(text=text, top=top, bottom=top + 10, x0=x0, x1=x0 + 6 * len(text),
                            page=page)


def test_toc_detection_with_wrapped_entries():
    page = [_line("SOMMAIRE", 1, 100), _line("1. OBJET ............ 3", 1, 115),
            _line("2. ACCES DISTANTS DE TIERS PARTICIPANT A LA FOURNITURE DU", 1, 130),
            _line("SERVICE .............. 12", 1, 145), _line("Le présent contrat a pour objet", 1, 170)]
    toc = pdf_furniture._toc_lines([page])
    assert [ln.text for ln in page if id(ln) in toc] == [ln.text for ln in page[:4]]


def test_split_page_number():
    assert pdf_furniture._split_page_number(_line("Page 10", 3, 800), _line("sur 25", 3, 810))
    assert pdf_furniture._split_page_number(_line("10", 3, 800), _line("/ 25", 3, 810))
    assert not pdf_furniture._split_page_number(_line("Article 10", 3, 800), _line("sur 25", 3, 810))


def test_first_line_indent_starts_a_paragraph():
    def ln(text: str, top: float, x0: float) -> model._Line:
        return model._Line(text=text, top=top, bottom=top + 10, x0=x0, x1=500.0, page=1,
                                size=10.0)

    lines = [ln("Le Prestataire héberge les données du Client dans ses centres de", 100, 90),
             ln("données situés en France et les sauvegarde chaque jour sur un site", 112, 72),
             ln("distant, chiffrées, pendant trente jours au moins et sans exception.", 124, 72),
             ln("Le Client désigne un référent chargé du suivi des incidents et de la", 136, 90),
             ln("coordination avec le Prestataire pendant toute la durée du contrat.", 148, 72),
             ln("• la sauvegarde quotidienne des machines virtuelles du Client et de", 160, 90),
             ln("leurs disques, avec une conservation de trente jours au minimum.", 172, 108)]
    blocks = paragraphs._paragraphs([lines])
    assert [b.text.split("\n")[0][:20] for b in blocks] == [
        "Le Prestataire héber", "Le Client désigne un", "• la sauvegarde quot"]
    assert blocks[2].text.endswith("minimum.")


def test_page_number_split_across_lines_removed():
    page = [_line("Article 1 – Objet", 1, 100), _line("Le présent contrat a pour objet", 1, 115),
            _line("Page 10", 1, 790), _line("sur 25", 1, 802)]
    bodies, removed = pdf_furniture._body_lines([page])
    assert [ln.text for ln in bodies[0]] == ["Article 1 – Objet", "Le présent contrat a pour objet"]
    assert [(r.text, r.kind, r.page) for r in removed] == [
        ("Page 10", "page_number", 1), ("sur 25", "page_number", 1)]
