"""Nothing lost, and incremental: a batch killed with SIGKILL and started again ends with exactly
one final record per input and no half-written report; re-runs only redo what changed;
``hds-analyzer report OUT`` rebuilds every output from the store."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import cli
from analyzer.scan import scan
from tests.conftest import store_count

CLAUSES = [
    "Le Prestataire réalise la sauvegarde quotidienne des données de santé hébergées.",
    "Le Prestataire assure l'administration et l'exploitation du système d'information.",
    "Les données sont hébergées exclusivement en France, dans deux centres de données.",
    "Le support utilisateurs est assuré du lundi au vendredi de 9h à 18h.",
    "Le Prestataire notifie au Client toute violation de données dans les 24 heures.",
]


def make_contracts(folder: Path, count: int, paragraphs: int = 30) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        lines = [f"CONTRAT N° {i}"]
        for n in range(paragraphs):
            lines.append(f"ARTICLE {n + 1} - CLAUSE {n + 1}\n\n{n + 1}.1 "
                         f"{CLAUSES[(i + n) % len(CLAUSES)]} Référence {i}-{n}.")
        path = folder / f"contrat_{i:03d}.txt"
        path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def _check_outputs_complete(out: Path) -> None:
    for path in out.glob("*.json"):
        json.loads(path.read_text("utf-8"))  # a half-written file would not parse
    for path in out.glob("*.html"):
        assert path.read_text("utf-8").rstrip().endswith("</html>"), path.name


def test_sigkill_midway_then_resume_gives_one_final_record_per_input(tmp_path: Path):
    docs = tmp_path / "docs"
    total = len(make_contracts(docs, 30, paragraphs=20))
    out = tmp_path / "out"
    command = [sys.executable, "-m", "analyzer", "scan", str(docs), "-o", str(out), "-j", "2",
               "--quiet"]
    proc = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while store_count(out) < 4 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        assert proc.poll() is None, "the batch finished before it could be killed"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    time.sleep(0.3)  # workers die with their parent (PR_SET_PDEATHSIG)
    done_before = store_count(out)
    assert 0 < done_before < total
    _check_outputs_complete(out)

    result = scan([docs], out, jobs=2)
    assert result.exit_code == 0
    assert result.unchanged == done_before  # finished documents are not analysed again
    assert result.analysed == total - done_before
    with sqlite3.connect(out / "results.sqlite") as db:
        rows = db.execute("SELECT path, status FROM files").fetchall()
    db.close()
    assert len(rows) == total
    assert {status for _, status in rows} == {"ok"}
    assert len(list(out.glob("docs__*.json"))) == total == len(list(out.glob("docs__*.html")))
    assert not list(out.glob(".*.tmp"))
    _check_outputs_complete(out)


def test_rerun_skips_unchanged_redoes_changed_and_all_forces_everything(tmp_path: Path):
    docs = tmp_path / "docs"
    paths = make_contracts(docs, 6, paragraphs=5)
    out = tmp_path / "out"
    first = scan([docs], out, jobs=2)
    assert first.analysed == 6 and first.exit_code == 0
    before = (out / "docs__contrat_001.txt.json").read_bytes()

    second = scan([docs], out, jobs=2)
    assert second.analysed == 0 and second.unchanged == 6
    assert (out / "docs__contrat_001.txt.json").read_bytes() == before

    paths[2].write_text(paths[2].read_text("utf-8") + "\nArticle 99 - Le Prestataire assure "
                        "la maintenance du matériel.\n", encoding="utf-8")
    (out / "docs__contrat_004.txt.html").unlink()  # a lost output is restored from the store
    third = scan([docs], out, jobs=2)
    assert third.analysed == 1 and third.unchanged == 5
    assert "Article 99" in (out / "docs__contrat_002.txt.json").read_text("utf-8")
    assert (out / "docs__contrat_004.txt.html").is_file()

    forced = CliRunner().invoke(cli, ["scan", str(docs), "-o", str(out), "--all", "-q",
                                      "--ui-lang", "en"])
    assert forced.exit_code == 0, forced.output + forced.stderr
    assert "0 unchanged" in forced.output


def test_report_command_rebuilds_every_output_from_the_store(tmp_path: Path):
    docs = tmp_path / "docs"
    make_contracts(docs, 3, paragraphs=4)
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7\n not really a PDF")
    out = tmp_path / "out"
    result = scan([docs], out, jobs=1)
    assert result.exit_code == 1
    reports = {p.name: p.read_bytes() for p in out.glob("*.json")}
    for path in [*out.glob("*.html"), *out.glob("*.json"), out / "files.csv"]:
        path.unlink()
    rebuilt = CliRunner().invoke(cli, ["report", str(out)])
    assert rebuilt.exit_code == 0, rebuilt.output + rebuilt.stderr
    assert {p.name: p.read_bytes() for p in out.glob("*.json")} == reports
    assert len(list(out.glob("docs__*.html"))) == 3
    index = (out / "index.html").read_text("utf-8")
    assert "broken.pdf" in index and "parse_error" in index
    assert "parse_error" in (out / "files.csv").read_text("utf-8")


def test_report_without_store_is_an_error(tmp_path: Path):
    result = CliRunner().invoke(cli, ["report", str(tmp_path)])
    assert result.exit_code == 1
    assert "results store" in result.stderr


@pytest.mark.parametrize("option", ["--scheduler=tcp://127.0.0.1:1"])
def test_scheduler_without_dask_engine_is_a_usage_error(tmp_path: Path, option: str):
    (tmp_path / "a.txt").write_text(CLAUSES[0], encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "a.txt"), "-o",
                                      str(tmp_path / "o"), option])
    assert result.exit_code == 2


def test_timeout_and_crashed_are_kept_on_an_unchanged_rerun_unless_retry_failed(tmp_path: Path):
    docs = tmp_path / "docs"
    make_contracts(docs, 3, paragraphs=3)
    out = tmp_path / "out"
    assert scan([docs], out, jobs=1).analysed == 3
    with sqlite3.connect(out / "results.sqlite") as db:  # as a killed or timed-out worker leaves
        db.execute("UPDATE files SET status = 'timeout', reason = 'timeout: no result after "
                   "30 s' WHERE path = 'docs/contrat_000.txt'")
        db.execute("UPDATE files SET status = 'crashed', reason = 'crashed: worker died by "
                   "SIGSEGV' WHERE path = 'docs/contrat_001.txt'")
    db.close()
    again = CliRunner().invoke(cli, ["scan", str(docs), "-o", str(out), "-q", "-j", "1",
                                     "--ui-lang", "en"])
    assert again.exit_code == 1, again.output + again.stderr
    assert "crashed 1, ok 1, timeout 1; 3 unchanged" in again.output
    retried = scan([docs], out, jobs=1, retry_failed=True)
    assert retried.analysed == 2 and retried.exit_code == 0
    assert retried.counts() == {"ok": 3}


def test_first_unchanged_rerun_does_not_rebuild_the_index_and_tables(tmp_path: Path,
                                                                     monkeypatch):
    import analyzer.scan

    docs = tmp_path / "docs"
    make_contracts(docs, 2, paragraphs=3)
    out = tmp_path / "out"
    assert scan([docs], out, jobs=1).analysed == 2
    calls: list[int] = []
    real = analyzer.scan.write_batch_outputs

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(analyzer.scan, "write_batch_outputs", counting)
    second = scan([docs], out, jobs=1)
    assert second.analysed == 0 and second.unchanged == 2
    assert calls == []
    (out / "index.html").unlink()  # a lost index is still rewritten
    scan([docs], out, jobs=1)
    assert calls == [1] and (out / "index.html").is_file()


def test_a_damaged_report_file_is_rewritten_from_the_store_on_an_unchanged_rerun(tmp_path: Path):
    docs = tmp_path / "docs"
    make_contracts(docs, 2, paragraphs=3)
    out = tmp_path / "out"
    assert scan([docs], out, jobs=1).analysed == 2
    report = out / "docs__contrat_000.txt.json"
    good = report.read_bytes()
    report.write_bytes(good[: len(good) // 2])  # as a full disk or a bad copy leaves it
    again = scan([docs], out, jobs=1)
    assert again.analysed == 0 and again.unchanged == 2
    assert report.read_bytes() == good
