"""The HDS certificate a contract declares for the provider, and the gaps against what it does.

R.1111-11 1° CSP requires the hosting contract to state the scope of the provider's certificate
and its dates. ``declared_certificate`` reads, from the clauses that talk about an HDS
certificate, the activities it covers (A1…A6), its number, the certifying body and its dates;
``certificate_gaps`` lists the HDS activities the clauses make the provider perform that the
declared scope leaves out. What the provider performs, for the certificate, is
``obligation_coverage``: only clauses that bind the provider (``clauses[].commitment`` is
"obligation", ``analyzer.mentions``), never titles, metadata lines, glossary entries, template
blanks or passing mentions.

Regexes run on the accent-folded, lower-cased text (``analyzer.normalize.fold``) so that OCR output
without accents reads the same; captured values (number, body) are cut from the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from analyzer.check.claims import Claim
from analyzer.normalize import fold
from analyzer.taxonomy_facts import default_facts

# From patterns/taxonomy.yaml, their only owner (read with PyYAML: this module runs in the parent).
HDS_TARGETS: tuple[str, ...] = default_facts().hds_targets
CERTIFICATE_OF: Mapping[str, str] = default_facts().certificate_of

# A clause declares the HDS certificate when it names it (not ISO 27001, not SecNumCloud).
_HDS_CERT = re.compile(
    r"certifi\w*\W+(?:de conformite\W+)?(?:\W*\w+\W+){0,3}?"
    r"(?:\bhds\b|hebergeur[s]? de donnees de sante|health data host\w*)"
    r"|(?:\bhds\b|hebergeur de donnees de sante|health data hosting)\W+(?:\w+\W+){0,2}?certifi\w*"
    r"|certified as a health data host\w*|\bhds[- ]certified"
)
_NUMBER = re.compile(
    r"certifi\w*\W+(?:[^.;]{0,60}?)(?:n\s?°|no\.?|number|numero|n[º°o]\.?)\s*[:#]?\s*"
    r"(?P<num>[a-z0-9][a-z0-9\-/.]*\d[a-z0-9\-/]*)", re.I)
_BODY = re.compile(
    r"(?:organisme (?:certificateur|de certification|certifiant)?|certification body"
    r"|certifying body"
    r"|delivre (?:le [^,;]{3,25} )?par(?: l'organisme(?: certificateur)?)?"
    r"|issued (?:on [^,;]{3,25} )?by(?: the certification body)?)\s+"
    r"(?P<body>[a-z][\w&'.\- ]{2,50}?)"
    r"(?=\s*(?:[,;()]|\.\s|\.$| et | and | le | on | accredit| valable| valid|$))"
)
_MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}
_DATE = (r"(?P<d>\d{1,2})(?:er|st|nd|rd|th)?\s+(?P<m>" + "|".join(_MONTHS) + r")\s+(?P<y>\d{4})"
         r"|(?P<d2>\d{1,2})[/.](?P<m2>\d{1,2})[/.](?P<y2>\d{4})")
_ISSUED = re.compile(r"(?:delivre\w*|emis\w*|obtenu\w*|issued|granted|date de delivrance)"
                     r"(?:\s+(?:le|on|du))?\s+(?:" + _DATE + ")")
_EXPIRES = re.compile(r"(?:valable jusqu'?\s*au|expire\w*(?:\s+le)?|valid until|expires?(?:\s+on)?"
                      r"|valide jusqu'?\s*au|date d'expiration|renouvel\w*(?:\s+le|\s+on)?)"
                      r"\s+(?:" + _DATE + ")")
_ACT_NO = r"(?:n\s?[°o]s?\s*|numeros?\s+)?"
_ACT_RANGE = re.compile(r"activit\w*\s+" + _ACT_NO + r"(?P<a>[1-6])\s*(?:a|to|-|\u2013)\s*(?P<b>[1-6])")
_ACT_LIST = re.compile(r"activit\w*\s+" + _ACT_NO + r"(?P<list>[1-6](?:\s*(?:,|et|and|&)\s*[1-6])*)")
_ACT_NAMES = (
    (re.compile(r"sites? physiques?|physical sites?"), "A1"),
    (re.compile(r"infrastructure materielle|hardware infrastructure"), "A2"),
    (re.compile(r"infrastructure virtuelle|virtual infrastructure"), "A3"),
    (re.compile(r"plateforme d'hebergement d'applications|application hosting platform"), "A4"),
    (re.compile(r"administration et (?:d')?exploitation|administration and operation"), "A5"),
    (re.compile(r"sauvegarde (?:externalisee )?des donnees de sante"
                r"|backup of (?:the )?health data"),
     "A6"),
)
_SCOPES = (
    (re.compile(r"infrastructure physique|physical infrastructure"), ("A1", "A2")),
    (re.compile(r"infogereur|infogerant|managed services? host"), ("A3", "A4", "A5", "A6")),
)
_ALL_SIX = re.compile(r"(?:six|6|toutes les|all(?: the)?)\s+activit")


def _parse_date(m: re.Match[str]) -> str | None:
    try:
        if m.group("y"):
            return date(int(m.group("y")), _MONTHS[m.group("m")], int(m.group("d"))).isoformat()
        return date(int(m.group("y2")), int(m.group("m2")), int(m.group("d2"))).isoformat()
    except (ValueError, KeyError, TypeError):
        return None


def _activities(folded: str) -> tuple[set[str], set[str]]:
    """(activities the text lists or names, activities implied by a certificate name it cites).

    The caller prefers the first: "activités 5 et 6 … au titre du certificat « hébergeur
    infogéreur »" covers A5–A6, not the whole A3–A6 range the certificate's name stands for.
    """
    acts: set[str] = set()
    for m in _ACT_RANGE.finditer(folded):
        a, b = sorted((int(m.group("a")), int(m.group("b"))))
        acts.update(f"A{i}" for i in range(a, b + 1))
    for m in _ACT_LIST.finditer(folded):
        acts.update(f"A{d}" for d in re.findall(r"[1-6]", m.group("list")))
    if _ALL_SIX.search(folded):
        acts.update(HDS_TARGETS)
    for regex, target in _ACT_NAMES:
        if regex.search(folded):
            acts.add(target)
    named: set[str] = set()
    for regex, targets in _SCOPES:
        if regex.search(folded):
            named.update(targets)
    return acts, named


@dataclass(frozen=True)
class DeclaredCertificate:
    """What the contract declares of the provider's HDS certificate (the report's
    ``declared_certificate``; absent values are None). ``scope_from``: "activities" (the text
    lists them) or "certificate_name" (implied by the certificate it names); ``clauses``: the
    ids of the clauses that declare it."""

    activities: tuple[str, ...]
    scopes: tuple[str, ...]
    scope_from: str | None
    number: str | None
    body: str | None
    issued: str | None
    valid_until: str | None
    clauses: tuple[str, ...]


@dataclass
class _Reading:
    """What the declaring clauses say so far (``declared_certificate``)."""

    activities: set[str] = field(default_factory=set)
    named: set[str] = field(default_factory=set)
    number: str | None = None
    body: str | None = None
    issued: str | None = None
    valid_until: str | None = None
    clauses: list[str] = field(default_factory=list)


def declared_certificate(clauses: Iterable[tuple[str, str]]) -> DeclaredCertificate | None:
    """What the contract declares of the provider's HDS certificate, or None when no clause
    declares one.

    Args:
        clauses: (clause id, text) of the document's clauses, in order. The clause naming the HDS
            certificate and the clause right after it (scope often follows) are read.
    """
    items = list(clauses)
    found = _Reading()
    for i, (cid, text) in enumerate(items):
        folded = fold(text)
        if not _HDS_CERT.search(folded):
            continue
        window = [(cid, text)]
        following = fold(items[i + 1][1]) if i + 1 < len(items) else ""
        if re.search(r"certifi|perimetre|scope|activit", following):
            window.append(items[i + 1])
        for wid, wtext in window:
            _read_window(found, wid, wtext, wid == cid)
    if not found.clauses:
        return None
    # Listed activities take precedence; the certificate's name only when none is listed.
    activities = tuple(sorted(found.activities or found.named))
    return DeclaredCertificate(
        activities=activities,
        scopes=tuple(sorted({CERTIFICATE_OF[a] for a in activities})),
        scope_from="activities" if found.activities else
        "certificate_name" if found.named else None,
        number=found.number, body=found.body, issued=found.issued,
        valid_until=found.valid_until, clauses=tuple(found.clauses),
    )


def _read_window(found: _Reading, wid: str, wtext: str, naming: bool) -> None:
    """Add what one clause of a declaration's window says (``naming``: the clause that names
    the certificate; the one after it counts only if it names a scope or a number)."""
    wf = fold(wtext)
    acts, named = _activities(wf)
    if not acts and not named and not _NUMBER.search(wtext) and not naming:
        return
    if wid not in found.clauses:
        found.clauses.append(wid)
    found.activities |= acts
    found.named |= named
    if found.number is None and (m := _NUMBER.search(wtext)):
        found.number = m.group("num").rstrip(".")
    if found.body is None and (m := _BODY.search(wf)):
        start, end = m.span("body")
        body = wtext[start:end].strip() if len(wf) == len(wtext) else m.group("body")
        found.body = body.strip(" .'")
    if found.issued is None and (m := _ISSUED.search(wf)):
        found.issued = _parse_date(m)
    if found.valid_until is None and (m := _EXPIRES.search(wf)):
        found.valid_until = _parse_date(m)


def obligation_coverage(claims: Iterable[Claim],
                        declaring: Iterable[str] = ()) -> dict[str, list[str]]:
    """HDS activity → ids of the clauses that bind the provider to it (what requires a
    certificate), in document order (``check.claims``: the analysis's tagged clauses or a
    stored report's). ``declaring``: ids of the clauses that declare the certificate; they
    name activities without undertaking them and never count."""
    out: dict[str, list[str]] = {t: [] for t in HDS_TARGETS}
    skip = set(declaring)
    for claim in claims:
        if claim.id in skip:
            continue
        for t in claim.binds:
            if t in out:
                out[t].append(claim.id)
    return out


def certificate_gaps(declared: DeclaredCertificate | None,
                     coverage: Mapping[str, Sequence[str]]) -> list[str]:
    """HDS activities the clauses make the provider perform outside the declared scope.

    ``coverage`` is ``obligation_coverage`` (excluded clauses and mentions never count). When
    the contract declares no certificate at all but the provider performs HDS activities, one
    gap says so; when the declared scope is unknown (no activity named), nothing is inferred.
    """
    performed = [t for t in HDS_TARGETS if coverage.get(t)]
    if not performed:
        return []
    if declared is None:
        needed = sorted({CERTIFICATE_OF[t] for t in performed})
        return [f"no HDS certificate declared in the contract; activities {', '.join(performed)} "
                f"require {' and '.join(needed)}"]
    if not declared.activities:
        return []
    gaps = []
    for t in performed:
        if t not in declared.activities:
            ids = coverage[t][:5]
            more = "…" if len(coverage[t]) > 5 else ""
            gaps.append(f"{t} ({CERTIFICATE_OF[t]}): performed in clauses {', '.join(ids)}{more} "
                        f"but outside the declared certificate scope "
                        f"({', '.join(declared.activities)})")
    return gaps


def certificate_verdict(declared: Mapping[str, Any] | None, performed: Iterable[str],
                        reference_date: date | None) -> dict[str, Any]:
    """The certificate verdict a reviewer reads: declared scope against activities performed.

    Args:
        declared: the report's ``declared_certificate`` (None when the contract declares none).
        performed: the HDS activities (A1…A6) the provider performs, even only optionally.
        reference_date: the date the validity is judged at; None: expiry is not judged (a
            report never depends on the day it is written).

    Returns:
        ``{"declared": bool, "scope": [...], "scope_known": bool, "performed": [...],
        "gaps": [...], "required": [...], "valid_until": str | None, "expiry": "valid" |
        "expired" | "unchecked" | "unknown", "reference_date": str | None, "ok": bool}``;
        ``expiry`` is "unknown" when the contract gives no end date, "unchecked" when no
        reference date was given.
    """
    acts = [t for t in HDS_TARGETS if t in set(performed)]
    scope = list(declared.get("activities") or []) if declared else []
    scope_known = bool(scope)
    gaps = [t for t in acts if t not in scope] if (declared is None or scope_known) else []
    valid_until = declared.get("valid_until") if declared else None
    if not declared or not valid_until:
        expiry = "unknown"
    elif reference_date is None:
        expiry = "unchecked"
    else:
        try:
            end = date.fromisoformat(str(valid_until))
        except ValueError:
            expiry = "unknown"
        else:
            expiry = "expired" if end < reference_date else "valid"
    return {
        "declared": declared is not None, "scope": scope, "scope_known": scope_known,
        "performed": acts, "gaps": gaps,
        "required": sorted({CERTIFICATE_OF[t] for t in acts}),
        "valid_until": valid_until, "expiry": expiry,
        "reference_date": reference_date.isoformat() if reference_date else None,
        "ok": not gaps and expiry != "expired" and (declared is not None or not acts),
    }
