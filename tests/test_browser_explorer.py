"""The explorer in headless Chromium: the step player, its panel, playback, links, clicks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

import gmmviz
from tests._server import (
    PLAYER,
    SIDEBAR_CONTROL,
    STEP_PANEL,
    VIEWPORT,
    click_player_point,
    no_page_errors,
    open_page,
    player_button,
    player_colors,
    player_js,
    player_step,
    player_steps,
    player_title,
    screenshot,
    script_runs,
    wait_for_explorer,
    wait_for_player_step,
    wait_for_streamlit_idle,
    watch_script_runs,
)

pytestmark = pytest.mark.browser

NOTES_A = "?init=notes-a&iters=20&tol=0"


def _notes_a_run() -> gmmviz.GMMRun:
    X, _ = gmmviz.datasets.textbook()
    return gmmviz.fit_gmm(X, 3, init="notes-a", max_iter=20, tol=0)


def test_explorer_plays_em_in_the_browser(browser, app_url):
    page, errors = open_page(browser, app_url, timeout=60_000)
    try:
        wait_for_explorer(page)
        # the textbook run, paused at its start: 1 + 2 * 15 half-steps
        assert player_steps(page) == 31 and player_step(page) == 0
        assert player_title(page).startswith("Start") and "426.22" in player_title(page)
        before = player_colors(page)
        assert len(before) == 100
        watch_script_runs(page)
        screenshot(page, "explorer_start.png")
        # the Next button names the half-step it leads to
        expect(player_button(page, "Next")).to_have_accessible_name("Next: E-step")
        player_button(page, "Next").click()
        wait_for_player_step(page, 1)
        assert "Iteration 1 · E-step" in player_title(page)
        assert player_colors(page) != before  # the E-step coloured the points
        expect(player_button(page, "Next")).to_have_accessible_name("Next: M-step")
        player_button(page, "Back").click()
        wait_for_player_step(page, 0)
        assert player_colors(page) == before
        player_button(page, "Play").click()
        page.wait_for_function(f"() => +document.querySelector('{PLAYER}').dataset.step >= 3")
        player_button(page, "Pause").click()
        paused = player_step(page)
        assert 3 <= paused < 30
        page.wait_for_timeout(400)
        assert player_step(page) == paused  # Pause holds the step
        player_button(page, "Next").click()
        wait_for_player_step(page, paused + 1)
        # the keyboard steps too (a presentation remote sends Page Up / Page Down)
        page.keyboard.press("PageDown")
        wait_for_player_step(page, paused + 2)
        page.keyboard.press("ArrowLeft")
        wait_for_player_step(page, paused + 1)
        # playing and stepping never rerun the script; settling on a step does, once, and
        # the address follows
        page.wait_for_function("() => location.search.includes('step=" + str(paused + 1) + "')")
        assert script_runs(page) <= 3
        page.keyboard.press(" ")  # Space plays, to the end
        wait_for_player_step(page, 30, timeout=60_000)
        assert "Iteration 15 · M-step" in player_title(page)
        no_page_errors(page, errors)
        screenshot(page, "explorer.png")
    finally:
        page.close()


def _panel_at(page, step: int) -> str:
    """The step panel's text once the player shows ``step`` (read while playing)."""
    return page.evaluate(
        f"""() => new Promise(resolve => {{
            const root = document.querySelector('{PLAYER}');
            const check = () => {{
                if (+root.dataset.step >= {step}) resolve([+root.dataset.step,
                    document.querySelector('{STEP_PANEL}').innerText]);
                else requestAnimationFrame(check);
            }};
            check();
        }})""")


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+\.\d+", text.replace("−", "-"))]


def test_the_step_panel_follows_every_frame_while_playing(browser, app_url):
    run = _notes_a_run()
    page, errors = open_page(browser, app_url + "/" + NOTES_A + "&speed=400", timeout=60_000)
    try:
        wait_for_explorer(page)
        player_button(page, "Play").click()
        seen = set()
        for want in (3, 8, 14):
            step, panel = _panel_at(page, want)
            seen.add(step)
            s = run.steps[step]
            assert f"{s.kind}-step {s.iteration}" in panel, panel
            numbers = _numbers(panel)
            if s.kind == "E":
                n = int(re.search(r"Point (\d+)", panel).group(1))
                for g in s.resp[n]:
                    assert round(float(g), 3) in [round(v, 3) for v in numbers], (g, panel)
            else:
                for w in s.weights:
                    assert round(float(w), 3) in [round(v, 3) for v in numbers], (w, panel)
                n_k = run.steps[step - 1].resp.sum(axis=0)
                assert any(abs(v - n_k[0]) < 5e-3 * max(1, n_k[0]) for v in numbers), panel
        assert len(seen) == 3
        no_page_errors(page, errors)
    finally:
        page.close()


def test_a_link_opens_at_its_half_step(browser, app_url):
    page, errors = open_page(browser, app_url + "/" + NOTES_A + "&step=5", timeout=60_000)
    try:
        wait_for_explorer(page)
        assert player_step(page) == 5
        assert "Iteration 3 · E-step" in player_title(page)
        assert "E-step 3" in page.locator(STEP_PANEL).inner_text()
        no_page_errors(page, errors)
    finally:
        page.close()


def test_a_link_with_a_point_inspects_it_at_that_step(browser, app_url):
    run = _notes_a_run()
    page, errors = open_page(browser, app_url + "/" + NOTES_A + "&step=3&point=38",
                             timeout=60_000)
    try:
        wait_for_explorer(page)
        gamma = run.steps[3].resp[38]
        page.get_by_text("Bayes' rule for point 38").wait_for(timeout=30_000)
        latex = page.locator('[data-testid="stMarkdownContainer"] .katex').all_inner_texts()
        shown = " ".join(latex)
        for g in gamma:
            assert f"{g:.3f}" in shown, (gamma, shown[:500])
        # the step panel explains the same point with the same numbers
        panel = page.locator(STEP_PANEL).inner_text()
        assert "Point 38" in panel and all(f"{g:.3f}" in panel for g in gamma)
        no_page_errors(page, errors)
    finally:
        page.close()


def test_clicking_a_point_inspects_it_at_the_players_step(browser, app_url):
    run = _notes_a_run()
    page, errors = open_page(browser, app_url + "/" + NOTES_A, timeout=60_000)
    try:
        wait_for_explorer(page)
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        wait_for_player_step(page, 3)
        for index in (17, 63):
            click_player_point(page, index)
            page.get_by_text(f"Bayes' rule for point {index}").wait_for(timeout=30_000)
            expect(page.get_by_label("Point number", exact=True)).to_have_value(str(index))
            page.wait_for_function(f"() => location.search.includes('point={index}')")
            panel = page.locator(STEP_PANEL).inner_text()
            assert f"Point {index}" in panel
            assert all(f"{g:.3f}" in panel for g in run.steps[3].resp[index])
        assert player_step(page) == 3
        no_page_errors(page, errors)
    finally:
        page.close()


def test_a_link_restores_the_controls(browser, app_url):
    query = "?data=blobs&n=2000&seed=3&k=4&init=kmeans&cov=full&iters=50&tol=0"
    page, errors = open_page(browser, app_url + "/" + query, timeout=60_000)
    try:
        wait_for_explorer(page)
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
        # 50 iterations with tol = 0: 101 half-steps
        assert player_steps(page) == 101
        assert page.locator('[data-testid="stAlert"]').filter(has_text="link").count() == 0
        assert "k=4" in page.url and "init=kmeans" in page.url
        no_page_errors(page, errors)
    finally:
        page.close()


def test_an_invalid_link_value_shows_a_warning(browser, app_url):
    page, errors = open_page(browser, app_url + "/?k=99&init=nope&step=x", timeout=60_000)
    try:
        wait_for_explorer(page)
        alerts = page.locator('[data-testid="stAlert"]')
        assert alerts.filter(has_text="k='99'").count() == 1
        assert alerts.filter(has_text="init='nope'").count() == 1
        assert alerts.filter(has_text="step='x'").count() == 1
        assert player_steps(page) == 31 and player_step(page) == 0  # the defaults
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
            wait_for_explorer(page)
            has_density = page.evaluate(f"() => !!{player_js()}.panels[0].dens")
            assert has_density == ("density=1" in query)
        if "manual" in query:
            # the start's editor (it comes with the controls, after the figure's first drawing)
            page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
        no_page_errors(page, errors)
    finally:
        page.close()


# Records, in the page, when the figure's points and the first sidebar control appear.
_SEEN_SCRIPT = f"const CONTROLS = '{SIDEBAR_CONTROL}';" + """
window.__seen = {};
new MutationObserver(() => {
  const seen = window.__seen, now = performance.now();
  if (!seen.points && document.querySelector('[data-testid="gmmviz-player"][data-step]'))
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
        wait_for_streamlit_idle(page, timeout=60_000)
        no_page_errors(page, errors)
    finally:
        context.close()
