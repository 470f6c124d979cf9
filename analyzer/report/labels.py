"""Words for the ids of the taxonomy and of the report: titles of targets, categories, topics
and checklist items, target and certificate labels, dates, how a clause is cited.

Used by every renderer (html, review_view, tables, memo). The titles come from a
``TaxonomyFacts`` the caller passes (the taxonomy of the run); without one, the shipped
taxonomy's (``analyzer.taxonomy_facts.default_facts``, read once). Nothing here reads a file
of its own or imports Jinja.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from analyzer.report.i18n import DEFAULT_UI_LANG, Messages
from analyzer.report.verdict import clause_ref
from analyzer.statuses import CLAUSE_STATUSES
from analyzer.taxonomy_facts import TaxonomyFacts, default_facts

STATUSES: tuple[str, ...] = CLAUSE_STATUSES


def title(kind: str, key: str, lang: str, tax: TaxonomyFacts | None = None) -> str:
    """Title of a target, category, topic ("category.topic") or checklist item in ``lang``
    (``kind`` one of ``analyzer.taxonomy_facts.TITLE_KINDS``)."""
    return (tax or default_facts()).title(kind, key, lang)


def category_label(key: str, lang: str = DEFAULT_UI_LANG, tax: TaxonomyFacts | None = None) -> str:
    """Label of a category in the interface language."""
    return title("categories", key, lang, tax)


def lower_first(text: str) -> str:
    """'Sauvegarde' -> 'sauvegarde' inside a sentence; acronyms ('TMA', 'PaaS') unchanged."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def target_label(target: str, m: Messages, *, long: bool = True,
                 tax: TaxonomyFacts | None = None) -> str:
    """'A6' -> 'activité 6 (sauvegarde des données de santé)'; infogérance, transversal."""
    name = title("targets", target, m.lang, tax)
    if re.fullmatch(r"A[1-6]", target):
        return m("target.activity_long", n=target[1:], title=lower_first(name)) if long \
            else m("target.activity", n=target[1:])
    if m.has(f"target.{target}"):
        return m(f"target.{target}")
    return target


def target_short(target: str, m: Messages) -> str:
    """Short code shown on chips and filters: A1…A6, 'Infogérance', 'Transverse'."""
    return m(f"target.short.{target}") if m.has(f"target.short.{target}") else target


def certificate_label(key: str, m: Messages) -> str:
    """Name of a certificate type (``infogereur``, ``infrastructure_physique``)."""
    return m(f"certificate.{key}") if m.has(f"certificate.{key}") else key


def format_date(value: Any, m: Messages) -> str:
    """An ISO date as '1er mars 2025' / '1 March 2025'; other values unchanged."""
    try:
        d = date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    day = m("date.first_day") if d.day == 1 and m.has("date.first_day") else str(d.day)
    return m("date.format", day=day, month=m(f"date.month.{d.month}"), year=d.year)


def ref_label(clause: Mapping[str, Any] | None, m: Messages) -> str:
    """How a clause is cited: 'art. 7.2', 'art. 4, point a)', 'art. 7, al. 2' — never an
    internal id. Uses the ``_ref`` that ``reference_index`` put in the index, when there."""
    ref = (clause or {}).get("_ref") or clause_ref(clause)
    if ref["kind"] == "article":
        return m("ref.article", number=ref["number"])
    if ref["kind"] == "number":
        page = (clause or {}).get("page")
        return m("ref.item_page", number=ref["number"], page=page) if page is not None \
            else m("ref.item", number=ref["number"])
    if ref["kind"] == "article_item":
        return m("ref.article_item", article=ref["article"], number=ref["number"])
    if ref["kind"] == "article_para":
        return m("ref.article_para", number=ref["number"], para=ref["para"])
    if ref["kind"] == "heading_para":
        return m("ref.heading_para", heading=ref["heading"], para=ref["para"])
    if ref["kind"] == "para":
        return m("ref.para", para=ref["para"])
    if ref["kind"] == "page":
        return m("ref.page", page=ref["page"])
    return m("ref.none")
