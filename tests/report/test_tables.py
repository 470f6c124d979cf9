"""findings.csv and findings.xlsx: content, formula neutralisation, review columns."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analyzer.batch.outputs import write_batch_tables
from analyzer.output import atomic_write_text, dump_json
from analyzer.report.i18n import ReportOptions, messages
from analyzer.report.review import ReviewStore, clause_key, save_store
from analyzer.report.tables import (
    CONTRACT_COLUMNS,
    FINDING_COLUMNS,
    column_labels,
    contract_row,
)
from tests.report.sample import sample_entries, sample_report

FR = messages("fr")


def _csv_rows(path: Path) -> list[dict[str, str]]:
    """Rows of findings.csv keyed by column id (the headers are French)."""
    reader = csv.reader(io.StringIO(path.read_text("utf-8-sig")))
    header = next(reader)
    assert header == column_labels(FINDING_COLUMNS, FR)
    return [dict(zip(FINDING_COLUMNS, r, strict=True)) for r in reader]


@pytest.fixture
def batch(tmp_path: Path) -> tuple[Path, list[dict], dict]:
    report = sample_report(hostile=True)
    report["clauses"][0]["text"] = "=HYPERLINK(\"http://evil\",\"x\")"
    entries = sample_entries(report)
    atomic_write_text(tmp_path / "sample.json", dump_json(report))
    return tmp_path, entries, report


def test_csv_has_one_row_per_tagged_clause(batch: tuple[Path, list[dict], dict]) -> None:
    out, entries, report = batch
    written = write_batch_tables(out, entries, formats=["csv"])
    assert written == [out / "findings.csv"]
    raw = (out / "findings.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = _csv_rows(out / "findings.csv")
    assert len(rows) == len(report["clauses"])
    by_id = {r["clause_id"]: r for r in rows}
    c = report["clauses"][2]
    assert by_id[c["id"]]["mapping"] == ", ".join(c["mapping"])
    # statuses, parties and explanations are French words, not ids or rule jargon
    excluded = next(x for x in report["clauses"] if x["status"] == "excluded")
    assert by_id[excluded["id"]]["status"] == "Exclue / à la charge du client"
    assert by_id[excluded["id"]]["party"] in ("client", "prestataire")
    assert by_id[c["id"]]["explanation"].startswith(("Le prestataire", "Le client", "À la"))
    assert by_id[c["id"]]["document"] == report["document"]["path"]
    assert by_id[c["id"]]["rules"]


def test_csv_neutralises_formulas(batch: tuple[Path, list[dict], dict]) -> None:
    out, entries, report = batch
    write_batch_tables(out, entries, formats=["csv"])
    rows = _csv_rows(out / "findings.csv")
    first = next(r for r in rows if r["clause_id"] == report["clauses"][0]["id"])
    assert first["text"].startswith("'=HYPERLINK")


def test_xlsx_sheets_and_content(batch: tuple[Path, list[dict], dict]) -> None:
    out, entries, report = batch
    write_batch_tables(out, entries, formats=["xlsx"])
    wb = load_workbook(out / "findings.xlsx")
    assert wb.sheetnames == ["Constats", "Contrats", "Clauses obligatoires"]
    findings = list(wb["Constats"].iter_rows(values_only=True))
    assert list(findings[0]) == column_labels(FINDING_COLUMNS, FR)
    assert len(findings) == 1 + len(report["clauses"])
    cell = wb["Constats"].cell(row=2, column=FINDING_COLUMNS.index("text") + 1)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    contracts = list(wb["Contrats"].iter_rows(values_only=True))
    assert list(contracts[0]) == column_labels(CONTRACT_COLUMNS, FR)
    assert [r[1] for r in contracts[1:]] == ["✓ analysé", "– ignoré", "✗ chiffré"]
    ok = dict(zip(CONTRACT_COLUMNS, contracts[1], strict=True))
    assert ok["A6"] == len(report["coverage"]["A6"])
    assert ok["activities"] == (
        "A1 : la réalise (obligation du prestataire); A3 : la réalise (obligation du "
        "prestataire); A5 : la réalise (obligation du prestataire); A6 : la réalise "
        "(obligation du prestataire)")  # the silent A2 and A4 are left out
    assert ok["findings"] == len(report["clauses"])
    assert "valable jusqu'au 31 mai 2027" in ok["declared_certificate"]
    assert "activités A3, A5, A6" in ok["declared_certificate"]
    assert ok["certificate_gaps"] == "A1"
    assert ok["certificate_expiry"] == "non vérifiée (31 mai 2027)"
    # the same count as the HTML report's verdict (missing + excluded items)
    assert ok["checklist_gaps"] == sum(1 for i in report["checklist"] if i["status"] != "present")
    failed = dict(zip(CONTRACT_COLUMNS, contracts[3], strict=True))
    assert failed["reason"] == "PDF is password-protected"
    assert failed["activities"] is None  # an empty cell: nothing was read
    checklist = list(wb["Clauses obligatoires"].iter_rows(values_only=True))
    assert checklist[0][0] == "Document" and "Restitution de la totalité des données" in \
        checklist[0]
    row = dict(zip(checklist[0], checklist[1], strict=True))
    assert row["Restitution de la totalité des données"] == "Exclue"
    sla = list(checklist[0]).index("Indicateurs de qualité, niveau garanti, périodicité, pénalités")
    status_cell = wb["Clauses obligatoires"].cell(row=2, column=sla + 1)
    assert status_cell.value == "Manquante" and status_cell.fill.fgColor.rgb.endswith("FDE8EC")
    assert wb["Constats"].freeze_panes == "B2"
    link = wb["Contrats"].cell(row=2, column=CONTRACT_COLUMNS.index("report") + 1)
    assert link.value == "sample.html" and link.hyperlink.target == "sample.html"


def test_xlsx_is_the_same_bytes_for_the_same_batch(batch: tuple[Path, list[dict], dict]) -> None:
    """No write time in the workbook: a re-run that changes nothing rewrites nothing new."""
    out, entries, _ = batch
    write_batch_tables(out, entries, formats=["xlsx"])
    first = (out / "findings.xlsx").read_bytes()
    write_batch_tables(out, entries, formats=["xlsx"])
    assert (out / "findings.xlsx").read_bytes() == first


def test_past_the_link_limit_a_report_name_stays_text(
        batch: tuple[Path, list[dict], dict], monkeypatch: pytest.MonkeyPatch) -> None:
    """Excel takes at most 65,530 links per sheet; later contracts keep their report's name
    as text instead of losing the cell (here with a limit of 1)."""
    from analyzer.report import tables

    out, entries, _ = batch
    many = [entries[0], {**entries[0], "path": "b.pdf", "name": "b", "html": "b.html"}]
    monkeypatch.setattr(tables, "_MAX_LINKS", 1)
    write_batch_tables(out, many, formats=["xlsx"])
    sheet = load_workbook(out / "findings.xlsx")["Contrats"]
    column = CONTRACT_COLUMNS.index("report") + 1
    first, second = sheet.cell(row=2, column=column), sheet.cell(row=3, column=column)
    assert first.hyperlink is not None and first.hyperlink.target == "sample.html"
    assert second.value == "b.html" and second.hyperlink is None


def test_tables_in_english_with_a_reference_date(
        batch: tuple[Path, list[dict], dict]) -> None:
    from datetime import date

    out, entries, _ = batch
    write_batch_tables(out, entries, formats=["xlsx"],
                       options=ReportOptions("en", date(2027, 6, 1)))
    wb = load_workbook(out / "findings.xlsx")
    assert wb.sheetnames == ["Findings", "Contracts", "Checklist"]
    contracts = list(wb["Contracts"].iter_rows(values_only=True))
    assert list(contracts[0]) == list(CONTRACT_COLUMNS)
    ok = dict(zip(CONTRACT_COLUMNS, contracts[1], strict=True))
    assert ok["certificate_expiry"] == "EXPIRED (31 May 2027)"
    checklist = list(wb["Checklist"].iter_rows(values_only=True))
    row = dict(zip(checklist[0], checklist[1], strict=True))
    assert row["Scope and dates of the HDS certificate"] == "Certificate expired"


def test_tables_carry_stored_review_decisions(batch: tuple[Path, list[dict], dict]) -> None:
    out, entries, report = batch
    c = report["clauses"][3]
    store = ReviewStore()
    store.merge(report["document"]["path"],
                [{"key": clause_key(c["id"], c["text"]), "decision": "accept",
                  "comment": "ok", "reviewer": "alice", "at": "2026-11-28T10:00:00Z"}],
                source="t.json")
    save_store(out, store)
    write_batch_tables(out, entries)
    rows = _csv_rows(out / "findings.csv")
    row = next(r for r in rows if r["clause_id"] == c["id"])
    assert (row["review_decision"], row["reviewer"], row["review_comment"]) == (
        "acceptée", "alice", "ok")
    wb = load_workbook(out / "findings.xlsx")
    values = next(r for r in wb["Constats"].iter_rows(values_only=True) if r[1] == c["id"])
    assert values[FINDING_COLUMNS.index("review_decision")] == "acceptée"


def test_reports_may_come_from_a_mapping(tmp_path: Path) -> None:
    report = sample_report()
    entries = sample_entries(report)
    entries[0]["json"] = None  # JSON not written: the reports come from the results store
    write_batch_tables(tmp_path, entries, {report["document"]["path"]: report}, ["csv", "xlsx"])
    rows = _csv_rows(tmp_path / "findings.csv")
    assert len(rows) == len(report["clauses"])


def test_no_table_format_writes_nothing(batch: tuple[Path, list[dict], dict]) -> None:
    out, entries, _ = batch
    assert write_batch_tables(out, entries, formats=["html", "json"]) == []
    assert not (out / "findings.csv").exists()


def test_illegal_xml_characters_do_not_break_the_workbook(tmp_path: Path) -> None:
    report = sample_report()
    report["clauses"][0]["text"] = "bad \x01\x0b char"
    entries = sample_entries(report)
    write_batch_tables(tmp_path, entries, {report["document"]["path"]: report}, ["xlsx"])
    wb = load_workbook(tmp_path / "findings.xlsx")
    assert wb["Constats"].cell(row=2, column=FINDING_COLUMNS.index("text") + 1).value == \
        "bad \ufffd\ufffd char"


def test_both_tables_read_each_report_once(tmp_path: Path) -> None:
    report = sample_report()
    entries = sample_entries(report)
    reads: list[str] = []

    class Store(dict):  # type: ignore[type-arg]
        def get(self, key, default=None):  # type: ignore[no-untyped-def]
            reads.append(key)
            return super().get(key, default)

    write_batch_tables(tmp_path, entries, Store({report["document"]["path"]: report}),
                       ["csv", "xlsx"])
    assert reads == [report["document"]["path"]]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "findings.csv").read_text("utf-8-sig"))))
    assert len(rows) == len(report["clauses"])
    assert load_workbook(tmp_path / "findings.xlsx").sheetnames == [
        "Constats", "Contrats", "Clauses obligatoires"]  # French by default
    assert not list(tmp_path.glob(".*.tmp"))


def test_tables_show_corrections_and_added_clauses(batch: tuple[Path, list[dict], dict]) -> None:
    out, entries, report = batch
    c = report["clauses"][3]
    seg = next(s for s in report["segments"] if s["id"] == "c0002")
    text = report["text"][seg["start"]:seg["end"]]
    key = clause_key("c0002", text)
    store = ReviewStore()
    store.merge(report["document"]["path"],
                [{"key": clause_key(c["id"], c["text"]), "decision": None, "comment": "",
                  "reviewer": "alice", "at": "2026-11-28T10:00:00Z",
                  "correction": {"category": "training", "target": "A4"}}],
                source="t.json",
                added=[{"id": f"{key}@0-10", "key": key, "clause": "c0002",
                        "start": 0, "end": 10, "excerpt": text[:10], "category": "security",
                        "status": "excluded", "target": None, "comment": "oubli",
                        "reviewer": "bob", "at": "2026-11-28T10:00:00Z"}])
    save_store(out, store)
    write_batch_tables(out, entries)
    rows = _csv_rows(out / "findings.csv")
    assert len(rows) == len(report["clauses"]) + 1
    fixed = next(r for r in rows if r["clause_id"] == c["id"])
    assert (fixed["review_category"], fixed["review_status"], fixed["review_target"],
            fixed["review_origin"]) == ("Formation", "", "A4", "outil")
    added = rows[-1]
    assert (added["clause_id"], added["text"], added["review_decision"], added["review_origin"],
            added["review_category"], added["review_status"], added["reviewer"]) == (
        "c0002", text[:10], "ajoutée", "ajoutée par le relecteur", "Sécurité",
        "Exclue / à la charge du client", "bob")
    assert added["status"] == "" and added["rules"] == ""  # the tool found nothing there
    wb = load_workbook(out / "findings.xlsx")
    sheet = list(wb["Constats"].iter_rows(values_only=True))
    assert sheet[0][FINDING_COLUMNS.index("review_origin")] == "Origine"
    assert sheet[-1][FINDING_COLUMNS.index("review_origin")] == "ajoutée par le relecteur"


def test_checklist_sheet_shows_items_set_by_the_reviewer(
        batch: tuple[Path, list[dict], dict]) -> None:
    out, entries, report = batch
    store = ReviewStore()
    store.merge(report["document"]["path"], [], source="t.json",
                checklist=[{"item": "r1111_11_4_rights", "status": "present", "clause_ref": "",
                            "comment": "", "reviewer": "alice", "at": "2026-11-28T10:00:00Z"}])
    save_store(out, store)
    write_batch_tables(out, entries, formats=["xlsx"])
    wb = load_workbook(out / "findings.xlsx")
    sheet = wb["Clauses obligatoires"]
    rows = list(sheet.iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Droits des personnes : portabilité, notification des violations, audits du "
               "DPO"] == "Présente (relecteur)"
    assert sheet.cell(row=2, column=rows[0].index("Droits des personnes : portabilité, "
                      "notification des violations, audits du DPO") + 1
                      ).fill.fgColor.rgb.endswith("E6F4EA")  # coloured as present


def test_contracts_row_of_a_document_without_text_has_counts_not_blanks() -> None:
    """An ok_no_text input was analysed: 0 findings and 0 per target, like the HTML index
    (it used to get empty cells: the sheet tested ``status == "ok"``); no certificate verdict."""
    from analyzer.report.tables import TARGETS, contract_row

    entry = {"path": "scans/illisible.pdf", "status": "ok_no_text", "reason": "", "clauses": 0,
             "coverage": {t: 0 for t in TARGETS}, "language": "fr", "warnings": [],
             "certificates_required": [], "checklist_missing": [], "html": "x.html"}
    row = contract_row(entry, None, ReportOptions("fr"))
    assert row["status"] == FR("index.status_no_text")
    assert row["findings"] == 0
    assert [row[t] for t in TARGETS] == [0] * len(TARGETS)
    assert row["checklist_gaps"] == "" and row["declared_certificate"] == ""
    skipped = contract_row({"path": "a.xls", "status": "skipped"}, None, ReportOptions("fr"))
    assert skipped["findings"] == "" and skipped["A1"] == ""


def test_the_contracts_row_says_what_the_vendor_does_of_each_activity_and_how_sure() -> None:
    """For a legal team filtering thousands of contracts: the verdict of every HDS activity the
    contract speaks of, with the confidence the HTML report shows (an obligation of the
    provider, or a mere mention to confirm), in the interface language."""
    report = {
        "document": {"path": "c.txt", "language": "fr", "warnings": []},
        "clauses": [
            {"id": "c1", "status": "included", "mapping": ["A5"], "commitment": "obligation",
             "obligation_mapping": ["A5"]},
            {"id": "c2", "status": "included", "mapping": ["A6"], "commitment": "mention"},
            {"id": "c3", "status": "excluded", "mapping": ["A1"]},
            {"id": "c4", "status": "conditional", "mapping": ["A4"]},
        ],
        "coverage": {}, "checklist": [], "certificates_required": [],
    }
    entry = {"path": "c.txt", "status": "ok", "clauses": 4}
    fr = contract_row(entry, report)["activities"]
    assert fr == ("A1 : ne la réalise pas (exclue); A4 : en option seulement (obligation du "
                  "prestataire); A5 : la réalise (obligation du prestataire); A6 : mentionnée "
                  "(simple mention, à confirmer)")
    en = contract_row(entry, report, ReportOptions("en"))["activities"]
    assert en.startswith("A1: does not (excluded); A4: only as an option (provider obligation)")
