"""End-to-end checks of the Streamlit app in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._server import open_page, wait_for_plotly

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.mark.browser
def test_explorer_renders_figure(browser, app_url):
    page, errors = open_page(browser, app_url)
    try:
        plot = wait_for_plotly(page, timeout=30_000)
        assert plot.is_visible()
        title = page.locator(".js-plotly-plot .gtitle").first.text_content()
        assert title.startswith("Start · NLL = 426.22")
        # trace 0 holds the textbook's 100 points
        n_points = page.evaluate(
            "() => document.querySelector('.js-plotly-plot')._fullData[0].x.length")
        assert n_points == 100

        assert page.locator('[data-testid="stException"]').count() == 0
        assert errors == []

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "smoke.png"), full_page=True)
    finally:
        page.close()


@pytest.mark.browser
def test_page_title_and_navigation(browser, app_url):
    page, errors = open_page(browser, app_url)
    try:
        assert "gmmviz" in page.title()
        # Nav link text includes the Material icon's ligature name, e.g. "scatter_plot\n\nExplorer".
        explorer_link = page.locator('[data-testid="stSidebarNavLink"]', has_text="Explorer")
        assert explorer_link.count() == 1
        assert page.locator('[data-testid="stException"]').count() == 0
        assert errors == []
    finally:
        page.close()
