"""Batch engine: isolated, resource-limited worker processes, a results store, incremental runs.

See docs/batch.md for the statuses and limits. The parent process stays light: it never imports
the parsers or spaCy; everything that touches a document happens in a worker.
"""

from analyzer.batch.limits import Limits
from analyzer.batch.worker import FAILED_STATUSES, OK_STATUSES, STATUSES

__all__ = ["FAILED_STATUSES", "OK_STATUSES", "STATUSES", "Limits"]
