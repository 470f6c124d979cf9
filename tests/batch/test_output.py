from pathlib import Path

import pytest

from analyzer.output import atomic_write_text, dump_json, output_names


def test_same_file_name_in_two_folders_gets_two_outputs():
    names = output_names(["a/contrat.pdf", "b/contrat.pdf", "contrat.docx"])
    assert len(set(names.values())) == 3
    assert names["a/contrat.pdf"] == "a__contrat.pdf"
    assert names["b/contrat.pdf"] == "b__contrat.pdf"


@pytest.mark.parametrize(
    "rel",
    ["-rf.pdf", "../../etc/passwd", 'we"ird <script>.pdf', "Contrat été.docx", ".hidden.txt", "x" * 400],
)
def test_hostile_names_become_safe_file_names(rel):
    name = output_names([rel])[rel]
    assert "/" not in name and "\\" not in name and "<" not in name and '"' not in name
    assert not name.startswith(("-", "."))
    assert 0 < len(name) <= 120


def test_names_are_cut_by_utf8_bytes_so_temporary_files_stay_valid(tmp_path: Path):
    rel = "docs/" + "合同" * 40 + ".txt"  # 84 characters, 244 bytes
    name = output_names([rel])[rel]
    assert len(name.encode("utf-8")) <= 120
    atomic_write_text(tmp_path / f"{name}.html", "x")  # .<name>.html.<random>.tmp must fit
    long_name = "é" * 125 + ".json"  # 255 bytes: the longest valid file name
    atomic_write_text(tmp_path / long_name, "y")
    assert (tmp_path / long_name).read_text("utf-8") == "y"


def test_case_insensitive_collision_and_index_are_disambiguated():
    names = output_names(["A.pdf", "a.pdf", "index"])
    assert names["A.pdf"].lower() != names["a.pdf"].lower()
    assert names["index"] != "index"


def test_atomic_write_replaces_and_leaves_no_temp_file(tmp_path: Path):
    target = tmp_path / "r.json"
    atomic_write_text(target, "old")
    atomic_write_text(target, dump_json({"b": 1, "a": "é"}))
    assert target.read_text(encoding="utf-8") == '{\n  "a": "é",\n  "b": 1\n}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_outputs_get_the_mode_the_umask_gives(tmp_path: Path, umask: int, mode: int):
    import os

    old = os.umask(umask)
    try:
        atomic_write_text(tmp_path / "index.html", "<html></html>")
    finally:
        os.umask(old)
    assert (tmp_path / "index.html").stat().st_mode & 0o777 == mode
