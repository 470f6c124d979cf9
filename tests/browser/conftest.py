"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium, never downloaded).

They skip, with the reason, only when that executable is absent; CI installs it
(``scripts/system-packages.txt``). Screenshots and PDFs go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.paths import REPO

CHROMIUM = Path(os.environ.get("HDS_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install the Debian package 'chromium' "
                    "(scripts/install-system-deps.sh) to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@dataclass
class Tab:
    """A page plus everything it reported: console errors, page errors, dialogs, requests."""

    page: Any
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    t = Tab(page)
    page.on("console", lambda m: t.errors.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: t.errors.append(f"pageerror: {e}"))

    def on_dialog(d: Any) -> None:
        t.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda r: t.requests.append(r.url))
    yield t
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[tuple[str, list[Any]]]:
    """axe-core's WCAG 2.1 A/AA violations on the page: (rule id, first targets)."""
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright",
                                     reason="dev dependency axe-playwright-python not installed")
    result = axe_module.Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [(v["id"], [n["target"] for n in v["nodes"][:5]]) for v in result.response["violations"]]
