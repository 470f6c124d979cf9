"""Hostile file names: spaces, quotes, unicode, <script>, leading dashes, control characters.
Each input gets its own report, names never collide, nothing breaks the index, CSV or logs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from analyzer.cli import cli

TEXT = "ARTICLE 1 - OBJET\n\n1.1 Le Prestataire réalise la sauvegarde quotidienne des données.\n"
NAMES = [
    "contrat avec  espaces .txt",
    "a&b \"quoted\" 'single' ;|$(id).txt",
    "Vertrag_Müller_合同_😀.txt",
    "<script>alert(1)<script>.txt",
    "-rf --version.txt",
    "--all.txt",
    "line\nbreak\ttab.txt",
    "\u202etxt.exe.txt",
]


def test_hostile_names_each_get_a_report_and_are_escaped(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in NAMES:
        (docs / name).write_text(TEXT + name.replace("\n", " ") + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["scan", str(docs), "-o", str(out), "-j", "2"])
    assert result.exit_code == 0, result.output + result.stderr
    reports = list(out.glob("docs__*.json"))
    assert len(reports) == len(NAMES)
    paths = {json.loads(p.read_text("utf-8"))["document"]["path"] for p in reports}
    assert paths == {f"docs/{n}" for n in NAMES}
    for p in out.iterdir():
        assert not p.name.startswith("-") and "/" not in p.name and "\n" not in p.name
    index = (out / "index.html").read_text("utf-8")
    assert "<script>alert(1)" not in index
    rows = list(csv.DictReader(io.StringIO((out / "files.csv").read_text("utf-8"))))
    assert len(rows) == len(NAMES)
    assert all(r["status"] == "ok" for r in rows)
    assert all(not r["path"].startswith(("=", "+", "-", "@")) for r in rows)
    assert any("\\u000a" in r["path"] for r in rows)  # newline shown, never a raw line break


def test_leading_dash_file_named_after_double_dash(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("-rf.txt").write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", "-o", "out", "--", "-rf.txt"])
    assert result.exit_code == 0, result.output + result.stderr
    assert (tmp_path / "out" / "_-rf.txt.json").is_file()


def test_unreadable_file_is_a_record_not_a_crash(tmp_path: Path, monkeypatch):
    import analyzer.batch.plan

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ok.txt").write_text(TEXT, encoding="utf-8")
    (docs / "locked.txt").write_text(TEXT, encoding="utf-8")
    real = analyzer.batch.plan.file_sha256

    def sha256(path: Path) -> str:
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(analyzer.batch.plan, "file_sha256", sha256)
    result = CliRunner().invoke(cli, ["scan", str(docs), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "locked.txt: parse_error: unreadable: PermissionError" in result.stderr
    assert (tmp_path / "out" / "docs__ok.txt.json").is_file()


def test_symlinks_inside_a_folder_are_skipped_not_followed(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ok.txt").write_text(TEXT, encoding="utf-8")
    (docs / "etc").symlink_to("/etc")
    (docs / "passwd.txt").symlink_to("/etc/passwd")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["scan", str(docs), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output + result.stderr
    rows = {r["path"]: r for r in csv.DictReader(io.StringIO((out / "files.csv")
                                                             .read_text("utf-8")))}
    assert rows["docs/passwd.txt"]["status"] == "skipped"
    assert "symbolic link" in rows["docs/passwd.txt"]["reason"]
    assert rows["docs/ok.txt"]["status"] == "ok"
    assert not any(p.startswith("docs/etc/") for p in rows)
    for path in out.iterdir():
        if path.is_file():
            assert b"root:x:0:0" not in path.read_bytes()
