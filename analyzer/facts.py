"""Key facts read from the clauses: hosting locations (EEA or not), availability rates,
intervention/restoration times and recovery objectives in minutes, backup frequency and
retention, named subcontractors.

Only clauses that are not excluded or mere definitions give facts (an excluded backup clause
says nothing about the provider's backups). Regexes run on the accent-folded, lower-cased text
(``analyzer.nlp.fold``), so "Sauvegarde quotidienne" and OCR's "sauvegarde quotidienne" read the
same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, StrictStr, ValidationError

from analyzer.errors import PatternFileError
from analyzer.nlp import fold

_PERCENT = re.compile(r"(\d{2,3}(?:[.,]\d{1,7})?)\s?%")
_AVAILABILITY = re.compile(r"disponibilit|availab|uptime")
_LOCATION_TOPICS = {"hosting.location", "hosting.datacenter"}
_COUNTED = ("included", "conditional")

# A duration: "30 minutes", "4h", "huit (8) heures", "2 jours ouvrés", "one (1) hour".
_DURATION = re.compile(
    r"(?<![\w.,])(?P<n>\d+(?:[.,]\d+)?)\s*\)?\s*"
    r"(?P<u>minutes?|mn|mins?|h(?:eures?|ours?|rs?)?|jours?|days?|business days?|"
    r"semaines?|weeks?)(?![a-z])"
)
_UNIT_MINUTES = {"m": 1, "h": 60, "j": 1440, "d": 1440, "b": 1440, "s": 10080, "w": 10080}
_TIME_KEYS: dict[str, re.Pattern[str]] = {
    "gti_minutes": re.compile(
        r"\bgti\b|garantie de temps d'intervention|temps d'intervention|delai d'intervention"
        r"|response time|intervention time|temps de prise en charge|delai de prise en charge"),
    "gtr_minutes": re.compile(
        r"\bgtr\b|garantie de temps de (?:retablissement|resolution)|temps de (?:retablissement"
        r"|resolution)|delai de (?:retablissement|resolution)|resolution time|restoration time"
        r"|time to restore|time to resolve"),
    "rpo_minutes": re.compile(r"\brpo\b|recovery point objective|perte de donnees maximale"),
    "rto_minutes": re.compile(r"\brto\b|recovery time objective|duree maximale de retablissement"
                              r"|delai de reprise"),
}
_TIME_WINDOW = 160  # a duration must follow its keyword within this many characters

_BACKUP_TOPIC = "hosting.backup"
_FREQUENCIES = (
    (re.compile(r"toutes les (\d+) ?h(?:eures?)?|every (\d+) hours?"), "every {}h"),
    (re.compile(r"\bhoraires?\b|hourly|toutes les heures|every hour"), "hourly"),
    (re.compile(r"quotidien\w*|journali\w*|chaque (?:jour|nuit)|daily|nightly|every (?:day|night)"
                r"|tous les jours|chaque soir"), "daily"),
    (re.compile(r"hebdomadaire\w*|chaque semaine|weekly|every week"), "weekly"),
    (re.compile(r"mensuel\w*|chaque mois|monthly|every month"), "monthly"),
)
_RETENTION_CUE = re.compile(r"retention|retenu|conserv\w*|retained|kept|stored for|historique"
                            r"|duree de conservation")
_RETENTION = re.compile(
    r"(?<![\w.,])(?P<n>\d+)\s*\)?\s*(?P<u>jours?|days?|semaines?|weeks?|mois|months?|ans?|annees?"
    r"|years?)(?![a-z])")
_RETENTION_DAYS = {"j": 1, "d": 1, "s": 7, "w": 7, "m": 30, "a": 365, "y": 365}

_SUBCONTRACT_CUE = re.compile(r"sous-trait|subcontract|sub-contract|sub-?processor"
                              r"|prestataires? techniques? externes?|third-party provider")
_LEGAL_FORMS = (r"SAS|SASU|SA|SARL|SNC|SCOP|GIE|GmbH|AG|SE|B\.V\.|BV|N\.V\.|NV|Ltd\.?|Limited|"
                r"Inc\.?|LLC|LLP|PLC|plc|S\.p\.A\.|SpA|S\.r\.l\.|S\.L\.|Oy|AB|A/S|sp\. z o\.o\.")
_ORG_WITH_FORM = re.compile(
    r"\b(?P<org>[A-Z0-9ÉÈÀ][\w&'\u2019.\-]*(?:\s+(?:[A-Z0-9ÉÈÀ&][\w&'\u2019.\-]*|de|du|des|von|van|der))"
    r"{0,5}\s+(?:" + _LEGAL_FORMS + r"))(?![\w])")
_ORG_SOCIETE = re.compile(
    r"\b(?:la société|société|the company|company)\s+(?P<org>[A-ZÉÈ][\w&'\u2019\-]*"
    r"(?:\s+[A-ZÉÈ][\w&'\u2019\-]*){0,4})")


class Place(BaseModel):
    """A place name and whether it lies in the European Economic Area."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: StrictStr
    aliases: list[StrictStr]
    eea: bool
    country: StrictStr | None = None
    kind: Literal["country", "region", "city"] | None = None  # default: city if country is set


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


def duration_minutes(number: str, unit: str) -> float:
    """Normalise "4" + "heures" (or h, hours, jours, days, weeks…) to minutes."""
    value = float(number.replace(",", "."))
    key = "m" if unit.startswith(("min", "mn")) else unit[0]
    return value * _UNIT_MINUTES[key]


def _number(value: float) -> float | int:
    return int(value) if value == int(value) else value


def find_times(folded: str) -> dict[str, list[float | int]]:
    """GTI/GTR/RPO/RTO durations (minutes) in a folded text: first duration after each keyword."""
    found: dict[str, list[float | int]] = {}
    for key, regex in _TIME_KEYS.items():
        for m in regex.finditer(folded):
            window = folded[m.end():m.end() + _TIME_WINDOW]
            d = _DURATION.search(window)
            if d:
                value = _number(duration_minutes(d.group("n"), d.group("u")))
                if value not in found.setdefault(key, []):
                    found[key].append(value)
    return found


def find_backup(folded: str) -> tuple[set[str], set[int]]:
    """Backup frequencies ("daily", "every 4h") and retention periods (days) in a folded text."""
    freqs: set[str] = set()
    for regex, label in _FREQUENCIES:
        for m in regex.finditer(folded):
            groups = [g for g in m.groups() if g]
            freqs.add(label.format(groups[0]) if groups else label)
    days: set[int] = set()
    for cue in _RETENTION_CUE.finditer(folded):
        window = folded[max(cue.start() - 60, 0):cue.end() + 100]
        for m in _RETENTION.finditer(window):
            days.add(int(m.group("n")) * _RETENTION_DAYS[m.group("u")[0]])
    return freqs, days


def find_subcontractors(text: str) -> set[str]:
    """Organisation names (with a legal form, or after "la société") in a clause's text."""
    names = {m.group("org").strip(" ,") for m in _ORG_WITH_FORM.finditer(text)}
    names |= {m.group("org").strip(" .,") for m in _ORG_SOCIETE.finditer(text)}
    return {n for n in names if len(n) > 2 and not n.isdigit()}


def extract_facts(
    clauses: list[dict[str, Any]],
    places: tuple[tuple[re.Pattern[str], Place], ...],
    segments: Iterable[tuple[str, str, tuple[str, ...]]] = (),
) -> dict[str, Any]:
    """Facts from the tagged clauses that are not excluded or mere definitions.

    Args:
        clauses: the report's tagged clauses.
        places: the gazetteer (``load_locations``).
        segments: (id, text, heading path) of every clause of the document, for the facts that
            live in untagged clauses too (named subcontractors in a sub-processor list).
    """
    locations: dict[str, Place] = {}
    availability: set[float] = set()
    times: dict[str, set[float | int]] = {k: set() for k in _TIME_KEYS}
    freqs: set[str] = set()
    retention: set[int] = set()
    for clause in clauses:
        if clause["status"] not in _COUNTED:
            continue
        text = clause["text"]
        folded = fold(text)
        topics = set(clause["topics"])
        if _LOCATION_TOPICS & topics:
            for regex, place in places:
                if regex.search(folded):
                    locations[place.name] = place
        if _AVAILABILITY.search(folded):
            for match in _PERCENT.finditer(text):
                value = float(match.group(1).replace(",", "."))
                if 90.0 <= value <= 100.0:
                    availability.add(value)
        for key, values in find_times(folded).items():
            times[key].update(values)
        if _BACKUP_TOPIC in topics:
            f, r = find_backup(folded)
            freqs |= f
            retention |= r
    subcontractors: set[str] = set()
    for _sid, text, headings in segments:
        context = fold(" ".join((*headings, text)))
        if _SUBCONTRACT_CUE.search(context):
            subcontractors |= find_subcontractors(text)
    return {
        "hosting_locations": sorted(locations),
        "hosting_locations_outside_eea": sorted(n for n, p in locations.items() if not p.eea),
        "hosting_location_details": [
            {"name": n, "country": p.country or n, "eea": p.eea,
             "kind": p.kind or ("city" if p.country else "country")}
            for n, p in sorted(locations.items())
        ],
        "availability_percent": sorted(availability),
        **{k: sorted(v) for k, v in times.items()},
        "backup_frequency": sorted(freqs),
        "backup_retention_days": sorted(retention),
        "subcontractors": sorted(subcontractors),
    }
