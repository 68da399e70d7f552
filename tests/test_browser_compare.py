"""The Compare page in real Chromium: its panels render, and Play advances every one of them."""

from __future__ import annotations

import pytest

from tests._server import (
    PLAYER,
    STEP_PANEL,
    no_page_errors,
    open_page,
    player_button,
    player_colors,
    player_step,
    player_steps,
    screenshot,
    wait_for_player,
)


@pytest.mark.browser
def test_compare_page_plays_every_panel(browser, app_url):
    # The main script registers the app's navigation on its first run; open it once first so
    # that /compare is served as a page of the app.
    warm, _ = open_page(browser, app_url, timeout=90_000)
    warm.close()
    page, errors = open_page(browser, f"{app_url}/compare", timeout=90_000)
    try:
        wait_for_player(page, timeout=60_000)
        assert page.locator("[data-testid='stException']").count() == 0
        titles = page.locator(PLAYER).locator(".gp-ptitle").all_inner_texts()
        assert len(titles) == 3, titles
        assert player_steps(page) == 41  # 20 iterations: start + 2 half-steps each
        before = [player_colors(page, panel=p) for p in range(3)]
        player_button(page, "Play").click()
        page.wait_for_function(f"() => +document.querySelector('{PLAYER}').dataset.step >= 6")
        player_button(page, "Pause").click()
        assert player_step(page) >= 6
        for p in range(3):  # every panel's points changed colour
            assert player_colors(page, panel=p) != before[p], p
        # the step panel lists every start at this half-step
        panel = page.locator(STEP_PANEL).inner_text()
        assert all(t.split(" (")[0] in panel for t in titles), (titles, panel)
        no_page_errors(page, errors)
        screenshot(page, "compare.png", full_page=True)
    finally:
        page.close()
