"""Hands on the data in headless Chromium: points added and removed by clicking the explorer's
player, Undo, and a start dragged (or moved by keys) into place."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

import gmmviz
from gmmviz import manual
from tests._server import (
    click_player_point,
    no_page_errors,
    open_page,
    player_js,
    player_step,
    screenshot,
    wait_for_explorer,
    wait_for_streamlit_idle,
)

pytestmark = pytest.mark.browser

NOTES_A = "?init=notes-a&iters=20&tol=0"
P = player_js()


def _wait_for_page(page) -> None:
    """The page ready, its player's figure scrolled into the middle of the screen (the mouse
    only reaches what is on screen)."""
    wait_for_explorer(page)
    page.evaluate(f"() => {P}.panels[0].canvas.scrollIntoView({{block: 'center'}})")


def _query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def _n_points(page) -> int:
    return page.evaluate(f"() => {P}.panels[0].spec.n")


def _spans(page) -> tuple[float, float]:
    """The axis ranges' lengths, x and y."""
    return tuple(page.evaluate(f"() => {{ const s = {P}.panels[0].spec; "
                               "return [s.x[1] - s.x[0], s.y[1] - s.y[0]]; }"))


def _toggle(page, key: str, on: str) -> None:
    """Switch the toggle ``key`` on and wait until the player takes its mode ``on``."""
    page.locator(f".st-key-{key}").get_by_text(
        {"edit_points": "Edit points", "set_start": "Set start"}[key]).click()
    page.wait_for_function(f"() => {P}.data.hands && {P}.data.hands.{on} === true",
                           timeout=60_000)
    wait_for_streamlit_idle(page, timeout=60_000)


# A spot of the plot far from every point and mean: client pixel, and data coordinates by the
# panel's axis mapping.
_EMPTY_SPOT = f"""() => {{
    const p = {P}; const Pn = p.panels[0]; const M = Pn.map;
    const r = Pn.canvas.getBoundingClientRect();
    const means = Pn.meansAt(Pn.spec.ei[p.step]).filter(Boolean);
    let best = null;
    for (let u = 0.15; u <= 0.85; u += 0.05) for (let v = 0.15; v <= 0.85; v += 0.05) {{
        const px = M.m.l + u * M.pw, py = M.m.t + v * M.ph;
        let d = Infinity;
        for (let j = 0; j < Pn.spec.n; j++)
            d = Math.min(d, Math.hypot(M.px(Pn.pts[2 * j]) - px, M.py(Pn.pts[2 * j + 1]) - py));
        for (const m of means) d = Math.min(d, Math.hypot(M.px(m[0]) - px, M.py(m[1]) - py) - 20);
        if (!best || d > best[4]) best = [r.left + px, r.top + py, M.dx(px), M.dy(py), d];
    }}
    return best;
}}"""


def test_a_click_adds_a_point_there_a_click_removes_it_and_undo_brings_it_back(browser,
                                                                                app_url):
    page, errors = open_page(browser, app_url + "/" + NOTES_A, timeout=60_000)
    try:
        _wait_for_page(page)
        assert _n_points(page) == 100 and "add" not in _query(page)
        _toggle(page, "edit_points", "points")
        cx, cy, x, y, clearance = page.evaluate(_EMPTY_SPOT)
        assert clearance > 15
        page.mouse.click(cx, cy)
        page.wait_for_function("() => location.search.includes('add=')", timeout=60_000)
        wait_for_streamlit_idle(page, timeout=60_000)
        # the point sits at the clicked data coordinates, to 1 % of each axis' range
        added = [float(v) for v in _query(page)["add"].split(",")]
        span_x, span_y = _spans(page)
        assert abs(added[0] - x) <= 0.01 * span_x and abs(added[1] - y) <= 0.01 * span_y, (
            added, (x, y))
        page.wait_for_function(f"() => {P}.panels[0].spec.n === 101", timeout=60_000)
        drawn = page.evaluate(f"() => {{ const Pn = {P}.panels[0]; "
                              "return [Pn.pts[200], Pn.pts[201]]; }")
        np.testing.assert_allclose(drawn, added, rtol=1e-6)
        # the fit follows: the run the player shows is EM on the 101 points
        X = gmmviz.edited_points(gmmviz.datasets.textbook()[0], [added])
        run = gmmviz.fit_gmm(X, 3, init="notes-a", max_iter=20, tol=0)
        final_nll = page.evaluate(f"() => {P}.data.chart.series[0].y.at(-1)")
        assert final_nll == pytest.approx(run.final.nll, rel=1e-9)
        screenshot(page, "hands_added.png")

        click_player_point(page, 100)  # the added point: a click removes it
        page.wait_for_function("() => !location.search.includes('add=')", timeout=60_000)
        page.wait_for_function(f"() => {P}.panels[0].spec.n === 100", timeout=60_000)
        wait_for_streamlit_idle(page, timeout=60_000)

        page.locator(".st-key-edit_undo").get_by_role("button").click()
        page.wait_for_function("() => location.search.includes('add=')", timeout=60_000)
        page.wait_for_function(f"() => {P}.panels[0].spec.n === 101", timeout=60_000)
        assert [float(v) for v in _query(page)["add"].split(",")] == added

        # a point of the original data removed by a click: drop= names it
        wait_for_streamlit_idle(page, timeout=60_000)
        click_player_point(page, 7)
        page.wait_for_function("() => location.search.includes('drop=7')", timeout=60_000)
        page.wait_for_function(f"() => {P}.panels[0].spec.n === 100", timeout=60_000)
        no_page_errors(page, errors)
    finally:
        page.close()


def _mean_pixel(page, j: int) -> tuple[float, float]:
    return tuple(page.evaluate(f"""() => {{
        const p = {P}; const Pn = p.panels[0]; const r = Pn.canvas.getBoundingClientRect();
        const m = Pn.spec.means[Pn.spec.ei[p.step]][{j}];
        return [r.left + Pn.map.px(m[0]), r.top + Pn.map.py(m[1])];
    }}"""))


def _data_at(page, cx: float, cy: float) -> tuple[float, float]:
    """The data coordinates of a client pixel, by the panel's axis mapping."""
    return tuple(page.evaluate(f"""([cx, cy]) => {{
        const Pn = {P}.panels[0]; const r = Pn.canvas.getBoundingClientRect();
        return [Pn.map.dx(cx - r.left), Pn.map.dy(cy - r.top)];
    }}""", [cx, cy]))


def _start_rows(page) -> list[dict[str, float]]:
    query = _query(page)
    assert query.get("init") == "manual", query
    return manual.decode_rows(query["start"].split(","), 3)


def _first_means(page) -> list[list[float]]:
    """The means of the run's start, as the player has them."""
    return page.evaluate(f"() => {{ const s = {P}.panels[0].spec; "
                         "return s.means[s.ei[0]].map(m => [m[0], m[1]]); }")


def _drag(page, start: tuple[float, float], end: tuple[float, float]) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=8)
    page.mouse.up()


def test_dragging_a_mean_sets_the_start_and_fits_again(browser, app_url):
    notes_a = gmmviz.fit_gmm(gmmviz.datasets.textbook()[0], 3, init="notes-a", max_iter=20,
                             tol=0).steps[0]
    page, errors = open_page(browser, app_url + "/" + NOTES_A, timeout=60_000)
    try:
        _wait_for_page(page)
        assert player_step(page) == 0
        mx, my = _mean_pixel(page, 0)
        target = (mx + 70, my - 50)
        want = _data_at(page, *target)
        _drag(page, (mx, my), target)
        page.wait_for_function("() => location.search.includes('init=manual') && "
                               "location.search.includes('start=')", timeout=60_000)
        page.wait_for_function(f"() => {P}.data.hands && {P}.data.hands.seen && "
                               f"!{P}.pending", timeout=60_000)
        wait_for_streamlit_idle(page, timeout=60_000)
        rows = _start_rows(page)
        span_x, span_y = _spans(page)
        assert abs(rows[0]["mu_x"] - want[0]) <= 0.01 * span_x, (rows[0], want)
        assert abs(rows[0]["mu_y"] - want[1]) <= 0.01 * span_y, (rows[0], want)
        # the other components, the weights and every Sigma are the start's own
        weights, means, covariances, _ = manual.manual_start(rows)
        np.testing.assert_allclose(weights, notes_a.weights, rtol=1e-5)
        np.testing.assert_allclose(means[1:], notes_a.means[1:], rtol=1e-5)
        np.testing.assert_allclose(covariances, notes_a.covariances, rtol=1e-5)
        # the run starts there: its first means are the dropped one and the two others
        np.testing.assert_allclose(_first_means(page), means, rtol=1e-5, atol=1e-6)
        assert player_step(page) == 0
        # the manual start's table
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)
        screenshot(page, "hands_start.png")
        no_page_errors(page, errors)
    finally:
        page.close()


def test_keys_and_the_ellipse_handle_set_the_start_too(browser, app_url):
    page, errors = open_page(browser, app_url + "/" + NOTES_A, timeout=60_000)
    try:
        _wait_for_page(page)
        before = _first_means(page)
        span = page.evaluate(f"() => {{ const s = {P}.panels[0].spec; "
                             "return Math.max(s.x[1] - s.x[0], s.y[1] - s.y[0]); }")
        page.locator('[data-testid="gmmviz-player"]').click(position={"x": 5, "y": 5})
        page.keyboard.press("2")  # component 2, then its mean two steps right and one up
        for key in ("Shift+ArrowRight", "Shift+ArrowRight", "Shift+ArrowUp"):
            page.keyboard.press(key)
        page.wait_for_function("() => location.search.includes('init=manual')",
                               timeout=60_000)
        wait_for_streamlit_idle(page, timeout=60_000)
        rows = _start_rows(page)
        assert rows[1]["mu_x"] == pytest.approx(before[1][0] + 2 * span / 50, abs=1e-4 * span)
        assert rows[1]["mu_y"] == pytest.approx(before[1][1] + span / 50, abs=1e-4 * span)
        assert player_step(page) == 0

        # Set start: the handle at the end of component 1's major axis, pulled out to twice
        # the length, makes that semi-axis twice as long
        _toggle(page, "set_start", "start")
        major, minor, angle = page.evaluate(f"() => {{ const s = {P}.panels[0].spec; "
                                            "return s.axes[s.ei[0]][0]; }")
        mx, my = _mean_pixel(page, 0)
        hx, hy = page.evaluate(f"""() => {{
            const Pn = {P}.panels[0]; const r = Pn.canvas.getBoundingClientRect();
            const c = Pn.compAt(0, 0); const [a] = Pn.handles(c);
            return [r.left + a[0], r.top + a[1]]; }}""")
        target = (mx + 2 * (hx - mx), my + 2 * (hy - my))
        want = np.hypot(*np.subtract(_data_at(page, *target), _data_at(page, mx, my)))
        start_before = _query(page)["start"]
        _drag(page, (hx, hy), target)
        page.wait_for_function("(s) => new URLSearchParams(location.search).get('start') !== s",
                               arg=start_before, timeout=60_000)
        wait_for_streamlit_idle(page, timeout=60_000)
        rows = _start_rows(page)
        shape = gmmviz.gaussian.covariance_shape(manual.manual_start(rows)[2][0])
        assert shape.major == pytest.approx(want, rel=0.01) and want > 1.5 * major
        assert shape.minor == pytest.approx(minor, rel=1e-4)
        no_page_errors(page, errors)
    finally:
        page.close()
