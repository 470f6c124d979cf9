"""Segmentation: normalisation, clause numbers, headings, heading paths, offsets; the
corpus
clause boundaries against the gold annotation units; language detection."""

from __future__ import annotations

import re
import unicodedata

import pytest

from analyzer.extract import extract
from analyzer.language import detect_language
from analyzer.models import Block, ExtractedDocument
from analyzer.segment import clause_number, join_lines, normalize_text, segment
from tests.paths import GOLD_CORPUS

GOLD = GOLD_CORPUS


def _doc(*blocks: Block) -> ExtractedDocument:
    return ExtractedDocument(path="x.txt", format="txt", blocks=blocks)


def test_normalize_text():
    raw = "e\u0301\ufb01n\u00a0de\u00adla \u201cclause\u201d l\u2019h\u00f4te\u200b"
    assert normalize_text(raw) == 'éfin dela "clause" l\'hôte'


def test_join_lines_dehyphenates():
    assert join_lines(["Le Prestataire assure l'héber-", "gement des données"]) == (
        "Le Prestataire assure l'hébergement des données")
    assert join_lines(["pages 3-", "4 et Jean-", "Pierre"]) == "pages 3- 4 et Jean- Pierre"


def test_join_lines_keeps_the_rules_on_a_200k_character_clause_of_many_lines():
    group = ["Le Prestataire assure l'héber-", "  gement des\tdonnées ", "", "pages 3-",
             "4 et Jean-", "Pierre, ainsi que la sauve-"]
    lines = group * 8000 + ["garde."]
    joined = join_lines(lines)
    unit = "Le Prestataire assure l'hébergement des données pages 3- 4 et Jean- Pierre, ainsi que la"
    # "sauve-" stays hyphenated before the next group's capitalised "Le"; the very last line
    # ("garde.") is lower-case and glued back
    expected = " ".join([f"{unit} sauve-"] * 8000)[:-1] + "garde."
    assert len(joined) > 200_000
    assert joined == expected
    assert join_lines(["-", "suite"]) == "- suite"  # a lone hyphen is not a hyphenated word
    assert join_lines(["é-", "tait", "", "   "]) == "était"


@pytest.mark.parametrize(("text", "number"), [
    ("Article 7 – Sauvegarde", "Article 7"), ("ARTICLE 12. Durée", "ARTICLE 12"),
    ("7.2.1 Le Prestataire", "7.2.1"), ("3. Objet", "3"), ("a) la sauvegarde", "a)"),
    ("(b) the backup", "(b)"), ("ii. les accès", "ii"), ("Le Prestataire", None),
])
def test_clause_number(text, number):
    assert clause_number(text) == number


def test_heading_paths_and_units():
    text, segments = segment(_doc(
        Block("ARTICLE 7 – SAUVEGARDE"),
        Block("7.1 Périmètre"),
        Block("Le Prestataire sauvegarde :\na) les bases de données ;\nb) les fichiers."),
        Block("7.2 Rétention"),
        Block("Les sauvegardes sont conservées trente jours."),
        Block("Article 8 – Réversibilité"),
        Block("Les données sont restituées."),
    ))
    got = [(s.kind, s.number, s.heading_path, s.text) for s in segments]
    assert got == [
        ("heading", "ARTICLE 7", (), "ARTICLE 7 – SAUVEGARDE"),
        ("heading", "7.1", ("ARTICLE 7 – SAUVEGARDE",), "7.1 Périmètre"),
        ("clause", None, ("ARTICLE 7 – SAUVEGARDE", "7.1 Périmètre"),
         "Le Prestataire sauvegarde :"),
        ("clause", "a)", ("ARTICLE 7 – SAUVEGARDE", "7.1 Périmètre"), "a) les bases de données ;"),
        ("clause", "b)", ("ARTICLE 7 – SAUVEGARDE", "7.1 Périmètre"), "b) les fichiers."),
        ("heading", "7.2", ("ARTICLE 7 – SAUVEGARDE",), "7.2 Rétention"),
        ("clause", None, ("ARTICLE 7 – SAUVEGARDE", "7.2 Rétention"),
         "Les sauvegardes sont conservées trente jours."),
        ("heading", "Article 8", (), "Article 8 – Réversibilité"),
        ("clause", None, ("Article 8 – Réversibilité",), "Les données sont restituées."),
    ]
    for s in segments:
        assert text[s.start:s.end] == s.text


def test_a_title_in_capitals_stays_inside_its_numbered_section():
    """Published specifications put unnumbered titles in capitals inside numbered sections (a
    service sheet's "FICHE DESCRIPTIVE DE LA PRESTATION", a table's header line): such a title
    no longer closes the section it appears in, so the items under it keep the numbered
    headings (and what they say: "à bons de commande") in their path. A bulleted line in
    capitals is a list item, not a title."""
    _, segments = segment(_doc(
        Block("CAHIER DES CLAUSES TECHNIQUES"),
        Block("4. PRESTATIONS"),
        Block("4.2. Prestations à bons de commande"),
        Block("FICHE DESCRIPTIVE DE LA PRESTATION"),
        Block("- Mise en place des environnements ;"),
        Block("CODE DESCRIPTION"),
        Block("Les navigateurs supportés sont :\n• EDGE 75+\n• CHROME 75+"),
        Block("5. RÉVERSIBILITÉ"),
        Block("Les données sont restituées."),
    ))
    got = [(s.kind, s.heading_path, s.text) for s in segments]
    section = ("4. PRESTATIONS", "4.2. Prestations à bons de commande")
    assert got == [
        ("heading", (), "CAHIER DES CLAUSES TECHNIQUES"),
        ("heading", (), "4. PRESTATIONS"),
        ("heading", ("4. PRESTATIONS",), "4.2. Prestations à bons de commande"),
        ("heading", section, "FICHE DESCRIPTIVE DE LA PRESTATION"),
        ("clause", (*section, "FICHE DESCRIPTIVE DE LA PRESTATION"),
         "- Mise en place des environnements ;"),
        ("heading", section, "CODE DESCRIPTION"),
        ("clause", (*section, "CODE DESCRIPTION"), "Les navigateurs supportés sont :"),
        ("clause", (*section, "CODE DESCRIPTION"), "• EDGE 75+"),
        ("clause", (*section, "CODE DESCRIPTION"), "• CHROME 75+"),
        ("heading", (), "5. RÉVERSIBILITÉ"),
        ("clause", ("5. RÉVERSIBILITÉ",), "Les données sont restituées."),
    ]


def test_source_number_and_paragraph_are_used():
    _, segments = segment(_doc(
        Block("Article 3 Sauvegarde", kind="heading", level=1, number="Article 3", paragraph=4),
        Block("3.1 Les données sont sauvegardées.", kind="list_item", number="3.1", paragraph=5),
    ))
    assert [(s.number, s.paragraph) for s in segments] == [("Article 3", 4), ("3.1", 5)]


def test_wrapped_number_is_not_a_list_item():
    _, segments = segment(_doc(Block(
        "Le Prestataire respecte un délai de vingt et un\n(21) jours calendaires.\n"
        "Il fournit :\n(1) un certificat ;\n(2) un rapport.")))
    assert [s.text for s in segments] == [
        "Le Prestataire respecte un délai de vingt et un (21) jours calendaires. Il fournit :",
        "(1) un certificat ;", "(2) un rapport."]


def _norm(text: str) -> str:
    text = normalize_text(unicodedata.normalize("NFC", text))
    return " ".join(re.sub(r"[*|#_]", " ", text).casefold().split())


def test_language_detection_on_corpus(corpus_dir):
    expected = {"cloudtemple-cgvu.txt": "fr", "cloudtemple-convention-service-iaas-secnumcloud.txt":
                "fr", "cloudtemple-iaas-service-agreement-en.txt": "en",
                "commonpaper-cloud-service-agreement-with-sla.txt": "en",
                "eoko-conditions-particulieres-infogerance.txt": "fr"}
    for name, language in expected.items():
        text, _ = segment(extract(corpus_dir / name))
        assert detect_language(text) == language, name


def test_language_detection_short_texts():
    assert detect_language("Le Prestataire héberge les données de santé du Client.") == "fr"
    assert detect_language("The Provider hosts the Customer Data in the EU.") == "en"
    assert detect_language("") == "fr"


def test_a_wrapped_line_that_starts_like_a_lettered_item_stays_in_its_clause():
    from analyzer.numbering import starts_unit as _starts_unit

    assert not _starts_unit("b) du contrat et de ses annexes.", "les obligations visées au point")
    assert _starts_unit("b) la sauvegarde des données ;", "a) l'hébergement ;")
    assert not _starts_unit("(21) jours calendaires.", "dans un délai de vingt et un")
