"""The typed data one document carries through the batch: what a worker is asked (``Task``),
its answer (``DocumentOutcome``, sent back over the pipe or from a Dask task) and the index entry
(``IndexEntry``, built from the stored record, shown by the index, ``files.csv`` and the tables);
and what a scan returns (``ScanResult``, or ``Interrupted`` carrying it).

Both are plain dataclasses (no pydantic: the parent process imports this module). Where a dict
is persisted or handed to the renderers (the store's record, ``files.csv``, the index), it is
``to_dict()`` of these, with the same keys as before, so the files stay byte-identical.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from analyzer.errors import AnalyzerError
from analyzer.statuses import NOT_FAILED

if TYPE_CHECKING:
    from analyzer.report.review import ReviewStore


@dataclass
class Task:
    """One document to analyse, as the parent sends it to a worker (pickled); the parent adds
    what the run decides (decisions, memo, where to write), the supervisor what it learns."""

    path: str
    display: str
    """The input's path as shown (index, store, report)."""
    sha256: str = ""
    name: str = ""
    """The base name of its outputs in OUT (``<name>.json``, ``.html``, ``.docx``)."""
    size: int = 0
    mtime_ns: int = 0
    pages: int | None = None
    """The pages the worker announced (the supervisor scales the timeout with them)."""
    ocr_jobs: int = 1
    """How many of its pages may be OCRed at once (idle cores of the batch)."""
    reviews: ReviewStore | None = None
    """The document's stored reviewer decisions, rendered into its HTML and memo."""
    memo: bool = False
    """Render the Word memo too (``--format docx``)."""
    out_dir: str | None = None
    """Where the worker writes the report files itself (local engine: shared disk)."""
    formats: tuple[str, ...] = ("json", "html")


@dataclass(frozen=True)
class DocumentOutcome:
    """What a worker answers for one document.

    ``record`` holds the fields kept in the results store (status, reason, type, pages, chars,
    truncated, warnings, rules_version, seconds, cpu_seconds, peak_rss_mb); ``summary`` the
    index fields of its report (``entry.report_summary`` plus ``json_bytes``), empty when it
    failed; ``json``/``html`` the report files' text (``memo`` the Word memo's bytes), None on
    failure or when the worker wrote them itself (``written``); ``blob`` the compressed JSON
    report for the store.
    """

    record: Mapping[str, Any]
    summary: Mapping[str, Any] = field(default_factory=dict)
    json: str | None = None
    html: str | None = None
    memo: bytes | None = None
    """The Word memo (``--format docx``), None when not asked for or not renderable."""
    blob: bytes | None = None
    recycle: bool = False
    """The worker exits after this document (recycled, or its memory is suspect)."""
    written: bool = False
    write_error: str | None = None
    """Why the worker could not write the report files (the parent stops the batch)."""

    @property
    def status(self) -> str:
        return str(self.record.get("status", ""))

    @property
    def reason(self) -> str:
        return str(self.record.get("reason") or "")


@dataclass(frozen=True)
class IndexEntry:
    """One input of the batch index (keys of ``analyzer.report.html.render_index`` and of
    ``files.csv``): its record's status and costs, its report's summary, and the report files
    present in OUT."""

    path: str
    name: str = ""
    status: str = ""
    reason: str = ""
    language: str | None = None
    certificates_required: list[str] = field(default_factory=list)
    coverage: dict[str, int] = field(default_factory=dict)
    checklist_missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    clauses: int = 0
    html: str | None = None
    json: str | None = None
    pages: int | None = None
    chars: int | None = None
    truncated: bool = False
    type: str | None = None
    sha256: str | None = None
    size: int | None = None
    seconds: float | None = None
    unchanged: bool = False
    """The input was unchanged since the last run (taken from the store)."""

    def to_dict(self) -> dict[str, Any]:
        """The entry as the renderers and ``files.csv`` read it."""
        return asdict(self)


@dataclass
class ScanResult:
    """What happened to every input."""

    entries: list[IndexEntry] = field(default_factory=list)
    analysed: int = 0
    """Inputs analysed by this run (the others were unchanged and taken from the store)."""
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    """What the user should know about the batch itself (a damaged store set aside, …)."""

    @property
    def failed(self) -> list[IndexEntry]:
        """Entries of documents that could not be analysed."""
        return [e for e in self.entries if e.status not in NOT_FAILED]

    @property
    def unchanged(self) -> int:
        return sum(1 for e in self.entries if e.unchanged)

    def counts(self) -> dict[str, int]:
        """Number of inputs per status."""
        return dict(sorted(Counter(e.status for e in self.entries).items()))

    @property
    def exit_code(self) -> int:
        """0 when every input was analysed (ok, ok_no_text) or skipped, else 1."""
        return 1 if self.failed else 0


class Interrupted(AnalyzerError):
    """The scan was interrupted (Ctrl-C, SIGTERM); what finished is kept and the index is
    current. ``result`` holds the inputs recorded so far; the same command resumes."""

    def __init__(self, result: ScanResult) -> None:
        super().__init__("interrupted")
        self.result = result
