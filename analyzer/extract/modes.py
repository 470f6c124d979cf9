"""The choices of the PDF reader, importable without loading it (the batch parent checks them)."""

from __future__ import annotations

PDF_ENGINES = ("auto", "pypdfium2", "pdfplumber")
OCR_MODES = ("auto", "never", "always")
