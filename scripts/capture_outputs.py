"""Capture every output of the tool on the samples and the corpus, or compare two captures: the
check a refactor must pass (outputs byte-identical, apart from what is volatile by design).

    .venv/bin/python scripts/capture_outputs.py capture DIR      # scan into DIR/<set>/
    .venv/bin/python scripts/capture_outputs.py compare BEFORE AFTER

The sets scanned: ``samples/contracts``, the corpus texts (``../shared/corpus``) and its
published PDFs (``originals/``), with ``--all --reference-date 2026-12-01 --ui-lang fr``.
Volatile by design, left out of the comparison: the results store (run ids, timings), the
output folder's lock and the ``seconds``/``cpu_seconds``/``peak_rss_mb`` columns of
``files.csv``. Everything else, including the Word memos and ``findings.xlsx``, must be the
same bytes. Exit code 1 when the captures differ (each difference is listed).
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import io
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SETS = {"samples": ROOT / "samples" / "contracts", "corpus": CORPUS,
        "originals": CORPUS / "originals"}
VOLATILE_FILES = ("results.sqlite", ".hds-analyzer.lock")
VOLATILE_COLUMNS = ("seconds", "cpu_seconds", "peak_rss_mb")


def capture(target: Path) -> int:
    """Scan every set that exists into ``target/<set>``; returns the worst exit code."""
    worst = 0
    for name, source in SETS.items():
        if not source.is_dir():
            print(f"{name}: {source} absent, not captured", file=sys.stderr)
            continue
        done = subprocess.run(
            [sys.executable, "-m", "analyzer", "scan", str(source), "-o", str(target / name),
             "--all", "--reference-date", "2026-12-01", "--ui-lang", "fr", "--quiet"],
            cwd=ROOT, check=False)
        print(f"{name}: exit code {done.returncode}", file=sys.stderr)
        worst = max(worst, done.returncode)
    return worst


def _files_csv(path: Path) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    return [{k: v for k, v in row.items() if k not in VOLATILE_COLUMNS} for row in rows]


def differences(before: Path, after: Path) -> list[str]:
    """Every file that is missing on one side or differs (volatile parts aside)."""
    found = []
    names = {p.relative_to(before) for p in before.rglob("*") if p.is_file()} | \
        {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    for rel in sorted(names):
        if rel.name.startswith(VOLATILE_FILES):
            continue
        a, b = before / rel, after / rel
        if not (a.is_file() and b.is_file()):
            found.append(f"only in {'before' if a.is_file() else 'after'}: {rel}")
        elif rel.name == "files.csv":
            if _files_csv(a) != _files_csv(b):
                found.append(f"differs: {rel}")
        elif not filecmp.cmp(a, b, shallow=False):
            found.append(f"differs: {rel}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("capture").add_argument("dir", type=Path)
    compare = sub.add_parser("compare")
    compare.add_argument("before", type=Path)
    compare.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "capture":
        return 1 if capture(args.dir) > 1 else 0
    found = differences(args.before, args.after)
    for line in found:
        print(line)
    print(f"{len(found)} difference(s)", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
