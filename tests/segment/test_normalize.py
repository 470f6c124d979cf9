"""The three text normalisations: each keeps what its job needs (report offsets, rule matching,
gold comparison), so the same input gives three different, stable forms."""

from __future__ import annotations

from analyzer.normalize import document_text, fold, match_text

RAW = ("L\u2019h\u00e9bergeur \u00ab\u00a0**assure**\u00a0\u00bb "
       "la con\ufb01dentialit\u00e9\u00ad des \u0153uvres")


def test_document_text_keeps_case_accents_and_markup_but_not_typography() -> None:
    assert document_text(RAW) == "L'hébergeur « **assure** » la confidentialité des œuvres"


def test_fold_is_the_matching_key_without_case_accents_or_letter_ligatures() -> None:
    assert fold("Hébergées") == "hebergees"
    assert fold("Œuvre d\u2019art") == "oeuvre d'art"
    assert fold("SAUVEGARDÉES") == fold("sauvegardees")


def test_match_text_compares_clauses_across_markdown_quotes_and_spacing() -> None:
    assert match_text(RAW) == match_text("l'hébergeur \"  assure \" la confidentialité\u00ad des œuvres")
    assert match_text("\uf0b7 Sauvegarde   QUOTIDIENNE") == "• sauvegarde quotidienne"
    assert match_text(r"L\'accès") == "l'accès"
