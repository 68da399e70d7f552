"""The K-means page and the limit page in headless Chromium: figures drawn, Play animates."""

from __future__ import annotations

import pytest

from tests._server import (
    STEP_PANEL,
    no_page_errors,
    open_page,
    player_button,
    player_js,
    player_step,
    player_steps,
    player_title,
    screenshot,
    wait_for_player,
    wait_for_player_step,
    wait_for_plotly,
    wait_for_streamlit_idle,
    watch_script_runs,
)

TIMEOUT = 120_000
TALL = 2000  # px: the whole page in one screenshot


@pytest.mark.browser
def test_kmeans_page_plays(browser, app_url):
    page, errors = open_page(browser, f"{app_url}/kmeans?speed=150", timeout=TIMEOUT)
    try:
        wait_for_player(page, TIMEOUT, n=0)
        wait_for_plotly(page, TIMEOUT, "compare_fig")
        wait_for_player(page, TIMEOUT, n=1)
        wait_for_streamlit_idle(page, timeout=TIMEOUT)
        no_page_errors(page, errors)
        # the textbook run from the textbook's centres: 7 iterations, 15 half-steps
        assert player_steps(page, 0) == 15 and player_step(page, 0) == 0
        assert player_title(page, 0).startswith("Start")
        # 100 points and the regions each centre wins
        assert page.evaluate(f"() => {player_js(0)}.panels[0].spec.n") == 100
        assert page.evaluate(f"() => !!{player_js(0)}.panels[0].reg")
        watch_script_runs(page)

        # one half-step at a time: the Next button (named after the half-step it leads to),
        # then the → key
        next_button = player_button(page, "Next", 0)
        assert next_button.get_attribute("aria-label") == "Next: assign"
        next_button.click()
        wait_for_player_step(page, 1, 0)
        assert player_title(page, 0).startswith("Iteration 1")
        panel = page.locator(STEP_PANEL).nth(0).inner_text()
        assert "Assign 1" in panel and "nearest" in panel
        page.keyboard.press("ArrowRight")
        wait_for_player_step(page, 2, 0)
        assert "Update 1" in page.locator(STEP_PANEL).nth(0).inner_text()

        player_button(page, "Play", 0).click()
        # played to the end in the browser
        wait_for_player_step(page, 14, 0, timeout=TIMEOUT)
        assert player_title(page, 0).startswith("Iteration 7")
        no_page_errors(page, errors)
        screenshot(page, "kmeans.png", height=TALL)
    finally:
        page.close()


@pytest.mark.browser
def test_limit_page_renders(browser, app_url):
    page, errors = open_page(browser, f"{app_url}/limit?eps=0.05&weights=equal", timeout=TIMEOUT)
    try:
        wait_for_plotly(page, TIMEOUT, "limit_fig")
        wait_for_plotly(page, TIMEOUT, "sweep_fig")
        no_page_errors(page, errors)
        # the state from the link is kept (and written back) by the page
        assert "eps=0.05" in page.url and "weights=equal" in page.url
        assert page.get_by_text("Distance to K-means").count() >= 1
        titles = page.locator(".st-key-limit_fig .annotation-text").all_text_contents()
        assert any("εI" in t for t in titles)
        screenshot(page, "limit.png", height=TALL)
    finally:
        page.close()
