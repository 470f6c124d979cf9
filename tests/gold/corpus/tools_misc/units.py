"""Split a corpus document body into annotation units with character offsets.

Usage: python units.py CORPUS_FILE [--lines]   (prints numbered units: index, start, end, kind, text)
Unit rules (DESIGN.md §5 and the gold brief): a paragraph (consecutive non-blank lines), a list item
(line starting with -, *, +, "1.", "1.1", "(a)", "a)"), or a Markdown table row; headings are
reported with kind "heading" (never annotated). With --lines every non-blank line is a unit
(used for the commonpaper document, where each line is a paragraph).
"""
import re
import sys

LIST_RE = re.compile(r"^\s*(?:[-*+–•]\s|\d+(?:\.\d+)*[.)]\s|\(?[a-zA-Z0-9ivx]{1,4}\)\s)")


def body_of(raw: str) -> str:
    if raw.startswith("SOURCE:"):
        return raw.split("\n\n", 1)[1]
    return raw


def _line_spans(body):
    pos = 0
    for line in body.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _span(body, start, end):
    seg = body[start:end]
    ls = len(seg) - len(seg.lstrip())
    return start + ls, start + len(seg.rstrip())


def units(body: str, per_line: bool = False):
    out = []
    cur = None  # [start, end, kind]

    def flush():
        nonlocal cur
        if cur:
            s, e = _span(body, cur[0], cur[1])
            if e > s:
                out.append((s, e, cur[2]))
        cur = None

    for pos, line in _line_spans(body):
        end = pos + len(line)
        st = line.strip()
        if not st:
            flush()
            continue
        if per_line:
            flush()
            cur = [pos, end, "heading" if st.startswith("#") else "line"]
            flush()
            continue
        if st.startswith("#"):
            flush(); cur = [pos, end, "heading"]; flush(); continue
        if st.startswith("|"):
            flush(); cur = [pos, end, "row"]; flush(); continue
        if st == "---":
            flush(); continue
        if LIST_RE.match(line):
            flush(); cur = [pos, end, "item"]; continue
        if cur is None:
            cur = [pos, end, "para"]
        else:
            cur[1] = end
    flush()
    return out


if __name__ == "__main__":
    path = sys.argv[1]
    raw = open(path, encoding="utf-8").read()
    body = body_of(raw)
    for i, (s, e, k) in enumerate(units(body, "--lines" in sys.argv)):
        print(f"[{i}] {s}-{e} {k}: {body[s:e]}")
        print()
