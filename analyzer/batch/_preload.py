"""Imported once by the forkserver process so that forked workers start with the heavy
libraries already loaded. The batch parent process never imports this module."""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys

import analyzer.analyze
import analyzer.extract.docx
import analyzer.extract.pdf
import analyzer.extract.text
import analyzer.report.html
import analyzer.report.memo

# The parsers themselves (imported lazily by the extractors and the memo): python-docx, and
# the batch's PDF engine (PDFium unless ``--pdf-engine pdfplumber``; pdfplumber is otherwise
# only the fallback for the rare file PDFium cannot open, imported by the worker that meets one).
with contextlib.suppress(ImportError):
    import docx  # noqa: F401
    import pypdfium2
    import pypdfium2.raw  # noqa: F401

    if os.environ.get("HDS_ANALYZER_PRELOAD_PDF_ENGINE") == "pdfplumber":
        import pdfplumber  # noqa: F401

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

def _imported_by_the_forkserver() -> bool:
    """Whether this import runs inside ``multiprocessing.forkserver.main`` (what follows is for
    the server only: any other process that imports this module keeps its own exit code)."""
    from multiprocessing import forkserver

    frame = sys._getframe()
    while frame is not None:
        if frame.f_code is forkserver.main.__code__:
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


def _exit_without_teardown() -> None:
    """The server stops when the batch is done; tearing down its heap (spaCy's vocabulary, the
    lemma tables, the compiled rules) would cost a quarter of a second of CPU for nothing: it
    holds no file or buffer to flush."""
    sys.stderr.flush()
    os._exit(0)


if _imported_by_the_forkserver():
    # The preloaded objects live as long as the server: the garbage collector of each forked
    # worker then never walks them (and their memory pages stay shared with the server).
    gc.freeze()
    atexit.register(_exit_without_teardown)  # registered first, so it runs after every other
