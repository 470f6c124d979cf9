"""The scan command line as a user meets it when something is wrong: one sentence and exit 2 for
an unusable output folder, a word for an empty input, exit 130 with a current index when
interrupted, failure lines that read once."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from analyzer.batch.models import IndexEntry
from analyzer.cli import cli
from tests.conftest import store_count

TEXT = "ARTICLE 1 - OBJET\n\n1.1 Le Prestataire réalise la sauvegarde quotidienne des données.\n"


def _one_sentence_exit_2(result: Result) -> None:
    assert result.exit_code == 2, result.output + result.stderr
    assert isinstance(result.exception, SystemExit)  # no traceback
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_output_folder_below_a_file_is_one_sentence_and_exit_2(tmp_path: Path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "not-a-folder").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "a.txt"), "-o",
                                      str(tmp_path / "not-a-folder" / "out")])
    _one_sentence_exit_2(result)
    assert "output folder" in result.stderr


@pytest.mark.skipif(not os.path.isdir("/sys/kernel"), reason="needs a folder nobody can write")
def test_unwritable_output_folder_is_one_sentence_and_exit_2(tmp_path: Path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "a.txt"), "-o", "/sys/kernel"])
    _one_sentence_exit_2(result)
    assert "cannot write in the output folder /sys/kernel" in result.stderr


def test_output_folder_inside_an_input_folder_is_refused_before_anything(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", str(docs), "-o", str(docs / "out")])
    _one_sentence_exit_2(result)
    assert "inside the input folder" in result.stderr
    assert not (docs / "out").exists()


def test_empty_input_folder_says_so(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "empty"), "-o",
                                      str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output + result.stderr
    assert "no document found" in result.stderr


def test_failure_lines_do_not_repeat_the_status(tmp_path: Path, monkeypatch):
    import analyzer.scan

    fake = analyzer.scan.ScanResult(entries=[
        IndexEntry("a.pdf", status="crashed", reason="crashed: worker died by SIGSEGV"),
        IndexEntry("b.pdf", status="timeout", reason="timeout: no result after 30 s"),
        IndexEntry("c.pdf", status="parse_error", reason="corrupt: no /Root"),
    ])
    monkeypatch.setattr(analyzer.scan, "scan", lambda *args, **kwargs: fake)
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "a.txt"), "-o",
                                      str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "crashed: crashed:" not in result.stderr
    assert "timeout: timeout:" not in result.stderr
    assert "failed: a.pdf: crashed: worker died by SIGSEGV" in result.stderr
    assert "failed: c.pdf: parse_error: corrupt: no /Root" in result.stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_scan_writes_a_current_index_and_exits_130(tmp_path: Path, signum: int):
    docs = tmp_path / "docs"
    docs.mkdir()
    paragraphs = "\n\n".join(f"{n}.1 {TEXT.splitlines()[-1]} Référence {n}." for n in range(200))
    for i in range(40):
        (docs / f"contrat_{i:02d}.txt").write_text(f"CONTRAT {i}\n\n{paragraphs}\n", "utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "analyzer", "scan", str(docs), "-o", str(out),
                             "-j", "1", "-q"], start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240  # only keeps a regression from hanging the run
        while store_count(out) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the batch finished before it could be interrupted"
        os.killpg(proc.pid, signum)  # Ctrl-C reaches the whole foreground process group
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, stdout + stderr
    assert "relancez la même commande pour reprendre" in stderr
    assert "Traceback" not in stderr
    done = store_count(out)
    assert 2 <= done < 40
    listed = list(csv.DictReader(io.StringIO((out / "files.csv").read_text("utf-8"))))
    assert len(listed) == done  # the index is the current one, not absent or stale
    index = (out / "index.html").read_text("utf-8")
    assert sum(f"docs/contrat_{i:02d}.txt" in index for i in range(40)) == done


def test_verbose_logs_every_document(tmp_path: Path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "analyzer", "-v", "scan", str(tmp_path / "a.txt"),
                           "-o", str(tmp_path / "out"), "-q", "-j", "1"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "INFO a.txt: ok (" in proc.stderr


def test_a_batch_error_midway_still_leaves_a_current_index(tmp_path: Path, monkeypatch):
    import analyzer.errors
    import analyzer.scan

    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(3):
        (docs / f"c{i}.txt").write_text(TEXT + "x" * (100 * (3 - i)) + "\n", encoding="utf-8")
    real = analyzer.scan._finish
    finished: list[str] = []

    def finish(run, task, outcome):  # type: ignore[no-untyped-def]
        if finished:  # as when the second report cannot be written (disk full)
            raise analyzer.errors.BatchError(f"cannot write the report of {task.display}: "
                                           "OSError: [Errno 28] No space left on device")
        finished.append(task.display)
        return real(run, task, outcome)

    monkeypatch.setattr(analyzer.scan, "_finish", finish)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["scan", str(docs), "-o", str(out), "-q", "-j", "1"])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "No space left on device" in result.stderr
    listed = list(csv.DictReader(io.StringIO((out / "files.csv").read_text("utf-8"))))
    assert [r["path"] for r in listed] == finished
    assert finished[0] in (out / "index.html").read_text("utf-8")
