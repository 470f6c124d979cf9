"""The typed data one document carries through the batch: what a worker is asked (``Task``),
its answer (``DocumentOutcome``, sent back over the pipe or from a Dask task), its record in the
results store (``StoredRecord``, with its report's ``ReportSummary``), and the index entry
(``IndexEntry``, built from the stored record, shown by the index, ``files.csv`` and the tables);
and what a scan returns (``ScanResult``, or ``Interrupted`` carrying it, whose ``RunSummary``
the store keeps).

All are plain dataclasses (no pydantic: the parent process imports this module). Dicts remain
only where data is persisted (the store's columns, ``analyzer.batch.store``) or handed to the
renderers (``IndexEntry.to_dict()``), with the same keys as before: the files and the rows stay
byte-identical.
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
class ReportSummary:
    """The index fields of a report (``entry.report_summary``), kept in the store next to the
    report itself (column ``entry``, JSON with these keys in this order)."""

    language: str | None = None
    certificates_required: tuple[str, ...] = ()
    coverage: Mapping[str, int] = field(default_factory=dict)
    """Per mapping target, how many clauses cover it."""
    checklist_missing: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    clauses: int = 0
    json_bytes: int | None = None
    """The size of ``OUT/<name>.json`` (a re-run notices a damaged file); None when unknown."""

    def to_json(self) -> dict[str, Any]:
        """The stored JSON object (``json_bytes`` left out when unknown)."""
        data: dict[str, Any] = {
            "language": self.language, "certificates_required": list(self.certificates_required),
            "coverage": dict(self.coverage), "checklist_missing": list(self.checklist_missing),
            "warnings": list(self.warnings), "clauses": self.clauses}
        if self.json_bytes is not None:
            data["json_bytes"] = self.json_bytes
        return data

    @classmethod
    def from_json(cls, data: Any) -> ReportSummary | None:
        """The summary of a stored JSON object; missing keys take their defaults. None for
        ``{}`` (a document without a report) and for anything this code did not write (not
        an object, a value of another type: a store edited or damaged by hand), so that the
        next scan analyses that input again instead of showing numbers it cannot read."""
        if not isinstance(data, dict) or not data:
            return None
        coverage = data.get("coverage", {})
        lists = [data.get(k, []) for k in ("certificates_required", "checklist_missing",
                                           "warnings")]
        language, clauses, size = (data.get("language"), data.get("clauses", 0),
                                   data.get("json_bytes"))
        if not (isinstance(coverage, dict) and all(map(_is_count, coverage.values()))
                and all(isinstance(v, list) and all(isinstance(x, str) for x in v)
                        for v in lists)
                and (language is None or isinstance(language, str)) and _is_count(clauses)
                and (size is None or _is_count(size))):
            return None
        return cls(language=language, certificates_required=tuple(lists[0]),
                   coverage=dict(coverage), checklist_missing=tuple(lists[1]),
                   warnings=tuple(lists[2]), clauses=clauses, json_bytes=size)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@dataclass(frozen=True, kw_only=True)
class DocumentOutcome:
    """What a worker answers for one document: its status and reason, what was read (type,
    pages, chars, truncated, the batch's own warnings, rules_version), its costs (seconds,
    cpu_seconds, peak_rss_mb) and, when it was analysed, the index fields of its report
    (``summary``, with ``json_bytes``; None when it failed); ``json``/``html`` the report
    files' text (``memo`` the Word memo's bytes), None on failure or when the worker wrote
    them itself (``written``); ``blob`` the compressed JSON report for the store.
    """

    status: str
    reason: str = ""
    type: str | None = None
    """What the content is (pdf, docx, txt, empty, zip, ...), as far as the worker got."""
    pages: int | None = None
    chars: int = 0
    truncated: bool = False
    warnings: tuple[str, ...] = ()
    """What the pre-flight and the text caps noted (also in the report's warnings)."""
    rules_version: str | None = None
    seconds: float | None = None
    cpu_seconds: float | None = None
    peak_rss_mb: float | None = None
    summary: ReportSummary | None = None
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

    def stored(self, task: Task, *, run_id: int, config_key: str,
               limits_key: str) -> StoredRecord:
        """The store's record of this outcome for ``task``, analysed by run ``run_id``."""
        return StoredRecord(
            path=task.display, name=task.name, sha256=task.sha256, size=task.size,
            mtime_ns=task.mtime_ns, type=self.type, status=self.status, reason=self.reason,
            pages=self.pages, chars=self.chars, truncated=self.truncated,
            seconds=self.seconds, cpu_seconds=self.cpu_seconds, peak_rss_mb=self.peak_rss_mb,
            rules_version=self.rules_version, config_key=config_key, limits_key=limits_key,
            language=self.summary.language if self.summary else None, run_id=run_id,
            summary=self.summary)


@dataclass(frozen=True, kw_only=True)
class StoredRecord:
    """The final record of one input in ``OUT/results.sqlite`` (one row of ``files``, its
    columns in this order; ``summary`` is the column ``entry``), without the report."""

    path: str
    """The input as shown (relative to what was scanned): the primary key."""
    name: str
    """The base name of its outputs in OUT."""
    sha256: str | None = None
    size: int | None = None
    mtime_ns: int | None = None
    type: str | None = None
    status: str
    reason: str = ""
    pages: int | None = None
    chars: int | None = None
    truncated: bool = False
    seconds: float | None = None
    cpu_seconds: float | None = None
    peak_rss_mb: float | None = None
    rules_version: str | None = None
    config_key: str | None = None
    """What the result depends on besides the content (``plan.config_key``)."""
    limits_key: str | None = None
    language: str | None = None
    run_id: int | None = None
    finished_at: float | None = None
    """When it was stored (None: now, when it is put)."""
    summary: ReportSummary | None = None
    """The index fields of its report; None when it has none."""


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


@dataclass(frozen=True)
class RunSummary:
    """What one scan run did, kept with the run in the store (``runs.summary``, JSON with these
    keys in this order)."""

    counts: Mapping[str, int]
    """Inputs per status."""
    analysed: int
    unchanged: int
    interrupted: bool
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"counts": dict(self.counts), "analysed": self.analysed,
                "unchanged": self.unchanged, "interrupted": self.interrupted,
                "seconds": self.seconds}


class Interrupted(AnalyzerError):
    """The scan was interrupted (Ctrl-C, SIGTERM); what finished is kept and the index is
    current. ``result`` holds the inputs recorded so far; the same command resumes."""

    def __init__(self, result: ScanResult) -> None:
        super().__init__("interrupted")
        self.result = result
