"""The HDS taxonomy (patterns/taxonomy.yaml): the only place that knows activities and certificates."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator

from analyzer.taxonomy_facts import TaxonomyFacts, default_facts, facts_from_data
from analyzer.yamlfile import read_yaml_model

# The ids of the report schema (DESIGN.md §3), as patterns/taxonomy.yaml states them: a
# taxonomy given with --patterns must keep exactly these ids (checked below).
MAPPING_TARGETS: tuple[str, ...] = default_facts().targets
CHECKLIST_IDS: tuple[str, ...] = default_facts().checklist


class Title(BaseModel):
    """A French and an English title."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    fr: StrictStr
    en: StrictStr


class Target(BaseModel):
    """A mapping target (A1…A6, infogerance, transversal)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: Title
    certificate: Literal["infrastructure_physique", "infogereur"] | None = None


class LayerRemap(BaseModel):
    """A topic that says "the hosted service" without its layer: it maps to the first of
    ``layers`` that the contract provides (through another counted clause's topic), else to
    its own ``mapping``. Availability on an IaaS contract is A3, not A4; "hébergement" on a
    bare-metal contract is the hardware (A2)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    layers: list[StrictStr] = Field(min_length=1)
    explanation: StrictStr


TopicRole = Literal["physical_resource", "where_data_is_hosted"]
"""What the qualify stage needs to know of a topic: ``physical_resource`` (a data centre,
hardware, a platform: possession by the client weakens it, another service can govern it);
``where_data_is_hosted`` (what a sub-processor clause may still tag)."""


class Topic(BaseModel):
    """A topic inside a category, with the targets it maps to and its roles."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: Title
    mapping: list[StrictStr]
    layer_remap: LayerRemap | None = None
    roles: list[TopicRole] = []


class Category(BaseModel):
    """A clause family (hosting, maintenance, …) and its topics."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: Title
    topics: dict[str, Topic]


class ChecklistItem(BaseModel):
    """A mandatory-clause checklist item."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: Title
    reference: StrictStr


class Taxonomy(BaseModel):
    """Validated content of taxonomy.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: Literal[1]
    targets: dict[str, Target]
    categories: dict[str, Category]
    checklist: dict[str, ChecklistItem]

    @model_validator(mode="after")
    def _check_complete(self) -> Taxonomy:
        for what, ids, fixed in (("targets", self.targets, MAPPING_TARGETS),
                                 ("checklist", self.checklist, CHECKLIST_IDS)):
            if set(ids) - set(fixed) or set(fixed) - set(ids):
                raise ValueError(
                    f"{what}: missing {sorted(set(fixed) - set(ids))}, unknown "
                    f"{sorted(set(ids) - set(fixed))} (these ids are fixed by the report "
                    "schema, DESIGN.md §3)")
        for cat_key, cat in self.categories.items():
            for topic_key, topic in cat.topics.items():
                remap = topic.layer_remap.layers if topic.layer_remap else []
                unknown = sorted(set(topic.mapping + remap) - set(self.targets))
                if unknown:
                    raise ValueError(f"categories.{cat_key}.topics.{topic_key}: "
                                     f"unknown targets {unknown}")
        return self

    @cached_property
    def facts(self) -> TaxonomyFacts:
        """Ids, certificates and titles as plain data (what the report and tables need)."""
        return facts_from_data(self.model_dump())

    @cached_property
    def layer_remaps(self) -> dict[str, LayerRemap]:
        """The topics ("category.topic") whose target depends on the layer provided."""
        return {f"{c}.{t}": topic.layer_remap for c, cat in self.categories.items()
                for t, topic in cat.topics.items() if topic.layer_remap}

    def topics_with_role(self, role: TopicRole) -> frozenset[str]:
        """The topics ("category.topic") that have ``role``."""
        return self._roles.get(role, frozenset())

    @cached_property
    def _roles(self) -> dict[str, frozenset[str]]:
        roles: dict[str, set[str]] = {}
        for c, cat in self.categories.items():
            for t, topic in cat.topics.items():
                for role in topic.roles:
                    roles.setdefault(role, set()).add(f"{c}.{t}")
        return {role: frozenset(topics) for role, topics in roles.items()}

    @cached_property
    def topic_keys(self) -> frozenset[str]:
        """All topics as "category.topic"."""
        return frozenset(f"{c}.{t}" for c, cat in self.categories.items() for t in cat.topics)

    def mapping_for(self, topic_key: str) -> list[str]:
        """Mapping targets of a "category.topic" key."""
        category, topic = topic_key.split(".", 1)
        return list(self.categories[category].topics[topic].mapping)

    def certificates_for(self, targets: Iterable[str]) -> list[str]:
        """Certificates an HDS host needs to perform these targets, sorted."""
        certs = {self.targets[t].certificate for t in targets if t in self.targets}
        return sorted(c for c in certs if c)


def load_taxonomy(path: Path) -> Taxonomy:
    """Read and validate a taxonomy file.

    Raises:
        PatternFileError: the file is missing or invalid (message names file and field).
    """
    return read_yaml_model(path, Taxonomy, "taxonomy")
