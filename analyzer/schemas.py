"""Pydantic models of the JSON report (schema ``hds-analyzer/report/1``, DESIGN.md §4).

They document and check the stable interface: every field named in DESIGN.md is required here;
more fields may be added (``extra="allow"``). ``validate_report`` is used by the tests and by
anyone consuming reports.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from analyzer.taxonomy_facts import default_facts


def _one_of(ids: tuple[str, ...], what: str) -> AfterValidator:
    """A check that a string is one of ``ids`` (taken from patterns/taxonomy.yaml)."""
    def check(value: str) -> str:
        if value not in ids:
            raise ValueError(f"unknown {what} {value!r} (expected one of {', '.join(ids)})")
        return value
    return AfterValidator(check)


# The ids of the schema are those of the shipped taxonomy, its only owner (DESIGN.md §3).
MappingTarget = Annotated[str, _one_of(default_facts().targets, "mapping target")]
Activity = Annotated[str, _one_of(default_facts().hds_targets, "HDS activity")]
Certificate = Annotated[str, _one_of(tuple(sorted(set(default_facts().certificate_of.values()))),
                                     "certificate")]

Status = Literal["included", "excluded", "conditional", "definition"]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class DocumentInfo(_Open):
    """``document``: what was read."""

    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    format: Literal["pdf", "docx", "txt", "md", "odt", "rtf", "doc"]
    language: Literal["fr", "en"]
    pages: int | None
    ocr_pages: list[int]
    warnings: list[str]


class Hit(_Open):
    """One rule match."""

    rule: str
    start: int
    end: int
    text: str


class Clause(_Open):
    """One tagged clause."""

    id: str = Field(pattern=r"^c\d{4,}$")
    number: str | None
    heading_path: list[str]
    page: int | None
    start: int
    end: int
    text: str
    categories: list[Literal["hosting", "maintenance", "security", "training",
                             "project_management"]] = Field(min_length=1)
    topics: list[str]
    mapping: list[MappingTarget]
    status: Status
    party: Literal["provider", "client"]
    hits: list[Hit]  # empty when the category comes from the heading or the list's lead-in
    explanation: str
    # optional (added later): does the clause bind the provider (analyzer/mentions.py)
    commitment: Literal["obligation", "mention"] | None = None
    commitment_reason: Literal["definition", "excluded", "client", "placeholder", "metadata",
                               "title", "mutual", "passing", "description", "weak_rule",
                               "inherited"] | None = None
    obligation_mapping: list[MappingTarget] | None = None


class ChecklistEntry(_Open):
    """One mandatory-clause item."""

    id: str
    status: Literal["present", "missing", "excluded"]
    clauses: list[str]


class Report(_Open):
    """A whole per-document report."""

    schema_: Literal["hds-analyzer/report/1"] = Field(alias="schema")
    document: DocumentInfo
    clauses: list[Clause]
    coverage: dict[MappingTarget, list[str]]
    certificates_required: list[Certificate]
    checklist: list[ChecklistEntry] = Field(min_length=15)
    facts: dict[str, Any]
    activity_confidence: dict[Activity,
                              Literal["strong", "weak"]] | None = None  # optional (added later)


def validate_report(data: dict[str, Any]) -> Report:
    """Validate a report dict; raises ``pydantic.ValidationError`` when it breaks the schema."""
    return Report.model_validate(data)
