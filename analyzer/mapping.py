"""The Map stage: tagged clauses → the mapping targets they cover (A1–A6, infogérance,
transversal).

Each tagged clause already carries the targets of its topics (``clauses[].mapping``, from the
taxonomy). This stage does what needs the whole document: the availability layer remap (an
uptime commitment is on whatever layer the contract provides) and the coverage of every target
by the clauses that count (included or conditional). Which topic is remapped, when and to what
is data: ``layer_remap`` of the topic in ``patterns/taxonomy.yaml``; the target ids and their
order are the run's taxonomy facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from analyzer.models import TaggedClause
from analyzer.statuses import COUNTED

if TYPE_CHECKING:
    from analyzer.rules import RuleSet


@dataclass(frozen=True)
class Coverage:
    """Every mapping target (taxonomy order) → ids of the counted clauses mapped to it, in
    document order (the report's ``coverage``)."""

    by_target: Mapping[str, tuple[str, ...]]

    def as_dict(self) -> dict[str, list[str]]:
        """The report's ``coverage`` mapping."""
        return {target: list(ids) for target, ids in self.by_target.items()}


def resolve_availability_layer(clauses: Sequence[TaggedClause],
                               ruleset: RuleSet) -> list[TaggedClause]:
    """The clauses with availability commitments mapped to the service layer the document
    provides (the input is left as it is).

    An uptime commitment is a commitment on whatever the provider hosts: on an IaaS contract
    (some counted clause provides virtual infrastructure, A3) it maps to A3; otherwise (SaaS,
    hosted application, platform) to A4, the taxonomy default. Which topic, which layer and
    which target are data: ``layer_remap`` of the topic in taxonomy.yaml. A remapped clause's
    explanation says so (``Explanation.remapped``).
    """
    taxonomy = ruleset.taxonomy
    order = taxonomy.facts.targets
    out = list(clauses)
    for remapped, remap in taxonomy.layer_remaps.items():
        provided = any(
            remap.when_provided in taxonomy.mapping_for(topic)
            for c in out if c.status in COUNTED
            for topic in c.topics if topic != remapped
        )
        if not provided:
            continue
        for i, c in enumerate(out):
            if remapped not in c.topics:
                continue
            targets = {t for topic in c.topics if topic != remapped
                       for t in taxonomy.mapping_for(topic)}
            targets.add(remap.maps_to)
            out[i] = replace(c, mapping=tuple(sorted(targets, key=order.index)),
                             explanation=c.explanation.remapped(remap.explanation, remap.maps_to))
    return out


def coverage(clauses: Iterable[TaggedClause], targets: Sequence[str]) -> Coverage:
    """Which counted clauses (included or conditional) cover each target."""
    found: dict[str, list[str]] = {t: [] for t in targets}
    for c in clauses:
        if c.status in COUNTED:
            for target in c.mapping:
                found[target].append(c.id)
    return Coverage({t: tuple(ids) for t, ids in found.items()})


def map_clauses(clauses: Sequence[TaggedClause],
                ruleset: RuleSet) -> tuple[list[TaggedClause], Coverage]:
    """The Map stage: the clauses with availability commitments remapped to the layer
    provided, and the coverage of every target of the run's taxonomy."""
    mapped = resolve_availability_layer(clauses, ruleset)
    return mapped, coverage(mapped, ruleset.taxonomy.facts.targets)
