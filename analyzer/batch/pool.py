"""A supervised pool of worker processes: one document at a time per worker, wall-clock kill,
replacement of dead workers, recycling after N documents.

``concurrent.futures.ProcessPoolExecutor`` is not used on purpose: a worker killed by a signal
breaks the whole executor. Here the supervisor owns each process and its pipe, so a death is
attributed to the one document in flight and the worker is replaced.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from analyzer.batch.limits import Limits
from analyzer.batch.models import DocumentOutcome, Task
from analyzer.batch.worker import worker_main
from analyzer.report.i18n import options_from_env
from analyzer.statuses import CRASHED, LIMIT_EXCEEDED, TIMEOUT

log = logging.getLogger(__name__)
_Done = tuple[Task, DocumentOutcome]
"""A finished document: its task and its outcome."""
READY_TIMEOUT = 180.0
_PRELOAD = ["analyzer.batch._preload"]


class WorkerStartError(RuntimeError):
    """A worker could not start (for example an invalid rule directory)."""


def _context(options: dict[str, Any]) -> Any:
    """forkserver where available (fast start from a preloaded server), else spawn.

    The server, started with the first pool of the process, inherits the environment: it
    preloads the pipeline of that batch's language and rules only."""
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        os.environ["HDS_ANALYZER_PRELOAD_LANG"] = str(options.get("lang") or "auto")
        os.environ["HDS_ANALYZER_PRELOAD_PATTERNS"] = str(options.get("patterns_dir") or "")
        os.environ["HDS_ANALYZER_PRELOAD_PDF_ENGINE"] = str(options.get("pdf_engine") or "auto")
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


@dataclass
class _Slot:
    process: Any
    conn: Connection
    ready: bool = False
    started: float = field(default_factory=time.monotonic)
    task: Task | None = None
    task_started: float = 0.0
    deadline: float = 0.0
    done: int = 0
    killed_for_timeout: bool = False
    stderr_path: str | None = None
    stderr_fd: int | None = None  # the parent's own descriptor: the name is gone once ready


def failure(status: str, reason: str, seconds: float,
            pages: int | None = None) -> DocumentOutcome:
    """The outcome of a document whose worker gave no answer."""
    return DocumentOutcome(status=status, reason=reason, pages=pages,
                           seconds=round(seconds, 3), recycle=True)


class Supervisor:
    """Run tasks on ``jobs`` worker processes; yields ``(task, DocumentOutcome)`` as each one
    finishes.

    ``cores`` (default ``jobs``) is the batch's job count: a document assigned while fewer
    documents than that are in progress or waiting may OCR that many pages at once."""

    def __init__(self, jobs: int, limits: Limits, options: dict[str, Any],
                 target: Any = worker_main, cores: int | None = None) -> None:
        self.jobs = max(1, jobs)
        self.cores = max(self.jobs, cores or 0)
        self.target = target
        self.limits = limits
        # the report options of this batch, as the CLI exported them: a forkserver started by
        # an earlier batch of the same process forks workers with that batch's environment
        self.options = {**options, "report_env": options_from_env().env()}
        self.ctx = _context(options)
        self.slots: list[_Slot | None] = [None] * self.jobs
        self.started_workers = 0

    # -- process management ------------------------------------------------------------------
    def _start(self) -> _Slot:
        import tempfile

        parent, child = self.ctx.Pipe(duplex=True)
        # the worker's stderr goes to a file of its own: when it dies, the last line it wrote
        # (a native abort, a fatal Python error) is the reason kept, not lost in a log
        fd, stderr_path = tempfile.mkstemp(prefix="hds-worker-", suffix=".log")
        options = {**self.options, "stderr_path": stderr_path}
        process = self.ctx.Process(target=self.target, args=(child, self.limits, options),
                                   name="hds-worker", daemon=True)
        slot = _Slot(process=process, conn=parent, stderr_path=stderr_path, stderr_fd=fd)
        try:
            process.start()
        except BaseException:
            _release(slot)
            raise
        child.close()
        self.started_workers += 1
        return slot

    def _kill(self, slot: _Slot) -> None:
        pid = slot.process.pid
        if pid is not None and slot.process.is_alive():
            try:
                os.killpg(pid, signal.SIGKILL)  # the worker leads its own process group
            except (ProcessLookupError, PermissionError):
                slot.process.kill()
        slot.process.join(5)
        slot.conn.close()
        _release(slot)

    def _retire(self, slot: _Slot) -> None:
        """Let a worker that asked to be recycled exit, kill it if it lingers."""
        slot.process.join(2)
        if slot.process.is_alive():
            self._kill(slot)
        else:
            slot.conn.close()
            _release(slot)

    def close(self) -> None:
        """Stop every worker."""
        for i, slot in enumerate(self.slots):
            if slot is None:
                continue
            try:
                if slot.task is None and slot.ready:
                    slot.conn.send(None)
                    slot.process.join(2)
            except (BrokenPipeError, OSError):
                pass
            self._kill(slot)
            self.slots[i] = None

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the loop ------------------------------------------------------------------------------
    def run(self, tasks: Iterable[Task]) -> Iterator[_Done]:
        pending = deque(tasks)
        while True:
            for i in range(self.jobs):
                if self.slots[i] is None and pending:
                    self.slots[i] = self._start()
            for slot in self.slots:
                if slot is not None and slot.ready and slot.task is None and pending:
                    task = pending.popleft()
                    # idle capacity (cores neither busy nor needed by waiting documents)
                    # goes to this document's OCR
                    busy = sum(1 for s in self.slots if s is not None and s.task is not None)
                    task.ocr_jobs = max(1, self.cores - busy - len(pending))
                    self._assign(slot, task)
            if not pending and not self._busy():
                return
            yield from self._poll()

    def _busy(self) -> bool:
        return any(s is not None and s.task is not None for s in self.slots)

    def _assign(self, slot: _Slot, task: Task) -> None:
        slot.task = task
        slot.task_started = time.monotonic()
        slot.deadline = slot.task_started + self.limits.timeout_for(task.pages)
        with contextlib.suppress(OSError):  # a death is noticed by _poll, blamed on this task
            slot.conn.send(task)

    def _poll(self) -> Iterator[_Done]:
        now = time.monotonic()
        live = [s for s in self.slots if s is not None]
        # only what can expire: a document's deadline, a worker's start-up wait (an idle ready
        # worker has none: counting its long-past start-up would make this loop spin)
        deadlines = [s.deadline if s.task else s.started + READY_TIMEOUT
                     for s in live if s.task is not None or not s.ready]
        timeout = max(0.0, min(deadlines) - now) if deadlines else 1.0
        handles: list[Any] = [s.conn for s in live] + [s.process.sentinel for s in live]
        ready = set(wait(handles, timeout=min(timeout, 1.0)))
        for i, slot in enumerate(self.slots):
            if slot is None:
                continue
            if slot.conn in ready:
                try:
                    while slot.conn.poll():
                        message = slot.conn.recv()
                        outcome = self._message(i, slot, message)
                        if outcome is not None:
                            yield outcome
                        if self.slots[i] is not slot:
                            break
                except (EOFError, OSError):
                    pass
                if self.slots[i] is not slot:
                    continue
            if not slot.process.is_alive():
                slot.process.join()
                try:
                    outcome = self._died(slot)
                finally:
                    self.slots[i] = None
                    slot.conn.close()
                    _release(slot)
                if outcome is not None:
                    yield outcome
                continue
            now = time.monotonic()
            if slot.task is not None and now > slot.deadline:
                task = slot.task
                self._kill(slot)
                self.slots[i] = None
                budget = slot.deadline - slot.task_started
                yield task, failure(TIMEOUT, f"timeout: no result after {budget:.0f} s "
                                    "(wall-clock limit; worker killed)",
                                    now - slot.task_started, task.pages)
            elif slot.task is None and not slot.ready and now > slot.started + READY_TIMEOUT:
                self._kill(slot)
                self.slots[i] = None
                raise WorkerStartError(f"a worker did not start within {READY_TIMEOUT:.0f} s")

    def _message(self, i: int, slot: _Slot, message: tuple) -> _Done | None:
        kind = message[0]
        if kind == "ready":
            slot.ready = True
            _unlink(slot)  # the worker has its stderr open: no name left behind, even on SIGKILL
        elif kind == "fatal":
            self._kill(slot)
            self.slots[i] = None
            raise WorkerStartError(message[1])
        elif kind == "pages" and slot.task is not None:
            slot.task.pages = message[1]
            # never shorter than an extension already granted (OCR progress)
            slot.deadline = max(slot.deadline,
                                slot.task_started + self.limits.timeout_for(message[1]))
        elif kind == "ocr_page" and slot.task is not None:
            # OCR is slow but makes progress: each page gets its own budget from now on
            slot.deadline = self.limits.ocr_deadline(slot.task_started, slot.deadline,
                                                     time.monotonic())
        elif kind == "done" and slot.task is not None:
            task, result = slot.task, message[1]
            slot.task = None
            slot.done += 1
            if result.recycle:
                self._retire(slot)
                self.slots[i] = None
            return task, result
        return None

    def _died(self, slot: _Slot) -> _Done | None:
        code = slot.process.exitcode
        said = last_line(slot.stderr_fd)
        said = f"; last message: {said}" if said else ""
        if slot.task is None:
            if not slot.ready:
                raise WorkerStartError(f"a worker exited while starting (exit code {code}{said})")
            return None
        task = slot.task
        seconds = time.monotonic() - slot.task_started
        if code is not None and code < 0:
            name = signal_name(-code)
            if -code == signal.SIGXCPU:
                return task, failure(LIMIT_EXCEEDED, f"cpu: over {self.limits.cpu_seconds} s "
                                     "of CPU time (worker stopped by SIGXCPU)", seconds)
            hints = {int(signal.SIGKILL): " (memory cap or out-of-memory killer?)",
                     int(signal.SIGABRT): " (a native parser aborted, often on the memory cap)"}
            hint = hints.get(-code, "")
            return task, failure(CRASHED, f"crashed: worker died by {name}{hint}{said}",
                                 seconds)
        return task, failure(CRASHED, f"crashed: worker exited with code {code}{said}",
                             seconds)


def _unlink(slot: _Slot) -> None:
    if slot.stderr_path:
        with contextlib.suppress(OSError):
            os.unlink(slot.stderr_path)
        slot.stderr_path = None


def _release(slot: _Slot) -> None:
    _unlink(slot)
    if slot.stderr_fd is not None:
        with contextlib.suppress(OSError):
            os.close(slot.stderr_fd)
        slot.stderr_fd = None


def last_line(fd: int | None, limit: int = 300) -> str:
    """The last non-empty line a worker wrote to its stderr file (read through the parent's
    descriptor ``fd``), printable, at most ``limit`` characters ("" when there is none)."""
    if fd is None:
        return ""
    try:
        size = os.fstat(fd).st_size
        tail = os.pread(fd, 4096, max(0, size - 4096))
    except OSError:
        return ""
    lines = [line.strip() for line in tail.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    text = "".join(ch if ch.isprintable() else " " for ch in lines[-1])
    return text[:limit]
