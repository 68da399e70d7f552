"""K-means by Lloyd's algorithm: the textbook's numbers, scikit-learn parity, properties, errors."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist
from sklearn.cluster import KMeans, kmeans_plusplus

import gmmviz
from gmmviz import TEXTBOOK_CENTERS, InputError, fit_kmeans
from gmmviz.kmeans import assign, distortion, update

TEXTBOOK_X = gmmviz.datasets.textbook()[0]


def sk_lloyd(X: np.ndarray, centers: np.ndarray, max_iter: int = 300) -> KMeans:
    return KMeans(n_clusters=centers.shape[0], algorithm="lloyd", n_init=1, init=centers,
                  tol=0.0, max_iter=max_iter).fit(X)


# --------------------------------------------------------------------------- the textbook
def test_textbook_distortions():
    run = fit_kmeans(TEXTBOOK_X, 3, init="notes")
    start = run.steps[0]
    assert start.kind == "init"
    np.testing.assert_array_equal(start.labels, np.zeros(100, dtype=int))
    np.testing.assert_array_equal(start.centers, TEXTBOOK_CENTERS)
    assert round(start.distortion, 3) == 771.709
    assert [round(d, 2) for d in run.distortion] == [627.54, 73.39, 70.39, 57.59, 48.31, 47.28,
                                                     46.86]
    assert run.converged_
    assert run.stop_reason == "converged: no point changed cluster"


def test_textbook_equals_sklearn():
    run = fit_kmeans(TEXTBOOK_X, 3, init="notes")
    km = sk_lloyd(TEXTBOOK_X, TEXTBOOK_CENTERS)
    np.testing.assert_allclose(run.centers_, km.cluster_centers_, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(run.labels_, km.labels_)
    assert run.n_iter_ == km.n_iter_
    assert run.distortion[-1] == pytest.approx(km.inertia_, rel=1e-12)


def test_notes_start_needs_three_clusters():
    with pytest.raises(InputError, match="k = 3"):
        fit_kmeans(TEXTBOOK_X, 4, init="notes")


# --------------------------------------------------------------------------- scikit-learn parity
@pytest.mark.parametrize("name", ["blobs", "varied", "anisotropic", "noise", "moons"])
@pytest.mark.parametrize("k", [2, 4, 6])
def test_lloyd_equals_sklearn(name, k):
    X = gmmviz.datasets.make(name, n_samples=400, random_state=k)[0]
    centers, _ = kmeans_plusplus(X, k, random_state=k)
    run = fit_kmeans(X, k, centers_init=centers)
    assert all(step.empty == () for step in run.steps)  # scikit-learn relocates empty clusters
    km = sk_lloyd(X, centers)
    np.testing.assert_allclose(run.centers_, km.cluster_centers_, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(run.labels_, km.labels_)
    assert run.n_iter_ == km.n_iter_
    assert run.converged_


@pytest.mark.parametrize("seed", [0, 3])
def test_k_means_plus_plus_init_equals_sklearn(seed):
    X = gmmviz.datasets.blobs(n_samples=300, random_state=seed)[0]
    run = fit_kmeans(X, 4, init="k-means++", random_state=seed, max_iter=0)
    centers, _ = kmeans_plusplus(X, 4, random_state=seed)
    np.testing.assert_array_equal(run.steps[0].centers, centers)
    assert len(run.steps) == 1 and run.n_iter_ == 0


def test_random_init_picks_distinct_points():
    X = np.vstack([TEXTBOOK_X[:10]] * 5)
    for seed in range(5):
        centers = fit_kmeans(X, 8, init="random", random_state=seed, max_iter=0).centers_
        rows = {tuple(x) for x in X}
        assert all(tuple(c) in rows for c in centers)
        assert len({tuple(c) for c in centers}) == 8


# --------------------------------------------------------------------------- properties
@st.composite
def point_sets(draw) -> np.ndarray:
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(10, 250))
    rng = np.random.default_rng(seed)
    n_blobs = int(rng.integers(1, 6))
    centres = rng.uniform(-8, 8, size=(n_blobs, 2))
    X = centres[rng.integers(0, n_blobs, size=n)] + rng.normal(size=(n, 2))
    if draw(st.booleans()):
        X = np.round(X)  # ties and duplicate points
    return X


@settings(max_examples=60, deadline=None)
@given(X=point_sets(), k=st.integers(1, 6), init=st.sampled_from(["k-means++", "random",
                                                                   "notes"]),
       seed=st.integers(0, 1000))
def test_lloyd_properties(X, k, init, seed):
    if init == "notes":
        k = 3
    try:
        run = fit_kmeans(X, k, init=init, random_state=seed, max_iter=50)
    except InputError as exc:
        assert "distinct" in str(exc)
        return
    steps = run.steps
    assert steps[0].kind == "init" and np.all(steps[0].labels == 0)
    assert [s.kind for s in steps[1:]] == ["assign", "update"] * run.n_iter_
    for step in steps:
        assert step.centers.shape == (k, 2) and step.labels.shape == (X.shape[0],)
        assert step.distortion == pytest.approx(
            float(((X - step.centers[step.labels]) ** 2).sum()), rel=1e-12, abs=1e-12)
    for prev, step in zip(steps, steps[1:], strict=False):
        if step.kind == "assign":
            # every point to its nearest centre; the centres themselves stay
            d2 = cdist(X, step.centers, "sqeuclidean")
            chosen = d2[np.arange(X.shape[0]), step.labels]
            assert np.all(chosen <= d2.min(axis=1) * (1 + 1e-12) + 1e-12)
            np.testing.assert_array_equal(step.centers, prev.centers)
            if prev.kind == "update":
                assert step.distortion <= prev.distortion * (1 + 1e-12) + 1e-12
        else:
            # every non-empty centre to the mean of its points; empty ones stay put
            np.testing.assert_array_equal(step.labels, prev.labels)
            counts = np.bincount(step.labels, minlength=k)
            assert step.empty == tuple(int(j) for j in np.flatnonzero(counts == 0))
            for j in range(k):
                if counts[j]:
                    np.testing.assert_allclose(step.centers[j],
                                               X[step.labels == j].mean(axis=0),
                                               rtol=1e-12, atol=1e-12)
                else:
                    np.testing.assert_array_equal(step.centers[j], prev.centers[j])
            assert step.distortion <= prev.distortion * (1 + 1e-12) + 1e-12
    J = run.distortion
    assert np.all(J[1:] <= J[:-1] * (1 + 1e-12) + 1e-12)
    if run.converged_:
        np.testing.assert_array_equal(assign(X, run.centers_), run.labels_)


# --------------------------------------------------------------------------- empty clusters
def test_empty_cluster_keeps_its_centre():
    far = [100.0, 100.0]
    centers = np.array([[-1.0, 0.0], [1.0, 0.0], far])
    run = fit_kmeans(TEXTBOOK_X, 3, centers_init=centers)
    first_update = run.steps[2]
    assert first_update.kind == "update" and first_update.iteration == 1
    assert first_update.empty == (2,)
    np.testing.assert_array_equal(first_update.centers[2], far)
    np.testing.assert_array_equal(run.centers_[2], far)
    assert all(s.empty == () for s in run.steps if s.kind != "update")
    assert all(s.empty == (2,) for s in run.steps if s.kind == "update")
    assert not np.any(run.labels_ == 2)


def test_update_function_reports_empty_clusters():
    X = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 4.0]])
    centers = np.array([[9.0, 9.0], [1.0, 1.0], [5.0, 5.0]])
    new, empty = update(X, np.array([1, 1, 1]), centers)
    assert empty == (0, 2)
    np.testing.assert_array_equal(new, [[9.0, 9.0], [2 / 3, 4 / 3], [5.0, 5.0]])
    assert distortion(X, new, np.array([1, 1, 1])) == pytest.approx(
        (4 + 16) / 9 + (16 + 16) / 9 + (4 + 64) / 9)


def test_assign_breaks_ties_towards_the_first_centre():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    centers = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_array_equal(assign(X, centers), [0, 0])


# --------------------------------------------------------------------------- stopping
def test_max_iter_and_steps():
    X = gmmviz.datasets.blobs(n_samples=300, random_state=0)[0]
    run = fit_kmeans(X, 5, init="random", random_state=1, max_iter=2)
    assert run.n_iter_ == 2 and len(run.steps) == 5
    assert not run.converged_ and run.stop_reason == "reached max_iter"
    assert [s.iteration for s in run.steps] == [0, 1, 1, 2, 2]
    assert run.steps[0].label == "Start"
    assert re.match(r"Iteration 2 · assign", run.steps[3].label)
    assert re.match(r"Iteration 2 · update", run.steps[4].label)
    assert run.distortion.shape == (2,)


@pytest.mark.parametrize("seed", [0, 2])
def test_tol_stops_on_small_centre_moves(seed):
    X = gmmviz.datasets.make("varied", n_samples=400, random_state=5)[0]
    exact = fit_kmeans(X, 4, init="random", random_state=seed)
    loose = fit_kmeans(X, 4, init="random", random_state=seed, tol=1e-2)
    assert loose.converged_
    assert loose.stop_reason == "converged: centres moved less than tol"
    assert loose.n_iter_ < exact.n_iter_
    # scikit-learn's meaning of tol: squared centre shift below tol times the mean variance
    km = KMeans(n_clusters=4, algorithm="lloyd", n_init=1, init=loose.steps[0].centers,
                tol=1e-2).fit(X)
    assert loose.n_iter_ == km.n_iter_
    np.testing.assert_allclose(loose.centers_, km.cluster_centers_, rtol=0, atol=1e-10)


def test_same_seed_same_run():
    X = gmmviz.datasets.blobs(n_samples=200, random_state=0)[0]
    a = fit_kmeans(X, 4, random_state=3)
    b = fit_kmeans(X, 4, random_state=3)
    np.testing.assert_array_equal(a.centers_, b.centers_)
    np.testing.assert_array_equal(a.distortion, b.distortion)


# --------------------------------------------------------------------------- input errors
@pytest.mark.parametrize(
    ("X", "kwargs", "keyword"),
    [
        (np.zeros((5, 1)), {}, "two columns"),
        (np.zeros((5, 3)), {}, "two columns"),
        (np.zeros((5, 2, 2)), {}, "two columns"),
        (np.zeros((0, 2)), {}, "empty"),
        (np.array([[0.0, np.nan], [1.0, 1.0]]), {"n_clusters": 1}, "missing"),
        (TEXTBOOK_X, {"n_clusters": 101}, "distinct"),
        (np.ones((10, 2)), {"n_clusters": 2}, "distinct"),
        (TEXTBOOK_X, {"n_clusters": 0}, "k must be"),
        (TEXTBOOK_X, {"init": "kmeans"}, "Unknown init"),
        (TEXTBOOK_X, {"n_clusters": 2, "init": "notes"}, "k = 3"),
        (TEXTBOOK_X, {"centers_init": np.zeros((2, 2))}, "shape"),
        (TEXTBOOK_X, {"centers_init": [[0, 0], [1, 1], [np.inf, 0]]}, "finite"),
        (TEXTBOOK_X, {"tol": -1.0}, "tol"),
        (TEXTBOOK_X, {"max_iter": -3}, "max_iter"),
        (TEXTBOOK_X, {"max_iter": 1.5}, "whole number"),
        (TEXTBOOK_X, {"random_state": -5}, "random_state must be from 0 to 4294967295"),
        (TEXTBOOK_X, {"random_state": 2**32}, "random_state must be from 0"),
        (TEXTBOOK_X, {"random_state": 2**64}, "random_state must be from 0"),
        (TEXTBOOK_X, {"random_state": "x"}, "random_state must be a whole number"),
        (TEXTBOOK_X, {"random_state": 1.5}, "random_state must be a whole number"),
    ],
)
def test_fit_kmeans_input_errors(X, kwargs, keyword):
    kwargs = {"n_clusters": 3, **kwargs}
    with pytest.raises(InputError, match=re.escape(keyword)):
        fit_kmeans(X, **kwargs)


# --------------------------------------------------------------------------- magnitudes
BLOB_X = np.random.default_rng(0).standard_normal((50, 2))


@pytest.mark.parametrize("c", [1e155, 1e200, 1e300])
def test_data_too_wide_is_refused_not_an_infinite_distortion(c):
    with pytest.raises(InputError, match=r"spread too far.*divide the data by 1e\+"):
        fit_kmeans(BLOB_X * c, 3, random_state=0)


@pytest.mark.parametrize("c", [1e-200, 1e-300])
def test_data_too_narrow_is_refused_not_a_zero_distortion(c):
    with pytest.raises(InputError, match=r"spread too little.*Multiply the data by 1e\+"):
        fit_kmeans(BLOB_X * c, 3, random_state=0)


@pytest.mark.parametrize("centers", [
    [[1e200, 0.0], [-1e200, 0.0], [0.0, 1e200]],
    [[1e200, 0.0], [0.0, 0.0], [1.0, 1.0]],
])
def test_far_starting_centres_are_refused_by_row(centers):
    with pytest.raises(InputError, match=r"Centre 1, \(1e\+200, 0\), lies about 1e\+200"):
        fit_kmeans(BLOB_X, 3, centers_init=centers)


@pytest.mark.parametrize("c", [1e150, 1e-150])
def test_wide_and_narrow_data_give_scaled_distortions(c):
    """x -> c x scales every distortion by c^2 and moves no label (as far as 1e+-150)."""
    plain = fit_kmeans(TEXTBOOK_X, 3, init="notes")
    scaled = fit_kmeans(TEXTBOOK_X * c, 3, centers_init=TEXTBOOK_CENTERS * c)
    assert scaled.n_iter_ == plain.n_iter_
    for a, b in zip(plain.steps, scaled.steps, strict=True):
        np.testing.assert_array_equal(b.labels, a.labels)
        assert b.distortion / c**2 == pytest.approx(a.distortion, rel=1e-12)
