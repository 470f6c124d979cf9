"""The per-file statuses of a scan (docs/batch.md), defined once for the worker, the store,
the index, the tables and the command line."""

from __future__ import annotations

ANALYSED: tuple[str, ...] = ("ok", "ok_no_text")
"""The text was read and analysed (``ok_no_text``: nothing readable in it): there is a report."""

NOT_FAILED: tuple[str, ...] = (*ANALYSED, "skipped")
"""Nothing went wrong (``skipped``: deliberately not analysed, e.g. an unsupported extension)."""

FAILED: tuple[str, ...] = ("encrypted", "unsupported_type", "parse_error", "limit_exceeded",
                           "timeout", "crashed")
"""The input could not be analysed; the reason says why."""

ALL: tuple[str, ...] = NOT_FAILED + FAILED
