"""The explanation of a finding is a typed value whose text is the report's ``explanation``;
the remapped topic is the taxonomy's, not a name restated in Python."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analyzer.analyze import analyze_extracted, get_ruleset
from analyzer.explanation import Explanation, ModelNote, PassedStatus
from analyzer.mapping import resolve_service_layers
from analyzer.mentions import obligation_mapping
from analyzer.models import Block, ExtractedDocument
from analyzer.taxonomy import load_taxonomy
from tests.conftest import tagged_clause

_MATCHED = Explanation(
    matched=(("en.hosting.platform_general", "platform"), ("en.hosting.platform_mention",
                                                           "containers")),
    inherited_from="", topics=("hosting.platform",), targets=("A4",), status="definition",
    model_name="clause-logreg-1",
    model_notes=(ModelNote("hosting", 0.4951, (("cs:hosting", 1.2), ("pw:service", 0.3),
                                               ("q:definitions", -0.8))),),
)


def _doc(*paragraphs: str) -> ExtractedDocument:
    return ExtractedDocument(path="t.txt", format="txt",
                             blocks=tuple(Block(text=p, index=i) for i, p in enumerate(paragraphs)))


def test_the_text_joins_the_parts_in_the_report_order() -> None:
    """Rules, topics → targets, status, model: the form the reports have always had."""
    assert str(_MATCHED) == _MATCHED.text() == (
        "Matched en.hosting.platform_general «platform», en.hosting.platform_mention «containers»;"
        " topics hosting.platform → A4; glossary definition, not counted as coverage;"
        " clause model clause-logreg-1: hosting 0.50 (cs:hosting+, pw:service+, q:definitions-)")


def test_status_cues_and_the_status_passed_from_a_lead_in() -> None:
    inherited = Explanation(matched=(), inherited_from="the heading and the lead-in",
                            topics=("hosting.backup", "maintenance.operations"),
                            targets=("A5", "A6"), status="excluded")
    assert inherited.text() == ("Category from the heading and the lead-in; topics "
                                "hosting.backup, maintenance.operations → A5, A6; excluded")
    passed = Explanation(matched=(("fr.hosting.backup", "sauvegarde"),), inherited_from="",
                         topics=("hosting.backup",), targets=("A6",), status="conditional",
                         passed=PassedStatus("the lead-in", "conditional", ("Sur demande",)))
    assert passed.text().endswith(
        "; conditional on «»; conditional by the lead-in «Sur demande»")
    cued = Explanation(matched=(("fr.hosting.backup", "sauvegarde"),), inherited_from="",
                       topics=("hosting.backup",), targets=("A6",), status="excluded",
                       cues=("hors périmètre", "ne comprend pas"))
    assert cued.text().endswith("; excluded by «hors périmètre», «ne comprend pas»")
    included = Explanation(matched=(("fr.hosting.backup", "sauvegarde"),), inherited_from="",
                           topics=("hosting.backup",), targets=("A6",), status="included")
    assert included.text() == "Matched fr.hosting.backup «sauvegarde»; topics hosting.backup → A6"


def test_a_remap_note_reads_as_the_map_stage_writes_it(patterns_dir: Path) -> None:
    """The Map stage adds its remap note to the typed explanation; its text is the tag
    stage's with "; <note> → <target>" appended, as the reports have always had it."""
    ruleset = get_ruleset(patterns_dir, "fr")
    topic = "hosting.availability"
    remap = ruleset.taxonomy.layer_remaps[topic]
    uptime = Explanation(matched=(("fr.hosting.availability", "disponibilité"),),
                         inherited_from="", topics=(topic,), targets=("A4",), status="included")
    clauses = [tagged_clause("c1", "included", ("A3",), ("hosting.virtual",)),
               tagged_clause("c2", "included", ("A4",), (topic,), explanation=uptime)]
    mapped = resolve_service_layers(clauses, ruleset)
    assert mapped[1].mapping == ("A3",) == tuple(remap.layers)
    assert mapped[1].explanation == uptime.remapped(remap.explanation, "A3")
    assert mapped[1].explanation.text() == f"{uptime.text()}; {remap.explanation} → A3"


def test_a_real_finding_explains_its_lead_in_and_its_remap() -> None:
    report = analyze_extracted(_doc(
        "1. Le Prestataire met à disposition des machines virtuelles.",
        "2. Ne sont pas compris dans les prestations :",
        "- la sauvegarde des données de santé ;",
        "3. Le taux de disponibilité garanti est de 99,9 %.",
    ), lang="fr")
    by_start = {c["text"][:2]: c for c in report["clauses"]}
    item = by_start["- "]
    assert item["status"] == "excluded"
    assert "; excluded by the lead-in «" in item["explanation"]
    uptime = by_start["3."]
    assert uptime["mapping"] == ["A3"]
    assert uptime["explanation"].endswith(
        "; availability of the virtual infrastructure this contract provides → A3")


@pytest.mark.parametrize(("provided", "layer"), [
    ("1. Le Prestataire fournit l'infrastructure matérielle : baies de stockage et lames de "
     "calcul.", "A2"),
    ("1. Le Prestataire fournit une infrastructure virtuelle (vCPU, ressources de stockage).",
     "A3"),
    (None, "A4"),
])
def test_hosting_said_in_general_is_the_layer_the_contract_provides(
        provided: str | None, layer: str) -> None:
    """"Héberger les données de santé" does not say which layer is hosted: on a bare-metal
    contract it is the hardware (A2), on an IaaS one the virtual infrastructure (A3), and on a
    contract that names no layer the application platform (A4, the topic's own mapping, with
    no remap note). The coverage follows, so a bare-metal contract no longer reads as A4."""
    lines = [provided] if provided else []
    report = analyze_extracted(_doc(*lines, f"{len(lines) + 1}. Le Prestataire héberge les "
                                    "données de santé du Client."), lang="fr")
    hosts = report["clauses"][-1]
    assert hosts["topics"] == ["hosting.service"]
    assert hosts["mapping"] == [layer]
    assert hosts["explanation"].endswith(
        f"; hosting of the layer this contract provides → {layer}") == (provided is not None)
    assert [t for t, ids in report["coverage"].items() if ids] == [layer]


def test_the_obligation_follows_the_topic_the_taxonomy_remaps(
        tmp_path: Path, patterns_dir: Path) -> None:
    """mentions reads which topic is remapped from ``layer_remap``: with the remap moved from
    availability to hardware, an availability obligation no longer stands for A3, and a
    hardware obligation stands for the layer its contract resolved."""
    shipped = load_taxonomy(patterns_dir / "taxonomy.yaml")
    uptime = tagged_clause("c1", mapping=("A3",), topics=("hosting.availability",))
    assert obligation_mapping(uptime, frozenset({"hosting.availability"}), shipped) == ("A3",)
    data = yaml.safe_load((patterns_dir / "taxonomy.yaml").read_text(encoding="utf-8"))
    hosting = data["categories"]["hosting"]["topics"]
    hosting["hardware"]["layer_remap"] = hosting["availability"].pop("layer_remap")
    (tmp_path / "taxonomy.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                            encoding="utf-8")
    custom = load_taxonomy(tmp_path / "taxonomy.yaml")
    assert list(custom.layer_remaps) == ["hosting.hardware", "hosting.service"]
    assert obligation_mapping(uptime, frozenset({"hosting.availability"}), custom) == ()
    hardware = tagged_clause("c2", mapping=("A2", "A3"), topics=("hosting.hardware",))
    assert obligation_mapping(hardware, frozenset({"hosting.hardware"}), custom) == ("A2", "A3")
    assert obligation_mapping(hardware, frozenset({"hosting.hardware"}), shipped) == ("A2",)
