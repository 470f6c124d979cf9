"""The output folder ``OUT/`` itself: checked writable before a batch starts, locked while a
scan or a rebuild writes there, cleared of the temporary files of interrupted writes."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from analyzer.batch.inputs import absolute
from analyzer.errors import AnalyzerError


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
    target = absolute(out_dir)
    for root in inputs:
        folder = absolute(root)
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


def remove_stale_temporaries(out_dir: Path) -> None:
    """Temporary files of atomic writes interrupted by a kill (never a finished report)."""
    for path in out_dir.glob(".*.tmp"):
        path.unlink(missing_ok=True)
