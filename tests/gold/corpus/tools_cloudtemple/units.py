"""Split a corpus document body into annotation units (paragraph / list item / table row) with offsets.

Usage: python units.py CORPUS_FILE  -> prints numbered units "idx [start,end] text"
The corpus text is read from ../shared/corpus at run time; nothing is copied into the repository.
"""
import re
import sys

ITEM_RE = re.compile(r"^\s*([-*+]|\d+[.)]|[a-zA-Z][.)])\s+")


def body_of(raw: str) -> str:
    assert raw.startswith("SOURCE:")
    return raw.split("\n\n", 1)[1]


def units(body: str):
    """Yield (start, end, kind) for each unit. Paragraph = consecutive non-blank lines that are not
    list items / table rows; list item = a line starting with a bullet or number (plus continuation lines
    that are not themselves items/rows/headings); table row = a line starting with '|'."""
    lines = []
    pos = 0
    for line in body.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    out = []
    cur = None  # [start, end, kind]

    def flush():
        nonlocal cur
        if cur:
            out.append(tuple(cur))
        cur = None

    for start, line in lines:
        s = line.strip()
        if not s:
            flush()
            continue
        lstart = start + (len(line) - len(line.lstrip()))
        lend = start + len(line.rstrip())
        if s.startswith("|"):
            flush()
            out.append((lstart, lend, "row"))
            continue
        if s.startswith("#"):
            flush()
            out.append((lstart, lend, "heading"))
            continue
        if ITEM_RE.match(line):
            flush()
            cur = [lstart, lend, "item"]
            continue
        if cur is None:
            cur = [lstart, lend, "para"]
        else:
            cur[1] = lend
    flush()
    return out


if __name__ == "__main__":
    raw = open(sys.argv[1], encoding="utf-8").read()
    body = body_of(raw)
    for i, (a, b, k) in enumerate(units(body)):
        t = body[a:b].replace("\n", " / ")
        print(f"{i:4d} [{a},{b}] {k}: {t}")
