"""The results store: one SQLite file (WAL mode) in the output folder, one row per input.

A row is written, in its own transaction, as soon as its document is final, so a batch killed at
any point keeps everything finished before; the primary key on the input path makes "exactly one
final record per input" a property of the schema. Reports are stored zlib-compressed so that
``hds-analyzer report OUT`` can rebuild every output file without re-analysing anything.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sqlite3
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from analyzer.batch.entry import report_summary
from analyzer.batch.models import ReportSummary, RunSummary, StoredRecord
from analyzer.output import is_output_name
from analyzer.report_json import REPORT_SCHEMA
from analyzer.statuses import OK, OK_NO_TEXT

STORE_NAME = "results.sqlite"
log = logging.getLogger(__name__)
MAX_REPORT_BYTES = 512 * 1024 * 1024
"""Largest stored report read back (a report of the longest text the analysis takes, 2 million
characters, is a few tens of MB)."""
SCHEMA_VERSION = 1

COLUMNS = (
    "path", "name", "sha256", "size", "mtime_ns", "type", "status", "reason", "pages", "chars",
    "truncated", "seconds", "cpu_seconds", "peak_rss_mb", "rules_version", "config_key",
    "limits_key", "language", "run_id", "finished_at", "entry",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,          -- the input as shown (relative to what was scanned)
    name TEXT NOT NULL,             -- output stem: OUT/<name>.json, OUT/<name>.html
    sha256 TEXT, size INTEGER, mtime_ns INTEGER,
    type TEXT,                      -- pdf, docx, txt, md, empty, zip, other (sniffed by content)
    status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',
    pages INTEGER, chars INTEGER, truncated INTEGER NOT NULL DEFAULT 0,
    seconds REAL, cpu_seconds REAL, peak_rss_mb REAL,
    rules_version TEXT, config_key TEXT, limits_key TEXT, language TEXT,
    run_id INTEGER, finished_at REAL,
    entry TEXT,                     -- JSON: the index fields
    report BLOB                     -- zlib(JSON report), NULL when the document failed
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at REAL, finished_at REAL, options TEXT, inputs TEXT, summary TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


_MAGIC = b"SQLite format 3\x00"


class StoreDamaged(Exception):
    """``OUT/results.sqlite`` is not a readable SQLite database (truncated, bad header or page)."""


class Store:
    """Open (and create) ``OUT/results.sqlite``. Use as a context manager or call ``close``.

    Raises:
        StoreDamaged: the file exists but is damaged (see ``set_aside``).
    """

    def __init__(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.path = out_dir / STORE_NAME
        if self.path.is_file() and self.path.stat().st_size:
            with self.path.open("rb") as f:
                if f.read(len(_MAGIC)) != _MAGIC:
                    raise StoreDamaged("not an SQLite database (bad header)")
        self.conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
        try:
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a committed row survives any kill of the process; only an OS
            # crash can lose the last rows, whose documents are then simply analysed again.
            self.conn.execute("PRAGMA synchronous=NORMAL")
            # every page is read once: a truncated file or a damaged page is found here, not as
            # a raw sqlite3 error in the middle of a batch
            problems = [r[0] for r in self.conn.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise StoreDamaged("; ".join(problems[:3]))
            self.conn.executescript(_SCHEMA)
            self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)",
                              (str(SCHEMA_VERSION),))
        except sqlite3.DatabaseError as e:
            self.conn.close()
            raise StoreDamaged(str(e)) from e
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> Any:
        """Group many small writes in one transaction (one fsync)."""
        import contextlib

        @contextlib.contextmanager
        def _tx() -> Iterator[None]:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

        return _tx()

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- records ------------------------------------------------------------------------------
    def get(self, path: str) -> StoredRecord | None:
        row = self.conn.execute(f"SELECT {', '.join(COLUMNS)} FROM files WHERE path = ?",
                                (path,)).fetchone()
        return _row(row) if row else None

    def records(self, paths: list[str] | None = None) -> list[StoredRecord]:
        """Every record (without reports), or those of ``paths`` (in that order, missing ones left
        out)."""
        rows = self.conn.execute(f"SELECT {', '.join(COLUMNS)} FROM files ORDER BY path")
        found = {r["path"]: record for r in rows if (record := _row(r)) is not None}
        if paths is None:
            return list(found.values())
        return [found[p] for p in paths if p in found]

    def put(self, record: StoredRecord, report_json: str | None,
            blob: bytes | None = None) -> None:
        """Insert or replace the final record of one input (one transaction); the report as JSON
        text or already compressed (``blob``, zlib)."""
        if blob is None and report_json is not None:
            blob = zlib.compress(report_json.encode("utf-8"), 6)
        names = [*COLUMNS, "report"]
        self.conn.execute(
            f"INSERT OR REPLACE INTO files ({', '.join(names)}) "
            f"VALUES ({', '.join('?' for _ in names)})",
            [*_values(record), blob],
        )

    def touch(self, path: str, run_id: int, mtime_ns: int) -> None:
        """Mark an unchanged input as seen by this run."""
        self.conn.execute("UPDATE files SET run_id = ?, mtime_ns = ? WHERE path = ?",
                          (run_id, mtime_ns, path))

    def stored_report(self, path: str) -> tuple[str, dict[str, Any]] | None:
        """The stored report of an input, as its JSON text and that text parsed (once); None
        without one, and for one that cannot be read back (damaged, not a report object, or
        expanding beyond ``MAX_REPORT_BYTES``: a store edited by hand), which is logged and
        left unused."""
        row = self.conn.execute("SELECT report FROM files WHERE path = ?", (path,)).fetchone()
        if row is None or row["report"] is None:
            return None
        try:
            inflate = zlib.decompressobj()
            data = inflate.decompress(row["report"], MAX_REPORT_BYTES)
            if inflate.unconsumed_tail:
                raise ValueError(f"over {MAX_REPORT_BYTES} bytes once decompressed")
            text = data.decode("utf-8")
            report = json.loads(text)
            if not isinstance(report, dict):
                raise ValueError("not a JSON object")
        except (zlib.error, TypeError, ValueError) as e:
            log.warning("%s: the stored report cannot be read (%s); not used", path, e)
            return None
        return text, report

    def report(self, path: str) -> dict[str, Any] | None:
        """The stored report, parsed (``stored_report``)."""
        found = self.stored_report(path)
        return found[1] if found else None

    # -- runs ---------------------------------------------------------------------------------
    def start_run(self, options: dict[str, Any], inputs: list[str]) -> int:
        cur = self.conn.execute(
            "INSERT INTO runs (started_at, options, inputs) VALUES (?, ?, ?)",
            (time.time(), json.dumps(options, ensure_ascii=False, default=str),
             json.dumps(inputs, ensure_ascii=False)))
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, summary: RunSummary) -> None:
        self.conn.execute("UPDATE runs SET finished_at = ?, summary = ? WHERE id = ?",
                          (time.time(), json.dumps(summary.to_json()), run_id))

    def last_inputs(self) -> list[str] | None:
        """The inputs of the latest run (finished or not)."""
        row = self.conn.execute("SELECT inputs FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        return json.loads(row["inputs"]) if row and row["inputs"] else None

    def last_patterns_dir(self) -> str | None:
        """The rule directory (``--patterns``) of the latest run; None for the shipped rules."""
        row = self.conn.execute("SELECT options FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        try:
            options = json.loads(row["options"]) if row and row["options"] else {}
        except ValueError:
            return None
        value = options.get("patterns_dir") if isinstance(options, dict) else None
        return value if isinstance(value, str) and value else None


def set_aside(out_dir: Path) -> Path:
    """Rename a damaged store (and its WAL files) out of the way; returns its new name."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    path = out_dir / STORE_NAME
    aside = out_dir / f"{STORE_NAME}.damaged-{stamp}"
    n = 1
    while aside.exists():
        n += 1
        aside = out_dir / f"{STORE_NAME}.damaged-{stamp}-{n}"
    path.rename(aside)
    for suffix in ("-wal", "-shm"):
        extra = out_dir / f"{STORE_NAME}{suffix}"
        if extra.exists():
            extra.rename(Path(f"{aside}{suffix}"))
    return aside


def _values(record: StoredRecord) -> list[Any]:
    """The column values of a record, in ``COLUMNS`` order (``entry``: its summary as JSON,
    ``{}`` without one; ``finished_at``: now when unset)."""
    values = {c: getattr(record, c) for c in COLUMNS if c != "entry"}
    values["truncated"] = int(record.truncated)
    values["entry"] = json.dumps(record.summary.to_json() if record.summary else {},
                                 ensure_ascii=False)
    values["finished_at"] = record.finished_at or time.time()
    return [values[c] for c in COLUMNS]


def _row(row: sqlite3.Row) -> StoredRecord | None:
    """The record of a row; None (as if absent: the input is analysed again) when its output
    name is not one this code gives, e.g. ``../x`` in a store edited by hand: files are only
    ever written, re-rendered or removed under names of OUT itself."""
    values = dict(row)
    if not is_output_name(values["name"]):
        return None
    entry = values.pop("entry")
    values["truncated"] = bool(values["truncated"])
    try:
        summary = json.loads(entry) if isinstance(entry, str) and entry else None
    except ValueError:  # an entry damaged by hand: read as none, the files are written again
        summary = None
    return StoredRecord(**values, summary=ReportSummary.from_json(summary))


def open_store(out_dir: Path, warnings: list[str]) -> Store:
    """Open the results store; a damaged one (truncated, bad header or page) is renamed out of
    the way and a new one is rebuilt from the report files in ``out_dir`` (a warning is added
    to ``warnings``). Rebuilt records carry no configuration key, so the next scan analyses
    their inputs again; ``hds-analyzer report`` can use them at once."""
    try:
        return Store(out_dir)
    except StoreDamaged as e:
        aside = set_aside(out_dir)
        store = Store(out_dir)
        count = _recover_from_reports(store, out_dir)
        message = (f"the results store was damaged ({e}): set aside as {aside.name}, rebuilt "
                   f"from {count} report file(s) in {out_dir}")
        log.warning("%s", message)
        warnings.append(message)
        return store


def _recover_from_reports(store: Store, out_dir: Path) -> int:
    count = 0
    with store.transaction():
        for path in sorted(out_dir.glob("*.json")):
            try:
                text = path.read_text("utf-8")
                report = json.loads(text)
                document = report["document"]
                if report.get("schema") != REPORT_SCHEMA or not isinstance(document["path"],
                                                                            str):
                    continue
                summary = dataclasses.replace(report_summary(report),
                                              json_bytes=path.stat().st_size)
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                continue  # not a report, or a damaged one: its input is simply analysed again
            chars = len(report.get("text") or "")
            store.put(StoredRecord(
                path=document["path"], name=path.stem, sha256=document.get("sha256"),
                type=document.get("format"), status=OK if chars else OK_NO_TEXT,
                reason="" if chars else "no usable text layer (scanned?): not reviewed, "
                "needs OCR", pages=document.get("pages"), chars=chars,
                rules_version=document.get("rules_version"), config_key="recovered",
                language=document.get("language"), summary=summary), text)
            count += 1
    return count
