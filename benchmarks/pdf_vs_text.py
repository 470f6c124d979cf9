"""Published PDFs against their clean text: same document, two inputs, one gold (issue 12).

    .venv/bin/python benchmarks/pdf_vs_text.py [--split dev|test|all] [--gold-dir DIR]
        [--corpus DIR] [--originals DIR] [--only NAME ...] [--json OUT]

For every original ``ORIGINALS/NAME.pdf`` whose text ``CORPUS/NAME.txt`` has a gold file
``GOLD_DIR/NAME.txt.gold.json``, analyses both inputs with ``analyzer.analyze.analyze_file`` and
scores both against the text's gold with ``analyzer.evaluate.score_document``. For the PDF the
text's path is passed as ``doc_path``, so gold spans resolve in the text. Prints, per document and
pooled over the selected split, micro F1 on the text, on the PDF, and the difference (PDF − text).

Target (issue 12): the PDF within 0.03 micro F1 of its text. Development and tuning use the dev
split only; the test split (``GOLD_DIR/split.yaml``) is measured at the end and reported apart.
Not a test: ``tests/extract/test_pdf_originals.py`` runs the same comparison when the originals exist.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.analyze import analyze_file  # noqa: E402
from analyzer.evaluate import (  # noqa: E402
    Evaluation,
    gold_texts,
    load_gold,
    load_split,
    normalize_for_match,
    published,
    score_document,
)

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
ORIGINALS = CORPUS / "originals"
GOLD_DIR = ROOT / "tests" / "gold" / "corpus"


@dataclass
class Comparison:
    """Scores of one document read from its text and from its published PDF."""

    name: str
    split: str
    text: Evaluation
    pdf: Evaluation
    seconds: float
    gold: int = 0
    text_whole: int = 0
    pdf_whole: int = 0

    @property
    def text_f1(self) -> float:
        return float(self.text.micro().scores()["f1"])

    @property
    def pdf_f1(self) -> float:
        return float(self.pdf.micro().scores()["f1"])


_GLYPHS = re.compile(r"[\ue000-\uf8ff•▪■➢✓·*\\]")  # bullet glyphs, Markdown emphasis
_LEAD = re.compile(r"^(?:[-–>|]\s*)+|[\s|]+$")  # Markdown list, quote and table marks


def _plain(text: str) -> str:
    return _LEAD.sub("", " ".join(_GLYPHS.sub(" ", normalize_for_match(text)).split()))


def whole_clauses(golds: list[str], report: dict[str, Any]) -> int:
    """How many gold clauses are one segment of the report: a segment and the gold clause share
    a common run of at least 90 % of the longer of the two (bullet glyphs aside). Independent of
    tagging: it measures extraction and segmentation only."""
    segs = [_plain(report["text"][s["start"]:s["end"]]) for s in report["segments"]]
    exact = set(segs)
    found = 0
    for raw in golds:
        gold = _plain(raw)
        if not gold:
            continue
        if gold in exact:
            found += 1
            continue
        heads = (gold[:24], gold[-24:])
        for seg in segs:
            if not seg or (not any(h in seg for h in heads) and seg[:24] not in gold):
                continue
            longer = max(len(gold), len(seg))
            if min(len(gold), len(seg)) < 0.9 * longer:
                continue
            match = SequenceMatcher(None, gold, seg, autojunk=False).find_longest_match(
                0, len(gold), 0, len(seg))
            if match.size >= 0.9 * longer:
                found += 1
                break
    return found


def split_of(name: str, gold_dir: Path) -> str:
    """"dev", "test" or "-" (not in the split file) for the text ``NAME.txt``."""
    split = load_split(gold_dir)
    if split is None:
        return "-"
    for side in ("dev", "test"):
        if f"{name}.txt" in split[side]:
            return side
    return "-"


def available(originals: Path, corpus: Path, gold_dir: Path) -> list[str]:
    """Names of the originals that have a text and a gold file."""
    return sorted(
        pdf.stem for pdf in originals.glob("*.pdf")
        if (corpus / f"{pdf.stem}.txt").is_file()
        and (gold_dir / f"{pdf.stem}.txt.gold.json").is_file()
    )


def compare(name: str, originals: Path = ORIGINALS, corpus: Path = CORPUS,
            gold_dir: Path = GOLD_DIR) -> Comparison:
    """Analyse ``NAME.pdf`` and ``NAME.txt`` and score both against the text's gold."""
    text_path = corpus / f"{name}.txt"
    gold = load_gold(gold_dir / f"{name}.txt.gold.json")
    start = time.perf_counter()
    golds = gold_texts(gold, text_path)
    with published(text_path) as path:
        text_report = analyze_file(path)
    pdf_report = analyze_file(originals / f"{name}.pdf")
    return Comparison(
        name, split_of(name, gold_dir), score_document(gold, text_path, text_report),
        score_document(gold, text_path, pdf_report), time.perf_counter() - start,
        gold=len(golds), text_whole=whole_clauses(golds, text_report),
        pdf_whole=whole_clauses(golds, pdf_report))


def pooled(results: list[Comparison], which: str) -> float:
    total = Evaluation()
    for r in results:
        total.merge(getattr(r, which))
    return float(total.micro().scores()["f1"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--gold-dir", type=Path, default=GOLD_DIR)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--originals", type=Path, default=ORIGINALS)
    parser.add_argument("--only", nargs="*", default=None, help="document names (no extension)")
    parser.add_argument("--json", type=Path, default=None, help="write the numbers as JSON")
    args = parser.parse_args(argv)
    if not args.originals.is_dir():
        print(f"no originals at {args.originals}", file=sys.stderr)
        return 2
    names = available(args.originals, args.corpus, args.gold_dir)
    if args.only:
        names = [n for n in names if n in args.only]
    groups: dict[str, list[Comparison]] = {}
    for name in names:
        side = split_of(name, args.gold_dir)
        if args.split != "all" and side != args.split:
            continue
        groups.setdefault(side, []).append(compare(name, args.originals, args.corpus,
                                                   args.gold_dir))
    rows = []
    print("micro F1 against the text's gold; 'whole': gold clauses that are one segment "
          "(extraction and segmentation only)")
    print(f"{'document':<50}{'split':>6}{'text':>7}{'pdf':>7}{'pdf-text':>9}"
          f"{'whole txt':>11}{'whole pdf':>11}")
    for side in sorted(groups):
        for r in groups[side]:
            diff = r.pdf_f1 - r.text_f1
            print(f"{r.name:<50}{side:>6}{r.text_f1:>7.3f}{r.pdf_f1:>7.3f}{diff:>+9.3f}"
                  f"{f'{r.text_whole}/{r.gold}':>11}{f'{r.pdf_whole}/{r.gold}':>11}")
            rows.append({"document": r.name, "split": side, "text_micro_f1": r.text_f1,
                         "pdf_micro_f1": r.pdf_f1, "difference": round(diff, 4),
                         "gold_clauses": r.gold, "whole_in_text": r.text_whole,
                         "whole_in_pdf": r.pdf_whole})
        text, pdf = pooled(groups[side], "text"), pooled(groups[side], "pdf")
        n = sum(r.gold for r in groups[side])
        tw, pw = sum(r.text_whole for r in groups[side]), sum(r.pdf_whole for r in groups[side])
        print(f"{'pooled (micro over the split)':<50}{side:>6}{text:>7.3f}{pdf:>7.3f}"
              f"{pdf - text:>+9.3f}{f'{tw}/{n}':>11}{f'{pw}/{n}':>11}")
        rows.append({"document": "pooled", "split": side, "text_micro_f1": text,
                     "pdf_micro_f1": pdf, "difference": round(pdf - text, 4),
                     "gold_clauses": n, "whole_in_text": tw, "whole_in_pdf": pw})
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
