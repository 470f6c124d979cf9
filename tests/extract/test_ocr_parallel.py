"""Pages of one scanned document are OCRed in parallel on idle cores, with the same result as
one page at a time."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from analyzer.batch.limits import Limits
from analyzer.batch.models import DocumentOutcome, Task
from analyzer.batch.pool import Supervisor
from analyzer.batch.sandbox import setup_process
from analyzer.extract import extract
from analyzer.extract.pdf import pages as pdf_module

HAS_TESSERACT = shutil.which("tesseract") is not None


def echo_worker(conn: Any, limits: Limits, options: dict[str, Any]) -> None:
    """A stand-in worker that answers with the OCR parallelism it was given."""
    setup_process(limits, options.get("stderr_path"))
    conn.send(("ready", os.getpid()))
    while True:
        task = conn.recv()
        if task is None:
            return
        conn.send(("done", DocumentOutcome(status="ok", reason=f"ocr_jobs {task.ocr_jobs}")))


def _ocr_jobs(names: list[str], jobs: int, cores: int) -> dict[str, int]:
    tasks = [Task(path=n, display=n) for n in names]
    with Supervisor(jobs, Limits(memory_mb=0), {}, target=echo_worker,
                    cores=cores) as supervisor:
        return {t.display: int(r.reason.split()[1]) for t, r in supervisor.run(tasks)}


def test_a_lone_document_gets_the_idle_cores_a_batch_does_not() -> None:
    assert _ocr_jobs(["one.pdf"], jobs=1, cores=3) == {"one.pdf": 3}
    batch = _ocr_jobs([f"{n}.pdf" for n in range(6)], jobs=2, cores=2)
    # documents still waiting need the cores: one page at a time while they do
    assert batch["0.pdf"] == batch["1.pdf"] == batch["2.pdf"] == 1
    assert all(1 <= v <= 2 for v in batch.values())


def _scanned(path: Path, pages: int) -> Path:
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(72, height - 90, "Article 1 - Objet du present contrat d'hebergement")
    c.showPage()
    try:
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 44)
    except OSError:
        font = ImageFont.load_default(size=44)
    words = ["Sauvegarde quotidienne", "Restitution des donnees", "Reversibilite du service",
             "Securite physique", "Formation des utilisateurs"]
    for n in range(2, pages + 1):
        image = Image.new("L", (int(width / 72 * 150), int(height / 72 * 150)), 255)
        draw = ImageDraw.Draw(image)
        # different words at different heights: not taken for running headers
        draw.text((150, 200 + 90 * n), f"Article {n} - {words[n - 2]}", fill=0, font=font)
        c.drawImage(ImageReader(image), 0, 0, width=width, height=height)
        c.showPage()
    c.save()
    return path


@pytest.mark.skipif(not HAS_TESSERACT, reason="tesseract is not installed")
def test_parallel_ocr_reads_the_same_document_as_one_page_at_a_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _scanned(tmp_path / "scan.pdf", 4)
    running = {"now": 0, "max": 0}
    start, finish = pdf_module._start_ocr, pdf_module._finish_ocr

    def counted_start(*args: Any) -> Any:
        job = start(*args)
        running["now"] += 1
        running["max"] = max(running["max"], running["now"])
        return job

    def counted_finish(job: Any) -> Any:
        running["now"] -= 1
        return finish(job)

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the page images go
    monkeypatch.setattr(pdf_module, "_start_ocr", counted_start)
    monkeypatch.setattr(pdf_module, "_finish_ocr", counted_finish)
    results = {}
    for jobs in (1, 3):
        announced: list[int] = []
        running["max"] = 0
        results[jobs] = extract(path, ocr_jobs=jobs, on_ocr_page=announced.append)
        assert announced == [2, 3, 4]
        assert running["max"] == jobs  # three tesseract processes at once, or one
    assert results[1] == results[3]
    assert results[3].ocr_pages == (2, 3, 4)
    text = " ".join(b.text for b in results[3].blocks)
    assert "Sauvegarde" in text and "Restitution" in text and "Article 1" in text
    assert not list(scratch.iterdir())  # page images and tesseract output removed
