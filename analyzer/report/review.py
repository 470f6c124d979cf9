"""Reviewer decisions (accept / reject / comment per finding): keys, the store, import.

A decision is keyed by ``<clause id>:<first 16 hex digits of sha256(NFC clause text)>``, so it
applies to a regenerated report only while that clause is unchanged.

Files:
- the HTML report exports ``hds-analyzer/review/1`` JSON (one document, its decisions);
- ``OUT/reviews.json`` (``hds-analyzer/reviews/1``) keeps every imported decision, per document
  path, with who decided, when, and when and from which file it was imported.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from analyzer.errors import AnalyzerError
from analyzer.output import atomic_write_text, dump_json

EXPORT_SCHEMA = "hds-analyzer/review/1"
STORE_SCHEMA = "hds-analyzer/reviews/1"
STORE_NAME = "reviews.json"
DECISIONS = ("accept", "reject")
_KEY = re.compile(r"^[A-Za-z0-9_.\-]{1,64}:[0-9a-f]{16}$")
_MAX_COMMENT = 20_000
_MAX_NAME = 200


class ReviewFileError(AnalyzerError):
    """A decisions file or the review store is unreadable or invalid (message names file, field)."""


def clause_key(clause_id: str, text: str) -> str:
    """Review key of a clause: its id plus a short hash of its NFC-normalised text."""
    digest = hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8", "replace"))
    return f"{clause_id}:{digest.hexdigest()[:16]}"


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _str(value: Any, where: str, *, limit: int, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{where}: expected a string")
    if len(value) > limit:
        raise ValueError(f"{where}: longer than {limit} characters")
    return value


def _decision(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected an object")
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValueError(f"{where}.key: expected '<clause id>:<16 hex digits>', got {key!r}")
    decision = raw.get("decision")
    if decision not in (*DECISIONS, None):
        raise ValueError(f"{where}.decision: expected 'accept', 'reject' or null")
    at = _str(raw.get("at"), f"{where}.at", limit=64)
    if at:
        try:
            datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError as e:
            raise ValueError(f"{where}.at: not an ISO 8601 date-time ({at!r})") from e
    return {
        "key": key,
        "clause": key.split(":", 1)[0],
        "decision": decision,
        "comment": _str(raw.get("comment"), f"{where}.comment", limit=_MAX_COMMENT),
        "reviewer": _str(raw.get("reviewer"), f"{where}.reviewer", limit=_MAX_NAME),
        "at": at,
    }


def parse_export(data: Any, source: str = "<data>") -> list[dict[str, Any]]:
    """Validate decisions exported from HTML reports (one export object or a list of them).

    Returns:
        One ``{"path", "sha256", "decisions": [...]}`` dict per document.

    Raises:
        ReviewFileError: the data is not a valid export; the message names the field.
    """
    exports = data if isinstance(data, list) else [data]
    result = []
    try:
        for i, exp in enumerate(exports):
            where = f"[{i}]" if isinstance(data, list) else "export"
            if not isinstance(exp, dict) or exp.get("schema") != EXPORT_SCHEMA:
                raise ValueError(f"{where}.schema: expected {EXPORT_SCHEMA!r}")
            doc = exp.get("document")
            if not isinstance(doc, dict):
                raise ValueError(f"{where}.document: expected an object")
            path = _str(doc.get("path"), f"{where}.document.path", limit=4096, required=True)
            if not path:
                raise ValueError(f"{where}.document.path: empty")
            decisions = exp.get("decisions")
            if not isinstance(decisions, list):
                raise ValueError(f"{where}.decisions: expected a list")
            result.append({
                "path": path,
                "sha256": _str(doc.get("sha256"), f"{where}.document.sha256", limit=64),
                "decisions": [_decision(d, f"{where}.decisions[{j}]")
                              for j, d in enumerate(decisions)],
            })
    except ValueError as e:
        raise ReviewFileError(f"{source}: invalid review export: {e}") from e
    return result


@dataclass
class ReviewStore:
    """Every stored decision: document path → review key → decision record."""

    documents: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def for_document(self, path: str) -> dict[str, dict[str, Any]]:
        """Decisions stored for one document (empty when none)."""
        return self.documents.get(path, {})

    def merge(self, path: str, decisions: Iterable[Mapping[str, Any]], *, source: str,
              reviewer: str = "", imported_at: str | None = None) -> int:
        """Merge one document's decisions; the most recent (``at``) wins. Returns the changes."""
        stamp = imported_at or _now()
        doc = self.documents.setdefault(path, {})
        changed = 0
        for d in decisions:
            record = {**d, "reviewer": d.get("reviewer") or reviewer or "unknown",
                      "at": d.get("at") or stamp, "imported_at": stamp, "source": source}
            old = doc.get(record["key"])
            if old is not None and _sort_time(old["at"]) > _sort_time(record["at"]):
                continue
            if old is not None and all(old.get(k) == record.get(k)
                                       for k in ("decision", "comment", "reviewer", "at")):
                continue
            doc[record["key"]] = record
            changed += 1
        return changed

    def to_json(self) -> dict[str, Any]:
        """The ``reviews.json`` content."""
        return {"schema": STORE_SCHEMA, "documents": self.documents}


def _sort_time(at: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def load_store(out_dir: Path) -> ReviewStore:
    """Read ``OUT/reviews.json`` (an empty store when the file does not exist).

    Raises:
        ReviewFileError: the file exists but is not a valid store.
    """
    path = out_dir / STORE_NAME
    if not path.exists():
        return ReviewStore()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ReviewFileError(f"{path}: cannot read the review store ({e})") from e
    if not isinstance(data, dict) or data.get("schema") != STORE_SCHEMA \
            or not isinstance(data.get("documents"), dict):
        raise ReviewFileError(f"{path}: not a {STORE_SCHEMA} file")
    documents: dict[str, dict[str, dict[str, Any]]] = {}
    for doc_path, decisions in data["documents"].items():
        if not isinstance(decisions, dict):
            raise ReviewFileError(f"{path}: documents[{doc_path!r}]: expected an object")
        documents[doc_path] = {k: v for k, v in decisions.items()
                               if isinstance(v, dict) and _KEY.match(k)}
    return ReviewStore(documents)


def save_store(out_dir: Path, store: ReviewStore) -> None:
    """Write ``OUT/reviews.json`` atomically (sorted, deterministic)."""
    atomic_write_text(out_dir / STORE_NAME, dump_json(store.to_json()))


def decisions_for(report: Mapping[str, Any], store: ReviewStore) -> dict[str, dict[str, Any]]:
    """Stored decisions that still apply to this report's clauses, by review key."""
    stored = store.for_document(report["document"]["path"])
    if not stored:
        return {}
    keys = {clause_key(c["id"], c["text"]) for c in report["clauses"]}
    return {k: v for k, v in stored.items() if k in keys}


@dataclass(frozen=True)
class ImportResult:
    """What ``review import`` did."""

    documents: int
    decisions: int
    changed: int
    rerendered: list[str]
    unmatched_documents: list[str]


def iter_reports(out_dir: Path) -> Iterable[tuple[Path, dict[str, Any]]]:
    """Every per-document JSON report in OUT (other JSON files are ignored)."""
    for path in sorted(out_dir.glob("*.json")):
        if path.name == STORE_NAME:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("schema") == "hds-analyzer/report/1":
            yield path, data


def import_reviews(decisions_file: Path, out_dir: Path, *, reviewer: str = "") -> ImportResult:
    """Merge an exported decisions file into ``OUT/reviews.json`` and re-render affected reports.

    Args:
        decisions_file: JSON exported from an HTML report (or a list of such exports).
        out_dir: a scan output folder holding the per-document JSON reports.
        reviewer: name recorded for decisions that were exported without one.

    Raises:
        ReviewFileError: the file or the store is invalid, or OUT holds no reports.
    """
    from analyzer.report.html import render_document

    try:
        data = json.loads(decisions_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ReviewFileError(f"{decisions_file}: cannot read decisions ({e})") from e
    exports = parse_export(data, str(decisions_file))
    if not out_dir.is_dir():
        raise ReviewFileError(f"{out_dir}: not an output folder")
    store = load_store(out_dir)
    stamp = _now()
    changed = 0
    for exp in exports:
        changed += store.merge(exp["path"], exp["decisions"], source=decisions_file.name,
                               reviewer=reviewer, imported_at=stamp)
    save_store(out_dir, store)
    imported_paths = {exp["path"] for exp in exports}
    rerendered: list[str] = []
    seen: set[str] = set()
    for json_path, report in iter_reports(out_dir):
        doc_path = report.get("document", {}).get("path")
        if doc_path not in imported_paths:
            continue
        seen.add(doc_path)
        html_path = json_path.with_suffix(".html")
        atomic_write_text(html_path, render_document(report, reviews=decisions_for(report, store)))
        rerendered.append(html_path.name)
    return ImportResult(
        documents=len(exports),
        decisions=sum(len(e["decisions"]) for e in exports),
        changed=changed,
        rerendered=rerendered,
        unmatched_documents=sorted(imported_paths - seen),
    )


def apply_stored_reviews(out_dir: Path, entries: Iterable[Mapping[str, Any]],
                         reports: Mapping[str, dict[str, Any]] | None = None) -> list[str]:
    """Re-render the HTML reports of a finished batch whose documents have stored decisions,
    so decisions survive re-runs (for clauses whose text is unchanged).

    Args:
        out_dir: the scan output folder (holding ``reviews.json``).
        entries: the batch index entries (keys ``path``, ``status``, ``html``, ``json``).
        reports: report dicts keyed by input path; default: read ``OUT/<entry['json']>``.

    Returns:
        The HTML files rewritten.

    Raises:
        ReviewFileError: ``OUT/reviews.json`` exists but is invalid.
    """
    from analyzer.report.html import render_document
    from analyzer.report.tables import report_loader

    store = load_store(out_dir)
    if not store.documents:
        return []
    load = report_loader(out_dir, reports)
    written = []
    for entry in entries:
        html = entry.get("html")
        if not isinstance(html, str) or "/" in html:
            continue
        if not store.for_document(str(entry.get("path"))):
            continue
        report = load(entry)
        if report is None:
            continue
        decisions = decisions_for(report, store)
        if decisions:
            atomic_write_text(out_dir / html, render_document(report, reviews=decisions))
            written.append(html)
    return written
