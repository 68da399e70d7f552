"""The explorer in headless Chromium: the animated figure, playback, links, clicking a point."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests._server import VIEWPORT, open_page, wait_for_plotly, wait_for_streamlit_idle

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

pytestmark = pytest.mark.browser

# The EM figure is the first Plotly figure on the page.
GD = "document.querySelectorAll('.js-plotly-plot')[0]"
# The first control in the sidebar.
CONTROLS = '[data-testid="stSidebar"] [data-testid="stSelectbox"]'


def _no_failure(page, errors) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert errors == []


def _frame_count(page) -> int:
    return page.evaluate(f"() => ({GD})._transitionData._frames.length")


# The slider's current-step label, and its active step, as drawn.
LABEL = f"(({GD}).querySelector('.slider-group > text.slider-label')?.textContent ?? '')"
ACTIVE = f"({GD})._fullLayout.sliders[0].active"


def _slider_text(page) -> str:
    return page.evaluate(f"() => {LABEL}")


def _point_colors(page) -> list:
    """The points trace's marker colours as drawn (trace 0: one colour code per point)."""
    return page.evaluate(f"""() => {{
        const gd = {GD};
        const c = gd._fullData[0].marker.color;
        return Array.from(c, v => (typeof v === 'number' ? v : String(v)));
    }}""")


def _press(page, label: str) -> None:
    """Click the EM figure's button whose label contains ``label`` (Play, Pause, Back, Next)."""
    page.locator(".js-plotly-plot .updatemenu-button").filter(has_text=label).first.click()


def _wait_for_label(page, text: str, timeout: float = 30_000) -> None:
    """Wait until the slider's current-step label contains ``text``."""
    page.wait_for_function(f"(t) => {LABEL}.includes(t)", arg=text, timeout=timeout)


def _active_step(page) -> int:
    return page.evaluate(f"() => {ACTIVE}")


def _wait_for_step(page, i: int) -> None:
    """Wait until the slider's active step is ``i``."""
    page.wait_for_function(f"(i) => {ACTIVE} === i", arg=i)


def _wait_for_em_figure(page) -> None:
    """Wait for the EM figure with its frames, then for the controls that a new session gets
    once the figure has drawn, and for that run to finish."""
    wait_for_plotly(page, timeout=60_000)
    page.wait_for_function(
        f"() => {{ const gd = {GD}; return gd && gd._transitionData && "
        "gd._transitionData._frames && gd._transitionData._frames.length > 0; }",
        timeout=60_000)
    page.wait_for_selector(CONTROLS, timeout=60_000)
    wait_for_streamlit_idle(page, timeout=60_000)


def test_explorer_animates_em_in_the_browser(browser, app_url):
    page, errors = open_page(browser, app_url, timeout=60_000)
    try:
        _wait_for_em_figure(page)
        # the textbook run, paused at its start: 1 + 2 * 15 half-steps
        assert _frame_count(page) == 31
        assert "Start" in _slider_text(page)
        title = page.evaluate(f"() => ({GD}).layout.title.text")
        assert "426.22" in title
        before = _point_colors(page)
        assert len(before) == 100

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "explorer_start.png"))

        # one half-step forward and back with the figure's own buttons
        _press(page, "Next")
        _wait_for_label(page, "Iteration 1 · E-step")
        assert _point_colors(page) != before  # the E-step coloured the points
        _press(page, "Back")
        _wait_for_label(page, "Start")
        assert _point_colors(page) == before

        _press(page, "Play")
        _wait_for_label(page, "Iteration 2")
        assert "Iteration" in _slider_text(page)
        after = _point_colors(page)
        assert len(after) == 100 and after != before
        # Pause stops on a half-step, quietly (the page error list is checked below); Next
        # then moves one half-step on from there
        _press(page, "Pause")
        page.wait_for_timeout(500)  # a half-step already on its way may land
        paused = _active_step(page)
        page.wait_for_timeout(1_500)
        assert _active_step(page) == paused
        _press(page, "Next")
        _wait_for_step(page, paused + 1)
        # none of this reruns the script: the page stays idle
        assert page.locator('[data-testid="stApp"][data-test-script-state="running"]').count() == 0
        # the keyboard steps too (a presentation remote sends Page Up / Page Down)
        page.keyboard.press("PageDown")
        _wait_for_step(page, paused + 2)
        page.keyboard.press("ArrowLeft")
        _wait_for_step(page, paused + 1)
        # and draws no focus frame around the page while it does
        assert page.evaluate("() => getComputedStyle(document.querySelector("
                             "'[data-testid=\"stMain\"]'), '::before').boxShadow") == "none"
        page.keyboard.press(" ")  # Space plays
        # let it play to the end, where the title shows the final NLL
        _wait_for_label(page, "Iteration 15 · M-step", timeout=60_000)
        _no_failure(page, errors)
        page.screenshot(path=str(ARTIFACTS / "explorer.png"))
    finally:
        page.close()


def _point_on_screen(page, index: int) -> tuple[float, float]:
    """Where data point ``index`` of the EM figure is drawn, in page coordinates."""
    return page.evaluate(f"""() => {{
        const gd = {GD};
        const tr = gd._fullData[0];
        const xa = gd._fullLayout[tr.xaxis === 'x' ? 'xaxis' : 'xaxis' + tr.xaxis.slice(1)];
        const ya = gd._fullLayout[tr.yaxis === 'y' ? 'yaxis' : 'yaxis' + tr.yaxis.slice(1)];
        const box = gd.getBoundingClientRect();
        return [box.left + xa._offset + xa.l2p(tr.x[{index}]),
                box.top + ya._offset + ya.l2p(tr.y[{index}])];
    }}""")


def _click_point(page, index: int) -> None:
    """Click data point ``index`` of the EM figure as a user does: point at it until Plotly's
    hover names it, then press. Plotly selects on a click the point its last hover found."""
    # Streamlit turns on click-to-select once the chart is mounted
    page.wait_for_function(
        f"() => ({GD})._fullLayout.clickmode.includes('select')", timeout=30_000)
    hovered = (f"() => (({GD})._hoverdata || [])"
               f".some(p => p.curveNumber === 0 && p.pointNumber === {index})")
    for _ in range(3):  # a hover that arrives while Plotly redraws is dropped: point again
        x, y = _point_on_screen(page, index)
        page.mouse.move(x + 6, y + 6)
        page.mouse.move(x, y)
        try:
            page.wait_for_function(hovered, timeout=5_000)
            break
        except PlaywrightTimeoutError:
            continue
    else:
        raise AssertionError(f"Plotly's hover never found point {index} under the mouse")
    page.mouse.down()
    page.mouse.up()
    try:
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('p, strong'))"
            f".some(e => e.textContent.includes(\"Bayes' rule for point {index}\"))",
            timeout=30_000)
    except PlaywrightTimeoutError:
        state = page.evaluate(f"""() => {{
            const gd = {GD};
            return {{hover: (gd._hoverdata || []).map(p => [p.curveNumber, p.pointNumber]),
                     selected: gd._fullData[0].selectedpoints ?? null,
                     clickmode: gd._fullLayout.clickmode, dragmode: gd._fullLayout.dragmode,
                     script: document.querySelector('[data-testid="stApp"]')
                         ?.getAttribute('data-test-script-state')}};
        }}""")
        raise AssertionError(f"clicking point {index} did not show its numbers: {state}") from None
    wait_for_streamlit_idle(page, timeout=30_000)


def test_clicking_a_point_inspects_it(browser, app_url):
    page, errors = open_page(browser, app_url, timeout=60_000)
    try:
        _wait_for_em_figure(page)
        # the first click after the page opened, then another one
        for index in (17, 63):
            _click_point(page, index)
            expect(page.get_by_label("Point number", exact=True)).to_have_value(str(index))
        _no_failure(page, errors)
    finally:
        page.close()


def test_a_link_restores_the_controls(browser, app_url):
    query = "?data=blobs&n=2000&seed=3&k=4&init=kmeans&cov=full&iters=50&tol=0"
    page, errors = open_page(browser, app_url + "/" + query, timeout=60_000)
    try:
        _wait_for_em_figure(page)
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
        assert _frame_count(page) == 101
        assert page.locator('[data-testid="stAlert"]').filter(has_text="link").count() == 0
        # the URL keeps the state
        assert "k=4" in page.url and "init=kmeans" in page.url
        _no_failure(page, errors)
    finally:
        page.close()


def test_an_invalid_link_value_shows_a_warning(browser, app_url):
    page, errors = open_page(browser, app_url + "/?k=99&init=nope", timeout=60_000)
    try:
        _wait_for_em_figure(page)
        alerts = page.locator('[data-testid="stAlert"]')
        assert alerts.filter(has_text="k='99'").count() == 1
        assert alerts.filter(has_text="init='nope'").count() == 1
        assert _frame_count(page) == 31  # the defaults: the textbook run
        _no_failure(page, errors)
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
            _wait_for_em_figure(page)
            types = page.evaluate(f"() => ({GD})._fullData.map(t => t.type)")
            assert ("contour" in types) == ("density=1" in query)
        if "manual" in query:
            assert page.locator('[data-testid="stDataFrame"]').count() >= 1  # the start's editor
        _no_failure(page, errors)
    finally:
        page.close()


# Records, in the page, when the figure's points and the first sidebar control appear.
_SEEN_SCRIPT = f"const CONTROLS = '{CONTROLS}';" + """
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
    controls = CONTROLS
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
        _no_failure(page, errors)
    finally:
        context.close()
