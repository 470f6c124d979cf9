"""The output folder is one scan's at a time, and a damaged results store is set aside and rebuilt
from the report files on disk instead of a raw sqlite3 traceback."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import cli

LOCK_NAME = ".hds-analyzer.lock"  # analyzer.scan.LOCK_NAME

TEXT = "ARTICLE 1 - OBJET\n\n1.1 Le Prestataire réalise la sauvegarde quotidienne des données.\n"


def test_second_scan_on_the_same_output_folder_refuses_and_leaves_the_first_alone(
        tmp_path: Path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    in_flight = out / ".docs__a.txt.json.k3j4h5g6.tmp"  # the first scan's atomic write
    in_flight.write_text("{", encoding="utf-8")
    with (out / LOCK_NAME).open("a+") as first:  # what a running scan holds
        fcntl.flock(first.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        first.write(str(os.getpid()))
        first.flush()
        result = CliRunner().invoke(cli, ["scan", str(tmp_path / "a.txt"), "-o", str(out)])
    assert result.exit_code == 2, result.output + result.stderr
    assert "in use by another scan" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert in_flight.exists()
    assert not (out / "results.sqlite").exists()


def test_review_import_refuses_while_a_scan_holds_the_output_folder(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    decisions = tmp_path / "decisions.json"
    decisions.write_text('{"schema": "hds-analyzer/review/1", "document": {"path": "a.pdf"}, '
                         '"decisions": []}', "utf-8")
    with (out / LOCK_NAME).open("a+") as first:
        fcntl.flock(first.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = CliRunner().invoke(cli, ["review", "import", str(decisions), str(out)])
    assert result.exit_code == 2, result.output + result.stderr
    assert "in use by another scan" in result.stderr
    assert not (out / "reviews.json").exists()


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(b"this is no database" + data[19:])


@pytest.mark.parametrize("how", ["truncated", "bad_header"])
def test_damaged_store_is_set_aside_and_rebuilt_from_the_reports(tmp_path: Path, how: str):
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(3):
        (docs / f"contrat_{i}.txt").write_text(TEXT + f"Référence {i}.\n" * 40, "utf-8")
    out = tmp_path / "out"
    first = CliRunner().invoke(cli, ["scan", str(docs), "-o", str(out), "-q"])
    assert first.exit_code == 0, first.output + first.stderr
    assert not (out / "results.sqlite-wal").exists() or \
        (out / "results.sqlite-wal").stat().st_size == 0
    _damage(out / "results.sqlite", how)
    (out / "index.html").unlink()

    rebuilt = CliRunner().invoke(cli, ["report", str(out)])
    assert rebuilt.exception is None or isinstance(rebuilt.exception, SystemExit), \
        rebuilt.exception
    assert rebuilt.exit_code == 0, rebuilt.output + rebuilt.stderr
    assert "results store was damaged" in rebuilt.stderr
    assert "rebuilt from 3 report file(s)" in rebuilt.stderr
    assert len(list(out.glob("results.sqlite.damaged-*"))) == 1
    index = (out / "index.html").read_text("utf-8")
    assert all(f"docs/contrat_{i}.txt" in index for i in range(3))

    again = CliRunner().invoke(cli, ["scan", str(docs), "-o", str(out), "-q", "--ui-lang", "en"])
    assert again.exit_code == 0, again.output + again.stderr
    assert "ok 3;" in again.output
