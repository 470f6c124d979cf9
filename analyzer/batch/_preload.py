"""Imported once by the forkserver process so that forked workers start with the heavy
libraries already loaded. The batch parent process never imports this module."""

from __future__ import annotations

import contextlib
import os

import analyzer.analyze
import analyzer.extract.docx
import analyzer.extract.pdf
import analyzer.extract.text
import analyzer.report.html
import analyzer.report.memo

try:  # the parsers themselves (imported lazily by the extractors)
    import docx  # noqa: F401
    import pdfplumber  # noqa: F401
except ImportError:  # pragma: no cover
    pass

# Build the spaCy pipelines of the shipped rules and compile the report templates once in the
# server: every forked worker then starts with them ready (copy-on-write) instead of spending
# seconds building its own. A broken rule directory or message catalogue is reported by the
# worker itself, never here.
with contextlib.suppress(Exception):
    from analyzer.batch.worker import warm_up

    # the language and rules of the batch that started the server (see ``pool._context``)
    warm_up({"lang": os.environ.get("HDS_ANALYZER_PRELOAD_LANG", "auto"),
             "patterns_dir": os.environ.get("HDS_ANALYZER_PRELOAD_PATTERNS") or None})
with contextlib.suppress(Exception):
    analyzer.report.html.warm()
