"""The text limits a worker applies to an extracted document before its analysis: the
``--max-chars`` cap and the longest paragraph the analysis takes (``MAX_BLOCK_CHARS``)."""

from __future__ import annotations

import dataclasses
from typing import Any

MAX_BLOCK_CHARS = 100_000
"""Longest paragraph passed to the analysis (no clause is that long): far below spaCy's
per-text limit (``analyzer.models.MAX_TEXT_CHARS``) whatever ``--max-chars`` allows."""


def cap_text(extracted: Any, max_chars: int) -> tuple[Any, int, bool]:
    """Keep the first ``max_chars`` characters of the document's blocks; returns the document,
    how many characters it keeps and whether it was cut."""
    total = 0
    kept = []
    truncated = False
    for block in extracted.blocks:
        if total + len(block.text) > max_chars:
            room = max_chars - total
            if room > 0:
                kept.append(dataclasses.replace(block, text=block.text[:room]))
                total += room
            truncated = True
            break
        kept.append(block)
        total += len(block.text)
    if truncated:
        extracted = dataclasses.replace(extracted, blocks=tuple(kept))
    return extracted, total, truncated


def split_long_blocks(extracted: Any, limit: int) -> tuple[Any, int]:
    """Cut every block longer than ``limit`` characters into pieces of at most ``limit``, at the
    last whitespace of each piece where there is one; returns the document and how many blocks
    were cut."""
    if all(len(block.text) <= limit for block in extracted.blocks):
        return extracted, 0
    blocks = []
    split = 0
    for block in extracted.blocks:
        text = block.text
        if len(text) <= limit:
            blocks.append(block)
            continue
        split += 1
        start = 0
        while start < len(text):
            end = min(len(text), start + limit)
            if end < len(text):
                cut = max(text.rfind(" ", start, end), text.rfind("\n", start, end))
                if cut > start + limit // 2:
                    end = cut + 1
            blocks.append(dataclasses.replace(block, text=text[start:end]))
            start = end
    return dataclasses.replace(extracted, blocks=tuple(blocks)), split
