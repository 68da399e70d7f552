"""Shared pytest fixtures. Browser fixtures drive the system Chromium via Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings

from tests._server import (
    NO_CHROMIUM_MESSAGE,
    browser_required,
    chromium_path,
    launch_chromium,
    run_streamlit,
)

# CI replays the same generated examples on every run (a found failure stays found and a
# landing never hangs on luck); elsewhere each run explores new ones.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if browser_required():
    settings.load_profile("ci")


def _no_browser(reason: str) -> None:
    if browser_required():
        pytest.fail(
            f"{reason} (browser tests are required here: CI=true or GMMVIZ_REQUIRE_BROWSER=1)",
            pytrace=False,
        )
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Playwright Chromium browser (the system binary), shared by the session."""
    path = chromium_path()
    if path is None:
        _no_browser(NO_CHROMIUM_MESSAGE)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("The playwright package is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, path)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Base URL of ``streamlit run app.py``, started once for the session."""
    with run_streamlit("app.py") as url:
        yield url
