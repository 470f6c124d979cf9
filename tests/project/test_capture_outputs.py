"""The refactor check (scripts/capture_outputs.py): two captures compare equal apart from what
is volatile by design, and any other difference is reported."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from tests.paths import REPO

ROOT = REPO


def _module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("capture_outputs",
                                                  ROOT / "scripts" / "capture_outputs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["capture_outputs"] = module
    spec.loader.exec_module(module)
    return module


def _capture(folder: Path, seconds: str, report: str) -> Path:
    out = folder / "samples"
    out.mkdir(parents=True)
    (out / "a.json").write_text(report, encoding="utf-8")
    (out / "results.sqlite").write_bytes(seconds.encode())
    (out / "files.csv").write_text(f"\ufeffpath,status,seconds\r\na.txt,ok,{seconds}\r\n",
                                   encoding="utf-8")
    return folder


def test_volatile_parts_are_ignored_and_real_differences_listed(tmp_path: Path) -> None:
    capture = _module()
    before = _capture(tmp_path / "before", "0.51", '{"clauses": []}')
    same = _capture(tmp_path / "same", "0.93", '{"clauses": []}')
    assert capture.differences(before, same) == []
    changed = _capture(tmp_path / "changed", "0.51", '{"clauses": [1]}')
    (changed / "samples" / "b.html").write_text("new", encoding="utf-8")
    assert capture.differences(before, changed) == ["differs: samples/a.json",
                                                    "only in after: samples/b.html"]
    assert capture.main(["compare", str(before), str(changed)]) == 1
