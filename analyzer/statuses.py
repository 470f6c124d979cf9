"""The per-file statuses of a scan (docs/batch.md), defined once for the worker, the store,
the index, the tables and the command line: every other module uses these names."""

from __future__ import annotations

OK = "ok"
"""Analysed: there is a report."""
OK_NO_TEXT = "ok_no_text"
"""Analysed, but nothing readable in it (scanned without OCR): there is a (empty) report."""
SKIPPED = "skipped"
"""Deliberately not analysed (an unsupported extension, a symbolic link)."""
ENCRYPTED = "encrypted"
UNSUPPORTED_TYPE = "unsupported_type"
PARSE_ERROR = "parse_error"
LIMIT_EXCEEDED = "limit_exceeded"
TIMEOUT = "timeout"
CRASHED = "crashed"
FATAL = "fatal"
"""Not a per-file status: a worker's answer that stops the batch (a broken rule directory)."""

ANALYSED: tuple[str, ...] = (OK, OK_NO_TEXT)
"""The text was read and analysed (``ok_no_text``: nothing readable in it): there is a report."""

NOT_FAILED: tuple[str, ...] = (*ANALYSED, SKIPPED)
"""Nothing went wrong (``skipped``: deliberately not analysed, e.g. an unsupported extension)."""

FAILED: tuple[str, ...] = (ENCRYPTED, UNSUPPORTED_TYPE, PARSE_ERROR, LIMIT_EXCEEDED, TIMEOUT,
                           CRASHED)
"""The input could not be analysed; the reason says why."""

RETRIED: tuple[str, ...] = (TIMEOUT, CRASHED)
"""Possibly transient failures: re-done by ``--retry-failed``."""

ALL: tuple[str, ...] = NOT_FAILED + FAILED
