"""Scan inputs: find documents, analyse each one on its own, write per-document and batch outputs.

One bad document never stops the batch: its failure is recorded with a status and a reason.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer.analyze import analyze_file
from analyzer.errors import ExtractionError, PatternFileError
from analyzer.extract import SUPPORTED_SUFFIXES
from analyzer.output import atomic_write_text, dump_json, output_names
from analyzer.report.html import render_document, render_index

log = logging.getLogger(__name__)
ALL_FORMATS = ("json", "html")


@dataclass(frozen=True)
class InputFile:
    """A file to analyse and the path shown for it (relative to what the user named)."""

    path: Path
    display: str


@dataclass
class ScanResult:
    """What happened to every input."""

    entries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed(self) -> list[dict[str, Any]]:
        """Entries of documents that could not be analysed."""
        return [e for e in self.entries if e["status"] not in ("ok", "skipped")]


def collect_inputs(paths: Sequence[Path]) -> tuple[list[InputFile], list[InputFile]]:
    """Expand files and folders (recursively) into inputs to analyse and inputs skipped.

    Files named explicitly are always analysed; inside folders, files whose suffix is not
    a supported one are listed as skipped.
    """
    todo: list[InputFile] = []
    skipped: list[InputFile] = []
    seen: set[Path] = set()
    for root in paths:
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink()):
                display = str(Path(root.name) / path.relative_to(root))
                item = InputFile(path, display)
                if path.resolve() in seen:
                    continue
                seen.add(path.resolve())
                if path.suffix.lower() in SUPPORTED_SUFFIXES and not path.is_symlink():
                    todo.append(item)
                else:
                    skipped.append(item)
        else:
            if root.resolve() not in seen:
                seen.add(root.resolve())
                todo.append(InputFile(root, root.name))
    return todo, skipped


def _entry(item: InputFile, name: str, status: str, reason: str = "") -> dict[str, Any]:
    return {"path": item.display, "name": name, "status": status, "reason": reason,
            "language": None, "certificates_required": [], "coverage": {},
            "checklist_missing": [], "warnings": [], "clauses": 0, "html": None, "json": None}


def scan(
    paths: Sequence[Path],
    out_dir: Path,
    *,
    lang: str = "auto",
    formats: Iterable[str] = ALL_FORMATS,
    patterns_dir: Path | None = None,
) -> ScanResult:
    """Analyse every input and write ``OUT/<name>.json``, ``OUT/<name>.html`` and ``OUT/index.html``."""
    formats = set(formats)
    out_dir.mkdir(parents=True, exist_ok=True)
    todo, skipped = collect_inputs(paths)
    names = output_names(i.display for i in [*todo, *skipped])
    result = ScanResult()
    for item in skipped:
        result.entries.append(_entry(item, names[item.display], "skipped",
                                     "not a supported file type (.pdf, .docx, .txt, .md)"))
    for n, item in enumerate(todo, start=1):
        name = names[item.display]
        log.info("[%d/%d] %s", n, len(todo), item.display)
        try:
            report = analyze_file(item.path, lang=lang, patterns_dir=patterns_dir,
                                  display_path=item.display)
        except PatternFileError:
            raise
        except ExtractionError as e:
            result.entries.append(_entry(item, name, e.status, str(e)))
            continue
        except Exception as e:  # a bug or a library failure on hostile input: record, go on
            log.exception("analysis of %s failed", item.display)
            result.entries.append(_entry(item, name, "crashed", f"{type(e).__name__}: {e}"))
            continue
        entry = _entry(item, name, "ok")
        entry.update(
            language=report["document"]["language"],
            certificates_required=report["certificates_required"],
            coverage={t: len(ids) for t, ids in report["coverage"].items()},
            checklist_missing=[c["id"] for c in report["checklist"] if c["status"] != "present"],
            warnings=report["document"]["warnings"],
            clauses=len(report["clauses"]),
        )
        if "json" in formats:
            atomic_write_text(out_dir / f"{name}.json", dump_json(report))
            entry["json"] = f"{name}.json"
        if "html" in formats:
            atomic_write_text(out_dir / f"{name}.html", render_document(report))
            entry["html"] = f"{name}.html"
        result.entries.append(entry)
    result.entries.sort(key=lambda e: e["path"])
    atomic_write_text(out_dir / "index.html", render_index(result.entries))
    return result
