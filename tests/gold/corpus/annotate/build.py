"""Build span-based gold files (schema hds-analyzer/gold/1) from unit-level annotation decisions.

Decisions live in ``decisions/<document>.yaml`` (see README.md beside this file); each names a unit
of ``units.py`` by index and the first 8 hex digits of the SHA-1 of its text, so a change of the
corpus text or of the splitter is caught. No corpus text is stored in the repository.

Usage (repository root): python tests/gold/corpus/annotate/build.py [--corpus DIR] [--decisions DIR]
    [--out DIR] [NAME ...]
Defaults: ../shared/corpus, tests/gold/corpus/annotate/decisions, tests/gold/corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from units import body_of, sha8, units  # noqa: E402

REPO = HERE.parents[3]
sys.path.insert(0, str(REPO))
from analyzer.taxonomy import CHECKLIST_IDS, MAPPING_TARGETS  # noqa: E402

CATS = {"H": "hosting", "M": "maintenance", "S": "security", "T": "training", "P": "project_management"}
STATUSES = {"I": "included", "E": "excluded", "C": "conditional", "D": "definition"}
TARGETS = list(MAPPING_TARGETS)
CHECK_IDS = list(CHECKLIST_IDS)
CHECK_STATUSES = {"present", "missing", "excluded"}


class DecisionError(ValueError):
    """A decision file that does not fit its document or the schema."""


def _clause(entry: dict, us: list[tuple[int, int, str]], body: str, where: str) -> dict:
    u = entry["u"]
    first, last = (u, u) if isinstance(u, int) else (u[0], u[1])
    if not 0 <= first <= last < len(us):
        raise DecisionError(f"{where}: unit {u} out of range")
    start, end = us[first][0], us[last][1]
    if sha8(body[us[first][0]:us[first][1]]) != entry["sha"]:
        raise DecisionError(f"{where}: unit {first} text changed (sha {entry['sha']})")
    cats = [CATS[c] for c in entry["c"]]
    mapping = list(entry.get("m", []))
    bad = [m for m in mapping if m not in TARGETS]
    if bad or not cats:
        raise DecisionError(f"{where}: bad categories or mapping {entry}")
    status = STATUSES[entry.get("s", "I")]
    return {"span": [start, end], "categories": cats,
            "mapping": sorted(mapping, key=TARGETS.index), "status": status}


def build_one(decisions: Path, corpus: Path) -> dict:
    """The gold file (as a dict) for one decisions file."""
    data = yaml.safe_load(decisions.read_text(encoding="utf-8"))
    name = data["document"]
    body = body_of((corpus / name).read_text(encoding="utf-8"))
    us = units(body)
    clauses = [_clause(e, us, body, f"{decisions.name}[{i}]") for i, e in enumerate(data["clauses"])]
    clauses.sort(key=lambda c: c["span"][0])
    check = data["checklist"]
    missing = set(CHECK_IDS) ^ set(check)
    if missing or any(v not in CHECK_STATUSES for v in check.values()):
        raise DecisionError(f"{decisions.name}: checklist must give all 15 ids a status ({missing})")
    coverage = sorted({m for c in clauses if c["status"] in ("included", "conditional")
                       for m in c["mapping"]}, key=TARGETS.index)
    return {
        "schema": "hds-analyzer/gold/1",
        "document": name,
        "language": data["language"],
        "annotator": data.get("annotator", ""),
        "note": data.get("note", ""),
        "clauses": clauses,
        "coverage": coverage,
        "checklist": {k: check[k] for k in CHECK_IDS},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--decisions", type=Path, default=HERE / "decisions")
    parser.add_argument("--out", type=Path, default=HERE.parent)
    parser.add_argument("names", nargs="*")
    args = parser.parse_args(argv)
    files = sorted(args.decisions.glob("*.yaml"))
    if args.names:
        files = [f for f in files if any(n in f.name for n in args.names)]
    for f in files:
        gold = build_one(f, args.corpus)
        out = args.out / f"{gold['document']}.gold.json"
        out.write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{out}: {len(gold['clauses'])} clauses, coverage {gold['coverage']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
