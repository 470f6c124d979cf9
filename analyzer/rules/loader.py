"""Load, validate and index the rule files of one language."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.errors import PatternFileError
from analyzer.rules.schema import LEXICON_FILE, SPECIAL_CATEGORIES, LexiconFile, Rule, RuleFile
from analyzer.taxonomy import Taxonomy, load_taxonomy
from analyzer.yamlfile import read_yaml_model


@dataclass(frozen=True)
class RuleInfo:
    """A rule with where it comes from."""

    rule: Rule
    category: str
    lang: str
    source: str

    @property
    def topic_key(self) -> str | None:
        """"category.topic" for tagging rules, else None."""
        return f"{self.category}.{self.rule.topic}" if self.rule.topic else None


@dataclass(frozen=True, eq=False)  # hashed by identity: one pipeline per loaded rule set
class RuleSet:
    """All validated rules of one language, indexed by id, plus the taxonomy."""

    lang: str
    taxonomy: Taxonomy
    by_id: dict[str, RuleInfo]
    lexicon: LexiconFile

    def words(self, list_id: str) -> list[str]:
        """The words of lexicon list ``<lang>.lexicon.<list_id>`` (empty when absent)."""
        wanted = f"{self.lang}.lexicon.{list_id}"
        return next((list(w.words) for w in self.lexicon.lists if w.id == wanted), [])

    def span_ruler_patterns(self) -> list[dict[str, Any]]:
        """SpanRuler entries in a stable order: label = category, id = rule id."""
        entries: list[dict[str, Any]] = []
        for rule_id in sorted(self.by_id):
            info = self.by_id[rule_id]
            for phrase in info.rule.phrases or []:
                entries.append({"label": info.category, "id": rule_id, "pattern": phrase})
            for pattern in info.rule.patterns or []:
                entries.append({"label": info.category, "id": rule_id, "pattern": pattern})
        return entries


def _rule_field(data: Any, loc: list[Any]) -> str:
    """Field path of a validation error, prefixed with the rule id when it is inside a rule."""
    where = ".".join(str(p) for p in loc)
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        try:
            rule_id = data["rules"][loc[1]].get("id", "?")
        except (KeyError, IndexError, TypeError, AttributeError):
            rule_id = "?"
        return f"rule {rule_id}: {where}"
    return where


def _check_rule(path: Path, rf: RuleFile, rule: Rule, taxonomy: Taxonomy) -> None:
    def fail(msg: str) -> PatternFileError:
        return PatternFileError(f"{path}: rule {rule.id}: {msg}")

    prefix = f"{rf.lang}.{rf.category}."
    if not rule.id.startswith(prefix):
        raise fail(f"id: must start with '{prefix}' (language and category of the file)")
    if rf.category == "checklist":
        if rule.item not in taxonomy.checklist:
            raise fail(f"item: '{rule.item}' is not a checklist item of taxonomy.yaml")
        if rule.topic or rule.qualifier:
            raise fail("topic/qualifier: not allowed in a checklist rule")
    elif rf.category == "context":
        if rule.qualifier is None:
            raise fail("qualifier: required in a context rule")
        if rule.topic or rule.item:
            raise fail("topic/item: not allowed in a context rule")
    else:
        if rule.topic is None:
            raise fail("topic: required")
        if f"{rf.category}.{rule.topic}" not in taxonomy.topic_keys:
            raise fail(f"topic: '{rule.topic}' is not a topic of category '{rf.category}'")
        if rule.item or rule.qualifier:
            raise fail("item/qualifier: not allowed in a tagging rule")


def load_rules(patterns_dir: Path, lang: str) -> RuleSet:
    """Read every ``<patterns_dir>/<lang>/*.yaml``, validate it against the taxonomy, index by id.

    Raises:
        PatternFileError: missing directory, invalid file, unknown category or topic, duplicate id.
    """
    taxonomy = load_taxonomy(patterns_dir / "taxonomy.yaml")
    lang_dir = patterns_dir / lang
    files = sorted(p for p in lang_dir.glob("*.yaml") if p.name != LEXICON_FILE)
    if not files:
        raise PatternFileError(f"{lang_dir}: no rule files for language '{lang}'")
    by_id: dict[str, RuleInfo] = {}
    for path in files:
        rf = read_yaml_model(path, RuleFile, "rule file", _rule_field)
        if rf.lang != lang:
            raise PatternFileError(f"{path}: lang: '{rf.lang}' but the file is under '{lang}/'")
        if rf.category != path.stem:
            raise PatternFileError(f"{path}: category: '{rf.category}' must equal the file name")
        if rf.category not in taxonomy.categories and rf.category not in SPECIAL_CATEGORIES:
            raise PatternFileError(f"{path}: category: '{rf.category}' is not in taxonomy.yaml")
        for rule in rf.rules:
            _check_rule(path, rf, rule, taxonomy)
            if rule.id in by_id:
                raise PatternFileError(
                    f"{path}: rule {rule.id}: duplicate id (also in {by_id[rule.id].source})"
                )
            by_id[rule.id] = RuleInfo(rule=rule, category=rf.category, lang=lang, source=str(path))
    lexicon_path = lang_dir / LEXICON_FILE
    if not lexicon_path.is_file():
        raise PatternFileError(f"{lexicon_path}: missing (the vocabulary of statuses and parties)")
    lexicon = read_yaml_model(lexicon_path, LexiconFile, "lexicon")
    if lexicon.lang != lang:
        raise PatternFileError(f"{lexicon_path}: lang: '{lexicon.lang}' but the file is under '{lang}/'")
    bad = [w.id for w in lexicon.lists if not w.id.startswith(f"{lang}.lexicon.")]
    if bad:
        raise PatternFileError(f"{lexicon_path}: list {bad[0]}: id must start with '{lang}.lexicon.'")
    return RuleSet(lang=lang, taxonomy=taxonomy, by_id=by_id, lexicon=lexicon)
