"""The pages "Why EM climbs" and "Likelihood from scratch" in headless Chromium."""

from __future__ import annotations

import pytest

from tests._server import (
    STEP_PANEL,
    no_page_errors,
    open_page,
    player_button,
    player_step,
    run_streamlit,
    screenshot,
    wait_for_player,
    wait_for_player_step,
    wait_for_plotly,
    wait_for_streamlit_idle,
)

TALL = 2400  # px: the whole page in one screenshot


@pytest.fixture(scope="module")
def app(browser, app_url):
    """The app's base URL (deep links work from the first request: see
    test_deep_link_on_a_fresh_server)."""
    return app_url


@pytest.mark.browser
def test_lower_bound_page(browser, app):
    page, errors = open_page(browser, f"{app}/lower_bound", timeout=90_000)
    try:
        wait_for_player(page, timeout=60_000)
        wait_for_plotly(page, timeout=60_000)
        assert page.locator(".js-plotly-plot").count() == 1
        assert page.get_by_text("log p = L + KL at every half-step").count() == 1
        alerts = page.locator('[data-testid="stAlert"]')
        assert alerts.get_by_text("M-step 2: θ moved to maximise L").count() == 1
        # One bar of L and one of KL per half-step shown (M1, E2, M2, E3, M3).
        assert page.locator(".js-plotly-plot .barlayer .point").count() == 10
        # the player opens at the default half-step, its panel saying log p = L + KL
        assert player_step(page) == 4
        assert "M-step 2" in page.locator(STEP_PANEL).inner_text()
        wait_for_streamlit_idle(page, timeout=60_000)
        # the keys step this page too: → to the E-step, which closes the gap
        page.keyboard.press("ArrowRight")
        wait_for_player_step(page, 5)
        assert "E-step 3" in page.locator(STEP_PANEL).inner_text()
        alerts.get_by_text("E-step 3: q set to the posterior").wait_for(timeout=60_000)
        wait_for_streamlit_idle(page, timeout=60_000)
        assert "half=5" in page.url
        page.keyboard.press("PageUp")
        page.keyboard.press("ArrowLeft")
        wait_for_player_step(page, 3)
        player_button(page, "Next").click()
        wait_for_player_step(page, 4)
        alerts.get_by_text("M-step 2: θ moved to maximise L").wait_for(timeout=60_000)
        no_page_errors(page, errors)
        screenshot(page, "lower_bound.png", height=TALL)
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
        no_page_errors(page, errors)
        screenshot(page, "likelihood.png", height=TALL)
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
            # the page itself ran, with the link's k
            assert page.get_by_text("log p = L + KL at every half-step").count() == 1
            assert "k=2" in page.url
            no_page_errors(page, errors)
        finally:
            page.close()
