"""OCR benchmark: pages per second of one scanned document, one page at a time and in parallel.

    .venv/bin/python benchmarks/bench_ocr.py [--pages 6] [--jobs 2]

Generates a PDF of ``--pages`` scanned pages (page images of contract text, PIL + reportlab),
then in this one process extracts it with ``ocr_jobs=1`` (the baseline: one tesseract at a
time) and with ``ocr_jobs=--jobs``; prints pages/s of each, the ratio, and whether both
extractions are identical. Skips (exit 0) when tesseract is not installed. Not a test:
numbers depend on the machine (and on how busy its cores are).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analyzer.extract import extract

LINES = ["Article {n} - Hebergement des donnees de sante",
         "Le Prestataire heberge les donnees de sante du Client",
         "dans deux centres de donnees situes en France.",
         "Une sauvegarde quotidienne est conservee trente jours.",
         "La restauration est testee chaque trimestre."]


def scanned_pdf(path: Path, pages: int) -> Path:
    """A PDF whose every page is an image of text."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    try:
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 40)
    except OSError:
        font = ImageFont.load_default(size=40)
    for n in range(1, pages + 1):
        image = Image.new("L", (int(width / 72 * 200), int(height / 72 * 200)), 255)
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(LINES * 3):
            draw.text((150, 200 + 70 * i), line.format(n=n), fill=0, font=font)
        c.drawImage(ImageReader(image), 0, 0, width=width, height=height)
        c.showPage()
    c.save()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    if shutil.which("tesseract") is None:
        print("bench_ocr: skipped (tesseract is not installed)")
        return 0
    with tempfile.TemporaryDirectory(prefix="hds-bench-ocr-") as tmp:
        pdf = scanned_pdf(Path(tmp) / "scan.pdf", args.pages)
        runs = {}
        for jobs in (1, args.jobs):
            start = time.monotonic()
            document = extract(pdf, ocr_jobs=jobs)
            runs[jobs] = (time.monotonic() - start, document)
    (one, first), (many, second) = runs[1], runs[args.jobs]
    print(json.dumps({
        "pages": args.pages, "jobs": args.jobs,
        "pages_per_second_1": round(args.pages / one, 3),
        f"pages_per_second_{args.jobs}": round(args.pages / many, 3),
        "speedup": round(one / many, 2),
        "identical": first == second, "ocr_pages": len(second.ocr_pages),
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
