"""Responsibility matrices (RACI): the header of a table travels with its rows, and the party
whose column holds the R decides the row's status (client → excluded, provider → included)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx

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
    report = analyze_extracted(extract(path))
    return {c["text"].split(" | ")[0]: c for c in report["clauses"]}


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


def test_french_matrix_the_r_decides_who_does_the_row(tmp_path: Path) -> None:
    path = tmp_path / "raci.md"
    path.write_text(_FR, encoding="utf-8")
    clauses = _clauses(path)
    backup = clauses["Réaliser la sauvegarde quotidienne des données du Client"]
    assert (backup["status"], backup["party"]) == ("excluded", "client")
    assert "excluded by the responsibility matrix «Rôle Client: RA»" in backup["explanation"]
    supervision = clauses["Assurer la supervision des serveurs physiques"]
    assert (supervision["status"], supervision["party"]) == ("included", "provider")
    assert ("included by the responsibility matrix «Rôle Cloud Temple: R/A»"
            in supervision["explanation"])
    both = clauses["Assurer la maintenance des systèmes d'exploitation"]
    assert (both["status"], both["party"]) == ("included", "provider")
    assert "responsibility matrix" not in both["explanation"]
    blank = clauses["Assurer le maintien en condition opérationnelle du réseau"]
    assert blank["status"] == "included"
    assert "responsibility matrix" not in blank["explanation"]


def test_the_same_rows_without_a_header_keep_their_status_from_the_words(tmp_path: Path) -> None:
    path = tmp_path / "rows.md"
    path.write_text(_FR.replace("|----------|-------------|-------------------|\n", ""),
                    encoding="utf-8")
    backup = _clauses(path)["Réaliser la sauvegarde quotidienne des données du Client"]
    assert "responsibility matrix" not in backup["explanation"]


def test_english_matrix_names_the_provider_column_by_elimination(tmp_path: Path) -> None:
    path = tmp_path / "raci.md"
    path.write_text(_EN, encoding="utf-8")
    clauses = _clauses(path)
    backup = clauses["Perform the daily backup of the databases"]
    assert (backup["status"], backup["party"]) == ("excluded", "client")
    assert "excluded by the responsibility matrix «Customer: R, A»" in backup["explanation"]
    patches = clauses["Apply security patches to the operating systems"]
    assert (patches["status"], patches["party"]) == ("included", "provider")
    assert "included by the responsibility matrix «Acme role: R»" in patches["explanation"]


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
    backup = clauses["Réaliser la sauvegarde quotidienne des données"]
    assert (backup["status"], backup["party"]) == ("excluded", "client")
    assert "excluded by the responsibility matrix «Client: R»" in backup["explanation"]
    supervision = clauses["Assurer la supervision des serveurs physiques"]
    assert "included by the responsibility matrix «Prestataire: RA»" in supervision["explanation"]


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
