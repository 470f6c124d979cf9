"""The real contracts of ../shared/corpus: their plain text is segmented into the clauses a lawyer
annotates (also texts exported line by line from a PDF, with TOC lines, running footers and hard
line breaks), and, rendered to DOCX and PDF (with running headers and footers), they give the
same clause texts as their plain text. Skipped when the corpus is absent."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from pathlib import Path

import pytest

from analyzer.evaluate import _pairs, corpus_body, gold_texts, load_gold, normalize_for_match
from analyzer.extract import extract
from analyzer.extract.text import is_page_text
from analyzer.segment import segment
from tests.data import build_fixtures as fx
from tests.paths import CORPUS, GOLD_CORPUS

NAMES = sorted(p.name for p in CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
_TOC = re.compile(r"(?:\.\s?){4,}\s*\d{1,4}\b")  # a table-of-contents entry's dot leader


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("corpus")


def _plain(name: str, workdir: Path) -> list:
    body = (CORPUS / name).read_text(encoding="utf-8").split("\n\n", 1)[1]
    path = workdir / name
    path.write_text(body, encoding="utf-8")
    return segment(extract(path))[1]


# Rendered to PDF, these lose a clause boundary, measured and explained (strict: the day they pass,
# the entry goes).
RENDERED_PDF_NOT_YET = {
    "dinum-demarches-simplifiees-cgu-administrations.txt":
        "a Markdown link longer than a line overflows the rendered page's margin; the PDF then "
        "reads the link as a paragraph of its own (188 of 191 clauses the same)",
    "hhs-sample-baa-provisions.txt":
        "'## Catch-all definition:' is a Markdown heading ending with ':'; the same line in the "
        "PDF's heading font is read as a lead-in clause (texts the same, kinds and paths differ)",
}


def _rendered_cases() -> list:  # type: ignore[type-arg]
    return [pytest.param(name, fmt, id=f"{fmt}-{name}", marks=[pytest.mark.xfail(
                reason=RENDERED_PDF_NOT_YET[name], strict=True)]
            if fmt == "pdf" and name in RENDERED_PDF_NOT_YET else [])
            for fmt in ("docx", "pdf") for name in NAMES]


@pytest.mark.skipif(not NAMES, reason="shared corpus not present")
@pytest.mark.parametrize(("name", "fmt"), _rendered_cases())
def test_rendered_corpus_gives_the_same_clauses(name: str, fmt: str, workdir: Path):
    plain = _plain(name, workdir)
    out = workdir / f"{Path(name).stem}.{fmt}"
    title = Path(name).stem
    if fmt == "docx":
        fx.render_segments_docx(plain, out, title)
    else:
        fx.render_segments_pdf(plain, out, title)
    document = extract(out)
    text, segments = segment(document)
    got = [(s.text, s.kind, s.heading_path) for s in segments]
    want = [(s.text, s.kind, s.heading_path) for s in plain]
    if fmt == "docx":
        assert got == want
    else:
        # The PDF extractor keeps table-of-contents entries out of the clauses (issue 12); the
        # plain text does not know them: compare the rest.
        want = [(t, kind, tuple(h for h in path if not _TOC.search(h)))
                for t, kind, path in want if not _TOC.search(t)]
        # A paragraph that ends on a full line at the bottom of a page, followed by one that starts
        # with a capital on the next page, cannot be told from one paragraph: allow 1 % of such.
        matcher = difflib.SequenceMatcher(None, [g[0] for g in got], [w[0] for w in want],
                                          autojunk=False)
        same = sum(block.size for block in matcher.get_matching_blocks())
        assert same >= 0.99 * len(want), [w[0][:80] for w in want if w not in got][:5]
        full = difflib.SequenceMatcher(None, got, want, autojunk=False)  # kinds, heading paths
        assert sum(block.size for block in full.get_matching_blocks()) >= 0.97 * len(want)
    assert f"{title} – document contractuel" not in text
    assert f"{title} – document contractuel" in document.removed_lines
    if fmt == "pdf":
        assert "Page 1/" not in text
        pages = [s.page for s in segments]
        # the renderer may leave a last page with only its running header and footer
        assert pages == sorted(pages) and pages[0] == 1 and pages[-1] in (document.pages,
                                                                          document.pages - 1)
    else:
        assert all(s.paragraph is not None for s in segments)


@pytest.mark.skipif(not NAMES, reason="shared corpus not present")
def test_rendered_corpus_pdfplumber_engine(workdir: Path):
    name = "eoko-conditions-particulieres-infogerance.txt"
    plain = _plain(name, workdir)
    out = fx.render_segments_pdf(plain, workdir / "eoko-plumber.pdf", "eoko")
    _, segments = segment(extract(out, pdf_engine="pdfplumber"))
    assert [(s.text, s.kind, s.heading_path) for s in segments] == [
        (s.text, s.kind, s.heading_path) for s in plain]


GOLD = GOLD_CORPUS
PAGE_TEXTS = [n for n in NAMES if is_page_text(corpus_body((CORPUS / n).read_text(encoding="utf-8")))]


@pytest.mark.skipif(not NAMES, reason="shared corpus not present")
@pytest.mark.parametrize("name", NAMES)
def test_every_gold_clause_is_one_of_our_segments(name: str, workdir: Path):
    """Each clause a lawyer annotated coincides with a segment (the evaluation's own matching):
    no clause is lost in a merged paragraph or cut by a page break."""
    gold_path = GOLD / f"{name}.gold.json"
    if not gold_path.is_file():
        pytest.skip(f"no gold for {name}")
    gold = load_gold(gold_path)
    segments = [s for s in _plain(name, workdir) if s.kind == "clause"]
    wanted = [normalize_for_match(t) for t in gold_texts(gold, CORPUS / name)]
    pairs = _pairs([normalize_for_match(s.text) for s in segments], wanted)
    found = {j for _, j in pairs}
    lost = [wanted[j][:80] for j in range(len(wanted)) if j not in found]
    assert len(lost) <= max(1, 0.02 * len(wanted)), lost


@pytest.mark.skipif(not PAGE_TEXTS, reason="shared corpus not present")
@pytest.mark.parametrize("name", PAGE_TEXTS)
def test_page_text_loses_toc_and_running_lines(name: str, workdir: Path):
    """Texts exported line by line from a PDF: dot-leader TOC lines, page numbers and footers
    repeated on every page are kept apart, never glued to a clause."""
    body = (CORPUS / name).read_text(encoding="utf-8").split("\n\n", 1)[1]
    path = workdir / name
    path.write_text(body, encoding="utf-8")
    document = extract(path)
    text, segments = segment(document)
    assert document.removed_lines
    assert not [s.text for s in segments if re.search(r"\.{5,}\s*\d{1,3}$", s.text)]
    # every line removed as repeated (a running header or footer) is gone from the text; a
    # line removed once (a TOC entry, a page number such as "1") may of course be a substring
    running = sorted(line for line, n in Counter(document.removed_lines).items() if n > 1)
    assert [line for line in running if line in text] == []
