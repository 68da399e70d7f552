"""End-to-end checks of the Streamlit app in headless Chromium."""

from __future__ import annotations

import pytest

from tests._server import (
    no_page_errors,
    open_page,
    player_js,
    player_title,
    screenshot,
    wait_for_player,
)


@pytest.mark.browser
def test_explorer_renders_figure(browser, app_url):
    page, errors = open_page(browser, app_url)
    try:
        player = wait_for_player(page, timeout=30_000)
        assert player.is_visible()
        assert player_title(page).startswith("Start · NLL = 426.22")
        # the player draws the textbook's 100 points
        assert page.evaluate(f"() => {player_js()}.panels[0].spec.n") == 100

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
