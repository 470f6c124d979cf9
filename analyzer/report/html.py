"""HTML reports: one self-contained page per document and a batch index (Jinja2, autoescaped)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

_ENV = Environment(
    loader=PackageLoader("analyzer", "report/templates"),
    autoescape=True,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def render_document(report: dict[str, Any]) -> str:
    """Render one document's report (the JSON report dict, with ``text`` and ``segments``)."""
    tagged = {c["id"]: c for c in report["clauses"]}
    text = report["text"]
    segments = [
        {**s, "text": text[s["start"]:s["end"]], "clause": tagged.get(s["id"])}
        for s in report["segments"]
    ]
    return _ENV.get_template("document.html").render(report=report, segments=segments)


def render_index(entries: list[dict[str, Any]]) -> str:
    """Render the batch index: one row per input with its status."""
    return _ENV.get_template("index.html").render(entries=entries)
