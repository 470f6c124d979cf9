"""The HDS taxonomy (patterns/taxonomy.yaml): the only place that knows activities and certificates."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, StrictStr, model_validator

from analyzer.yamlfile import read_yaml_model

MappingTarget = Literal["A1", "A2", "A3", "A4", "A5", "A6", "infogerance", "transversal"]
MAPPING_TARGETS: tuple[str, ...] = ("A1", "A2", "A3", "A4", "A5", "A6", "infogerance", "transversal")
CHECKLIST_IDS: tuple[str, ...] = (
    "r1111_11_1_certificate",
    "r1111_11_2_services",
    "r1111_11_3_locations",
    "r1111_11_4_rights",
    "r1111_11_5_referent",
    "r1111_11_6_sla",
    "r1111_11_7_subcontractors",
    "r1111_11_8_access",
    "r1111_11_9_changes",
    "r1111_11_10_failure",
    "r1111_11_11_end",
    "r1111_11_13_return",
    "l1111_8_destruction",
    "hds2_eea_storage",
    "hds2_third_country_access",
)


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


class Topic(BaseModel):
    """A topic inside a category, with the targets it maps to."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: Title
    mapping: list[MappingTarget]


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
    targets: dict[MappingTarget, Target]
    categories: dict[str, Category]
    checklist: dict[str, ChecklistItem]

    @model_validator(mode="after")
    def _check_complete(self) -> Taxonomy:
        missing_targets = set(MAPPING_TARGETS) - set(self.targets)
        if missing_targets:
            raise ValueError(f"targets: missing {sorted(missing_targets)}")
        missing_items = set(CHECKLIST_IDS) - set(self.checklist)
        if missing_items:
            raise ValueError(f"checklist: missing {sorted(missing_items)}")
        return self

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
