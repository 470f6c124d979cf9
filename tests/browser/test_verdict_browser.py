"""The verdict a lawyer reads first, in real Chromium: the bundled contract with a partial,
expired certificate, in French (default) and English, on a desktop and a phone screen.

Screenshots go to ``test-artifacts/`` (verdict-fr-desktop.png, verdict-fr-phone.png,
verdict-en-desktop.png, verdict-en-phone.png, verdict-index-fr.png).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from analyzer.output import atomic_write_text
from analyzer.report.html import render_document
from analyzer.report.i18n import ENV_REFERENCE_DATE, ENV_UI_LANG, ReportOptions
from tests.browser.conftest import axe_violations
from tests.paths import SAMPLES

SAMPLE = SAMPLES / "contracts" / \
    "fr-hebergement-certificat-expire.txt"
REFERENCE = date(2026, 12, 1)
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


@contextmanager
def _french_reports() -> Iterator[None]:
    """Reports rendered in French with the reference date, then the environment as it was."""
    saved = {k: os.environ.get(k) for k in (ENV_UI_LANG, ENV_REFERENCE_DATE)}
    os.environ.update(ReportOptions("fr", REFERENCE).env())
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="module")
def expired_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scan of the sample, rendered in French with a reference date, plus an English copy."""
    from analyzer.scan import rebuild, scan

    src = tmp_path_factory.mktemp("src")
    shutil.copy(SAMPLE, src / SAMPLE.name)
    out = tmp_path_factory.mktemp("expired")
    with _french_reports():
        scan([src / SAMPLE.name], out, formats=("html", "json"), jobs=1)
        rebuild(out, ("html", "json"))  # rendered here, with these options, whatever the workers
    report = json.loads((out / f"{SAMPLE.name}.json").read_text(encoding="utf-8"))
    atomic_write_text(out / "en.html", render_document(report, options=ReportOptions(
        "en", REFERENCE)))
    return out


def _open(browser: Any, path: Path, viewport: dict[str, int]) -> tuple[Any, list[str]]:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("#filter-count:not(:empty), #row-count:not(:empty)")
    return page, errors


def _top(page: Any, selector: str) -> float:
    return float(page.evaluate(
        "sel => document.querySelector(sel).getBoundingClientRect().top + window.scrollY",
        selector))


def test_french_verdict_first_on_desktop(browser: Any, expired_out: Path,
                                         artifacts: Path) -> None:
    page, errors = _open(browser, expired_out / f"{SAMPLE.name}.html", DESKTOP)
    assert page.evaluate("document.documentElement.lang") == "fr"
    # the verdict starts on the first screen, before the contract text
    assert _top(page, "#verdict") < DESKTOP["height"]
    assert _top(page, "#v-certificate") < DESKTOP["height"]
    assert _top(page, "#verdict") < _top(page, "#text")
    rows = {r.get_attribute("data-target"): r for r in
            page.locator("#v-activities tr.act").all()}
    assert rows["A3"].locator(".badge").inner_text() == "la réalise"
    assert rows["A4"].locator(".badge").inner_text() == "la réalise"
    assert rows["A1"].locator(".badge").inner_text() == "contrat muet"
    assert rows["A3"].locator("a.jump").first.inner_text() == "art. 3.1"
    cert = page.locator("#v-certificate").inner_text()
    assert "Le certificat déclaré ne couvre pas les activités A3, A4" in cert
    assert "Le certificat a expiré le 3 avril 2025." in cert
    assert "EXPIRÉ depuis le 3 avril 2025 (date de référence : 1er décembre 2026)" in cert
    assert "A5 – Administration et exploitation du SI de santé" in cert
    assert "(déduites du seul nom du certificat)" not in cert  # the listed activities count
    expired = page.locator("#ck-r1111_11_1_certificate")
    assert expired.is_visible() and "Certificat expiré" in expired.inner_text()
    assert "Date de référence" in page.locator(".meta").inner_text()
    page.screenshot(path=str(artifacts / "verdict-fr-desktop.png"))
    page.screenshot(path=str(artifacts / "verdict-fr-desktop-full.png"), full_page=True)
    assert errors == []
    page.context.close()


def test_french_verdict_first_on_a_phone(browser: Any, expired_out: Path,
                                         artifacts: Path) -> None:
    page, errors = _open(browser, expired_out / f"{SAMPLE.name}.html", PHONE)
    # no horizontal scrolling, and the whole verdict comes before the contract
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert _top(page, "#v-checklist") < _top(page, "#text")
    assert _top(page, "#v-certificate") < 3 * PHONE["height"]
    page.screenshot(path=str(artifacts / "verdict-fr-phone.png"))
    page.locator("#v-certificate").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "verdict-fr-phone-certificate.png"))
    assert errors == []
    page.context.close()


def test_verdict_links_and_model_clauses(browser: Any, expired_out: Path) -> None:
    page, errors = _open(browser, expired_out / f"{SAMPLE.name}.html", DESKTOP)
    link = page.locator('#v-activities tr[data-target="A4"] a.jump').first
    target = (link.get_attribute("href") or "")[1:]
    link.click()
    page.wait_for_timeout(100)
    assert page.evaluate("document.activeElement.id") == target
    assert page.locator(f"#{target} .ctext").inner_text().startswith("3.2 ")
    # a missing clause: what R.1111-11 requires and a model clause, one click away
    item = page.locator("#ck-r1111_11_3_locations")
    assert "Manquante" in item.inner_text()
    model = item.locator("blockquote.model-text").first
    assert not model.is_visible()
    item.locator("details.model > summary").click()
    assert model.is_visible()
    assert "Les données de santé sont hébergées exclusivement" in model.inner_text()
    assert "L'indication des lieux d'hébergement des données" in item.inner_text()
    assert errors == []
    page.context.close()


def test_english_report_on_request(browser: Any, expired_out: Path, artifacts: Path) -> None:
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page, errors = _open(browser, expired_out / "en.html", viewport)
        assert page.evaluate("document.documentElement.lang") == "en"
        text = page.locator("#verdict").inner_text()
        assert "HDS activities (art. R.1111-9 CSP)" in text
        assert "The declared certificate does not cover activities A3, A4" in text
        assert "EXPIRED since 3 April 2025 (reference date: 1 December 2026)" in text
        assert "Synthèse" not in page.locator("body").inner_text()
        # the contract text keeps its own language
        assert page.locator("#text").get_attribute("lang") == "fr"
        page.screenshot(path=str(artifacts / f"verdict-en-{name}.png"))
        assert errors == []
        page.context.close()


def test_index_counts_the_certificate_gap(browser: Any, expired_out: Path,
                                          artifacts: Path) -> None:
    page, errors = _open(browser, expired_out / "index.html", DESKTOP)
    tile = page.locator("#tile-gaps").inner_text()
    assert tile.startswith("1") and "dont le certificat ne couvre pas" in tile
    assert page.locator("#tile-expired").inner_text().startswith("1")
    row = page.locator("#table tbody tr").first
    assert "A5, A6" in row.locator("td.decl-cell").inner_text()
    assert "A3, A4" in row.locator("td.gap-cell").inner_text()
    assert "EXPIRÉ (3 avril 2025)" in row.locator("td.exp-cell").inner_text()
    page.locator("#f-cert").check()
    assert page.locator("#row-count").inner_text() == "Fichiers affichés : 1 sur 1"
    page.screenshot(path=str(artifacts / "verdict-index-fr.png"))
    assert errors == []
    page.context.close()


def test_print_puts_the_verdict_first_with_model_clauses_open(browser: Any, expired_out: Path,
                                                              artifacts: Path) -> None:
    page, errors = _open(browser, expired_out / f"{SAMPLE.name}.html", DESKTOP)
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("#panel").is_hidden()
    assert _top(page, "#v-checklist") < _top(page, "#text")
    model = page.locator("#ck-r1111_11_3_locations blockquote.model-text").first
    assert model.is_visible()  # the model clause is on paper, not behind a click
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    (artifacts / "verdict-fr.pdf").write_bytes(pdf)
    page.screenshot(path=str(artifacts / "verdict-fr-print.png"))
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert not model.is_visible()
    assert errors == []
    page.context.close()


def test_index_chart_labels_stay_readable_on_a_phone(browser: Any, expired_out: Path,
                                                     artifacts: Path) -> None:
    page, errors = _open(browser, expired_out / "index.html", PHONE)
    sizes = page.eval_on_selector_all(
        "svg.chart text.lbl tspan",
        "els => els.map(e => { const r = e.getBoundingClientRect(); "
        "const s = e.closest('svg').getBoundingClientRect(); "
        "return [r.height, r.right <= s.right + 0.5]; })")
    assert sizes, "no chart label"
    assert min(h for h, _ in sizes) >= 11, sizes  # CSS px once the drawing is scaled down
    assert all(inside for _, inside in sizes)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(artifacts / "verdict-index-fr-phone.png"), full_page=True)
    assert errors == []
    page.context.close()


@pytest.mark.parametrize("which", ["fr", "en", "index"])
def test_verdict_pages_have_no_axe_violations(browser: Any, expired_out: Path,
                                              which: str) -> None:
    """axe-core's WCAG 2.1 A/AA rules on the verdict block (badges, certificate card, model
    clauses opened); CSP bypassed for this test only, since axe is injected inline."""
    path = {"fr": expired_out / f"{SAMPLE.name}.html", "en": expired_out / "en.html",
            "index": expired_out / "index.html"}[which]
    context = browser.new_context(bypass_csp=True, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(path.resolve().as_uri())
        page.wait_for_selector("#filter-count:not(:empty), #row-count:not(:empty)")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert axe_violations(page) == []
    finally:
        context.close()


def test_a_decision_needs_a_name_and_wiping_asks_first(browser: Any, tmp_path: Path) -> None:
    from tests.report.sample import sample_report

    report = sample_report()
    atomic_write_text(tmp_path / "s.html", render_document(report))
    page, errors = _open(browser, tmp_path / "s.html", DESKTOP)
    first = report["clauses"][0]["id"]
    page.locator(f'#{first} button[data-action="accept"]').click()
    assert page.get_attribute(f"#{first}", "data-review") == "pending"  # not recorded
    assert page.locator("#review-progress").inner_text() == \
        "Indiquez votre nom avant votre première décision."
    assert page.evaluate("document.activeElement.id") == "reviewer"
    page.locator("#reviewer").fill("Claire Dupont")
    page.locator(f'#{first} button[data-action="accept"]').click()
    assert page.get_attribute(f"#{first}", "data-review") == "accept"
    assert "Acceptée par Claire Dupont" in page.locator(f"#{first} .rv-badge").inner_text()

    answers: list[str] = []

    def answer(dialog: Any) -> None:
        answers.append(dialog.message)
        dialog.dismiss() if len(answers) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.locator("#clear-btn").click()  # dismissed: nothing is lost
    assert answers == ["Oublier les décisions non exportées (1) ? Cette action est définitive."]
    assert page.get_attribute(f"#{first}", "data-review") == "accept"
    page.locator("#clear-btn").click()  # confirmed
    assert len(answers) == 2
    assert page.get_attribute(f"#{first}", "data-review") == "pending"
    assert errors == []
    page.context.close()


MENTIONS_ONLY = """CONTRAT DE MAINTENANCE APPLICATIVE

Objet : offre d'hébergement IaaS et sauvegarde

Article 1 – Objet

Le présent contrat a pour objet la maintenance corrective et évolutive du logiciel de gestion des \
rendez-vous du Client.

Article 2 – Maintenance

Le Prestataire assure la correction des anomalies signalées par le Client dans un délai de cinq \
jours ouvrés.

Article 3 – Confidentialité

Chaque partie s'engage à garder confidentielles les informations de l'autre partie, y compris \
celles contenues dans les sauvegardes.

Article 4 – Garantie

Le Prestataire garantit que les prestations seront conformes aux règles de l'art applicables aux \
centres de données.
"""


def test_mentions_alone_require_no_certificate(browser: Any, tmp_path: Path,
                                               artifacts: Path) -> None:
    """A maintenance contract that only names hosting (metadata line, mutual confidentiality,
    a warranty) requires no HDS certificate; the mentioned activities are listed to confirm."""
    from analyzer.scan import scan

    src = tmp_path / "maintenance.txt"
    src.write_text(MENTIONS_ONLY, encoding="utf-8")
    out = tmp_path / "out"
    with _french_reports():
        scan([src], out, formats=("html", "json"), jobs=1)
    page, errors = _open(browser, out / "maintenance.txt.html", DESKTOP)
    cert = page.locator("#v-certificate").inner_text()
    assert "pas de certificat HDS exigé" in cert
    assert "Mentions à confirmer" in cert and "A1, A3, A6" in cert
    assert "ne couvre pas" not in cert
    rows = {r.get_attribute("data-target"): r for r in
            page.locator("#v-activities tr.act").all()}
    # a mention, not an obligation: not "la réalise", and not counted as performed
    assert rows["A6"].locator(".badge").inner_text() == "mentionnée"
    assert "la réalise" not in page.locator("#v-activities").inner_text()
    assert "Activités HDS réalisées : 0 sur 6" in page.locator("#verdict").inner_text()
    # the maintenance obligation stays the provider's (the client only reports the anomalies)
    report = json.loads((out / "maintenance.txt.json").read_text(encoding="utf-8"))
    fix = next(c for c in report["clauses"] if "correction des anomalies" in c["text"])
    assert fix["status"] == "included" and fix["party"] == "provider"
    page.screenshot(path=str(artifacts / "verdict-mentions-only-fr.png"))
    assert errors == []
    page.context.close()
