"""Escaping for the HTML pages: visible control characters, safe ids and links, JSON in a
<script> block, the content security policy. No Jinja here (markupsafe only)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

_SAFE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{0,63}$")
_SAFE_FILE = re.compile(r"^[^/\\:?#\x00-\x1f]+\.html$")
# Bidi overrides/isolates and invisible characters that can disguise text ("Trojan source").
_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")


def visible(value: Any) -> Markup:
    """Escape text and show bidi/invisible control characters as visible markers."""
    text = escape(_clean(str(value)))
    return Markup(_CONTROLS.sub(
        lambda m: f'<span class="ctl" title="hidden control character">'
                  f"[U+{ord(m.group()):04X}]</span>", str(text)))


def plain(value: Any) -> str:
    """Text for places that cannot hold markup (``<title>``, attributes): controls spelled out."""
    return _CONTROLS.sub(lambda m: f"[U+{ord(m.group()):04X}]", _clean(str(value)))


def _clean(text: str) -> str:
    """Replace lone surrogates (undecodable file-name bytes) so the page can be UTF-8 encoded."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:
            return text.encode("utf-8", "replace").decode("utf-8")
    return text


def fmt(value: Any) -> str:
    """Plain-text rendering of a fact or certificate value of any JSON shape."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Mapping):
        return "; ".join(f"{str(k).replace('_', ' ')}: {fmt(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt(v) for v in value) if value else "—"
    return str(value)


def safe_id(value: Any) -> str | None:
    """A clause id usable as an HTML id and fragment, or None when it is not a plain token."""
    return value if isinstance(value, str) and _SAFE_ID.match(value) else None


def report_href(name: Any) -> str | None:
    """A relative link to a report file written by the scan, or None when unsafe."""
    if not isinstance(name, str) or not _SAFE_FILE.match(name) or name.startswith("."):
        return None
    return "./" + quote(name)


def json_script(data: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block: no ``<``, ``>``, ``&`` left raw."""
    text = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _sha256_source(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


def content_security_policy(scripts: Sequence[str], styles: Sequence[str]) -> str:
    """A CSP that allows exactly these inline scripts and styles and nothing from anywhere."""
    script_src = " ".join(_sha256_source(s) for s in scripts) or "'none'"
    style_src = " ".join(_sha256_source(s) for s in styles) or "'none'"
    return (f"default-src 'none'; script-src {script_src}; style-src {style_src}; "
            "img-src 'none'; base-uri 'none'; form-action 'none'")
