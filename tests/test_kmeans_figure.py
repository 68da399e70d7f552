"""The K-means animation and the eps-limit figures (gmmviz.figures.kmeans)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.spatial import cKDTree

import gmmviz
from gmmviz import datasets
from gmmviz.figures.kmeans import (
    GRID_BUDGET,
    eps_sweep_figure,
    kmeans_figure,
    limit_figure,
    voronoi_grid,
)
from gmmviz.kmeans import assign
from gmmviz.limit import fit_eps_limit, match_components

X_TEXT, _ = datasets.textbook()


@pytest.fixture(scope="module")
def run() -> gmmviz.KMeansRun:
    return gmmviz.fit_kmeans(X_TEXT, 3, centers_init=gmmviz.TEXTBOOK_CENTERS)


@pytest.fixture(scope="module")
def fig(run):
    return kmeans_figure(run)


def _frame_trace(fig, i: int, index: int):
    frame = fig.frames[i]
    return frame.data[list(frame.traces).index(index)]


def test_one_frame_per_step_named_by_label(run, fig):
    assert len(fig.frames) == len(run.steps)
    assert [f.name for f in fig.frames] == [s.label for s in run.steps]
    steps = fig.layout.sliders[0].steps
    assert [s.label for s in steps] == [s.label for s in run.steps]


def test_trails_hold_every_centre_so_far(run, fig):
    meta = fig.layout.meta
    for i in range(len(run.steps)):
        for j, t in enumerate(meta["trails"]):
            tr = _frame_trace(fig, i, t)
            expected = np.array([s.centers[j] for s in run.steps[: i + 1]])
            np.testing.assert_array_equal(np.column_stack([tr.x, tr.y]), expected)
        c = _frame_trace(fig, i, meta["centers"])
        np.testing.assert_array_equal(np.column_stack([c.x, c.y]), run.steps[i].centers)
    # the centres really travel on the textbook run
    assert len(fig.frames[-1].data[meta["trails"][0] - fig.frames[-1].traces[0]].x) > 1


def test_voronoi_labels_are_nearest_centres(run, fig):
    meta = fig.layout.meta
    base = fig.data[meta["voronoi"]]
    n = meta["grid"]
    gx = base.x0 + base.dx * np.arange(n)
    gy = base.y0 + base.dy * np.arange(n)
    xx, yy = np.meshgrid(gx, gy)
    pts = np.column_stack([xx.ravel(), yy.ravel()])
    for i in (0, 1, 2, len(run.steps) - 1):
        z = np.asarray(_frame_trace(fig, i, meta["voronoi"]).z)
        assert z.dtype == np.uint8 and z.shape == (n, n)
        np.testing.assert_array_equal(z.ravel(), assign(pts, run.steps[i].centers))
    # the shading changes as the centres move
    z0 = np.asarray(_frame_trace(fig, 0, meta["voronoi"]).z)
    z_end = np.asarray(_frame_trace(fig, len(run.steps) - 1, meta["voronoi"]).z)
    assert np.mean(z0 != z_end) > 0.1


def test_voronoi_grid_matches_kdtree():
    rng = np.random.default_rng(3)
    centers = rng.normal(size=(5, 2))
    gx, gy, labels = voronoi_grid(centers, (-3, 3), (-2, 2.5), 37)
    xx, yy = np.meshgrid(gx, gy)
    _, nearest = cKDTree(centers).query(np.column_stack([xx.ravel(), yy.ravel()]))
    np.testing.assert_array_equal(labels.ravel(), nearest)
    assert gx[0] == -3 and gx[-1] == 3 and gy[0] == -2 and gy[-1] == 2.5


def test_points_coloured_by_cluster_grey_at_start(run, fig):
    meta = fig.layout.meta
    k = 3
    codes0 = np.asarray(_frame_trace(fig, 0, meta["points"]).marker.color)
    assert np.all(codes0 == k)  # grey: nobody assigned yet
    for i in range(1, len(run.steps)):
        codes = np.asarray(_frame_trace(fig, i, meta["points"]).marker.color)
        np.testing.assert_array_equal(codes, run.steps[i].labels)
    pts = fig.data[meta["points"]]
    np.testing.assert_array_equal(np.column_stack([pts.x, pts.y]), X_TEXT)


def test_cursor_follows_the_distortion(run, fig):
    meta = fig.layout.meta
    curve = fig.data[meta["curve"]]
    np.testing.assert_allclose(curve.y, [s.distortion for s in run.steps[1:]])
    c0 = _frame_trace(fig, 0, meta["cursor"])
    assert c0.y[0] is None or np.isnan(c0.y[0])  # the start has no J
    for i in range(1, len(run.steps)):
        cur = _frame_trace(fig, i, meta["cursor"])
        assert cur.y[0] == pytest.approx(run.steps[i].distortion)
        assert cur.x[0] in set(curve.x)
        # the cursor sits on the curve point of the same step
        assert curve.y[list(curve.x).index(cur.x[0])] == pytest.approx(cur.y[0])
    # J never rises along the run
    assert np.all(np.diff(curve.y) <= 1e-9)


def test_equal_scales_and_fixed_axes(run, fig):
    lay = fig.layout
    assert lay.yaxis.scaleanchor == "x" and lay.yaxis.scaleratio == 1
    assert lay.xaxis.autorange is False and lay.yaxis.autorange is False
    (x0, x1), (y0, y1) = lay.xaxis.range, lay.yaxis.range
    everything = np.vstack([X_TEXT, *[s.centers for s in run.steps]])
    assert x0 < everything[:, 0].min() and everything[:, 0].max() < x1
    assert y0 < everything[:, 1].min() and everything[:, 1].max() < y1
    # no frame changes the axes: frames set only the title and the Back / Next targets
    assert all(set(f.layout.to_plotly_json()) == {"title", "updatemenus"} for f in fig.frames)


def test_without_voronoi(run):
    f = kmeans_figure(run, voronoi=False)
    assert f.layout.meta["voronoi"] is None
    assert not any(tr.type == "heatmap" for tr in f.data)
    assert len(f.frames) == len(run.steps)


def test_long_run_shrinks_grid():
    X, _ = datasets.make("blobs", n_samples=200, random_state=1)
    r = gmmviz.fit_kmeans(X, 5, init="random", random_state=0, max_iter=60)
    f = kmeans_figure(r)
    n = f.layout.meta["grid"]
    assert 40 <= n <= 150
    assert n * n * len(r.steps) <= max(GRID_BUDGET, 40 * 40 * len(r.steps))


def test_large_data_uses_webgl():
    X, _ = datasets.make("blobs", n_samples=3000, random_state=0)
    r = gmmviz.fit_kmeans(X, 3, random_state=0, max_iter=3)
    f = kmeans_figure(r)
    assert f.data[f.layout.meta["points"]].type == "scattergl"


def test_empty_run_is_input_error(run):
    class Empty:
        steps: list = []
        X = X_TEXT

    with pytest.raises(gmmviz.InputError):
        kmeans_figure(Empty())


def test_limit_figure_panels(run):
    e = fit_eps_limit(X_TEXT, gmmviz.TEXTBOOK_CENTERS, 0.2)
    f = limit_figure(e, run)
    lay = f.layout
    assert lay.yaxis.scaleanchor == "x" and lay.yaxis2.scaleanchor == "x2"
    assert tuple(lay.xaxis.range) == tuple(lay.xaxis2.range)
    em_means = [t for t in f.data if t.name == "mixture means"]
    km = [t for t in f.data if t.name == "K-means centres"]
    assert len(em_means) == 2 and len(km) == 2
    np.testing.assert_allclose(np.column_stack([em_means[0].x, em_means[0].y]), e.means_)
    np.testing.assert_allclose(np.column_stack([km[0].x, km[0].y]), run.centers_)


def test_eps_sweep_figure_log_axes():
    df = pd.DataFrame({"eps": [0.01, 0.1, 1.0], "distance": [0.0, 0.1, 1.0],
                       "hardness": [1.0, 0.9, 0.4], "nll": [1, 2, 3], "n_iter": [1, 2, 3]})
    f = eps_sweep_figure(df, eps=0.1, n_components=3)
    assert f.layout.xaxis.type == "log" and f.layout.xaxis2.type == "log"
    assert f.layout.yaxis.type == "log"
    assert min(f.data[0].y) > 0  # a zero distance is floored to stay on the log axis


def test_match_components_is_the_cheapest_permutation():
    """Against brute force over every pairing (an independent reference for the Hungarian step)."""
    rng = np.random.default_rng(3)
    for k in (1, 2, 4, 5):
        a, b = rng.normal(size=(k, 2)), rng.normal(size=(k, 2))
        perm = match_components(a, b)
        assert sorted(perm.tolist()) == list(range(k))
        cost = [np.linalg.norm(a - b[list(p)], axis=1).sum()
                for p in itertools.permutations(range(k))]
        assert np.linalg.norm(a - b[perm], axis=1).sum() == pytest.approx(min(cost))
        shuffle = rng.permutation(k)
        np.testing.assert_array_equal(match_components(a, b[shuffle]), np.argsort(shuffle)[perm])
    with pytest.raises(gmmviz.InputError):
        match_components(np.zeros((3, 2)), np.zeros((2, 2)))


def test_limit_figure_joins_each_mean_to_its_matched_centre(run):
    e = fit_eps_limit(X_TEXT, gmmviz.TEXTBOOK_CENTERS, 0.2)
    f = limit_figure(e, run)
    links = [t for t in f.data if t.type == "scatter" and t.mode == "lines" and t.name is None]
    assert len(links) == 2  # one per panel
    xs = np.array([np.nan if v is None else v for v in links[0].x], dtype=float).reshape(-1, 3)
    ys = np.array([np.nan if v is None else v for v in links[0].y], dtype=float).reshape(-1, 3)
    ends = np.stack([xs[:, :2], ys[:, :2]], axis=-1)  # (K, 2 ends, 2)
    # every link runs from a mixture mean to a K-means centre, each used once, at least cost
    perm = [int(np.argmin(np.linalg.norm(run.centers_ - c, axis=1))) for c in ends[:, 1]]
    np.testing.assert_allclose(ends[:, 0], e.means_)
    np.testing.assert_allclose(ends[:, 1], run.centers_[perm])
    best = min(np.linalg.norm(e.means_ - run.centers_[list(p)], axis=1).sum()
               for p in itertools.permutations(range(len(perm))))
    assert np.linalg.norm(e.means_ - run.centers_[perm], axis=1).sum() == pytest.approx(best)
