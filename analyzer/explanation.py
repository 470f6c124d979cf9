"""Why the tag stage tagged a clause as it did, as a typed value with its parts.

``Explanation.text()`` (also ``str()``) writes the report's ``explanation`` field, e.g.
``Matched en.hosting.platform_general «platform»; topics hosting.platform → A4; glossary
definition, not counted as coverage; clause model clause-logreg-1: hosting 0.50 (cs:hosting+,
q:definitions-)``.

It is English on purpose: it is the audit trail of the rules and the model, shown as is in a
finding's technical details; the reader's plain-language explanation is built from the report
fields by ``analyzer.report.explain``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class PassedStatus:
    """The status a clause takes from its lead-in or heading, and the cues that state it."""

    source: str  # "the lead-in" | "its heading"
    status: str  # excluded | conditional
    cues: tuple[str, ...]

    def text(self) -> str:
        """"excluded by the lead-in «Ne sont pas compris»"."""
        return f"{self.status} by {self.source} «{', '.join(self.cues)}»"


@dataclass(frozen=True)
class ModelNote:
    """The clause model's decision on one category: its probability and the signed reasons."""

    category: str
    probability: float
    reasons: tuple[tuple[str, float], ...]  # (feature name, weight)

    def text(self) -> str:
        """"hosting 0.91 (hits+, heading-)"."""
        why = ", ".join(f"{name}{'+' if w > 0 else '-'}" for name, w in self.reasons)
        return f"{self.category} {self.probability:.2f} ({why})"


@dataclass(frozen=True)
class Explanation:
    """The parts of a finding's explanation.

    ``matched`` are the clause's own rule hits (rule id, matched text); without any, the
    category came from ``inherited_from`` ("the heading", "the lead-in"). ``cues`` are the texts
    of the context cues behind ``status``. ``remaps`` are the notes of the Map stage's layer
    remap ("availability of the virtual infrastructure this contract provides → A3").
    """

    matched: tuple[tuple[str, str], ...]
    inherited_from: str
    topics: tuple[str, ...]
    targets: tuple[str, ...]
    status: str
    cues: tuple[str, ...] = ()
    passed: PassedStatus | None = None
    model_name: str | None = None
    model_notes: tuple[ModelNote, ...] = ()
    remaps: tuple[str, ...] = ()

    def remapped(self, explanation: str, maps_to: str) -> Explanation:
        """The explanation with a layer remap note added (the taxonomy's ``layer_remap``)."""
        return replace(self, remaps=(*self.remaps, f"{explanation} → {maps_to}"))

    def text(self) -> str:
        """The report's ``explanation`` string: the parts joined by "; "."""
        if self.matched:
            head = "Matched " + ", ".join(f"{rule} «{text}»" for rule, text in self.matched)
        else:
            head = f"Category from {self.inherited_from}"
        parts = [head, f"topics {', '.join(self.topics)} → {', '.join(self.targets)}"]
        status = self._status_text()
        if status:
            parts.append(status)
        if self.passed is not None:
            parts.append(self.passed.text())
        if self.model_notes:
            notes = "; ".join(n.text() for n in self.model_notes)
            parts.append(f"clause model {self.model_name}: {notes}")
        parts += self.remaps
        return "; ".join(parts)

    __str__ = text

    def _status_text(self) -> str:
        if self.status == "definition":
            return "glossary definition, not counted as coverage"
        if self.status == "excluded":
            return f"excluded by «{'», «'.join(self.cues)}»" if self.cues else "excluded"
        if self.status == "conditional":
            return f"conditional on «{'», «'.join(self.cues)}»"
        return ""

