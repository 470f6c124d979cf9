from pathlib import Path

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
