"""The Check stage of one document: checklist, declared certificate against the activities the
provider is bound to, key facts and the confidence of each HDS activity verdict."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from analyzer.check.activities import activity_confidence
from analyzer.check.certificate import (
    DeclaredCertificate,
    certificate_gaps,
    declared_certificate,
    obligation_coverage,
)
from analyzer.check.checklist import ChecklistItem, Evidence, checklist
from analyzer.check.claims import Claim, claims_of
from analyzer.check.facts import Facts, extract_facts, load_fact_vocabulary, load_locations
from analyzer.models import Segment, TaggedClause
from analyzer.rules import RuleSet


@dataclass(frozen=True)
class CertificateCheck:
    """The declared certificate (None: the contract declares none), the clauses binding the
    provider to each HDS activity, the certificates that requires and the gaps."""

    declared: DeclaredCertificate | None
    obligations: Mapping[str, list[str]]
    required: list[str]
    gaps: list[str]


@dataclass(frozen=True)
class CheckResult:
    """What the Check stage found in one document (converted to the report by
    ``analyzer.report_json.build_report``)."""

    checklist: tuple[ChecklistItem, ...]
    certificate: CertificateCheck
    facts: Facts
    activity_confidence: dict[str, str]


def check_certificate(claims: Sequence[Claim], segments: Sequence[Segment],
                      ruleset: RuleSet) -> CertificateCheck:
    """The certificate the body text declares, against what the clauses bind the provider to."""
    declared = declared_certificate((s.id, s.text) for s in segments if s.kind != "heading")
    obliged = obligation_coverage(claims, declared.clauses if declared else ())
    required = ruleset.taxonomy.certificates_for(t for t, ids in obliged.items() if ids)
    return CertificateCheck(declared, obliged, required, certificate_gaps(declared, obliged))


def run_checks(clauses: Sequence[TaggedClause], segments: Sequence[Segment], evidence: Evidence,
               ruleset: RuleSet, patterns_dir: Path) -> CheckResult:
    """Every check of one tagged, mapped document in ``ruleset.lang``."""
    claims = claims_of(clauses)
    certificate = check_certificate(claims, segments, ruleset)
    facts = extract_facts(
        clauses, load_locations(patterns_dir),
        ((s.id, s.text, tuple(s.heading_path)) for s in segments if s.kind != "heading"),
        load_fact_vocabulary(patterns_dir, ruleset.lang),
    )
    declared = certificate.declared
    return CheckResult(
        checklist=checklist(evidence, ruleset.taxonomy.facts.checklist),
        certificate=certificate,
        facts=facts,
        activity_confidence=activity_confidence(claims, declared.clauses if declared else ()),
    )
