"""The real contracts of ../shared/corpus rendered to DOCX and PDF (with running headers and
footers)
give the same clause texts as their plain text. Skipped when the corpus is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.extract import extract
from analyzer.segment import segment
from tests.conftest import CORPUS
from tests.data import build_fixtures as fx

NAMES = sorted(p.name for p in CORPUS.glob("*.txt")) if CORPUS.is_dir() else []


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("corpus")


def _plain(name: str, workdir: Path) -> list:
    body = (CORPUS / name).read_text(encoding="utf-8").split("\n\n", 1)[1]
    path = workdir / name
    path.write_text(body, encoding="utf-8")
    return segment(extract(path))[1]


@pytest.mark.skipif(not NAMES, reason="shared corpus not present")
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
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
    assert [s.text for s in segments] == [s.text for s in plain]
    assert f"{title} – document contractuel" not in text
    assert f"{title} – document contractuel" in document.removed_lines
    if fmt == "pdf":
        assert "Page 1/" not in text
        pages = [s.page for s in segments]
        assert pages == sorted(pages) and pages[0] == 1 and pages[-1] == document.pages
    else:
        assert all(s.paragraph is not None for s in segments)


@pytest.mark.skipif(not NAMES, reason="shared corpus not present")
def test_rendered_corpus_pdfplumber_engine(workdir: Path):
    name = "eoko-conditions-particulieres-infogerance.txt"
    plain = _plain(name, workdir)
    out = fx.render_segments_pdf(plain, workdir / "eoko-plumber.pdf", "eoko")
    _, segments = segment(extract(out, pdf_engine="pdfplumber"))
    assert [s.text for s in segments] == [s.text for s in plain]
