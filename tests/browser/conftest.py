"""Browser tests: the real pages in Debian's headless Chromium, driven by Playwright.

The pages are served by pytest-django's live server on the test database. Every test saves
screenshots under test-artifacts/screenshots/, which CI keeps. Without Chromium the tests
are skipped, except under CI, where that is a failure (`.ci/run` installs it).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Chromium's own connections (updates, sync...) are refused on a closed network: turn them off.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    executable = _chromium()
    if executable is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the tests
    # themselves are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh page (phone-sized for the portal tests: mark them with `phone`), with
    `page.shot(name)` to save a screenshot and `page.go(path)` to open a path of the app."""
    phone = request.node.get_closest_marker("phone") is not None
    context = browser.new_context(
        viewport={"width": 390, "height": 844} if phone else {"width": 1280, "height": 900},
        locale="sl-SI",
        device_scale_factor=2 if phone else 1,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"\W+", "-", request.node.name).strip("-")
    shots = iter(range(1, 100))

    def shot(name: str) -> Path:
        path = SCREENSHOTS / f"{test}-{next(shots):02d}-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    page.shot = shot
    page.go = lambda path: page.goto(live_server.url + path)
    yield page
    context.close()
