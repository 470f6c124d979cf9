import json
from pathlib import Path

import pytest

from analyzer.errors import GoldFileError
from analyzer.evaluate import corpus_body, evaluate, normalize_for_match, published, texts_match


def test_match_rule_is_sixty_percent_common_run_of_shorter():
    gold = normalize_for_match("Le Prestataire réalise une sauvegarde quotidienne des données.")
    assert texts_match(normalize_for_match("5.1 Le  prestataire réalise une sauvegarde QUOTIDIENNE"), gold)
    assert not texts_match(normalize_for_match("Le Client paie les factures à 30 jours."), gold)


def test_quotes_case_and_unicode_form_are_unified():
    assert normalize_for_match("L’Hébergeur «x»") == normalize_for_match("l'he\u0301bergeur \"x\"")


def test_corpus_body_strips_the_source_header():
    assert corpus_body("SOURCE: x\nLICENSE: y\n\nBody\n\nmore") == "Body\n\nmore"
    assert corpus_body("No header\n\nBody") == "No header\n\nBody"


def test_a_corpus_text_is_scored_without_its_provenance_header(tmp_path: Path):
    """The corpus's SOURCE/NOTE header is not part of the contract: the evaluation analyses
    the body only (a NOTE line listing "sauvegarde, réversibilité, SLA" was tagged and counted
    as checklist evidence); other files are analysed as they are, and the copy is removed."""
    doc = tmp_path / "c.txt"
    doc.write_text("SOURCE: x\nNOTE: sauvegarde, réversibilité, SLA\n\nLe Client paie le prix.\n",
                   encoding="utf-8")
    plain = tmp_path / "p.txt"
    plain.write_text("Le Client paie le prix.\n", encoding="utf-8")
    seen: list[tuple[str, str]] = []

    def analyze(path: Path) -> dict:
        seen.append((path.name, path.read_text(encoding="utf-8")))
        return {"clauses": [], "coverage": {}, "checklist": []}

    for name in ("c.txt", "p.txt"):
        (tmp_path / "gold").mkdir(exist_ok=True)
        (tmp_path / "gold" / f"{name}.gold.json").write_text(json.dumps(
            {"schema": "hds-analyzer/gold/1", "document": name, "clauses": [], "coverage": [],
             "checklist": {}}), encoding="utf-8")
    evaluate(tmp_path / "gold", tmp_path, analyze)
    assert seen == [("c.txt", "Le Client paie le prix.\n"), ("p.txt", "Le Client paie le prix.\n")]
    with published(doc) as body:
        assert body != doc and body.name == doc.name
    assert not body.exists()
    with published(plain) as same:
        assert same == plain


def _report(clauses, coverage, checklist):
    cov = {t: [] for t in ("A1", "A2", "A3", "A4", "A5", "A6", "infogerance", "transversal")}
    cov.update(coverage)
    items = [{"id": i, "status": s, "clauses": []} for i, s in checklist.items()]
    return {"clauses": clauses, "coverage": cov, "checklist": items}


def test_scores_count_precision_recall_coverage_and_checklist(tmp_path: Path):
    (tmp_path / "d.txt").write_text("x", encoding="utf-8")
    gold = {
        "schema": "hds-analyzer/gold/1", "document": "d.txt",
        "clauses": [
            {"text": "Le Prestataire sauvegarde les données chaque nuit.", "categories": ["hosting"],
             "mapping": ["A6"], "status": "included"},
            {"text": "Le Prestataire forme les utilisateurs du Client.", "categories": ["training"],
             "mapping": ["infogerance"], "status": "included"},
        ],
        "coverage": ["A6", "infogerance"],
        "checklist": {"r1111_11_13_return": "present"},
    }
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "d.json").write_text(json.dumps(gold), encoding="utf-8")
    predicted = [
        {"id": "c0001", "text": "Le Prestataire sauvegarde les données chaque nuit.",
         "categories": ["hosting"], "mapping": ["A6"], "status": "included"},
        {"id": "c0002", "text": "Les prix sont révisés chaque année.", "categories": ["hosting"],
         "mapping": ["A3"], "status": "included"},
        {"id": "c0003", "text": "« Sauvegarde » désigne une copie.", "categories": ["hosting"],
         "mapping": ["A6"], "status": "definition"},
    ]
    report = _report(predicted, {"A6": ["c0001"], "A3": ["c0002"]}, {"r1111_11_13_return": "present"})
    summary = evaluate(gold_dir, tmp_path, lambda p: report).summary()
    hosting = summary["categories"]["hosting"]
    assert (hosting["precision"], hosting["recall"]) == (0.5, 1.0)  # the definition is left out
    assert summary["categories"]["training"]["recall"] == 0.0
    # A3 predicted but not gold, infogerance gold but not predicted: 6 of 8 targets agree
    assert summary["coverage_accuracy"] == 0.75
    # the 14 items absent from the gold default to "missing"; the report lists only one item
    assert summary["checklist_accuracy"] == round(1 / 15, 4)


def test_missing_document_is_a_clear_error(tmp_path: Path):
    (tmp_path / "g.json").write_text(json.dumps({
        "schema": "hds-analyzer/gold/1", "document": "absent.pdf", "clauses": [],
        "coverage": [], "checklist": {}}), encoding="utf-8")
    with pytest.raises(GoldFileError, match=r"absent\.pdf"):
        evaluate(tmp_path, tmp_path, lambda p: {})
