"""Per HDS activity, what the contract makes of it: performed, optional, mentioned, excluded or
silent, with the clauses behind the verdict and how sure it is.

For each HDS activity A1–A6: whether the provider performs it (an included clause), only
optionally (conditional clauses only), explicitly not (excluded clauses only) or the contract is
silent, and ``strong`` when a clause binds the provider to it (``clauses[].commitment``
"obligation"), ``weak`` when only mentions do. The check stage writes ``activity_confidence``
into the report from it; the report's verdict (``analyzer.report.verdict.summarize``) reads the
same rows from a stored report (both sides give ``check.claims.Claim``s). Plain data only: this
module runs in the batch parent process (no spaCy, no pydantic).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from analyzer.check.certificate import HDS_TARGETS
from analyzer.check.claims import Claim

ACTIVITY_VERDICTS: tuple[str, ...] = ("performed", "optional", "mentioned", "excluded", "silent")


@dataclass(frozen=True)
class ActivityVerdict:
    """What the contract makes of one HDS activity (``activity_verdicts``).

    ``verdict`` is one of ``ACTIVITY_VERDICTS``; ``clauses`` the clauses it rests on (included
    ones for "performed", and so on); ``confidence`` "strong" when one of them binds the
    provider to the activity, "weak" when they only mention it, None for "excluded" and
    "silent"; ``unconfirmed``: tagged clauses name it, none binds the provider to it;
    ``also_optional`` / ``also_excluded``: the conditional and excluded clauses beside a
    performed (or optional) verdict.
    """

    key: str
    verdict: str
    clauses: tuple[str, ...]
    confidence: Literal["strong", "weak"] | None
    unconfirmed: bool
    also_optional: tuple[str, ...] = ()
    also_excluded: tuple[str, ...] = ()

    @property
    def strong(self) -> bool:
        """A clause binds the provider to the activity."""
        return self.confidence == "strong"


def _ids(claims: Sequence[Claim], target: str, status: str) -> list[str]:
    return [c.id for c in claims if c.status == status and target in c.mapping]


def activity_verdicts(claims: Sequence[Claim],
                      declaring: Collection[str] = ()) -> list[ActivityVerdict]:
    """One ``ActivityVerdict`` per HDS activity, in taxonomy order.

    ``claims``: the tagged clauses (``check.claims``: ``claims_of`` the analysis's,
    ``report_claims`` a stored report's); ``declaring``: the ids of the clauses that declare the
    certificate. ``clauses`` are the clauses the verdict rests on (included ones for
    "performed", and so on). ``confidence`` is "strong" when one of them binds the provider to
    the activity (``Claim.binds``), "weak" when they only mention it; None for "excluded" and
    "silent". The clause that declares the
    certificate names activities without committing to perform them: when it is the only one,
    or when the clauses only mention the activity (no provider obligation), the verdict is
    "mentioned" (a weak mention, no certificate required).
    """
    cert_ids = set(declaring)
    rows = []
    for t in HDS_TARGETS:
        named = [i for i in _ids(claims, t, "included") if i in cert_ids]
        included = [i for i in _ids(claims, t, "included") if i not in cert_ids]
        conditional = [i for i in _ids(claims, t, "conditional") if i not in cert_ids]
        excluded = _ids(claims, t, "excluded")
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
        strong = any(t in c.binds for c in claims if c.id in behind)
        unconfirmed = verdict in ("performed", "optional") and not strong
        if unconfirmed:
            # named only in passing (a title, a mutual clause): the contract does not say that
            # the vendor performs it, and it requires no certificate
            verdict = "mentioned"
        rows.append(ActivityVerdict(
            t, verdict, tuple(ids),
            None if verdict in ("excluded", "silent") else "strong" if strong else "weak",
            unconfirmed,
            also_optional=tuple(conditional) if verdict == "performed" else (),
            also_excluded=tuple(excluded) if verdict in ("performed", "optional") else ()))
    return rows


def activity_confidence(claims: Sequence[Claim],
                        declaring: Collection[str] = ()) -> dict[str, str]:
    """``{activity: "strong" | "weak"}`` for the HDS activities the contract performs, offers or
    mentions (the report's optional ``activity_confidence`` key)."""
    return {a.key: a.confidence for a in activity_verdicts(claims, declaring) if a.confidence}
