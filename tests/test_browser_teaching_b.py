"""The pages "Why EM climbs" and "Likelihood from scratch" in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._server import open_page, run_streamlit, wait_for_plotly, wait_for_streamlit_idle

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TALL = {"width": 1400, "height": 2400}


def _shot(page, name: str) -> None:
    """Save the whole page (Streamlit scrolls inside the app, so grow the viewport first)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size(TALL)
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / name))


@pytest.fixture(scope="module")
def app(browser, app_url):
    """The app's base URL (deep links work from the first request: see
    test_deep_link_on_a_fresh_server)."""
    return app_url


def _no_errors(page, errors) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert errors == []


@pytest.mark.browser
def test_lower_bound_page(browser, app):
    page, errors = open_page(browser, f"{app}/lower_bound", timeout=90_000)
    try:
        wait_for_plotly(page, timeout=60_000)
        assert page.locator(".js-plotly-plot").count() == 1
        assert page.get_by_text("log p = L + KL at every half-step").count() == 1
        assert page.get_by_text("M-step 2: θ moved to maximise L").count() == 1
        # One bar of L and one of KL per half-step shown (M1, E2, M2, E3, M3).
        assert page.locator(".js-plotly-plot .barlayer .point").count() == 10
        # Next half-step: the E-step closes the gap.
        page.get_by_role("button", name="▶").click()
        page.get_by_text("E-step 3: q set to the posterior").wait_for(timeout=60_000)
        wait_for_streamlit_idle(page, timeout=60_000)
        assert "half=5" in page.url
        _no_errors(page, errors)
        _shot(page, "lower_bound.png")
    finally:
        page.close()


@pytest.mark.browser
def test_likelihood_page(browser, app):
    page, errors = open_page(browser, f"{app}/likelihood", timeout=90_000)
    try:
        wait_for_plotly(page, timeout=60_000)
        page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3",
            timeout=60_000)
        assert page.locator(".js-plotly-plot").count() == 3
        assert page.get_by_text("log-likelihood = sum of their logs = -18.622").count() == 1
        page.get_by_role("button", name="Jump to the best fit").click()
        page.get_by_text("log-likelihood = sum of their logs = -11.887").wait_for(
            timeout=60_000)
        wait_for_streamlit_idle(page, timeout=60_000)
        assert "mu=5" in page.url and "sigma=2.60768" in page.url
        _no_errors(page, errors)
        _shot(page, "likelihood.png")
    finally:
        page.close()


@pytest.mark.browser
def test_deep_link_on_a_fresh_server(browser):
    """A shared link opened first on a new server runs inside the app's navigation."""
    with run_streamlit("app.py") as url:
        page, errors = open_page(browser, f"{url}/lower_bound?k=2", timeout=90_000)
        try:
            wait_for_plotly(page, timeout=60_000)
            nav = page.locator('[data-testid="stSidebarNavLink"]', has_text="Why EM climbs")
            assert nav.count() == 1
        finally:
            page.close()
