"""What a French lawyer reads: the interface language, the verdict block, the certificate check,
the model clauses, and the batch index's certificate columns (issue 10)."""

from __future__ import annotations

import copy
import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest

from analyzer.check.certificate import certificate_verdict, declared_certificate
from analyzer.check.claims import report_claims
from analyzer.report.html import plain_explanation, render_document, render_index
from analyzer.report.i18n import (
    ENV_REFERENCE_DATE,
    ENV_UI_LANG,
    MessageCatalogueError,
    ReportOptions,
    messages,
    options_from_env,
)
from analyzer.report.verdict import activity_verdicts, model_clauses, summarize
from analyzer.report_json import plain
from analyzer.taxonomy import CHECKLIST_IDS
from tests.report.sample import sample_entries, sample_report

FR = ReportOptions("fr")
EN = ReportOptions("en")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_UI_LANG, raising=False)
    monkeypatch.delenv(ENV_REFERENCE_DATE, raising=False)


class _Text(HTMLParser):
    """Visible text (no script/style), and the text inside given elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _visible(html: str) -> str:
    p = _Text()
    p.feed(html)
    return " ".join(" ".join(p.parts).split())


def _section(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end, html.index(start))]


# ---------------------------------------------------------------- catalogues


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    fr, en = messages("fr"), messages("en")
    assert set(fr.table) == set(en.table)
    field = re.compile(r"\{(\w+)\}")
    for key, text in fr.table.items():
        assert set(field.findall(text)) == set(field.findall(en.table[key])), key


def test_unknown_language_and_unknown_key_are_errors() -> None:
    with pytest.raises(MessageCatalogueError, match="de"):
        messages("de")
    with pytest.raises(MessageCatalogueError, match=r"no\.such\.key"):
        messages("fr")("no.such.key")


def test_options_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert options_from_env() == ReportOptions("fr", None)
    monkeypatch.setenv(ENV_UI_LANG, "en")
    monkeypatch.setenv(ENV_REFERENCE_DATE, "2026-12-01")
    assert options_from_env() == ReportOptions("en", date(2026, 12, 1))


def test_every_checklist_item_has_a_requirement_and_model_clause_in_both_languages() -> None:
    models = model_clauses()
    for item in CHECKLIST_IDS:
        for part in ("requirement", "model"):
            for lang in ("fr", "en"):
                assert len(models[item][part][lang]) > 40, (item, part, lang)


# ---------------------------------------------------------------- French by default


ENGLISH_LEFTOVERS = ("Contract text", "Accept", "Reject", "Key facts", "Certificate gap",
                     "EXCLUDED", "Showing", "Findings", "Review", "Filter", "Checklist",
                     "Declared in the contract", "Matched", "obligation on the")


def test_report_is_french_by_default_with_no_english_interface_word() -> None:
    report = sample_report()
    html = render_document(report)
    assert '<html lang="fr">' in html
    # the engine's own trace (JSON ``explanation``) stays in the collapsed technical details
    text = _visible(re.sub(r'<details class="tech">.*?</details>', "", html, flags=re.S))
    for word in ENGLISH_LEFTOVERS:
        assert not re.search(rf"\b{word}\b", text), word
    for french in ("Synthèse", "Texte du contrat", "Accepter", "Rejeter", "Faits clés",
                   "Clauses obligatoires (R.1111-11 CSP)", "Certificat HDS", "Filtrer",
                   "Exclue / à la charge du client"):
        assert french in text, french
    assert "Détails techniques" in _visible(html)
    # the contract keeps its own language
    assert '<div class="text" id="text" lang="fr">' in html


def test_english_interface_on_request() -> None:
    html = render_document(sample_report(), options=EN)
    assert '<html lang="en">' in html
    text = _visible(html)
    for word in ("Summary", "Contract text", "Accept", "Key facts", "Technical details",
                 "Mandatory clauses (R.1111-11 CSP)"):
        assert word in text, word
    assert "Synthèse" not in text and "Texte du contrat" not in text


def test_page_script_gets_its_strings_from_the_catalogue() -> None:
    import json

    html = render_document(sample_report())
    raw = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html,
                    re.S)
    assert raw
    data = json.loads(raw.group(1))
    assert data["messages"]["js.accepted"] == "Acceptée"
    assert data["messages"]["js.showing"].startswith("Clauses repérées affichées")
    en = json.loads(re.search(r'id="report-data">(.*?)</script>',
                              render_document(sample_report(), options=EN), re.S).group(1))
    assert en["messages"]["js.accepted"] == "Accepted"


def test_plain_explanations_say_who_does_what() -> None:
    m = messages("fr")
    backup = {"status": "included", "party": "provider", "topics": ["hosting.backup"],
              "mapping": ["A6"]}
    assert plain_explanation(backup, m) == (
        "Le prestataire s'engage sur : sauvegarde — activité 6 (sauvegarde des données de "
        "santé).")
    assert plain_explanation({**backup, "status": "conditional"}, m).startswith(
        "Le prestataire le propose seulement en option ou sur demande : sauvegarde")
    duty = {"status": "excluded", "party": "client", "topics": ["maintenance.application"],
            "mapping": ["infogerance"]}
    assert plain_explanation(duty, m) == (
        "À la charge du client, pas du prestataire : maintenance applicative (TMA) — "
        "infogérance hors périmètre HDS.")
    assert plain_explanation(backup, messages("en")) == (
        "The provider commits to: backup — activity 6 (backup of health data).")


def test_rule_ids_are_only_in_the_collapsed_technical_details() -> None:
    report = sample_report()
    html = render_document(report)
    clause = next(c for c in report["clauses"] if c["number"] == "3.2")
    tooltip = _section(html, f'<div class="detail" id="d-{clause["id"]}"', "</div>")
    assert "fr.hosting.backup_daily" not in tooltip
    assert "Le prestataire s&#39;engage sur" in tooltip
    tech = _section(html[html.index(tooltip):], '<details class="tech">', "</details>")
    assert "fr.hosting.backup_daily" in tech and "«sauvegarde quotidienne»" in tech
    assert "<details class=\"tech\" open" not in html


def test_excluded_matched_words_are_not_struck_through() -> None:
    from importlib.resources import files

    css = (files("analyzer.report") / "static" / "document.css").read_text(encoding="utf-8")
    assert "line-through" not in css
    html = render_document(sample_report())
    excluded = re.findall(r'<article class="seg finding[^"]*st-excluded', html)
    assert excluded and "Exclue / à la charge du client" in html


# ---------------------------------------------------------------- verdict block


def test_verdict_comes_before_the_contract_text() -> None:
    html = render_document(sample_report())
    assert html.index('id="verdict"') < html.index('id="contract"') < html.index('id="panel"')
    for part in ('id="v-activities"', 'id="v-certificate"', 'id="v-checklist"', 'id="facts"'):
        assert html.index('id="verdict"') < html.index(part) < html.index('id="contract"')


def test_activity_verdicts_performed_optional_excluded_silent() -> None:
    report = {"clauses": [
        {"id": "c1", "status": "included", "party": "provider", "mapping": ["A3"]},
        {"id": "c2", "status": "conditional", "party": "provider", "mapping": ["A4", "A3"]},
        {"id": "c3", "status": "excluded", "party": "client", "mapping": ["A1"]},
        {"id": "c4", "status": "definition", "party": "provider", "mapping": ["A2"]},
    ]}
    rows = {r.key: r for r in activity_verdicts(*report_claims(report))}
    assert rows["A3"].verdict == "performed" and rows["A3"].clauses == ("c1",)
    assert rows["A3"].also_optional == ("c2",)
    assert rows["A4"].verdict == "optional"
    assert rows["A1"].verdict == "excluded"
    assert rows["A2"].verdict == "silent"  # a definition is not a commitment
    assert rows["A5"].verdict == rows["A6"].verdict == "silent"


def test_verdict_rows_link_to_article_numbers() -> None:
    report = sample_report()
    html = render_document(report)
    block = _section(html, 'id="v-activities"', "</section>")
    a6 = _section(block, 'data-target="A6"', "</tr>")
    assert "la réalise" in a6
    for cid in report["coverage"]["A6"]:
        number = next(c["number"] for c in report["clauses"] if c["id"] == cid)
        if next(c["status"] for c in report["clauses"] if c["id"] == cid) == "included":
            assert re.search(rf'<a href="#{cid}" class="jump" title="art\. {re.escape(number)} — '
                             rf'[^"]+">art\. {re.escape(number)}</a>', a6)
    assert "contrat muet" in _section(block, 'data-target="A2"', "</tr>")
    assert not re.search(r">c\d{4}<", block)


def test_missing_clauses_come_first_with_requirement_and_model_clause() -> None:
    report = sample_report()
    html = render_document(report)
    block = _section(html, 'id="v-checklist"', "</section>")
    first_present = block.index('class="ck ck-present"')
    assert block.index('id="ck-r1111_11_4_rights"') < first_present  # missing
    assert block.index('id="ck-r1111_11_13_return"') < first_present  # excluded
    item = _section(block, 'id="ck-r1111_11_13_return"', "</li>")
    assert "Exclue" in item and "R.1111-11 13° CSP" in item
    assert "restituer, à la fin de la prestation, la totalité des données" in item
    assert "le Prestataire restitue au Client la totalité des données" in item
    assert "the Provider returns to the Customer all the hosted health data" in item  # en too
    assert "5 / 15 présentes · 9 manquantes · 1 exclues · 0 expirées" in block


# ---------------------------------------------------------------- certificate


PARTIAL_EXPIRED = [(
    "c1", "Le Prestataire est certifié hébergeur de données de santé pour les activités 5 et 6 "
          "(administration et exploitation du système d'information et sauvegarde des données "
          "de santé) au titre du certificat « hébergeur infogéreur » n° HDS-EX-2022-0042, "
          "délivré le 2 mars 2022 par l'organisme certificateur Certi-Santé Exemple et valable "
          "jusqu'au 1er mars 2025.")]


def test_listed_activities_take_precedence_over_the_certificate_name() -> None:
    cert = declared_certificate(PARTIAL_EXPIRED)
    assert cert is not None
    assert cert.activities == ("A5", "A6") and cert.scope_from == "activities"
    named_only = declared_certificate([("c1", "Le Prestataire est certifié hébergeur de données "
                                              "de santé au titre du certificat « hébergeur "
                                              "infogéreur ».")])
    assert named_only is not None
    assert named_only.activities == ("A3", "A4", "A5", "A6")
    assert named_only.scope_from == "certificate_name"


def test_certificate_verdict_partial_scope_and_expiry() -> None:
    cert = plain(declared_certificate(PARTIAL_EXPIRED))  # as the report has it
    v = certificate_verdict(cert, ["A3", "A4", "A5", "A6"], date(2026, 12, 1))
    assert v["gaps"] == ["A3", "A4"] and v["expiry"] == "expired" and not v["ok"]
    v = certificate_verdict(cert, ["A5"], date(2025, 3, 1))
    assert v["gaps"] == [] and v["expiry"] == "valid" and v["ok"]  # last valid day
    v = certificate_verdict(cert, ["A5"], None)
    assert v["expiry"] == "unchecked" and v["ok"]
    v = certificate_verdict(None, ["A1"], None)
    assert v["gaps"] == ["A1"] and not v["ok"] and v["required"] == ["infrastructure_physique"]
    assert certificate_verdict(None, [], None)["ok"]


def _expired_report() -> dict[str, Any]:
    report = sample_report()
    report["declared_certificate"] = {**report["declared_certificate"],
                                      "activities": ["A5", "A6"], "valid_until": "2025-03-01"}
    return report


def test_expired_certificate_is_flagged_and_not_present_only_with_a_reference_date() -> None:
    report = _expired_report()
    s = summarize(report, date(2026, 12, 1))
    item = next(i for i in s["checklist"] if i["id"] == "r1111_11_1_certificate")
    assert item["status"] == "expired" and s["counts"]["expired"] == 1
    assert s["counts"]["present"] == 4 and s["counts"]["checklist_problems"] == 11
    html = render_document(report, options=ReportOptions("fr", date(2026, 12, 1)))
    cert = _section(html, 'id="v-certificate"', "</section>")
    assert "Le certificat a expiré le 1er mars 2025." in cert
    assert "EXPIRÉ depuis le 1er mars 2025 (date de référence : 1er décembre 2026)." in cert
    assert "A1, A3" in cert  # performed, outside the declared A5-A6 scope
    check = _section(html, 'id="v-checklist"', "</section>")
    assert 'id="ck-r1111_11_1_certificate"' in check.split('class="present"')[0]
    assert "Certificat expiré" in check
    assert "Date de référence" in html and "1er décembre 2026" in html
    # without a reference date: no expiry verdict, the item stays present, the page says why
    html = render_document(report)
    s = summarize(report, None)
    assert next(i for i in s["checklist"]
                if i["id"] == "r1111_11_1_certificate")["status"] == "present"
    assert "échéance non vérifiée faute de date de référence" in html
    assert "EXPIRÉ" not in html


def test_same_input_and_options_give_the_same_bytes() -> None:
    opts = ReportOptions("fr", date(2026, 12, 1))
    assert render_document(_expired_report(), options=opts) == \
        render_document(_expired_report(), options=opts)
    assert render_document(_expired_report(), options=opts) != \
        render_document(_expired_report(), options=ReportOptions("fr", date(2024, 1, 1)))


# ---------------------------------------------------------------- index


def test_index_fills_certificate_columns_and_the_gap_tile_from_the_reports() -> None:
    good = copy.deepcopy(sample_report())
    good["document"]["path"] = "contrats/bon.pdf"
    good["declared_certificate"]["activities"] = ["A1", "A2", "A3", "A4", "A5", "A6"]
    bad = _expired_report()
    entries = [*sample_entries(bad), *sample_entries(good, name="bon")[:1]]
    reports = {bad["document"]["path"]: bad, good["document"]["path"]: good}
    html = render_index(entries, reports, ReportOptions("fr", date(2026, 12, 1)))
    tile = _section(html, 'id="tile-gaps"', "</li>")
    assert '<span class="big">1</span>' in tile
    assert "contrats dont le certificat ne couvre pas les activités réalisées" in tile
    assert '<span class="big">1</span>' in _section(html, 'id="tile-expired"', "</li>")
    rows = html.split('<tr class="g-')
    bad_row = next(r for r in rows if "exemple-hebergement.pdf" in r.split("</th>")[0])
    good_row = next(r for r in rows if "contrats/bon.pdf" in r)
    assert "A5, A6" in bad_row and "⚠ A1, A3" in bad_row and "EXPIRÉ (1er mars 2025)" in bad_row
    assert 'data-cert-gap="1"' in bad_row and 'data-cert-gap="0"' in good_row
    assert "valable (31 mai 2027)" in good_row
    # the checklist count is the same one the report shows (expired certificate included)
    assert "11 manquantes, exclues ou expirées" in bad_row


def test_index_keeps_unreadable_inputs_out_of_the_charts() -> None:
    report = sample_report()
    entries = sample_entries(report)
    no_text = {**entries[0], "path": "scan.pdf", "status": "ok_no_text",
               "checklist_missing": list(CHECKLIST_IDS), "coverage": {}}
    html = render_index([entries[0], no_text])
    assert "sans texte lisible (hors graphiques)" in html
    assert "(sur 1 contrats lisibles)" in html
    row = next(r for r in html.split('<tr class="g-') if "scan.pdf" in r)
    assert "manquantes, exclues" not in row


def test_the_certificate_clause_alone_is_a_mention_not_an_activity_performed() -> None:
    report = {
        "clauses": [
            {"id": "c1", "status": "included", "party": "provider", "mapping": ["A5", "A6"]},
            {"id": "c2", "status": "included", "party": "provider", "mapping": ["A6"]},
        ],
        "declared_certificate": {"activities": ["A5", "A6"], "clauses": ["c1"]},
        "checklist": [],
    }
    s = summarize(report, None)
    rows = {a.key: a for a in s["activities"]}
    assert rows["A5"].verdict == "mentioned" and rows["A5"].clauses == ("c1",)
    assert rows["A6"].verdict == "performed" and rows["A6"].clauses == ("c2",)
    assert s["performed"] == ["A6"] and s["counts"]["activities_performed"] == 1
    assert s["certificate"]["required"] == ["infogereur"]
    report["clauses"].pop()
    assert summarize(report, None)["certificate"]["required"] == []


def test_an_input_with_no_clause_is_not_counted_as_a_contract_missing_everything() -> None:
    report = sample_report()
    entries = sample_entries(report)
    shopping = {**entries[0], "path": "courses.txt", "clauses": 0,
                "coverage": {t: 0 for t in report["coverage"]},
                "checklist_missing": list(CHECKLIST_IDS), "certificates_required": []}
    html = render_index([entries[0], shopping])
    assert "(sur 1 contrats lisibles)" in html
    assert '<span class="big">1</span> sans clause HDS repérée' in html
    row = next(r for r in html.split('<tr class="g-') if "courses.txt" in r)
    assert "aucune clause repérée : est-ce un contrat ?" in row
    assert "manquantes, exclues" not in row


def test_unnumbered_clauses_are_cited_by_their_heading_and_rank_never_by_id() -> None:
    from analyzer.report.html import _links, citation_index

    report = {"segments": [
        {"id": "c0001", "kind": "heading", "number": None, "heading_path": []},
        {"id": "c0002", "kind": "clause", "number": None, "heading_path": ["Article 7 – Sauvegarde"]},
        {"id": "c0003", "kind": "clause", "number": None, "heading_path": ["Article 7 – Sauvegarde"]},
        {"id": "c0004", "kind": "clause", "number": "a)", "heading_path": ["4 Exploitation"]},
        {"id": "c0005", "kind": "clause", "number": None, "heading_path": ["Glossaire"]},
        {"id": "c0006", "kind": "clause", "number": None, "heading_path": ["Glossaire"]},
        {"id": "c0007", "kind": "clause", "number": "7.2", "heading_path": ["Article 7"]},
        {"id": "c0008", "kind": "clause", "number": None, "heading_path": []},
    ], "clauses": []}
    index = citation_index(report)
    links, more = _links(["c0002", "c0003", "c0004", "c0005", "c0006", "c0007", "c0008"],
                         index, messages("fr"))
    assert [lk["ref"] for lk in links] == [
        "art. 7, al. 1", "al. 2", "art. 4, point a)", "« Glossaire », al. 1", "al. 2",
        "art. 7.2", "alinéa 1 (sans titre)"]
    assert links[1]["full"] == "art. 7, al. 2" and more == 0
