"""PDF extraction benchmark: the default engine against plain pdfplumber, side by side in one run.

    .venv/bin/python benchmarks/bench_extract.py [--pages 120] [--big-pages 1000] [--out DIR]

1. Builds a text PDF of ``--pages`` pages (contract-like French text, running header, "Page n/N"
   footer) with reportlab, then times on it:
   - plain pdfplumber: ``page.extract_text()`` for every page (with ``page.close()``);
   - ``analyzer.extract.extract(path)`` with the default engine (pypdfium2 + layout analysis);
   - ``extract(path, pdf_engine="pdfplumber")`` (same layout analysis on pdfplumber words);
   (best of several runs each, as the machine may be busy) and prints the speed ratios and two
   character similarities (difflib ratio, per page, on texts normalised with
   ``analyzer.segment.normalize_text`` and whitespace collapsed):
   - engine level: the default engine's page text vs pdfplumber ``page.extract_text()``;
   - document level: the clause texts of the default engine vs those of the pdfplumber engine.
2. Builds a ``--big-pages`` PDF and extracts it with the default engine in a child process; prints
   the child's peak RSS (``ru_maxrss``), which includes the interpreter and imports.

Not a test: numbers depend on the machine. Target (issue 3): ≥ 20x faster, similarity ≥ 0.99, peak
memory < 300 MB on 1,000 pages.
"""

from __future__ import annotations

import argparse
import difflib
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.extract import extract  # noqa: E402
from analyzer.segment import normalize_text, segment  # noqa: E402

SENTENCES = [
    "Le Prestataire héberge les données de santé à caractère personnel du Client dans ses centres "
    "de données situés en France métropolitaine.",
    "Les sauvegardes sont réalisées quotidiennement, chiffrées et conservées pendant trente jours "
    "sur un site distant d'au moins cinquante kilomètres.",
    "Toute intervention sur le système d'information hébergeant les données fait l'objet d'une "
    "traçabilité nominative conservée pendant un an.",
    "Le Client désigne un référent contractuel chargé du suivi des incidents de sécurité et de la "
    "coordination avec le Prestataire.",
    "La disponibilité mensuelle de la plateforme est garantie à 99,9 %, hors opérations de "
    "maintenance planifiées notifiées au moins cinq jours ouvrés à l'avance.",
    "En cas de manquement, le Prestataire verse des pénalités calculées sur la redevance mensuelle "
    "du service concerné, dans la limite de quinze pour cent.",
    "À la fin du contrat, le Prestataire restitue l'intégralité des données dans un format "
    "standard et ouvert, puis les détruit sans en conserver de copie.",
    "Les sous-traitants techniques intervenant dans l'exécution des prestations sont listés en "
    "annexe et soumis aux mêmes obligations de confidentialité.",
]


def build_pdf(path: Path, pages: int, seed: int = 7) -> Path:
    """A text PDF of exactly ``pages`` pages: numbered articles and paragraphs of varied length."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = "Helvetica"
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if dejavu.exists():
        pdfmetrics.registerFont(TTFont("DejaVu", str(dejavu)))
        font = "DejaVu"
    rng = random.Random(seed)
    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    article = 0
    for number in range(1, pages + 1):
        c.setFont(font, 8)
        c.drawString(72, height - 45, "Contrat d'hébergement de données de santé – Confidentiel")
        c.drawRightString(width - 72, 35, f"Page {number}/{pages}")
        y = height - 80
        while y > 90:
            if rng.random() < 0.25:
                article += 1
                c.setFont(font, 11)
                c.drawString(72, y, f"Article {article} – Stipulations {article}")
                y -= 20
                continue
            text = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 4)))
            c.setFont(font, 10)
            for line in simpleSplit(text, font, 10, width - 144):
                if y <= 90:
                    break
                c.drawString(72, y, line)
                y -= 13
            y -= 7
        c.showPage()
    c.save()
    return path


def _norm(text: str) -> str:
    return " ".join(normalize_text(text).split())


def _similarity(a: list[str], b: list[str]) -> float:
    """difflib ratio over aligned items (pages), weighted by length."""
    matched = total = 0
    for x, y in zip(a, b, strict=True):
        sm = difflib.SequenceMatcher(None, x, y, autojunk=False)
        matched += 2 * sum(block.size for block in sm.get_matching_blocks())
        total += len(x) + len(y)
    return matched / total if total else 1.0


def _plain_pdfplumber(path: Path) -> list[str]:
    import pdfplumber

    texts = []
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            texts.append(page.extract_text() or "")
            page.close()
    return texts


def _pdfium_pages(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    texts = []
    for page in doc:
        textpage = page.get_textpage()
        texts.append(textpage.get_text_range().replace("\x02", "-").replace("\ufffe", "-"))
        textpage.close()
        page.close()
    doc.close()
    return texts


def _timed(fn, *args, repeat: int = 1, **kwargs):  # type: ignore[no-untyped-def]
    """Result and best wall time of ``repeat`` runs (the machine may be busy with other work)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return result, best


def _peak_rss_child(path: Path) -> tuple[float, float]:
    code = (
        "import sys, time; from pathlib import Path; from analyzer.extract import extract; "
        "t = time.perf_counter(); d = extract(Path(sys.argv[1])); "
        "print(len(d.blocks), time.perf_counter() - t)"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    seconds = float(proc.stdout.split()[1])
    return max(peak, before) / 1024, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--big-pages", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="best of N runs for plain pdfplumber, 5N for the default engine",
    )
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-extract-"))
    out.mkdir(parents=True, exist_ok=True)

    pdf, seconds = _timed(build_pdf, out / f"text-{args.pages}p.pdf", args.pages)
    print(f"built {pdf.name}: {args.pages} pages in {seconds:.1f}s", flush=True)
    plumber_pages, t_plain = _timed(_plain_pdfplumber, pdf, repeat=args.repeat)
    default_doc, t_default = _timed(extract, pdf, repeat=5 * args.repeat)
    plumber_doc, t_plumber_engine = _timed(extract, pdf, pdf_engine="pdfplumber")
    n = args.pages
    print(f"{'method':48} {'total s':>8} {'ms/page':>8} {'ratio':>7}")
    for name, t in (
        ("plain pdfplumber page.extract_text()", t_plain),
        ("extract() default engine (pypdfium2 + layout)", t_default),
        ("extract(pdf_engine='pdfplumber') + layout", t_plumber_engine),
    ):
        print(f"{name:48} {t:8.2f} {1000 * t / n:8.1f} {t_plain / t:6.1f}x", flush=True)

    engine_sim = _similarity(
        [_norm(t) for t in plumber_pages], [_norm(t) for t in _pdfium_pages(pdf)]
    )
    default_segments = segment(default_doc)[1]
    plumber_segments = segment(plumber_doc)[1]
    default_clauses = [s.text for s in default_segments]
    plumber_clauses = [s.text for s in plumber_segments]
    doc_sim = difflib.SequenceMatcher(
        None, default_clauses, plumber_clauses, autojunk=False
    ).ratio()

    def by_page(segments: list) -> list[str]:
        pages = [""] * (n + 1)
        for seg in segments:
            pages[seg.page or 0] += seg.text + " "
        return [_norm(p) for p in pages]

    char_sim = _similarity(by_page(default_segments), by_page(plumber_segments))
    print(f"similarity, default engine page text vs pdfplumber extract_text(): {engine_sim:.4f}")
    print(
        f"similarity, clause texts default vs pdfplumber engine: {char_sim:.4f} (characters), "
        f"{doc_sim:.4f} (identical clauses)"
    )
    print(f"speed ratio default/plain pdfplumber: {t_plain / t_default:.1f}x (target >= 20x)")

    if args.big_pages:
        big, seconds = _timed(build_pdf, out / f"text-{args.big_pages}p.pdf", args.big_pages)
        print(f"built {big.name}: {args.big_pages} pages in {seconds:.1f}s")
        peak, t_big = _peak_rss_child(big)
        print(
            f"default engine on {args.big_pages} pages: {t_big:.1f}s "
            f"({1000 * t_big / args.big_pages:.1f} ms/page), peak RSS of the child process "
            f"{peak:.0f} MB (target < 300 MB)"
        )


if __name__ == "__main__":
    main()
