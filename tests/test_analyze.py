"""End-to-end analysis on small texts, with a small rule set of the test's own (so these tests
check the mechanics — mapping, coverage, qualification, checklist, determinism — not the tuning
of the shipped rules)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analyzer.analyze import analyze_extracted, analyze_file
from analyzer.models import Block, ExtractedDocument
from analyzer.output import dump_json
from analyzer.schemas import validate_report

RULES = {
    "fr/hosting.yaml": """
schema_version: 1
lang: fr
category: hosting
rules:
  - id: fr.hosting.backup
    topic: backup
    description: Sauvegarde.
    phrases: [sauvegarde]
    examples: {match: ["la sauvegarde"]}
  - id: fr.hosting.virtual
    topic: virtual
    description: Machines virtuelles.
    phrases: [machine virtuelle]
    examples: {match: ["des machines virtuelles"]}
""",
    "fr/training.yaml": """
schema_version: 1
lang: fr
category: training
rules:
  - id: fr.training.users
    topic: users
    description: Formation.
    phrases: [formation]
    examples: {match: ["une formation"]}
""",
    "fr/checklist.yaml": """
schema_version: 1
lang: fr
category: checklist
rules:
  - id: fr.checklist.return
    item: r1111_11_13_return
    description: Restitution.
    phrases: [restituer les données, restitution des données]
    examples: {match: ["restituer les données"]}
""",
    "en/hosting.yaml": """
schema_version: 1
lang: en
category: hosting
rules:
  - id: en.hosting.backup
    topic: backup
    description: Backup.
    phrases: [backup]
    examples: {match: ["daily backups"]}
""",
}

CONTRACT_FR = """ARTICLE 1 – DÉFINITIONS

« Sauvegarde » désigne la copie des données.

ARTICLE 2 – HÉBERGEMENT

2.1 Le Prestataire met à disposition des machines virtuelles dédiées.
2.2 La sauvegarde des postes de travail est à la charge du Client.
2.3 Une sauvegarde externalisée peut être souscrite en option.

ARTICLE 3 – RÉVERSIBILITÉ

3.1 La prestation ne comprend pas la restitution des données.
"""


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory: pytest.TempPathFactory, patterns_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("patterns")
    shutil.copy(patterns_dir / "taxonomy.yaml", root / "taxonomy.yaml")
    shutil.copy(patterns_dir / "locations.yaml", root / "locations.yaml")
    for lang in ("fr", "en"):
        (root / lang).mkdir()
        shutil.copy(patterns_dir / lang / "context.yaml", root / lang / "context.yaml")
        shutil.copy(patterns_dir / lang / "lexicon.yaml", root / lang / "lexicon.yaml")
    for rel, text in RULES.items():
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def report_fr(rules_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = tmp_path_factory.mktemp("docs") / "contrat.txt"
    path.write_text(CONTRACT_FR, encoding="utf-8")
    return analyze_file(path, patterns_dir=rules_dir)


def _by_number(report: dict) -> dict:
    return {c["number"]: c for c in report["clauses"]}


def test_report_is_schema_valid_and_french(report_fr: dict):
    validate_report(report_fr)
    assert report_fr["document"]["language"] == "fr"


def test_statuses_follow_context_cues(report_fr: dict):
    clauses = _by_number(report_fr)
    assert clauses["2.1"]["status"] == "included" and clauses["2.1"]["mapping"] == ["A3"]
    assert clauses["2.2"]["status"] == "excluded" and clauses["2.2"]["party"] == "client"
    assert clauses["2.3"]["status"] == "conditional"
    definition = next(c for c in report_fr["clauses"] if c["text"].startswith("« Sauvegarde »"))
    assert definition["status"] == "definition"
    assert definition["heading_path"] == ["ARTICLE 1 – DÉFINITIONS"]


def test_coverage_counts_included_and_conditional_only(report_fr: dict):
    clauses = _by_number(report_fr)
    assert report_fr["coverage"]["A3"] == [clauses["2.1"]["id"]]
    assert report_fr["coverage"]["A6"] == [clauses["2.3"]["id"]]
    assert report_fr["certificates_required"] == ["infogereur"]


def test_hits_point_into_the_document_text(report_fr: dict):
    text = report_fr["text"]
    for clause in report_fr["clauses"]:
        assert text[clause["start"]:clause["end"]] == clause["text"]
        for hit in clause["hits"]:
            assert text[hit["start"]:hit["end"]] == hit["text"]
            assert clause["start"] <= hit["start"] < hit["end"] <= clause["end"]


def test_checklist_excluded_when_the_contract_says_it_does_not(report_fr: dict):
    items = {i["id"]: i for i in report_fr["checklist"]}
    assert items["r1111_11_13_return"]["status"] == "excluded"
    assert items["r1111_11_13_return"]["clauses"]
    assert items["r1111_11_5_referent"] == {"id": "r1111_11_5_referent", "status": "missing",
                                             "clauses": []}


def test_english_is_detected_and_tagged(rules_dir: Path, tmp_path: Path):
    path = tmp_path / "agreement.md"
    path.write_text("# Services\n\n1.1 The Provider performs daily backups of the data.\n\n"
                    "1.2 Backups of laptops are the responsibility of the Customer and "
                    "Customer shall perform them.\n", encoding="utf-8")
    report = analyze_file(path, patterns_dir=rules_dir)
    assert report["document"]["language"] == "en"
    statuses = [c["status"] for c in report["clauses"]]
    assert statuses == ["included", "excluded"]


def test_same_input_gives_same_bytes(rules_dir: Path, tmp_path: Path):
    path = tmp_path / "c.txt"
    path.write_text(CONTRACT_FR, encoding="utf-8")
    first = dump_json(analyze_file(path, patterns_dir=rules_dir))
    second = dump_json(analyze_file(path, patterns_dir=rules_dir))
    assert first == second


def test_list_items_inherit_exclusion_or_option_from_their_lead_in(rules_dir: Path, tmp_path: Path):
    path = tmp_path / "liste.txt"
    path.write_text(
        "ARTICLE 4 – PÉRIMÈTRE\n\n"
        "4.1 Ne sont pas compris dans les prestations :\n"
        "- la sauvegarde des postes de travail ;\n"
        "- la formation des utilisateurs.\n\n"
        "4.2 Sur demande du Client, le Prestataire réalise :\n"
        "a) une sauvegarde supplémentaire.\n\n"
        "4.3 Le Prestataire assure :\n"
        "- la sauvegarde quotidienne des serveurs.\n", encoding="utf-8")
    report = analyze_file(path, patterns_dir=rules_dir)
    status = {c["text"]: c["status"] for c in report["clauses"]}
    assert status["- la sauvegarde des postes de travail ;"] == "excluded"
    assert status["- la formation des utilisateurs."] == "excluded"
    assert status["a) une sauvegarde supplémentaire."] == "conditional"
    assert status["- la sauvegarde quotidienne des serveurs."] == "included"
    excluded = next(c for c in report["clauses"] if c["text"].startswith("- la formation"))
    assert "lead-in" in excluded["explanation"]


@pytest.mark.parametrize("lang, blocks", [
    ("fr", ["Article 1 – Définitions", "« Client » désigne la personne qui signe le contrat.",
            "Article 2 – Objet", "Le Prestataire héberge les données de santé du Client."]),
    ("en", ["1. Definitions", "Customer Data means the data the Customer uploads.",
            "2. Services", "Provider hosts the Customer Data in France."]),
])
def test_definitions_sections_are_marked_by_the_rules_of_the_language(lang, blocks):
    """One reading of "this is a definitions section": the rules' ``definition`` cue on a
    heading marks it and everything under it, in the report's segments."""
    document = ExtractedDocument(path="x.txt", format="txt",
                                 blocks=tuple(Block(text) for text in blocks))
    report = analyze_extracted(document, lang=lang)
    assert [(s["kind"], s["glossary"]) for s in report["segments"]] == [
        ("heading", True), ("clause", True), ("heading", False), ("clause", False)]


def test_rules_version_changes_with_any_rule_file(tmp_path: Path, patterns_dir: Path) -> None:
    """One fingerprint of the rules: a report's rules_version and the batch's reuse key both
    change when a lexicon (not only a rule file) changes."""
    from analyzer.analyze import rules_version
    from analyzer.batch.limits import Limits
    from analyzer.batch.plan import config_key
    from analyzer.resources import patterns_fingerprint

    custom = tmp_path / "patterns"
    shutil.copytree(patterns_dir, custom)
    before = patterns_fingerprint(custom)
    key = config_key(lang="fr", ocr="auto", pdf_engine="auto", patterns_dir=custom,
                     limits=Limits())
    assert rules_version(custom) == before[:12]
    lexicon = next(custom.glob("fr/lexicon*.yaml"))
    lexicon.write_text(lexicon.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert patterns_fingerprint(custom) != before
    assert config_key(lang="fr", ocr="auto", pdf_engine="auto", patterns_dir=custom,
                      limits=Limits()) != key
