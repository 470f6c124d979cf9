"""Inter-annotator agreement: score a second annotation against the adjudicated (or first) gold of
the same documents, with the evaluation's own matching and measures.

Usage (repository root):
    .venv/bin/python tests/gold/corpus/annotate/agreement.py [CORPUS_DIR]
        the corpus: tests/gold/corpus/agreement/ against tests/gold/corpus/
    .venv/bin/python tests/gold/corpus/annotate/agreement.py --second DIR --gold DIR --docs DIR
        any other set, e.g. the unseen samples: samples/unseen/agreement/ against
        samples/unseen/gold/, documents in samples/unseen/contracts/
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analyzer.evaluate import Evaluation, format_table, gold_as_report, load_gold, score_document

HERE = Path(__file__).resolve().parent
GOLD = HERE.parent


def agreement(second_dir: Path, gold_dir: Path, docs_dir: Path) -> Evaluation:
    """Every second annotation of ``second_dir`` scored as a report against its namesake in
    ``gold_dir`` (documents in ``docs_dir``)."""
    total = Evaluation()
    for second in sorted(second_dir.glob("*.gold.json")):
        reference = gold_dir / second.name
        if not reference.is_file():
            print(f"{second.name}: no reference gold yet")
            continue
        b = load_gold(second)
        doc = docs_dir / b.document
        total.merge(score_document(load_gold(reference), doc, gold_as_report(b, doc)))
    return total


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path,
                        default=HERE.parents[3].parent / "shared" / "corpus")
    parser.add_argument("--second", type=Path, default=GOLD / "agreement")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--docs", type=Path)
    args = parser.parse_args(argv)
    print(format_table(agreement(args.second, args.gold, args.docs or args.corpus).summary()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
