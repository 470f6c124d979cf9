"""Reviewer decisions: keys, the store, import, and what applies to a report.

A decision is keyed by ``<clause id>:<first 16 hex digits of sha256(NFC clause text)>``, so it
applies to a regenerated report only while that clause is unchanged. Besides accept / reject /
comment, a reviewer can correct a finding (category, status, target), add a clause the tool
missed (an excerpt of any clause) and set a mandatory-clause checklist item
(``analyzer.report.review_schema`` validates all of it).

Files:
- the HTML report exports ``hds-analyzer/review/1`` JSON (one document, its decisions);
- ``OUT/reviews.json`` (``hds-analyzer/reviews/1``) keeps every imported decision, per document
  path, with who decided, when, and when and from which file it was imported; added clauses and
  checklist items sit under the optional ``added`` and ``checklist`` keys.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from analyzer.errors import AnalyzerError
from analyzer.output import atomic_write_text, dump_json
from analyzer.report import review_schema
from analyzer.report.review_schema import DECISIONS, EXPORT_SCHEMA

STORE_SCHEMA = "hds-analyzer/reviews/1"
STORE_NAME = "reviews.json"
__all__ = ["DECISIONS", "EXPORT_SCHEMA", "STORE_NAME", "STORE_SCHEMA", "DocumentReview",
           "ReviewFileError", "ReviewStore", "clause_key", "decisions_for",
           "load_store", "merge_exports", "parse_export", "read_export", "review_for",
           "save_store"]
MAX_FILE = 64 * 2**20  # a decisions file is small; refuse to read a huge one into memory
_COMPARED = ("decision", "comment", "reviewer", "at", "correction", "status", "clause_ref",
             "category", "target", "withdrawn")


class ReviewFileError(AnalyzerError):
    """A decisions file or the review store is unreadable or invalid (message names file, field)."""


def clause_key(clause_id: str, text: str) -> str:
    """Review key of a clause: its id plus a short hash of its NFC-normalised text."""
    digest = hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8", "replace"))
    return f"{clause_id}:{digest.hexdigest()[:16]}"


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_export(data: Any, source: str = "<data>") -> list[dict[str, Any]]:
    """Validate decisions exported from HTML reports (one export object or a list of them).

    Returns:
        One ``{"path", "sha256", "reviewer", "decisions", "added", "checklist"}`` per document.

    Raises:
        ReviewFileError: the data is not a valid export; the message names the field.
    """
    exports = data if isinstance(data, list) else [data]
    try:
        return [review_schema.export(exp, f"[{i}]" if isinstance(data, list) else "export")
                for i, exp in enumerate(exports)]
    except ValueError as e:
        raise ReviewFileError(f"{source}: invalid review export: {e}") from e


Records = dict[str, dict[str, dict[str, Any]]]


def _merge(bucket: dict[str, dict[str, Any]], records: Iterable[Mapping[str, Any]], id_field: str,
           stamp: str, source: str, reviewer: str) -> int:
    """Merge records into one document's bucket; the most recent ``at`` wins."""
    changed = 0
    for d in records:
        record = {**d, "reviewer": d.get("reviewer") or reviewer or "unknown",
                  "at": d.get("at") or stamp, "imported_at": stamp, "source": source}
        old = bucket.get(record[id_field])
        if old is not None and _sort_time(old.get("at", "")) > _sort_time(record["at"]):
            continue
        if old is not None and all(old.get(k) == record.get(k) for k in _COMPARED):
            continue
        bucket[record[id_field]] = record
        changed += 1
    return changed


@dataclass
class ReviewStore:
    """Every stored decision: document path → review key → decision record; added clauses
    (path → added id → record) and checklist items (path → item id → record)."""

    documents: Records = field(default_factory=dict)
    added: Records = field(default_factory=dict)
    checklist: Records = field(default_factory=dict)

    def for_document(self, path: str) -> dict[str, dict[str, Any]]:
        """Decisions stored for one document (empty when none)."""
        return self.documents.get(path, {})

    def has(self, path: str) -> bool:
        """Whether anything is stored for this document."""
        return any(path in part for part in (self.documents, self.added, self.checklist))

    def only(self, path: str) -> ReviewStore:
        """What is stored for one document alone (sent with its analysis task)."""
        return ReviewStore(*({path: part[path]} if path in part else {}
                             for part in (self.documents, self.added, self.checklist)))

    def merge(self, path: str, decisions: Iterable[Mapping[str, Any]], *, source: str,
              reviewer: str = "", imported_at: str | None = None,
              added: Iterable[Mapping[str, Any]] = (),
              checklist: Iterable[Mapping[str, Any]] = ()) -> int:
        """Merge one document's decisions; the most recent (``at``) wins. Returns the changes."""
        stamp = imported_at or _now()
        changed = 0
        for part, records, id_field in ((self.documents, decisions, "key"),
                                        (self.added, added, "id"),
                                        (self.checklist, checklist, "item")):
            records = list(records)
            if records:
                changed += _merge(part.setdefault(path, {}), records, id_field, stamp, source,
                                  reviewer)
        return changed

    def to_json(self) -> dict[str, Any]:
        """The ``reviews.json`` content."""
        data: dict[str, Any] = {"schema": STORE_SCHEMA, "documents": self.documents}
        if self.added:
            data["added"] = self.added
        if self.checklist:
            data["checklist"] = self.checklist
        return data


def _sort_time(at: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _records(data: Mapping[str, Any], name: str, path: Path, valid: Any) -> Records:
    part = data.get(name, {})
    if not isinstance(part, dict):
        raise ReviewFileError(f"{path}: {name}: expected an object")
    out: Records = {}
    for doc_path, records in part.items():
        if not isinstance(records, dict):
            raise ReviewFileError(f"{path}: {name}[{doc_path!r}]: expected an object")
        out[doc_path] = {k: v for k, v in records.items() if isinstance(v, dict) and valid(k, v)}
    return out


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
    return ReviewStore(
        _records(data, "documents", path,
                 lambda k, v: _valid(review_schema.decision, v) and v.get("key") == k),
        _records(data, "added", path,
                 lambda k, v: _valid(review_schema.added, v) and k == review_schema.added(
                     v, "added")["id"]),
        _records(data, "checklist", path,
                 lambda k, v: _valid(review_schema.checklist_item, v) and v.get("item") == k))


def _valid(check: Any, record: dict[str, Any]) -> bool:
    """Whether a stored record passes the export's validation (damaged ones are ignored)."""
    try:
        check(record, "record")
    except ValueError:
        return False
    return True


def save_store(out_dir: Path, store: ReviewStore) -> None:
    """Write ``OUT/reviews.json`` atomically (sorted, deterministic)."""
    atomic_write_text(out_dir / STORE_NAME, dump_json(store.to_json()))


def clause_texts(report: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Review key → (clause id, clause text) of every clause of the report, tagged or not."""
    out: dict[str, tuple[str, str]] = {}
    text = report.get("text")
    for seg in report.get("segments") or [] if isinstance(text, str) else []:
        assert isinstance(text, str)
        if isinstance(seg, Mapping) and isinstance(seg.get("id"), str) \
                and seg.get("kind", "clause") != "heading":
            body = text[int(seg.get("start", 0)):int(seg.get("end", 0))]
            out[clause_key(seg["id"], body)] = (seg["id"], body)
    for c in report.get("clauses", []):
        if isinstance(c, Mapping) and isinstance(c.get("id"), str):
            body = str(c.get("text", ""))
            out[clause_key(c["id"], body)] = (c["id"], body)
    return out


def excerpt_error(record: Mapping[str, Any], texts: Mapping[str, tuple[str, str]]) -> str | None:
    """Why an added clause does not fit this report (None when its excerpt is the clause slice)."""
    found = texts.get(str(record.get("key")))
    if found is None:
        return f"clause {record.get('clause')!r} is not in the report with this text"
    start, end = int(record["start"]), int(record["end"])
    if found[1][start:end] != record.get("excerpt"):
        return (f"the excerpt is not the text of clause {found[0]!r} at {start}-{end} "
                f"(clause length {len(found[1])})")
    return None


def decisions_for(report: Mapping[str, Any], store: ReviewStore) -> dict[str, dict[str, Any]]:
    """Stored decisions that still apply to this report's clauses, by review key."""
    stored = store.for_document(report["document"]["path"])
    if not stored:
        return {}
    keys = {clause_key(c["id"], c["text"]) for c in report["clauses"]}
    return {k: v for k, v in stored.items() if k in keys}


@dataclass(frozen=True)
class DocumentReview:
    """What the reviewer decided that still applies to one report."""

    decisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    added: list[dict[str, Any]] = field(default_factory=list)
    checklist: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.decisions or self.added or self.checklist)


def review_for(report: Mapping[str, Any], store: ReviewStore) -> DocumentReview:
    """The stored review of a report: its decisions, added clauses whose excerpt still matches
    the clause text (withdrawn ones left out), and checklist items set to a status."""
    path = report["document"]["path"]
    added = [r for r in store.added.get(path, {}).values() if not r.get("withdrawn")]
    if added:
        texts = clause_texts(report)
        added = sorted((r for r in added if excerpt_error(r, texts) is None),
                       key=lambda r: (str(r["clause"]), int(r["start"]), int(r["end"])))
    return DocumentReview(
        decisions_for(report, store), added,
        {k: v for k, v in store.checklist.get(path, {}).items() if v.get("status")})


def as_review(reviews: Mapping[str, Mapping[str, Any]] | DocumentReview | None) -> DocumentReview:
    """A ``DocumentReview`` from either one or a plain mapping of decisions by review key."""
    if isinstance(reviews, DocumentReview):
        return reviews
    return DocumentReview({k: dict(v) for k, v in (reviews or {}).items()})


def read_export(decisions_file: Path) -> list[dict[str, Any]]:
    """The exports of a decisions file (one export or a list of them), validated.

    Raises:
        ReviewFileError: the file is too large, unreadable or invalid.
    """
    try:
        if decisions_file.stat().st_size > MAX_FILE:
            raise ReviewFileError(f"{decisions_file}: larger than {MAX_FILE // 2**20} MiB, not a "
                                  "decisions file")
        data = json.loads(decisions_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ReviewFileError(f"{decisions_file}: cannot read decisions ({e})") from e
    return parse_export(data, str(decisions_file))


def _check_added(exports: list[dict[str, Any]], reports: Mapping[str, Mapping[str, Any]],
                 source: str) -> list[str]:
    """Drop the added clauses whose excerpt is not the clause text slice; one error each."""
    errors = []
    for n, exp in enumerate(exports):
        report = reports.get(exp["path"])
        if report is None:
            continue  # checked again when a report of this document is rendered
        texts = clause_texts(report)
        kept = []
        for j, record in enumerate(exp["added"]):
            why = excerpt_error(record, texts)
            if why is None:
                kept.append(record)
            else:
                where = f"[{n}]" if len(exports) > 1 else "export"
                errors.append(f"{source}: {where}.added[{j}] not imported: {why}")
        exp["added"] = kept
    return errors


def merge_exports(out_dir: Path, exports: list[dict[str, Any]],
                  reports: Mapping[str, Mapping[str, Any]], *, source: str,
                  reviewer: str = "") -> tuple[ReviewStore, int, list[str]]:
    """Merge exports into ``OUT/reviews.json``; returns the store, how many decisions changed
    and the added clauses refused (one message each: their excerpt does not match ``reports``).

    Raises:
        ReviewFileError: the stored file is invalid.
    """
    errors = _check_added(exports, reports, source)
    store = load_store(out_dir)
    stamp = _now()
    changed = 0
    for exp in exports:
        changed += store.merge(exp["path"], exp["decisions"], source=source,
                               reviewer=reviewer or exp["reviewer"], imported_at=stamp,
                               added=exp["added"], checklist=exp["checklist"])
    save_store(out_dir, store)
    return store, changed, errors
