"""findings.csv and findings.xlsx: content, formula neutralisation, review columns."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analyzer.output import atomic_write_text, dump_json
from analyzer.report.review import ReviewStore, clause_key, save_store
from analyzer.report.sample import sample_entries, sample_report
from analyzer.report.tables import (
    CONTRACT_COLUMNS,
    FINDING_COLUMNS,
    write_batch_tables,
)


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
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(report["clauses"])
    assert list(rows[0]) == list(FINDING_COLUMNS)
    by_id = {r["clause_id"]: r for r in rows}
    c = report["clauses"][2]
    assert by_id[c["id"]]["mapping"] == ", ".join(c["mapping"])
    assert by_id[c["id"]]["document"] == report["document"]["path"]
    assert by_id[c["id"]]["rules"]


def test_csv_neutralises_formulas(batch: tuple[Path, list[dict], dict]) -> None:
    out, entries, report = batch
    write_batch_tables(out, entries, formats=["csv"])
    rows = list(csv.DictReader(io.StringIO((out / "findings.csv").read_text("utf-8-sig"))))
    first = next(r for r in rows if r["clause_id"] == report["clauses"][0]["id"])
    assert first["text"].startswith("'=HYPERLINK")


def test_xlsx_sheets_and_content(batch: tuple[Path, list[dict], dict]) -> None:
    out, entries, report = batch
    write_batch_tables(out, entries, formats=["xlsx"])
    wb = load_workbook(out / "findings.xlsx")
    assert wb.sheetnames == ["Findings", "Contracts", "Checklist"]
    findings = list(wb["Findings"].iter_rows(values_only=True))
    assert findings[0] == FINDING_COLUMNS
    assert len(findings) == 1 + len(report["clauses"])
    cell = wb["Findings"].cell(row=2, column=FINDING_COLUMNS.index("text") + 1)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    contracts = list(wb["Contracts"].iter_rows(values_only=True))
    assert contracts[0] == CONTRACT_COLUMNS
    assert [r[1] for r in contracts[1:]] == ["ok", "skipped", "encrypted"]
    ok = dict(zip(CONTRACT_COLUMNS, contracts[1], strict=True))
    assert ok["A6"] == len(report["coverage"]["A6"])
    assert ok["findings"] == len(report["clauses"])
    assert "valid until: 2027-05-31" in ok["declared_certificate"]
    failed = dict(zip(CONTRACT_COLUMNS, contracts[3], strict=True))
    assert failed["reason"] == "PDF is password-protected"
    checklist = list(wb["Checklist"].iter_rows(values_only=True))
    assert checklist[0][0] == "document" and "r1111_11_6_sla" in checklist[0]
    row = dict(zip(checklist[0], checklist[1], strict=True))
    assert row["r1111_11_13_return"] == "excluded"
    assert wb["Findings"].freeze_panes == "B2"


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
    rows = list(csv.DictReader(io.StringIO((out / "findings.csv").read_text("utf-8-sig"))))
    row = next(r for r in rows if r["clause_id"] == c["id"])
    assert (row["review_decision"], row["reviewer"], row["review_comment"]) == (
        "accept", "alice", "ok")
    wb = load_workbook(out / "findings.xlsx")
    values = next(r for r in wb["Findings"].iter_rows(values_only=True) if r[1] == c["id"])
    assert values[FINDING_COLUMNS.index("review_decision")] == "accept"


def test_reports_may_come_from_a_mapping(tmp_path: Path) -> None:
    report = sample_report()
    entries = sample_entries(report)
    entries[0]["json"] = None  # JSON not written: the reports come from the results store
    write_batch_tables(tmp_path, entries, {report["document"]["path"]: report}, ["csv", "xlsx"])
    rows = list(csv.DictReader(io.StringIO((tmp_path / "findings.csv").read_text("utf-8-sig"))))
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
    assert wb["Findings"].cell(row=2, column=FINDING_COLUMNS.index("text") + 1).value == \
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
    assert load_workbook(tmp_path / "findings.xlsx").sheetnames == ["Findings", "Contracts",
                                                                    "Checklist"]
    assert not list(tmp_path.glob(".*.tmp"))
