"""The per-contract Word memo: verdict, certificate, missing clauses with model wording, facts,
evidence excerpts with article numbers; deterministic bytes."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import docx
import pytest

from analyzer.batch.outputs_review import write_memos
from analyzer.report.i18n import ENV_REFERENCE_DATE, ENV_UI_LANG, ReportOptions
from analyzer.report.memo import render_memo
from tests.paths import SAMPLES
from tests.report.sample import XSS_SCRIPT, sample_entries, sample_report

REF = date(2027, 6, 1)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_UI_LANG, raising=False)
    monkeypatch.delenv(ENV_REFERENCE_DATE, raising=False)


def _text(data: bytes) -> tuple[list[tuple[str, str]], str]:
    d = docx.Document(io.BytesIO(data))
    paras = [(p.style.name, p.text) for p in d.paragraphs]
    tables = "\n".join(" | ".join(c.text for c in row.cells) for t in d.tables for row in t.rows)
    return paras, tables


def test_french_memo_holds_the_verdict_and_the_model_clauses() -> None:
    report = sample_report(hostile=True)
    paras, tables = _text(render_memo(report, ReportOptions("fr", REF)))
    text = "\n".join(t for _, t in paras)
    headings = [t for s, t in paras if s.startswith("Heading")]
    assert headings[:5] == ["Synthèse", "Activités HDS (art. R.1111-9 CSP)", "Certificat HDS",
                            "Clauses obligatoires (R.1111-11 CSP)",
                            "Manquante – Droits des personnes : portabilité, notification des "
                            "violations, audits du DPO (R.1111-11 4° CSP)"]
    assert "Le certificat a expiré le 31 mai 2027." in text  # reference date 1 June 2027
    assert "EXPIRÉ depuis le 31 mai 2027" in text
    assert "A3 – Infrastructure virtuelle | la réalise | obligation du prestataire | art. 3.1" \
        in tables
    assert "Numéro | HDS-2024-117" in tables
    # missing clause: requirement and model wording; excluded return clause too
    assert any(s == "Quote" and t.startswith("Le référent contractuel du Client") for s, t in paras)
    assert "Exclue – Restitution de la totalité des données (R.1111-11 13° CSP)" in headings
    # evidence excerpts cite article numbers and carry the contract text as written
    assert "Extraits du contrat" in headings
    assert any(t.startswith("art. 3.2 — Le prestataire s'engage sur : sauvegarde") for _, t in paras)
    assert XSS_SCRIPT in text  # plain text in Word: nothing to escape, nothing runs
    assert not any("c00" in t for _, t in paras)  # no internal ids


def test_english_memo_and_determinism() -> None:
    report = sample_report()
    opts = ReportOptions("en", REF)
    data = render_memo(report, opts)
    assert data == render_memo(sample_report(), opts)
    paras, _ = _text(data)
    assert paras[0][1] == "HDS review memo – contrats/exemple-hebergement.pdf"
    assert ("Heading 1", "Mandatory clauses (R.1111-11 CSP)") in paras
    assert data != render_memo(report, ReportOptions("fr", REF))


def test_write_memos_only_for_analysed_inputs(tmp_path: Path) -> None:
    report = sample_report()
    entries = sample_entries(report)
    (tmp_path / "x.docx").write_bytes(b"stale memo of an input that now fails")
    n = write_memos(tmp_path, entries, {report["document"]["path"]: report})
    assert n == 1 and (tmp_path / "sample.docx").is_file()
    assert not (tmp_path / "x.docx").exists()
    before = (tmp_path / "sample.docx").stat().st_mtime_ns
    unchanged = [{**entries[0], "unchanged": True}]
    assert write_memos(tmp_path, unchanged, {report["document"]["path"]: report},
                       only_missing=True) == 0
    assert (tmp_path / "sample.docx").stat().st_mtime_ns == before


def test_memo_shows_the_reviewers_work() -> None:
    from analyzer.report.review import DocumentReview, clause_key

    report = sample_report()
    c = report["clauses"][2]
    review = DocumentReview(
        {clause_key(c["id"], c["text"]): {"clause": c["id"], "decision": "reject",
                                           "comment": "hors périmètre", "reviewer": "alice",
                                           "correction": {"status": "excluded"}}},
        [{"id": "x", "key": "c0002:" + "0" * 16, "clause": "c0002", "start": 0, "end": 9,
          "excerpt": "Le présen", "category": "hosting", "status": "included",
          "target": "A1", "comment": "", "reviewer": "bob"}],
        {"r1111_11_4_rights": {"item": "r1111_11_4_rights", "status": "present",
                               "clause_ref": "art. 12", "comment": "", "reviewer": "alice"}})
    paras, tables = _text(render_memo(report, ReportOptions("fr", REF), review))
    headings = [t for s, t in paras if s.startswith("Heading")]
    assert "Relecture juridique" in headings
    assert ("Manquante – Droits des personnes : portabilité, notification des violations, "
            "audits du DPO (R.1111-11 4° CSP) — revue par alice : Présente") in headings
    assert "rejetée | statut : Exclue / à la charge du client | hors périmètre | alice" in tables
    assert "Le présen | catégorie : Hébergement · statut : Incluse" in tables
    assert "| Manquante | Présente | art. 12 |" in tables
    assert "Relecture juridique" not in [t for _, t in _text(render_memo(report))[0]]


def test_the_workers_write_the_memos_and_the_parent_only_the_missing_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch of thousands of contracts must not render its memos one by one in the parent:
    each worker writes the memo of the document it analysed. The parent only renders a memo
    that is missing from OUT (here: deleted between two runs of an unchanged input)."""
    import shutil

    from click.testing import CliRunner

    from analyzer.cli import cli
    from analyzer.report import memo

    samples = SAMPLES / "contracts"
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("fr-formation-tma.txt", "en-cloud-hosting-agreement.md"):
        shutil.copy(samples / name, docs / name)
    out = tmp_path / "out"
    rendered_here: list[str] = []
    real = memo.render_memo

    def in_the_parent(report, *args):  # type: ignore[no-untyped-def]
        rendered_here.append(report["document"]["path"])
        return real(report, *args)

    monkeypatch.setattr(memo, "render_memo", in_the_parent)
    scan = ["scan", str(docs), "-o", str(out), "--jobs", "1", "--quiet"]
    result = CliRunner().invoke(cli, scan)
    assert result.exit_code == 0, result.output
    memos = sorted(p.name for p in out.glob("*.docx"))
    assert len(memos) == 2 and rendered_here == []
    paras, _ = _text((out / memos[0]).read_bytes())
    assert any("HDS" in text for _, text in paras)
    (out / memos[1]).unlink()
    result = CliRunner().invoke(cli, scan)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.docx")) == memos
    assert len(rendered_here) == 1  # the missing one, for the unchanged input
