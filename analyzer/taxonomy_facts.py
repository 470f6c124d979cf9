"""The facts of the taxonomy (patterns/taxonomy.yaml) as plain data: targets, certificates,
categories, checklist ids and titles.

``patterns/taxonomy.yaml`` is their only owner. ``analyzer.taxonomy`` validates the file with
pydantic and hands out these facts (``Taxonomy.facts``); the batch parent process, which must
not import pydantic, spaCy or Jinja, reads them with PyYAML alone (``read_facts``). Both go
through ``facts_from_data``, so the two readings cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from analyzer.cache import yaml_data
from analyzer.errors import PatternFileError

TITLE_KINDS = ("targets", "categories", "topics", "checklist", "references")


@dataclass(frozen=True)
class TaxonomyFacts:
    """Ids in file order, certificate of each HDS activity, and fr/en titles by kind and key."""

    targets: tuple[str, ...]
    certificate_of: Mapping[str, str]
    categories: tuple[str, ...]
    checklist: tuple[str, ...]
    titles: Mapping[str, Mapping[str, Mapping[str, str]]] = field(repr=False)

    @property
    def hds_targets(self) -> tuple[str, ...]:
        """The HDS activities: the targets that need a certificate (A1…A6)."""
        return tuple(t for t in self.targets if t in self.certificate_of)

    @property
    def other_targets(self) -> tuple[str, ...]:
        """The targets outside the HDS activities (infogerance, transversal)."""
        return tuple(t for t in self.targets if t not in self.certificate_of)

    def title(self, kind: str, key: str, lang: str) -> str:
        """Title of a target, category, topic ("category.topic") or checklist item; for an
        unknown key, the key itself (targets) or the key in words."""
        titles = self.titles.get(kind, {}).get(key)
        if not titles:
            return key.replace("_", " ").capitalize() if kind != "targets" else key
        return titles.get(lang) or titles.get("en") or key


def facts_from_data(data: Mapping[str, Any]) -> TaxonomyFacts:
    """The facts of a loaded taxonomy (the YAML mapping, or a validated model's dump)."""
    titles: dict[str, dict[str, dict[str, str]]] = {k: {} for k in TITLE_KINDS}
    for key, target in data["targets"].items():
        titles["targets"][key] = dict(target["title"])
    for cat_key, cat in data["categories"].items():
        titles["categories"][cat_key] = dict(cat["title"])
        for topic_key, topic in cat["topics"].items():
            titles["topics"][f"{cat_key}.{topic_key}"] = dict(topic["title"])
    for item_key, item in data["checklist"].items():
        titles["checklist"][item_key] = dict(item["title"])
        titles["references"][item_key] = {"fr": item["reference"], "en": item["reference"]}
    return TaxonomyFacts(
        targets=tuple(data["targets"]),
        certificate_of={k: str(t["certificate"]) for k, t in data["targets"].items()
                        if t.get("certificate")},
        categories=tuple(data["categories"]),
        checklist=tuple(data["checklist"]),
        titles=titles,
    )


def read_facts(path: Path) -> TaxonomyFacts:
    """Read the facts of a taxonomy file with PyYAML only (no validation beyond the shape).

    Raises:
        PatternFileError: the file is unreadable or not shaped like a taxonomy.
    """
    try:
        data = yaml_data(path.read_text(encoding="utf-8"))
        return facts_from_data(data)
    except (OSError, UnicodeDecodeError) as e:
        raise PatternFileError(f"{path}: cannot read taxonomy ({e})") from e
    except yaml.YAMLError as e:
        raise PatternFileError(f"{path}: invalid YAML ({e})") from e
    except (KeyError, TypeError, AttributeError) as e:
        raise PatternFileError(f"{path}: invalid taxonomy ({e!r})") from e


@lru_cache(maxsize=1)
def default_facts() -> TaxonomyFacts:
    """The facts of the shipped taxonomy, read once (the ids of the report schema).

    Raises:
        PatternFileError: the shipped taxonomy is missing or broken (an installation error).
    """
    from analyzer.resources import default_patterns_dir

    return read_facts(default_patterns_dir() / "taxonomy.yaml")
