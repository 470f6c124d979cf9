"""Key facts read from the clauses: hosting locations (EEA or not) told apart from office
addresses, availability rates, intervention/restoration times and recovery objectives in
minutes with their severity (``analyzer.check.service_levels``, also from SLA tables), backup
frequency and retention, named subcontractors.

Tagged clauses that are excluded or mere definitions give no facts (an excluded backup clause
says nothing about the provider's backups). A place is a hosting location when a data-centre
cue precedes it ("datacenter situé à"), an office when an address or registered-office cue does
("dont le siège social est à"); in a hosting-location clause without either, a hosting one.
Regexes run on the accent-folded, lower-cased text (``analyzer.normalize.fold``), so "Sauvegarde
quotidienne" and OCR's "sauvegarde quotidienne" read the same; the cue and SLA vocabulary is
data (``patterns/facts/<lang>.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, StrictStr, ValidationError

from analyzer.cache import yaml_data
from analyzer.check.service_levels import (
    CELL,
    DURATION,
    PERCENT,
    FactVocabulary,
    ServiceLevel,
    duration_minutes,
    line_levels,
    service_levels,
)
from analyzer.errors import PatternFileError
from analyzer.models import TaggedClause
from analyzer.normalize import fold
from analyzer.resources import default_patterns_dir
from analyzer.statuses import COUNTED
from analyzer.yamlfile import any_of, read_yaml_model

__all__ = ["FactVocabulary", "Facts", "HostingPlace", "ServiceLevel", "duration_minutes",
           "extract_facts", "find_backup", "find_subcontractors", "find_times",
           "load_fact_vocabulary", "load_locations", "place_role"]

_LOCATION_TOPICS = {"hosting.location", "hosting.datacenter"}
_CUE_WINDOW = 120  # a location cue counts within this many characters before the place
_SENTENCE_END = re.compile(r"[.;!?](?:\s|$)|\n")

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
        data = Locations.model_validate(yaml_data(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as e:
        raise PatternFileError(f"{path}: invalid locations file ({e})") from e
    return tuple(
        (re.compile(r"(?<!\w)(?:" + "|".join(re.escape(fold(a)) for a in p.aliases) + r")(?!\w)"), p)
        for p in data.places
    )


class FactFile(BaseModel):
    """Content of ``patterns/facts/<lang>.yaml`` (regular expressions on folded text)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: int
    times: dict[Literal["gti_minutes", "gtr_minutes", "rpo_minutes", "rto_minutes"],
                list[StrictStr]]
    availability: list[StrictStr]
    not_availability: list[StrictStr]
    severity: list[StrictStr]
    datacentre_cues: list[StrictStr]
    hosting_cues: list[StrictStr]
    office_cues: list[StrictStr]
    address: list[StrictStr]


@lru_cache(maxsize=8)
def load_fact_vocabulary(patterns_dir: Path, lang: str) -> FactVocabulary:
    """Compile ``<patterns_dir>/facts/<lang>.yaml`` (the packaged file when a custom patterns
    folder has none).

    Raises:
        PatternFileError: the file is invalid or holds an invalid regular expression.
    """
    path = patterns_dir / "facts" / f"{lang}.yaml"
    if not path.is_file():
        path = default_patterns_dir() / "facts" / f"{lang}.yaml"
    data = read_yaml_model(path, FactFile, "fact vocabulary")
    return FactVocabulary(
        times={k: any_of(path, f"times.{k}", list(v)) for k, v in sorted(data.times.items())},
        availability=any_of(path, "availability", data.availability),
        not_availability=any_of(path, "not_availability", data.not_availability),
        severity=any_of(path, "severity", data.severity),
        datacentre=any_of(path, "datacentre_cues", data.datacentre_cues),
        hosting=any_of(path, "hosting_cues", data.hosting_cues),
        office=any_of(path, "office_cues", data.office_cues),
        address=any_of(path, "address", data.address),
    )


def find_times(folded: str, vocab: FactVocabulary) -> dict[str, list[float | int]]:
    """GTI/GTR/RPO/RTO durations (minutes) in a folded text: the first duration after each
    keyword (``analyzer.check.service_levels.line_levels``)."""
    found: dict[str, list[float | int]] = {}
    for level in line_levels(folded, vocab):
        values = found.setdefault(f"{level.metric}_minutes", [])
        if level.value not in values:
            values.append(level.value)
    return found


def place_role(folded: str, start: int, vocab: FactVocabulary) -> str | None:
    """Who a place is, from the nearest cue before it in its sentence: "datacentre" after a
    data-centre cue ("datacenter situé à"), "hosting" after a hosting one ("hébergées en"),
    "office" after a registered-office one ("dont le siège social est"), None without a cue.

    A postal address ("12 rue …, 75008") belongs to the data centre or office named before it
    ("centre de données AZD-1, 24 rue des Entrepôts, 69200 Vénissieux"); alone, or after a mere
    hosting verb, it is an office's.
    """
    window = folded[max(0, start - _CUE_WINDOW):start]
    ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    if ends:
        window = window[ends[-1]:]

    def last(regex: re.Pattern[str]) -> int:
        return max((m.end() for m in regex.finditer(window)), default=-1)

    cues = {"datacentre": last(vocab.datacentre), "hosting": last(vocab.hosting),
            "office": last(vocab.office)}
    address = last(vocab.address)
    role, end = max(cues.items(), key=lambda kv: kv[1])
    if address > end:
        owner = max(("datacentre", "office"), key=lambda r: cues[r])
        return owner if cues[owner] >= 0 else "office"
    return role if end >= 0 else None


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


def _place_index(places: tuple[tuple[re.Pattern[str], Place], ...],
                 ) -> tuple[re.Pattern[str], dict[str, Place]]:
    """One regex for every alias of the gazetteer (longest first) and the place of each folded
    alias: a text is searched once, not once per place."""
    by_alias = {fold(a): p for _regex, p in reversed(places) for a in p.aliases}
    aliases = sorted(by_alias, key=len, reverse=True)
    regex = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in aliases) + r")(?!\w)")
    return regex, by_alias


def _places(folded: str, index: tuple[re.Pattern[str], dict[str, Place]],
            vocab: FactVocabulary, located: bool) -> Iterable[tuple[str, Place]]:
    """("hosting" | "office", place) of the places a text names. In a clause about hosting
    locations (``located``) a place without a cue is a hosting one; elsewhere only a
    data-centre cue makes it one."""
    regex, by_alias = index
    for m in regex.finditer(folded):
        role = place_role(folded, m.start(), vocab)
        if role == "office":
            yield role, by_alias[m.group(0)]
        elif role == "datacentre" or (located and role in ("hosting", None)):
            yield "hosting", by_alias[m.group(0)]


def _availability(text: str, folded: str, vocab: FactVocabulary) -> set[float]:
    if not vocab.availability.search(folded) or vocab.not_availability.search(folded):
        return set()
    values = {float(m.group(1).replace(",", ".")) for m in PERCENT.finditer(text)}
    return {v for v in values if 90.0 <= v <= 100.0}


def _sla_text(text: str, folded: str, clause: TaggedClause | None,
              vocab: FactVocabulary) -> bool:
    """Service levels are read in counted tagged clauses, table rows and SLA lines ("GTI –
    incident bloquant … 30 minutes")."""
    if clause is not None:
        return True
    if CELL in text:
        return True
    head = folded[:40]
    return any(r.match(head.lstrip(" -•*")) for r in vocab.times.values()) \
        and bool(DURATION.search(folded))


@dataclass(frozen=True)
class HostingPlace:
    """A hosting location of the report's ``facts.hosting_location_details``."""

    name: str
    country: str
    eea: bool
    kind: str  # "country" | "region" | "city"


@dataclass(frozen=True)
class Facts:
    """The key facts of a document (the report's ``facts``; every list sorted, times in
    minutes)."""

    hosting_locations: tuple[str, ...]
    hosting_locations_outside_eea: tuple[str, ...]
    hosting_location_details: tuple[HostingPlace, ...]
    office_locations: tuple[str, ...]
    availability_percent: tuple[float, ...]
    gti_minutes: tuple[float | int, ...]
    gtr_minutes: tuple[float | int, ...]
    rpo_minutes: tuple[float | int, ...]
    rto_minutes: tuple[float | int, ...]
    service_levels: tuple[ServiceLevel, ...]
    backup_frequency: tuple[str, ...]
    backup_retention_days: tuple[int, ...]
    subcontractors: tuple[str, ...]


@dataclass
class _Found:
    """What the clauses of a document say, gathered clause by clause."""

    hosting: dict[str, Place] = field(default_factory=dict)
    offices: dict[str, Place] = field(default_factory=dict)
    availability: set[float] = field(default_factory=set)
    freqs: set[str] = field(default_factory=set)
    retention: set[int] = field(default_factory=set)
    subcontractors: set[str] = field(default_factory=set)
    sla_texts: list[tuple[str, str]] = field(default_factory=list)
    """(text, folded text) of each clause, ("", "") where no service level is to be read."""


def extract_facts(
    clauses: Sequence[TaggedClause],
    places: tuple[tuple[re.Pattern[str], Place], ...],
    segments: Iterable[tuple[str, str, tuple[str, ...]]] = (),
    vocab: FactVocabulary | None = None,
) -> Facts:
    """Facts from the document's clauses; tagged clauses that are excluded or mere definitions
    give none.

    Args:
        clauses: the document's tagged clauses.
        places: the gazetteer (``load_locations``).
        segments: (id, text, heading path) of every clause of the document, in order: table
            rows and SLA lines give service levels even when untagged, a place after a
            data-centre cue is a hosting site in any clause, and sub-processor lists give named
            subcontractors.
        vocab: the document language's fact vocabulary (default: French).
    """
    vocab = vocab or load_fact_vocabulary(default_patterns_dir(), "fr")
    tagged = {c.id: c for c in clauses}
    items = list(segments) or [(c.id, c.text, c.heading_path) for c in clauses]
    found = _Found()
    index = _place_index(places)
    folded_headings: dict[tuple[str, ...], str] = {}
    for sid, text, headings in items:
        if headings not in folded_headings:
            folded_headings[headings] = fold(" ".join(headings))
        _read_clause(found, tagged.get(sid), text, folded_headings[headings], index, vocab)
    return _facts(found, service_levels(found.sla_texts, vocab))


def _read_clause(found: _Found, clause: TaggedClause | None, text: str, headings: str,
                 index: tuple[re.Pattern[str], dict[str, Place]], vocab: FactVocabulary) -> None:
    """Add what one clause says (``clause``: its tagged entry, None when untagged; ``headings``:
    its folded heading path)."""
    folded = fold(text)
    if _SUBCONTRACT_CUE.search(headings + " " + folded):
        found.subcontractors |= find_subcontractors(text)
    if clause is not None and clause.status not in COUNTED:
        found.sla_texts.append(("", ""))
        return
    located = clause is not None and bool(_LOCATION_TOPICS & set(clause.topics))
    for role, place in _places(folded, index, vocab, located):
        (found.hosting if role == "hosting" else found.offices)[place.name] = place
    if clause is not None or CELL in text:
        found.availability |= _availability(text, folded, vocab)
    if clause is not None and _BACKUP_TOPIC in clause.topics:
        f, r = find_backup(folded)
        found.freqs |= f
        found.retention |= r
    found.sla_texts.append((text, folded) if _sla_text(text, folded, clause, vocab) else ("", ""))


def _facts(found: _Found, levels: list[ServiceLevel]) -> Facts:
    """The report's ``facts``, every list sorted."""
    availability = found.availability | {float(lv.value) for lv in levels
                                         if lv.unit == "percent"}

    def minutes(metric: str) -> tuple[float | int, ...]:
        return tuple(sorted({lv.value for lv in levels if lv.metric == metric}))

    hosting = found.hosting
    return Facts(
        hosting_locations=tuple(sorted(hosting)),
        hosting_locations_outside_eea=tuple(sorted(n for n, p in hosting.items() if not p.eea)),
        hosting_location_details=tuple(
            HostingPlace(n, p.country or n, p.eea, p.kind or ("city" if p.country else "country"))
            for n, p in sorted(hosting.items())),
        office_locations=tuple(sorted(n for n in found.offices if n not in hosting)),
        availability_percent=tuple(sorted(availability)),
        gti_minutes=minutes("gti"), gtr_minutes=minutes("gtr"),
        rpo_minutes=minutes("rpo"), rto_minutes=minutes("rto"),
        service_levels=tuple(levels),
        backup_frequency=tuple(sorted(found.freqs)),
        backup_retention_days=tuple(sorted(found.retention)),
        subcontractors=tuple(sorted(found.subcontractors)),
    )
