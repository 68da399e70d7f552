"""The explorer in headless Chromium: the animated figure, playback, links, clicking a point."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests._server import (
    SIDEBAR_CONTROL,
    VIEWPORT,
    active_step,
    click_point,
    figure_js,
    frame_count,
    no_page_errors,
    open_page,
    point_colors,
    press,
    screenshot,
    script_runs,
    selection_state,
    slider_label,
    wait_for_figure_and_controls,
    wait_for_label,
    wait_for_step,
    wait_for_streamlit_idle,
    wait_until_paused,
    watch_script_runs,
)

pytestmark = pytest.mark.browser

# The EM figure is the first Plotly figure on the page.
GD = figure_js()


def test_explorer_animates_em_in_the_browser(browser, app_url):
    page, errors = open_page(browser, app_url, timeout=60_000)
    try:
        wait_for_figure_and_controls(page)
        # the textbook run, paused at its start: 1 + 2 * 15 half-steps
        assert frame_count(page) == 31
        assert "Start" in slider_label(page)
        title = page.evaluate(f"() => ({GD}).layout.title.text")
        assert "426.22" in title
        before = point_colors(page)
        assert len(before) == 100
        watch_script_runs(page)

        screenshot(page, "explorer_start.png")

        # one half-step forward and back with the figure's own buttons
        press(page, "Next")
        wait_for_label(page, "Iteration 1 · E-step")
        assert point_colors(page) != before  # the E-step coloured the points
        press(page, "Back")
        wait_for_label(page, "Start")
        assert point_colors(page) == before

        press(page, "Play")
        wait_for_label(page, "Iteration 2")
        assert "Iteration" in slider_label(page)
        after = point_colors(page)
        assert len(after) == 100 and after != before
        # Pause stops on a half-step, quietly (the page error list is checked below); Next
        # then moves one half-step on from there
        press(page, "Pause")
        # plotly.js stops (a half-step already on its way may land) and the step holds
        paused = wait_until_paused(page)
        assert active_step(page) == paused < frame_count(page) - 1
        for attempt in range(3):
            press(page, "Next")
            try:
                wait_for_step(page, paused + 1, timeout=8_000)
                break
            except PlaywrightTimeoutError:
                # a click that landed while plotly.js was still settling the pause may be
                # lost; one that moved the animation anywhere else fails
                assert active_step(page) == paused and attempt < 2
        # none of this reruns the script: the page stays idle
        assert page.locator('[data-testid="stApp"][data-test-script-state="running"]').count() == 0
        assert script_runs(page) == 0
        # the keyboard steps too (a presentation remote sends Page Up / Page Down)
        page.keyboard.press("PageDown")
        wait_for_step(page, paused + 2)
        page.keyboard.press("ArrowLeft")
        wait_for_step(page, paused + 1)
        # and draws no focus frame around the page while it does
        assert page.evaluate("() => getComputedStyle(document.querySelector("
                             "'[data-testid=\"stMain\"]'), '::before').boxShadow") == "none"
        page.keyboard.press(" ")  # Space plays
        # let it play to the end, where the title shows the final NLL
        wait_for_label(page, "Iteration 15 · M-step", timeout=60_000)
        no_page_errors(page, errors)
        screenshot(page, "explorer.png")
    finally:
        page.close()


def _click_point(page, index: int) -> None:
    """Click data point ``index`` of the EM figure and wait for its numbers below it."""
    click_point(page, index)
    try:
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('p, strong'))"
            f".some(e => e.textContent.includes(\"Bayes' rule for point {index}\"))",
            timeout=30_000)
    except PlaywrightTimeoutError:
        raise AssertionError(f"clicking point {index} did not show its numbers: "
                             f"{selection_state(page)}") from None
    wait_for_streamlit_idle(page, timeout=30_000)


def test_clicking_a_point_inspects_it(browser, app_url):
    page, errors = open_page(browser, app_url, timeout=60_000)
    try:
        wait_for_figure_and_controls(page)
        # the first click after the page opened, then another one
        for index in (17, 63):
            _click_point(page, index)
            expect(page.get_by_label("Point number", exact=True)).to_have_value(str(index))
        no_page_errors(page, errors)
    finally:
        page.close()


def test_a_link_restores_the_controls(browser, app_url):
    query = "?data=blobs&n=2000&seed=3&k=4&init=kmeans&cov=full&iters=50&tol=0"
    page, errors = open_page(browser, app_url + "/" + query, timeout=60_000)
    try:
        wait_for_figure_and_controls(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_role("combobox", name="Data", exact=True).input_value() == "blobs"
        assert sidebar.get_by_label("Number of points", exact=True).input_value() == "2000"
        assert sidebar.get_by_label("Random seed", exact=True).input_value() == "3"
        assert sidebar.get_by_label("Max iterations", exact=True).input_value() == "50"
        assert sidebar.get_by_label("Tolerance", exact=True).input_value() == "0"
        k_slider = sidebar.locator('[data-testid="stSlider"]').filter(has_text="components")
        assert k_slider.locator('[data-testid="stSliderThumbValue"]').inner_text() == "4"
        assert sidebar.get_by_role("combobox", name="Initialization").input_value() == "k-means"
        assert sidebar.get_by_role("combobox", name="Covariance type").input_value().startswith(
            "full")
        # 50 iterations with tol = 0: 101 frames
        assert frame_count(page) == 101
        assert page.locator('[data-testid="stAlert"]').filter(has_text="link").count() == 0
        # the URL keeps the state
        assert "k=4" in page.url and "init=kmeans" in page.url
        no_page_errors(page, errors)
    finally:
        page.close()


def test_an_invalid_link_value_shows_a_warning(browser, app_url):
    page, errors = open_page(browser, app_url + "/?k=99&init=nope", timeout=60_000)
    try:
        wait_for_figure_and_controls(page)
        alerts = page.locator('[data-testid="stAlert"]')
        assert alerts.filter(has_text="k='99'").count() == 1
        assert alerts.filter(has_text="init='nope'").count() == 1
        assert frame_count(page) == 31  # the defaults: the textbook run
        no_page_errors(page, errors)
    finally:
        page.close()


@pytest.mark.parametrize("query", ["?density=1&levels=1,2,3", "?init=manual", "?data=upload"])
def test_other_views_render_without_errors(browser, app_url, query):
    page, errors = open_page(browser, app_url + "/" + query, timeout=60_000)
    try:
        if "upload" in query:
            # no file yet: the page asks for one, in the sidebar
            page.get_by_text("Upload a CSV file with at least two numeric columns").wait_for()
        else:
            wait_for_figure_and_controls(page)
            types = page.evaluate(f"() => ({GD})._fullData.map(t => t.type)")
            assert ("contour" in types) == ("density=1" in query)
        if "manual" in query:
            assert page.locator('[data-testid="stDataFrame"]').count() >= 1  # the start's editor
        no_page_errors(page, errors)
    finally:
        page.close()


# Records, in the page, when the figure's points and the first sidebar control appear.
_SEEN_SCRIPT = f"const CONTROLS = '{SIDEBAR_CONTROL}';" + """
window.__seen = {};
new MutationObserver(() => {
  const seen = window.__seen, now = performance.now();
  if (!seen.points && document.querySelector('.js-plotly-plot .scatterlayer .point'))
    seen.points = now;
  if (!seen.controls && document.querySelector(CONTROLS)) seen.controls = now;
}).observe(document, {subtree: true, childList: true});
"""


@pytest.mark.parametrize("query", ["", "?present=1&k=4&init=kmeans"])
def test_the_figure_draws_first_then_the_controls_follow(browser, app_url, query):
    controls = SIDEBAR_CONTROL
    context = browser.new_context(viewport=VIEWPORT)
    try:
        # a first load warms the server's caches, as for any visitor after the first
        page = context.new_page()
        page.goto(app_url + "/" + query, timeout=60_000)
        page.wait_for_selector(controls, timeout=60_000)
        page.close()
        context.add_init_script(_SEEN_SCRIPT)
        page = context.new_page()
        errors: list = []
        page.on("pageerror", lambda exc: errors.append(exc))
        page.goto(app_url + "/" + query, timeout=60_000)
        page.wait_for_selector(controls, timeout=60_000)
        seen = page.evaluate("window.__seen")
        assert seen["points"] < seen["controls"]
        # the bottom margin already holds the slider and the buttons: Plotly kept it
        size_b, margin_b = page.evaluate(
            f"() => [({GD})._fullLayout._size.b, ({GD}).layout.margin.b]")
        assert size_b == margin_b
        wait_for_streamlit_idle(page, timeout=60_000)
        no_page_errors(page, errors)
    finally:
        context.close()
