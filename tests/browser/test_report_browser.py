"""The reports in a real browser (Chromium from file:// URLs): no console errors, filters and
search, coverage links, reviewer decisions across reloads and through ``review import``, hostile
contract text that must run no script, printing, and screenshots in ``test-artifacts/``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from analyzer.cli import cli
from analyzer.output import atomic_write_text, dump_json
from analyzer.report.html import render_document, render_index
from tests.browser.conftest import axe_violations
from tests.report.sample import XSS_SCRIPT, sample_entries, sample_report

HOSTILE_CONTRACT = "\n\n".join([
    "CONTRAT D'HÉBERGEMENT",
    "Article 1 - Sauvegarde",
    "1.1 Le Prestataire réalise une sauvegarde quotidienne des données du Client, conservée "
    "trente jours.",
    '1.2 Texte piégé : <script>window.__pwned = 1; alert(1)</script> et "><img src=x '
    'onerror="window.__pwned = 2; alert(2)"> puis </textarea><svg/onload=alert(3)>.',
    "Article 2 - Exploitation",
    "2.1 Le Prestataire assure l'administration et l'exploitation des serveurs et la gestion "
    "des habilitations.",
]) + "\n"
HOSTILE_NAME = "<img src=x onerror=alert(1)>.txt"


@pytest.fixture(scope="session")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    report = sample_report(hostile=True)
    atomic_write_text(out / "sample.json", dump_json(report))
    atomic_write_text(out / "sample.html", render_document(report))
    atomic_write_text(out / "index.html", render_index(sample_entries(report)))
    return out


@pytest.fixture(scope="session")
def scanned_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real scan: a contract with script payloads in its text and its name, a skipped file
    and a corrupt PDF."""
    from analyzer.scan import scan

    src = tmp_path_factory.mktemp("contracts") / "batch"
    src.mkdir()
    (src / HOSTILE_NAME).write_text(HOSTILE_CONTRACT, encoding="utf-8")
    (src / "notes.xls").write_bytes(b"\xd0\xcf\x11\xe0 not analysed")
    (src / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    out = tmp_path_factory.mktemp("scan-out")
    scan([src], out, formats=("html", "json", "csv", "xlsx"), jobs=1)
    return out


def _url(path: Path) -> str:
    return path.resolve().as_uri()


def _visible_ids(page: Any) -> list[str]:
    return page.eval_on_selector_all("article.finding", "els => els.filter(e => !e.hidden)"
                                     ".map(e => e.id)")


def _open(tab: Any, path: Path) -> Any:
    tab.page.goto(_url(path))
    tab.page.wait_for_selector("#filter-count:not(:empty), #row-count:not(:empty)")
    return tab.page


def test_report_and_index_open_without_errors(tab: Any, sample_out: Path, scanned_out: Path,
                                              artifacts: Path) -> None:
    page = _open(tab, sample_out / "sample.html")
    assert page.locator("article.finding").count() == len(sample_report(hostile=True)["clauses"])
    page.screenshot(path=str(artifacts / "report-sample.png"))
    page.screenshot(path=str(artifacts / "report-sample-full.png"), full_page=True)
    for html in sorted(scanned_out.glob("*.html")):
        _open(tab, html)
        kind = "index" if html.name == "index.html" else "report"
        page.screenshot(path=str(artifacts / f"scan-{kind}.png"))
    _open(tab, sample_out / "index.html")
    page.screenshot(path=str(artifacts / "index-sample.png"), full_page=True)
    assert tab.errors == []
    assert tab.dialogs == []
    assert all(u.startswith(("file:", "blob:", "data:")) for u in tab.requests), tab.requests


def test_hostile_contract_text_runs_no_script(tab: Any, sample_out: Path,
                                              scanned_out: Path) -> None:
    reports = [p for p in scanned_out.glob("*.html") if p.name != "index.html"]
    assert len(reports) == 1, reports
    for path in (sample_out / "sample.html", reports[0], scanned_out / "index.html",
                 sample_out / "index.html"):
        page = _open(tab, path)
        page.wait_for_timeout(200)
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.locator("img, #text svg, tbody svg").count() == 0
    page = _open(tab, reports[0])
    body = page.locator("#text").inner_text()
    assert "<script>window.__pwned = 1; alert(1)</script>" in body
    assert 'onerror="window.__pwned = 2' in body
    page = _open(tab, sample_out / "sample.html")
    assert XSS_SCRIPT in page.locator("h1").inner_text() + page.locator("#text").inner_text()
    assert "<img src=x onerror=alert(1)>.pdf" in page.locator("h1").inner_text()
    assert tab.dialogs == [] and tab.errors == []


def test_filters_and_search_change_what_is_visible(tab: Any, sample_out: Path) -> None:
    page = _open(tab, sample_out / "sample.html")
    report = sample_report(hostile=True)
    all_ids = [c["id"] for c in report["clauses"]]
    assert _visible_ids(page) == all_ids
    assert page.locator("#filter-count").inner_text().startswith(
        f"Clauses repérées affichées : {len(all_ids)} sur")

    # category: without "hosting", clauses tagged only hosting disappear
    page.locator('input[name="cat"][value="hosting"]').uncheck()
    hosting_only = {c["id"] for c in report["clauses"] if c["categories"] == ["hosting"]}
    assert set(_visible_ids(page)) == set(all_ids) - hosting_only
    page.locator('input[name="cat"][value="hosting"]').check()

    # status: hide the excluded ones
    page.locator('input[name="status"][value="excluded"]').uncheck()
    excluded = {c["id"] for c in report["clauses"] if c["status"] == "excluded"}
    assert excluded and not excluded & set(_visible_ids(page))
    page.locator('input[name="status"][value="excluded"]').check()

    # mapping: only A5
    for box in page.locator('input[name="map"]').all():
        if box.get_attribute("value") != "A5":
            box.uncheck()
    a5 = [c["id"] for c in report["clauses"] if "A5" in c["mapping"]]
    assert _visible_ids(page) == a5

    page.locator("#reset-btn").click()
    assert _visible_ids(page) == all_ids

    # only tagged: plain clauses and headings disappear
    untagged = page.locator("#text div.seg.clause").first
    assert untagged.is_visible()
    page.locator("#only-tagged").check()
    assert not untagged.is_visible()
    assert page.locator("#text h3.heading").first.is_hidden()
    page.locator("#only-tagged").uncheck()

    # search, accent-insensitive, over tagged and untagged clauses
    page.locator("#search").fill("habilitations")
    assert _visible_ids(page) == a5
    assert "clauses contenant « habilitations » : 1" in page.locator("#filter-count").inner_text()
    page.locator("#search").fill("securite")  # matches "sécurité" in a heading? no: clauses only
    page.locator("#search").fill("prestataire forme")
    assert len(_visible_ids(page)) == 1
    page.locator("#search").fill("")
    assert _visible_ids(page) == all_ids
    assert tab.errors == []


def _in_viewport(page: Any, selector: str) -> bool:
    return page.evaluate(
        """sel => { const r = document.querySelector(sel).getBoundingClientRect();
                    return r.top >= 0 && r.bottom <= window.innerHeight; }""", selector)


def test_coverage_link_scrolls_to_the_clause(tab: Any, sample_out: Path) -> None:
    page = _open(tab, sample_out / "sample.html")
    report = sample_report(hostile=True)
    link = page.locator('#v-activities tr[data-target="A5"] a.jump').first
    target = (link.get_attribute("href") or "")[1:]
    assert target in report["coverage"]["A5"]
    assert link.inner_text().startswith("art. ")  # article numbers, never internal ids
    assert not _in_viewport(page, f"#{target}")
    link.click()
    page.wait_for_timeout(100)
    assert _in_viewport(page, f"#{target}")
    assert page.evaluate("document.activeElement.id") == target

    # a clause hidden by a filter is revealed when its link is followed
    page.locator('input[name="cat"][value="hosting"]').uncheck()
    a6 = page.locator('#v-activities tr[data-target="A6"] a.jump').first
    backup = (a6.get_attribute("href") or "")[1:]
    assert page.locator(f"#{backup}").is_hidden()
    page.evaluate("window.scrollTo(0, 0)")
    a6.click()
    page.wait_for_timeout(100)
    assert page.locator(f"#{backup}").is_visible()
    assert _in_viewport(page, f"#{backup}")

    # checklist evidence links work the same way
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("#v-checklist a.jump").first.click()
    page.wait_for_timeout(100)
    assert page.evaluate("document.activeElement.tagName") == "ARTICLE"
    assert tab.errors == []


def test_hover_and_focus_show_the_details(tab: Any, sample_out: Path) -> None:
    page = _open(tab, sample_out / "sample.html")
    report = sample_report(hostile=True)
    clause = next(c for c in report["clauses"] if c["number"] == "3.2")
    detail = page.locator(f"#d-{clause['id']}")
    assert detail.is_hidden()
    page.locator(f"#{clause['id']} .ctext").hover()
    assert detail.is_visible()
    text = detail.inner_text()
    # plain words on hover; the rule ids wait in the collapsed technical details
    assert "Le prestataire s'engage sur : sauvegarde" in text and "activité 6" in text
    assert "fr.hosting.backup_daily" not in text
    tech = page.locator(f"#{clause['id']} details.tech")
    assert not tech.locator("dl").is_visible()
    tech.locator("summary").click()
    assert "fr.hosting.backup_daily" in tech.inner_text()
    assert "«sauvegarde quotidienne»" in tech.inner_text()
    page.evaluate("document.activeElement.blur()")
    page.mouse.move(0, 0)
    assert detail.is_hidden()
    # keyboard: j moves to the first finding, whose details then show; Esc hides them
    page.locator("body").press("j")
    first = report["clauses"][0]["id"]
    assert page.evaluate("document.activeElement.id") == first
    assert page.locator(f"#d-{first}").is_visible()
    page.keyboard.press("Escape")
    assert page.locator(f"#d-{first}").is_hidden()


def test_decisions_survive_a_reload_and_are_exported(tab: Any, tmp_path: Path,
                                                     artifacts: Path) -> None:
    out = tmp_path / "out"
    report = sample_report()
    atomic_write_text(out / "sample.json", dump_json(report))
    atomic_write_text(out / "sample.html", render_document(report))
    page = _open(tab, out / "sample.html")
    a, b, c = (report["clauses"][i]["id"] for i in (1, 2, 3))
    page.locator("#reviewer").fill("Alice Martin")
    page.locator(f'#{a} button[data-action="accept"]').click()
    page.locator(f'#{b} button[data-action="reject"]').click()
    page.locator(f'#{c} button[data-action="comment"]').click()
    page.locator(f'#{c} textarea').fill("Vérifier l'annexe 3")
    page.locator(f'#{c} textarea').blur()
    # keyboard decisions: focus a finding and press "a"
    d = report["clauses"][4]["id"]
    page.locator(f"#{d}").focus()
    page.keyboard.press("a")
    assert "rejetées : 1" in page.locator("#review-progress").inner_text()

    page.reload()
    page.wait_for_selector("#filter-count:not(:empty)")
    assert page.get_attribute(f"#{a}", "data-review") == "accept"
    assert page.get_attribute(f'#{a} button[data-action="accept"]', "aria-pressed") == "true"
    assert page.get_attribute(f"#{b}", "data-review") == "reject"
    assert page.get_attribute(f"#{d}", "data-review") == "accept"
    assert page.locator(f"#{c} textarea").input_value() == "Vérifier l'annexe 3"
    assert "Acceptée par Alice Martin" in page.locator(f"#{a} .rv-state").inner_text()
    assert page.locator("#reviewer").input_value() == "Alice Martin"

    # review filter
    page.locator('input[name="review"][value="pending"]').uncheck()
    assert set(_visible_ids(page)) == {a, b, c, d} - {c}
    page.locator("#reset-btn").click()

    # toggling a decision off
    page.locator(f'#{d} button[data-action="accept"]').click()
    assert page.get_attribute(f"#{d}", "data-review") == "pending"
    page.screenshot(path=str(artifacts / "report-reviewed.png"))

    # export, then import through the CLI: the decisions land in the regenerated HTML
    with page.expect_download() as info:
        page.locator("#export-btn").click()
    exported = tmp_path / "decisions.json"
    info.value.save_as(exported)
    data = json.loads(exported.read_text())
    assert data["schema"] == "hds-analyzer/review/1"
    assert data["document"]["path"] == report["document"]["path"]
    by_clause = {x["clause"]: x for x in data["decisions"]}
    assert by_clause[a]["decision"] == "accept" and by_clause[b]["decision"] == "reject"
    assert by_clause[c]["comment"] == "Vérifier l'annexe 3" and by_clause[c]["decision"] is None
    assert by_clause[a]["reviewer"] == "Alice Martin" and by_clause[a]["at"]
    result = CliRunner().invoke(cli, ["review", "import", str(exported), str(out)])
    assert result.exit_code == 0, result.output
    html = (out / "sample.html").read_text()
    assert "Acceptée par Alice Martin" in html and "Rejetée par Alice Martin" in html

    # a fresh browser profile (no localStorage) sees the stored decisions
    fresh = page.context.browser.new_context()
    p2 = fresh.new_page()
    p2.goto(_url(out / "sample.html"))
    p2.wait_for_selector("#filter-count:not(:empty)")
    assert p2.get_attribute(f"#{a}", "data-review") == "accept"
    assert p2.get_attribute(f"#{b}", "data-review") == "reject"
    assert p2.locator(f"#{c} textarea").input_value() == "Vérifier l'annexe 3"
    fresh.close()
    assert tab.errors == []


def test_print_stylesheet(tab: Any, sample_out: Path, artifacts: Path) -> None:
    page = _open(tab, sample_out / "sample.html")
    page.emulate_media(media="print")
    assert page.locator("#filters").is_hidden()
    assert page.locator("#review-box").is_hidden()
    first = sample_report(hostile=True)["clauses"][0]["id"]
    assert page.locator(f"#d-{first}").is_visible()  # explanations printed inline
    assert page.locator("#v-activities").is_visible() and page.locator("#v-checklist").is_visible()
    # verdict first on paper too, and the model clauses print open
    y = page.evaluate("sel => document.querySelector(sel).getBoundingClientRect().top", "#verdict")
    assert y < page.evaluate("() => document.querySelector('#text').getBoundingClientRect().top")
    page.screenshot(path=str(artifacts / "report-print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    (artifacts / "report-sample.pdf").write_bytes(pdf)


def test_index_sorts_and_filters(tab: Any, sample_out: Path, scanned_out: Path) -> None:
    page = _open(tab, scanned_out / "index.html")
    rows = page.locator("#table tbody tr")
    assert rows.count() == 3
    statuses = page.locator("#table tbody tr td:nth-child(2)").all_inner_texts()
    assert any("ignoré" in s for s in statuses) and any("analysé" in s for s in statuses)
    assert any("parse error" in s or "unsupported" in s or "✗" in s for s in statuses)

    page.select_option("#f-status", "failed")
    assert [r.is_visible() for r in rows.all()].count(True) == 1
    assert page.locator("#row-count").inner_text() == "Fichiers affichés : 1 sur 3"
    page.select_option("#f-status", "")
    page.select_option("#f-target", "A6")
    visible = [r for r in rows.all() if r.is_visible()]
    assert len(visible) == 1 and "onerror" in visible[0].inner_text()
    page.select_option("#f-target", "")
    page.locator("#q").fill("notes")
    assert [r.is_visible() for r in rows.all()].count(True) == 1
    page.locator("#q").fill("")

    def first_doc() -> str:
        return page.locator("#table tbody tr th").first.inner_text()

    page.locator('thead button[data-sort="3"]').click()  # findings ascending
    page.locator('thead button[data-sort="3"]').click()  # descending: the analysed one first
    assert "onerror" in first_doc()
    assert page.get_attribute('thead th:has(button[data-sort="3"])', "aria-sort") == "descending"
    page.locator('thead button[data-sort="0"]').click()
    assert first_doc().startswith("batch/<img")
    page.locator('thead button[data-sort="0"]').click()
    assert first_doc() == "batch/notes.xls"

    # the link opens the contract's report
    page.locator("#table tbody a").first.click()
    page.wait_for_selector("#filter-count:not(:empty)")
    assert "onerror" in page.locator("h1").inner_text()
    assert tab.errors == []


def test_index_chart_counts(tab: Any, sample_out: Path) -> None:
    page = _open(tab, sample_out / "index.html")
    assert page.locator("svg.chart").count() == 2
    labels = page.locator("svg.chart").first.locator("text.lbl").all_text_contents()
    assert len(labels) == 8 and labels[0].startswith("A1")


def test_browser_decisions_follow_unchanged_clauses_to_a_new_version(tab: Any,
                                                                     tmp_path: Path) -> None:
    report = sample_report()
    page_path = tmp_path / "sample.html"
    atomic_write_text(page_path, render_document(report))
    page = _open(tab, page_path)
    a, b = report["clauses"][1]["id"], report["clauses"][2]["id"]
    page.locator("#reviewer").fill("Alice Martin")
    page.locator(f'#{a} button[data-action="accept"]').click()
    page.locator(f'#{b} button[data-action="reject"]').click()
    # a new version of the same contract (same path, new hash): clause b reworded
    v2 = sample_report()
    v2["document"]["sha256"] = "ef" * 32
    clause = v2["clauses"][2]
    assert "trente" in clause["text"]  # same length, so every offset stays valid
    clause["text"] = clause["text"].replace("trente", "TRENTE")
    v2["text"] = v2["text"][:clause["start"]] + clause["text"] + v2["text"][clause["end"]:]
    atomic_write_text(page_path, render_document(v2))
    page.reload()
    page.wait_for_selector("#filter-count:not(:empty)")
    assert page.get_attribute(f"#{a}", "data-review") == "accept"
    assert page.get_attribute(f"#{b}", "data-review") == "pending"
    assert tab.errors == []


@pytest.mark.parametrize("which", ["sample", "sample-index", "scan", "scan-index"])
def test_wcag_aa_no_axe_violations(browser: Any, sample_out: Path, scanned_out: Path,
                                   which: str) -> None:
    """axe-core's WCAG 2.0/2.1 A and AA rules (contrast, names, labels, landmarks) find nothing.

    axe is injected as an inline script, which the report's own CSP rightly refuses: this test
    alone opens the page with CSP bypassed.
    """
    pages = {
        "sample": sample_out / "sample.html", "sample-index": sample_out / "index.html",
        "scan": next(p for p in scanned_out.glob("*.html") if p.name != "index.html"),
        "scan-index": scanned_out / "index.html",
    }
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(_url(pages[which]))
        page.wait_for_selector("#filter-count:not(:empty), #row-count:not(:empty)")
        if which == "sample":  # also the pressed and open states
            first = page.locator("article.finding").first
            first.locator('button[data-action="accept"]').click()
            first.locator('button[data-action="comment"]').click()
        assert axe_violations(page) == []
    finally:
        context.close()
