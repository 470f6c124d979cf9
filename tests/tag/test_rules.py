"""The shipped rule files: every example runs as its own test, and bad rule files stop the run
with the file, the rule id and the field named."""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path

import pytest

from analyzer.errors import PatternFileError
from analyzer.resources import default_patterns_dir
from analyzer.rule_examples import example_cases, rule_matches
from analyzer.rules import RuleSet, load_rules

LANGS = ("fr", "en")


@lru_cache(maxsize=2)
def shipped(lang: str) -> RuleSet:
    """The shipped rule set of a language, loaded once (pipelines are cached per rule set)."""
    return load_rules(default_patterns_dir(), lang)
CATEGORIES = ("hosting", "maintenance", "security", "training", "project_management")


def _cases() -> list:  # type: ignore[type-arg]
    params = []
    for lang in LANGS:
        ruleset = shipped(lang)
        counters: dict[tuple[str, str], int] = {}
        for rule_id, kind, text in example_cases(ruleset):
            n = counters.get((rule_id, kind), 0)
            counters[(rule_id, kind)] = n + 1
            params.append(pytest.param(lang, rule_id, kind, text, id=f"{rule_id}-{kind}{n}"))
    return params


@pytest.mark.parametrize(("lang", "rule_id", "kind", "text"), _cases())
def test_rule_example(lang: str, rule_id: str, kind: str, text: str) -> None:
    ruleset = shipped(lang)
    matched = rule_matches(ruleset, rule_id, text)
    verb = "missed" if kind == "match" else "fired on"
    assert matched == (kind == "match"), f"{rule_id} {verb}: {text!r}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_category_and_topic_has_rules(lang: str) -> None:
    ruleset = shipped(lang)
    topics = {info.topic_key for info in ruleset.by_id.values() if info.topic_key}
    assert topics >= set(ruleset.taxonomy.topic_keys)
    categories = {info.category for info in ruleset.by_id.values()}
    assert categories >= {*CATEGORIES, "checklist", "context"}


@pytest.mark.parametrize("lang", LANGS)
def test_every_checklist_item_has_evidence_rules(lang: str) -> None:
    ruleset = shipped(lang)
    items = {info.rule.item for info in ruleset.by_id.values() if info.category == "checklist"}
    assert items == set(ruleset.taxonomy.checklist)


@pytest.mark.parametrize("lang", LANGS)
def test_every_rule_has_examples_and_description(lang: str) -> None:
    for info in shipped(lang).by_id.values():
        assert info.rule.description.strip(), info.rule.id
        assert info.rule.examples.match, info.rule.id


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        ("LES DONNEES SONT SAUVEGARDEES QUOTIDIENNEMENT.", "fr.hosting.backup"),  # case, accents
        ("La sauvegarde des donnees est quotidienne.", "fr.hosting.backup"),
        ("Les données de santé sont hébergées en France.", "fr.hosting.location"),
        ("Le Prestataire assure l\u2019administration des systèmes.", "fr.maintenance.operations"),
        ("Le Prestataire assure l'administration des systemes.", "fr.maintenance.operations"),
        ("Une revue des HABILITATIONS est réalisée.", "fr.security.access"),
    ],
)
def test_french_rules_are_robust_to_case_accents_and_apostrophes(text: str, rule_id: str) -> None:
    assert rule_matches(shipped("fr"), rule_id, text)


# -- bad rule files ---------------------------------------------------------------------------

GOOD_HEADER = "schema_version: 1\nlang: fr\ncategory: hosting\nrules:\n"


@pytest.fixture
def patterns_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "patterns"
    shutil.copytree(default_patterns_dir(), dest)
    return dest


def _write(patterns: Path, body: str) -> Path:
    path = patterns / "fr" / "hosting.yaml"
    path.write_text(GOOD_HEADER + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("  - id: fr.hosting.broken\n    topic: backup\n    phrases: [sauvegarde]\n"
         "    examples: {match: [sauvegarde]}\n", "description"),
        ("  - id: fr.hosting.broken\n    topic: backup\n    description: x\n"
         "    phrases: [sauvegarde]\n    examples: {match: []}\n", "examples.match"),
        ("  - id: fr.hosting.broken\n    topic: backup\n    description: x\n"
         "    patterns: [[{LOWERR: sauvegarde}]]\n    examples: {match: [sauvegarde]}\n",
         "patterns"),
        ("  - id: fr.hosting.broken\n    topic: backup\n    description: x\n"
         "    phrases: [sauvegarde]\n    colour: red\n    examples: {match: [sauvegarde]}\n",
         "colour"),
        ("  - id: fr.hosting.broken\n    topic: teleportation\n    description: x\n"
         "    phrases: [sauvegarde]\n    examples: {match: [sauvegarde]}\n", "topic"),
        ("  - id: fr.hosting.broken\n    description: x\n"
         "    phrases: [sauvegarde]\n    examples: {match: [sauvegarde]}\n", "topic"),
        ("  - id: fr.hosting.broken\n    topic: backup\n    description: x\n"
         "    examples: {match: [sauvegarde]}\n", "phrases"),
    ],
)
def test_bad_rule_file_names_file_rule_and_field(
    patterns_copy: Path, body: str, field: str
) -> None:
    path = _write(patterns_copy, body)
    with pytest.raises(PatternFileError) as excinfo:
        load_rules(patterns_copy, "fr")
    message = str(excinfo.value)
    assert str(path) in message
    assert "fr.hosting.broken" in message
    assert field.split(".")[0] in message


def test_rule_id_must_match_file(patterns_copy: Path) -> None:
    path = _write(patterns_copy, "  - id: fr.security.misplaced\n    topic: backup\n"
                                 "    description: x\n    phrases: [sauvegarde]\n"
                                 "    examples: {match: [sauvegarde]}\n")
    with pytest.raises(PatternFileError, match=r"fr\.security\.misplaced") as excinfo:
        load_rules(patterns_copy, "fr")
    assert str(path) in str(excinfo.value) and "id" in str(excinfo.value)


def test_duplicate_rule_id_names_both_files(patterns_copy: Path) -> None:
    _write(patterns_copy, "  - id: fr.hosting.backup\n    topic: backup\n    description: x\n"
                          "    phrases: [sauvegarde]\n    examples: {match: [sauvegarde]}\n"
                          "  - id: fr.hosting.backup\n    topic: backup\n    description: y\n"
                          "    phrases: [sauvegarde]\n    examples: {match: [sauvegarde]}\n")
    with pytest.raises(PatternFileError, match="duplicate id"):
        load_rules(patterns_copy, "fr")


def test_invalid_yaml_names_file(patterns_copy: Path) -> None:
    path = patterns_copy / "fr" / "hosting.yaml"
    path.write_text(GOOD_HEADER + "  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(PatternFileError, match="invalid YAML") as excinfo:
        load_rules(patterns_copy, "fr")
    assert str(path) in str(excinfo.value)
