"""Batch engine benchmark: throughput with 1 and 2 workers, parent memory, incremental re-run.

Usage:
    python benchmarks/bench_batch.py [--docs 500] [--pages 6] [--workdir DIR] [--json OUT.json]

Generates a batch of contracts (PDF via reportlab, DOCX via python-docx, TXT), then, in this one
process (which is the batch parent):
  1. scans it with 1 worker (--all), then with 2 workers (--all): pages per second, ratio;
  2. samples the parent's RSS every 50 ms during both runs (must stay under 300 MB) and reads
     the workers' peak RSS from the results store (must stay under the memory cap);
  3. re-scans the unchanged batch: time as a share of the first run (must be under 2 %);
  4. reports the parent's own CPU seconds per run and its RSS before and after the 2-worker run
     (flat: the growth per document must stay under 20 KB).
Prints one JSON document with the numbers and the pass/fail of each target.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sqlite3
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLAUSES = [
    "Le Prestataire réalise une sauvegarde quotidienne des données de santé, conservée trente "
    "jours, et teste la restauration chaque trimestre.",
    "Les données sont hébergées exclusivement dans deux centres de données situés en France.",
    "Le Prestataire assure l'administration et l'exploitation du système d'information hébergeant "
    "les données de santé, y compris la gestion des habilitations et la traçabilité des accès.",
    "Le support utilisateurs est assuré du lundi au vendredi de 9h à 18h par le centre de "
    "services.",
    "Le Prestataire notifie au Client toute violation de données dans un délai de 24 heures.",
    "La disponibilité garantie du service est de 99,9 % par mois, mesurée hors maintenance "
    "programmée ; des pénalités s'appliquent en cas de non-respect.",
    "Un comité de pilotage se réunit chaque trimestre pour suivre l'exécution du contrat.",
    "Le Prestataire forme les utilisateurs du Client lors de la mise en service.",
    "À la fin du contrat, le Prestataire restitue l'ensemble des données puis les détruit.",
    "Le Prestataire est certifié HDS pour les activités 1 à 6 et ISO 27001.",
]


def _paragraphs(seed: int, count: int) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for n in range(count):
        out.append(f"Article {n + 1} - {rnd.choice(CLAUSES)} {rnd.choice(CLAUSES)}")
    return out


def make_batch(folder: Path, docs: int, pages: int) -> int:
    """Write ``docs`` contracts (60 % PDF, 25 % DOCX, 15 % TXT); return the number of PDF pages."""
    from docx import Document
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(docs):
        kind = "pdf" if i % 20 < 12 else "docx" if i % 20 < 17 else "txt"
        path = folder / f"contrat_{i:05d}.{kind}"
        if path.exists():
            continue
        paras = _paragraphs(i, pages * 8)
        if kind == "pdf":
            buffer = io.BytesIO()
            c = canvas.Canvas(buffer, pagesize=A4)
            for p in range(pages):
                text = c.beginText(50, 800)
                text.setFont("Helvetica", 9)
                for para in paras[p * 8:(p + 1) * 8]:
                    for k in range(0, len(para), 95):
                        text.textLine(para[k:k + 95])
                    text.textLine("")
                c.drawText(text)
                c.drawString(50, 30, f"Contrat {i} - page {p + 1}")
                c.showPage()
            c.save()
            path.write_bytes(buffer.getvalue())
        elif kind == "docx":
            document = Document()
            document.add_heading(f"Contrat de services {i}", 1)
            for para in paras:
                document.add_paragraph(para)
            document.save(str(path))
        else:
            path.write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    return sum(1 for _ in folder.glob("*.pdf")) * pages


def current_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def parent_cpu_seconds() -> float:
    """CPU time of this process only (the batch parent; the workers are not counted)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class RssSampler:
    """Peak resident set size of this process, sampled every 50 ms."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            with open("/proc/self/status", encoding="ascii") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        self.peak_mb = max(self.peak_mb, int(line.split()[1]) / 1024)
            self.samples += 1
            self._stop.wait(0.05)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run(docs: int, pages: int, workdir: Path) -> dict:
    from analyzer.batch.limits import Limits
    from analyzer.scan import scan

    batch = workdir / "contracts"
    t0 = time.monotonic()
    pdf_pages = make_batch(batch, docs, pages)
    generation = time.monotonic() - t0
    limits = Limits()
    formats = ("json", "html")  # the CLI default
    # Start the worker machinery (forkserver with spaCy and the pipelines) outside the timings.
    scan([next(batch.glob("*.txt"))], workdir / "warm-up", jobs=2, force=True, formats=formats)
    results: dict = {"documents": docs, "pages_per_pdf": pages, "generation_seconds":
                     round(generation, 1)}
    with RssSampler() as rss:
        runs = {}
        for jobs in (1, 2):
            out = workdir / f"out-{jobs}"
            start = time.monotonic()
            cpu_start, rss_start = parent_cpu_seconds(), current_rss_mb()
            result = scan([batch], out, jobs=jobs, force=True, ocr="never", limits=limits,
                          formats=formats)
            seconds = time.monotonic() - start
            parent_cpu, rss_end = parent_cpu_seconds() - cpu_start, current_rss_mb()
            with sqlite3.connect(out / "results.sqlite") as db:
                total_pages, worker_peak, cpu = db.execute(
                    "SELECT SUM(COALESCE(pages, 0)), MAX(peak_rss_mb), SUM(cpu_seconds) "
                    "FROM files").fetchone()
            db.close()
            runs[jobs] = {"seconds": round(seconds, 2), "pages": total_pages,
                          "pages_per_second": round(total_pages / seconds, 2),
                          "documents_per_second": round(docs / seconds, 2),
                          "statuses": result.counts(), "worker_peak_rss_mb": worker_peak,
                          # CPU seconds the workers got per wall second: ~jobs when the machine
                          # gives the batch its cores, less when other jobs compete for them
                          "worker_cpu_seconds": round(cpu, 1),
                          "effective_parallelism": round(cpu / seconds, 2),
                          "parent_cpu_seconds": round(parent_cpu, 2),
                          "parent_rss_before_mb": round(rss_start, 1),
                          "parent_rss_after_mb": round(rss_end, 1),
                          "parent_rss_growth_kb_per_document":
                              round((rss_end - rss_start) * 1024 / docs, 2)}
        again_start = time.monotonic()
        again_cpu = parent_cpu_seconds()
        again = scan([batch], workdir / "out-2", jobs=2, ocr="never", limits=limits,
                     formats=formats)
        rerun = time.monotonic() - again_start
        again_cpu = parent_cpu_seconds() - again_cpu
    ratio = runs[2]["pages_per_second"] / runs[1]["pages_per_second"]
    first = runs[2]["seconds"]
    results.update(
        pdf_pages=pdf_pages,
        one_worker=runs[1], two_workers=runs[2],
        speedup_2_vs_1=round(ratio, 2),
        parent_peak_rss_mb=round(rss.peak_mb, 1), rss_samples=rss.samples,
        rerun_seconds=round(rerun, 2), rerun_analysed=again.analysed,
        rerun_parent_cpu_seconds=round(again_cpu, 2),
        rerun_share_of_first=round(rerun / first, 4),
        memory_cap_mb=limits.memory_mb,
    )
    results["targets"] = {
        "speedup_at_least_1.7": ratio >= 1.7,
        "parent_rss_under_300_mb": rss.peak_mb < 300,
        "workers_under_memory_cap": max(runs[1]["worker_peak_rss_mb"] or 0,
                                        runs[2]["worker_peak_rss_mb"] or 0) < limits.memory_mb,
        "rerun_under_2_percent": rerun / first < 0.02 and again.analysed == 0,
        "parent_rss_flat": runs[2]["parent_rss_growth_kb_per_document"] < 20,
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/hds-bench-batch"))
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    results = run(args.docs, args.pages, args.workdir)
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
