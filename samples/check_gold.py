"""Check the gold annotations of the bundled samples.

Run from the repository root::

    .venv/bin/python samples/check_gold.py

For every ``samples/gold/<sample>.gold.json`` it checks the schema fields (DESIGN.md §5), that
``coverage`` is the sorted set of mapping targets of the included and conditional clauses, that all 15
checklist ids have a status, and that every gold ``text`` occurs (whitespace-normalised) in the sample's
source in ``samples/src/``. It also reads the generated sample itself (DOCX paragraphs and tables, PDF
text without its running header and footer, TXT/MD as is) and checks that every clause text is found
there too, that the samples are up to date with their sources, and that the PDF has a clause running
across a page break. Exit status 0 when everything holds, 1 otherwise.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_samples  # noqa: E402

from analyzer.taxonomy import CHECKLIST_IDS, MAPPING_TARGETS  # noqa: E402

SCHEMA = "hds-analyzer/gold/1"
CATEGORIES = {"hosting", "maintenance", "security", "training", "project_management"}
TARGETS = set(MAPPING_TARGETS)
STATUSES = {"included", "excluded", "conditional", "definition"}
CHECK_STATUSES = {"present", "missing", "excluded"}
PDF_HEADER = re.compile(r"^Contrat d'infogérance – .* – Confidentiel$")
PDF_FOOTER = re.compile(r"^Page \d+/\d+$")


def norm(text: str) -> str:
    return " ".join(text.split())


def distributable_text(name: str) -> tuple[str, list[str]]:
    """Text of a generated sample (whole document) and, for a PDF, the text of each page."""
    path = build_samples.CONTRACTS / name
    if name.endswith(".docx"):
        import docx

        document = docx.Document(str(path))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            parts += [" | ".join(c.text for c in row.cells) for row in table.rows]
        return "\n".join(parts), []
    if name.endswith(".pdf"):
        import pdfplumber

        pages = []
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                lines = (page.extract_text() or "").splitlines()
                lines = [
                    ln for ln in lines if not PDF_HEADER.match(ln) and not PDF_FOOTER.match(ln)
                ]
                pages.append("\n".join(lines))
        return "\n".join(pages), pages
    return path.read_text(encoding="utf-8"), []


def check_file(gold_path: Path) -> list[str]:
    errors: list[str] = []
    err = errors.append
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    name = gold.get("document")
    if gold.get("schema") != SCHEMA:
        err(f"schema is {gold.get('schema')!r}")
    if gold_path.name != f"{name}.gold.json":
        err(f"file name does not match document {name!r}")
    if name not in build_samples.SAMPLES:
        return [*errors, f"unknown sample {name!r}"]
    if gold.get("language") not in {"fr", "en"}:
        err(f"language is {gold.get('language')!r}")
    source = norm(build_samples.source_text(name))
    whole, pages = distributable_text(name)
    whole = norm(whole)
    clauses = gold.get("clauses")
    if not isinstance(clauses, list) or not clauses:
        return [*errors, "no clauses"]
    seen: set[str] = set()
    spans_page = False
    for i, clause in enumerate(clauses):
        where = f"clause {i} ({str(clause.get('text', ''))[:50]!r})"
        text = clause.get("text")
        if not isinstance(text, str) or not text.strip():
            err(f"{where}: missing text")
            continue
        if set(clause) - {"text", "categories", "mapping", "status"}:
            err(
                f"{where}: unexpected keys "
                f"{sorted(set(clause) - {'text', 'categories', 'mapping', 'status'})}"
            )
        cats, mapping, status = (
            clause.get("categories"),
            clause.get("mapping"),
            clause.get("status"),
        )
        if not cats or not set(cats) <= CATEGORIES or len(set(cats)) != len(cats):
            err(f"{where}: bad categories {cats}")
        if (
            not isinstance(mapping, list)
            or not set(mapping) <= TARGETS
            or len(set(mapping)) != len(mapping)
        ):
            err(f"{where}: bad mapping {mapping}")
        if status not in STATUSES:
            err(f"{where}: bad status {status}")
        t = norm(text)
        if t in seen:
            err(f"{where}: duplicate clause")
        seen.add(t)
        if t not in source:
            err(
                f"{where}: text not found in the source samples/src/{build_samples.SAMPLES[name][0]}"
            )
        is_table_row = " | " in text
        # PDF table rows are laid out cell by cell, so only the source can be checked for them.
        if not (is_table_row and name.endswith(".pdf")) and t not in whole:
            err(f"{where}: text not found in the generated {name}")
        if pages and not is_table_row and not any(t in norm(p) for p in pages) and t in whole:
            spans_page = True
    if pages and not spans_page:
        err("no gold clause runs across a page break of the PDF")
    expected = sorted(
        {
            m
            for c in clauses
            if c.get("status") in ("included", "conditional")
            for m in c.get("mapping") or []
        }
    )
    if gold.get("coverage") != expected:
        err(f"coverage {gold.get('coverage')} != {expected}")
    checklist = gold.get("checklist") or {}
    if sorted(checklist) != sorted(CHECKLIST_IDS):
        err(f"checklist ids differ: {sorted(set(checklist) ^ set(CHECKLIST_IDS))}")
    bad = {k: v for k, v in checklist.items() if v not in CHECK_STATUSES}
    if bad:
        err(f"bad checklist statuses {bad}")
    return errors


def main() -> int:
    status = build_samples.main(["--check"])
    gold_files = sorted((HERE / "gold").glob("*.gold.json"))
    missing = set(build_samples.SAMPLES) - {p.name[: -len(".gold.json")] for p in gold_files}
    for name in sorted(missing):
        print(f"FAIL {name}: no gold file")
        status = 1
    for path in gold_files:
        errors = check_file(path)
        gold = json.loads(path.read_text(encoding="utf-8"))
        print(
            f"{'ok  ' if not errors else 'FAIL'} {path.name}: {len(gold.get('clauses', []))} clauses"
        )
        for e in errors:
            print(f"     {e}")
        status |= 1 if errors else 0
    return status


if __name__ == "__main__":
    sys.exit(main())
