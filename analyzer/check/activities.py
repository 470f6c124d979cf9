"""Per HDS activity, what the contract makes of it: performed, optional, mentioned, excluded or
silent, with the clauses behind the verdict and how sure it is.

For each HDS activity A1–A6: whether the provider performs it (an included clause), only
optionally (conditional clauses only), explicitly not (excluded clauses only) or the contract is
silent, and ``strong`` when a clause binds the provider to it (``clauses[].commitment``
"obligation"), ``weak`` when only mentions do. The check stage writes ``activity_confidence``
into the report from it; the report's verdict (``analyzer.report.verdict.summarize``) reads the
same rows. Plain data only: this module runs in the batch parent process (no spaCy, no pydantic).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from analyzer.check.certificate import HDS_TARGETS, obligation_targets

ACTIVITY_VERDICTS: tuple[str, ...] = ("performed", "optional", "mentioned", "excluded", "silent")


def _ids(clauses: Sequence[Mapping[str, Any]], target: str, status: str) -> list[str]:
    return [str(c["id"]) for c in clauses
            if c.get("status") == status and target in (c.get("mapping") or [])]


def activity_verdicts(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per HDS activity: ``{"key", "verdict", "clauses": [ids], "strong": bool,
    "confidence": "strong" | "weak" | None, "unconfirmed": bool}`` (``unconfirmed``: tagged
    clauses name it, none binds the provider to it).

    ``clauses`` are the clauses the verdict rests on (included ones for "performed", and so
    on). ``confidence`` is "strong" when one of them binds the provider to the activity
    (``analyzer.check.certificate.obligation_targets``), "weak" when they only mention it; None for
    "excluded" and "silent". ``strong`` is ``confidence == "strong"``. The clause that declares
    the certificate names activities without committing to perform them: when it is the only
    one, or when the clauses only mention the activity (no provider obligation), the verdict is
    "mentioned" (a weak mention, no certificate required).
    """
    clauses = [c for c in report.get("clauses", []) if isinstance(c, Mapping) and "id" in c]
    declared = report.get("declared_certificate")
    cert_ids = {str(x) for x in declared.get("clauses") or []} \
        if isinstance(declared, Mapping) else set()
    rows = []
    for t in HDS_TARGETS:
        named = [i for i in _ids(clauses, t, "included") if i in cert_ids]
        included = [i for i in _ids(clauses, t, "included") if i not in cert_ids]
        conditional = [i for i in _ids(clauses, t, "conditional") if i not in cert_ids]
        excluded = _ids(clauses, t, "excluded")
        if included:
            verdict, ids = "performed", included
        elif conditional:
            verdict, ids = "optional", conditional
        elif named:
            verdict, ids = "mentioned", named
        elif excluded:
            verdict, ids = "excluded", excluded
        else:
            verdict, ids = "silent", []
        # an optional service the provider offers binds it too (the certificate counts it)
        behind = set(included) | set(conditional) if verdict in ("performed", "optional") \
            else set()
        strong = any(t in obligation_targets(c) for c in clauses if str(c["id"]) in behind)
        unconfirmed = verdict in ("performed", "optional") and not strong
        if unconfirmed:
            # named only in passing (a title, a mutual clause): the contract does not say that
            # the vendor performs it, and it requires no certificate
            verdict = "mentioned"
        confidence = None if verdict in ("excluded", "silent") else \
            "strong" if strong else "weak"
        rows.append({"key": t, "verdict": verdict, "clauses": ids, "strong": strong,
                     "confidence": confidence, "unconfirmed": unconfirmed,
                     "also_optional": conditional if verdict == "performed" else [],
                     "also_excluded": excluded if verdict in ("performed", "optional") else []})
    return rows


def activity_confidence(report: Mapping[str, Any]) -> dict[str, str]:
    """``{activity: "strong" | "weak"}`` for the HDS activities the contract performs, offers or
    mentions (the report's optional ``activity_confidence`` key)."""
    return {a["key"]: a["confidence"] for a in activity_verdicts(report) if a["confidence"]}
