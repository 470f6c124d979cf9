"""Read a YAML data file into a pydantic model; every failure names the file and the field."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from analyzer.cache import yaml_data
from analyzer.errors import PatternFileError

M = TypeVar("M", bound=BaseModel)


def _default_where(data: Any, loc: list[Any]) -> str:
    return ".".join(str(p) for p in loc)


def read_yaml_model(
    path: Path,
    model: type[M],
    what: str,
    where: Callable[[Any, list[Any]], str] = _default_where,
) -> M:
    """Load ``path`` with ``yaml.safe_load`` and validate it as ``model``.

    Args:
        path: the file.
        model: the pydantic model of its content.
        what: what the file is, for messages ("rule file", "taxonomy").
        where: turns (loaded data, error location) into a readable field path.

    Raises:
        PatternFileError: unreadable file, invalid YAML, or content that breaks the model.
    """
    try:
        data = yaml_data(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise PatternFileError(f"{path}: cannot read {what} ({e})") from e
    except yaml.YAMLError as e:
        raise PatternFileError(f"{path}: invalid YAML ({e})") from e
    try:
        return model.model_validate(data)
    except ValidationError as e:
        details = "; ".join(f"{where(data, list(err['loc']))}: {err['msg']}" for err in e.errors())
        raise PatternFileError(f"{path}: invalid {what}: {details}") from e


def any_of(path: Path, field: str, patterns: list[str], flags: int = 0) -> re.Pattern[str]:
    """One regex matching any of ``patterns`` (none: matches nothing), each checked alone.

    Raises:
        PatternFileError: a pattern is not a valid regular expression (names file and field).
    """
    for n, pattern in enumerate(patterns):
        try:
            re.compile(pattern, flags)
        except re.error as e:
            raise PatternFileError(f"{path}: {field}[{n}]: invalid regular expression ({e})") from e
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!x)x", flags)
