"""Scan inputs: find documents, analyse each one in an isolated worker, write per-document and batch
outputs, keep every result in the store ``OUT/results.sqlite``.

One bad document never stops the batch: its failure is recorded with a status and a reason.
This module runs in the parent process and stays light: it never imports spaCy or the parsers
(see ``analyzer.batch``). Re-running the same scan only re-does inputs whose content, rules or
options changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import stat
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer import __version__
from analyzer.batch.limits import Limits, sniff_type
from analyzer.batch.progress import Progress
from analyzer.batch.store import Store, StoreDamaged, set_aside
from analyzer.batch.worker import FAILED_STATUSES, OK_STATUSES, index_entry
from analyzer.errors import AnalyzerError, BatchError
from analyzer.extract import SUPPORTED_SUFFIXES, file_sha256
from analyzer.output import atomic_write_text, output_names

log = logging.getLogger(__name__)
ALL_FORMATS = ("json", "html", "csv", "xlsx")
RETRY_STATUSES = ("timeout", "crashed")  # possibly transient: re-done by --retry-failed
FILES_CSV = "files.csv"
CSV_FIELDS = ("path", "status", "reason", "type", "pages", "chars", "truncated", "language",
              "clauses", "certificates_required", "seconds", "size", "sha256", "html", "json")


@dataclass(frozen=True)
class InputFile:
    """A file to analyse and the path shown for it (relative to what the user named).

    ``status`` is empty for an input to analyse; else the input is recorded as it is, with
    ``reason`` (``skipped``, or a failure found without reading it: not a regular file, a
    folder that cannot be listed).
    """

    path: Path
    display: str
    status: str = ""
    reason: str = ""


@dataclass
class ScanResult:
    """What happened to every input."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    analysed: int = 0
    """Inputs analysed by this run (the others were unchanged and taken from the store)."""
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    """What the user should know about the batch itself (a damaged store set aside, …)."""

    @property
    def failed(self) -> list[dict[str, Any]]:
        """Entries of documents that could not be analysed."""
        return [e for e in self.entries if e["status"] not in OK_STATUSES]

    @property
    def unchanged(self) -> int:
        return sum(1 for e in self.entries if e.get("unchanged"))

    def counts(self) -> dict[str, int]:
        """Number of inputs per status."""
        return dict(sorted(Counter(e["status"] for e in self.entries).items()))

    @property
    def exit_code(self) -> int:
        """0 when every input was analysed (ok, ok_no_text) or skipped, else 1."""
        return 1 if self.failed else 0


def display_name(path: Path) -> str:
    """A path as text that always encodes as UTF-8 (undecodable bytes shown as ``\\xff``)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


SKIP_UNSUPPORTED = "not a supported file type (.pdf, .docx, .txt, .md)"
# ZIP-based formats that are never a contract to read (spreadsheets, slides, archives, …): inside
# a folder they are skipped like any other unsupported type, not failed as "ZIP that is not a
# DOCX". A ZIP under any other name is still opened, to find a renamed DOCX or ODT.
NON_DOCUMENT_ZIP_SUFFIXES = frozenset({
    ".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".pptx", ".pptm", ".ppsx", ".potx", ".vsdx",
    ".ods", ".odp", ".odg", ".zip", ".jar", ".war", ".apk", ".ipa", ".epub", ".kmz", ".whl",
    ".nupkg", ".xpi", ".3mf",
})
SKIP_SYMLINK = "symbolic link (not followed)"


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "FIFO (named pipe)"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "special file"


def _os_error(e: OSError) -> str:
    return f"{type(e).__name__}: {e.strerror or e}"


def collect_inputs(paths: Sequence[Path], *, exclude: Sequence[Path] = ()
                   ) -> tuple[list[InputFile], list[InputFile]]:
    """Expand files and folders (recursively) into inputs to analyse and inputs recorded as they
    are (``InputFile.status`` set: skipped, or failed with a reason).

    Files named explicitly are analysed when they are regular files; a FIFO, a device or a
    socket is ``unsupported_type`` (never opened: reading one could block forever). Inside
    folders, a regular file is analysed when its suffix is a supported one or its content is PDF
    or ZIP (type by content); other files, special files and symbolic links (never followed out
    of the folder) are skipped, with the reason; a folder that cannot be listed (permissions, a
    path longer than the system allows) is a ``parse_error`` record of its own. Folders in
    ``exclude`` (the output folder) are not entered. Every input is shown relative to the name
    of what was named; two inputs that would show the same way (``A/x/contract.txt`` and
    ``B/y/contract.txt``) are shown with as many parent folders as tell them apart.
    """
    found: list[tuple[int, tuple[str, ...], Path, str, str]] = []  # root, rel, path, status, why
    seen: set[Path] = set()
    excluded = {_abs(p) for p in exclude}
    for index, root in enumerate(paths):
        try:
            mode = os.stat(root).st_mode
        except OSError as e:
            found.append((index, (), root, "parse_error", f"unreadable: {_os_error(e)}"))
            continue
        key = _key(root)
        if key in seen:
            continue
        seen.add(key)
        if stat.S_ISDIR(mode):
            for rel, path, status, reason in _walk(root, excluded):
                key = _key(path)
                if key in seen:
                    continue
                seen.add(key)
                found.append((index, rel, path, status, reason))
        elif stat.S_ISREG(mode):
            found.append((index, (), root, "", ""))
        else:
            found.append((index, (), root, "unsupported_type",
                          f"not a regular file ({_file_kind(mode)}): never read"))
    displays = _displays(paths, [(index, rel) for index, rel, *_ in found])
    todo: list[InputFile] = []
    recorded: list[InputFile] = []
    for (_, _, path, status, reason), display in zip(found, displays, strict=True):
        item = InputFile(path, display, status, reason)
        (recorded if status else todo).append(item)
    return todo, recorded


def _abs(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def _key(path: Path) -> Path:
    """What makes two names the same input (a symbolic link is its own input)."""
    try:
        link = path.is_symlink()
    except OSError:  # e.g. a path longer than the system allows
        link = True
    return Path(os.path.abspath(path)) if link else _abs(path)


def _walk(root: Path, excluded: set[Path]
          ) -> Iterator[tuple[tuple[str, ...], Path, str, str]]:
    """Every entry below ``root``, sorted: ``(relative parts, path, status, reason)`` with the
    status "" (to analyse), "skipped" or "parse_error" (a folder that cannot be listed)."""
    stack: list[tuple[tuple[str, ...], Path]] = [((), root)]
    while stack:
        rel, folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: os.fsencode(e.name))
        except OSError as e:
            yield rel, folder, "parse_error", (f"unreadable folder: {_os_error(e)} (its files "
                                               "are not in this index)")
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            parts = (*rel, entry.name)
            try:
                if entry.is_symlink():
                    yield parts, path, "skipped", SKIP_SYMLINK
                elif entry.is_dir(follow_symlinks=False):
                    if _abs(path) not in excluded:
                        subfolders.append((parts, path))
                elif entry.is_file(follow_symlinks=False):
                    suffix = path.suffix.lower()
                    if suffix in SUPPORTED_SUFFIXES or (
                            suffix not in NON_DOCUMENT_ZIP_SUFFIXES and _document_content(path)):
                        yield parts, path, "", ""
                    else:
                        yield parts, path, "skipped", SKIP_UNSUPPORTED
                else:
                    mode = entry.stat(follow_symlinks=False).st_mode
                    yield parts, path, "skipped", (f"not a regular file ({_file_kind(mode)}): "
                                                   "never read")
            except OSError as e:
                yield parts, path, "parse_error", f"unreadable: {_os_error(e)}"
        stack.extend(reversed(subfolders))


def _displays(roots: Sequence[Path], items: list[tuple[int, tuple[str, ...]]]) -> list[str]:
    """The shown path of every ``(root index, relative parts)``: the root's name, then as many of
    its parent folders as needed for no two inputs to be shown the same."""
    labels: list[list[str]] = []
    for root in roots:
        parts = Path(os.path.abspath(root)).parts[1:]
        choices = [root.name] + ["/".join(parts[-n:]) for n in range(1, len(parts) + 1)]
        labels.append([c for i, c in enumerate(choices) if i == 0 or c != choices[i - 1]])
    level = [0] * len(roots)

    def shown(index: int, rel: tuple[str, ...]) -> str:
        label = labels[index][level[index]]
        return display_name(Path(label, *rel)) if (label or rel) else display_name(Path("."))

    while True:
        groups: dict[str, set[int]] = {}
        for index, rel in items:
            groups.setdefault(shown(index, rel), set()).add(index)
        moved = False
        counts = Counter(shown(index, rel) for index, rel in items)
        for text, count in counts.items():
            if count < 2:
                continue
            for index in groups[text]:
                if level[index] + 1 < len(labels[index]):
                    level[index] += 1
                    moved = True
        if not moved:
            break
    result = []
    taken: Counter[str] = Counter()
    for index, rel in items:  # never two the same, even where no parent folder tells them apart
        text = shown(index, rel)
        taken[text] += 1
        result.append(text if taken[text] == 1 else f"{text} [{taken[text]}]")
    return result


def _document_content(path: Path) -> bool:
    try:
        return sniff_type(path) in ("pdf", "zip")
    except OSError:
        return False


def _patterns_hash(patterns_dir: Path | None) -> str:
    from analyzer.resources import default_patterns_dir

    directory = patterns_dir or default_patterns_dir()
    h = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(directory)).encode("utf-8", "surrogateescape"))
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def config_key(*, lang: str, ocr: str, pdf_engine: str, patterns_dir: Path | None,
               limits: Limits) -> str:
    """What a stored report depends on besides the input's content: tool version, rule files,
    options. A stored result is reused only when this key (and the content hash) is the same."""
    parts = [__version__, _patterns_hash(patterns_dir), lang, ocr, pdf_engine, limits.key()]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16]


def _entry(record: Mapping[str, Any]) -> dict[str, Any]:
    """The index entry of a stored record (keys of ``analyzer.report.html.render_index``)."""
    summary = record.get("entry") or {}
    return {
        "path": record["path"], "name": record["name"], "status": record["status"],
        "reason": record.get("reason") or "",
        "language": summary.get("language"),
        "certificates_required": summary.get("certificates_required", []),
        "coverage": summary.get("coverage", {}),
        "checklist_missing": summary.get("checklist_missing", []),
        "warnings": summary.get("warnings", []),
        "clauses": summary.get("clauses", 0),
        "html": None, "json": None,
        "pages": record.get("pages"), "chars": record.get("chars"),
        "truncated": bool(record.get("truncated")), "type": record.get("type"),
        "sha256": record.get("sha256"), "size": record.get("size"),
        "seconds": record.get("seconds"),
    }


def _write_outputs(out_dir: Path, name: str, formats: set[str], json_text: str | None,
                   html_text: str | None) -> None:
    """Write (atomically) the report files of an analysed input; for a failed one (no JSON),
    remove any report left by an older version of the file."""
    for kind, text in (("json", json_text), ("html", html_text)):
        target = out_dir / f"{name}.{kind}"
        if json_text is None:
            target.unlink(missing_ok=True)
        elif text is not None and kind in formats:
            atomic_write_text(target, text)


class _Plan:
    """Which inputs must be analysed and which stored results are still valid.

    The parent only ever stats an input and hashes a regular file within the size limit: a
    file over ``--max-file-mb`` is rejected by its size alone, and a file that turned into a
    FIFO or a device since it was listed is never read.
    """

    def __init__(self, store: Store, todo: list[InputFile], names: dict[str, str],
                 key: str, limits_key: str, force: bool, limits: Limits,
                 retry_failed: bool = False) -> None:
        self.run: list[tuple[InputFile, dict[str, Any]]] = []
        self.reuse: list[tuple[InputFile, dict[str, Any], int]] = []
        self.unreadable: list[tuple[InputFile, str, str]] = []
        max_bytes = limits.max_file_mb * 1024 * 1024
        for item in todo:
            old = store.get(item.display)
            try:
                st = item.path.stat()
                if not stat.S_ISREG(st.st_mode):
                    self.unreadable.append((item, "unsupported_type", "not a regular file "
                                            f"({_file_kind(st.st_mode)}): never read"))
                    continue
                if st.st_size > max_bytes:
                    self.unreadable.append((item, "limit_exceeded", "max_file_size: "
                                            f"{st.st_size // (1024 * 1024)} MB (limit "
                                            f"{limits.max_file_mb} MB)"))
                    continue
                if (old and not force and old["size"] == st.st_size
                        and old["mtime_ns"] == st.st_mtime_ns and old["sha256"]):
                    sha = old["sha256"]  # unchanged size and mtime: trust the stored hash
                else:
                    sha = file_sha256(item.path)
            except OSError as e:
                self.unreadable.append((item, "parse_error", f"unreadable: {_os_error(e)}"))
                continue
            task = {"path": str(item.path), "display": item.display,
                    "name": names[item.display], "sha256": sha, "size": st.st_size,
                    "mtime_ns": st.st_mtime_ns, "pages": None}
            if (old is not None and not force and old["sha256"] == sha
                    and old["config_key"] == key
                    and not (retry_failed and old["status"] in RETRY_STATUSES)
                    and (old["status"] in OK_STATUSES or old["limits_key"] == limits_key)):
                self.reuse.append((item, old, st.st_mtime_ns))
            else:
                self.run.append((item, task))
        # Largest first: the long documents start early, the batch ends with short ones.
        self.run.sort(key=lambda pair: -pair[1]["size"])


def scan(
    paths: Sequence[Path],
    out_dir: Path,
    *,
    lang: str = "auto",
    formats: Iterable[str] = ALL_FORMATS,
    patterns_dir: Path | None = None,
    jobs: int | None = None,
    ocr: str = "auto",
    pdf_engine: str = "auto",
    force: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    limits: Limits | None = None,
    progress: bool = False,
    retry_failed: bool = False,
) -> ScanResult:
    """Analyse every input and write ``OUT/<name>.json``, ``OUT/<name>.html``, ``OUT/index.html``,
    ``OUT/files.csv`` and the store ``OUT/results.sqlite``.

    Args:
        jobs: worker processes (default: number of cores).
        force: re-analyse everything (``--all``); else unchanged inputs come from the store.
        retry_failed: also re-analyse unchanged inputs that ended ``timeout`` or ``crashed``
            (``--retry-failed``); else they are retried only when a limit changed.
        engine: "local" (supervised worker processes) or "dask" (a Dask cluster at ``scheduler``,
            a local one when None).
        limits: per-document limits (``analyzer.batch.Limits``; defaults in docs/batch.md).
        progress: show progress on stderr (a live line on a terminal, JSON lines otherwise).

    Raises:
        OutputFolderError: ``out_dir`` cannot be used (nothing was done).
        BatchError: the workers cannot start (for example an invalid rule directory), or the
            output folder became unwritable (disk full); the index shows what finished.
        Interrupted: Ctrl-C or SIGTERM; the index shows what finished, the same call resumes.
    """
    import time

    started = time.monotonic()
    formats = set(formats)
    limits = limits or Limits()
    jobs = jobs or os.cpu_count() or 1
    prepare_output_folder(out_dir, paths)
    with output_lock(out_dir):  # one scan at a time per output folder
        _remove_stale_temporaries(out_dir)
        todo, recorded = collect_inputs(paths, exclude=[out_dir])
        names = output_names(i.display for i in [*todo, *recorded])
        inputs = sorted(i.display for i in [*todo, *recorded])
        options = {"lang": lang, "ocr": ocr, "pdf_engine": pdf_engine,
                   "patterns_dir": str(patterns_dir) if patterns_dir else None}
        key = config_key(lang=lang, ocr=ocr, pdf_engine=pdf_engine, patterns_dir=patterns_dir,
                         limits=limits)
        limits_key = repr(limits)
        result = ScanResult()
        with open_store(out_dir, result.warnings) as store:
            run_id = store.start_run({**options, "engine": engine, "jobs": jobs, "force": force,
                                      "limits": limits_key, "versions": _versions()}, inputs)
            restored = 0
            reused: set[str] = set()
            stopped: BaseException | None = None
            try:
                plan = _Plan(store, todo, names, key, limits_key, force, limits, retry_failed)
                with store.transaction():
                    for item in recorded:
                        store.put({"path": item.display, "name": names[item.display],
                                   "status": item.status, "reason": item.reason, "run_id": run_id,
                                   "config_key": key, "finished_at": 1.0}, None)
                    for item, status, reason in plan.unreadable:
                        store.put({"path": item.display, "name": names[item.display],
                                   "status": status, "reason": reason, "run_id": run_id,
                                   "config_key": key}, None)
                for item in [*recorded, *(i for i, _, _ in plan.unreadable)]:
                    if item.status != "skipped":  # no report left from an older version of the file
                        _write_outputs(out_dir, names[item.display], formats, None, None)
                with store.transaction():
                    for item, old, mtime_ns in plan.reuse:
                        store.touch(item.display, run_id, mtime_ns)
                        restored += _restore_outputs(store, out_dir, old, names[item.display],
                                                     formats)
                reused = {i.display for i, _, _ in plan.reuse}
                result.analysed = _run_plan(plan, store, out_dir, formats, run_id, key, limits_key,
                                            engine=engine, scheduler=scheduler, jobs=jobs,
                                            limits=limits, options=options, progress=progress)
            except (KeyboardInterrupt, BatchError, OSError) as e:
                stopped = e  # what finished is kept: the index below shows it, then we stop
            result.entries = _entries(store, out_dir, inputs, reused)
            result.seconds = time.monotonic() - started
            previous = store.get_meta("batch_outputs")
            if (stopped is not None or result.analysed or restored
                    or previous != _outputs_fingerprint(out_dir, result.entries, formats)):
                try:
                    write_batch_outputs(out_dir, result.entries, store, formats)
                except OSError as e:  # e.g. the disk is full: say so, keep the first cause
                    if stopped is None:
                        stopped = e
                    log.warning("the index could not be rewritten: %s", _os_error(e))
                else:
                    # taken after the writes: an unchanged re-run finds the same, rewrites nothing
                    store.set_meta("batch_outputs", _outputs_fingerprint(out_dir, result.entries,
                                                                         formats))
            store.finish_run(run_id, {"counts": result.counts(), "analysed": result.analysed,
                                      "unchanged": result.unchanged,
                                      "interrupted": isinstance(stopped, KeyboardInterrupt),
                                      "seconds": round(result.seconds, 3)})
        if isinstance(stopped, KeyboardInterrupt):
            raise Interrupted(result) from stopped
        if isinstance(stopped, OSError):
            where = f" ({stopped.filename})" if stopped.filename else ""
            raise BatchError(f"the batch stopped on a system error: {_os_error(stopped)}{where}; "
                             "what finished is kept") from stopped
        if stopped is not None:
            raise stopped
        return result


def _run_plan(plan: _Plan, store: Store, out_dir: Path, formats: set[str], run_id: int, key: str,
              limits_key: str, *, engine: str, scheduler: str | None, jobs: int, limits: Limits,
              options: dict[str, Any], progress: bool) -> int:
    """Analyse the inputs of ``plan.run``, recording each one as it finishes; returns how many."""
    bar = Progress(len(plan.run), enabled=progress)
    tasks = [task for _, task in plan.run]
    if engine == "local":  # workers write their reports themselves (shared disk)
        for task in tasks:
            task.update(out_dir=str(out_dir), formats=sorted(formats))
    analysed = 0
    try:
        for task, outcome in _execute(tasks, engine=engine, scheduler=scheduler, jobs=jobs,
                                      limits=limits, options=options):
            record = _finish(store, out_dir, formats, task, outcome, run_id, key, limits_key)
            bar.update(task["display"], record["status"], record["pages"], record["reason"])
            analysed += 1
    finally:
        bar.close()
    return analysed


class Interrupted(AnalyzerError):
    """The scan was interrupted (Ctrl-C, SIGTERM); what finished is kept and the index is
    current. ``result`` holds the inputs recorded so far; the same command resumes."""

    def __init__(self, result: ScanResult) -> None:
        super().__init__("interrupted")
        self.result = result


class OutputFolderError(AnalyzerError):
    """The output folder cannot be used (one sentence; the command line exits with 2)."""


LOCK_NAME = ".hds-analyzer.lock"


@contextlib.contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``OUT`` (``OUT/.hds-analyzer.lock``, ``flock``) while a scan or
    a rebuild writes there; it is released whatever ends the process, even SIGKILL.

    Raises:
        OutputFolderError: another scan holds it (never wait: its temporary files are its own).
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    path = out_dir / LOCK_NAME
    try:
        handle = path.open("a+", encoding="ascii")
    except OSError as e:
        raise OutputFolderError(f"cannot write in the output folder {out_dir} "
                                f"({e.strerror or e})") from e
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            owner = handle.read(20).strip()
            raise OutputFolderError(
                f"the output folder {out_dir} is in use by another scan"
                f"{f' (process {owner})' if owner.isdigit() else ''}: wait for it to finish or "
                "choose another output folder") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield


def prepare_output_folder(out_dir: Path, inputs: Sequence[Path] = ()) -> None:
    """Create ``out_dir`` and check that the batch can write there, before anything else.

    Raises:
        OutputFolderError: it is inside (or is) an input folder, is not a folder, or cannot be
            created or written.
    """
    target = _abs(out_dir)
    for root in inputs:
        folder = _abs(root)
        if os.path.isdir(folder) and (target == folder or folder in target.parents):
            raise OutputFolderError(
                f"the output folder {out_dir} is inside the input folder {root}: choose an "
                "output folder outside the documents to analyse")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputFolderError(f"the output folder {out_dir} is a file, not a folder") from None
    except OSError as e:
        raise OutputFolderError(f"cannot create the output folder {out_dir} "
                                f"({e.strerror or e})") from e
    if not out_dir.is_dir():
        raise OutputFolderError(f"the output folder {out_dir} is not a folder")
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=out_dir, prefix=".write-test.") as probe:
            probe.write(b"0")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as e:
        raise OutputFolderError(f"cannot write in the output folder {out_dir} "
                                f"({e.strerror or e})") from e


REPORT_SCHEMA = "hds-analyzer/report/1"


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
    import json

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
                entry = {**index_entry(report), "json_bytes": path.stat().st_size}
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                continue  # not a report, or a damaged one: its input is simply analysed again
            chars = len(report.get("text") or "")
            store.put({"path": document["path"], "name": path.stem,
                       "sha256": document.get("sha256"), "type": document.get("format"),
                       "status": "ok" if chars else "ok_no_text",
                       "reason": "" if chars else "no usable text layer (scanned?): not "
                       "reviewed, needs OCR", "pages": document.get("pages"), "chars": chars,
                       "rules_version": document.get("rules_version"),
                       "config_key": "recovered", "language": document.get("language"),
                       "entry": entry}, text)
            count += 1
    return count


def _versions() -> dict[str, str]:
    """Versions of the tool and of the parsers, recorded with each run (no import needed)."""
    from importlib import metadata

    found = {"hds-analyzer": __version__}
    for dist in ("pdfplumber", "pdfminer.six", "pypdfium2", "python-docx", "lxml", "spacy"):
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return found


def _remove_stale_temporaries(out_dir: Path) -> None:
    """Temporary files of atomic writes interrupted by a kill (never a finished report)."""
    for path in out_dir.glob(".*.tmp"):
        path.unlink(missing_ok=True)


def _execute(tasks: list[dict[str, Any]], *, engine: str, scheduler: str | None, jobs: int,
             limits: Limits, options: dict[str, Any]) -> Iterator[tuple[dict, dict]]:
    if not tasks:
        return
    if engine == "dask":
        from analyzer.batch.dask_engine import run_dask

        yield from run_dask(tasks, scheduler=scheduler, jobs=jobs, limits=limits,
                            options=options)
        return
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}")
    from analyzer.batch.pool import Supervisor, WorkerStartError

    try:
        with Supervisor(min(jobs, len(tasks)), limits, options, cores=jobs) as supervisor:
            yield from supervisor.run(tasks)
    except WorkerStartError as e:
        raise BatchError(f"the analysis workers cannot start: {e}") from e


def _finish(store: Store, out_dir: Path, formats: set[str], task: dict[str, Any],
            outcome: dict[str, Any], run_id: int, key: str, limits_key: str) -> dict[str, Any]:
    """Write one finished input's outputs, then its record (outputs first: a kill in between
    leaves no record, so the input is simply re-done)."""
    record = dict(outcome["record"])
    if record["status"] == "fatal":
        raise BatchError(record["reason"])
    if record["status"] not in (*OK_STATUSES, *FAILED_STATUSES):
        record["status"], record["reason"] = "crashed", f"unknown status {record['status']!r}"
    if outcome.get("write_error"):
        raise BatchError(f"cannot write the report of {task['display']}: "
                         f"{outcome['write_error']}")
    if not outcome.get("written"):
        _write_outputs(out_dir, task["name"], formats, outcome.get("json"), outcome.get("html"))
    record.update(path=task["display"], name=task["name"], sha256=task["sha256"],
                  size=task["size"], mtime_ns=task["mtime_ns"], run_id=run_id, config_key=key,
                  limits_key=limits_key, entry=outcome.get("entry") or {},
                  language=(outcome.get("entry") or {}).get("language"))
    if record["status"] not in OK_STATUSES:
        log.info("%s: %s: %s", task["display"], record["status"], record["reason"])
    else:  # -v: every document, not only the failures
        log.info("%s: %s (%s pages, %s characters, %.1f s)", task["display"], record["status"],
                 record.get("pages") or 0, record.get("chars") or 0,
                 record.get("seconds") or 0.0)
    store.put(record, outcome.get("json"), outcome.get("blob"))
    return record


def _restore_outputs(store: Store, out_dir: Path, record: dict[str, Any], name: str,
                     formats: set[str]) -> int:
    """An unchanged input whose report files are missing (or renamed): write them from the store.
    Returns 1 when something was rewritten."""
    if record["status"] not in ("ok", "ok_no_text"):
        return 0
    wanted = [k for k in ("json", "html") if k in formats]
    sizes = {"json": (record.get("entry") or {}).get("json_bytes")}
    if name == record["name"] and all(_intact(out_dir / f"{name}.{k}", sizes.get(k))
                                      for k in wanted):
        return 0
    text = store.report_json(record["path"])
    if text is None:
        return 0
    html = None
    if "html" in formats:
        import json

        from analyzer.report.html import render_document

        html = render_document(json.loads(text))
    _write_outputs(out_dir, name, formats, text, html)
    if name != record["name"]:
        record = {**record, "name": name}
        store.put(record, text)
    return 1


def _intact(path: Path, size: int | None) -> bool:
    """The report file exists and, where its size is known, has it (a truncated or damaged
    OUT/<name>.json is rewritten from the store; HTML files are re-rendered by reviews, so
    only their presence is checked)."""
    try:
        st = path.stat()
    except OSError:
        return False
    return size is None or st.st_size == size


def _entries(store: Store, out_dir: Path, inputs: list[str],
             unchanged: set[str]) -> list[dict[str, Any]]:
    entries = []
    for record in store.records(inputs):
        entry = _entry(record)
        for kind in ("json", "html"):
            if record["status"] in ("ok", "ok_no_text") and (
                    out_dir / f"{record['name']}.{kind}").exists():
                entry[kind] = f"{record['name']}.{kind}"
        entry["unchanged"] = record["path"] in unchanged
        entries.append(entry)
    return entries


class StoreReports(Mapping[str, dict[str, Any]]):
    """The reports of a batch, read from the store one at a time (keyed by input path)."""

    def __init__(self, store: Store, paths: Iterable[str]) -> None:
        self._store = store
        self._paths = [p for p in paths]

    def __getitem__(self, path: str) -> dict[str, Any]:
        report = self._store.report(path)
        if report is None:
            raise KeyError(path)
        return report

    def __iter__(self) -> Iterator[str]:
        return (p for p in self._paths if self._store.report_json(p) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _outputs_fingerprint(out_dir: Path, entries: list[dict[str, Any]],
                         formats: set[str]) -> str:
    """What the batch-level outputs are made of; equal fingerprints mean nothing to rewrite."""
    import json

    h = hashlib.sha256(json.dumps(sorted(formats)).encode())
    for entry in entries:
        h.update(json.dumps({k: v for k, v in entry.items() if k != "unchanged"},
                            sort_keys=True, default=str).encode("utf-8", "surrogateescape"))
    for extra in ("reviews.json",):  # reviewer decisions feed the tables
        path = out_dir / extra
        h.update(str(path.stat().st_mtime_ns if path.exists() else 0).encode())
    for name in ("index.html", FILES_CSV, *(f"findings.{k}" for k in ("csv", "xlsx")
                                             if k in formats)):
        h.update(b"1" if (out_dir / name).exists() else b"0")
    return h.hexdigest()


def write_batch_outputs(out_dir: Path, entries: list[dict[str, Any]], store: Store,
                        formats: set[str]) -> None:
    """The batch-level outputs: ``index.html``, ``files.csv`` (one row per input with its status)
    and, when asked for, the findings tables."""
    from analyzer.report.html import render_index

    reports = StoreReports(store, [e["path"] for e in entries])
    atomic_write_text(out_dir / "index.html", render_index(entries, reports))
    atomic_write_text(out_dir / FILES_CSV, files_csv(entries))
    if "html" in formats:  # reviewer decisions (OUT/reviews.json) survive re-runs
        from analyzer.report.review import apply_stored_reviews

        apply_stored_reviews(out_dir, entries, reports)
    _findings_tables(out_dir, entries, reports, formats)


def refresh_reviewed_outputs(out_dir: Path, paths: set[str]) -> list[str]:
    """After ``review import``: rewrite the findings tables and the Word memos (of ``paths``)
    already in OUT, so they show the stored decisions. Needs OUT's results store (a folder of
    bare JSON reports has no tables to refresh). Returns the files rewritten."""
    from analyzer.batch.store import STORE_NAME
    from analyzer.report.memo import write_memos

    if not (out_dir / STORE_NAME).is_file():
        return []
    warnings: list[str] = []
    with open_store(out_dir, warnings) as store:
        inputs = store.last_inputs()
        records = store.records(inputs)
        entries = _entries(store, out_dir, [r["path"] for r in records], set())
        reports = StoreReports(store, [e["path"] for e in entries])
        formats = {k for k in ("csv", "xlsx") if (out_dir / f"findings.{k}").exists()}
        _findings_tables(out_dir, entries, reports, formats)
        memos = [e for e in entries if e["path"] in paths
                 and (out_dir / f"{e['name']}.docx").exists()]
        write_memos(out_dir, memos, reports)
    return [f"findings.{k}" for k in sorted(formats)] + [f"{e['name']}.docx" for e in memos]


def _findings_tables(out_dir: Path, entries: list[dict[str, Any]],
                     reports: Mapping[str, dict[str, Any]], formats: set[str]) -> None:
    """Hook for the findings tables (findings.csv / findings.xlsx) of ``analyzer.report``."""
    if not formats & {"csv", "xlsx"}:
        return
    from analyzer.report.tables import write_batch_tables

    write_batch_tables(out_dir, entries, reports, formats)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = " ".join(map(str, value))
    text = str(value)
    text = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
    if text[:1] in ("=", "+", "-", "@"):  # no formula injection in spreadsheets
        text = "'" + text
    return text


def files_csv(entries: list[dict[str, Any]]) -> str:
    """One row per input: path, status, reason, type, pages, ... (UTF-8, formulas neutralised)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for e in entries:
        writer.writerow([_csv_cell(e.get(f)) for f in CSV_FIELDS])
    return buffer.getvalue()


def rebuild(out_dir: Path, formats: Iterable[str] = ALL_FORMATS) -> ScanResult:
    """``hds-analyzer report OUT``: rewrite every report file, the index and the tables from the
    store, without analysing anything.

    Raises:
        BatchError: OUT has no results store.
    """
    from analyzer.batch.store import STORE_NAME

    formats = set(formats)
    if not (out_dir / STORE_NAME).is_file():
        raise BatchError(f"{out_dir} has no results store ({STORE_NAME}); run a scan first")
    import json

    from analyzer.report.html import render_document

    result = ScanResult()
    with output_lock(out_dir), open_store(out_dir, result.warnings) as store:
        inputs = store.last_inputs()
        records = store.records(inputs)
        for record in records:
            text = store.report_json(record["path"]) if record["status"] in OK_STATUSES else None
            html = render_document(json.loads(text)) if text and "html" in formats else None
            _write_outputs(out_dir, record["name"], formats, text, html)
        result.entries = _entries(store, out_dir, [r["path"] for r in records], set())
        write_batch_outputs(out_dir, result.entries, store, formats)
    return result
