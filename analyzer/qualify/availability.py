"""The availability remap (moved here unchanged; it belongs to the Map stage, where r11-core
puts it as ``analyzer.mapping``: this module is deleted when both land)."""

from __future__ import annotations

from typing import Any

from analyzer.rules import RuleSet
from analyzer.taxonomy import MAPPING_TARGETS


def resolve_availability_layer(clauses: list[dict[str, Any]], ruleset: RuleSet) -> None:
    """Map availability commitments to the service layer the document provides (in place).

    An uptime commitment is a commitment on whatever the provider hosts: on an IaaS contract
    (some counted clause provides virtual infrastructure, A3) it maps to A3; otherwise (SaaS,
    hosted application, platform) to A4, the taxonomy default. Which topic, which layer and
    which target are data: ``layer_remap`` of the topic in taxonomy.yaml.
    """
    for remapped, remap in ruleset.taxonomy.layer_remaps.items():
        provided = any(
            remap.when_provided in ruleset.taxonomy.mapping_for(topic)
            for c in clauses if c["status"] in ("included", "conditional")
            for topic in c["topics"] if topic != remapped
        )
        if not provided:
            continue
        for c in clauses:
            if remapped not in c["topics"]:
                continue
            targets = {t for topic in c["topics"] if topic != remapped
                       for t in ruleset.taxonomy.mapping_for(topic)}
            targets.add(remap.maps_to)
            c["mapping"] = sorted(targets, key=MAPPING_TARGETS.index)
            c["explanation"] += f"; {remap.explanation} → {remap.maps_to}"

