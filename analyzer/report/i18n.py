"""Interface language of the reports, index, tables and CLI messages (French by default).

Every user-facing string comes from one message catalogue per language,
``analyzer/report/messages/<lang>.yaml`` (flat ``key: text`` pairs, ``str.format`` placeholders).
The catalogues are validated when loaded: same keys and same placeholders in every language, so a
missing translation fails the test suite instead of showing an English word in a French report.

The options that change what a report shows without changing the analysis (the interface language
and the reference date of the certificate's expiry check) travel as :class:`ReportOptions`. The
CLI exports them in the environment (``HDS_ANALYZER_UI_LANG``, ``HDS_ANALYZER_REFERENCE_DATE``)
before a scan, so the worker processes that render the reports see them too; explicit arguments
win over the environment.
"""

from __future__ import annotations

import os
import string
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from analyzer.cache import yaml_data
from analyzer.errors import AnalyzerError

UI_LANGS: tuple[str, ...] = ("fr", "en")
DEFAULT_UI_LANG = "fr"
ENV_UI_LANG = "HDS_ANALYZER_UI_LANG"
ENV_REFERENCE_DATE = "HDS_ANALYZER_REFERENCE_DATE"


class MessageCatalogueError(AnalyzerError):
    """A message catalogue is missing, malformed, or out of step with the other languages."""


def _placeholders(text: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


@dataclass(frozen=True)
class Messages:
    """The messages of one interface language; ``m("key", n=3)`` formats one."""

    lang: str
    table: dict[str, str]

    def __call__(self, key: str, /, **values: Any) -> str:
        try:
            text = self.table[key]
        except KeyError:
            raise MessageCatalogueError(f"message {key!r} is missing from the {self.lang!r} "
                                        "catalogue") from None
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        """Whether the catalogue holds ``key``."""
        return key in self.table

    def subset(self, prefix: str) -> dict[str, str]:
        """The messages whose key starts with ``prefix`` (for the page scripts)."""
        return {k: v for k, v in sorted(self.table.items()) if k.startswith(prefix)}


def _read(lang: str) -> dict[str, str]:
    resource = files("analyzer.report") / "messages" / f"{lang}.yaml"
    try:
        data = yaml_data(resource.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise MessageCatalogueError(f"messages/{lang}.yaml: cannot read: {e}") from e
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise MessageCatalogueError(f"messages/{lang}.yaml: expected a mapping of message "
                                    "keys to strings")
    return data


@cache
def _catalogues() -> dict[str, dict[str, str]]:
    tables = {lang: _read(lang) for lang in UI_LANGS}
    reference = tables[DEFAULT_UI_LANG]
    for lang, table in tables.items():
        missing = sorted(set(reference) - set(table))
        extra = sorted(set(table) - set(reference))
        if missing or extra:
            raise MessageCatalogueError(
                f"messages/{lang}.yaml: keys out of step with messages/{DEFAULT_UI_LANG}.yaml: "
                f"missing {missing[:5]}, extra {extra[:5]}")
        for key, text in table.items():
            if _placeholders(text) != _placeholders(reference[key]):
                raise MessageCatalogueError(
                    f"messages/{lang}.yaml: {key}: placeholders "
                    f"{sorted(_placeholders(text))} differ from "
                    f"{sorted(_placeholders(reference[key]))} in {DEFAULT_UI_LANG}.yaml")
    return tables


def messages(lang: str) -> Messages:
    """The catalogue of an interface language (``fr`` or ``en``).

    Raises:
        MessageCatalogueError: unknown language, or the catalogues are inconsistent.
    """
    if lang not in UI_LANGS:
        raise MessageCatalogueError(f"unknown interface language {lang!r}: choose among "
                                    f"{', '.join(UI_LANGS)}")
    return Messages(lang, _catalogues()[lang])


def parse_reference_date(value: str) -> date:
    """A ``YYYY-MM-DD`` date.

    Raises:
        ValueError: not a valid ISO date.
    """
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


@dataclass(frozen=True)
class ReportOptions:
    """What a report shows besides the analysis: interface language, expiry reference date.

    Without a reference date the certificate's expiry is not judged (the report says so): a
    report never depends on the day it was written, so the same input and options give the same
    bytes.
    """

    ui_lang: str = DEFAULT_UI_LANG
    reference_date: date | None = None

    def __post_init__(self) -> None:
        if self.ui_lang not in UI_LANGS:
            raise MessageCatalogueError(f"unknown interface language {self.ui_lang!r}")

    @property
    def m(self) -> Messages:
        """The messages of ``ui_lang``."""
        return messages(self.ui_lang)

    def env(self) -> dict[str, str]:
        """These options as environment variables (for worker processes)."""
        out = {ENV_UI_LANG: self.ui_lang}
        out[ENV_REFERENCE_DATE] = self.reference_date.isoformat() if self.reference_date else ""
        return out

    def to_json(self) -> dict[str, str | None]:
        """A JSON-able record of the options."""
        return {"ui_lang": self.ui_lang,
                "reference_date": self.reference_date.isoformat() if self.reference_date
                else None}


def options_from_env() -> ReportOptions:
    """The options exported by the CLI, or the defaults (French, no reference date).

    Raises:
        MessageCatalogueError / ValueError: the environment holds an invalid value.
    """
    lang = os.environ.get(ENV_UI_LANG, "").strip() or DEFAULT_UI_LANG
    ref = os.environ.get(ENV_REFERENCE_DATE, "").strip()
    return ReportOptions(lang, parse_reference_date(ref) if ref else None)


def resolve(options: ReportOptions | None = None, *, ui_lang: str | None = None,
            reference_date: date | None = None) -> ReportOptions:
    """Explicit options, else explicit fields over the environment's options."""
    if options is not None:
        return options
    base = options_from_env()
    return ReportOptions(ui_lang or base.ui_lang,
                         reference_date if reference_date is not None else base.reference_date)


OPTIONS_FILE = "report-options.cfg"  # JSON; not *.json, which are the reports


def recorded_options(out_dir: Any) -> ReportOptions | None:
    """The options the reports of a scan output folder were last written with, if recorded."""
    import json
    from pathlib import Path

    path = Path(out_dir) / OPTIONS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ref = data.get("reference_date")
        return ReportOptions(str(data.get("ui_lang") or DEFAULT_UI_LANG),
                             parse_reference_date(ref) if ref else None)
    except (OSError, ValueError, AttributeError, MessageCatalogueError):
        return None
