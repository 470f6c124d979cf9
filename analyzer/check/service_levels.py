"""Service levels read from SLA lines and tables: GTI/GTR, RPO/RTO (minutes), availability (%).

Three shapes are read, on the accent-folded, lower-cased text (``analyzer.normalize.fold``):

- a line or sentence: "GTI – incident bloquant … 30 minutes", "RPO de 15 minutes" (the first
  duration after the keyword, before the next keyword, with the severity named in between);
- a table whose header row names the metrics ("Gravité | GTI | GTR" then "Bloquant | 30 min |
  4 h"): each cell under a metric column, the row's first cell as the severity;
- a table whose header row names the severities ("Indicateur | Bloquant | Majeur") and whose
  rows start with a metric ("GTI | 30 min | 2 h").

Table rows are segments whose cells the extractors join with " | " (``analyzer.extract``).
The vocabulary (``FactVocabulary``) is data: ``patterns/facts/<lang>.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

CELL = " | "
WINDOW = 160  # a duration must follow its keyword within this many characters
PERCENT = re.compile(r"(\d{2,3}(?:[.,]\d{1,7})?)\s?%")

# A duration: "30 minutes", "4h", "huit (8) heures", "2 jours ouvrés", "one (1) hour".
DURATION = re.compile(
    r"(?<![\w.,])(?P<n>\d+(?:[.,]\d+)?)\s*\)?\s*"
    r"(?P<u>minutes?|mn|mins?|h(?:eures?|ours?|rs?)?|jours?|days?|business days?|"
    r"semaines?|weeks?)(?![a-z])"
)
_UNIT_MINUTES = {"m": 1, "h": 60, "j": 1440, "d": 1440, "b": 1440, "s": 10080, "w": 10080}


@dataclass(frozen=True)
class FactVocabulary:
    """The compiled fact vocabulary of one language."""

    times: dict[str, re.Pattern[str]]
    availability: re.Pattern[str]
    not_availability: re.Pattern[str]
    severity: re.Pattern[str]
    datacentre: re.Pattern[str]
    hosting: re.Pattern[str]
    office: re.Pattern[str]
    address: re.Pattern[str]

    def metric_at(self, cell: str) -> str | None:
        """The metric a header cell or a row label names ("GTI", "Disponibilité"), if any."""
        for key, regex in self.times.items():
            if regex.search(cell):
                return key
        return "availability_percent" if self.availability.search(cell) else None


def duration_minutes(number: str, unit: str) -> float:
    """Normalise "4" + "heures" (or h, hours, jours, days, weeks…) to minutes."""
    value = float(number.replace(",", "."))
    key = "m" if unit.startswith(("min", "mn")) else unit[0]
    return value * _UNIT_MINUTES[key]


def number(value: float) -> float | int:
    """30.0 → 30; 1.5 stays 1.5."""
    return int(value) if value == int(value) else value


def _first_duration(text: str) -> tuple[float | int, int] | None:
    d = DURATION.search(text)
    return (number(duration_minutes(d.group("n"), d.group("u"))), d.start()) if d else None


def _percent(text: str) -> float | None:
    for match in PERCENT.finditer(text):
        value = float(match.group(1).replace(",", "."))
        if 90.0 <= value <= 100.0:
            return value
    return None


def _severity(folded: str, vocab: FactVocabulary, original: str = "") -> str | None:
    """The longest severity named in ``folded``, as written in ``original`` when the two align
    (folding kept the length), else folded."""
    found = [m for m in vocab.severity.finditer(folded)]
    if not found:
        return None
    best = max(found, key=lambda m: m.end() - m.start())
    source = original if len(original) == len(folded) else folded
    return source[best.start():best.end()].strip()


def _only_severity(folded: str, vocab: FactVocabulary, original: str) -> str | None:
    """The severity a text names when it names only one ("pour les incidents bloquants, GTI
    de 30 minutes"); None when it names several (which goes with which is not told)."""
    found = {m.group(0).strip() for m in vocab.severity.finditer(folded)}
    return _severity(folded, vocab, original) if len(found) == 1 else None


@dataclass(frozen=True)
class ServiceLevel:
    """One service level: ``metric`` "gti" | "gtr" | "rpo" | "rto" | "availability", its
    ``value`` in ``unit`` ("minutes" | "percent"), and the severity it applies to, if told."""

    metric: str
    value: float | int
    unit: str
    severity: str | None


def _level(metric: str, value: float | int, severity: str | None) -> ServiceLevel:
    return ServiceLevel(metric.removesuffix("_minutes").removesuffix("_percent"), value,
                        "percent" if metric.endswith("_percent") else "minutes", severity)


def line_levels(folded: str, vocab: FactVocabulary, original: str = "") -> list[ServiceLevel]:
    """Durations after their keyword in a sentence, line or single table row; the severity is
    the one named between keyword and duration, else the only one the text names."""
    original = original if len(original) == len(folded) else folded
    keys = sorted(((m.start(), m.end(), key) for key, regex in vocab.times.items()
                   for m in regex.finditer(folded)))
    out = []
    for n, (_start, end, key) in enumerate(keys):
        stop = min([s for s, _e, k in keys[n + 1:] if k != key and s >= end] + [end + WINDOW])
        found = _first_duration(folded[end:stop])
        if found is None:
            continue
        value, at = found
        severity = (_severity(folded[end:end + at], vocab, original[end:end + at])
                    or _only_severity(folded, vocab, original))
        level = _level(key, value, severity)
        if level not in out:
            out.append(level)
    return out


def _header(cells: list[str], shown: list[str],
            vocab: FactVocabulary) -> tuple[str, dict[int, str]] | None:
    """("metrics", {column: metric}) or ("severities", {column: severity}) for a header row
    (no duration in it), else None."""
    if any(DURATION.search(c) or PERCENT.search(c) for c in cells):
        return None
    metrics = {i: k for i, c in enumerate(cells) if (k := vocab.metric_at(c))}
    if metrics:
        return "metrics", metrics
    severities = {i: s for i, (c, o) in enumerate(zip(cells, shown, strict=True))
                  if (s := _severity(c, vocab, o))}
    return ("severities", severities) if len(severities) >= 2 else None


def _row_levels(cells: list[str], shown: list[str], header: tuple[str, dict[int, str]],
                vocab: FactVocabulary) -> list[ServiceLevel]:
    """The levels of a table row under its header; ``shown``: the cells as written."""
    kind, columns = header
    out = []
    if kind == "metrics":
        label = next((i for i, c in enumerate(cells) if i not in columns and c), None)
        severity = None if label is None else (
            _severity(cells[label], vocab, shown[label]) or shown[label])
        pairs = [(columns[i], cells[i], severity) for i in columns if i < len(cells)]
    else:
        metric = vocab.metric_at(cells[0]) if cells else None
        if metric is None:
            return []
        pairs = [(metric, cells[i], columns[i]) for i in columns if i < len(cells)]
    for metric, cell, severity in pairs:
        if metric == "availability_percent":
            if any(vocab.not_availability.search(c) for c in cells):
                continue
            pct = _percent(cell)
            if pct is not None:
                out.append(_level(metric, pct, severity))
        elif (found := _first_duration(cell)) is not None:
            out.append(_level(metric, found[0], severity))
    return out


def service_levels(texts: Iterable[tuple[str, str]],
                   vocab: FactVocabulary) -> list[ServiceLevel]:
    """Every service level of a run of segments in document order (table rows consecutive).

    Args:
        texts: the segments' (text as written, folded text), in order.
        vocab: the document language's vocabulary.

    Returns the ``ServiceLevel``s without repeats.
    """
    out: list[ServiceLevel] = []
    header: tuple[str, dict[int, str]] | None = None
    for text, folded in texts:
        if CELL not in text:
            header = None
            levels = line_levels(folded, vocab, text)
            out += [lv for lv in levels if lv not in out]
            continue
        cells = [c.strip() for c in folded.split("|")]
        shown = [c.strip() for c in text.split("|")]
        if len(shown) != len(cells):
            shown = cells
        new = _header(cells, shown, vocab)
        if new is not None:
            header, levels = new, []
        elif header is not None:
            levels = (_row_levels(cells, shown, header, vocab)
                      or line_levels(folded, vocab, text))
        else:
            levels = line_levels(folded, vocab, text)
        out += [lv for lv in levels if lv not in out]
    return out
