"""Key facts and the declared HDS certificate."""

from __future__ import annotations

import pytest

from analyzer.analyze import analyze_extracted
from analyzer.check.certificate import DeclaredCertificate, certificate_gaps, declared_certificate
from analyzer.check.facts import (
    duration_minutes,
    find_backup,
    find_subcontractors,
    find_times,
    load_fact_vocabulary,
)
from analyzer.models import Block, ExtractedDocument
from analyzer.nlp import fold
from analyzer.report_json import plain
from analyzer.resources import default_patterns_dir


@pytest.mark.parametrize(
    ("number", "unit", "minutes"),
    [("30", "minutes", 30), ("30", "mn", 30), ("4", "h", 240), ("4", "heures", 240),
     ("8", "hours", 480), ("2", "jours", 2880), ("1", "business day", 1440), ("1,5", "h", 90)],
)
def test_duration_minutes(number: str, unit: str, minutes: float) -> None:
    assert duration_minutes(number, unit) == minutes


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("fr", "GTI : 30 minutes ; GTR : 4 heures.", {"gti_minutes": [30], "gtr_minutes": [240]}),
        ("fr", "Garantie de Temps de Rétablissement de huit (8) heures ouvrées.",
         {"gtr_minutes": [480]}),
        ("fr", "RPO de quinze (15) minutes et RTO de 4 h.",
         {"rpo_minutes": [15], "rto_minutes": [240]}),
        ("en", "with a recovery time objective (RTO) of eight (8) hours and a recovery point "
         "objective (RPO) of one (1) hour.", {"rto_minutes": [480], "rpo_minutes": [60]}),
        ("en", "Target Response Time: 2 hours.", {"gti_minutes": [120]}),
        # the duration belongs to the next keyword: GTI gives none
        ("fr", "GTI : non applicable ; GTR : 4 heures.", {"gtr_minutes": [240]}),
    ],
)
def test_find_times(lang: str, text: str, expected: dict[str, list[int]]) -> None:
    found = find_times(fold(text), load_fact_vocabulary(default_patterns_dir(), lang))
    assert {k: sorted(v) for k, v in found.items()} == expected


def test_find_backup() -> None:
    freqs, days = find_backup(fold("Sauvegarde quotidienne incrémentale conservée 30 jours ; "
                                   "sauvegarde hebdomadaire complète, rétention de 12 semaines."))
    assert freqs == {"daily", "weekly"}
    assert days == {30, 84}
    freqs, days = find_backup(fold("Backups are taken every 4 hours and retained for 1 year."))
    assert freqs == {"every 4h"}
    assert days == {365}


def test_find_subcontractors() -> None:
    assert find_subcontractors(
        "| DataHall Nederland B.V. | Colocation of the data centres | Amsterdam |"
    ) == {"DataHall Nederland B.V."}
    assert "ÉnergiSite Exemple" in find_subcontractors(
        "a) la société ÉnergiSite Exemple, chargée de la maintenance des installations")


def _doc(*paragraphs: str) -> ExtractedDocument:
    return ExtractedDocument(path="t.txt", format="txt",
                             blocks=tuple(Block(text=p, index=i) for i, p in enumerate(paragraphs)))


def test_facts_from_a_contract() -> None:
    report = analyze_extracted(_doc(
        "1. Les Données de santé sont hébergées en France, dans deux centres de données situés à "
        "Lyon et à Dijon.",
        "2. Le taux de disponibilité garanti est de 99,95 % par mois.",
        "3. Le Prestataire réalise une sauvegarde quotidienne des machines virtuelles, conservée "
        "trente-cinq (35) jours.",
        "4. La sauvegarde des postes de travail, conservée 90 jours, est à la charge du Client.",
        "5. Le Prestataire fait appel au sous-traitant Archivex Sécurité SAS pour l'archivage.",
        "6. Une copie est stockée aux États-Unis par le Client.",
    ), lang="fr")
    facts = report["facts"]
    assert facts["hosting_locations"] == ["Dijon", "France", "Lyon"]
    assert facts["hosting_locations_outside_eea"] == []
    assert {d["name"]: d["eea"] for d in facts["hosting_location_details"]} == {
        "Dijon": True, "France": True, "Lyon": True}
    assert facts["availability_percent"] == [99.95]
    assert facts["backup_frequency"] == ["daily"]
    assert facts["backup_retention_days"] == [35]  # the excluded clause says nothing
    assert facts["subcontractors"] == ["Archivex Sécurité SAS"]


def test_location_outside_eea_is_flagged() -> None:
    report = analyze_extracted(_doc(
        "1. Les données de sauvegarde sont hébergées au Maroc, à Casablanca."), lang="fr")
    assert report["facts"]["hosting_locations_outside_eea"] == ["Casablanca", "Morocco"]


FR_CERT = (
    ("c1", "3.1 Le Prestataire est titulaire du certificat de conformité « hébergeur de données de "
           "santé » n° HDS-EX-2024-0315, délivré le 14 octobre 2024 par l'organisme certificateur "
           "Certi-Santé Exemple, accrédité par le COFRAC. "
           "Ce certificat expire le 13 octobre 2027."),
    ("c2", "3.2 Le périmètre du certificat couvre le certificat « hébergeur infogéreur » "
           "(activités 3 à 6)."),
    ("c3", "3.3 Le Prestataire est certifié ISO 27001."),
)


def test_declared_certificate_french() -> None:
    cert = declared_certificate(FR_CERT)
    assert cert == DeclaredCertificate(
        activities=("A3", "A4", "A5", "A6"), scopes=("infogereur",), scope_from="activities",
        number="HDS-EX-2024-0315", body="Certi-Santé Exemple",
        issued="2024-10-14", valid_until="2027-10-13", clauses=("c1", "c2"),
    )
    # the report's form, fields in this order
    assert list(plain(cert)) == ["activities", "scopes", "scope_from", "number", "body",
                                 "issued", "valid_until", "clauses"]
    assert plain(cert)["clauses"] == ["c1", "c2"]


def test_declared_certificate_english() -> None:
    cert = declared_certificate([(
        "c9", "7.2 Provider is certified as a health data hosting provider (HDS) for activities 1 "
              "to 6, under certificate no. HDS-EX-2025-1120 issued on 20 January 2025 by "
              "Certi-Santé Exemple and valid until 19 January 2028.")])
    assert cert is not None
    assert cert.activities == ("A1", "A2", "A3", "A4", "A5", "A6")
    assert (cert.number, cert.body) == ("HDS-EX-2025-1120", "Certi-Santé Exemple")
    assert (cert.issued, cert.valid_until) == ("2025-01-20", "2028-01-19")


def test_no_hds_certificate_declared() -> None:
    assert declared_certificate([("c1", "Le Service est qualifié SecNumCloud."),
                                 ("c2", "Le Prestataire est certifié ISO 27001.")]) is None


def test_certificate_gaps() -> None:
    cert = declared_certificate(FR_CERT)
    coverage = {"A1": ["c7"], "A2": [], "A3": ["c8"], "A5": ["c9"], "infogerance": ["c10"]}
    gaps = certificate_gaps(cert, coverage)
    assert len(gaps) == 1 and gaps[0].startswith("A1 (infrastructure_physique)") and "c7" in gaps[0]
    assert certificate_gaps(cert, {"A3": ["c1"]}) == []
    assert certificate_gaps(None, {"infogerance": ["c1"]}) == []
    assert "no HDS certificate declared" in certificate_gaps(None, {"A5": ["c1"]})[0]


def test_report_carries_certificate_and_gaps() -> None:
    report = analyze_extracted(_doc(
        "1. Le Prestataire est certifié hébergeur de données de santé pour l'activité "
        "d'administration et d'exploitation du système d'information (activité 5), certificat "
        "n° HDS-1 délivré le 2 mars 2023.",
        "2. Le Prestataire réalise une sauvegarde quotidienne des données du Client.",
    ), lang="fr")
    assert report["declared_certificate"]["activities"] == ["A5"]
    assert [g.split(" ")[0] for g in report["certificate_gaps"]] == ["A6"]


def _rows(*rows: str) -> ExtractedDocument:
    """Paragraphs and table rows ("a | b | c", as the extractors join cells)."""
    return ExtractedDocument(path="t.txt", format="txt", blocks=tuple(
        Block(text=r, index=i, kind="table_row" if " | " in r else "paragraph")
        for i, r in enumerate(rows)))


def _levels(report: dict) -> set[tuple[str, float, str | None]]:
    return {(lv["metric"], lv["value"], lv["severity"]) for lv in report["facts"]["service_levels"]}


def test_sla_line_with_severity() -> None:
    report = analyze_extracted(_rows(
        "Article 6 – Niveaux de service",
        "GTI – incident bloquant : 30 minutes",
        "GTR – incident mineur : 2 jours ouvrés",
    ), lang="fr")
    assert _levels(report) == {("gti", 30, "incident bloquant"), ("gtr", 2880, "incident mineur")}
    assert report["facts"]["gti_minutes"] == [30]
    assert report["facts"]["gtr_minutes"] == [2880]


def test_sla_table_with_metric_columns() -> None:
    report = analyze_extracted(_rows(
        "Article 6 – Niveaux de service",
        "Les délais ci-dessous s'appliquent aux incidents signalés au support.",
        "Gravité | GTI | GTR | RTO",
        "Bloquant | 30 minutes | 4 heures | 8 h",
        "Majeur | 2 heures | 1 jour | —",
        "Disponibilité mensuelle | 99,9 %",
    ), lang="fr")
    assert _levels(report) >= {("gti", 30, "Bloquant"), ("gtr", 240, "Bloquant"),
                               ("rto", 480, "Bloquant"), ("gti", 120, "Majeur"),
                               ("gtr", 1440, "Majeur")}
    assert report["facts"]["gti_minutes"] == [30, 120]
    assert report["facts"]["availability_percent"] == [99.9]


def test_sla_table_with_severity_columns_and_a_durability_row() -> None:
    report = analyze_extracted(_rows(
        "Article 6 – Engagements",
        "Indicateur | Priorité P1 | Priorité P2",
        "Garantie de temps d'intervention | 30mn | 4h",
        "Indicateur | Engagement | Objectif de disponibilité",
        "SLA-1 | Disponibilité de l'API | 99,95 %",
        "SLA-2 | Durabilité du stockage | 99,999999 %",
    ), lang="fr")
    assert {("gti", 30, "Priorité P1"), ("gti", 240, "Priorité P2")} <= _levels(report)
    assert report["facts"]["availability_percent"] == [99.95]  # durability is not availability


def test_english_sla_table() -> None:
    report = analyze_extracted(_rows(
        "6. Service levels",
        "Severity | Response time | Resolution time",
        "Severity 1 | 1 hour | 4 hours",
        "Severity 2 | 4 hours | 2 business days",
    ), lang="en")
    assert {("gti", 60, "Severity 1"), ("gtr", 240, "Severity 1"), ("gti", 240, "Severity 2"),
            ("gtr", 2880, "Severity 2")} <= _levels(report)


def test_office_addresses_are_not_hosting_locations() -> None:
    report = analyze_extracted(_doc(
        "1. Le Prestataire, société dont le siège social est situé 12 rue de la Paix, 75002 "
        "Paris, héberge les Données de santé dans son centre de données situé à Roubaix.",
        "2. Les données de santé sont hébergées dans le datacenter de Lyon ; les équipes "
        "d'exploitation travaillent depuis les bureaux de Nantes.",
    ), lang="fr")
    facts = report["facts"]
    assert facts["hosting_locations"] == ["Lyon", "Roubaix"]
    assert facts["office_locations"] == ["Nantes", "Paris"]
    english = analyze_extracted(_doc(
        "1. The Provider, whose registered office is in Dublin, hosts the health data in its "
        "data center located in Frankfurt.",
    ), lang="en")["facts"]
    assert english["hosting_locations"] == ["Frankfurt"]
    assert english["office_locations"] == ["Dublin"]


def test_facts_are_rendered_as_readable_values() -> None:
    from datetime import date
    from io import BytesIO

    from docx import Document

    from analyzer.report.html import render_document
    from analyzer.report.i18n import ReportOptions
    from analyzer.report.memo import render_memo

    report = analyze_extracted(_rows(
        "Article 2 – Hébergement",
        "Les Données de santé sont hébergées dans le centre de données de Roubaix (France).",
        "Une copie de secours est répliquée dans le datacenter de Francfort.",
        "Article 6 – Niveaux de service",
        "Gravité | GTI | GTR",
        "Bloquant | 30 minutes | 4 heures",
    ), lang="fr", sha256="0" * 64)
    options = ReportOptions("fr", date(2026, 1, 1))
    html = render_document(report, options=options)
    memo = Document(BytesIO(render_memo(report, options)))
    cells = " | ".join(c.text for t in memo.tables for r in t.rows for c in r.cells)
    start = html.index('id="facts"')
    for page in (html[start:html.index("</section>", start)], cells):
        assert "Roubaix (France, EEE)" in page
        assert "Francfort (Allemagne, EEE)" in page
        assert "30 min (Bloquant)" in page and "4 h (Bloquant)" in page
        for raw in ("name:", "country:", "eea:", "severity:", "metric:", "'value'"):
            assert raw not in page
    english = render_document(report, options=ReportOptions("en", date(2026, 1, 1)))
    assert "Roubaix (France, EEA)" in english
    assert "Frankfurt (Germany, EEA)" in english


def test_severity_is_not_guessed_among_several() -> None:
    """'… respectively': which time goes with which priority is not told by the keyword."""
    levels = analyze_extracted(_doc(
        "9.2 Tickets are classified as Priority 1 (Service unavailable) or Priority 3 (minor "
        "issue); the target response times are thirty (30) minutes and one (1) business day "
        "respectively.",
        "9.3 For critical incidents, the resolution time is four (4) hours.",
    ), lang="en")["facts"]["service_levels"]
    assert {(lv["metric"], lv["value"], lv["severity"]) for lv in levels} == {
        ("gti", 30, None), ("gtr", 240, "critical incidents")}


def test_a_data_centre_address_is_a_hosting_location() -> None:
    facts = analyze_extracted(_doc(
        "1. Site principal : centre de données DC-EXEMPLE-1, 24 rue des Entrepôts, 69200 "
        "Vénissieux (Rhône).",
        "2. Nos agences sont situées à Tours et à Caen.",
    ), lang="fr")["facts"]
    assert "Vénissieux" in facts["hosting_locations"]
    assert facts["office_locations"] == ["Caen", "Tours"]
