"""Bullet glyphs of symbol fonts and typographic bullets become "• "."""

from __future__ import annotations

from analyzer.numbering import PDF_ARTICLE_START

# typographic bullets a list item may start with (besides "-", "–", "•", "*", handled by segment)
_BULLET_GLYPHS = frozenset("▪▫■□●○◦◆◇♦❖➢➤►▶▸‣✓✔✗☐☑⁃∙·⦁⁃")
_SYMBOL_LETTERS = "o§Øüvnlq"


def _is_private(char: str) -> bool:
    return "\ue000" <= char <= "\uf8ff"


def _symbol_letters(font: str) -> str:
    """Letters that stand for a bullet in ``font``: in Symbol, Wingdings, Webdings, Zapf Dingbats
    (Wingdings "l" ●, "n" ■, "q" ❑, "v" ❖, "Ø" ➢, "ü" ✓, "§" ▪), and Word's second-level "o"
    bullet, drawn in Courier New."""
    name = font.lower()
    if any(k in name for k in ("symbol", "wingding", "webding", "dingbat")):
        return _SYMBOL_LETTERS
    return "o" if "courier" in name else ""


def _bulleted(text: str, font: str = "") -> str:
    """A fragment that starts with a bullet glyph starts with "• " instead.

    Bullets drawn with Symbol, Wingdings or Webdings come out of the text layer as private-use
    characters (U+F0B7, U+F0A7, U+F0D8, U+F076, U+F0FC, U+F06E, …) or as the letter the glyph
    replaces ("o", "§", "Ø", "ü" in a Symbol or Wingdings font); typographic bullets (▪, ■, ➢, ✓, ·)
    are mapped as well, so that ``segment`` sees a list item.
    A fragment written entirely in the symbol area (U+F020–U+F0FF, a symbolic font without a
    Unicode map) is shifted back to the characters it stands for.
    """
    if not text:
        return text
    body = [c for c in text if not c.isspace()]
    private = sum(1 for c in body if "\uf020" <= c <= "\uf0ff")
    if len(body) >= 4 and private >= 0.8 * len(body):
        text = "".join(chr(ord(c) - 0xF000) if "\uf020" <= c <= "\uf0ff" else c for c in text)
    first = text[0]
    rest = text[1:]
    if _is_private(first) or first in _BULLET_GLYPHS or first == "•" or (
            first in _symbol_letters(font) and (not rest or rest[0].isspace())):
        rest = rest.lstrip()
        if not rest:
            return "•"  # a bullet set apart from its text (a tab): the line joins them
        if PDF_ARTICLE_START.match(rest):
            return rest  # a bullet drawn before "ARTICLE 9.4 – …" decorates a heading
        if not (_is_private(rest[0]) or rest[0] in _BULLET_GLYPHS):
            return f"• {rest}"
    return text
