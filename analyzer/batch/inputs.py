"""Input discovery of a batch: the files named or found under the folders named, each with the
path shown for it; skipped files and the ones that cannot be read are recorded as such (never
read to decide)."""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from analyzer.batch.limits import sniff_type
from analyzer.extract import SUPPORTED_SUFFIXES
from analyzer.statuses import PARSE_ERROR, SKIPPED


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


def file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "FIFO (named pipe)"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "special file"


def os_error(e: OSError) -> str:
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
    excluded = {absolute(p) for p in exclude}
    for index, root in enumerate(paths):
        try:
            mode = os.stat(root).st_mode
        except OSError as e:
            found.append((index, (), root, PARSE_ERROR, f"unreadable: {os_error(e)}"))
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
                          f"not a regular file ({file_kind(mode)}): never read"))
    displays = _displays(paths, [(index, rel) for index, rel, *_ in found])
    todo: list[InputFile] = []
    recorded: list[InputFile] = []
    for (_, _, path, status, reason), display in zip(found, displays, strict=True):
        item = InputFile(path, display, status, reason)
        (recorded if status else todo).append(item)
    return todo, recorded


def absolute(path: Path) -> Path:
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
    return Path(os.path.abspath(path)) if link else absolute(path)


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
            yield rel, folder, PARSE_ERROR, (f"unreadable folder: {os_error(e)} (its files "
                                               "are not in this index)")
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            parts = (*rel, entry.name)
            try:
                if entry.is_symlink():
                    yield parts, path, SKIPPED, SKIP_SYMLINK
                elif entry.is_dir(follow_symlinks=False):
                    if absolute(path) not in excluded:
                        subfolders.append((parts, path))
                elif entry.is_file(follow_symlinks=False):
                    suffix = path.suffix.lower()
                    if suffix in SUPPORTED_SUFFIXES or (
                            suffix not in NON_DOCUMENT_ZIP_SUFFIXES and _document_content(path)):
                        yield parts, path, "", ""
                    else:
                        yield parts, path, SKIPPED, SKIP_UNSUPPORTED
                else:
                    mode = entry.stat(follow_symlinks=False).st_mode
                    yield parts, path, SKIPPED, (f"not a regular file ({file_kind(mode)}): "
                                                   "never read")
            except OSError as e:
                yield parts, path, PARSE_ERROR, f"unreadable: {os_error(e)}"
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
