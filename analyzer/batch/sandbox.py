"""The worker process's own limits and setup, applied before it reads any document: address
space and CPU caps, no core dumps, its stderr to a file of its own, quiet parser logs."""

from __future__ import annotations

import contextlib
import os
import signal
import sys

from analyzer.batch.limits import Limits


def setup_process(limits: Limits, stderr_path: str | None = None) -> None:
    """Own process group, no core dumps, address-space cap, die with the parent; stderr to
    ``stderr_path`` when given (the supervisor reads its last line when the worker dies)."""
    import resource

    if stderr_path:
        with contextlib.suppress(OSError):
            fd = os.open(stderr_path, os.O_WRONLY | os.O_APPEND)
            os.dup2(fd, 2)
            os.close(fd)

    with contextlib.suppress(OSError):
        os.setsid()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if limits.memory_mb > 0 and hasattr(resource, "RLIMIT_AS"):
        cap = limits.memory_mb * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: never outlive the supervisor
        except (OSError, AttributeError):
            pass
    # Ctrl-C goes to the parent, which stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _quiet_libraries()


QUIET_LOGGERS = ("pdfminer", "pdfplumber", "pypdfium2", "PIL", "docx", "fontTools")


def _quiet_libraries() -> None:
    """The parsers' own log lines and warnings quote the document's bytes (``Cannot set gray
    non-stroke color because /b'…' is an invalid float value``): they never reach stderr from a
    worker; what goes wrong with a document is its status and reason."""
    import logging
    import warnings

    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    warnings.simplefilter("ignore")


def set_cpu_budget(seconds: int) -> None:
    """Allow ``seconds`` more CPU time (RLIMIT_CPU counts the process's whole life)."""
    import resource

    if seconds <= 0:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = used + seconds
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
