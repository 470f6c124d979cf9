"""--ui-lang and --reference-date on ``scan`` and ``report``: French by default, recorded in OUT,
kept by ``report``, and a change re-renders the reports of unchanged inputs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from analyzer.cli import cli
from analyzer.report.i18n import ENV_REFERENCE_DATE, ENV_UI_LANG, OPTIONS_FILE

CONTRACT = ("ARTICLE 1 – CERTIFICATION\n\n1.1 Le Prestataire est certifié hébergeur de données de "
            "santé pour l'activité 6 (sauvegarde des données de santé) au titre du certificat "
            "n° HDS-T-1 valable jusqu'au 1er mars 2025.\n\n"
            "ARTICLE 2 – SAUVEGARDE\n\n2.1 Le Prestataire réalise la sauvegarde quotidienne des "
            "données de santé hébergées.\n")


@pytest.fixture(autouse=True)
def _restore_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI exports the options to its workers: put the environment back after each test."""
    monkeypatch.setenv(ENV_UI_LANG, "")
    monkeypatch.setenv(ENV_REFERENCE_DATE, "")


def test_scan_is_french_by_default_then_english_on_request_and_report_keeps_it(
        tmp_path: Path) -> None:
    (tmp_path / "c.txt").write_text(CONTRACT, encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(cli, ["scan", str(tmp_path / "c.txt"), "-o", str(out), "-j", "1",
                                "-q"])
    assert first.exit_code == 0, first.output + first.stderr
    assert "analysés : 1, en échec : 0, ignorés : 0 ; index :" in first.output
    html = (out / "c.txt.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "Synthèse" in html
    assert "échéance non vérifiée" in html
    assert json.loads((out / OPTIONS_FILE).read_text()) == {"reference_date": None,
                                                           "ui_lang": "fr"}
    # the Word memo is written next to the HTML by default
    memo = docx.Document(str(out / "c.txt.docx"))
    assert memo.paragraphs[0].text == "Note d'analyse HDS – c.txt"
    assert any(p.text == "Synthèse" for p in memo.paragraphs)

    # same input, other display options: the unchanged report is re-rendered
    second = runner.invoke(cli, ["scan", str(tmp_path / "c.txt"), "-o", str(out), "-j", "1",
                                 "-q", "--ui-lang", "en", "--reference-date", "2026-12-01"])
    assert second.exit_code == 0, second.output + second.stderr
    assert "1 analysed, 0 failed, 0 skipped; index:" in second.output
    assert "re-rendered" in second.stderr
    html = (out / "c.txt.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Summary" in html
    assert "EXPIRED since 1 March 2025 (reference date: 1 December 2026)" in html
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "EXPIRED (1 March 2025)" in index

    # report OUT without options keeps the recorded ones
    rebuilt = runner.invoke(cli, ["report", str(out)])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "1 inputs (ok 1); index:" in rebuilt.output
    assert '<html lang="en">' in (out / "c.txt.html").read_text(encoding="utf-8")
    french = runner.invoke(cli, ["report", str(out), "--ui-lang", "fr"])
    assert "fichiers : 1 (analysés 1) ; index :" in french.output
    html = (out / "c.txt.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "EXPIRÉ depuis le 1er mars 2025" in html
    memo_bytes = (out / "c.txt.docx").read_bytes()
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(memo_bytes)).paragraphs)
    assert "EXPIRÉ depuis le 1er mars 2025" in text
    again = runner.invoke(cli, ["report", str(out)])
    assert again.exit_code == 0
    assert (out / "c.txt.docx").read_bytes() == memo_bytes  # same input and options
    assert (out / "c.txt.html").read_text(encoding="utf-8") == html


def test_a_second_scan_in_the_same_process_renders_in_its_own_language(tmp_path: Path) -> None:
    """The worker processes of a second batch come from the forkserver the first one started
    (with its environment): they must still render with the second batch's options."""
    (tmp_path / "c.txt").write_text(CONTRACT, encoding="utf-8")
    runner = CliRunner()
    english = runner.invoke(cli, ["scan", str(tmp_path / "c.txt"), "-o", str(tmp_path / "en"),
                                  "-j", "1", "-q", "--ui-lang", "en", "--format", "html"])
    assert english.exit_code == 0, english.output + english.stderr
    assert '<html lang="en">' in (tmp_path / "en" / "c.txt.html").read_text(encoding="utf-8")
    french = runner.invoke(cli, ["scan", str(tmp_path / "c.txt"), "-o", str(tmp_path / "fr"),
                                 "-j", "1", "-q", "--ui-lang", "fr", "--format", "html"])
    assert french.exit_code == 0, french.output + french.stderr
    html = (tmp_path / "fr" / "c.txt.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "Synthèse" in html


def test_invalid_reference_date_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "c.txt").write_text(CONTRACT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "c.txt"), "-o", str(tmp_path / "o"),
                                      "--reference-date", "01/12/2026"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


def test_review_import_keeps_the_recorded_interface_language(tmp_path: Path) -> None:
    from analyzer.batch.outputs import record_options
    from analyzer.output import atomic_write_text, dump_json
    from analyzer.report.html import render_document
    from analyzer.report.i18n import ReportOptions
    from analyzer.report.review import clause_key
    from tests.report.sample import sample_report

    report = sample_report()
    out = tmp_path / "out"
    atomic_write_text(out / "sample.json", dump_json(report))
    atomic_write_text(out / "sample.html", render_document(report, options=ReportOptions("en")))
    record_options(out, ReportOptions("en"))
    clause = report["clauses"][1]
    decisions = tmp_path / "d.json"
    decisions.write_text(json.dumps({
        "schema": "hds-analyzer/review/1",
        "document": {"path": report["document"]["path"], "sha256": report["document"]["sha256"]},
        "exported_at": "2026-11-28T10:00:00Z", "reviewer": "Alice",
        "decisions": [{"key": clause_key(clause["id"], clause["text"]), "clause": clause["id"],
                       "decision": "accept", "comment": "", "reviewer": "Alice",
                       "at": "2026-11-28T10:00:00Z"}]}), encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", "import", str(decisions), str(out)])
    assert result.exit_code == 0, result.output
    html = (out / "sample.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Accepted by Alice" in html
