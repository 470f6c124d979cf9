"""The per-file statuses of a scan (docs/batch.md), defined once for the worker, the store,
the index, the tables and the command line, and the statuses of a tagged clause: every other
module uses these names."""

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


CLAUSE_STATUSES: tuple[str, ...] = ("included", "conditional", "excluded", "definition")
"""The statuses of a tagged clause (``clauses[].status`` of the report, DESIGN §4): in scope,
in scope on a condition (option, on request, extra cost), out of scope or the client's duty,
a glossary entry."""

COUNTED: tuple[str, ...] = ("included", "conditional")
"""The clause statuses that count: coverage, obligations, certificates and facts read these
clauses only."""
