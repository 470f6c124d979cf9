"""What the activity and certificate verdicts read of a tagged clause, from either side.

The verdicts (``check.activities``, ``check.certificate.obligation_coverage``) run on the
analysis's tagged clauses (``claim_of``) and, in the batch parent and the renderers, on the
clauses of a stored JSON report (``report_claims``). Both give the same narrow, read-only
``Claim``: the clause's id, status, mapping targets and the targets it binds the provider to.
A stored report is read leniently here, once: a clause without an id is left out, a value of
another type reads as absent. Plain data only: this module runs in the batch parent process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analyzer.models import TaggedClause
from analyzer.statuses import COUNTED


@dataclass(frozen=True)
class Claim:
    """A tagged clause as the verdicts read it. ``binds``: the mapping targets it binds the
    provider to (``bound_targets``)."""

    id: str
    status: str
    mapping: tuple[str, ...]
    binds: tuple[str, ...]


def bound_targets(status: str, mapping: tuple[str, ...], commitment: str | None,
                  obligation: tuple[str, ...]) -> tuple[str, ...]:
    """The mapping targets a tagged clause binds the provider to.

    Included or conditional clauses only; the obligation's targets when the clause says
    whether it is one (``commitment``), else (reports written before it: ``commitment`` None)
    the whole ``mapping``.
    """
    if status not in COUNTED:
        return ()
    if commitment is None:
        return mapping
    return obligation if commitment == "obligation" else ()


def claim_of(clause: TaggedClause) -> Claim:
    """The claim of a tagged clause of the analysis (the same as of its report entry)."""
    return Claim(clause.id, clause.status, clause.mapping,
                 bound_targets(clause.status, clause.mapping, clause.commitment,
                               clause.obligation_mapping))


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else ()


def report_claims(report: Mapping[str, Any]) -> tuple[list[Claim], frozenset[str]]:
    """The claims of a stored report's clauses, and the ids of the clauses that declare the
    certificate (``declared_certificate.clauses``)."""
    claims = []
    clauses = report.get("clauses")
    for c in clauses if isinstance(clauses, list) else []:
        if not isinstance(c, Mapping) or "id" not in c:
            continue
        status, mapping = str(c.get("status")), _strings(c.get("mapping"))
        commitment = str(c["commitment"]) if "commitment" in c else None
        claims.append(Claim(str(c["id"]), status, mapping, bound_targets(
            status, mapping, commitment, _strings(c.get("obligation_mapping")))))
    declared = report.get("declared_certificate")
    declaring = frozenset(_strings(declared.get("clauses"))) \
        if isinstance(declared, Mapping) else frozenset()
    return claims, declaring


def claims_of(clauses: Sequence[TaggedClause]) -> list[Claim]:
    """The claims of the analysis's tagged clauses, in order."""
    return [claim_of(c) for c in clauses]
