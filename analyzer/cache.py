"""A per-user cache of what is slow to build and the same on every run: the French tokenizer's
compiled regular expression and the folded lemma tables (``analyzer.nlp``), and parsed YAML
(rule files, taxonomy, message catalogues: ``yaml_data``).

Entries live in ``$HDS_ANALYZER_CACHE``, else ``$XDG_CACHE_HOME/hds-analyzer``, else
``~/.cache/hds-analyzer``. Each file is named by a hash of everything it is built from (library
versions, the source data, the code that builds it), holds a SHA-256 of its payload, is written
atomically (temporary file, then rename) and is read with ``marshal`` (plain data, never code).
A missing, stale, corrupt or unwritable entry is simply rebuilt: the cache changes how fast the
analysis starts, never what it finds. Nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
FORMAT = b"hds-analyzer-cache/1\n"
BIG_REGEX = 3_000
"""Patterns at least this long are compiled through the cache: spaCy's French token_match (1.4
MB, about 1.7 s to compile) and the tokenizer's prefix, suffix and infix patterns (4–18 kB, 5–20
ms each, in every process); shorter ones compile in well under a millisecond."""


def cache_dir() -> Path:
    """The folder of the cache entries (not created here)."""
    explicit = os.environ.get("HDS_ANALYZER_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hds-analyzer"


def _key(parts: tuple[object, ...]) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _read(path: Path) -> Any:
    """The payload of a valid entry; raises ValueError (or OSError) for anything else."""
    data = path.read_bytes()
    head = len(FORMAT)
    if data[:head] != FORMAT or len(data) < head + 32:
        raise ValueError("not a cache entry")
    digest, payload = data[head:head + 32], data[head + 32:]
    if hashlib.sha256(payload).digest() != digest:
        raise ValueError("checksum mismatch")
    return marshal.loads(payload)


def _write(path: Path, value: Any) -> None:
    payload = marshal.dumps(value)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(FORMAT + hashlib.sha256(payload).digest() + payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


STALE_DAYS = 30
"""An entry unused for this long is removed when an entry of the same kind is written (the
entries of an older version or rule file, e.g. a 9 MB lemma table after an upgrade)."""
_DAY = 86_400


def _touch(path: Path) -> None:
    """Mark a used entry as used (at most once a day: reads stay reads)."""
    with contextlib.suppress(OSError):
        if path.stat().st_mtime < time.time() - _DAY:
            os.utime(path)


def _prune(folder: Path, name: str, keep: Path) -> None:
    """Remove the entries of kind ``name`` unused for ``STALE_DAYS`` days, and temporary files
    of writers killed over a day ago."""
    now = time.time()
    for pattern, age in ((f"{name}-*.bin", STALE_DAYS * _DAY), (f".{name}-*.tmp", _DAY)):
        for entry in folder.glob(pattern):
            with contextlib.suppress(OSError):
                if entry != keep and entry.stat().st_mtime < now - age:
                    entry.unlink()


def cached(name: str, parts: tuple[object, ...], build: Callable[[], Any],
           check: Callable[[Any], bool] = lambda value: True) -> Any:
    """The value built by ``build()`` from ``parts`` (marshal-able data), from the cache when a
    valid entry exists (one whose payload passes ``check`` too), else built and stored (and the
    entries of the same kind unused for ``STALE_DAYS`` days removed)."""
    path = cache_dir() / f"{name}-{_key(parts)}.bin"
    try:
        value = _read(path)
        if check(value):
            _touch(path)
            return value
        log.debug("cache entry %s has an unexpected shape: rebuilt", path)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, EOFError, TypeError) as e:
        log.debug("cache entry %s unusable (%s): rebuilt", path, e)
    value = build()
    try:
        _write(path, value)
    except (OSError, ValueError) as e:  # read-only home, full disk: run without the cache
        log.debug("cache entry %s not written: %s", path, e)
    else:
        _prune(path.parent, name, path)
    return value


def yaml_data(text: str) -> Any:
    """``yaml.safe_load(text)``, from the cache for a text already parsed once (PyYAML's pure-
    Python parser takes a quarter of a second for the rule files). Invalid YAML is never cached,
    so it fails with the parser's own ``yaml.YAMLError``; data that marshal cannot hold (YAML
    dates) is parsed every time."""
    import yaml

    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return cached("yaml", ("yaml", yaml.__version__, digest), lambda: yaml.safe_load(text))


def _sre_parts(pattern: str, flags: int) -> tuple[list[int], int, int, dict[str, int]]:
    """What ``re`` compiles ``pattern`` to (the steps of ``re._compiler.compile``)."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]
    return (code, flags | parsed.state.flags, parsed.state.groups,
            dict(parsed.state.groupdict))


def compile_cached(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, with the compiled program kept in the cache (keyed by the
    interpreter and the regex engine's version); plain ``re.compile`` wherever that fails."""
    import _sre

    try:
        parts = ("sre", sys.version, _sre.MAGIC, _sre.CODESIZE, flags,
                 hashlib.sha256(pattern.encode("utf-8", "surrogatepass")).hexdigest())
        code, all_flags, groups, groupindex = cached(
            "regex", parts, lambda: _sre_parts(pattern, flags))
        indexgroup: list[str | None] = [None] * groups
        for group_name, index in groupindex.items():
            indexgroup[index] = group_name
        compiled: re.Pattern[str] = _sre.compile(pattern, all_flags, code, groups - 1,
                                                 groupindex, tuple(indexgroup))
        return compiled
    except Exception as e:  # another interpreter's internals: the ordinary way
        log.debug("regex cache unavailable (%s: %s)", type(e).__name__, e)
        return re.compile(pattern, flags)


@contextlib.contextmanager
def cached_big_regexes() -> Iterator[None]:
    """While active, ``re.compile`` of a pattern of ``BIG_REGEX`` characters or more goes
    through ``compile_cached`` (used around the import of spaCy's language data)."""
    real = re.compile

    def compile_(pattern: Any, flags: Any = 0) -> Any:
        if isinstance(pattern, str) and len(pattern) >= BIG_REGEX:
            return compile_cached(pattern, int(flags))
        return real(pattern, flags)

    re.compile = compile_
    try:
        yield
    finally:
        re.compile = real
