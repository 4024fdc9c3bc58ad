"""The browser tests need Playwright and Chromium: this test says so when either is missing
(a skip with the reason on a developer's machine, a failure under CI=true)."""

from __future__ import annotations

from tests.browser.conftest import require_browser


def test_playwright_and_chromium_are_installed() -> None:
    require_browser()
