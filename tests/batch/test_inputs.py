"""Every input path appears exactly once (store, files.csv, index), whatever the names, roots and
file kinds; the parent never blocks on, or reads, an input that is not a regular file."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from analyzer.cli import cli

TEXT = "ARTICLE 1 - OBJET\n\n1.1 Le Prestataire réalise la sauvegarde quotidienne des données.\n"


def rows(out: Path) -> dict[str, dict[str, str]]:
    found = list(csv.DictReader(io.StringIO((out / "files.csv").read_text("utf-8"))))
    by_path = {r["path"]: r for r in found}
    assert len(by_path) == len(found), "an input is listed twice"
    return by_path


def store_paths(out: Path) -> list[str]:
    with sqlite3.connect(out / "results.sqlite") as db:
        found = [p for (p,) in db.execute("SELECT path FROM files")]
    db.close()
    return found


def test_same_file_name_under_two_roots_gets_two_records_and_two_reports(tmp_path: Path):
    a = tmp_path / "A" / "vendorA" / "contract.txt"
    b = tmp_path / "B" / "vendorB" / "contract.txt"
    for path, word in ((a, "quotidienne"), (b, "hebdomadaire")):
        path.parent.mkdir(parents=True)
        path.write_text(TEXT.replace("quotidienne", word), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["scan", str(a), str(b), "-o", str(out), "-q", "-j", "1"])
    assert result.exit_code == 0, result.output + result.stderr
    assert sorted(store_paths(out)) == ["vendorA/contract.txt", "vendorB/contract.txt"]
    assert set(rows(out)) == {"vendorA/contract.txt", "vendorB/contract.txt"}
    texts = {json.loads(p.read_text("utf-8"))["document"]["path"]: json.loads(
        p.read_text("utf-8"))["text"] for p in out.glob("*.json")}
    assert "quotidienne" in texts["vendorA/contract.txt"]
    assert "hebdomadaire" in texts["vendorB/contract.txt"]
    assert "analysés 2 ;" in result.output  # the summary, in French by default


def test_two_folders_of_the_same_name_are_told_apart(tmp_path: Path):
    for parent in ("x", "y"):
        docs = tmp_path / parent / "docs"
        docs.mkdir(parents=True)
        (docs / "contrat.txt").write_text(TEXT + parent + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "x" / "docs"),
                                      str(tmp_path / "y" / "docs"), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output + result.stderr
    assert set(rows(out)) == {"x/docs/contrat.txt", "y/docs/contrat.txt"}
    assert len(list(out.glob("*.json"))) == 2


def test_long_non_ascii_file_name_is_analysed(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    name = "合同" * 40 + ".txt"  # 244 bytes: a valid name of 84 characters, 3 bytes each
    (docs / name).write_text(TEXT, encoding="utf-8")
    (docs / "court.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["scan", str(docs), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output + result.stderr
    assert rows(out)[f"docs/{name}"]["status"] == "ok"
    assert all(len(os.fsencode(p.name)) <= 255 for p in out.iterdir())
    assert len(list(out.glob("*.json"))) == 2


def test_explicit_fifo_and_device_never_block_the_parent(tmp_path: Path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    # the timeout only keeps a regression from hanging the test run
    proc = subprocess.run([sys.executable, "-m", "analyzer", "scan", str(fifo), "/dev/zero",
                           str(good), "-o", str(out), "-q", "-j", "1"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    found = rows(out)
    assert found["pipe.txt"]["status"] == "unsupported_type"
    assert "FIFO" in found["pipe.txt"]["reason"]
    assert found["zero"]["status"] == "unsupported_type"
    assert "character device" in found["zero"]["reason"]
    assert found["good.txt"]["status"] == "ok"


def test_fifo_and_unreadable_folder_inside_a_folder_are_in_the_index(tmp_path: Path,
                                                                      monkeypatch):
    docs = tmp_path / "docs"
    (docs / "locked").mkdir(parents=True)
    (docs / "locked" / "secret.txt").write_text(TEXT, encoding="utf-8")
    (docs / "ok.txt").write_text(TEXT, encoding="utf-8")
    os.mkfifo(docs / "pipe.pdf")
    real = os.scandir

    def scandir(path):  # tests run as root: permissions would not stop the walk
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["scan", str(docs), "-o", str(out), "-q"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1, result.output + result.stderr
    found = rows(out)
    assert found["docs/pipe.pdf"]["status"] == "skipped"
    assert "FIFO" in found["docs/pipe.pdf"]["reason"]
    assert found["docs/locked"]["status"] == "parse_error"
    assert "unreadable folder: PermissionError" in found["docs/locked"]["reason"]
    assert found["docs/ok.txt"]["status"] == "ok"
    assert "docs/locked" in (out / "index.html").read_text("utf-8")


def _deep_folder(base: Path, min_length: int) -> tuple[Path, list[str]]:
    """Folders nested below ``base`` whose full path is longer than ``min_length`` (made
    relative to open directories: the path itself is too long for the system)."""
    parts: list[str] = []
    fd = os.open(base, os.O_RDONLY)
    try:
        while len(str(base)) + sum(len(p) + 1 for p in parts) <= min_length:
            part = f"{len(parts):02d}" + "d" * 200
            os.mkdir(part, dir_fd=fd)
            new = os.open(part, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
            parts.append(part)
        file_fd = os.open("contrat.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(file_fd, TEXT.encode("utf-8"))
        os.close(file_fd)
    finally:
        os.close(fd)
    return base, parts


def test_path_longer_than_path_max_is_a_record_not_a_traceback(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ok.txt").write_text(TEXT, encoding="utf-8")
    limit = os.pathconf(docs, "PC_PATH_MAX")
    _deep_folder(docs, limit + 10)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["scan", str(docs), "-o", str(out), "-q"])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert result.exit_code == 1, result.output + result.stderr
    found = rows(out)
    assert found["docs/ok.txt"]["status"] == "ok"
    failed = [r for p, r in found.items() if p != "docs/ok.txt" and r["status"] != "skipped"]
    assert failed and all(r["status"] == "parse_error" for r in failed)
    assert any("too long" in r["reason"] for r in failed)


def test_file_over_the_size_limit_is_rejected_by_its_size_without_being_read(tmp_path: Path,
                                                                            monkeypatch):
    import analyzer.batch.plan

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ok.txt").write_text(TEXT, encoding="utf-8")
    with (docs / "huge.pdf").open("wb") as f:  # sparse: 3 MB on paper, nothing on disk
        f.truncate(3 * 1024 * 1024)
    hashed: list[str] = []
    real = analyzer.batch.plan.file_sha256

    def sha256(path: Path) -> str:
        hashed.append(path.name)
        return real(path)

    monkeypatch.setattr(analyzer.batch.plan, "file_sha256", sha256)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["scan", str(docs), "-o", str(out), "-q",
                                      "--max-file-mb", "1"])
    assert result.exit_code == 1, result.output + result.stderr
    assert hashed == ["ok.txt"]
    found = rows(out)
    assert found["docs/huge.pdf"]["status"] == "limit_exceeded"
    assert found["docs/huge.pdf"]["reason"].startswith("max_file_size: 3 MB")


def test_spreadsheets_and_archives_in_a_folder_are_skipped_a_renamed_docx_is_read(
        tmp_path: Path):
    import zipfile

    import docx

    docs = tmp_path / "docs"
    docs.mkdir()
    for name, parts in (("tableau.xlsx", {"[Content_Types].xml": "<Types/>",
                                          "xl/workbook.xml": "<workbook/>"}),
                        ("annexes.zip", {"a.txt": "x"})):
        with zipfile.ZipFile(docs / name, "w") as z:
            for part, data in parts.items():
                z.writestr(part, data)
    (docs / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(20))
    document = docx.Document()
    document.add_paragraph("1.1 Le Prestataire réalise la sauvegarde quotidienne des données.")
    document.save(str(docs / "contrat.bin"))  # a DOCX under another name: typed by content
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["scan", str(docs), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output + result.stderr
    found = rows(out)
    assert {p: r["status"] for p, r in found.items()} == {
        "docs/tableau.xlsx": "skipped", "docs/annexes.zip": "skipped",
        "docs/logo.png": "skipped", "docs/contrat.bin": "ok"}


def test_explicit_path_longer_than_path_max_is_a_record_of_its_own(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    limit = os.pathconf(docs, "PC_PATH_MAX")
    _, parts = _deep_folder(docs, limit + 10)
    long_path = docs.joinpath(*parts, "contrat.txt")
    assert len(os.fsencode(long_path)) > limit
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["scan", str(long_path), str(good), "-o", str(out), "-q"])
    assert result.exit_code == 1, result.output + result.stderr
    found = rows(out)
    assert found["good.txt"]["status"] == "ok"
    assert found["contrat.txt"]["status"] == "parse_error"
    assert "too long" in found["contrat.txt"]["reason"]
    missing = CliRunner().invoke(cli, ["scan", str(tmp_path / "nope.txt"), "-o", str(out)])
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_names_that_display_the_same_still_get_two_records(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    # an undecodable byte is shown as \xff: so is a name that really has a backslash in it
    (docs / os.fsdecode(b"bail_\xff.txt")).write_text(TEXT + "octet\n", encoding="utf-8")
    (docs / "bail_\\xff.txt").write_text(TEXT + "barre\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["scan", str(docs), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output + result.stderr
    found = rows(out)
    assert len(found) == 2 and len(store_paths(out)) == 2
    texts = sorted(json.loads(p.read_text("utf-8"))["text"].split()[-1]
                   for p in out.glob("*.json"))
    assert texts == ["barre", "octet"]
