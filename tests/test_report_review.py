"""Reviewer decisions: keys, validation, merge, ``review import`` and survival across re-runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import cli
from analyzer.output import atomic_write_text, dump_json
from analyzer.report.html import render_document
from analyzer.report.review import (
    EXPORT_SCHEMA,
    ReviewFileError,
    ReviewStore,
    apply_stored_reviews,
    clause_key,
    decisions_for,
    import_reviews,
    load_store,
    parse_export,
)
from analyzer.report.sample import sample_entries, sample_report


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
