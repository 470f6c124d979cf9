from pathlib import Path
from typing import Any

import pytest

from analyzer.errors import PatternFileError
from analyzer.taxonomy import CHECKLIST_IDS, MAPPING_TARGETS, load_taxonomy


def test_taxonomy_maps_every_target_and_certificates(patterns_dir: Path):
    taxonomy = load_taxonomy(patterns_dir / "taxonomy.yaml")
    reached = {t for key in taxonomy.topic_keys for t in taxonomy.mapping_for(key)}
    assert reached == set(MAPPING_TARGETS)
    assert taxonomy.certificates_for(["A1", "A2"]) == ["infrastructure_physique"]
    assert taxonomy.certificates_for(["A3", "A6", "infogerance"]) == ["infogereur"]
    assert taxonomy.certificates_for(["infogerance", "transversal"]) == []
    assert set(taxonomy.checklist) == set(CHECKLIST_IDS)


def test_design_topics_are_present(patterns_dir: Path):
    taxonomy = load_taxonomy(patterns_dir / "taxonomy.yaml")
    expected = {
        "hosting.datacenter": ["A1"], "hosting.hardware": ["A2"], "hosting.virtual": ["A3"],
        "hosting.platform": ["A4"], "hosting.backup": ["A6"], "hosting.location": ["A1"],
        "maintenance.operations": ["A5"], "maintenance.infrastructure": ["A2"],
        "maintenance.application": ["infogerance"], "maintenance.support": ["infogerance"],
        "security.access": ["A5"], "security.physical": ["A1"],
        "security.data_protection": ["transversal"], "training.users": ["infogerance"],
        "project_management.governance": ["infogerance"],
    }
    for key, mapping in expected.items():
        assert taxonomy.mapping_for(key) == mapping, key


def test_invalid_taxonomy_names_file_and_field(tmp_path: Path):
    path = tmp_path / "taxonomy.yaml"
    path.write_text("schema_version: 1\ntargets: {}\ncategories: {}\nchecklist: {}\n", encoding="utf-8")
    with pytest.raises(PatternFileError, match=r"taxonomy\.yaml.*targets"):
        load_taxonomy(path)


def _custom(tmp_path: Path, patterns_dir: Path, old: str, new: str) -> Path:
    text = (patterns_dir / "taxonomy.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "error"), [
    ("checklist:\n", "checklist:\n  r1111_11_99_extra: {title: {fr: x, en: x}, reference: x}\n",
     r"checklist: missing \[\], unknown \['r1111_11_99_extra'\].*fixed by the report schema"),
    ("targets:\n", "targets:\n  A7:\n    title: {fr: x, en: x}\n",
     r"targets: missing \[\], unknown \['A7'\].*fixed by the report schema"),
    ("mapping: [A6]", "mapping: [A9]", r"hosting\.topics\.backup: unknown targets \['A9'\]"),
])
def test_a_taxonomy_cannot_change_the_ids_of_the_report_schema(
        tmp_path: Path, patterns_dir: Path, old: str, new: str, error: str) -> None:
    """Targets and checklist ids are an interface (DESIGN.md §3): a custom taxonomy that adds
    one is refused with a message naming it, not silently half-used."""
    with pytest.raises(PatternFileError, match=error):
        load_taxonomy(_custom(tmp_path, patterns_dir, old, new))


def test_light_reading_of_the_taxonomy_agrees_with_the_validated_one(patterns_dir: Path):
    """The batch parent reads the facts with PyYAML only; they must equal the validated ones."""
    from analyzer.taxonomy_facts import default_facts, read_facts

    taxonomy = load_taxonomy(patterns_dir / "taxonomy.yaml")
    light = read_facts(patterns_dir / "taxonomy.yaml")
    assert light == taxonomy.facts == default_facts()
    assert light.targets == MAPPING_TARGETS and light.checklist == CHECKLIST_IDS
    assert light.hds_targets == ("A1", "A2", "A3", "A4", "A5", "A6")
    assert light.other_targets == ("infogerance", "transversal")
    assert {t: taxonomy.certificates_for([t]) for t in light.hds_targets} == {
        t: [c] for t, c in light.certificate_of.items()}
    assert light.title("targets", "A6", "fr") == "Sauvegarde des données de santé"


def test_the_availability_remap_is_read_from_the_taxonomy(tmp_path: Path, patterns_dir: Path):
    """Which layer an availability commitment follows is data: change it in the file and the
    mapping and explanation follow."""
    from types import SimpleNamespace

    from analyzer.mapping import resolve_service_layers
    from analyzer.models import TaggedClause
    from tests.conftest import tagged_clause

    path = _custom(tmp_path, patterns_dir,
                   "layer_remap: {layers: [A3], explanation: "
                   "\"availability of the virtual infrastructure this contract provides\"}",
                   "layer_remap: {layers: [A2], explanation: \"hardware\"}")
    ruleset: Any = SimpleNamespace(taxonomy=load_taxonomy(path))

    def clauses(provided: str) -> list[TaggedClause]:
        return [tagged_clause("c1", topics=(provided,)),
                tagged_clause("c2", mapping=("A4",), topics=("hosting.availability",))]

    iaas = resolve_service_layers(clauses("hosting.virtual"), ruleset)
    assert iaas[1].mapping == ("A4",)  # A3 provided, but this taxonomy remaps on A2 only
    hardware = clauses("hosting.hardware")
    remapped = resolve_service_layers(hardware, ruleset)
    assert remapped[1].mapping == ("A2",)
    assert remapped[1].explanation.text() == f"{hardware[1].explanation.text()}; hardware → A2"


def test_topic_roles_are_data_of_the_taxonomy(tmp_path: Path, patterns_dir: Path) -> None:
    """What a sub-processor clause may still tag is the topics with role
    ``where_data_is_hosted``: take the role off in the file and the hit goes."""
    import shutil

    from analyzer.nlp import HITS_KEY, cached_pipeline
    from analyzer.qualify import Vocabulary, prefilter_tags
    from analyzer.rules import load_rules

    shipped = load_taxonomy(patterns_dir / "taxonomy.yaml")
    assert shipped.topics_with_role("where_data_is_hosted") == {"hosting.location",
                                                                "hosting.datacenter"}
    assert {"hosting.platform", "hosting.hardware"} <= shipped.topics_with_role(
        "physical_resource")
    custom = tmp_path / "patterns"
    shutil.copytree(patterns_dir, custom)
    text = (custom / "taxonomy.yaml").read_text(encoding="utf-8")
    (custom / "taxonomy.yaml").write_text(
        text.replace("roles: [physical_resource, where_data_is_hosted]",
                     "roles: [physical_resource]"), encoding="utf-8")
    clause = ("Le sous-traitant ultérieur héberge les données de santé dans un centre de "
              "données situé en France.")

    def kept(directory: Path) -> set[str]:
        ruleset = load_rules(directory, "fr")
        doc = cached_pipeline(ruleset)(clause)
        tags = [s for s in doc.spans[HITS_KEY] if s.label_ not in ("checklist", "context")]
        assert tags  # the clause does name a data centre
        return {s.label_ for s in prefilter_tags(tags, Vocabulary.of(ruleset))}

    assert kept(patterns_dir) == {"hosting"}
    assert kept(custom) == set()


def test_an_unknown_topic_role_is_refused_with_its_field(tmp_path: Path, patterns_dir: Path):
    path = _custom(tmp_path, patterns_dir, "roles: [physical_resource]", "roles: [decorative]")
    with pytest.raises(PatternFileError, match=r"roles"):
        load_taxonomy(path)
