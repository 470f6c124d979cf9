"""The layout holds: import contracts (no cycles, report/ pure, extract/ without spaCy) and
``analyzer.batch.outputs*`` as the only code that writes files under OUT."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.paths import REPO

ROOT = REPO
PACKAGE = ROOT / "analyzer"
CONTRACTS = ("No import cycles between the modules of a package",
             "report/ never imports batch/ or scan (it renders; batch/ writes OUT)",
             "extract/ never imports spaCy")
# Who may write files, and why (paths relative to analyzer/).
ALLOWED_WRITERS = {
    "batch/outputs.py": "OUT: per-document reports, index, files.csv, tables, options",
    "batch/outputs_review.py": "OUT: review import re-renders and Word memos",
    "batch/outputs_folder.py": "OUT: the lock file and the writability probe",
    "output.py": "the atomic writer itself",
    "report/review.py": "the review store OUT/reviews.json",
    "cli/evaluate.py": "evaluate -o FILE",
    "evaluate.py": "a corpus text's body without its provenance header, in a temporary folder",
    "cache.py": "the user cache of parsed rules",
    "extract/pdf/ocr.py": "OCR page images and logs in a private temporary folder",
    "extract/convert.py": "the copy of a .doc/.odt/.rtf converted in a temporary folder",
    "batch/pool.py": "the worker stderr log in the system temporary folder",
    "batch/store.py": "the results store OUT/results.sqlite",
}
WRITER_CALLS = {"atomic_write_text", "atomic_write_bytes", "atomic_writer", "write_text",
                "write_bytes", "mkstemp", "NamedTemporaryFile", "TemporaryFile", "copyfile",
                "copy", "copy2", "connect"}
# ``.save(x)`` writes a file unless x is an in-memory buffer or a stream its caller opened.
SAVE_TO_STREAM = {"buf", "self.stream"}


def _mode(call: ast.Call) -> str:
    """The mode of ``open(path, mode)``, ``os.fdopen(fd, mode)`` or ``path.open(mode)`` ("" when
    not a literal)."""
    method = isinstance(call.func, ast.Attribute) and call.func.attr == "open"
    position = 0 if method else 1
    arg = call.args[position] if len(call.args) > position else next(
        (k.value for k in call.keywords if k.arg == "mode"), None)
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else ""


def _writes(tree: ast.AST) -> list[int]:
    """Lines of the calls that create or write a file."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        saves_a_file = name == "save" and not (
            node.args and ast.unparse(node.args[0]) in SAVE_TO_STREAM)
        opens_to_write = name in ("open", "fdopen") and bool(set(_mode(node)) & set("wax+"))
        if name in WRITER_CALLS or saves_a_file or opens_to_write:
            lines.append(node.lineno)
    return lines


def test_import_contracts_are_kept() -> None:
    code = ("from importlinter.cli import lint_imports; "
            "raise SystemExit(lint_imports(config_filename='pyproject.toml', no_cache=True))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in CONTRACTS:
        assert f"{name} KEPT" in done.stdout, done.stdout


def test_only_the_allowed_modules_write_files() -> None:
    found: dict[str, list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = _writes(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            found[path.relative_to(PACKAGE).as_posix()] = lines
    outside = {k: v for k, v in found.items() if k not in ALLOWED_WRITERS}
    assert outside == {}, f"files written outside batch/outputs*.py and the allowed writers: " \
                          f"{outside}"
    # the detector sees the writers it must see (a detector that finds nothing proves nothing)
    assert {"batch/outputs.py", "batch/outputs_review.py", "report/review.py"} <= set(found)


def test_the_detector_flags_every_kind_of_write() -> None:
    samples = ["atomic_write_text(p, t)", "p.write_text(t)", "p.write_bytes(b)",
               "open(p, 'w')", "open(p, mode='ab')", "p.open('a+')", "wb.save(path)",
               "tempfile.mkstemp()", "shutil.copyfile(a, b)", "sqlite3.connect(p)",
               "os.fdopen(fd, 'wb')"]
    for sample in samples:
        assert _writes(ast.parse(sample)) == [1], sample
    for reading in ["open(p)", "open(p, 'rb')", "p.open('rb')", "p.open(mode='r')",
                    "doc.save(buf)", "p.read_text()", "zip.open(info)", "os.fdopen(fd, 'rb')"]:
        assert _writes(ast.parse(reading)) == [], reading
