"""The plan of a scan: which inputs must be analysed, which stored results are still valid (same
content, rules and options: ``config_key``) and which inputs fail before any reading."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from analyzer import __version__
from analyzer.batch.inputs import InputFile, file_kind, os_error
from analyzer.batch.limits import Limits
from analyzer.batch.models import StoredRecord, Task
from analyzer.batch.store import Store
from analyzer.extract import file_sha256
from analyzer.resources import patterns_fingerprint
from analyzer.statuses import ANALYSED, LIMIT_EXCEEDED, NOT_FAILED, PARSE_ERROR, RETRIED

RETRY_STATUSES = RETRIED  # possibly transient: re-done by --retry-failed


def config_key(*, lang: str, ocr: str, pdf_engine: str, patterns_dir: Path | None,
               limits: Limits) -> str:
    """What a stored report depends on besides the input's content: tool version, rule files,
    options. A stored result is reused only when this key (and the content hash) is the same."""
    parts = [__version__, patterns_fingerprint(patterns_dir)[:16], lang, ocr, pdf_engine,
             limits.key()]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16]


class Plan:
    """Which inputs must be analysed and which stored results are still valid.

    The parent only ever stats an input and hashes a regular file within the size limit: a
    file over ``--max-file-mb`` is rejected by its size alone, and a file that turned into a
    FIFO or a device since it was listed is never read.
    """

    def __init__(self, store: Store, todo: list[InputFile], names: dict[str, str],
                 key: str, limits_key: str, force: bool, limits: Limits,
                 retry_failed: bool = False) -> None:
        self.run: list[tuple[InputFile, Task]] = []
        self.reuse: list[tuple[InputFile, StoredRecord, int]] = []
        self.unreadable: list[tuple[InputFile, str, str]] = []
        max_bytes = limits.max_file_mb * 1024 * 1024
        for item in todo:
            old = store.get(item.display)
            try:
                st = item.path.stat()
                if not stat.S_ISREG(st.st_mode):
                    self.unreadable.append((item, "unsupported_type", "not a regular file "
                                            f"({file_kind(st.st_mode)}): never read"))
                    continue
                if st.st_size > max_bytes:
                    self.unreadable.append((item, LIMIT_EXCEEDED, "max_file_size: "
                                            f"{st.st_size // (1024 * 1024)} MB (limit "
                                            f"{limits.max_file_mb} MB)"))
                    continue
                if (old and not force and old.size == st.st_size
                        and old.mtime_ns == st.st_mtime_ns and old.sha256):
                    sha = old.sha256  # unchanged size and mtime: trust the stored hash
                else:
                    sha = file_sha256(item.path)
            except OSError as e:
                self.unreadable.append((item, PARSE_ERROR, f"unreadable: {os_error(e)}"))
                continue
            task = Task(path=str(item.path), display=item.display, name=names[item.display],
                        sha256=sha, size=st.st_size, mtime_ns=st.st_mtime_ns)
            if (old is not None and not force and old.sha256 == sha
                    and old.config_key == key
                    and not (retry_failed and old.status in RETRY_STATUSES)
                    and (old.status in NOT_FAILED or old.limits_key == limits_key)
                    and (old.status not in ANALYSED or old.summary is not None)):
                self.reuse.append((item, old, st.st_mtime_ns))
            else:
                self.run.append((item, task))
        # Largest first: the long documents start early, the batch ends with short ones.
        self.run.sort(key=lambda pair: -pair[1].size)
