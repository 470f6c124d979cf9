"""Qualification of hits with the shipped context cues (ConText-style): excluded, conditional,
definition, party; and how it decides clause status and coverage."""

from __future__ import annotations

import pytest

from analyzer.analyze import analyze_extracted, get_ruleset
from analyzer.models import Block, ExtractedDocument
from analyzer.nlp import HITS_KEY, cached_pipeline
from analyzer.qualify import (
    Vocabulary,
    clause_status,
    opens_with_definition,
    qualify_hit,
    select_tags,
)
from analyzer.resources import default_patterns_dir


def _qualify(text: str, lang: str) -> tuple[str, str]:
    ruleset = get_ruleset(default_patterns_dir(), lang)
    vocab = Vocabulary.of(ruleset)
    doc = cached_pipeline(ruleset)(text)
    spans = list(doc.spans[HITS_KEY])
    cues = [s for s in spans if s.label_ == "context"]
    tags = select_tags([s for s in spans if s.label_ not in ("checklist", "context")], vocab)
    assert tags, f"no tagging hit in {text!r}"
    if opens_with_definition(cues, vocab):
        return "definition", "provider"
    return clause_status([qualify_hit(s, cues, vocab) for s in tags])


@pytest.mark.parametrize(
    ("text", "status", "party"),
    [
        ("Le Prestataire réalise une sauvegarde quotidienne des données.", "included", "provider"),
        ("La prestation ne comprend pas la sauvegarde des données.", "excluded", "provider"),
        ("La supervision des postes de travail est hors périmètre.", "excluded", "provider"),
        ("Les licences sont fournies, à l'exclusion de la sauvegarde des données.", "excluded",
         "provider"),
        ("La sauvegarde des postes de travail est à la charge du Client.", "excluded", "client"),
        ("C'est au COMMANDITAIRE de superviser la bonne exécution des sauvegardes.", "excluded",
         "client"),
        ("Le Client demeure responsable de la gestion des comptes de ses utilisateurs.", "excluded",
         "client"),
        ("Une sauvegarde externalisée peut être mise en place en option.", "conditional",
         "provider"),
        ("Des formations complémentaires sont proposées sur devis.", "conditional", "provider"),
        ("La restauration des données est réalisée à la demande du Client.", "conditional",
         "provider"),
        ("La prestation de sauvegarde est soumise à la souscription d'espace de stockage.",
         "conditional", "provider"),
        ("« Sauvegarde » désigne la copie des données sur un support distinct.", "definition",
         "provider"),
        ("La prestation ne comprend pas la formation, mais le Prestataire assure la supervision.",
         "excluded", "provider"),
        # the client reports the anomalies, the provider corrects them
        ("Le Prestataire assure la correction des anomalies signalées par le Client.", "included",
         "provider"),
        ("La sauvegarde des données est réalisée par le Client.", "excluded", "client"),
    ],
)
def test_french_qualification(text: str, status: str, party: str) -> None:
    assert _qualify(text, "fr") == (status, party)


@pytest.mark.parametrize(
    ("text", "status", "party"),
    [
        ("Provider shall back up Customer Data daily.", "included", "provider"),
        ("The Services do not include backup of Customer workstations.", "excluded", "provider"),
        ("Application support is out of scope.", "excluded", "provider"),
        ("Customer is responsible for backing up its own content.", "excluded", "client"),
        ("It is the CLIENT's responsibility to monitor the backup policies.", "excluded", "client"),
        ("Geo-redundant backups are available for an additional fee.", "conditional", "provider"),
        ("If ordered in the Order Form, Provider shall provide training.", "conditional",
         "provider"),
        ('"Backup" means a copy of Customer Data stored separately.', "definition", "provider"),
    ],
)
def test_english_qualification(text: str, status: str, party: str) -> None:
    assert _qualify(text, "en") == (status, party)


def test_terminator_ends_the_scope_of_a_cue() -> None:
    ruleset = get_ruleset(default_patterns_dir(), "fr")
    doc = cached_pipeline(ruleset)(
        "La prestation ne comprend pas la formation, mais inclut la supervision des serveurs.")
    spans = list(doc.spans[HITS_KEY])
    cues = [s for s in spans if s.label_ == "context"]
    by_label = {s.label_: qualify_hit(s, cues, Vocabulary.of(ruleset)).status for s in spans
                if s.label_ in ("training", "maintenance")}
    assert by_label == {"training": "excluded", "maintenance": "included"}


def test_party_appointing_someone_is_not_a_definition() -> None:
    assert _qualify("Le Prestataire désigne un chef de projet, interlocuteur du Client.",
                    "fr")[0] == "included"


def test_client_owned_resource_is_not_provided() -> None:
    # The provider administers servers in the client's data centre: maintenance, not hosting.
    ruleset = get_ruleset(default_patterns_dir(), "fr")
    doc = cached_pipeline(ruleset)(
        "L'administration des serveurs installés dans le centre de données du Client.")
    tags = select_tags([s for s in doc.spans[HITS_KEY] if s.label_ not in ("checklist", "context")],
                       Vocabulary.of(ruleset))
    assert {s.label_ for s in tags} == {"maintenance"}


def _doc(*paragraphs: str) -> ExtractedDocument:
    return ExtractedDocument(path="t.txt", format="txt",
                             blocks=tuple(Block(text=p, index=i) for i, p in enumerate(paragraphs)))


def test_excluded_clause_never_counts_as_coverage() -> None:
    report = analyze_extracted(_doc(
        "1. Le Prestataire assure la supervision des serveurs.",
        "2. La sauvegarde des données est à la charge exclusive du Client.",
    ), lang="fr")
    by_text = {c["text"][:2]: c for c in report["clauses"]}
    assert by_text["2."]["status"] == "excluded"
    assert by_text["2."]["party"] == "client"
    assert report["coverage"]["A6"] == []
    assert report["coverage"]["A5"] == [by_text["1."]["id"]]


def test_availability_maps_to_the_hosted_layer() -> None:
    iaas = analyze_extracted(_doc(
        "1. Le Prestataire met à disposition des machines virtuelles et des espaces de stockage.",
        "2. Le taux de disponibilité garanti est de 99,9 %.",
    ), lang="fr")
    saas = analyze_extracted(_doc("1. Le taux de disponibilité garanti est de 99,9 %."), lang="fr")
    assert iaas["clauses"][-1]["mapping"] == ["A3"]
    assert iaas["clauses"][-1]["explanation"].endswith("→ A3")  # says why it is not A4
    assert saas["clauses"][-1]["mapping"] == ["A4"]


def test_ruleset_is_cached() -> None:
    assert get_ruleset(default_patterns_dir(), "fr") is get_ruleset(default_patterns_dir(), "fr")


def test_price_and_subprocessor_clauses_are_not_tagged() -> None:
    report = analyze_extracted(_doc(
        "1. Les sessions de formation supplémentaires sont facturées 650 euros hors taxes.",
        "2. Le Prestataire impose à ses sous-traitants ultérieurs une politique de sécurité "
        "équivalente.",
        "3. Les sous-traitants ultérieurs hébergent les données en France.",
    ), lang="fr")
    tagged = {c["text"][:2]: c["categories"] for c in report["clauses"]}
    assert tagged == {"3.": ["hosting"]}


def test_a_condition_stated_by_the_heading_conditions_the_clauses_below() -> None:
    report = analyze_extracted(_doc(
        "5. Prestations à bons de commande",
        "Le Titulaire assure la sauvegarde quotidienne des serveurs de la collectivité.",
        "6. Prestations au forfait",
        "Le Titulaire assure la sauvegarde quotidienne des postes de travail.",
    ), lang="fr")
    statuses = {("serveurs" if "serveurs" in c["text"] else "postes"): c["status"]
                for c in report["clauses"] if c["text"].startswith("Le Titulaire")}
    assert statuses == {"serveurs": "conditional", "postes": "included"}
    [on_order] = [c for c in report["clauses"] if "serveurs" in c["text"]]
    assert "conditional by its heading «bons de commande»" in on_order["explanation"]


def test_party_names_come_from_the_contract_and_the_lexicon() -> None:
    report = analyze_extracted(_doc(
        "Le Centre hospitalier, ci-après dénommé « le Client » ou « CHU », et la société X.",
        "Le CHU assure la sauvegarde quotidienne des données.",
        "Le pouvoir adjudicateur met à disposition les salles techniques.",
        "Le Titulaire assure la supervision des serveurs.",
    ), lang="fr")
    by_text = {c["text"][:12]: (c["status"], c["party"]) for c in report["clauses"]}
    assert by_text["Le CHU assur"] == ("excluded", "client")
    assert by_text["Le pouvoir a"] == ("excluded", "client")
    assert by_text["Le Titulaire"] == ("included", "provider")


@pytest.mark.parametrize(("lang", "text", "words"), [
    ("fr", "12.4.SECURITE ET CONFIDENTIALITE", ["12.4", ".", "SECURITE", "ET", "CONFIDENTIALITE"]),
    ("fr", "3.11.1.Supervision", ["3.11.1", ".", "Supervision"]),
    ("fr", "12.4. SECURITE", ["12.4", ".", "SECURITE"]),
    ("fr", "1.500.000 euros", ["1.500.000", "euros"]),  # an amount, not a title
    ("en", "7.2.Backups", ["7.2", ".", "Backups"]),
    ("en", "version 2.1.A", ["version", "2.1.A"]),
])
def test_a_clause_number_glued_to_its_title_leaves_the_title_words(lang, text, words) -> None:
    """PDFium drops the space under a title's number ("12.4.SECURITE", the AMF CCAP) and texts
    exported from PDFs keep it glued: the title's words must be words, as in "12.4. SECURITE"."""
    nlp = cached_pipeline(get_ruleset(default_patterns_dir(), lang))
    assert [t.text for t in nlp.make_doc(text)] == words
