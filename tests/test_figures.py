"""Figures: ellipse geometry, responsibility colours and their one-byte codes, em_figure frames."""

from __future__ import annotations

import json
import pickle
import re

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
import pytest
from scipy.stats import multivariate_normal

import gmmviz
from gmmviz.figures import (
    GRAY,
    PALETTE,
    animation_html,
    axis_range,
    blend,
    codec,
    compare_figure,
    ellipse_xy,
    ellipses_path,
    em_figure,
    kmeans_figure,
    nll_figure,
    playback_controls,
    quantize,
    responsibility_bars,
)
from gmmviz.figures._colors import hex_to_rgb, round_to_lattice
from tests._server import PLAYING_JS, wait_until_paused

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
except ImportError:  # the browser tests then skip
    PlaywrightTimeoutError = TimeoutError

PAYLOAD_LIMIT = 3_000_000


# ------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def textbook_run() -> gmmviz.GMMRun:
    X, _ = gmmviz.datasets.textbook()
    return gmmviz.fit_gmm(X, 3, init="textbook-b", reg_covar=0.0)


@pytest.fixture(scope="module")
def textbook_fig(textbook_run) -> go.Figure:
    return em_figure(textbook_run)


@pytest.fixture(scope="module")
def big_run() -> gmmviz.GMMRun:
    X, _ = gmmviz.datasets.make("blobs", n_samples=10_000, random_state=0)
    return gmmviz.fit_gmm(X, 5, tol=0.0, max_iter=50, random_state=0)


def trace_index(fig: go.Figure, prefix: str) -> int:
    return next(i for i, t in enumerate(fig.data) if (t.name or "").startswith(prefix))


def resolved(fig: go.Figure, i: int) -> tuple[dict[int, dict], dict]:
    """Frame i merged with its chain of base frames, as plotly.js's computeFrame does."""
    frames = {f.name: f.to_plotly_json() for f in fig.frames}
    chain = [fig.frames[i].to_plotly_json()]
    while chain[-1].get("baseframe"):
        chain.append(frames[chain[-1]["baseframe"]])
    data: dict[int, dict] = {}
    layout: dict = {}
    for fr in reversed(chain):
        layout.update(fr.get("layout", {}))
        for t, tr in zip(fr["traces"], fr["data"], strict=True):
            merged = data.setdefault(t, {})
            for key, value in tr.items():
                if isinstance(value, dict):
                    merged[key] = {**merged.get(key, {}), **value}
                else:
                    merged[key] = value
    return data, layout


def as_array(value) -> np.ndarray:
    """A trace array as numpy, whether plain or a base64 typed-array spec."""
    if isinstance(value, dict) and "bdata" in value:
        import base64

        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
    return np.asarray(value)


def colorscale_rgb(colorscale: list, position: float) -> np.ndarray:
    """Colour of a discrete-stop colorscale at a stop position."""
    stops = np.array([p for p, _ in colorscale])
    j = int(np.argmin(np.abs(stops - position)))
    assert abs(stops[j] - position) < 1e-12
    return np.array([float(v) for v in re.findall(r"[\d.]+", colorscale[j][1])])


# ------------------------------------------------------------------------------- geometry
def test_ellipse_of_diagonal_covariance_has_semi_axes_sqrt_variance():
    xs, ys = ellipse_xy([1.0, -2.0], [[4.0, 0.0], [0.0, 0.25]], 1.0, n_points=72)
    assert xs.shape == ys.shape == (73,)
    assert (xs[0], ys[0]) == (xs[-1], ys[-1])
    np.testing.assert_allclose([xs.min(), xs.max()], [1.0 - 2.0, 1.0 + 2.0], atol=1e-12)
    np.testing.assert_allclose([ys.min(), ys.max()], [-2.0 - 0.5, -2.0 + 0.5], atol=1e-12)


@pytest.mark.parametrize("n_std", [0.5, 1.0, 2.0, 3.0])
def test_every_ellipse_point_is_at_mahalanobis_distance_n_std(n_std):
    rng = np.random.default_rng(7)
    for _ in range(20):
        A = rng.normal(size=(2, 2))
        cov = A @ A.T + 0.05 * np.eye(2)
        mean = rng.normal(size=2) * 5
        xs, ys = ellipse_xy(mean, cov, n_std, n_points=40)
        d = np.column_stack([xs, ys]) - mean
        maha = np.sqrt(np.einsum("ni,ij,nj->n", d, np.linalg.inv(cov), d))
        np.testing.assert_allclose(maha, n_std, rtol=1e-9)


def test_ellipses_path_joins_every_contour_with_one_nan_break():
    means = np.array([[0.0, 0.0], [5.0, 1.0]])
    covs = np.array([np.eye(2), [[2.0, 0.5], [0.5, 1.0]]])
    xs, ys = ellipses_path(means, covs, (1, 2), n_points=30)
    assert np.isnan(xs).sum() == 2 * 2 - 1 == np.isnan(ys).sum()
    pieces = np.split(np.column_stack([xs, ys]), np.flatnonzero(np.isnan(xs)))
    pieces = [p[~np.isnan(p[:, 0])] for p in pieces]
    expected = [(m, c, s) for m, c in zip(means, covs, strict=True) for s in (1, 2)]
    for piece, (m, c, s) in zip(pieces, expected, strict=True):
        d = piece - m
        np.testing.assert_allclose(np.sqrt(np.einsum("ni,ij,nj->n", d, np.linalg.inv(c), d)), s)


def test_axis_range_covers_data_and_ellipses_but_clips_a_huge_one():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    means = [np.array([[0.0, 0.0], [3.0, 0.0]])]
    covs = [np.array([np.eye(2), np.eye(2) * 0.5])]
    (x0, x1), (y0, y1) = axis_range(X, means, covs, (1, 2))
    assert x0 <= min(X[:, 0].min(), -2.0) and x1 >= max(X[:, 0].max(), 3 + 2 * np.sqrt(0.5))
    assert y0 <= min(X[:, 1].min(), -2.0) and y1 >= max(X[:, 1].max(), 2.0)
    # A component that swallowed everything (sd 1e4) must not shrink the data to a dot.
    huge = [np.array([[0.0, 0.0]])], [np.array([np.eye(2) * 1e8])]
    (hx0, hx1), _ = axis_range(X, *huge, (1, 2))
    span = np.ptp(X, axis=0).max()
    assert hx1 - hx0 < 6 * span


def test_axis_range_with_aspect_gives_equal_units():
    X = np.array([[0.0, 0.0], [10.0, 1.0]])
    (x0, x1), (y0, y1) = axis_range(X, [], [], (1,), aspect=1.5)
    assert (x1 - x0) / (y1 - y0) == pytest.approx(1.5)
    assert x0 < 0 and x1 > 10 and y0 < 0 and y1 > 1


# -------------------------------------------------------------------------------- colours
def test_palette_is_ten_distinct_hex_colours_without_pale_yellow():
    assert len(PALETTE) == 10 == len(set(PALETTE))
    for c in PALETTE:
        r, g, b = hex_to_rgb(c)
        assert 0.2126 * r + 0.7152 * g + 0.0722 * b < 200  # readable on white


def test_blend_of_one_hot_is_the_palette_colour_and_half_half_the_midpoint():
    eye = np.eye(4)
    np.testing.assert_allclose(blend(eye), [hex_to_rgb(c) for c in PALETTE[:4]])
    mid = blend(np.array([[0.5, 0.5]]))[0]
    np.testing.assert_allclose(mid, (np.array(hex_to_rgb(PALETTE[0])) +
                                     np.array(hex_to_rgb(PALETTE[1]))) / 2)


@pytest.mark.parametrize("k", range(1, 13))
def test_codes_fit_one_byte_and_decode_within_one_lattice_step(k):
    cc = codec(k)
    assert cc.n_codes <= 256
    resp = np.random.default_rng(k).dirichlet(np.full(k, 0.7), size=500)
    codes = cc.encode(resp)
    assert codes.dtype == np.uint8 and codes.max() < cc.gray_code
    # The rounded responsibilities are within one lattice step 1/L of the exact ones.
    q = cc.responsibilities(codes)
    assert np.abs(q - resp).max() < 1.0 / cc.levels + 1e-12
    # Through the colorscale (code c sits at c / cmax), a code shows the blend of its lattice
    # point, so the colour is off by at most what the rounding moved: 1/2 sum_k |q - r| * 255.
    for c, r, qq in zip(codes[:100], resp[:100], q[:100], strict=True):
        shown = colorscale_rgb(cc.colorscale, (c - cc.cmin) / (cc.cmax - cc.cmin))
        np.testing.assert_allclose(shown, blend(qq[None])[0], atol=0.5)
        assert np.abs(shown - blend(r[None])[0]).max() <= 0.5 * np.abs(qq - r).sum() * 255 + 0.5


def test_torn_points_look_in_between():
    codes, scale, cmin, cmax = quantize(np.array([[0.5, 0.5], [1.0, 0.0]]))
    mid = colorscale_rgb(scale, codes[0] / cmax)
    np.testing.assert_allclose(mid, blend(np.array([[0.5, 0.5]]))[0], atol=0.5)
    thirds = np.full((1, 3), 1 / 3)
    c3 = codec(3)
    shown = c3.decode(c3.encode(thirds))[0]
    np.testing.assert_allclose(shown, blend(thirds)[0], atol=255 / c3.levels)


def test_missing_responsibilities_are_grey_and_rounding_sums_to_levels():
    cc = codec(3)
    assert (cc.encode(None, n_samples=4) == cc.gray_code).all()
    np.testing.assert_allclose(cc.decode([cc.gray_code])[0], hex_to_rgb(GRAY))
    m = round_to_lattice(np.random.default_rng(1).dirichlet([1, 1, 1, 1], size=300), 9)
    assert (m.sum(axis=1) == 9).all() and (m >= 0).all()


# ---------------------------------------------------------------------------- playback
def test_playback_controls_address_every_frame_by_name():
    names = ["Start", "Iteration 1 · E-step: responsibilities updated"]
    c = playback_controls(names, duration_ms=250, prefix="Step: ")
    steps = c["sliders"][0]["steps"]
    assert [s["label"] for s in steps] == names
    assert [s["args"][0] for s in steps] == [[n] for n in names]
    play, pause, back, forward = c["updatemenus"][0]["buttons"]
    assert back["args"][0] == [names[0]] and forward["args"][0] == [names[1]]
    assert play["args"][0] is None and play["args"][1]["fromcurrent"] is True
    assert play["args"][1]["frame"] == {"duration": 250, "redraw": True}
    assert pause["args"][0] == [None] and pause["args"][1]["mode"] == "immediate"
    assert c["sliders"][0]["currentvalue"]["prefix"] == "Step: "
    go.Figure(layout=c)  # plotly accepts it


def _step_targets(layout: dict) -> tuple[str, str]:
    """The frames the Back and Next buttons of a layout go to."""
    buttons = {b["label"]: b for b in layout["updatemenus"][0]["buttons"]}
    return buttons["‹ Back"]["args"][0][0], buttons["Next ›"]["args"][0][0]


def _walk(fig: go.Figure, start: int, button: int) -> list[int]:
    """Frame indices visited by pressing Back (0) or Next (1) from frame ``start`` until the
    button stops moving, reading each frame's layout as plotly.js merges it on showing it."""
    index = {f.name: i for i, f in enumerate(fig.frames)}
    seen = [start]
    layout = fig.layout.to_plotly_json()
    while len(seen) <= len(fig.frames):
        target = index[_step_targets(layout)[button]]
        if target == seen[-1]:
            break
        seen.append(target)
        layout = resolved(fig, target)[1]
    return seen


def _step_figures(textbook_run):
    X = textbook_run.X
    k_run = gmmviz.fit_kmeans(X, 3, random_state=0)
    other = gmmviz.fit_gmm(X, 3, init="kmeans", random_state=0, max_iter=6)
    return {"em": em_figure(textbook_run), "em at 5": em_figure(textbook_run, frame=5),
            "kmeans": kmeans_figure(k_run),
            "compare": compare_figure([textbook_run, other], ["textbook-b", "k-means"])}


def test_back_and_next_visit_every_frame_one_by_one(textbook_run):
    for name, fig in _step_figures(textbook_run).items():
        n = len(fig.frames)
        start = fig.layout.sliders[0].active or 0
        forward = _walk(fig, start, 1)
        assert forward == list(range(start, n)), name
        backward = _walk(fig, start, 0)
        assert backward == list(range(start, -1, -1)), name
        # from the last frame, Back goes all the way to the start
        last = resolved(fig, n - 1)[1]
        assert _step_targets(last)[1] == fig.frames[n - 1].name, name
        index = {f.name: i for i, f in enumerate(fig.frames)}
        assert index[_step_targets(last)[0]] == n - 2, name


# ---------------------------------------------------------------------------- em_figure
def test_one_frame_per_step_named_by_its_label(textbook_run, textbook_fig):
    assert len(textbook_fig.frames) == len(textbook_run.steps)
    assert [f.name for f in textbook_fig.frames] == [s.label for s in textbook_run.steps]
    steps = textbook_fig.layout.sliders[0].steps
    assert [s.label for s in steps] == [s.label for s in textbook_run.steps]


def test_frames_never_repeat_the_point_coordinates(textbook_fig):
    i_pts = trace_index(textbook_fig, "points")
    assert len(textbook_fig.data[i_pts].x) == 100
    carried = 0
    for fr in textbook_fig.frames:
        for t, tr in zip(fr.traces, fr.data, strict=True):
            if t == i_pts:
                carried += 1
                assert tr.x is None and tr.y is None
                assert tr.marker.color is not None
    # Codes change at E-steps only, so they are sent at most once per iteration (+ start).
    assert carried <= (len(textbook_fig.frames) + 1) // 2 + 1


def test_point_colours_follow_the_responsibilities_of_each_step(textbook_run, textbook_fig):
    fig, run = textbook_fig, textbook_run
    i_pts = trace_index(fig, "points")
    cc = codec(3)
    X = run.X
    e_frames = {}
    for i, step in enumerate(run.steps):
        data, _ = resolved(fig, i)
        codes = as_array(data[i_pts]["marker"]["color"])
        if step.kind == "init":
            assert (codes == cc.gray_code).all()  # textbook-b starts from parameters only
            continue
        # Independent reference: the posterior under the step's parameters (an M-step shows
        # the responsibilities it used, i.e. those of the E-step before it).
        ref_step = step if step.kind == "E" else run.steps[i - 1]
        expected = cc.encode(gmmviz.predict_proba(X, ref_step))
        assert np.mean(codes == expected) >= 0.99
        if step.kind == "E":
            e_frames[step.iteration] = codes
    assert np.any(e_frames[1] != e_frames[2])
    # Not argmax: some point shows a blend, not a pure component colour.
    q = cc.responsibilities(e_frames[1])
    assert np.any(q.max(axis=1) < 0.9)


def test_ellipses_and_means_follow_the_parameters(textbook_run, textbook_fig):
    fig, run = textbook_fig, textbook_run
    i_first = trace_index(fig, "component 1")
    i_means = trace_index(fig, "means")
    for i in (0, 1, 2, 7, len(run.steps) - 1):
        step = run.steps[i]
        data, layout = resolved(fig, i)
        for j in range(3):
            for lv, n_std in enumerate((1.0, 2.0)):
                tr = data[i_first + 2 * j + lv]
                ex, ey = ellipse_xy(step.means[j], step.covariances[j], n_std, 60)
                np.testing.assert_allclose(as_array(tr["x"]), ex, rtol=1e-5, atol=1e-5)
                np.testing.assert_allclose(as_array(tr["y"]), ey, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(as_array(data[i_means]["x"]), step.means[:, 0], rtol=1e-6)
        labels = [a["text"] for a in layout["annotations"]]
        assert labels == [f"π={w:.2f}" for w in step.weights]


def test_cursor_sits_on_each_steps_nll_and_title_says_it(textbook_run, textbook_fig):
    fig, run = textbook_fig, textbook_run
    i_cur = len(fig.data) - 1
    for i, step in enumerate(run.steps):
        data, layout = resolved(fig, i)
        x, y = data[i_cur]["x"][0], data[i_cur]["y"][0]
        assert y == pytest.approx(step.nll)
        assert run.nll[int(x)] == pytest.approx(step.nll)  # a point of the NLL curve
        assert layout["title"]["text"] == f"<b>{step.label} · NLL = {step.nll:.2f}</b>"
    assert fig.frames[0].layout.title.text == "<b>Start · NLL = 426.22</b>"


def test_axes_are_fixed_with_equal_scales(textbook_run, textbook_fig):
    fig = textbook_fig
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    assert fig.layout.xaxis.autorange is False and fig.layout.yaxis.autorange is False
    for fr in fig.frames:  # no frame touches an axis
        assert fr.layout.xaxis.range is None and fr.layout.yaxis.range is None
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    X = textbook_run.X
    assert x0 < X[:, 0].min() and x1 > X[:, 0].max()
    assert y0 < X[:, 1].min() and y1 > X[:, 1].max()
    for step in textbook_run.steps:  # every 2-sigma ellipse of the run is inside
        for m, c in zip(step.means, step.covariances, strict=True):
            xs, ys = ellipse_xy(m, c, 2.0)
            assert x0 <= xs.min() and xs.max() <= x1 and y0 <= ys.min() and ys.max() <= y1


def test_initial_figure_is_the_chosen_frame(textbook_run):
    fig = em_figure(textbook_run, frame=4)
    i_pts = trace_index(fig, "points")
    data, layout = resolved(fig, 4)
    np.testing.assert_array_equal(as_array(fig.data[i_pts].marker.color),
                                  as_array(data[i_pts]["marker"]["color"]))
    assert fig.layout.title.text == layout["title"]["text"]
    assert fig.layout.sliders[0].active == 4


def test_points_carry_their_row_index_and_webgl_is_used_for_many():
    X, _ = gmmviz.datasets.make("blobs", n_samples=2500, random_state=0)
    run = gmmviz.fit_gmm(X, 2, max_iter=2, random_state=0)
    fig = em_figure(run)
    i_pts = trace_index(fig, "points")
    assert isinstance(fig.data[i_pts], go.Scattergl)
    np.testing.assert_array_equal(as_array(fig.data[i_pts].customdata), np.arange(2500))
    X2, _ = gmmviz.datasets.textbook()
    small = em_figure(gmmviz.fit_gmm(X2, 2, max_iter=2, random_state=0))
    assert isinstance(small.data[trace_index(small, "points")], go.Scatter)


def test_density_contour_is_the_mixture_density_and_integrates_to_one(textbook_run):
    fig = em_figure(textbook_run, show_density=True)
    i_den = trace_index(fig, "mixture density")
    assert isinstance(fig.data[i_den], go.Contour)
    gx, gy = as_array(fig.data[i_den].x).astype(float), as_array(fig.data[i_den].y).astype(float)
    last = textbook_run.steps[-1]
    data, _ = resolved(fig, len(textbook_run.steps) - 1)
    z = as_array(data[i_den]["z"]).reshape(len(gy), len(gx)).astype(float)
    pts = np.stack(np.meshgrid(gx, gy), axis=-1)
    ref = sum(w * multivariate_normal(m, c).pdf(pts)
              for w, m, c in zip(last.weights, last.means, last.covariances, strict=True))
    np.testing.assert_allclose(z, ref, rtol=1e-5, atol=1e-9)
    integral = z.sum() * (gx[1] - gx[0]) * (gy[1] - gy[0])
    assert integral == pytest.approx(1.0, abs=0.02)


def test_bad_points_or_levels_raise_input_error(textbook_run):
    with pytest.raises(gmmviz.InputError, match="shape"):
        em_figure(textbook_run, np.zeros((5, 2)))
    with pytest.raises(gmmviz.InputError, match="levels"):
        em_figure(textbook_run, levels=())
    with pytest.raises(gmmviz.InputError, match="levels"):
        em_figure(textbook_run, levels=(1, -2))


def test_payload_of_a_10k_point_50_iteration_figure_is_under_3_mb(big_run):
    assert len(big_run.steps) == 101
    fig = em_figure(big_run)
    # Exactly what st.plotly_chart sends.
    spec = pio.to_json(plotly.tools.return_figure_from_figure_or_data(fig, True),
                       validate=False)
    assert len(spec) < PAYLOAD_LIMIT
    d = json.loads(spec)
    assert len(d["frames"]) == 101
    i_pts = trace_index(fig, "points")
    assert d["data"][i_pts]["type"] == "scattergl"
    assert d["data"][i_pts]["marker"]["color"]["dtype"] == "u1"


# ------------------------------------------------------------------------- small figures
def test_responsibility_bars_show_the_row_in_component_colours():
    fig = responsibility_bars(np.array([0.7, 0.2, 0.1]))
    bar = fig.data[0]
    np.testing.assert_allclose(bar.y, [0.7, 0.2, 0.1])
    assert list(bar.marker.color) == list(PALETTE[:3])


def test_nll_figure_overlays_one_curve_per_run():
    fig = nll_figure([("a", np.array([3.0, 2.0, 1.5])), ("b", np.array([4.0, 1.0]))],
                     colors=["#000000", "#111111"])
    assert [t.name for t in fig.data] == ["a", "b"]
    assert list(fig.data[1].x) == [0, 1]
    assert fig.data[0].line.color == "#000000"


# ------------------------------------------------------------------------------- browser
@pytest.mark.browser
def test_plotly_js_resolves_base_frames_to_each_steps_state(browser, textbook_run, tmp_path):
    """Jumping to a frame in plotly.js shows that step's codes and ellipses."""
    fig = em_figure(textbook_run)
    path = tmp_path / "em.html"
    fig.write_html(path, include_plotlyjs=True, auto_play=False)
    i_pts, i_ell = trace_index(fig, "points"), trace_index(fig, "component 1")
    page = browser.new_page()
    errors: list = []
    page.on("pageerror", lambda exc: errors.append(exc))
    try:
        page.goto(path.as_uri())
        page.wait_for_function("() => document.querySelector('.js-plotly-plot')?._fullLayout")
        for i in (len(textbook_run.steps) - 1, 3, 8, 0, 15):
            state = page.evaluate(
                """async ([i, p, e]) => {
                    const gd = document.querySelector('.js-plotly-plot');
                    const name = gd._transitionData._frames[i].name;
                    await Plotly.animate(gd, [name], {frame: {duration: 0, redraw: true},
                                                     transition: {duration: 0},
                                                     mode: 'immediate'});
                    return {codes: Array.from(gd._fullData[p].marker.color),
                            ex: Array.from(gd._fullData[e].x),
                            title: gd._fullLayout.title.text};
                }""", [i, i_pts, i_ell])
            data, layout = resolved(fig, i)
            np.testing.assert_array_equal(state["codes"], as_array(data[i_pts]["marker"]["color"]))
            np.testing.assert_allclose(state["ex"], as_array(data[i_ell]["x"]), rtol=1e-6)
            assert state["title"] == layout["title"]["text"]
    finally:
        page.close()
    assert errors == []


def _open_standalone(browser, fig: go.Figure, tmp_path) -> tuple:
    """Open :func:`animation_html` of ``fig`` in a new page, once its script has run; return
    (page, the page's uncaught errors)."""
    path = tmp_path / "em.html"
    path.write_text(animation_html(fig), encoding="utf-8")
    page = browser.new_page()
    errors: list = []
    page.on("pageerror", lambda exc: errors.append(exc))
    page.goto(path.as_uri())
    page.wait_for_function("() => window.__gmmvizPlayback && "
                           "document.querySelector('.js-plotly-plot')?._fullLayout")
    return page, errors


@pytest.mark.browser
def test_back_and_next_buttons_step_in_plotly_js(browser, textbook_run, tmp_path):
    """Pressing the figure's own Next and Back buttons moves one half-step each time, and the
    slider follows, in the standalone HTML file (no app); Pause while playing is no error."""
    fig = em_figure(textbook_run, duration_ms=150)
    page, errors = _open_standalone(browser, fig, tmp_path)
    gd = "document.querySelector('.js-plotly-plot')"
    try:
        presses = ["Next", "Next", "Next", "Back", "Back", "Back", "Back", "Next"]
        for label, i in zip(presses, [1, 2, 3, 2, 1, 0, 0, 1], strict=True):
            page.locator(".updatemenu-button").filter(has_text=label).first.click()
            # the slider follows the frame shown, and so does the title
            page.wait_for_function(
                f"([i, t]) => {gd}._fullLayout.sliders[0].active === i && "
                f"{gd}._fullLayout.title.text === t",
                arg=[i, resolved(fig, i)[1]["title"]["text"]], timeout=10_000)
        page.locator(".updatemenu-button").filter(has_text="Play").first.click()
        page.wait_for_function(f"() => {gd}._fullLayout.sliders[0].active >= 4", timeout=10_000)
        page.locator(".updatemenu-button").filter(has_text="Pause").first.click()
        assert wait_until_paused(page) < len(fig.frames) - 1
    finally:
        page.close()
    assert errors == []


@pytest.mark.browser
@pytest.mark.xfail(strict=False, reason=(
    "On a loaded machine a key can land before plotly.js has applied the new frame's layout, "
    "whose Back and Next buttons name that frame's neighbours: the step then goes to the old "
    "frame's neighbour. Known race of frame_controls, to be replaced by the player."))
def test_keys_step_play_and_pause_the_standalone_file(browser, textbook_run, tmp_path):
    """→ / Page Down step forward, ← / Page Up back, Space plays then pauses."""
    fig = em_figure(textbook_run, duration_ms=150)
    page, errors = _open_standalone(browser, fig, tmp_path)
    gd = "document.querySelector('.js-plotly-plot')"
    active = f"() => {gd}._fullLayout.sliders[0].active"
    try:
        assert page.evaluate(active) == 0
        prev = 0
        for key, i in [("ArrowRight", 1), ("PageDown", 2), ("ArrowRight", 3), ("ArrowLeft", 2),
                       ("PageUp", 1)]:
            for attempt in range(3):
                page.keyboard.press(key)
                try:
                    # the step has landed and plotly.js has finished drawing it (its buttons
                    # then name the new neighbours)
                    page.wait_for_function(
                        f"() => ({active})() === {i} && !({PLAYING_JS})({gd})", timeout=5_000)
                    break
                except PlaywrightTimeoutError:
                    # a press the busy page never saw may be pressed again; one that moved
                    # the animation anywhere else fails
                    assert page.evaluate(active) == prev and attempt < 2, (key, i)
            prev = i
        page.keyboard.press(" ")
        page.wait_for_function(f"() => ({active})() >= 4", timeout=10_000)
        page.keyboard.press(" ")
        assert wait_until_paused(page) < len(fig.frames) - 1
    finally:
        page.close()
    assert errors == []


def test_figure_survives_pickling(textbook_fig):
    # st.cache_data pickles the figure.
    clone = pickle.loads(pickle.dumps(textbook_fig))
    assert json.loads(clone.to_json()) == json.loads(textbook_fig.to_json())


def test_figure_modules_share_parts_only_through_private_modules():
    """A figure module (em, compare, kmeans, teaching) never imports another one's private
    names: what they share lives in the private modules (_frames, _animation, _colors...)."""
    import ast
    from pathlib import Path

    import gmmviz.figures

    folder = Path(gmmviz.figures.__file__).parent
    public = {p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")}
    assert {"em", "compare", "kmeans", "teaching"} <= public
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                    "gmmviz.figures.") and node.module.rsplit(".", 1)[1] in public:
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name} imports {private} from {node.module}"
