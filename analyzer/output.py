"""Writing outputs: safe unique output names and atomic file writes."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

_UNSAFE = re.compile(r"[^\w.\-]+")
# Longest output stem, in characters and in UTF-8 bytes (file names are limited to 255 bytes,
# not characters): ".<stem>-<hash>.html.<8 random>.tmp", the temporary file of an atomic write,
# then stays far below the limit whatever the script of the input's name.
_MAX_NAME = 120
_MAX_FILE_NAME_BYTES = 255


def utf8_prefix(text: str, max_bytes: int) -> str:
    """The longest prefix of ``text`` that is at most ``max_bytes`` in UTF-8 (never half a
    character)."""
    data = text.encode("utf-8", "surrogateescape")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", "ignore")


def output_names(relative_paths: Iterable[str]) -> dict[str, str]:
    """Give each input (path relative to what was scanned) a unique, filesystem-safe output stem.

    ``a/contrat.pdf`` → ``a__contrat.pdf``; names that still collide (case-insensitively) or are
    too long (over 120 characters or 120 bytes in UTF-8) get a short hash of the full relative
    path.
    """
    names: dict[str, str] = {}
    taken: set[str] = set()
    for rel in sorted(relative_paths):
        base = _UNSAFE.sub("_", rel.replace("\\", "/").replace("/", "__")).strip("_") or "document"
        if base[0] in ".-":
            base = "_" + base
        digest = hashlib.sha1(rel.encode("utf-8", "surrogateescape")).hexdigest()[:8]
        if len(base) > _MAX_NAME or len(base.encode("utf-8", "surrogateescape")) > _MAX_NAME:
            base = f"{utf8_prefix(base[: _MAX_NAME - 9], _MAX_NAME - 9)}-{digest}"
        if base.lower() in taken or base.lower() == "index":
            base = f"{base}-{digest}"
        taken.add(base.lower())
        names[rel] = base
    return names


_OUTPUT_NAME = re.compile(r"\w[\w.\-]*")


def is_output_name(name: object) -> bool:
    """Whether ``name`` is a stem ``output_names`` can give: a plain file name in OUT (no
    folder, not hidden, within the length limit), never a path that leads elsewhere."""
    return (isinstance(name, str) and _OUTPUT_NAME.fullmatch(name) is not None
            and len(name.encode("utf-8", "surrogateescape")) <= _MAX_NAME + len("-12345678"))


def atomic_write_text(path: Path, text: str) -> None:
    """Write a file so that readers see the old or the new content, never a partial one."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write bytes to a temporary file in the same folder, fsync it, then rename it into place."""
    with atomic_writer(path) as f:
        f.write(data)


@contextlib.contextmanager
def atomic_writer(path: Path, text: bool = False, **open_args: Any) -> Iterator[IO[Any]]:
    """A file to write ``path`` through, streamed: a temporary file in the same folder, fsync-ed
    and renamed into place when the block ends without error (removed otherwise). Binary by
    default; ``text=True`` opens it in text mode with ``open_args`` (encoding, newline)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # ".<name>.<8 random>.tmp" must stay a valid file name even when <name> is near the limit
    prefix = utf8_prefix(path.name, _MAX_FILE_NAME_BYTES - 20)
    fd, tmp = tempfile.mkstemp(prefix=f".{prefix}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes 0600 files; the outputs are for colleagues too: the mode open() would
        # give (0666 less the umask), so a shared drive's group can read the index
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w" if text else "wb", **open_args) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's umask, read without changing it where Linux tells it."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore (single-threaded at write time)
    os.umask(mask)
    return mask


def dump_json(data: Any) -> str:
    """Deterministic JSON: sorted keys, UTF-8 kept readable, trailing newline."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
