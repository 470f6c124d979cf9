"""Unit tests of the HTML renderers: escaping, CSP, embedded data, optional fields, index."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest

from analyzer.report.html import (
    batch_summary,
    content_security_policy,
    json_script,
    render_document,
    render_index,
    report_href,
    safe_id,
)
from analyzer.report.review import clause_key
from tests.report.sample import XSS_NAME, XSS_SCRIPT, sample_entries, sample_report


class _Collect(HTMLParser):
    """Collects tags, attributes, and the raw content of script elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self._in: str | None = None
        self._attrs: dict[str, str | None] = {}
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in, self._attrs, self._buf = tag, dict(attrs), []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            if tag == "script":
                self.scripts.append((self._attrs, "".join(self._buf)))
            else:
                self.styles.append("".join(self._buf))
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buf.append(data)


def _parse(html: str) -> _Collect:
    p = _Collect()
    p.feed(html)
    return p


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


@pytest.fixture(scope="module")
def hostile_html() -> str:
    return render_document(sample_report(hostile=True))


def test_contract_text_and_file_name_are_escaped(hostile_html: str) -> None:
    assert XSS_SCRIPT not in hostile_html
    assert "<img src=x" not in hostile_html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in hostile_html
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in hostile_html
    tags = _parse(hostile_html).tags
    assert not [t for t, _ in tags if t == "img"]
    # no inline event handler attribute anywhere
    assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]


def test_only_package_scripts_and_csp_allows_exactly_them(hostile_html: str) -> None:
    parsed = _parse(hostile_html)
    metas = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv")]
    assert len(metas) == 1
    csp = metas[0]["content"] or ""
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    executable = [src for attrs, src in parsed.scripts if attrs.get("type") != "application/json"]
    assert len(executable) == 1
    assert f"script-src {_hash(executable[0])};" in csp
    assert f"style-src {_hash(parsed.styles[0])};" in csp
    # the CSP meta comes before any style or script
    order = [t for t, _ in parsed.tags if t in ("meta", "style", "script")]
    assert order.index("style") > 0 and order[0] == "meta"
    # no src/href pointing off the page
    for _, attrs in parsed.tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            if value is not None:
                assert value.startswith(("#", "./")), value


def test_script_is_the_same_for_every_document() -> None:
    a = _parse(render_document(sample_report()))
    b = _parse(render_document(sample_report(hostile=True)))
    code = [s for attrs, s in a.scripts if not attrs.get("type")]
    assert code == [s for attrs, s in b.scripts if not attrs.get("type")]


def test_embedded_json_is_inert_and_complete(hostile_html: str) -> None:
    parsed = _parse(hostile_html)
    [(_attrs, raw)] = [(a, s) for a, s in parsed.scripts if a.get("type") == "application/json"]
    assert "<" not in raw and ">" not in raw and "&" not in raw
    data = json.loads(raw)
    assert data["doc"]["path"] == f"contrats/{XSS_NAME}"
    report = sample_report(hostile=True)
    assert [f["key"] for f in data["findings"]] == [
        clause_key(c["id"], c["text"]) for c in report["clauses"]]


def test_json_script_escapes_markup_characters() -> None:
    out = json_script({"a": "</script><b>&amp;\u2028"})
    assert "<" not in out and ">" not in out and "&" not in out
    assert json.loads(str(out)) == {"a": "</script><b>&amp;\u2028"}


def test_every_tagged_clause_is_highlighted_with_label_and_status() -> None:
    report = sample_report()
    html = render_document(report)
    for clause in report["clauses"]:
        m = re.search(rf'<article class="seg finding[^"]*st-{clause["status"]}[^"]*" '
                      rf'id="{clause["id"]}"', html)
        assert m, clause["id"]
    assert html.count('<mark class="hit') >= sum(len(c["hits"]) for c in report["clauses"]) - 1
    assert "Exclue / à la charge du client" in html
    assert "En option / sur demande" in html
    # rule ids and explanations are in the hover/focus details
    assert "fr.hosting.backup_daily" in html
    assert 'role="tooltip"' in html


def test_every_segment_is_rendered_in_order() -> None:
    report = sample_report()
    html = render_document(report)
    positions = [html.index(f'id="{s["id"]}"') for s in report["segments"]]
    assert positions == sorted(positions)


def test_header_shows_certificates_declared_and_gaps() -> None:
    html = render_document(sample_report())
    assert "hébergeur infogéreur (activités 3 à 6)" in html
    assert "Certificat déclaré" in html and "31 mai 2027" in html
    assert "Organisme &lt;Certif&gt;" in html
    assert "A3 \u2013 Infrastructure virtuelle" in html
    assert "Activités réalisées hors du périmètre du certificat : 1" in html
    report = sample_report()
    gap_clause = report["coverage"]["A1"][0]
    # evidence links show the article number, never the internal id
    # (the link's title holds the start of the clause text)
    assert re.search(rf'<a href="#{gap_clause}" class="jump" title="art\. 3\.1 — Le [^"]+">'
                     r"art\. 3\.1</a>", html)
    assert f">{gap_clause}<" not in html
    assert "page 2: text recognised by OCR" in html


def test_optional_fields_may_be_missing() -> None:
    report = sample_report()
    for key in ("declared_certificate", "certificate_gaps", "facts", "segments", "text"):
        report.pop(key)
    for key in ("ocr_pages", "warnings", "pages", "rules_version", "sha256"):
        report["document"].pop(key)
    html = render_document(report)
    assert "Numéro" not in html
    assert "Aucun certificat HDS déclaré alors que le prestataire réalise" in html
    for clause in report["clauses"]:  # without the full text, the tagged clauses are shown
        assert f'id="{clause["id"]}"' in html


def test_no_gap_is_said_explicitly() -> None:
    report = sample_report()
    report["declared_certificate"]["activities"] = ["A1", "A2", "A3", "A4", "A5", "A6"]
    assert "Le certificat déclaré couvre les activités réalisées" in render_document(report)
    del report["declared_certificate"]
    assert "Aucun certificat HDS déclaré" in render_document(report)


def test_declared_certificate_of_another_shape_is_shown() -> None:
    report = sample_report()
    report["declared_certificate"] = "HDS <v2>"
    assert "HDS &lt;v2&gt;" in render_document(report)


def test_unknown_category_and_bidi_controls_are_visible() -> None:
    report = sample_report(hostile=True)
    report["clauses"][0]["categories"] = ["reversibility"]
    html = render_document(report)
    assert "[U+202E]" in html
    assert "\u202e" not in html
    assert "cat-reversibility" in html


def test_undecodable_file_name_does_not_crash() -> None:
    report = sample_report()
    report["document"]["path"] = "contrats/bad_\udcff\udcfe.pdf"
    html = render_document(report)
    html.encode("utf-8")
    assert "bad_\ufffd\ufffd.pdf" in html


def test_stored_decisions_are_shown() -> None:
    report = sample_report()
    clause = report["clauses"][1]
    key = clause_key(clause["id"], clause["text"])
    html = render_document(report, reviews={key: {
        "decision": "reject", "comment": "not <b>A3</b>", "reviewer": "Alice <a>",
        "at": "2026-11-28T10:00:00Z"}})
    assert "Rejetée par Alice &lt;a&gt;" in html
    assert "not &lt;b&gt;A3&lt;/b&gt;" in html
    data = json.loads(next(s for a, s in _parse(html).scripts if a.get("type")))
    assert data["stored"][key]["decision"] == "reject"


def test_rendering_is_deterministic() -> None:
    assert render_document(sample_report()) == render_document(sample_report())


def test_after_warm_up_pages_render_without_compiling_a_template(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch's forkserver warms the renderer once; a forked worker must then compile
    nothing (each compilation costs a worker about 0.2 s of CPU)."""
    from analyzer.report import html

    html.warm()

    def no_compile(*args: object, **kwargs: object) -> None:
        raise AssertionError("a template was compiled after warm()")

    monkeypatch.setattr(html._ENV, "compile", no_compile)
    assert "<html" in render_document(sample_report())
    assert "<html" in render_index(sample_entries(sample_report()))


def test_unsafe_ids_and_links_are_refused() -> None:
    assert safe_id("c0042") == "c0042"
    assert safe_id('c1" onmouseover="x') is None
    assert safe_id("javascript:alert(1)") is None
    assert report_href("a__contrat.pdf.html") == "./a__contrat.pdf.html"
    assert report_href("javascript:alert(1).html") is None
    assert report_href("../etc.html") is None
    assert report_href("x.pdf") is None
    assert report_href(None) is None
    assert report_href("a b#c.html") is None
    assert report_href("a b.html") == "./a%20b.html"


def test_csp_lists_hashes() -> None:
    csp = content_security_policy(["x"], [])
    assert f"script-src {_hash('x')}" in csp
    assert "style-src 'none'" in csp


# ---------------------------------------------------------------- index


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    report = sample_report(hostile=True)
    return sample_entries(report)


def test_index_lists_every_input_with_status_and_reason(entries: list[dict]) -> None:
    html = render_index(entries)
    assert html.count("<tr class=\"g-") == len(entries)
    assert "not a supported file type" in html
    assert "PDF is password-protected" in html
    assert "&lt;b&gt;chiffré&lt;/b&gt;" in html
    assert "<img" not in html
    assert 'href="./sample.html"' in html


def test_index_escapes_and_has_csp(entries: list[dict]) -> None:
    html = render_index(entries)
    parsed = _parse(html)
    [code] = [s for a, s in parsed.scripts if not a.get("type")]
    [csp] = [a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv")]
    assert f"script-src {_hash(code)};" in (csp or "")
    assert not [a for _, attrs in parsed.tags for a in attrs if a.startswith("on")]


def test_index_tolerates_unknown_and_missing_keys() -> None:
    html = render_index([{"path": "x.pdf", "status": "timeout", "extra": {"a": 1}},
                         {"path": "y.pdf", "status": "ok", "coverage": {"A1": 2}, "clauses": 3,
                          "html": "y.pdf.html"}])
    assert "timeout" in html and "y.pdf.html" in html


def test_index_is_fine_when_empty() -> None:
    assert "Aucun fichier." in render_index([])


def test_batch_summary_counts(entries: list[dict]) -> None:
    more = [*entries, {**entries[0], "path": "b.pdf", "coverage": {"A1": 0, "A5": 3},
                       "checklist_missing": ["r1111_11_6_sla"]}]
    s = batch_summary(more)
    assert (s["total"], s["analysed"], s["skipped"], s["failed"]) == (4, 2, 1, 1)
    assert s["per_target"]["A5"] == 2 and s["per_target"]["A1"] == 1
    assert dict(s["missing"])["r1111_11_6_sla"] == 2


def test_index_chart_is_inline_svg(entries: list[dict]) -> None:
    html = render_index(entries)
    assert html.count("<svg") == 2
    assert "Contrats réalisant chaque activité" in html


def test_sample_report_is_consistent() -> None:
    report = sample_report(hostile=True)
    text = report["text"]
    for c in report["clauses"]:
        assert text[c["start"]:c["end"]] == c["text"]
        for h in c["hits"]:
            assert text[h["start"]:h["end"]] == h["text"]
    copy.deepcopy(report)


def test_index_shows_certificate_gaps_when_entries_have_them(entries: list[dict]) -> None:
    html = render_index([{**entries[0], "certificate_gaps": ["A1 <not> certified"]}])
    assert "⚠ A1 &lt;not&gt; certified" in html


def test_index_flags_no_text_and_unchanged_inputs(entries: list[dict]) -> None:
    html = render_index([{**entries[0], "status": "ok_no_text", "unchanged": True,
                          "reason": "no text layer"}])
    assert "sans texte : OCR nécessaire" in html
    assert "inchangé : repris de l&#39;analyse précédente" in html


def test_pages_take_their_titles_from_the_taxonomy_they_are_given(tmp_path, patterns_dir) -> None:
    """Under --patterns the titles of a custom taxonomy show, not the shipped ones: the report
    loads no taxonomy of its own (the caller passes it)."""
    from analyzer.report.i18n import ReportOptions
    from analyzer.taxonomy import load_taxonomy

    text = (patterns_dir / "taxonomy.yaml").read_text(encoding="utf-8")
    old = 'title: {fr: "Sauvegarde des données de santé"'
    assert old in text
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text.replace(old, 'title: {fr: "Copies de secours maison"'), encoding="utf-8")
    custom = load_taxonomy(path).facts
    report = sample_report()
    assert "A6" in {t for c in report["clauses"] for t in c["mapping"]}
    options = ReportOptions("fr")
    shipped = render_document(report, options=options)
    assert "Sauvegarde des données de santé" in shipped
    page = render_document(report, options=options, taxonomy=custom)
    assert "Copies de secours maison" in page
    assert "Sauvegarde des données de santé" not in page
    index = render_index(sample_entries(report), {report["document"]["path"]: report}, options,
                         taxonomy=custom)
    assert "Copies de secours maison" in index
