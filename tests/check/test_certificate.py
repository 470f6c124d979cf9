"""A certificate is required only by provider obligations; each activity verdict has a confidence."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from analyzer.analyze import analyze_extracted
from analyzer.errors import PatternFileError
from analyzer.mentions import load_mentions
from analyzer.models import Block, ExtractedDocument
from analyzer.report.html import render_document
from analyzer.report.i18n import ReportOptions
from analyzer.report.memo import render_memo
from analyzer.report.verdict import summarize
from analyzer.resources import default_patterns_dir
from analyzer.schemas import validate_report
from tests.paths import SAMPLES


def _doc(*paragraphs: str) -> ExtractedDocument:
    return ExtractedDocument(path="t.txt", format="txt",
                             blocks=tuple(Block(text=p, index=i) for i, p in enumerate(paragraphs)))


def _report(*paragraphs: str, lang: str = "fr", patterns_dir: Path | None = None) -> dict:
    report = analyze_extracted(_doc(*paragraphs), lang=lang, sha256="0" * 64,
                               patterns_dir=patterns_dir)
    validate_report(report)
    return report


# "héberge les données de santé" is hosting of whatever layer the contract provides: here the
# physical servers it names (A2); the provider's verb makes it an obligation.
OBLIGATION = "Le prestataire héberge les données de santé sur ses serveurs physiques."

# Each passage names an HDS activity without the provider undertaking it.
MENTIONS = {
    "title": ("Offre Cloud Privé – Infrastructure as a Service (IaaS) et sauvegardes",
              "Le client accepte les présentes conditions."),
    "metadata": ("Objet : offre d'hébergement IaaS et sauvegarde",
                 "Les parties conviennent de ce qui suit."),
    "confidentiality": ("Article 5 – Confidentialité",
                        "Chaque partie s'engage à garder confidentielles les informations de "
                        "l'autre partie, y compris celles contenues dans les sauvegardes."),
    "warranty": ("Article 9 – Garantie",
                 "Le Prestataire garantit que les prestations seront conformes aux règles de "
                 "l'art applicables aux centres de données."),
    "placeholder": ("Article 3 – Hébergement",
                    "Lieu d'hébergement du centre de données : [●]"),
    "placeholder_xxx": ("Lieu d'hébergement du centre de données : XXX",),
}
REASONS = {"title": "title", "metadata": "metadata", "confidentiality": "mutual",
           "warranty": "weak_rule", "placeholder": "placeholder", "placeholder_xxx": "placeholder"}


@pytest.mark.parametrize("case", sorted(MENTIONS))
def test_a_mention_requires_no_certificate(case: str) -> None:
    report = _report(*MENTIONS[case])
    hds = [c for c in report["clauses"] if {"A1", "A2", "A3", "A4", "A5", "A6"} & set(c["mapping"])]
    assert hds, "the passage must still be tagged (a reviewer sees it)"
    assert {c["commitment"] for c in hds} == {"mention"}
    assert REASONS[case] in {c["commitment_reason"] for c in hds}
    assert report["certificates_required"] == []
    assert report["certificate_gaps"] == []
    cert = summarize(report, None)["certificate"]
    assert cert["required"] == [] and cert["gaps"] == [] and cert["ok"]
    assert set(report["activity_confidence"].values()) == {"weak"}
    assert cert["unconfirmed"] == sorted(report["activity_confidence"])


def test_a_provider_obligation_requires_the_certificate() -> None:
    report = _report("Article 3 – Hébergement", OBLIGATION)
    clause = next(c for c in report["clauses"] if "A2" in c["mapping"])
    assert clause["commitment"] == "obligation"
    assert clause["obligation_mapping"] == ["A2"]
    assert "commitment_reason" not in clause
    assert report["certificates_required"] == ["infrastructure_physique"]
    assert report["certificate_gaps"][0].startswith("no HDS certificate declared")
    assert report["activity_confidence"] == {"A2": "strong"}
    cert = summarize(report, None)["certificate"]
    assert cert["gaps"] == ["A2"] and not cert["ok"]
    assert cert["required"] == ["infrastructure_physique"]


def test_an_obligation_next_to_mentions_still_counts() -> None:
    report = _report(*MENTIONS["title"], *MENTIONS["confidentiality"],
                     "Le Prestataire assure la sauvegarde quotidienne des données de santé.")
    assert report["certificates_required"] == ["infogereur"]
    assert report["activity_confidence"]["A6"] == "strong"


def test_a_weak_target_of_an_obligation_does_not_count(rules_only_patterns: Path) -> None:
    """The supervision is the provider's obligation; the data centres are named in passing
    (the rules tag them; whether the clause model keeps them is not this test's subject)."""
    report = _report("Le Prestataire assure la supervision des applications, y compris dans les "
                     "centres de données.", patterns_dir=rules_only_patterns)
    clause = report["clauses"][0]
    assert "A1" in clause["mapping"]
    assert clause["commitment"] == "obligation"
    assert clause["obligation_mapping"] == ["A5"]
    assert "infrastructure_physique" not in report["certificates_required"]


def test_an_optional_service_the_provider_offers_requires_the_certificate() -> None:
    report = _report("Sur demande du Client, le Prestataire réalise une sauvegarde externalisée "
                     "quotidienne des données de santé.")
    assert report["clauses"][0]["status"] == "conditional"
    assert report["certificates_required"] == ["infogereur"]
    verdict = {a.key: a for a in summarize(report, None)["activities"]}["A6"]
    assert verdict.verdict == "optional" and verdict.confidence == "strong"


def test_english_mentions_and_obligation() -> None:
    mutual = _report("Each party shall keep confidential the other party's information, "
                     "including information held in backups.", lang="en")
    assert mutual["certificates_required"] == []
    bound = _report("The Provider hosts the health data on its servers and performs a daily "
                    "backup of the health data.", lang="en")
    assert bound["certificates_required"] == ["infogereur"]


def test_reports_without_commitments_keep_their_verdict() -> None:
    """A report written before ``commitment`` existed counts every included clause."""
    report = _report("Article 3 – Hébergement", OBLIGATION)
    for c in report["clauses"]:
        for key in ("commitment", "commitment_reason", "obligation_mapping"):
            c.pop(key, None)
    summary = summarize(report, None)
    assert summary["certificate"]["required"] == ["infrastructure_physique"]
    assert {a.key: a.confidence for a in summary["activities"]}["A2"] == "strong"


def test_confidence_is_shown_in_html_and_memo() -> None:
    report = _report(*MENTIONS["warranty"], "Article 3 – Hébergement", OBLIGATION)
    html = render_document(report, options=ReportOptions("fr", date(2026, 1, 1)))
    assert 'data-confidence="strong">obligation du prestataire<' in html
    assert 'data-confidence="weak">simple mention, à confirmer<' in html
    assert "Activités seulement mentionnées, sans obligation du prestataire" in html
    english = render_document(report, options=ReportOptions("en", date(2026, 1, 1)))
    assert 'data-confidence="weak">mention only, to be confirmed<' in english
    from docx import Document

    memo = Document(io.BytesIO(render_memo(report, ReportOptions("fr", date(2026, 1, 1)))))
    rows = {" | ".join(c.text for c in r.cells) for t in memo.tables for r in t.rows}
    assert any(r.startswith("A2 – ") and "| obligation du prestataire |" in r for r in rows)
    assert any(r.startswith("A1 – ") and "| simple mention, à confirmer |" in r for r in rows)


def test_placeholder_vocabulary_is_data(tmp_path: Path) -> None:
    (tmp_path / "mentions").mkdir()
    bad = (default_patterns_dir() / "mentions" / "fr.yaml").read_text(encoding="utf-8")
    (tmp_path / "mentions" / "fr.yaml").write_text(
        bad.replace("placeholders:\n", "placeholders:\n  - '[unclosed'\n", 1), encoding="utf-8")
    with pytest.raises(PatternFileError, match="placeholders"):
        load_mentions(tmp_path, "fr")
    # a custom patterns folder without the file uses the packaged vocabulary
    assert load_mentions(tmp_path / "elsewhere", "fr").placeholder.search("[●]")


SAMPLES = SAMPLES / "contracts"


@pytest.mark.parametrize("name", ["fr-hebergement-hds-clinique.docx",
                                  "fr-hebergement-certificat-expire.txt",
                                  "en-cloud-hosting-agreement.md"])
def test_the_json_and_the_verdict_agree_on_what_requires_a_certificate(name: str) -> None:
    """certificates_required and activity_confidence (JSON) are the verdict's, computed once."""
    from analyzer.analyze import analyze_file

    report = analyze_file(SAMPLES / name)
    summary = summarize(report, None)
    assert summary["certificate"]["required"] == report["certificates_required"]
    assert report["certificates_required"], "the sample hosts health data"
    assert {a.key: a.confidence for a in summary["activities"] if a.confidence} \
        == report["activity_confidence"]
    strong = [a.key for a in summary["activities"] if a.strong]
    assert summary["certificate"]["performed"] == strong
