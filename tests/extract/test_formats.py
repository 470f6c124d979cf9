"""File types decided by content; .odt/.rtf/.doc through LibreOffice or a clear error; plain
text."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from analyzer.errors import ExtractionError
from analyzer.extract import convert, extract, sniff_format
from analyzer.extract.text import one_paragraph_per_line
from analyzer.segment import segment
from tests.data import build_fixtures as fx


def _odt(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    return path


def test_sniff_by_content_not_name(tmp_path):
    pdf = fx.build_scanned_pdf(tmp_path / "a.pdf")
    renamed = tmp_path / "really-a-pdf.docx"
    renamed.write_bytes(pdf.read_bytes())
    assert sniff_format(renamed) == "pdf"
    docx_file = fx.build_docx(tmp_path / "b.docx")
    renamed_docx = tmp_path / "really-a-docx.pdf"
    renamed_docx.write_bytes(docx_file.read_bytes())
    assert sniff_format(renamed_docx) == "docx"
    assert sniff_format(_odt(tmp_path / "c.odt")) == "odt"
    rtf = tmp_path / "d.rtf"
    rtf.write_text("{\\rtf1\\ansi Hello}")
    assert sniff_format(rtf) == "rtf"
    doc = tmp_path / "e.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert sniff_format(doc) == "doc"


def test_unsupported_files(tmp_path):
    other_zip = tmp_path / "x.docx"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("hello.txt", "hi")
    binary = tmp_path / "y.bin"
    binary.write_bytes(b"\x00\x01\x02")
    for path in (other_zip, binary):
        with pytest.raises(ExtractionError) as info:
            sniff_format(path)
        assert info.value.status == "unsupported_type"


@pytest.mark.parametrize("suffix", ["odt", "rtf", "doc"])
def test_conversion_without_libreoffice_says_what_to_install(tmp_path, monkeypatch, suffix):
    monkeypatch.setattr(convert, "soffice_path", lambda: None)
    path = tmp_path / f"contract.{suffix}"
    if suffix == "odt":
        _odt(path)
    elif suffix == "rtf":
        path.write_text("{\\rtf1\\ansi Le Prestataire heberge les donnees.}")
    else:
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(ExtractionError) as info:
        extract(path)
    message = str(info.value)
    assert info.value.status == "unsupported_type"
    assert "LibreOffice" in message and "apt-get install libreoffice" in message


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_rtf_converted_with_libreoffice(tmp_path):
    path = tmp_path / "contract.rtf"
    path.write_text("{\\rtf1\\ansi Le Prestataire h\\'e9berge les donn\\'e9es.\\par}")
    _, segments = segment(extract(path))
    assert segments[0].text == "Le Prestataire héberge les données."


def test_unwrapped_text_is_one_paragraph_per_line(tmp_path):
    long = "Provider will keep the Customer Data in data centers located in the European Union " * 3
    lines = [f"{i}. {long}" if i % 2 else long for i in range(6)]
    path = tmp_path / "unwrapped.txt"
    path.write_text("Title\n" + "\n".join(lines) + "\n")
    assert one_paragraph_per_line(path.read_text())
    _, segments = segment(extract(path))
    assert len(segments) == 7


def test_wrapped_text_keeps_paragraphs(tmp_path):
    path = tmp_path / "wrapped.txt"
    path.write_text("Le Prestataire héberge les données de santé\ndu Client en France.\n\n"
                    "Le Client paie le prix\nconvenu.\n")
    _, segments = segment(extract(path))
    assert [s.text for s in segments] == [
        "Le Prestataire héberge les données de santé du Client en France.",
        "Le Client paie le prix convenu."]


def test_corrupt_zip_packages_are_parse_errors(tmp_path):
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(fx.build_docx(tmp_path / "ok.docx").read_bytes()[:2000])
    no_main = tmp_path / "no-main.docx"
    with zipfile.ZipFile(no_main, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/styles.xml", "<w:styles/>")
    for path in (truncated, no_main):
        with pytest.raises(ExtractionError) as info:
            extract(path)
        assert info.value.status == "parse_error"


def test_macro_enabled_word_file_is_unsupported(tmp_path):
    path = fx.build_docx(tmp_path / "macro.docx")
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    with pytest.raises(ExtractionError) as info:
        extract(path)
    assert info.value.status == "unsupported_type"


def _page_text() -> str:
    """Four pages exported line by line from a PDF: a TOC, a running footer, wrapped paragraphs."""
    full = "Le Titulaire assure la supervision des serveurs de production et des équipements réseau"
    pages = [
        ["Table des matières",
         "1 Objet du marché ........................................................ 2",
         "2 Prestations attendues ................................................... 3"],
        ["1 Objet du marché",
         full,
         "du centre hospitalier, sept jours sur sept, et la gestion des incidents de niveau un.",
         "Le Titulaire transmet un rapport mensuel."],
        ["2 Prestations attendues",
         "Le Titulaire réalise les sauvegardes quotidiennes des bases de données et des fichiers",
         "des utilisateurs ; il vérifie chaque mois la restauration d'un échantillon de fichiers",
         "choisi par le Client.",
         "• les mises à jour de sécurité ;"],
        ["Le Titulaire désigne un chef de projet, interlocuteur unique du Client pendant toute la",
         "durée du marché, et un suppléant."],
    ]
    return "\n\n".join("\n".join([*page, f"N° 25ABC - CCTP Page {i + 1}/4"])
                       for i, page in enumerate(pages)) + "\n"


def test_page_text_is_rebuilt_into_paragraphs(tmp_path):
    path = tmp_path / "cctp.txt"
    path.write_text(_page_text(), encoding="utf-8")
    document = extract(path)
    text, segments = segment(document)
    clauses = [s.text for s in segments if s.kind == "clause"]
    assert clauses == [
        "Table des matières",
        "Le Titulaire assure la supervision des serveurs de production et des équipements réseau"
        " du centre hospitalier, sept jours sur sept, et la gestion des incidents de niveau un.",
        "Le Titulaire transmet un rapport mensuel.",
        "Le Titulaire réalise les sauvegardes quotidiennes des bases de données et des fichiers des"
        " utilisateurs ; il vérifie chaque mois la restauration d'un échantillon de fichiers"
        " choisi par le Client.",
        "• les mises à jour de sécurité ;",
        "Le Titulaire désigne un chef de projet, interlocuteur unique du Client pendant toute la"
        " durée du marché, et un suppléant.",
    ]
    assert [s.text for s in segments if s.kind == "heading"] == [
        "1 Objet du marché", "2 Prestations attendues"]
    assert "Page 2/4" not in text and "......" not in text
    assert "N° 25ABC - CCTP Page 3/4" in document.removed_lines
    assert any("Objet du marché ....." in line for line in document.removed_lines)


def test_symbol_font_bullets_are_bullets(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Le Titulaire assure :\n\n\uf0b7 la supervision ;\n\n\uf0a7 les sauvegardes.\n",
                    encoding="utf-8")
    _, segments = segment(extract(path))
    assert [s.text for s in segments] == ["Le Titulaire assure :", "• la supervision ;",
                                          "• les sauvegardes."]


def test_markdown_escapes_and_bold_do_not_break_words(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("# Article 1\n\nL\\'accès du **Client** est __nominatif__.\n", encoding="utf-8")
    _, segments = segment(extract(path))
    assert segments[-1].text == "L'accès du Client est nominatif."
