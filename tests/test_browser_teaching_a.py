"""The K-means page and the limit page in headless Chromium: figures drawn, Play animates."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._server import open_page, wait_for_plotly

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TIMEOUT = 120_000

# The active step of the first slider of the Plotly figure inside a Streamlit element.
_ACTIVE_STEP = """(key) => {
    const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
    return gd && gd._fullLayout.sliders.length ? gd._fullLayout.sliders[0].active : null;
}"""
_FRAME_COUNT = """(key) => {
    const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
    return gd && gd._transitionData ? gd._transitionData._frames.length : null;
}"""


def _no_errors(page, errors) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert errors == []


def _screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 2000})
    page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollTo(0, 0)")
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / name))


@pytest.mark.browser
def test_kmeans_page_plays(browser, app_url):
    page, errors = open_page(browser, f"{app_url}/kmeans?speed=150", timeout=TIMEOUT)
    try:
        wait_for_plotly(page, timeout=TIMEOUT)
        page.wait_for_selector(".st-key-kmeans_fig .js-plotly-plot .main-svg", timeout=TIMEOUT)
        page.wait_for_selector(".st-key-compare_fig .js-plotly-plot .main-svg", timeout=TIMEOUT)
        _no_errors(page, errors)
        # the textbook run from the textbook's centres: 7 iterations, 15 half-steps
        assert page.evaluate(_FRAME_COUNT, "kmeans_fig") == 15
        assert page.evaluate(_ACTIVE_STEP, "kmeans_fig") == 0
        title = page.locator(".st-key-kmeans_fig .gtitle").first.text_content()
        assert title.startswith("Start")
        # 100 points, a heatmap of the regions
        assert page.locator(".st-key-kmeans_fig .scatterlayer .point").count() >= 100
        assert page.locator(".st-key-kmeans_fig .heatmaplayer image").count() == 1

        # one half-step at a time: the Next button, then the → key
        page.locator(".st-key-kmeans_fig .updatemenu-button", has_text="Next").click()
        page.wait_for_function(
            f"() => ({_ACTIVE_STEP})('kmeans_fig') === 1", timeout=30_000)
        title = page.locator(".st-key-kmeans_fig .gtitle").first.text_content()
        assert title.startswith("Iteration 1")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            f"() => ({_ACTIVE_STEP})('kmeans_fig') === 2", timeout=30_000)

        page.locator(".st-key-kmeans_fig .updatemenu-button", has_text="Play").click()
        page.wait_for_function(
            f"() => ({_ACTIVE_STEP})('kmeans_fig') >= 3", timeout=30_000)
        # played to the end in the browser, without a rerun of the script
        page.wait_for_function(
            f"() => ({_ACTIVE_STEP})('kmeans_fig') === 14", timeout=30_000)
        title = page.locator(".st-key-kmeans_fig .gtitle").first.text_content()
        assert title.startswith("Iteration 7")
        _no_errors(page, errors)
        _screenshot(page, "kmeans.png")
    finally:
        page.close()


@pytest.mark.browser
def test_limit_page_renders(browser, app_url):
    page, errors = open_page(browser, f"{app_url}/limit?eps=0.05&weights=equal", timeout=TIMEOUT)
    try:
        wait_for_plotly(page, timeout=TIMEOUT)
        page.wait_for_selector(".st-key-limit_fig .js-plotly-plot .main-svg", timeout=TIMEOUT)
        page.wait_for_selector(".st-key-sweep_fig .js-plotly-plot .main-svg", timeout=TIMEOUT)
        _no_errors(page, errors)
        # the state from the link is kept (and written back) by the page
        assert "eps=0.05" in page.url and "weights=equal" in page.url
        assert page.get_by_text("Distance to K-means").count() >= 1
        titles = page.locator(".st-key-limit_fig .annotation-text").all_text_contents()
        assert any("εI" in t for t in titles)
        _screenshot(page, "limit.png")
    finally:
        page.close()
