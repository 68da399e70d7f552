"""The Compare page in real Chromium: its panels render, and Play advances every one of them."""

from __future__ import annotations

import pytest

from tests._server import (
    no_page_errors,
    open_page,
    press,
    screenshot,
    wait_for_frames,
    wait_for_plotly,
    wait_for_step_at_least,
)

# Panel titles are the figure's first annotations; the data of every points trace.
PANEL_STATE_JS = """
() => {
  const gd = document.querySelector('.js-plotly-plot');
  const n = gd._fullData.filter(t => (t.name || '').startsWith('points')).length;
  const titles = (gd.layout.annotations || []).slice(0, n).map(a => a.text);
  const colors = gd._fullData
    .filter(t => (t.name || '').startsWith('points'))
    .map(t => Array.from(t.marker.color).join(','));
  return {
    n: n,
    frames: (gd._transitionData && gd._transitionData._frames || []).length,
    slider: gd.layout.sliders[0].active,
    titles: titles,
    colors: colors,
  };
}
"""


@pytest.mark.browser
def test_compare_page_plays_every_panel(browser, app_url):
    # The main script registers the app's navigation on its first run; open it once first so
    # that /compare is served as a page of the app.
    warm, _ = open_page(browser, app_url, timeout=90_000)
    warm.close()
    page, errors = open_page(browser, f"{app_url}/compare", timeout=90_000)
    try:
        wait_for_plotly(page, timeout=60_000)
        assert page.locator("[data-testid='stException']").count() == 0
        wait_for_frames(page, timeout=30_000)
        before = page.evaluate(PANEL_STATE_JS)
        assert before["n"] == 3, before
        assert before["frames"] == 41  # 20 iterations: start + 2 half-steps each
        assert all("start" in t for t in before["titles"]), before["titles"]

        press(page, "Play")
        wait_for_step_at_least(page, 6)
        after = page.evaluate(PANEL_STATE_JS)
        assert after["slider"] > before["slider"]
        for p in range(before["n"]):
            # every panel's title names a later half-step, and its points changed colour
            assert after["titles"][p] != before["titles"][p], (p, after["titles"])
            assert "iteration" in after["titles"][p]
            assert after["colors"][p] != before["colors"][p], p

        no_page_errors(page, errors)
        screenshot(page, "compare.png", full_page=True)
    finally:
        page.close()
