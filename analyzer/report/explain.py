"""The plain-language explanation of a tagged clause: the one place that builds it, for the
HTML page, the Findings sheet and the Word memo."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analyzer.report.i18n import Messages
from analyzer.report.labels import STATUSES, lower_first, target_label, title
from analyzer.taxonomy_facts import TaxonomyFacts

_LEADS = {"included": "explain.included_{party}", "conditional": "explain.conditional",
          "excluded": "explain.excluded_{party}", "definition": "explain.definition"}


def plain_explanation(clause: Mapping[str, Any], m: Messages,
                      tax: TaxonomyFacts | None = None) -> str:
    """What a tagged clause means for the reader, from its status, party, topics and mapping:
    'Le prestataire s'engage sur : sauvegarde — activité 6 (sauvegarde des données de santé).'"""
    status = str(clause.get("status")) if clause.get("status") in STATUSES else "included"
    party = "client" if clause.get("party") == "client" else "provider"
    topics = [lower_first(title("topics", str(t), m.lang, tax)) for t in clause.get("topics", [])]
    targets = [target_label(str(t), m, tax=tax) for t in clause.get("mapping", [])]
    lead = m(_LEADS[status].format(party=party), topics=", ".join(topics) or m("explain.no_topic"))
    tail = m("explain.targets", targets=", ".join(targets)) if targets \
        else m("explain.no_target")
    return lead + tail
