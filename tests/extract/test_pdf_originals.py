"""Published PDFs (../shared/corpus/originals) against their texts (issue 12, part 1).

Each original is analysed twice, from the PDF and from its text, and both reports are scored
against the text's gold (benchmarks/pdf_vs_text.py does the same and prints the numbers). Target:
the PDF within 0.03 micro F1 of its text. Only DEV documents are asserted here: the test split is
measured once, by the benchmark, and reported apart (never used to tune the extractor). A target
not reached yet is marked xfail(strict=True), with the reason measured; the day it passes the
marker must go. Skipped when the originals are absent.
"""

from __future__ import annotations

import re
import sys
from functools import cache

import pytest

from analyzer.evaluate import load_split
from analyzer.extract import extract
from tests.paths import CORPUS, GOLD_CORPUS, REPO

sys.path.insert(0, str(REPO / "benchmarks"))

import pdf_vs_text

GOLD = GOLD_CORPUS
ORIGINALS = CORPUS / "originals"
TARGET = 0.03

pytestmark = pytest.mark.slow


def _dev_originals() -> list[str]:
    if not ORIGINALS.is_dir():
        return []
    split = load_split(GOLD) or {"dev": []}
    return sorted(p.stem for p in ORIGINALS.glob("*.pdf") if f"{p.stem}.txt" in split["dev"])


DEV = _dev_originals()
SCORED = [n for n in DEV if n in pdf_vs_text.available(ORIGINALS, pdf_vs_text.CORPUS, GOLD)]

# Why a document misses the target, as measured (benchmarks/pdf_vs_text.py, docs/extraction.md).
NOT_YET = {
    "cloudtemple-convention-service-iaas-secnumcloud":
        "the PDF is another edition than the Markdown text (PaaS, VPC and VM-instance services "
        "added, clauses reworded): about a third of the gold clauses are not in the PDF as written",
    "cloudtemple-cgvu":
        "the PDF is an older edition than the Markdown text (corpus README): 5 of the 33 gold "
        "clauses are not in the PDF as written",
}


@cache
def _compare(name: str) -> pdf_vs_text.Comparison:
    return pdf_vs_text.compare(name, ORIGINALS, pdf_vs_text.CORPUS, GOLD)


@pytest.mark.skipif(not DEV, reason=f"published originals not present at {ORIGINALS}")
@pytest.mark.parametrize("name", DEV)
def test_published_pdf_structure(name: str):
    """No glyph bullets, TOC entries, running headers/footers or page numbers left in the body."""
    document = extract(ORIGINALS / f"{name}.pdf")
    texts = [b.text for b in document.blocks]
    assert not [t for t in texts if re.match(r"[\ue000-\uf8ff]", t)], "private-use bullets"
    leaders = [t for t in texts if re.search(r"(?:\.\s?){6,}\s*\d{1,3}\s*$", t, re.M)]
    assert not leaders, leaders[:3]
    # "Page 10 sur 25", "- 7 -", "3/69" (a bare number may be a table cell)
    pages = [t for t in texts if re.fullmatch(
        r"page\s*\d{1,3}(?:\s*(?:/|sur|of)\s*\d+)?|[-–]\s*\d{1,3}\s*[-–]|\d{1,3}\s*/\s*\d{1,3}",
        " ".join(t.split()), re.I)]
    assert not pages, pages[:3]
    assert all(r.page >= 1 and r.kind in ("header", "footer", "page_number", "toc", "table_header")
               for r in document.removed)
    assert document.removed_lines == tuple(r.text for r in document.removed)
    running = {r.text for r in document.removed if r.kind in ("header", "footer")}
    glued = [t for t in texts if any(line in running for line in t.splitlines())]
    assert not glued, glued[:3]


def _target_case(name: str) -> object:
    if name in NOT_YET:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=NOT_YET[name]))
    return name


@pytest.mark.skipif(not SCORED, reason="published originals or their gold not present")
@pytest.mark.parametrize("name", [_target_case(n) for n in SCORED])
def test_published_pdf_scores_like_its_text(name: str):
    result = _compare(name)
    assert result.pdf_f1 >= result.text_f1 - TARGET, (result.text_f1, result.pdf_f1)


@pytest.mark.skipif(not SCORED, reason="published originals or their gold not present")
@pytest.mark.parametrize("name", SCORED)
def test_published_pdf_recovers_the_gold_clauses(name: str):
    """Extraction alone (no tagging): the gold clauses that are one segment of the PDF. A
    document whose PDF is the same edition as its text does at least as well as the text."""
    result = _compare(name)
    if name in NOT_YET and "edition" in NOT_YET[name]:
        assert result.pdf_whole >= 0.55 * result.gold, (result.pdf_whole, result.gold)
    else:
        assert result.pdf_whole >= min(result.text_whole, 0.8 * result.gold), (
            result.text_whole, result.pdf_whole, result.gold)
