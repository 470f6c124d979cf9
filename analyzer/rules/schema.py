"""Pydantic schema of a rule file ``patterns/<lang>/<category>.yaml``.

A file holds the rules of one category and one language. Category files (hosting, maintenance,
security, training, project_management) tag clauses and give each rule a ``topic``; the special
``checklist`` file gives evidence for a checklist ``item``; the special ``context`` file holds the
cues that qualify a hit (``qualifier``: excluded, conditional, client, provider, definition).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator
from spacy.schemas import validate_token_pattern

RuleId = Annotated[str, Field(pattern=r"^[a-z]{2}\.[a-z0-9_]+\.[a-z0-9_]+$")]
Qualifier = Literal["excluded", "conditional", "client", "provider", "definition"]
Strength = Literal["strong", "weak", "candidate"]
SPECIAL_CATEGORIES = ("checklist", "context")


class Examples(BaseModel):
    """Texts the rule must match and must not match; the test suite runs them."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    match: list[StrictStr] = Field(min_length=1)
    no_match: list[StrictStr] = []


class Rule(BaseModel):
    """One rule: phrases (PhraseMatcher on NORM) and/or spaCy token patterns."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: RuleId
    description: StrictStr
    topic: StrictStr | None = None
    item: StrictStr | None = None
    qualifier: Qualifier | None = None
    strength: Strength = "strong"
    """``weak`` (a thing named in passing): its hits tag a clause only where no strong hit does
    and the clause commits a party to something (analyzer/qualify/). ``candidate`` (the
    general vocabulary of a category): its hits only propose the category to the clause model
    (analyzer/learned.py), which decides; without a model they tag nothing."""
    phrases: list[StrictStr] | None = None
    patterns: list[list[dict[str, Any]]] | None = None
    examples: Examples

    @model_validator(mode="after")
    def _check_matcher(self) -> Rule:
        if not self.phrases and not self.patterns:
            raise ValueError("give at least one of 'phrases' or 'patterns'")
        for i, pattern in enumerate(self.patterns or []):
            errors = validate_token_pattern(pattern)
            if errors:
                raise ValueError(f"patterns[{i}]: invalid spaCy token pattern: " + "; ".join(errors))
        return self


class RuleFile(BaseModel):
    """A whole rule file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: Literal[1]
    lang: Literal["fr", "en"]
    category: StrictStr
    rules: list[Rule] = Field(min_length=1)


LEXICON_FILE = "lexicon.yaml"
WordListId = Annotated[str, Field(pattern=r"^[a-z]{2}\.lexicon\.[a-z0-9_]+$")]


class WordList(BaseModel):
    """A list of words or short phrases that the qualification code reads by name.

    ``words`` are compared on folded lemmas like rule phrases; ``examples.match`` are texts in
    which some word of the list must be found, ``no_match`` texts in which none may be.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: WordListId
    description: StrictStr
    words: list[StrictStr] = Field(min_length=1)
    examples: Examples


class LexiconFile(BaseModel):
    """``patterns/<lang>/lexicon.yaml``: the vocabulary that decides statuses and parties."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: Literal[1]
    lang: Literal["fr", "en"]
    norms: dict[StrictStr, StrictStr] = {}
    """Lower-case word form → the lemma to match on, where the packaged lemma table is wrong
    for contracts ("mises" → "mise", not "miser")."""
    lists: list[WordList] = Field(min_length=1)
