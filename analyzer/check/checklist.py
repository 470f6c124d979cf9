"""The checklist of art. R.1111-11 CSP: one item per mandatory clause, from the evidence rules.

A tagged clause gives evidence for an item (``checks`` of ``tagging.tag_clause``) with the
status of its hit. An item is "present" when some evidence is not excluded, "excluded" when the
contract only excludes it, "missing" otherwise. The item ids and their order are the run's
taxonomy facts (``checklist`` of ``patterns/taxonomy.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

ItemStatus = Literal["present", "excluded", "missing"]
Evidence = Mapping[str, Sequence[tuple[str, str]]]
"""Checklist item id → (clause id, hit status) of every clause that gives evidence for it."""


@dataclass(frozen=True)
class ChecklistItem:
    """One item of the checklist, with the clauses its status rests on (sorted ids)."""

    id: str
    status: ItemStatus
    clauses: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The item as the report's ``checklist[]`` entry."""
        return {"id": self.id, "status": self.status, "clauses": list(self.clauses)}


def checklist(evidence: Evidence, item_ids: Iterable[str]) -> tuple[ChecklistItem, ...]:
    """The status of every item, in taxonomy order."""
    items = []
    for item in item_ids:
        found = evidence.get(item, [])
        present = tuple(sorted({cid for cid, st in found if st != "excluded"}))
        excluded = tuple(sorted({cid for cid, st in found if st == "excluded"}))
        if present:
            items.append(ChecklistItem(item, "present", present))
        elif excluded:
            items.append(ChecklistItem(item, "excluded", excluded))
        else:
            items.append(ChecklistItem(item, "missing", ()))
    return tuple(items)
