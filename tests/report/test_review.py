"""Reviewer decisions: keys, validation, merge, ``review import`` and survival across re-runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.batch.outputs import apply_stored_reviews
from analyzer.batch.outputs_review import import_reviews
from analyzer.cli import cli
from analyzer.output import atomic_write_text, dump_json
from analyzer.report.html import render_document
from analyzer.report.review import (
    EXPORT_SCHEMA,
    ReviewFileError,
    ReviewStore,
    clause_key,
    decisions_for,
    load_store,
    parse_export,
    review_for,
)
from tests.paths import SAMPLES
from tests.report.sample import sample_entries, sample_report


def _export(report: dict, *decisions: tuple[int, str | None, str, str]) -> dict:
    return {
        "schema": EXPORT_SCHEMA,
        "document": {"path": report["document"]["path"], "sha256": report["document"]["sha256"]},
        "exported_at": "2026-11-28T12:00:00.000Z",
        "reviewer": "alice",
        "decisions": [
            {"key": clause_key(report["clauses"][i]["id"], report["clauses"][i]["text"]),
             "clause": report["clauses"][i]["id"], "decision": d, "comment": comment,
             "reviewer": "alice", "at": at}
            for i, d, comment, at in decisions
        ],
    }


@pytest.fixture
def out(tmp_path: Path) -> Path:
    report = sample_report()
    out = tmp_path / "out"
    atomic_write_text(out / "sample.json", dump_json(report))
    atomic_write_text(out / "sample.html", render_document(report))
    return out


def test_clause_key_depends_on_id_and_text() -> None:
    k = clause_key("c0001", "Le Prestataire sauvegarde.")
    assert k.startswith("c0001:") and len(k) == len("c0001:") + 16
    assert k == clause_key("c0001", "Le Prestataire sauvegarde.")
    assert k != clause_key("c0001", "Le Prestataire sauvegarde !")
    assert k != clause_key("c0002", "Le Prestataire sauvegarde.")
    # NFC and NFD spellings are the same clause
    assert clause_key("c1", "d\u00e9j\u00e0") == clause_key("c1", "de\u0301ja\u0300")


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda e: e.update(schema="other"), "schema"),
    (lambda e: e.pop("document"), "document"),
    (lambda e: e["decisions"][0].update(key="c1:zz"), "key"),
    (lambda e: e["decisions"][0].update(decision="maybe"), "decision"),
    (lambda e: e["decisions"][0].update(at="yesterday"), "ISO 8601"),
    (lambda e: e["decisions"][0].update(comment=["x"]), "comment"),
    (lambda e: e.update(decisions={}), "decisions"),
])
def test_invalid_exports_are_refused_with_the_field(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    export = _export(sample_report(), (0, "accept", "", "2026-11-28T10:00:00Z"))
    mutate(export)
    with pytest.raises(ReviewFileError, match=message):
        parse_export(export, "x.json")


def test_merge_keeps_the_most_recent_decision() -> None:
    store = ReviewStore()
    base = {"key": "c1:" + "0" * 16, "comment": "", "reviewer": "a"}
    assert store.merge("d.pdf", [{**base, "decision": "accept", "at": "2026-11-28T10:00:00Z"}],
                       source="1.json") == 1
    assert store.merge("d.pdf", [{**base, "decision": "reject", "at": "2026-11-28T09:00:00Z"}],
                       source="2.json") == 0
    assert store.for_document("d.pdf")["c1:" + "0" * 16]["decision"] == "accept"
    assert store.merge("d.pdf", [{**base, "decision": "reject", "at": "2026-11-28T11:00:00Z"}],
                       source="3.json") == 1
    record = store.for_document("d.pdf")["c1:" + "0" * 16]
    assert (record["decision"], record["source"]) == ("reject", "3.json")
    assert record["imported_at"]


def test_import_stores_and_rerenders(out: Path, tmp_path: Path) -> None:
    report = sample_report()
    decisions = tmp_path / "review.json"
    decisions.write_text(json.dumps(_export(report, (1, "accept", "", "2026-11-28T10:00:00Z"),
                                            (2, "reject", "wrong <b>", "2026-11-28T10:01:00Z"))))
    result = import_reviews(decisions, out)
    assert (result.documents, result.decisions, result.changed) == (1, 2, 2)
    assert result.rerendered == ["sample.html"]
    store = load_store(out)
    stored = store.for_document(report["document"]["path"])
    assert {r["reviewer"] for r in stored.values()} == {"alice"}
    html = (out / "sample.html").read_text()
    assert "Acceptée par alice" in html and "Rejetée par alice" in html
    assert "wrong &lt;b&gt;" in html


def test_decisions_survive_reruns_only_for_unchanged_clauses(out: Path, tmp_path: Path) -> None:
    report = sample_report()
    decisions = tmp_path / "review.json"
    decisions.write_text(json.dumps(_export(report, (1, "accept", "", "2026-11-28T10:00:00Z"),
                                            (2, "reject", "", "2026-11-28T10:01:00Z"))))
    import_reviews(decisions, out)
    # a new version of the contract: clause 2 reworded, the rest unchanged
    rerun = sample_report()
    rerun["clauses"][2]["text"] += " (modifié)"
    atomic_write_text(out / "sample.json", dump_json(rerun))
    atomic_write_text(out / "sample.html", render_document(rerun))  # what a scan writes
    written = apply_stored_reviews(out, sample_entries(rerun))
    assert written == ["sample.html"]
    html = (out / "sample.html").read_text()
    assert "Acceptée par alice" in html
    assert "Rejetée par alice" not in html
    assert set(decisions_for(rerun, load_store(out))) == {
        clause_key(rerun["clauses"][1]["id"], rerun["clauses"][1]["text"])}


def test_reviewer_option_fills_missing_names(out: Path, tmp_path: Path) -> None:
    report = sample_report()
    export = _export(report, (1, "accept", "", ""))
    export["decisions"][0]["reviewer"] = ""
    decisions = tmp_path / "review.json"
    decisions.write_text(json.dumps([export]))
    import_reviews(decisions, out, reviewer="bob")
    [record] = load_store(out).for_document(report["document"]["path"]).values()
    assert record["reviewer"] == "bob" and record["at"]


def test_cli_review_import(out: Path, tmp_path: Path) -> None:
    report = sample_report()
    decisions = tmp_path / "review.json"
    decisions.write_text(json.dumps(_export(report, (0, "accept", "", "2026-11-28T10:00:00Z"))))
    result = CliRunner().invoke(cli, ["review", "import", str(decisions), str(out)])
    assert result.exit_code == 0, result.output
    assert "sample.html" in result.output
    assert (out / "reviews.json").is_file()


def test_cli_review_import_bad_file(out: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "nope"}')
    result = CliRunner().invoke(cli, ["review", "import", str(bad), str(out)])
    assert result.exit_code == 1
    assert "bad.json" in result.output and "schema" in result.output
    not_json = tmp_path / "x.json"
    not_json.write_text("{")
    result = CliRunner().invoke(cli, ["review", "import", str(not_json), str(out)])
    assert result.exit_code == 1 and "cannot read" in result.output


def test_cli_review_import_unknown_document_warns(out: Path, tmp_path: Path) -> None:
    report = sample_report()
    export = _export(report, (0, "accept", "", "2026-11-28T10:00:00Z"))
    export["document"]["path"] = "elsewhere.pdf"
    decisions = tmp_path / "review.json"
    decisions.write_text(json.dumps(export))
    result = CliRunner().invoke(cli, ["review", "import", str(decisions), str(out)])
    assert result.exit_code == 0
    assert "no report" in result.output and "elsewhere.pdf" in result.output


def test_corrupt_store_is_an_error(out: Path) -> None:
    (out / "reviews.json").write_text("[]")
    with pytest.raises(ReviewFileError, match=r"reviews\.json"):
        load_store(out)


# ---------------------------------------------------------------- corrections, added, checklist

def _segment_text(report: dict, clause_id: str) -> str:
    seg = next(s for s in report["segments"] if s["id"] == clause_id)
    return str(report["text"][seg["start"]:seg["end"]])


def _full_export(report: dict, *, start: int = 4, end: int = 20) -> dict:
    """A decision with a correction, a clause added in the untagged c0002, a checklist item."""
    export = _export(report, (1, None, "", "2026-11-28T10:00:00Z"))
    export["decisions"][0]["correction"] = {"category": "security", "status": "excluded",
                                            "target": "A5"}
    text = _segment_text(report, "c0002")
    export["added"] = [{"key": clause_key("c0002", text), "clause": "c0002", "start": start,
                        "end": end, "excerpt": text[start:end], "category": "hosting",
                        "status": "included", "target": "A1", "comment": "oubli",
                        "reviewer": "alice", "at": "2026-11-28T10:02:00Z"}]
    export["checklist"] = [{"item": "r1111_11_5_referent", "status": "present",
                            "clause_ref": "art. 9", "comment": "voir annexe",
                            "reviewer": "alice", "at": "2026-11-28T10:03:00Z"}]
    return export


def test_export_with_corrections_added_clauses_and_checklist_parses() -> None:
    report = sample_report()
    (parsed,) = parse_export(_full_export(report), "x.json")
    assert parsed["decisions"][0]["correction"] == {"category": "security",
                                                    "status": "excluded", "target": "A5"}
    (added,) = parsed["added"]
    assert added["id"] == f"{added['key']}@4-20" and added["withdrawn"] is False
    assert parsed["checklist"][0]["status"] == "present"
    # an export of the first version (no added, no checklist, no correction) still parses
    (old,) = parse_export(_export(report, (0, "accept", "", "2026-11-28T10:00:00Z")), "o.json")
    assert old["added"] == [] and old["checklist"] == [] and "correction" not in old["decisions"][0]


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda e: e["decisions"][0].update(correction="security"), r"decisions\[0\]\.correction: "
                                                                "expected an object"),
    (lambda e: e["decisions"][0]["correction"].update(category="cooking"),
     r"correction\.category: 'cooking' is not one of hosting"),
    (lambda e: e["decisions"][0]["correction"].update(target="A9"), r"correction\.target"),
    (lambda e: e["decisions"][0]["correction"].update(status=1), r"correction\.status"),
    (lambda e: e.update(added={}), r"export\.added: expected a list"),
    (lambda e: e["added"][0].update(start=-1), r"added\[0\]\.start: expected a non-negative"),
    (lambda e: e["added"][0].update(end=True), r"added\[0\]\.end"),
    (lambda e: e["added"][0].update(end=4), r"added\[0\]\.end: must be greater than start"),
    (lambda e: e["added"][0].update(excerpt="short"), r"added\[0\]\.excerpt: 5 characters"),
    (lambda e: e["added"][0].pop("category"), r"added\[0\]\.category: required"),
    (lambda e: e["added"][0].update(withdrawn="yes"), r"added\[0\]\.withdrawn"),
    (lambda e: e["added"][0].update(key="../etc"), r"added\[0\]\.key"),
    (lambda e: e["added"][0].update(excerpt="x" * 20_001, end=20_005), r"excerpt: longer than"),
    (lambda e: e["checklist"][0].update(item="r1111_11_99"), r"checklist\[0\]\.item"),
    (lambda e: e["checklist"][0].pop("item"), r"checklist\[0\]\.item: required"),
    (lambda e: e["checklist"][0].update(status="maybe"), r"checklist\[0\]\.status"),
    (lambda e: e["checklist"][0].update(clause_ref="x" * 201), r"clause_ref: longer than 200"),
    (lambda e: e["checklist"][0].update(comment=3), r"checklist\[0\]\.comment"),
    (lambda e: e.update(reviewer=["a"]), r"export\.reviewer"),
])
def test_invalid_review_fields_are_refused_with_the_field(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    export = _full_export(sample_report())
    mutate(export)
    with pytest.raises(ReviewFileError, match=message):
        parse_export(export, "x.json")


def test_import_stores_corrections_added_clauses_and_checklist(out: Path, tmp_path: Path) -> None:
    report = sample_report()
    decisions = tmp_path / "review.json"
    decisions.write_text(json.dumps(_full_export(report)), encoding="utf-8")
    result = import_reviews(decisions, out)
    assert result.errors == [] and result.decisions == 3 and result.changed == 3
    review = review_for(report, load_store(out))
    assert review.decisions[clause_key(report["clauses"][1]["id"], report["clauses"][1]["text"])
                            ]["correction"]["target"] == "A5"
    assert [a["clause"] for a in review.added] == ["c0002"]
    assert review.checklist["r1111_11_5_referent"]["clause_ref"] == "art. 9"
    html = (out / "sample.html").read_text(encoding="utf-8")
    assert "Correction du relecteur : catégorie : Sécurité · statut : Exclue" in html
    assert "Ajoutée par alice" in html and _segment_text(report, "c0002")[4:20] in html
    assert "Présente selon alice" in html
    # the same file again changes nothing
    assert import_reviews(decisions, out).changed == 0


def test_an_added_clause_not_matching_the_report_is_refused_alone(out: Path,
                                                                   tmp_path: Path) -> None:
    report = sample_report()
    export = _full_export(report)
    export["added"][0]["excerpt"] = "X" * 16  # right length, wrong text
    decisions = tmp_path / "review.json"
    decisions.write_text(json.dumps(export), encoding="utf-8")
    result = import_reviews(decisions, out)
    assert len(result.errors) == 1
    assert "export.added[0] not imported" in result.errors[0] and "c0002" in result.errors[0]
    store = load_store(out)
    assert store.added.get(report["document"]["path"], {}) == {}
    assert store.checklist[report["document"]["path"]]  # the rest of the file is kept
    cli_result = CliRunner().invoke(cli, ["review", "import", str(decisions), str(out)])
    assert cli_result.exit_code == 1 and "error:" in cli_result.output
    assert "Traceback" not in cli_result.output


def test_added_clauses_follow_only_unchanged_clause_text(out: Path, tmp_path: Path) -> None:
    report = sample_report()
    decisions = tmp_path / "review.json"
    decisions.write_text(json.dumps(_full_export(report)), encoding="utf-8")
    import_reviews(decisions, out)
    rerun = sample_report()
    seg = next(s for s in rerun["segments"] if s["id"] == "c0002")
    rerun["text"] = rerun["text"][:seg["start"]] + "Ce" + rerun["text"][seg["start"] + 2:]
    assert review_for(rerun, load_store(out)).added == []  # reworded: the excerpt is dropped
    assert review_for(sample_report(), load_store(out)).added  # unchanged: it stays


def test_withdrawn_added_clause_is_no_longer_shown(out: Path, tmp_path: Path) -> None:
    report = sample_report()
    export = _full_export(report)
    decisions = tmp_path / "review.json"
    decisions.write_text(json.dumps(export), encoding="utf-8")
    import_reviews(decisions, out)
    export["added"][0].update(withdrawn=True, at="2026-11-29T08:00:00Z")
    decisions.write_text(json.dumps(export), encoding="utf-8")
    assert import_reviews(decisions, out).changed == 1
    assert review_for(report, load_store(out)).added == []
    assert "Ajoutée par alice" not in (out / "sample.html").read_text(encoding="utf-8")


def test_damaged_store_records_are_ignored(out: Path) -> None:
    path = sample_report()["document"]["path"]
    (out / "reviews.json").write_text(json.dumps({
        "schema": "hds-analyzer/reviews/1",
        "documents": {path: {"c1:" + "0" * 16: {"key": "c1:" + "0" * 16, "decision": "burn"}}},
        "added": {path: {"x": {"key": "c1:" + "0" * 16, "start": 0, "end": 2, "excerpt": "ab",
                               "category": "hosting"}}},
        "checklist": {path: {"r1111_11_5_referent": {"item": "r1111_11_5_referent",
                                                     "status": "gone"}}},
    }), encoding="utf-8")
    store = load_store(out)
    assert (store.documents[path], store.added[path], store.checklist[path]) == ({}, {}, {})
    (out / "reviews.json").write_text(json.dumps({"schema": "hds-analyzer/reviews/1",
                                                  "documents": {}, "added": []}))
    with pytest.raises(ReviewFileError, match="added: expected an object"):
        load_store(out)


def test_review_import_refreshes_tables_and_memos_of_a_scan(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "contrat.txt").write_text(
        "Article 1 - Sauvegarde\n1.1 Le Prestataire réalise une sauvegarde quotidienne des "
        "données du Client.\n1.2 Toute demande de restitution est traitée sous quinze jours.\n",
        encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["scan", str(src), "-o", str(out)]).exit_code == 0
    json_path = next(p for p in out.glob("*.json") if p.name != "reviews.json")
    report = json.loads(json_path.read_text(encoding="utf-8"))
    c = report["clauses"][0]
    export = _export(report, (0, "reject", "hors sujet", "2026-11-28T10:00:00Z"))
    export["decisions"][0]["correction"] = {"status": "conditional"}
    export["checklist"] = [{"item": "r1111_11_13_return", "status": "present",
                            "clause_ref": "art. 1.2", "reviewer": "alice"}]
    decisions = tmp_path / "review.json"
    decisions.write_text(json.dumps(export), encoding="utf-8")
    memo = next(out.glob("*.docx"))
    before = (memo.read_bytes(), (out / "findings.xlsx").read_bytes())
    result = CliRunner().invoke(cli, ["review", "import", str(decisions), str(out)])
    assert result.exit_code == 0, result.output
    assert "findings.csv" in result.output and "findings.xlsx" in result.output
    assert memo.name in result.output
    assert (memo.read_bytes(), (out / "findings.xlsx").read_bytes()) != before
    csv_text = (out / "findings.csv").read_text("utf-8-sig")
    assert "rejetée" in csv_text and "hors sujet" in csv_text and c["id"] in csv_text
    import docx

    text = "\n".join(p.text for p in docx.Document(str(memo)).paragraphs)
    assert "Relecture juridique" in text and "revue par alice : Présente" in text
    # a re-run keeps it all (decisions survive re-runs)
    assert CliRunner().invoke(cli, ["scan", str(src), "-o", str(out)]).exit_code == 0
    assert "hors sujet" in (out / "findings.csv").read_text("utf-8-sig")
    assert "Correction du relecteur" in json_path.with_suffix(".html").read_text("utf-8")


def test_correction_and_checklist_choices_come_from_the_taxonomy() -> None:
    import re

    from analyzer.report.review_schema import vocabulary
    from analyzer.resources import default_patterns_dir
    from analyzer.taxonomy import CHECKLIST_IDS, load_taxonomy

    html = render_document(sample_report())
    template = re.search(r'<template id="rv-fix-tpl">(.*?)</template>', html, re.S)
    assert template is not None
    for kind in ("category", "status", "target"):
        select = re.search(rf'<select data-field="{kind}">(.*?)</select>', template.group(1),
                           re.S)
        assert select is not None
        assert re.findall(r'<option value="([^"]+)"', select.group(1)) == list(vocabulary()[kind])
    tax = load_taxonomy(default_patterns_dir() / "taxonomy.yaml")
    assert list(vocabulary()["category"]) == list(tax.categories)
    assert re.findall(r'<fieldset class="ckr" data-item="([^"]+)"', html) == list(CHECKLIST_IDS)
    assert html.count("<script>") == 1  # the only script is the hashed static file


def test_a_huge_decisions_file_is_refused_unread(out: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from analyzer.report import review

    monkeypatch.setattr(review, "MAX_FILE", 100)
    big = tmp_path / "big.json"
    big.write_text(json.dumps(_full_export(sample_report())), encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", "import", str(big), str(out)])
    assert result.exit_code == 1 and "larger than" in result.output
    assert not (out / "reviews.json").exists()


def test_a_rescan_renders_a_reviewed_document_once_with_its_decisions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import analyzer.batch.outputs as outputs

    src = tmp_path / "in"
    src.mkdir()
    (src / "contrat.txt").write_text(
        "Article 1 - Sauvegarde\n1.1 Le Prestataire réalise une sauvegarde quotidienne des "
        "données du Client.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["scan", str(src), "-o", str(out)]).exit_code == 0
    json_path = next(p for p in out.glob("*.json") if p.name != "reviews.json")
    report = json.loads(json_path.read_text(encoding="utf-8"))
    decisions = tmp_path / "review.json"
    decisions.write_text(json.dumps(_export(report, (0, "reject", "hors sujet",
                                                     "2026-11-28T10:00:00Z"))), "utf-8")
    assert CliRunner().invoke(cli, ["review", "import", str(decisions), str(out)]).exit_code == 0
    rendered: list[str] = []
    real = outputs.render_html

    def counting(report, store=None, taxonomy=None):  # type: ignore[no-untyped-def]
        rendered.append(report["document"]["path"])
        return real(report, store, taxonomy)

    # the workers (their own processes) render the re-analysed document; the parent must not
    # render it a second time to add the decisions
    monkeypatch.setattr(outputs, "render_html", counting)
    assert CliRunner().invoke(cli, ["scan", str(src), "-o", str(out), "--all"]).exit_code == 0
    assert rendered == []
    html = json_path.with_suffix(".html").read_text("utf-8")
    assert "Rejetée par alice" in html and "hors sujet" in html
    # report OUT: one render per document, with its decisions
    json_path.with_suffix(".html").unlink()
    assert CliRunner().invoke(cli, ["report", str(out)]).exit_code == 0
    assert rendered == [report["document"]["path"]]
    assert "Rejetée par alice" in json_path.with_suffix(".html").read_text("utf-8")


def test_import_into_a_scanned_folder_finds_the_reports_in_the_store(tmp_path: Path) -> None:
    """In a scan's OUT the reports come from the results store (a few documents of a large
    batch are found without reading every JSON file): the HTML is re-rendered even when the
    JSON reports were deleted from OUT."""
    sample = SAMPLES / "contracts" / "fr-formation-tma.txt"
    out = tmp_path / "out"
    scanned = CliRunner().invoke(cli, ["scan", str(sample), "-o", str(out), "-j", "1", "-q",
                                       "--format", "html,json"])
    assert scanned.exit_code == 0, scanned.output
    (report_file,) = out.glob("*.json")
    report = json.loads(report_file.read_text(encoding="utf-8"))
    report_file.unlink()
    decisions = tmp_path / "review.json"
    decisions.write_text(json.dumps(_export(report, (0, "reject", "", "2026-11-28T10:00:00Z"))))
    result = import_reviews(decisions, out)
    assert result.rerendered == [report_file.with_suffix(".html").name]
    assert result.unmatched_documents == []
    assert "Rejetée par alice" in report_file.with_suffix(".html").read_text(encoding="utf-8")
