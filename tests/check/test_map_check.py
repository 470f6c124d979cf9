"""The Map and Check stages on their own: coverage, the checklist from evidence, the report's
field order, and the stage modules the batch parent imports stay free of spaCy and pydantic."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace
from typing import Any

from analyzer.analyze import analyze_extracted
from analyzer.check.activities import activity_verdicts
from analyzer.check.certificate import obligation_coverage
from analyzer.check.checklist import ChecklistItem, checklist
from analyzer.check.claims import claims_of, report_claims
from analyzer.mapping import coverage, map_clauses
from analyzer.models import Block, ExtractedDocument, TaggedClause
from analyzer.report_json import REPORT_SCHEMA, clause_json
from analyzer.rules import RuleSet
from analyzer.schemas import validate_report
from analyzer.taxonomy_facts import default_facts
from tests.conftest import tagged_clause
from tests.paths import REPO

ROOT = REPO
FIELDS = ["schema", "document", "clauses", "coverage", "certificates_required", "checklist",
          "declared_certificate", "certificate_gaps", "facts", "segments", "text",
          "activity_confidence"]
CLAUSE_FIELDS = ["id", "number", "heading_path", "page", "paragraph", "start", "end", "text",
                 "categories", "topics", "mapping", "status", "party", "hits", "explanation",
                 "commitment", "obligation_mapping"]


def _clause(cid: str, status: str, mapping: list[str], topics: list[str]) -> TaggedClause:
    return tagged_clause(cid, status, tuple(mapping), tuple(topics))


def test_checklist_prefers_evidence_that_is_not_excluded_and_keeps_taxonomy_order() -> None:
    ids = default_facts().checklist
    evidence = {ids[0]: [("c9", "included"), ("c2", "excluded"), ("c3", "conditional"),
                         ("c9", "included")],
                ids[1]: [("c7", "excluded"), ("c4", "excluded")]}
    items = checklist(evidence, ids)
    assert [i.id for i in items] == list(ids) and len(items) == 15
    assert items[0] == ChecklistItem(ids[0], "present", ("c3", "c9"))
    assert items[1] == ChecklistItem(ids[1], "excluded", ("c4", "c7"))
    assert {i.status for i in items[2:]} == {"missing"}
    assert items[1].as_dict() == {"id": ids[1], "status": "excluded", "clauses": ["c4", "c7"]}


def test_a_question_is_no_checklist_evidence() -> None:
    """A questionnaire asks about sub-processors, it does not say the contract uses any; the
    same words stated are evidence."""
    def status(*paragraphs: str) -> str:
        doc = ExtractedDocument(path="t.txt", format="txt", blocks=tuple(
            Block(text=p, index=i) for i, p in enumerate(paragraphs)))
        report = analyze_extracted(doc, lang="fr", sha256="0" * 64)
        return {i["id"]: i["status"] for i in report["checklist"]}["r1111_11_7_subcontractors"]

    assert status("Questionnaire aux candidats", "- Des activités sont-elles sous-traitées ?",
                  "- Avez-vous des sous-traitants ? lesquels ?") == "missing"
    assert status("Le Prestataire recourt à des sous-traitants, listés en annexe 3.") == "present"


def _checklist(lang: str, *paragraphs: str) -> dict[str, tuple[str, list[str]]]:
    doc = ExtractedDocument(path="t.txt", format="txt", blocks=tuple(
        Block(text=p, index=i) for i, p in enumerate(paragraphs)))
    report = analyze_extracted(doc, lang=lang, sha256="0" * 64)
    return {i["id"]: (i["status"], i["clauses"]) for i in report["checklist"]}


def test_a_list_item_is_read_after_its_lead_in_for_checklist_evidence() -> None:
    """"Stored and hosted:" then "in France;": the place is in the item, the storage in the
    lead-in; the item is the evidence. The same places after a lead-in about something else
    say nothing of where data is stored."""
    fr = _checklist("fr", "Le Titulaire s'engage à ce que les données soient stockées et hébergées :",
                    "- en France ;", "- au sein de l'Union européenne.")
    assert fr["r1111_11_3_locations"] == ("present", ["c0002"])
    assert fr["hds2_eea_storage"] == ("present", ["c0003"])
    en = _checklist("en", "The Provider shall ensure that Customer Data is stored and hosted:",
                    "- in France;", "- within the European Economic Area.")
    assert en["r1111_11_3_locations"] == ("present", ["c0002"])
    assert en["hds2_eea_storage"] == ("present", ["c0003"])
    other = _checklist("fr", "Le Titulaire fournit des équipes d'assistance :", "- en France ;",
                       "- au sein de l'Union européenne.")
    assert other["r1111_11_3_locations"][0] == other["hds2_eea_storage"][0] == "missing"


def test_coverage_counts_included_and_conditional_clauses_for_every_target() -> None:
    targets = default_facts().targets
    found = coverage([_clause("c1", "included", ["A4", "A6"], []),
                      _clause("c2", "excluded", ["A4"], []),
                      _clause("c3", "conditional", ["A4"], [])], targets)
    assert list(found.by_target) == list(targets)
    assert found.by_target["A4"] == ("c1", "c3") and found.by_target["A6"] == ("c1",)
    assert found.as_dict()["A1"] == []


def test_map_stage_moves_availability_to_the_virtual_layer_an_iaas_contract_provides(
        rules_fr: RuleSet) -> None:
    clauses = [_clause("c1", "included", ["A3"], ["hosting.virtual"]),
               _clause("c2", "included", ["A4"], ["hosting.availability"])]
    mapped, found = map_clauses(clauses, rules_fr)
    assert mapped[1].mapping == ("A3",) and mapped[0] == clauses[0]
    assert mapped[1].explanation.text().endswith("this contract provides → A3")
    assert found.by_target["A3"] == ("c1", "c2") and found.by_target["A4"] == ()
    # without a virtual layer, availability stays on the hosted application (A4)
    saas = [_clause("c2", "included", ["A4"], ["hosting.availability"])]
    mapped, found = map_clauses(saas, rules_fr)
    assert found.by_target["A4"] == ("c2",) and mapped == saas


def test_the_map_stage_leaves_the_tagged_clauses_as_they_are(rules_fr: RuleSet) -> None:
    """Mapping returns new clauses: the tag stage's stay unmapped, and mapping them again
    gives the same clauses and coverage (no second remap note, no moved target)."""
    clauses = [_clause("c1", "included", ["A3"], ["hosting.virtual"]),
               _clause("c2", "conditional", ["A4"], ["hosting.availability"])]
    kept = list(clauses)
    first = map_clauses(clauses, rules_fr)
    assert clauses == kept and clauses[1].mapping == ("A4",)
    assert map_clauses(clauses, rules_fr) == first
    assert first[0][1].explanation.text().count("→ A3") == 1


def test_map_stage_reads_target_order_from_the_run_taxonomy(rules_fr: RuleSet) -> None:
    taxonomy: Any = SimpleNamespace(facts=SimpleNamespace(targets=("A6", "A4")),
                                    layer_remaps={})
    _mapped, found = map_clauses([_clause("c1", "included", ["A4", "A6"], [])],
                                 SimpleNamespace(taxonomy=taxonomy))  # type: ignore[arg-type]
    assert list(found.by_target) == ["A6", "A4"]


def test_the_report_fields_come_in_schema_order() -> None:
    def report(*paragraphs: str) -> dict[str, Any]:
        doc = ExtractedDocument(path="t.txt", format="txt", blocks=tuple(
            Block(text=p, index=i) for i, p in enumerate(paragraphs)))
        out = analyze_extracted(doc, lang="fr", sha256="0" * 64)
        validate_report(out)
        return out

    declared = report("Le prestataire est certifié HDS pour les activités 1 à 6, certificat "
                      "n° HDS-2024-17 délivré par l'organisme AFNOR.",
                      "Le prestataire héberge les données de santé sur ses serveurs physiques.")
    assert list(declared) == FIELDS and declared["schema"] == REPORT_SCHEMA
    assert declared["declared_certificate"]["activities"] == ["A1", "A2", "A3", "A4", "A5", "A6"]
    plain = report("Le prestataire héberge les données de santé sur ses serveurs physiques.")
    assert list(plain) == [f for f in FIELDS if f != "declared_certificate"]
    assert plain["coverage"]["A2"] and plain["activity_confidence"]["A2"] == "strong"
    assert list(plain["clauses"][0]) == CLAUSE_FIELDS
    assert plain["clauses"][0]["hits"] and list(plain["clauses"][0]["hits"][0]) == [
        "rule", "start", "end", "text"]


def test_a_clause_reads_the_same_from_the_analysis_and_from_its_stored_report() -> None:
    """The verdicts read a ``Claim``: the analysis's tagged clause and its JSON entry (as the
    batch and the renderers read it back) give the same one; a report written before
    commitments binds the provider to the whole mapping."""
    clauses = [
        tagged_clause("c1", "included", ("A4", "A6"), commitment="obligation",
                      obligation_mapping=("A6",)),
        tagged_clause("c2", "conditional", ("A5",), commitment="mention",
                      commitment_reason="title"),
        tagged_clause("c3", "excluded", ("A1",), commitment="mention",
                      commitment_reason="excluded"),
        tagged_clause("c4", "included", ("A2",)),
    ]
    report = {"clauses": [clause_json(c) for c in clauses],
              "declared_certificate": {"clauses": ["c2"]}}
    claims, declaring = report_claims(report)
    assert claims == claims_of(clauses) and declaring == {"c2"}
    assert [c.binds for c in claims] == [("A6",), (), (), ("A2",)]
    assert activity_verdicts(claims, declaring) == activity_verdicts(claims_of(clauses), {"c2"})
    assert obligation_coverage(claims)["A6"] == ["c1"]


def test_the_stage_modules_the_batch_parent_reads_import_no_heavy_library() -> None:
    code = ("import sys, analyzer.mapping, analyzer.report_json, analyzer.check.activities, "
            "analyzer.check.certificate, analyzer.check.checklist, analyzer.report.verdict; "
            "heavy = ('spacy', 'pydantic', 'jinja2', 'pypdfium2', 'pdfplumber', 'docx'); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
