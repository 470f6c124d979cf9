"""Key facts as a lawyer reads them, in the interface language (HTML report and Word memo).

Every fact is a labelled value from the message catalogues: "Dijon (France, EEE)", "Amsterdam
(Pays-Bas, EEE)", "30 min (incident bloquant), 4 h (majeur)", "quotidienne"; never a raw dump
of the JSON ("name: Dijon; country: France; eea: yes"). Place names are the gazetteer's
(English) names, translated by the catalogues' ``facts.place.*`` keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from analyzer.report.i18n import Messages

_HIDDEN = ("hosting_location_details", "service_levels")  # folded into other rows


def fmt_value(value: Any, m: Messages) -> str:
    """Plain-text rendering of a value of any JSON shape, in the interface language; a mapping
    shows its values, not its keys."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return m("value.yes") if value else m("value.no")
    if isinstance(value, float):
        text = f"{value:g}"
        return text.replace(".", m("value.decimal_sep"))
    if isinstance(value, Mapping):
        return ", ".join(fmt_value(v, m) for v in value.values() if v not in (None, "", []))
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt_value(v, m) for v in value) if value else "—"
    return str(value)


def duration(minutes: Any, m: Messages) -> str:
    """30 → "30 min", 240 → "4 h", 2880 → "2 jours"."""
    try:
        value = float(minutes)
    except (TypeError, ValueError):
        return str(minutes)
    if value >= 1440 and value % 1440 == 0:
        return m("unit.days", n=int(value // 1440))
    if value >= 60 and value % 60 == 0:
        return m("unit.hours", n=int(value // 60))
    return m("unit.minutes", n=fmt_value(value if value % 1 else int(value), m))


def frequency(value: str, m: Messages) -> str:
    """A backup frequency key ("daily", "every 4h") in words."""
    every = re.fullmatch(r"every (\d+)h", value)
    if every:
        return m("freq.every_hours", n=every.group(1))
    return m(f"freq.{value}") if m.has(f"freq.{value}") else value


def place_name(name: str, m: Messages) -> str:
    """A gazetteer name in the interface language ("Netherlands" → "Pays-Bas")."""
    return m(f"facts.place.{name}") if m.has(f"facts.place.{name}") else name


def place(detail: Mapping[str, Any], m: Messages) -> str:
    """"Dijon (France, EEE)", "Amsterdam (Pays-Bas, EEE)", "Singapour (hors EEE)"."""
    name = place_name(str(detail.get("name", "")), m)
    country = place_name(str(detail.get("country") or ""), m)
    eea = m("fact.eea") if detail.get("eea") else m("fact.outside_eea")
    inside = ", ".join(x for x in (country if country != name else "", eea) if x)
    return f"{name} ({inside})"


def _levels(facts: Mapping[str, Any], metric: str, m: Messages) -> str | None:
    """The durations of one metric with their severity ("30 min (incident bloquant)"), from
    ``service_levels``; None when the report has no severity for it."""
    levels = [lv for lv in facts.get("service_levels") or []
              if isinstance(lv, Mapping) and lv.get("metric") == metric]
    if not any(lv.get("severity") for lv in levels):
        return None
    parts = []
    for lv in levels:
        value = duration(lv.get("value"), m) if lv.get("unit") == "minutes" \
            else m("unit.percent", n=fmt_value(lv.get("value"), m))
        severity = lv.get("severity")
        text = m("facts.with_severity", value=value, severity=severity) if severity else value
        if text not in parts:
            parts.append(text)
    return ", ".join(parts)


def _value(key: str, value: Any, facts: Mapping[str, Any], m: Messages) -> str:
    details = facts.get("hosting_location_details")
    if key == "hosting_locations" and isinstance(details, list) and details:
        return ", ".join(place(d, m) for d in details if isinstance(d, Mapping))
    if not value:
        return m("facts.not_found")
    if key.endswith("_minutes") and isinstance(value, list):
        return _levels(facts, key.removesuffix("_minutes"), m) \
            or ", ".join(duration(v, m) for v in value)
    if key.endswith("_days") and isinstance(value, list):
        return ", ".join(m("unit.days", n=fmt_value(v, m)) for v in value)
    if key.endswith("_percent") and isinstance(value, list):
        return _levels(facts, "availability", m) \
            or ", ".join(m("unit.percent", n=fmt_value(v, m)) for v in value)
    if key in ("office_locations", "hosting_locations_outside_eea", "hosting_locations") \
            and isinstance(value, list):
        return ", ".join(place_name(str(v), m) for v in value)
    if key == "backup_frequency" and isinstance(value, list):
        return ", ".join(frequency(str(v), m) for v in value)
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        return "; ".join(fmt_value(v, m) for v in value)
    return fmt_value(value, m)


def fact_rows(facts: Mapping[str, Any], m: Messages) -> list[dict[str, Any]]:
    """Key facts as ``{"key", "label", "value", "found"}`` rows, sorted by key; the details of
    hosting locations and the severities of service levels are folded into the rows they
    qualify."""
    rows = []
    for key in sorted(facts):
        if key in _HIDDEN:
            continue
        value = facts[key]
        label = m(f"facts.label.{key}") if m.has(f"facts.label.{key}") else \
            m(f"fact.{key}") if m.has(f"fact.{key}") else key.replace("_", " ").capitalize()
        rows.append({"key": key, "label": label, "value": _value(key, value, facts, m),
                     "found": bool(value)})
    return rows
