"""The supervised worker pool: a worker that dies by a signal, hangs or hits its CPU cap costs one
document a record, is replaced, and the batch goes on; workers are recycled after N documents."""

from __future__ import annotations

import os
import signal
import time
import zlib
from pathlib import Path
from typing import Any

from analyzer.batch.limits import Limits
from analyzer.batch.models import DocumentOutcome, Task
from analyzer.batch.pool import Supervisor
from analyzer.batch.sandbox import set_cpu_budget, setup_process


def chaos_worker(conn: Any, limits: Limits, options: dict[str, Any]) -> None:
    """A stand-in worker whose behaviour is chosen by the task's display name."""
    setup_process(limits, options.get("stderr_path"))
    conn.send(("ready", os.getpid()))
    done = 0
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        set_cpu_budget(limits.cpu_seconds)
        name = task.display
        if name.startswith("exit1"):  # as an uncaught error or a native abort leaves it
            os.write(2, b"loading fonts\nFatal Python error: boom in the parser\n\n")
            os._exit(1)
        if name.startswith("segv"):
            os.kill(os.getpid(), signal.SIGSEGV)
        elif name.startswith("abort"):
            os.abort()
        elif name.startswith("hang"):
            time.sleep(3600)
        elif name.startswith("spin"):
            while True:
                pass
        elif name.startswith("ocrstuck"):
            conn.send(("ocr_page", 1))
            time.sleep(3600)
        elif name.startswith("ocrpages"):  # OCR, then the text's size in page equivalents
            for page in (1, 2, 3):
                conn.send(("ocr_page", page))
                time.sleep(0.8)
            conn.send(("pages", 1))
            time.sleep(0.1)
        elif name.startswith("ocr"):
            for page in (1, 2, 3):  # each page takes longer than the whole base budget left
                conn.send(("ocr_page", page))
                time.sleep(0.8)
        elif name.startswith("pages"):
            conn.send(("pages", 4))
            time.sleep(1.5)  # longer than the base timeout, shorter than base + 4 pages
        done += 1
        conn.send(("done", DocumentOutcome(status="ok", reason=f"pid {os.getpid()}",
                                           recycle=done >= limits.recycle_after)))


def _run(names: list[str], **limits: Any) -> dict[str, DocumentOutcome]:
    tasks = [Task(path=n, display=n) for n in names]
    settings = Limits(memory_mb=0, **limits)
    with Supervisor(2, settings, {}, target=chaos_worker) as supervisor:
        return {task.display: result for task, result in supervisor.run(tasks)}


def test_deaths_and_hangs_are_per_document_records_and_the_batch_goes_on():
    names = ["ok1", "segv", "ok2", "abort", "hang", "ok3", "ok4", "pages", "ok5"]
    start = time.monotonic()
    records = _run(names, timeout_base=1.0, timeout_per_page=0.5, recycle_after=100)
    assert set(records) == set(names)
    assert records["segv"].status == "crashed"
    assert "SIGSEGV" in records["segv"].reason
    assert records["abort"].status == "crashed"
    assert "SIGABRT" in records["abort"].reason
    assert records["hang"].status == "timeout"
    assert records["pages"].status == "ok"  # the timeout grew with the page count
    for name in ("ok1", "ok2", "ok3", "ok4", "ok5"):
        assert records[name].status == "ok"
    assert time.monotonic() - start < 30


def test_ocr_progress_extends_the_deadline_but_a_stuck_page_times_out():
    start = time.monotonic()
    records = _run(["ocr", "ocrstuck", "ok"], timeout_base=1.0, timeout_per_page=0.0,
                   timeout_per_ocr_page=1.0, recycle_after=100)
    assert records["ocr"].status == "ok"  # 2.4 s of OCR, more than the 1 s base timeout
    assert records["ocrstuck"].status == "timeout"
    assert records["ok"].status == "ok"
    assert time.monotonic() - start < 20


def test_cpu_cap_stops_a_spinning_document():
    records = _run(["spin", "ok"], cpu_seconds=1, timeout_base=20.0)
    assert records["spin"].status == "limit_exceeded"
    assert "cpu" in records["spin"].reason
    assert records["ok"].status == "ok"


def test_workers_are_recycled_after_n_documents():
    records = _run([f"ok{i}" for i in range(8)], recycle_after=2)
    pids = {r.reason for r in records.values()}
    assert len(pids) >= 4  # 8 documents, 2 per worker process


def _flate_bomb_pdf(path: Path, megabytes: int) -> None:
    """A one-page PDF whose content stream inflates to ``megabytes`` MiB of spaces."""
    comp = zlib.compressobj(1)
    chunk = b" " * (1 << 20)
    body = b"".join(comp.compress(chunk) for _ in range(megabytes)) + comp.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        f"<< /Length {len(body)} /Filter /FlateDecode >>\nstream\n".encode() + body
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"\
        .encode()
    path.write_bytes(bytes(out))


def test_memory_cap_stops_a_flate_bomb_and_the_next_document_is_analysed(tmp_path: Path):
    bomb = tmp_path / "bomb.pdf"
    _flate_bomb_pdf(bomb, 640)
    good = tmp_path / "good.txt"
    good.write_text("Article 1. Le Prestataire sauvegarde les données chaque jour.\n",
                    encoding="utf-8")
    tasks = [Task(path=str(p), display=p.name, sha256="0" * 64)
             for p in (bomb, good)]
    limits = Limits(memory_mb=900, timeout_base=60)
    with Supervisor(1, limits, {"ocr": "never"}) as supervisor:
        records = {t.display: r for t, r in supervisor.run(tasks)}
    assert records["bomb.pdf"].status in ("limit_exceeded", "crashed")
    assert records["good.txt"].status == "ok"


class _OldIdleWorkers(Supervisor):
    """Workers that became ready long ago (as after 3 minutes of a long document)."""

    def _message(self, i, slot, message):  # type: ignore[no-untyped-def]
        outcome = super()._message(i, slot, message)
        if slot.ready:
            slot.started = time.monotonic() - 1000
        return outcome


def test_an_idle_worker_does_not_make_the_supervisor_spin(monkeypatch):
    import analyzer.batch.pool as pool

    calls: list[float] = []
    real = pool.wait

    def counting_wait(handles, timeout=None):  # type: ignore[no-untyped-def]
        calls.append(timeout)
        return real(handles, timeout=timeout)

    monkeypatch.setattr(pool, "wait", counting_wait)
    tasks = [Task(path="pages", display="pages")]
    with _OldIdleWorkers(2, Limits(memory_mb=0), {}, target=chaos_worker) as supervisor:
        records = [result for _, result in supervisor.run(tasks)]
    assert [r.status for r in records] == ["ok"]
    # one document of 1.5 s, one idle worker: a handful of waits, not a busy loop of zero
    # timeouts (the count, not the time, is what is checked)
    assert len(calls) < 100, (len(calls), calls[:10])


def test_ocr_extensions_stop_at_timeout_max_ocr():
    # 3 pages of 0.8 s, each page granted 1 s: without a ceiling the deadline follows the pages
    records = _run(["ocr", "ok"], timeout_base=1.0, timeout_per_page=0.0, timeout_max=1.0,
                   timeout_per_ocr_page=1.0, timeout_max_ocr=1.2, recycle_after=100)
    assert records["ocr"].status == "timeout"
    assert "after 1 s" in records["ocr"].reason
    assert records["ok"].status == "ok"


def test_ocr_deadline_arithmetic():
    limits = Limits(timeout_max=100, timeout_per_ocr_page=60, timeout_max_ocr=300)
    assert limits.ocr_deadline(0, 30, 10) == 70  # a page gets 60 s from when it starts
    assert limits.ocr_deadline(0, 30, 280) == 300  # never past the ceiling
    assert Limits(timeout_max=900, timeout_max_ocr=10).ocr_deadline(0, 30, 880) == 900


def test_page_count_after_ocr_does_not_cut_the_deadline_ocr_earned():
    records = _run(["ocrpages", "ok"], timeout_base=1.0, timeout_per_page=0.0,
                   timeout_per_ocr_page=1.5, recycle_after=100)
    assert records["ocrpages"].status == "ok", records["ocrpages"].reason


def test_parser_log_lines_with_document_bytes_never_reach_a_workers_stderr():
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import logging, warnings
        from analyzer.batch.limits import Limits
        from analyzer.batch.sandbox import setup_process
        setup_process(Limits(memory_mb=0))
        logging.getLogger("pdfminer.pdfinterp").warning(
            "Cannot set gray non-stroke color because %r is an invalid float value",
            b"SECRET-CONTRACT-BYTES")
        warnings.warn("SECRET-CONTRACT-BYTES in a CropBox")
        print("done")
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "done", proc.stderr
    assert "SECRET-CONTRACT-BYTES" not in proc.stderr


def test_a_dead_workers_last_message_is_kept_in_the_reason():
    import glob
    import tempfile

    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "hds-worker-*.log")))
    records = _run(["exit1", "segv", "ok"], recycle_after=100)
    assert records["exit1"].status == "crashed"
    assert records["exit1"].reason == ("crashed: worker exited with code 1; last message: "
                                          "Fatal Python error: boom in the parser")
    assert "SIGSEGV" in records["segv"].reason
    assert records["ok"].status == "ok"
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "hds-worker-*.log"))) <= before


def test_only_the_forkserver_skips_its_teardown() -> None:
    """The preload module lets the forkserver exit without freeing its heap; any other process
    that imports it (a script, a test run) must keep its own exit code."""
    import subprocess
    import sys

    code = "import analyzer.batch._preload, sys; sys.exit(3)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 3
