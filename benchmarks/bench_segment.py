"""Segmentation benchmark: ``join_lines`` is linear in the clause's length.

    .venv/bin/python benchmarks/bench_segment.py [--chars 100000]

In one run: joins one clause of wrapped, hyphenated lines of ``--chars / 4`` and of ``--chars``
characters with ``analyzer.segment.join_lines`` and with the former implementation (kept here
as the baseline: it searched the whole text joined so far at each line, and copied it); prints
the seconds of each and the growth ratio when the clause is 4x longer (linear: about 4;
quadratic: about 16). Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analyzer.segment import join_lines

GROUP = ["Le Prestataire assure l'héber-", "gement des données de santé à caractère personnel",
         "et leur sauve-", "garde quotidienne, pages 3-", "4 du présent contrat."]


def former_join_lines(lines: list[str]) -> str:
    """The implementation before issue 12 (quadratic), the baseline."""
    out = ""
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            continue
        if not out:
            out = line
        elif re.search(r"[^\W\d_]-$", out) and line[:1].islower():
            out = out[:-1] + line
        else:
            out = f"{out} {line}"
    return out


def clause(chars: int) -> list[str]:
    size = sum(len(line) + 1 for line in GROUP)
    return GROUP * max(1, chars // size)


def seconds(join: Callable[[list[str]], str], lines: list[str], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        join(lines)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=100_000)
    args = parser.parse_args(argv)
    short, long = clause(args.chars // 4), clause(args.chars)
    assert join_lines(long) == former_join_lines(long)
    result = {}
    for name, join in (("join_lines", join_lines), ("former", former_join_lines)):
        a, b = seconds(join, short), seconds(join, long, repeat=1 if name == "former" else 3)
        result[name] = {"seconds_short": round(a, 5), "seconds_long": round(b, 5),
                        "growth_for_4x_length": round(b / a, 1)}
    result["speedup_at_long"] = round(result["former"]["seconds_long"]
                                      / result["join_lines"]["seconds_long"], 1)
    result["chars"] = len(join_lines(long))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
