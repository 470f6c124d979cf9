"""The review workflow in a real browser (Chromium, file:// URLs): correct a finding, add a clause
the tool missed by selecting text, set a mandatory-clause item, export, ``review import``
through the CLI, then the findings tables, the Word memo and the re-rendered HTML show it all."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from analyzer.cli import cli
from tests.browser.conftest import axe_violations

CONTRACT = "\n".join([
    "CONTRAT D'HÉBERGEMENT DE DONNÉES DE SANTÉ", "",
    "Article 1 - Sauvegarde",
    "1.1 Le Prestataire réalise une sauvegarde quotidienne des données du Client, conservée "
    "trente jours.",
    "1.2 Les parties se réunissent chaque trimestre pour faire le point sur l'exécution du "
    "contrat et le référent désigné par le Client assiste à ces réunions.", "",
    "Article 2 - Exploitation",
    "2.1 Le Prestataire assure l'administration et l'exploitation des serveurs et la gestion "
    "des habilitations.",
    "2.2 Le Client reste propriétaire de ses données. Toute demande de restitution est traitée "
    "sous quinze jours.", ""])
MISSED = "Toute demande de restitution est traitée sous quinze jours."
ITEM = "r1111_11_13_return"


@pytest.fixture
def scanned(tmp_path: Path) -> tuple[Path, Path]:
    """A real scan with every output (HTML, JSON, CSV, XLSX, Word memo); (OUT, report HTML)."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "contrat.txt").write_text(CONTRACT, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["scan", str(src), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    html = next(p for p in out.glob("*.html") if p.name != "index.html")
    return out, html


def _report(html: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(html.with_suffix(".json").read_text(encoding="utf-8"))
    return data


def _ids(report: dict[str, Any]) -> tuple[str, str]:
    """(a tagged clause, the untagged clause holding the missed passage)."""
    tagged = {c["id"] for c in report["clauses"]}
    text = report["text"]
    missed = next(s["id"] for s in report["segments"] if s["id"] not in tagged
                  and MISSED in text[s["start"]:s["end"]])
    return report["clauses"][1]["id"], missed


def _open(page: Any, path: Path) -> None:
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("#filter-count:not(:empty)")


def _select(page: Any, clause: str, passage: str) -> None:
    """Select ``passage`` inside a clause's text, as a mouse drag would."""
    page.evaluate("""([id, passage]) => {
        const p = document.querySelector('#' + id + ' .ctext');
        const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
            const at = node.data.indexOf(passage);
            if (at !== -1) {
                const r = document.createRange();
                r.setStart(node, at); r.setEnd(node, at + passage.length);
                const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
                return;
            }
        }
        throw new Error('passage not found');
    }""", [clause, passage])


def _review(page: Any, tagged: str, missed: str) -> None:
    """Correct a finding, add the missed passage, set a checklist item (name given first)."""
    page.locator("#reviewer").fill("Maître Durand")
    page.locator(f'#{tagged} button[data-action="correct"]').click()
    assert page.get_attribute(f'#{tagged} button[data-action="correct"]',
                              "aria-expanded") == "true"
    fix = page.locator(f"#{tagged} .rv-fix")
    fix.locator('select[data-field="category"]').select_option("security")
    fix.locator('select[data-field="status"]').select_option("conditional")
    fix.locator('select[data-field="target"]').select_option("A5")
    _select(page, missed, MISSED)
    page.wait_for_function("() => !document.getElementById('add-btn').disabled")
    assert MISSED in page.locator("#add-excerpt").inner_text()
    box = page.locator("#add-box")
    box.locator('select[data-field="category"]').select_option("hosting")
    box.locator('select[data-field="target"]').select_option("infogerance")
    page.locator("#add-comment").fill("Clause de restitution non repérée")
    page.locator("#add-btn").click()
    page.locator("#checklist-review summary").click()
    item = page.locator(f'fieldset.ckr[data-item="{ITEM}"]')
    item.locator('[data-role="ck-ref"]').fill("art. 2.2")
    item.locator('[data-role="ck-ref"]').press("Tab")
    item.locator('[data-role="ck-status"]').select_option("present")


def test_correct_add_and_checklist_then_import_refreshes_every_output(
        tab: Any, scanned: tuple[Path, Path], tmp_path: Path, artifacts: Path) -> None:
    out, html = scanned
    report = _report(html)
    tagged, missed = _ids(report)
    page = tab.page
    _open(page, html)

    # the name comes first: a correction without it is undone and asks for the name
    page.locator(f'#{tagged} button[data-action="correct"]').click()
    page.locator(f'#{tagged} .rv-fix select[data-field="status"]').select_option("excluded")
    assert page.get_attribute("#reviewer", "aria-invalid") == "true"
    assert page.locator(f'#{tagged} .rv-fix select[data-field="status"]').input_value() == ""
    page.locator(f'#{tagged} button[data-action="correct"]').click()  # close it again

    _review(page, tagged, missed)
    fixed = page.locator(f'#{tagged} [data-role="fix"]')
    assert fixed.is_visible()
    assert "catégorie : Sécurité" in fixed.inner_text() and "A5" in fixed.inner_text()
    assert "Corrigée par Maître Durand" in page.locator(f"#{tagged} .rv-badge").inner_text()
    assert page.locator("#add-excerpt").inner_text() == "Passage ajouté à la clause art. 2.2."
    assert page.locator("#add-btn").is_disabled()  # one selection, one added clause
    added = page.locator(f'#{missed} [data-role="added"] li')
    assert added.count() == 1 and MISSED in added.inner_text()
    item = page.locator(f'fieldset.ckr[data-item="{ITEM}"]')
    assert "Présente selon Maître Durand" in item.locator('[data-role="ck-state"]').inner_text()
    page.screenshot(path=str(artifacts / "report-review-corrections.png"), full_page=True)

    # everything survives a reload (browser storage)
    page.reload()
    page.wait_for_selector("#filter-count:not(:empty)")
    assert "Sécurité" in page.locator(f'#{tagged} [data-role="fix"]').inner_text()
    assert page.locator(f'#{missed} [data-role="added"] li').count() == 1
    assert page.locator(f'fieldset.ckr[data-item="{ITEM}"] [data-role="ck-status"]'
                        ).input_value() == "present"

    with page.expect_download() as info:
        page.locator("#export-btn").click()
    exported = tmp_path / "decisions.json"
    info.value.save_as(exported)
    data = json.loads(exported.read_text(encoding="utf-8"))
    decision = next(d for d in data["decisions"] if d["clause"] == tagged)
    assert decision["correction"] == {"category": "security", "status": "conditional",
                                      "target": "A5"}
    (add,) = data["added"]
    assert (add["clause"], add["excerpt"], add["category"]) == (missed, MISSED, "hosting")
    segment = next(s for s in report["segments"] if s["id"] == missed)
    clause_text = report["text"][segment["start"]:segment["end"]]
    assert clause_text[add["start"]:add["end"]] == MISSED  # offsets within the clause text
    (ck,) = data["checklist"]
    assert (ck["item"], ck["status"], ck["clause_ref"]) == (ITEM, "present", "art. 2.2")

    result = CliRunner().invoke(cli, ["review", "import", str(exported), str(out)])
    assert result.exit_code == 0, result.output
    assert "findings.csv" in result.output and ".docx" in result.output

    rows = list(csv.DictReader(io.StringIO((out / "findings.csv").read_text("utf-8-sig"))))
    corrected = next(r for r in rows if r["Identifiant de clause"] == tagged)
    assert (corrected["Catégorie corrigée"], corrected["Statut corrigé"],
            corrected["Rattachement corrigé"]) == ("Sécurité", "En option / sur demande", "A5")
    assert corrected["Réviseur"] == "Maître Durand"
    added_row = next(r for r in rows if r["Origine"] == "ajoutée par le relecteur")
    assert (added_row["Identifiant de clause"], added_row["Texte"]) == (missed, MISSED)
    assert added_row["Catégorie corrigée"] == "Hébergement"

    from openpyxl import load_workbook

    workbook = load_workbook(out / "findings.xlsx", read_only=True)
    try:  # a read-only workbook keeps its file open until closed
        values = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
    header = values[0]
    origin = [r[header.index("Origine")] for r in values[1:]]
    assert origin.count("ajoutée par le relecteur") == 1

    memo = next(out.glob("*.docx"))
    with zipfile.ZipFile(memo) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "Relecture juridique" in xml and "Maître Durand" in xml
    assert MISSED in xml and "art. 2.2" in xml

    rendered = html.read_text(encoding="utf-8")
    assert "Correction du relecteur" in rendered and "Ajoutée par Maître Durand" in rendered

    # a fresh profile (no browser storage) sees what was imported
    fresh = page.context.browser.new_context()
    try:
        p2 = fresh.new_page()
        _open(p2, html)
        assert "Sécurité" in p2.locator(f'#{tagged} [data-role="fix"]').inner_text()
        assert MISSED in p2.locator(f'#{missed} [data-role="added"]').inner_text()
        assert p2.locator(f'fieldset.ckr[data-item="{ITEM}"] [data-role="ck-status"]'
                          ).input_value() == "present"
        # withdrawing the added clause, exported and imported, removes its row
        p2.locator("#reviewer").fill("Maître Durand")
        p2.locator(f"#{missed} .rv-withdraw").click()
        assert p2.locator(f'#{missed} [data-role="added"] li').count() == 0
        with p2.expect_download() as info2:
            p2.locator("#export-btn").click()
        second = tmp_path / "second.json"
        info2.value.save_as(second)
    finally:
        fresh.close()
    result = CliRunner().invoke(cli, ["review", "import", str(second), str(out)])
    assert result.exit_code == 0, result.output
    assert "ajoutée par le relecteur" not in (out / "findings.csv").read_text("utf-8-sig")
    assert tab.errors == []


def test_an_excerpt_that_is_not_the_clause_text_is_refused(
        tab: Any, scanned: tuple[Path, Path], tmp_path: Path) -> None:
    out, html = scanned
    tagged, missed = _ids(_report(html))
    page = tab.page
    _open(page, html)
    _review(page, tagged, missed)
    with page.expect_download() as info:
        page.locator("#export-btn").click()
    exported = tmp_path / "decisions.json"
    info.value.save_as(exported)
    data = json.loads(exported.read_text(encoding="utf-8"))
    data["added"][0]["start"] += 1
    data["added"][0]["end"] += 1
    exported.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", "import", str(exported), str(out)])
    assert result.exit_code == 1
    assert "added[0] not imported" in result.output and missed in result.output
    # the other decisions of the file are kept
    rows = (out / "findings.csv").read_text("utf-8-sig")
    assert "Maître Durand" in rows and "ajoutée par le relecteur" not in rows


def test_review_controls_pass_axe(browser: Any, scanned: tuple[Path, Path]) -> None:
    """WCAG 2.1 AA with the correction fields open, an added clause and the checklist open."""
    _, html = scanned
    tagged, missed = _ids(_report(html))
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        _open(page, html)
        _review(page, tagged, missed)
        assert axe_violations(page) == []
    finally:
        context.close()


def test_correction_from_the_keyboard(tab: Any, scanned: tuple[Path, Path]) -> None:
    _, html = scanned
    tagged, _ = _ids(_report(html))
    page = tab.page
    _open(page, html)
    page.locator("#reviewer").fill("Maître Durand")
    page.locator(f"#{tagged}").focus()
    page.keyboard.press("e")  # opens the correction fields, focus on the first one
    assert page.evaluate("document.activeElement.getAttribute('data-field')") == "category"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('data-field')") == "status"
    page.keyboard.press("ArrowDown")  # Chromium changes a closed <select> with the arrows
    fix = page.locator(f'#{tagged} [data-role="fix"]')
    fix.wait_for(state="visible")
    assert "statut : Incluse" in fix.inner_text()
    # wiping asks first (the test dismisses the confirmation): nothing is lost
    page.locator("#clear-btn").click()
    assert len(tab.dialogs) == 1 and "(1)" in tab.dialogs[0]
    assert fix.is_visible()
    page.reload()
    page.wait_for_selector("#filter-count:not(:empty)")
    assert "statut : Incluse" in page.locator(f'#{tagged} [data-role="fix"]').inner_text()
    assert tab.errors == []
