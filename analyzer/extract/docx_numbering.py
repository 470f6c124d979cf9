"""WordprocessingML basics shared by the DOCX reader, and automatic numbering (``numbering.xml``):
the label Word renders for a numbered paragraph ("3.2", "a)", "IV.")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W = f"{{{W_NS}}}"

def _attr(el: Any, name: str) -> str | None:
    if el is None:
        return None
    value = el.get(f"{W}{name}")
    return str(value) if value is not None else None


def _child(el: Any, *names: str) -> Any:
    for name in names:
        if el is None:
            return None
        el = el.find(f"{W}{name}")
    return el


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):
        while n >= value:
            out += letters
            n -= value
    return out


# What a hostile numbering.xml can make a label cost: letters repeat (n // 26 + 1) times and
# Roman numerals add an "m" per thousand, so a start value of 2,000,000,000 made one label of
# 77 million letters, for every paragraph of the list. Beyond these, a counter is shown in
# decimal (at most a few digits), and a level's text is cut (Word's own are a few characters).
MAX_LETTER_COUNTER = 26 * 4
MAX_ROMAN_COUNTER = 3999
MAX_LEVEL_TEXT = 64


def format_number(n: int, fmt: str) -> str:
    """One level's counter in a numFmt ("decimal", "lowerLetter", "upperRoman", …); counters
    too large for letters or Roman numerals are shown in decimal."""
    if fmt in ("lowerLetter", "upperLetter", "lowerRoman", "upperRoman") and not (
            0 < n <= (MAX_LETTER_COUNTER if fmt.endswith("Letter") else MAX_ROMAN_COUNTER)):
        return str(n) if n > 0 else ""
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(n).upper() if fmt == "upperRoman" else _roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    legal: bool = False
    style: str | None = None


@dataclass
class Numbering:
    """numbering.xml: list definitions and the running counters of a document walk."""

    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, str] = field(default_factory=dict)  # numId → abstractNumId
    overrides: dict[str, dict[int, int]] = field(default_factory=dict)  # numId → {ilvl: start}
    counters: dict[str, dict[int, int]] = field(default_factory=dict)  # abstractNumId → {ilvl: n}
    started: set[str] = field(default_factory=set)

    @classmethod
    def from_element(cls, root: Any) -> Numbering:
        numbering = cls()
        if root is None:
            return numbering
        for abstract in root.iter(f"{W}abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in abstract.iter(f"{W}lvl"):
                ilvl = int(_attr(lvl, "ilvl") or 0)
                levels[ilvl] = _Level(
                    start=int(_attr(_child(lvl, "start"), "val") or 1),
                    fmt=_attr(_child(lvl, "numFmt"), "val") or "decimal",
                    text=(_attr(_child(lvl, "lvlText"), "val") or "")[:MAX_LEVEL_TEXT],
                    legal=_child(lvl, "isLgl") is not None,
                    style=_attr(_child(lvl, "pStyle"), "val"),
                )
            numbering.abstract[_attr(abstract, "abstractNumId") or ""] = levels
        for num in root.iter(f"{W}num"):
            num_id = _attr(num, "numId") or ""
            numbering.nums[num_id] = _attr(_child(num, "abstractNumId"), "val") or ""
            for override in num.iter(f"{W}lvlOverride"):
                start = _attr(_child(override, "startOverride"), "val")
                if start is not None:
                    numbering.overrides.setdefault(num_id, {})[
                        int(_attr(override, "ilvl") or 0)] = int(start)
        return numbering

    def level_for_style(self, num_id: str, style_id: str | None) -> int:
        levels = self.abstract.get(self.nums.get(num_id, ""), {})
        for ilvl, level in levels.items():
            if style_id and level.style == style_id:
                return ilvl
        return 0

    def next_label(self, num_id: str, ilvl: int) -> tuple[str, bool] | None:
        """Advance the list's counter at ``ilvl``; return (label, is_bullet), or None."""
        abstract_id = self.nums.get(num_id)
        if abstract_id is None or abstract_id not in self.abstract:
            return None
        levels = self.abstract[abstract_id]
        level = levels.get(ilvl)
        if level is None:
            return None
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in self.overrides.get(num_id, {}).items():
                counters[lvl] = start - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if level.fmt == "bullet":
            return "", True

        def render(match: re.Match[str]) -> str:
            n = int(match.group(1)) - 1
            ref = levels.get(n, _Level())
            value = counters.get(n, ref.start)
            return format_number(value, "decimal" if level.legal and n != ilvl else ref.fmt)

        return re.sub(r"%(\d)", render, level.text).strip(), False
