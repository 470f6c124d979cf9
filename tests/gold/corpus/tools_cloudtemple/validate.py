"""Validate the Cloud Temple gold files against the corpus text (spans, schema, checklist ids, coverage)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from build_gold import CHECK_IDS, DOCS, GOLD_DIR, REPO  # noqa: E402
from units import body_of  # noqa: E402

CATS = {"hosting", "maintenance", "security", "training", "project_management"}
MAPS = {"A1", "A2", "A3", "A4", "A5", "A6", "infogerance", "transversal"}
STATUSES = {"included", "excluded", "conditional", "definition"}


def main(corpus_dir):
    ok = True
    for name, lang, _, _ in DOCS:
        g = json.load(open(os.path.join(GOLD_DIR, name + ".gold.json"), encoding="utf-8"))
        body = body_of(open(os.path.join(corpus_dir, name), encoding="utf-8").read())
        errs = []
        if g["schema"] != "hds-analyzer/gold/1" or g["document"] != name or g["language"] != lang:
            errs.append("header")
        prev = -1
        for i, c in enumerate(g["clauses"]):
            a, b = c["span"]
            t = body[a:b]
            if not (0 <= a < b <= len(body)) or not t.strip():
                errs.append(f"{i}: bad span")
            if t != t.strip():
                errs.append(f"{i}: span not stripped")
            if t.lstrip().startswith("#"):
                errs.append(f"{i}: heading")
            if a < prev:
                errs.append(f"{i}: overlap/order")
            prev = b
            if not c["categories"] or set(c["categories"]) - CATS:
                errs.append(f"{i}: categories")
            if not c["mapping"] or set(c["mapping"]) - MAPS:
                errs.append(f"{i}: mapping")
            if c["status"] not in STATUSES:
                errs.append(f"{i}: status")
        cov = sorted({m for c in g["clauses"] if c["status"] in ("included", "conditional") for m in c["mapping"]})
        if cov != sorted(g["coverage"]):
            errs.append("coverage")
        if set(g["checklist"]) != set(CHECK_IDS) or set(g["checklist"].values()) - {"present", "missing", "excluded"}:
            errs.append("checklist")
        print(name, "OK" if not errs else errs)
        ok &= not errs
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "..", "shared", "corpus")))
