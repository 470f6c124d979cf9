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
Not a test: ``tests/test_pdf_originals.py`` runs the same comparison when the originals exist.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.analyze import analyze_file  # noqa: E402
from analyzer.evaluate import Evaluation, load_gold, load_split, score_document  # noqa: E402

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

    @property
    def text_f1(self) -> float:
        return float(self.text.micro().scores()["f1"])

    @property
    def pdf_f1(self) -> float:
        return float(self.pdf.micro().scores()["f1"])


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
    text_eval = score_document(gold, text_path, analyze_file(text_path))
    pdf_eval = score_document(gold, text_path, analyze_file(originals / f"{name}.pdf"))
    return Comparison(name, split_of(name, gold_dir), text_eval, pdf_eval,
                      time.perf_counter() - start)


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
    print(f"{'document':<52}{'split':>6}{'text':>8}{'pdf':>8}{'pdf-text':>10}")
    for side in sorted(groups):
        for r in groups[side]:
            diff = r.pdf_f1 - r.text_f1
            print(f"{r.name:<52}{side:>6}{r.text_f1:>8.3f}{r.pdf_f1:>8.3f}{diff:>+10.3f}")
            rows.append({"document": r.name, "split": side, "text_micro_f1": r.text_f1,
                         "pdf_micro_f1": r.pdf_f1, "difference": round(diff, 4)})
        text, pdf = pooled(groups[side], "text"), pooled(groups[side], "pdf")
        print(f"{'pooled (micro over the split)':<52}{side:>6}{text:>8.3f}{pdf:>8.3f}"
              f"{pdf - text:>+10.3f}")
        rows.append({"document": "pooled", "split": side, "text_micro_f1": text,
                     "pdf_micro_f1": pdf, "difference": round(pdf - text, 4)})
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
