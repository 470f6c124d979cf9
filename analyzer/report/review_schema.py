"""Validation of reviewer files (``hds-analyzer/review/1`` exports): every field of an untrusted
file is checked (type, size, known ids) and a bad one is named in the error message.

An export holds, for one document:
- ``decisions``: per tagged clause, accept/reject, a comment and an optional ``correction``
  (``category``, ``status``, ``target``) of what the tool found;
- ``added`` (optional): clauses the tool missed, each an excerpt of one clause of the text
  (``key``, ``start``/``end`` offsets in code points within the clause text, ``excerpt``,
  ``category``, ``status``, ``target``), ``withdrawn`` when the reviewer took it back;
- ``checklist`` (optional): R.1111-11 items set by the reviewer (``item``, ``status``
  present/missing/excluded or null to go back to the tool's verdict, ``clause_ref``, ``comment``).
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from analyzer.statuses import CLAUSE_STATUSES
from analyzer.taxonomy_facts import default_facts

EXPORT_SCHEMA = "hds-analyzer/review/1"
DECISIONS = ("accept", "reject")
STATUSES: tuple[str, ...] = CLAUSE_STATUSES
CHECKLIST_STATUSES: tuple[str, ...] = ("present", "missing", "excluded")
KEY = re.compile(r"^[A-Za-z0-9_.\-]{1,64}:[0-9a-f]{16}$")
MAX_COMMENT = 20_000
MAX_NAME = 200
MAX_REF = 200
MAX_EXCERPT = 20_000
MAX_ITEMS = 100_000


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, tuple[str, ...]]:
    """Known ids: categories (from the taxonomy), statuses, targets and checklist items."""
    facts = default_facts()
    return {"category": facts.categories, "status": STATUSES,
            "target": facts.targets, "checklist": facts.checklist}


def text(value: Any, where: str, *, limit: int, required: bool = False) -> str:
    """A string of at most ``limit`` characters ("" for a missing optional one)."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{where}: expected a string")
    if len(value) > limit:
        raise ValueError(f"{where}: longer than {limit} characters")
    return value


def _choice(value: Any, where: str, choices: tuple[str, ...]) -> str | None:
    if value is None or value == "":
        return None
    if value not in choices:
        raise ValueError(f"{where}: {str(value)[:80]!r} is not one of {', '.join(choices)}")
    return str(value)


def _time(value: Any, where: str) -> str:
    at = text(value, where, limit=64)
    if at:
        try:
            datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError as e:
            raise ValueError(f"{where}: not an ISO 8601 date-time ({at!r})") from e
    return at


def _key(value: Any, where: str) -> str:
    if not isinstance(value, str) or not KEY.match(value):
        raise ValueError(f"{where}: expected '<clause id>:<16 hex digits>', got {value!r}"[:300])
    return value


def _object(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected an object")
    return raw


def _list(raw: Any, where: str, *, optional: bool = False) -> list[Any]:
    if raw is None and optional:
        return []
    if not isinstance(raw, list):
        raise ValueError(f"{where}: expected a list")
    if len(raw) > MAX_ITEMS:
        raise ValueError(f"{where}: more than {MAX_ITEMS} entries")
    return raw


def _who(raw: dict[str, Any], where: str) -> dict[str, Any]:
    return {"comment": text(raw.get("comment"), f"{where}.comment", limit=MAX_COMMENT),
            "reviewer": text(raw.get("reviewer"), f"{where}.reviewer", limit=MAX_NAME),
            "at": _time(raw.get("at"), f"{where}.at")}


def correction(raw: Any, where: str) -> dict[str, str] | None:
    """A finding's correction: category, status and target (each optional); None when empty."""
    if raw is None:
        return None
    raw = _object(raw, where)
    vocab = vocabulary()
    out = {k: v for k in ("category", "status", "target")
           if (v := _choice(raw.get(k), f"{where}.{k}", vocab[k])) is not None}
    return out or None


def decision(raw: Any, where: str) -> dict[str, Any]:
    """One decision on a tagged clause."""
    raw = _object(raw, where)
    key = _key(raw.get("key"), f"{where}.key")
    if raw.get("decision") not in (*DECISIONS, None):
        raise ValueError(f"{where}.decision: expected 'accept', 'reject' or null")
    out = {"key": key, "clause": key.split(":", 1)[0], "decision": raw.get("decision"),
           **_who(raw, where)}
    fix = correction(raw.get("correction"), f"{where}.correction")
    if fix:
        out["correction"] = fix
    return out


def added(raw: Any, where: str) -> dict[str, Any]:
    """A clause the tool missed: an excerpt of one clause and what it is."""
    raw = _object(raw, where)
    key = _key(raw.get("key"), f"{where}.key")
    start, end = raw.get("start"), raw.get("end")
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{where}.{name}: expected a non-negative integer")
    assert isinstance(start, int) and isinstance(end, int)
    if end <= start:
        raise ValueError(f"{where}.end: must be greater than start ({start})")
    excerpt = text(raw.get("excerpt"), f"{where}.excerpt", limit=MAX_EXCERPT, required=True)
    if len(excerpt) != end - start:
        raise ValueError(f"{where}.excerpt: {len(excerpt)} characters, but end - start is "
                         f"{end - start}")
    vocab = vocabulary()
    category = _choice(raw.get("category"), f"{where}.category", vocab["category"])
    if category is None:
        raise ValueError(f"{where}.category: required, one of {', '.join(vocab['category'])}")
    withdrawn = raw.get("withdrawn", False)
    if not isinstance(withdrawn, bool):
        raise ValueError(f"{where}.withdrawn: expected true or false")
    return {"id": f"{key}@{start}-{end}", "key": key, "clause": key.split(":", 1)[0],
            "start": start, "end": end, "excerpt": excerpt, "category": category,
            "status": _choice(raw.get("status"), f"{where}.status", vocab["status"]),
            "target": _choice(raw.get("target"), f"{where}.target", vocab["target"]),
            "withdrawn": withdrawn, **_who(raw, where)}


def checklist_item(raw: Any, where: str) -> dict[str, Any]:
    """A mandatory clause item set by the reviewer."""
    raw = _object(raw, where)
    item = _choice(raw.get("item"), f"{where}.item", vocabulary()["checklist"])
    if item is None:
        raise ValueError(f"{where}.item: required")
    return {"item": item,
            "status": _choice(raw.get("status"), f"{where}.status", CHECKLIST_STATUSES),
            "clause_ref": text(raw.get("clause_ref"), f"{where}.clause_ref", limit=MAX_REF),
            **_who(raw, where)}


def export(exp: Any, where: str) -> dict[str, Any]:
    """One export object: ``{"path", "sha256", "decisions", "added", "checklist"}``."""
    if not isinstance(exp, dict) or exp.get("schema") != EXPORT_SCHEMA:
        raise ValueError(f"{where}.schema: expected {EXPORT_SCHEMA!r}")
    doc = _object(exp.get("document"), f"{where}.document")
    path = text(doc.get("path"), f"{where}.document.path", limit=4096, required=True)
    if not path:
        raise ValueError(f"{where}.document.path: empty")
    return {
        "path": path,
        "sha256": text(doc.get("sha256"), f"{where}.document.sha256", limit=64),
        "reviewer": text(exp.get("reviewer"), f"{where}.reviewer", limit=MAX_NAME),
        "decisions": [decision(d, f"{where}.decisions[{j}]")
                      for j, d in enumerate(_list(exp.get("decisions"), f"{where}.decisions"))],
        "added": [added(d, f"{where}.added[{j}]") for j, d in
                  enumerate(_list(exp.get("added"), f"{where}.added", optional=True))],
        "checklist": [checklist_item(d, f"{where}.checklist[{j}]") for j, d in
                      enumerate(_list(exp.get("checklist"), f"{where}.checklist",
                                      optional=True))],
    }
