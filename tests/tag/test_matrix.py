"""Responsibility matrices (RACI): the header of a table travels with its rows, and the party
whose column holds the R decides the row's status (client → excluded, provider → included)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest

from analyzer.analyze import analyze_extracted
from analyzer.extract import extract
from analyzer.segment import segment

_FR = """# Matrice de responsabilité

## Exploitation

| Activité | Rôle Client | Rôle Cloud Temple |
|----------|-------------|-------------------|
| Réaliser la sauvegarde quotidienne des données du Client | **RA** | **I** |
| Assurer la supervision des serveurs physiques | **I** | **R/A** |
| Assurer la maintenance des systèmes d'exploitation | **R** | **R** |
| Assurer le maintien en condition opérationnelle du réseau |  |  |
"""

_EN = """# Responsibility matrix

| Activity | Customer | Acme role |
|----------|----------|-----------|
| Perform the daily backup of the databases | R, A | C |
| Apply security patches to the operating systems | I | R |
"""


def _clauses(path: Path) -> dict[str, dict[str, Any]]:
    """The tagged clauses of a file by their first cell (the activity of a row)."""
    report = analyze_extracted(extract(path))
    return {c["text"].split(" | ")[0]: c for c in report["clauses"]}


def _read(path: Path, text: str) -> dict[str, dict[str, Any]]:
    path.write_text(text, encoding="utf-8")
    return _clauses(path)


def test_markdown_rows_carry_the_header_of_their_table(tmp_path: Path) -> None:
    path = tmp_path / "raci.md"
    path.write_text(_FR, encoding="utf-8")
    document = extract(path)
    rows = [b for b in document.blocks if b.kind == "table_row"]
    assert rows[0].text == "Activité | Rôle Client | Rôle Cloud Temple"
    assert rows[0].columns == ()  # the header row stays a plain row
    assert rows[1].columns == ("Activité", "Rôle Client", "Rôle Cloud Temple")
    assert rows[1].cells[1:] == ("RA", "I")
    assert rows[4].cells[1:] == ("", "")  # empty cells keep their place
    _, segments = segment(document)
    row = next(s for s in segments if s.text.startswith("Assurer la supervision"))
    assert row.text == "Assurer la supervision des serveurs physiques | I | R/A"
    assert row.columns == rows[2].columns and row.cells == rows[2].cells


def _decided(clause: dict[str, Any], status: str, party: str, cue: str) -> None:
    """The clause has the matrix's status and party, and its explanation names the column."""
    assert (clause["status"], clause["party"]) == (status, party)
    assert f"{status} by the responsibility matrix «{cue}»" in clause["explanation"]


@pytest.mark.parametrize(("text", "client_row", "client_cue", "provider_row", "provider_cue"), [
    (_FR, "Réaliser la sauvegarde quotidienne des données du Client", "Rôle Client: RA",
     "Assurer la supervision des serveurs physiques", "Rôle Cloud Temple: R/A"),
    # "Acme role" names neither party: the provider's column by elimination
    (_EN, "Perform the daily backup of the databases", "Customer: R, A",
     "Apply security patches to the operating systems", "Acme role: R"),
], ids=["fr", "en"])
def test_the_r_decides_who_does_the_row(tmp_path: Path, text: str, client_row: str,
                                         client_cue: str, provider_row: str,
                                         provider_cue: str) -> None:
    clauses = _read(tmp_path / "raci.md", text)
    _decided(clauses[client_row], "excluded", "client", client_cue)
    _decided(clauses[provider_row], "included", "provider", provider_cue)


def test_r_in_both_columns_or_in_none_keeps_the_status_of_the_words(tmp_path: Path) -> None:
    clauses = _read(tmp_path / "raci.md", _FR)
    both = clauses["Assurer la maintenance des systèmes d'exploitation"]
    assert (both["status"], both["party"]) == ("included", "provider")
    blank = clauses["Assurer le maintien en condition opérationnelle du réseau"]
    assert blank["status"] == "included"
    # the rows read as they would without the header
    rows = _read(tmp_path / "rows.md",
                 _FR.replace("|----------|-------------|-------------------|\n", ""))
    for activity in ("Assurer la maintenance des systèmes d'exploitation",
                     "Assurer le maintien en condition opérationnelle du réseau"):
        assert "responsibility matrix" not in clauses[activity]["explanation"]
        assert clauses[activity]["explanation"] == rows[activity]["explanation"]
    backup = rows["Réaliser la sauvegarde quotidienne des données du Client"]
    assert "responsibility matrix" not in backup["explanation"]  # no header, no matrix


def _docx(path: Path, rows: list[tuple[str, ...]]) -> Path:
    document = docx.Document()
    document.add_paragraph("Article 1 – Répartition des responsabilités")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    document.save(str(path))
    return path


def test_a_word_matrix_reads_its_first_row_as_the_header(tmp_path: Path) -> None:
    path = _docx(tmp_path / "raci.docx", [
        ("Tâche", "Client", "Prestataire"),
        ("Réaliser la sauvegarde quotidienne des données", "R", ""),
        ("Assurer la supervision des serveurs physiques", "I", "RA"),
    ])
    document = extract(path)
    rows = [b for b in document.blocks if b.kind == "table_row"]
    assert rows[1].text == "Réaliser la sauvegarde quotidienne des données | R"  # as before
    assert rows[1].columns == ("Tâche", "Client", "Prestataire")
    assert rows[1].cells == ("Réaliser la sauvegarde quotidienne des données", "R", "")
    clauses = _clauses(path)
    _decided(clauses["Réaliser la sauvegarde quotidienne des données"],
             "excluded", "client", "Client: R")
    _decided(clauses["Assurer la supervision des serveurs physiques"],
             "included", "provider", "Prestataire: RA")


def test_a_table_that_is_not_a_matrix_is_read_as_before(tmp_path: Path) -> None:
    """A price table whose header names both parties: a price in a party cell makes the row no
    matrix row, even with a letter in the other cell; its rows read as without the header."""
    prices = """# Prix

| Prestation | Client | Prestataire |
|------------|--------|-------------|
| Sauvegarde quotidienne des données | R | 120 € HT par mois |
| Sauvegarde des données à la charge du Client | | 80 € HT par mois |
"""
    table = tmp_path / "prix.md"
    table.write_text(prices, encoding="utf-8")
    rows = tmp_path / "lignes.md"
    rows.write_text(prices.replace("|------------|--------|-------------|\n", ""), encoding="utf-8")
    read, plain = _clauses(table), _clauses(rows)
    backup = read["Sauvegarde quotidienne des données"]
    assert (backup["status"], backup["party"]) == ("included", "provider")
    assert read["Sauvegarde des données à la charge du Client"]["status"] == "excluded"
    assert [(c["status"], c["explanation"]) for c in read.values()] == \
        [(c["status"], c["explanation"]) for c in plain.values()]


def test_a_row_the_matrix_gives_the_client_is_the_client_s_checklist_evidence(
        tmp_path: Path) -> None:
    """The return of the data is the client's row: the checklist item reads excluded, as the
    row does; the same row in the provider's column is present."""
    def return_item(client: str, provider: str) -> str:
        path = tmp_path / "raci.md"
        path.write_text("| Activité | Rôle Client | Rôle Prestataire |\n|---|---|---|\n"
                        f"| Restitution des données en fin de contrat | {client} | {provider} |\n",
                        encoding="utf-8")
        report = analyze_extracted(extract(path))
        return {i["id"]: i["status"] for i in report["checklist"]}["r1111_11_13_return"]

    assert return_item("RA", "I") == "excluded"
    assert return_item("I", "RA") == "present"


def test_a_table_wider_than_a_matrix_is_not_read_as_one(tmp_path: Path) -> None:
    """A responsibility matrix has an activity and a few party columns; a wider table (a
    planning grid, hostile input) is read as plain rows, its header cells never parsed."""
    extra = [f"Semaine {i}" for i in range(20)]
    header = " | ".join(["Activité", "Rôle Client", "Rôle Prestataire", *extra])
    row = " | ".join(["Réaliser la sauvegarde quotidienne des données du Client", "RA", "I",
                      *[""] * len(extra)])
    clauses = _read(tmp_path / "wide.md", f"| {header} |\n|{'---|' * (3 + len(extra))}\n| {row} |\n")
    backup = clauses["Réaliser la sauvegarde quotidienne des données du Client"]
    assert "responsibility matrix" not in backup["explanation"]
    assert backup["status"] == "included"
