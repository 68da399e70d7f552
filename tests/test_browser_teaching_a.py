"""The K-means page and the limit page in headless Chromium: figures drawn, Play animates."""

from __future__ import annotations

import pytest

from tests._server import (
    active_step,
    frame_count,
    no_page_errors,
    open_page,
    press,
    screenshot,
    script_runs,
    wait_for_plotly,
    wait_for_step,
    wait_for_step_at_least,
    watch_script_runs,
)

TIMEOUT = 120_000
TALL = 2000  # px: the whole page in one screenshot


@pytest.mark.browser
def test_kmeans_page_plays(browser, app_url):
    page, errors = open_page(browser, f"{app_url}/kmeans?speed=150", timeout=TIMEOUT)
    try:
        wait_for_plotly(page, TIMEOUT, "kmeans_fig")
        wait_for_plotly(page, TIMEOUT, "compare_fig")
        no_page_errors(page, errors)
        # the textbook run from the textbook's centres: 7 iterations, 15 half-steps
        assert frame_count(page, "kmeans_fig") == 15
        assert active_step(page, "kmeans_fig") == 0
        title = page.locator(".st-key-kmeans_fig .gtitle").first.text_content()
        assert title.startswith("Start")
        # 100 points, a heatmap of the regions
        assert page.locator(".st-key-kmeans_fig .scatterlayer .point").count() >= 100
        assert page.locator(".st-key-kmeans_fig .heatmaplayer image").count() == 1
        watch_script_runs(page)

        # one half-step at a time: the Next button, then the → key
        press(page, "Next", "kmeans_fig")
        wait_for_step(page, 1, "kmeans_fig")
        title = page.locator(".st-key-kmeans_fig .gtitle").first.text_content()
        assert title.startswith("Iteration 1")
        page.keyboard.press("ArrowRight")
        wait_for_step(page, 2, "kmeans_fig")

        press(page, "Play", "kmeans_fig")
        wait_for_step_at_least(page, 3, "kmeans_fig")
        # played to the end in the browser, without a rerun of the script
        wait_for_step(page, 14, "kmeans_fig")
        title = page.locator(".st-key-kmeans_fig .gtitle").first.text_content()
        assert title.startswith("Iteration 7")
        assert script_runs(page) == 0
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
