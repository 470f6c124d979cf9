"""The Map stage: tagged clauses → the mapping targets they cover (A1–A6, infogérance,
transversal).

Each tagged clause already carries the targets of its topics (``clauses[].mapping``, from the
taxonomy). This stage does what needs the whole document: the layer remap of the topics that
name the hosted service without its layer (an uptime commitment, "hébergement" said in general:
whatever layer the contract provides) and the coverage of every target by the clauses that
count (included or conditional). Which topic is remapped, when and to what
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


def resolve_service_layers(clauses: Sequence[TaggedClause],
                           ruleset: RuleSet) -> list[TaggedClause]:
    """The clauses whose topics name the hosted service without its layer mapped to the layer
    the document provides (the input is left as it is).

    An uptime commitment, or "hébergement" said in general, is about whatever the provider
    hosts: on an IaaS contract (some counted clause provides virtual infrastructure, A3) it is
    A3; on a bare-metal one the hardware; otherwise the topic's own mapping. Which topics,
    which layers in which order are data: ``layer_remap`` of the topic in taxonomy.yaml; the
    layers provided are read from the clauses' other topics only. A remapped clause's
    explanation says so (``Explanation.remapped``).
    """
    taxonomy = ruleset.taxonomy
    order = taxonomy.facts.targets
    remaps = taxonomy.layer_remaps
    provided = {t for c in clauses if c.status in COUNTED
                for topic in c.topics if topic not in remaps
                for t in taxonomy.mapping_for(topic)}
    layer_of = {}  # remapped topic -> the layer provided, when it is not the topic's own
    for topic, remap in remaps.items():
        layer = next((t for t in remap.layers if t in provided), None)
        if layer is not None and layer not in taxonomy.mapping_for(topic):
            layer_of[topic] = layer
    out = []
    for c in clauses:
        moved = [(topic, layer) for topic in c.topics if (layer := layer_of.get(topic))]
        if not moved:
            out.append(c)
            continue
        targets = {t for topic in c.topics if not layer_of.get(topic)
                   for t in taxonomy.mapping_for(topic)} | {layer for _, layer in moved}
        explanation = c.explanation
        for topic, layer in moved:
            explanation = explanation.remapped(remaps[topic].explanation, layer)
        out.append(replace(c, mapping=tuple(sorted(targets, key=order.index)),
                           explanation=explanation))
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
    """The Map stage: the clauses whose topics name no layer remapped to the layer provided,
    and the coverage of every target of the run's taxonomy."""
    mapped = resolve_service_layers(clauses, ruleset)
    return mapped, coverage(mapped, ruleset.taxonomy.facts.targets)
