"""Progress of a batch: one self-updating line on a terminal, plain log lines otherwise."""

from __future__ import annotations

import json
import sys
import time
from typing import TextIO

from analyzer.statuses import NOT_FAILED


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class Progress:
    """Count documents, pages and failures; show them with rate and ETA.

    On a terminal the line is redrawn at most every 0.2 s; elsewhere (pipe, file, CI) a JSON log
    line is written for each failure and at most every ``log_every`` seconds, so that a file name
    with a newline cannot forge a log line.
    """

    def __init__(self, total: int, *, stream: TextIO | None = None, enabled: bool = True,
                 log_every: float = 30.0) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > 0
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.log_every = log_every
        self.done = self.pages = self.failed = 0
        self.start = time.monotonic()
        self._last = 0.0
        if self.enabled and self.tty:  # at once: starting the workers takes seconds
            self.stream.write(f"\r\x1b[K0/{total} documents, starting the analysis workers...")
            self.stream.flush()

    def update(self, path: str, status: str, pages: int | None, reason: str = "") -> None:
        self.done += 1
        self.pages += pages or 0
        failed = status not in NOT_FAILED
        self.failed += failed
        if not self.enabled:
            return
        now = time.monotonic()
        if self.tty:
            if now - self._last >= 0.2 or self.done == self.total:
                self._last = now
                self.stream.write("\r\x1b[K" + self.line())
                self.stream.flush()
        else:
            if failed:
                self._log({"event": "failed", "path": path, "status": status, "reason": reason})
            if now - self._last >= self.log_every or self.done == self.total:
                self._last = now
                self._log({"event": "progress", "done": self.done, "total": self.total,
                           "pages": self.pages, "failed": self.failed,
                           "pages_per_second": round(self.rate(), 2)})

    def rate(self) -> float:
        elapsed = max(1e-6, time.monotonic() - self.start)
        return self.pages / elapsed

    def line(self) -> str:
        elapsed = max(1e-6, time.monotonic() - self.start)
        docs_rate = self.done / elapsed
        remaining = self.total - self.done
        eta = _duration(remaining / docs_rate) if docs_rate > 0 and remaining else "-"
        return (f"{self.done}/{self.total} documents, {self.pages} pages, "
                f"{self.rate():.1f} pages/s, ETA {eta}, {self.failed} failed")

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def _log(self, data: dict[str, object]) -> None:
        self.stream.write(json.dumps(data, ensure_ascii=True) + "\n")
        self.stream.flush()
