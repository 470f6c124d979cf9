"""The results store's record is typed (``StoredRecord``, its report's ``ReportSummary``), and
the rows are those the store always wrote: a ``results.sqlite`` of the column layout below (the
store of 3bd30bc, the last one whose records were dicts) is read, reused by a scan, rebuilt by
``hds-analyzer report OUT``, and written back unchanged."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zlib
from dataclasses import fields
from pathlib import Path

from click.testing import CliRunner

from analyzer.batch.limits import Limits
from analyzer.batch.models import ReportSummary, StoredRecord
from analyzer.batch.plan import config_key
from analyzer.batch.store import COLUMNS, Store
from analyzer.cli import cli
from analyzer.scan import scan

TEXT = ("ARTICLE 1 - OBJET\n\n1.1 Le Prestataire réalise la sauvegarde quotidienne des données "
        "de santé hébergées, en France.\n\nARTICLE 2 - SUPPORT\n\n2.1 Le support utilisateurs "
        "est assuré du lundi au vendredi de 9h à 18h.\n")

# The layout of OUT/results.sqlite as 3bd30bc created it, kept here on purpose: the store of
# this code must read it (the schema must not change).
OLD_SCHEMA = """
CREATE TABLE files (
    path TEXT PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT, size INTEGER, mtime_ns INTEGER,
    type TEXT, status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', pages INTEGER,
    chars INTEGER, truncated INTEGER NOT NULL DEFAULT 0, seconds REAL, cpu_seconds REAL,
    peak_rss_mb REAL, rules_version TEXT, config_key TEXT, limits_key TEXT, language TEXT,
    run_id INTEGER, finished_at REAL, entry TEXT, report BLOB
);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at REAL, finished_at REAL, options TEXT, inputs TEXT, summary TEXT
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
INSERT INTO meta VALUES ('schema_version', '1');
"""
OLD_COLUMNS = ("path", "name", "sha256", "size", "mtime_ns", "type", "status", "reason",
               "pages", "chars", "truncated", "seconds", "cpu_seconds", "peak_rss_mb",
               "rules_version", "config_key", "limits_key", "language", "run_id",
               "finished_at", "entry", "report")


def _old_entry(report: dict, json_bytes: int) -> str:
    """The ``entry`` column as the dict-based store wrote it (written out by hand here)."""
    return json.dumps({
        "language": report["document"]["language"],
        "certificates_required": report["certificates_required"],
        "coverage": {t: len(ids) for t, ids in report["coverage"].items()},
        "checklist_missing": [c["id"] for c in report["checklist"] if c["status"] != "present"],
        "warnings": report["document"]["warnings"],
        "clauses": len(report["clauses"]),
        "json_bytes": json_bytes,
    }, ensure_ascii=False)


def _old_store(out: Path, doc: Path, report_text: str) -> None:
    """OUT/results.sqlite as the old store left it after a scan of ``doc`` (analysed) and of a
    damaged PDF (parse_error) and a skipped file, written with plain SQL."""
    st = doc.stat()
    key = config_key(lang="auto", ocr="auto", pdf_engine="auto", patterns_dir=None,
                     limits=Limits())
    report = json.loads(report_text)
    rows = [
        (doc.name, doc.name, report["document"]["sha256"], st.st_size, st.st_mtime_ns, "txt",
         "ok", "", None, len(report["text"]), 0, 1.25, 1.0, 210.5,
         report["document"]["rules_version"], key, repr(Limits()), "fr", 1, 1700000000.5,
         _old_entry(report, len(report_text.encode())),
         zlib.compress(report_text.encode(), 6)),
        ("broken.pdf", "broken.pdf", "ab" * 32, 10, 5, "pdf", "parse_error",
         "corrupt: no trailer", None, 0, 0, 0.5, None, None, None, key, repr(Limits()), None,
         1, 1700000001.0, "{}", None),
        ("notes.bin", "notes.bin", None, None, None, None, "skipped", "not a contract format",
         None, None, 0, None, None, None, None, key, None, None, 1, 1.0, "{}", None),
    ]
    out.mkdir()
    with sqlite3.connect(out / "results.sqlite") as db:
        db.executescript(OLD_SCHEMA)
        db.executemany(f"INSERT INTO files ({', '.join(OLD_COLUMNS)}) VALUES "
                       f"({', '.join('?' for _ in OLD_COLUMNS)})", rows)
        db.execute("INSERT INTO runs (started_at, finished_at, options, inputs, summary) "
                   "VALUES (1, 2, ?, ?, ?)",
                   (json.dumps({"lang": "auto", "patterns_dir": None}),
                    json.dumps(sorted(r[0] for r in rows)),
                    json.dumps({"counts": {"ok": 1}, "analysed": 1, "unchanged": 0,
                                "interrupted": False, "seconds": 1.3})))
    db.close()


def _rows(out: Path) -> list[tuple]:
    with sqlite3.connect(out / "results.sqlite") as db:
        found = db.execute("SELECT * FROM files ORDER BY path").fetchall()
    db.close()
    return found


def _analysed(tmp_path: Path) -> tuple[Path, str]:
    """A text contract and its JSON report, from a scan."""
    docs = tmp_path / "docs"
    docs.mkdir()
    doc = docs / "contrat.txt"
    doc.write_text(TEXT, encoding="utf-8")
    first = tmp_path / "first"
    assert scan([doc], first, jobs=1).exit_code == 0
    return doc, (first / "contrat.txt.json").read_text("utf-8")


def test_a_store_of_the_old_layout_is_read_reused_and_rebuilt(tmp_path: Path):
    doc, report_text = _analysed(tmp_path)
    out = tmp_path / "out"
    _old_store(out, doc, report_text)
    before = _rows(out)
    with Store(out) as store:
        record = store.get("contrat.txt")
        assert isinstance(record, StoredRecord)
        assert (record.status, record.type, record.truncated, record.seconds) == \
            ("ok", "txt", False, 1.25)
        assert record.summary is not None and record.summary.language == "fr"
        assert record.summary.json_bytes == len(report_text.encode())
        assert record.summary.clauses == len(json.loads(report_text)["clauses"]) > 0
        failed, skipped = store.get("broken.pdf"), store.get("notes.bin")
        assert failed is not None and failed.summary is None
        assert failed.reason == "corrupt: no trailer"
        assert skipped is not None and skipped.size is None and skipped.finished_at == 1.0
        # written back as read: the very same rows
        with store.transaction():
            for r in store.records():
                found = store.stored_report(r.path)
                store.put(r, found[0] if found else None)
    assert _rows(out) == before

    result = CliRunner().invoke(cli, ["report", str(out)])
    assert result.exit_code == 0, result.output + result.stderr
    assert (out / "contrat.txt.json").read_text("utf-8") == report_text
    files = {r["path"]: r for r in csv.DictReader(io.StringIO(
        (out / "files.csv").read_text("utf-8")))}
    assert files["contrat.txt"]["language"] == "fr"
    assert files["contrat.txt"]["clauses"] == str(len(json.loads(report_text)["clauses"]))
    assert files["contrat.txt"]["seconds"] == "1.25"
    assert files["broken.pdf"]["status"] == "parse_error"
    assert files["broken.pdf"]["reason"] == "corrupt: no trailer"
    assert files["notes.bin"]["status"] == "skipped"

    # the unchanged input is taken from the old row, not analysed again
    again = scan([doc], out, jobs=1)
    assert (again.analysed, again.unchanged) == (0, 1)
    assert [e.status for e in again.entries] == ["ok"]


def test_a_scan_writes_the_rows_the_store_always_wrote(tmp_path: Path):
    _, report_text = _analysed(tmp_path)
    with sqlite3.connect(tmp_path / "first" / "results.sqlite") as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(files)")]
        entry, language, truncated = db.execute(
            "SELECT entry, language, truncated FROM files").fetchone()
        summary = db.execute("SELECT summary FROM runs").fetchone()[0]
    db.close()
    assert tuple(columns) == OLD_COLUMNS
    assert entry == _old_entry(json.loads(report_text), len(report_text.encode()))
    assert (language, truncated) == ("fr", 0)
    assert list(json.loads(summary)) == ["counts", "analysed", "unchanged", "interrupted",
                                         "seconds"]
    assert json.loads(summary)["counts"] == {"ok": 1}


def test_the_record_has_a_field_per_column_and_the_summary_round_trips():
    names = ["entry" if f.name == "summary" else f.name for f in fields(StoredRecord)]
    assert tuple(names) == COLUMNS
    summary = ReportSummary(language="en", certificates_required=("HDS-A",),
                            coverage={"A1": 2, "A5": 0}, checklist_missing=("c01", "c07"),
                            warnings=("text_truncated: cut",), clauses=9, json_bytes=1234)
    assert ReportSummary.from_json(json.loads(json.dumps(summary.to_json()))) == summary
    # an entry of a document without a report, or one without the file size
    assert ReportSummary.from_json({}) is None
    partial = ReportSummary.from_json({"language": "fr", "clauses": 3})
    assert partial == ReportSummary(language="fr", clauses=3)
    assert partial is not None and "json_bytes" not in partial.to_json()


def _scanned(tmp_path: Path, count: int) -> tuple[Path, Path]:
    """``count`` small contracts ``in/c<n>.txt`` scanned into ``out`` (JSON and HTML)."""
    contracts = tmp_path / "in"
    contracts.mkdir()
    for n in range(count):
        (contracts / f"c{n}.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    done = CliRunner().invoke(cli, ["scan", str(contracts), "-o", str(out), "-j", "1", "-q",
                                    "--format", "json,html"])
    assert done.exit_code == 0, done.output
    return contracts, out


def test_a_store_whose_index_fields_were_damaged_is_read_and_repaired_by_the_next_scan(
        tmp_path: Path):
    """A results.sqlite edited by hand (or damaged) in its ``entry`` column: ``report OUT``
    still writes the index, and the next scan analyses those inputs again instead of reusing
    index fields it cannot read (it used to stop with a traceback)."""
    contracts, out = _scanned(tmp_path, 3)
    runner = CliRunner()
    with sqlite3.connect(out / "results.sqlite") as db:
        db.execute("UPDATE files SET entry = ? WHERE path LIKE '%c0.txt'",
                   ('{"coverage": 5, "warnings": 3, "clauses": "x"}',))
        db.execute("UPDATE files SET entry = '[1, 2]' WHERE path LIKE '%c1.txt'")
        db.execute("UPDATE files SET entry = 'not json {' WHERE path LIKE '%c2.txt'")
    rebuilt = runner.invoke(cli, ["report", str(out)])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert (out / "index.html").is_file()

    again = runner.invoke(cli, ["scan", str(contracts), "-o", str(out), "-j", "1",
                                "--format", "json,html"])
    assert again.exit_code == 0, again.output
    assert "inchangés depuis la dernière analyse : 1" not in again.output + again.stderr
    with Store(out) as store:
        records = store.records()
    assert len(records) == 3
    assert all(r.summary is not None and r.summary.clauses > 0
               and r.summary.json_bytes == (out / f"{r.name}.json").stat().st_size
               for r in records)


def test_report_out_never_writes_or_removes_outside_out_whatever_names_the_store_holds(
        tmp_path: Path):
    """An OUT folder handed over by someone else: an output name edited in its store (``../x``)
    must not make ``report OUT`` write, re-render or delete a file outside OUT."""
    contracts, out = _scanned(tmp_path, 2)
    runner = CliRunner()
    victim = tmp_path / "victim.json"
    victim.write_text("precious", encoding="utf-8")
    with sqlite3.connect(out / "results.sqlite") as db:
        db.execute("UPDATE files SET name = '../victim' WHERE path LIKE '%c0.txt'")
        db.execute("UPDATE files SET name = '../victim', status = 'parse_error' "
                   "WHERE path LIKE '%c1.txt'")
    rebuilt = runner.invoke(cli, ["report", str(out)])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not (tmp_path / "victim.html").exists()
    # the next scan analyses both inputs again, under names of OUT
    again = runner.invoke(cli, ["scan", str(contracts), "-o", str(out), "-j", "1", "-q",
                                "--format", "json,html"])
    assert again.exit_code == 0, again.output
    with Store(out) as store:
        assert sorted(r.name for r in store.records()) == ["in__c0.txt", "in__c1.txt"]
    assert victim.read_text(encoding="utf-8") == "precious"


def test_stored_reports_that_cannot_be_read_back_leave_the_files_as_they_are(
        tmp_path: Path, monkeypatch, caplog):
    """A damaged report blob, one that is not a JSON object, and one that would expand beyond
    the bound: ``report OUT`` neither stops nor removes or rewrites those documents' files."""
    import analyzer.batch.store as store_module

    _, out = _scanned(tmp_path, 4)
    runner = CliRunner()
    before = {p.name: p.read_bytes() for p in out.glob("in__c*.txt.*")}
    with sqlite3.connect(out / "results.sqlite") as db:
        db.execute("UPDATE files SET report = ? WHERE path LIKE '%c0.txt'", (b"\x00garbage",))
        db.execute("UPDATE files SET report = ? WHERE path LIKE '%c1.txt'",
                   (zlib.compress(b"[1, 2, 3]"),))
        db.execute("UPDATE files SET report = ? WHERE path LIKE '%c2.txt'",
                   (zlib.compress(b"\xff\xfe not utf-8"),))
    size = len(next(out.glob("in__c3.txt.json")).read_bytes())
    monkeypatch.setattr(store_module, "MAX_REPORT_BYTES", size // 2,  # every report too big
                        raising=False)
    (out / "in__c0.txt.html").write_text("kept", encoding="utf-8")
    with caplog.at_level("WARNING", logger="analyzer.batch.store"):
        rebuilt = runner.invoke(cli, ["report", str(out)])
    assert rebuilt.exit_code == 0, rebuilt.output
    after = {p.name: p.read_bytes() for p in out.glob("in__c*.txt.*")}
    assert after == {**before, "in__c0.txt.html": b"kept"}
    unread = {r.getMessage().split(":")[0] for r in caplog.records
              if "cannot be read" in r.getMessage()}
    assert unread == {f"in/c{n}.txt" for n in range(4)}
    assert any("once decompressed" in r.getMessage() and "c3.txt" in r.getMessage()
               for r in caplog.records)
