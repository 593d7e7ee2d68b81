"""Headless Chromium for the page tests, driven by Playwright for Python.

Why Playwright rather than the DevTools protocol by hand: it waits for the page and its
elements, sets a slider's value and fires its ``input`` event in one call (``fill``), and
routes every request so a test can count those that leave the page; with the protocol we
would write (and test) that plumbing ourselves. It drives Debian's ``chromium``
(``executable_path``): Playwright's own browser download is never used, and the network
is never needed.

Where Chromium or Playwright is absent, :func:`browser_or_skip` skips with the reason and
the fix (``apt-get install -y chromium``; ``make test`` installs it where apt is available).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

#: Where Debian's package puts it; then whatever is on PATH.
CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
#: Launch flags that work on a closed network as root (no sandbox, no background traffic).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    for c in CANDIDATES:
        found = shutil.which(c) if not c.startswith("/") else (c if Path(c).exists() else None)
        if found:
            return found
    return None


@contextmanager
def browser_or_skip() -> Iterator[Any]:
    """A Playwright browser on Debian's Chromium, with a fresh profile; skip if absent."""
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium: `apt-get install -y chromium` (make test does it where apt "
                    "is available)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright for Python is not installed (pip install -e '.[test]')")
    with tempfile.TemporaryDirectory(prefix="hedgesim-chromium-") as profile, \
            sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=path, headless=True, args=FLAGS)
        try:
            yield context
        finally:
            context.close()


@contextmanager
def page_of(context: Any, html: Path) -> Iterator[tuple[Any, list[str]]]:
    """Open ``html`` (a file) in a new page; every request other than the file itself and
    inline ``data:`` URIs is refused and recorded in the list yielded with the page."""
    outside: list[str] = []
    target = html.resolve().as_uri()

    def route(r: Any) -> None:
        url = r.request.url
        if url == target or url.startswith("data:"):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    page = context.new_page()
    page.route("**/*", route)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(target)
    page.wait_for_load_state("load")
    try:
        yield page, outside
    finally:
        page.close()
    assert not errors, f"script errors in {html.name}: {errors}"
