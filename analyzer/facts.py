"""Key facts read from tagged clauses: hosting locations (EEA or not) and availability rates."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, StrictStr, ValidationError

from analyzer.errors import PatternFileError
from analyzer.nlp import fold

_PERCENT = re.compile(r"(\d{2,3}(?:[.,]\d{1,4})?)\s?%")
_AVAILABILITY = re.compile(r"disponibilit|availab|uptime", re.I)
_LOCATION_TOPICS = {"hosting.location", "hosting.datacenter"}


class Place(BaseModel):
    """A place name and whether it lies in the European Economic Area."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: StrictStr
    aliases: list[StrictStr]
    eea: bool
    country: StrictStr | None = None


class Locations(BaseModel):
    """Content of patterns/locations.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: int
    places: list[Place]


@lru_cache(maxsize=4)
def load_locations(patterns_dir: Path) -> tuple[tuple[re.Pattern[str], Place], ...]:
    """Compile the place gazetteer into folded, word-bounded regexes."""
    path = patterns_dir / "locations.yaml"
    try:
        data = Locations.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as e:
        raise PatternFileError(f"{path}: invalid locations file ({e})") from e
    return tuple(
        (re.compile(r"(?<!\w)(?:" + "|".join(re.escape(fold(a)) for a in p.aliases) + r")(?!\w)"), p)
        for p in data.places
    )


def extract_facts(
    clauses: list[dict[str, Any]], places: tuple[tuple[re.Pattern[str], Place], ...]
) -> dict[str, Any]:
    """Facts from the tagged clauses that are not excluded or mere definitions."""
    locations: dict[str, bool] = {}
    availability: set[float] = set()
    for clause in clauses:
        if clause["status"] in ("excluded", "definition"):
            continue
        text = clause["text"]
        if _LOCATION_TOPICS & set(clause["topics"]):
            folded = fold(text)
            for regex, place in places:
                if regex.search(folded):
                    locations[place.name] = place.eea
        if _AVAILABILITY.search(text):
            for match in _PERCENT.finditer(text):
                value = float(match.group(1).replace(",", "."))
                if 90.0 <= value <= 100.0:
                    availability.add(value)
    return {
        "hosting_locations": sorted(locations),
        "hosting_locations_outside_eea": sorted(n for n, eea in locations.items() if not eea),
        "availability_percent": sorted(availability),
    }
