"""DOCX extraction: numbering, headings, tables, tracked changes, content controls, text boxes,
notes,
headers/footers kept apart, paragraph provenance. Fixtures are built with python-docx."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from analyzer.errors import ExtractionError
from analyzer.extract import extract
from analyzer.extract.docx_numbering import Numbering, format_number
from analyzer.models import ExtractedDocument, Segment
from analyzer.segment import segment
from tests.conftest import find_segment
from tests.data import build_fixtures as fx


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = fx.build_docx(tmp_path_factory.mktemp("docx") / "contract.docx")
    return fx.add_footnote(path, "Au sens de l'article L.1111-8 du code de la santé publique.")


@pytest.fixture(scope="module")
def parsed(docx_path: Path) -> tuple[ExtractedDocument, str, list[Segment]]:
    document = extract(docx_path)
    text, segments = segment(document)
    return document, text, segments




def test_automatic_numbering_becomes_the_clause_number(parsed):
    _, _, segments = parsed
    numbers = [find_segment(segments, text).number for _, text in fx.NUMBERED]
    assert numbers == fx.NUMBERED_LABELS
    assert find_segment(segments, "par un bastion").text == "a) par un bastion ;"
    assert find_segment(segments, "pour les sous-traitants").text == "ii. pour les sous-traitants."


def test_list_styles_are_numbered(parsed):
    _, _, segments = parsed
    assert find_segment(segments, "sauvegarde les données chaque jour").number == "1"
    assert find_segment(segments, "Les sauvegardes sont chiffrées").number == "2"
    bullet = find_segment(segments, "Le Client peut demander")
    assert bullet.number is None and bullet.kind == "clause"


def test_headings_and_heading_paths(parsed):
    _, _, segments = parsed
    heading = find_segment(segments, "Article 2 Réversibilité")
    assert heading.kind == "heading"
    assert find_segment(segments, "Les données sont restituées").heading_path == (
        "Article 2 Réversibilité",)
    assert find_segment(segments, "Les sauvegardes sont chiffrées").heading_path == ("Sauvegarde",)


def test_tables_in_order(parsed):
    _, _, segments = parsed
    rows = [s.text for s in segments if " | " in s.text]
    assert rows == ["Indicateur | Engagement", "Disponibilité | 99,9 %"]
    assert segments.index(find_segment(segments, "Indicateur")) < segments.index(
        find_segment(segments, "notifie"))


def test_tracked_changes_insertions_kept_deletions_dropped(parsed):
    document, text, segments = parsed
    assert find_segment(segments, "notifie").text == (
        "Le Prestataire notifie sans délai toute violation de données.")
    assert "huit jours" not in text
    assert any("tracked changes" in w for w in document.warnings)


def test_content_controls_and_text_boxes(parsed):
    _, _, segments = parsed
    assert find_segment(segments, "Durée : trois ans.")
    box = find_segment(segments, "Encadré : les données restent en France.")
    assert segments.index(box) == segments.index(find_segment(segments, "Voir encadré.")) + 1


def test_headers_and_footers_kept_apart(parsed):
    document, text, _ = parsed
    assert fx.HEADER not in text
    assert fx.HEADER in document.removed_lines
    assert "Page 1" in document.removed_lines


def test_footnotes_after_the_body(parsed):
    _, _, segments = parsed
    note = segments[-1]
    assert note.text == "Au sens de l'article L.1111-8 du code de la santé publique."
    assert note.heading_path == () and note.paragraph is None


def test_paragraph_index_provenance(parsed, docx_path):
    import docx

    _, _, segments = parsed
    paragraphs = [p.text for p in docx.Document(str(docx_path)).paragraphs]
    clause = find_segment(segments, "Le Prestataire héberge les données de santé du Client.")
    assert clause.page is None
    assert paragraphs[clause.paragraph] == clause.text
    heading = find_segment(segments, "Article 1 – Objet")
    assert heading.paragraph == 0
    assert find_segment(segments, "Indicateur").paragraph == 6  # first paragraph of the table row


def test_doctype_is_refused(tmp_path):
    path = fx.add_doctype(fx.build_docx(tmp_path / "xxe.docx"))
    with pytest.raises(ExtractionError) as info:
        extract(path)
    assert info.value.status == "parse_error" and "DOCTYPE" in str(info.value)


@pytest.mark.parametrize("declaration", [
    b"<!ENTITY x SYSTEM 'file:///etc/passwd'>",  # an entity without a DOCTYPE line
    b" " * 70_000 + b"<!doctype d>",  # past the first 64 KiB of the part
    "<!DOCTYPE d>".encode("utf-16-be"),
])
def test_any_doctype_or_entity_in_a_part_is_refused(tmp_path, declaration):
    """The extractor refuses what the batch pre-flight refuses (one check, ``preflight``)."""
    path = fx.build_docx(tmp_path / "xxe.docx")
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["docProps/custom.xml"] = b'<?xml version="1.0"?>' + declaration + b"<x/>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    with pytest.raises(ExtractionError) as info:
        extract(path)
    assert info.value.status == "parse_error" and "DOCTYPE or ENTITY" in str(info.value)


def test_not_a_docx(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ExtractionError) as info:
        extract(path)
    assert info.value.status in ("unsupported_type", "parse_error")


def test_number_formats():
    assert [format_number(n, "lowerLetter") for n in (1, 2, 26, 27)] == ["a", "b", "z", "aa"]
    assert [format_number(n, "upperRoman") for n in (1, 4, 9, 14)] == ["I", "IV", "IX", "XIV"]
    assert format_number(3, "decimalZero") == "03"


def test_numbering_start_override_restarts_a_list():
    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = etree.fromstring(
        f'<w:numbering xmlns:w="{w}"><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0">'
        '<w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:isLgl/>'
        '<w:lvlText w:val="%1.%2"/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0">'
        '<w:startOverride w:val="5"/></w:lvlOverride></w:num></w:numbering>')
    numbering = Numbering.from_element(root)
    labels = [numbering.next_label("1", 0), numbering.next_label("1", 1),
              numbering.next_label("1", 1), numbering.next_label("1", 0),
              numbering.next_label("2", 0), numbering.next_label("2", 1)]
    assert [label for label, _ in labels] == ["1.", "1.1", "1.2", "2.", "5.", "5.1"]
    assert numbering.next_label("9", 0) is None


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_odt_converted_with_libreoffice(tmp_path, docx_path):
    import subprocess

    subprocess.run(["soffice", "--headless", "--convert-to", "odt", "--outdir", str(tmp_path),
                    str(docx_path)], check=True, capture_output=True, timeout=180)
    document = extract(tmp_path / "contract.odt")
    assert document.format == "odt"
    _, segments = segment(document)
    assert find_segment(segments, "Le Prestataire héberge les données de santé du Client.")


def test_outline_levels_and_heading_style_inheritance(tmp_path):
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    custom = document.styles.add_style("Clause Title", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = document.styles["Heading 2"]
    document.add_paragraph("Conditions financières", style="Heading 1")
    document.add_paragraph("Prix", style="Clause Title")
    document.add_paragraph("Le prix est ferme.")
    outlined = document.add_paragraph("Révision")
    outlined._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {w} w:val="1"/>'))
    document.add_paragraph("Le prix est révisé chaque année.")
    path = tmp_path / "outline.docx"
    document.save(str(path))
    _, segments = segment(extract(path))
    assert [(s.kind, s.heading_path) for s in segments] == [
        ("heading", ()),
        ("heading", ("Conditions financières",)),
        ("clause", ("Conditions financières", "Prix")),
        ("heading", ("Conditions financières",)),
        ("clause", ("Conditions financières", "Révision")),
    ]


def test_hostile_numbering_labels_stay_short():
    from lxml import etree

    # a start value of 2,000,000,000 made one label of 77 million letters per paragraph
    for fmt in ("lowerLetter", "upperLetter", "lowerRoman", "upperRoman"):
        assert format_number(2_000_000_000, fmt) == "2000000000"
    assert format_number(104, "lowerLetter") == "z" * 4 and format_number(105, "lowerLetter") == "105"
    assert format_number(3999, "upperRoman") == "MMMCMXCIX"
    assert format_number(0, "lowerRoman") == "" and format_number(-5, "lowerLetter") == ""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = etree.fromstring(
        f'<w:numbering xmlns:w="{w}"><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0">'
        '<w:start w:val="2000000000"/><w:numFmt w:val="lowerRoman"/>'
        f'<w:lvlText w:val="{"%1" * 5000}"/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num></w:numbering>')
    numbering = Numbering.from_element(root)
    for _ in range(3):
        label, bullet = numbering.next_label("1", 0)
        assert not bullet and len(label) <= 64 * 10
