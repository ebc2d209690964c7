"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Screenshots of key pages go to ``test-artifacts/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, request) -> Iterator[object]:
    """A fresh browser context on the live server; ``locale`` comes from a ``lang`` marker."""
    marker = request.node.get_closest_marker("lang")
    locale = marker.args[0] if marker else "en-GB"
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def shot(request):
    """Save a full-page screenshot named after the test and a step."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, step: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}--{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
