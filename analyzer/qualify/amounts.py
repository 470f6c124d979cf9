"""Price, service-credit and liability clauses (the annotation guidelines leave them untagged)."""

from __future__ import annotations

from spacy.tokens import Doc

from analyzer.qualify.phrases import doc_norms, find_phrases, phrase_at
from analyzer.qualify.vocabulary import Vocabulary

CAP_REACH = 25  # tokens from what is capped to the cap word, within one clause of a sentence


def _states_amount(doc: Doc, vocab: Vocabulary) -> bool:
    """A number next to a currency ("650 €", "$500", "1 200,00 euros)")."""
    currencies = vocab.singles("currency")
    for i, norm in enumerate(doc_norms(doc)):
        if norm in currencies:
            before = doc[i - 1] if i >= 1 else None
            if before is not None and before.text == ")" and i >= 2:
                before = doc[i - 2]
            after = doc[i + 1] if i + 1 < len(doc) else None
            if (before is not None and before.like_num) or (after is not None and after.like_num):
                return True
    return False


def _caps(doc: Doc, norms: list[str], vocab: Vocabulary) -> bool:
    """A cap on penalties, indemnities or liability ("ne peut excéder", "will not exceed")."""
    for i in range(len(norms)):
        if not phrase_at(norms, i, vocab.lists["cap_subject"]):
            continue
        for j in range(i + 1, min(i + 1 + CAP_REACH, len(norms))):
            if doc[j].text in (".", ";"):
                break
            if phrase_at(norms, j, vocab.lists["cap"]):
                return True
    return False


def is_price_clause(doc: Doc, vocab: Vocabulary) -> bool:
    """A clause about price: it states an amount of money and a price word ("facturé", "fee").

    The annotation guidelines leave clauses only about price untagged, even when they name the
    service they price ("les sessions de formation supplémentaires sont facturées 650 €");
    service credits are the price side of an SLA; caps on penalties or liability and "exclusive
    remedy" clauses are liability clauses. The words are the lexicon's lists ``currency``,
    ``price``, ``credit``, ``cap_subject``, ``cap`` and ``exclusive_remedy``.
    """
    norms = doc_norms(doc)
    return ((_states_amount(doc, vocab) and bool(find_phrases(norms, vocab.lists["price"])))
            or bool(find_phrases(norms, vocab.lists["credit"])) or _caps(doc, norms, vocab)
            or bool(find_phrases(norms, vocab.lists["exclusive_remedy"])))
