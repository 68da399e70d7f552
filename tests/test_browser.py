"""End-to-end checks of the Streamlit app in headless Chromium."""

from __future__ import annotations

import pytest

from tests._server import no_page_errors, open_page, screenshot, wait_for_plotly


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

        no_page_errors(page, errors)
        screenshot(page, "smoke.png", full_page=True)
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
        no_page_errors(page, errors)
    finally:
        page.close()
