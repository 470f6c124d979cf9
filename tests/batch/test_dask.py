"""``--engine dask`` runs the same work on a Dask LocalCluster with results identical to the
local engine (same statuses, same report bytes)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from analyzer.scan import scan
from tests.batch.test_resume import make_contracts

pytest.importorskip("distributed")


def _records(out: Path) -> dict[str, tuple]:
    with sqlite3.connect(out / "results.sqlite") as db:
        rows = db.execute("SELECT path, status, reason, type, pages, chars, sha256 FROM files")
        records = {r[0]: r[1:] for r in rows}
    db.close()
    return records


def test_dask_engine_gives_the_same_results_as_the_local_engine(tmp_path: Path):
    docs = tmp_path / "docs"
    make_contracts(docs, 4, paragraphs=5)
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7\n not a PDF body")
    (docs / "empty.docx").write_bytes(b"")
    local = scan([docs], tmp_path / "local", jobs=2)
    dask = scan([docs], tmp_path / "dask", jobs=2, engine="dask")
    assert local.exit_code == dask.exit_code == 1
    assert local.counts() == dask.counts() == {"ok": 4, "parse_error": 1, "unsupported_type": 1}
    assert _records(tmp_path / "local") == _records(tmp_path / "dask")
    reports = sorted(p.name for p in (tmp_path / "local").glob("docs__*.json"))
    assert len(reports) == 4
    for name in reports:
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes()
