"""Check the gold annotations of the bundled samples and of the unseen samples.

Run from the repository root::

    .venv/bin/python samples/check_gold.py

For every ``samples/gold/<sample>.gold.json`` it checks the schema fields (DESIGN.md §5), that
``coverage`` is the sorted set of mapping targets of the included and conditional clauses, that all 15
checklist ids have a status, and that every gold ``text`` occurs (whitespace-normalised) in the sample's
source in ``samples/src/``. It also reads the generated sample itself (DOCX paragraphs and tables, PDF
text without its running header and footer, TXT/MD as is) and checks that every clause text is found
there too, that the samples are up to date with their sources, and that the PDF has a clause running
across a page break. For every ``samples/unseen/gold/<document>.gold.json`` it checks the same
fields and that every gold ``text`` occurs in ``samples/unseen/contracts/<document>``, and that
every unseen contract has its gold (and the same for the second annotations of
``samples/unseen/agreement/``). Exit status 0 when everything holds, 1 otherwise.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
UNSEEN = HERE / "unseen"
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


def _check_clause(clause: dict, where: str) -> list[str]:
    """The fields of one gold clause (DESIGN.md §5)."""
    errors = []
    keys = {"text", "categories", "mapping", "status"}
    if set(clause) - keys:
        errors.append(f"{where}: unexpected keys {sorted(set(clause) - keys)}")
    cats, mapping = clause.get("categories"), clause.get("mapping")
    if not cats or not set(cats) <= CATEGORIES or len(set(cats)) != len(cats):
        errors.append(f"{where}: bad categories {cats}")
    if not isinstance(mapping, list) or not set(mapping) <= TARGETS or len(set(mapping)) != len(
        mapping
    ):
        errors.append(f"{where}: bad mapping {mapping}")
    if clause.get("status") not in STATUSES:
        errors.append(f"{where}: bad status {clause.get('status')}")
    return errors


def _check_document(gold: dict, gold_path: Path) -> list[str]:
    """What every gold file must hold besides its clauses' texts: schema, file name, language,
    valid clauses, coverage and checklist."""
    errors: list[str] = []
    err = errors.append
    name = gold.get("document")
    if gold.get("schema") != SCHEMA:
        err(f"schema is {gold.get('schema')!r}")
    if gold_path.name != f"{name}.gold.json":
        err(f"file name does not match document {name!r}")
    if gold.get("language") not in {"fr", "en"}:
        err(f"language is {gold.get('language')!r}")
    clauses = gold.get("clauses")
    if not isinstance(clauses, list) or not clauses:
        return [*errors, "no clauses"]
    seen: set[str] = set()
    for i, clause in enumerate(clauses):
        where = f"clause {i} ({str(clause.get('text', ''))[:50]!r})"
        text = clause.get("text")
        if not isinstance(text, str) or not text.strip():
            err(f"{where}: missing text")
            continue
        errors += _check_clause(clause, where)
        if norm(text) in seen:
            err(f"{where}: duplicate clause")
        seen.add(norm(text))
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


def _texts(gold: dict) -> list[tuple[str, str]]:
    """(where, normalised text) of every clause that has a text."""
    return [
        (f"clause {i} ({str(c.get('text', ''))[:50]!r})", norm(c["text"]))
        for i, c in enumerate(gold.get("clauses") or [])
        if isinstance(c.get("text"), str) and c["text"].strip()
    ]


def check_file(gold_path: Path) -> list[str]:
    """A bundled sample's gold: valid, every text in its source and in the generated file, and
    (for the PDF) a clause across a page break."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    name = gold.get("document")
    if name not in build_samples.SAMPLES:
        return [f"unknown sample {name!r}"]
    errors = _check_document(gold, gold_path)
    source = norm(build_samples.source_text(name))
    whole, pages = distributable_text(name)
    whole = norm(whole)
    spans_page = False
    for where, t in _texts(gold):
        if t not in source:
            errors.append(
                f"{where}: text not found in the source samples/src/{build_samples.SAMPLES[name][0]}"
            )
        is_table_row = " | " in t
        # PDF table rows are laid out cell by cell, so only the source can be checked for them.
        if not (is_table_row and name.endswith(".pdf")) and t not in whole:
            errors.append(f"{where}: text not found in the generated {name}")
        if pages and not is_table_row and not any(t in norm(p) for p in pages) and t in whole:
            spans_page = True
    if pages and not spans_page:
        errors.append("no gold clause runs across a page break of the PDF")
    return errors


def check_unseen(gold_path: Path) -> list[str]:
    """An unseen sample's gold (``unseen/gold``): valid, every text in its document
    (``unseen/contracts``, plain text or Markdown, used as written)."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    document = UNSEEN / "contracts" / str(gold.get("document"))
    if not document.is_file():
        return [f"no document {document.name!r} in unseen/contracts"]
    errors = _check_document(gold, gold_path)
    whole = norm(document.read_text(encoding="utf-8"))
    errors += [f"{where}: text not found in {document.name}" for where, t in _texts(gold)
               if t not in whole]
    return errors


def _report(path: Path, errors: list[str]) -> int:
    gold = json.loads(path.read_text(encoding="utf-8"))
    print(f"{'ok  ' if not errors else 'FAIL'} {path.name}: {len(gold.get('clauses', []))} clauses")
    for e in errors:
        print(f"     {e}")
    return 1 if errors else 0


def main() -> int:
    status = build_samples.main(["--check"])
    gold_files = sorted((HERE / "gold").glob("*.gold.json"))
    missing = set(build_samples.SAMPLES) - {p.name[: -len(".gold.json")] for p in gold_files}
    for name in sorted(missing):
        print(f"FAIL {name}: no gold file")
        status = 1
    for path in gold_files:
        status |= _report(path, check_file(path))
    unseen = {p.name for p in (UNSEEN / "contracts").iterdir()}
    unseen_gold = sorted((UNSEEN / "gold").glob("*.gold.json"))
    for name in sorted(unseen - {p.name[: -len(".gold.json")] for p in unseen_gold}):
        print(f"FAIL unseen/{name}: no gold file")
        status = 1
    for path in unseen_gold + sorted((UNSEEN / "agreement").glob("*.gold.json")):
        status |= _report(path, check_unseen(path))
    return status


if __name__ == "__main__":
    sys.exit(main())
