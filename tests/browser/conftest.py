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


def screen_page(
    browser,
    live_server,
    name: str,
    *,
    screen: str = "desktop",
    language: str | None = None,
    javascript: bool = True,
):
    """A fresh page of a desk's or a phone's screen size, in `language` as if chosen with the
    switcher (else the browser's, Slovenian), with `page.shot(what)` to save a screenshot
    named after `name`, `page.go(path)` to open a path of the app and `page.enter(text)` to
    type (or scan) and press Enter, waiting for the page that answers. Close it with
    `page.context.close()`."""
    phone = screen == "phone"
    context = browser.new_context(
        viewport={"width": 390, "height": 844} if phone else {"width": 1280, "height": 900},
        locale="sl-SI",
        device_scale_factor=2 if phone else 1,
        java_script_enabled=javascript,
    )
    if language:
        from django.conf import settings

        cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
        context.add_cookies([cookie])
    page = context.new_page()
    page.set_default_timeout(10_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots = iter(range(1, 100))

    def shot(what: str) -> Path:
        path = SCREENSHOTS / f"{name}-{next(shots):02d}-{what}.png"
        page.screenshot(path=path, full_page=True)
        return path

    def enter(text: str) -> None:
        page.keyboard.type(text)
        with page.expect_navigation():
            page.keyboard.press("Enter")

    page.shot, page.enter = shot, enter
    page.go = lambda path: page.goto(live_server.url + path)
    return page


def desk_login(page, username: str, password: str) -> None:
    """Log in at the desk with the keyboard only: the cursor waits in the login field (typing
    before the page has focused it would go nowhere), then Tab and Enter."""
    from playwright.sync_api import expect

    page.go("/desk/")
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.enter(password)


@pytest.fixture
def page(browser, live_server, request):
    """A fresh page (screen_page; phone-sized for the portal tests: mark them with `phone`)."""
    phone = request.node.get_closest_marker("phone") is not None
    name = re.sub(r"\W+", "-", request.node.name).strip("-")
    page = screen_page(browser, live_server, name, screen="phone" if phone else "desktop")
    yield page
    page.context.close()
