"""Inter-annotator agreement: score the second annotation (tests/gold/corpus/agreement/) against
the adjudicated gold of the same documents, with the evaluation's own matching and measures.

Usage (repository root): .venv/bin/python tests/gold/corpus/annotate/agreement.py [CORPUS_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from analyzer.evaluate import Evaluation, format_table, gold_as_report, load_gold, score_document

HERE = Path(__file__).resolve().parent
GOLD = HERE.parent


def main(argv: list[str]) -> int:
    corpus = Path(argv[0]) if argv else HERE.parents[3].parent / "shared" / "corpus"
    total = Evaluation()
    for second in sorted((GOLD / "agreement").glob("*.gold.json")):
        reference = GOLD / second.name
        if not reference.is_file():
            print(f"{second.name}: no adjudicated gold yet")
            continue
        b = load_gold(second)
        doc = corpus / b.document
        total.merge(score_document(load_gold(reference), doc, gold_as_report(b, doc)))
    print(format_table(total.summary()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
