"""K-means as the eps -> 0 limit of EM with covariances eps * I (gmmviz.limit)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp

import gmmviz
from gmmviz import datasets
from gmmviz.limit import (
    EPS_STEPS,
    center_distance,
    eps_grid,
    eps_sweep,
    fit_eps_limit,
    hardness,
)

X_TEXT, _ = datasets.textbook()
CENTERS = gmmviz.TEXTBOOK_CENTERS
SHRINKING = (1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001)


@pytest.fixture(scope="module")
def kmeans_textbook() -> gmmviz.KMeansRun:
    return gmmviz.fit_kmeans(X_TEXT, 3, centers_init=CENTERS)


def _naive_eps_em(X, centers, eps, n_iter, learn_weights):
    """Textbook EM with Sigma_k = eps I written out directly, as an independent reference."""
    mu = np.array(centers, dtype=float)
    pi = np.full(len(mu), 1.0 / len(mu))
    for _ in range(n_iter):
        d2 = ((X[:, None, :] - mu[None]) ** 2).sum(-1)
        logw = np.log(pi)[None] - d2 / (2 * eps)  # log pi_k - ||x - mu_k||^2 / 2 eps
        gamma = np.exp(logw - logsumexp(logw, axis=1, keepdims=True))
        nk = gamma.sum(0)
        mu = gamma.T @ X / nk[:, None]
        if learn_weights:
            pi = nk / len(X)
    return pi, mu


@pytest.mark.parametrize("learn_weights", [True, False])
def test_approaches_kmeans_as_eps_shrinks(kmeans_textbook, learn_weights):
    dist, hard = [], []
    for eps in SHRINKING:
        run = fit_eps_limit(X_TEXT, CENTERS, eps, learn_weights=learn_weights)
        dist.append(center_distance(run.means_, kmeans_textbook.centers_))
        hard.append(hardness(run.resp_))
    dist, hard = np.array(dist), np.array(hard)
    # The distance to K-means' centres falls as eps falls, down to rounding error.
    assert np.all(np.diff(dist) < 1e-9), dist
    assert dist[-1] < 1e-6
    assert dist[0] > 100 * dist[-1]
    # Responsibilities go from blended to one-hot.
    assert np.all(np.diff(hard) > -1e-12), hard
    assert hard[0] < 0.95
    assert hard[-1] > 1 - 1e-9


def test_small_eps_reproduces_kmeans_labels_and_path(kmeans_textbook):
    run = fit_eps_limit(X_TEXT, CENTERS, 1e-5)
    np.testing.assert_array_equal(run.labels_, kmeans_textbook.labels_)
    resp = run.resp_
    np.testing.assert_allclose(resp, np.eye(3)[kmeans_textbook.labels_], atol=1e-9)
    # Every M-step moves the means exactly where K-means' update step moves the centres.
    updates = [s.centers for s in kmeans_textbook.steps if s.kind == "update"]
    m_steps = [s.means for s in run.steps if s.kind == "M"]
    for a, b in zip(updates, m_steps, strict=False):
        np.testing.assert_allclose(b, a, atol=1e-9)
    # The learned weights are the fractions of points in each cluster (Bishop 9.3.2).
    frac = np.bincount(kmeans_textbook.labels_, minlength=3) / len(X_TEXT)
    np.testing.assert_allclose(run.weights_, frac, atol=1e-9)


@pytest.mark.parametrize("learn_weights", [True, False])
@pytest.mark.parametrize("eps", [1e-3, 0.05, 2.0])
def test_covariances_stay_eps_identity_at_every_step(eps, learn_weights):
    run = fit_eps_limit(X_TEXT, CENTERS, eps, learn_weights=learn_weights, max_iter=30)
    target = eps * np.eye(2)
    for step in run.steps:
        for cov in step.covariances:
            np.testing.assert_array_equal(cov, target)


@pytest.mark.parametrize("learn_weights", [True, False])
@pytest.mark.parametrize("eps", [0.05, 0.3, 1.5])
def test_matches_independent_em(eps, learn_weights):
    run = fit_eps_limit(X_TEXT, CENTERS, eps, learn_weights=learn_weights, max_iter=12, tol=0.0)
    pi, mu = _naive_eps_em(X_TEXT, CENTERS, eps, 12, learn_weights)
    np.testing.assert_allclose(run.means_, mu, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(run.weights_, pi, rtol=1e-9, atol=1e-12)
    if not learn_weights:
        for step in run.steps:
            np.testing.assert_array_equal(step.weights, np.full(3, 1 / 3))


def test_means_only_nll_never_rises():
    run = fit_eps_limit(X_TEXT, CENTERS, 0.2, learn_weights=False, max_iter=50, tol=0.0)
    assert np.all(np.diff(run.nll) <= 1e-9 * np.abs(run.nll[:-1]))
    for s in run.steps:
        assert -s.nll == pytest.approx(s.elbo + s.kl, rel=1e-9, abs=1e-9)


def test_large_eps_differs_from_kmeans(kmeans_textbook):
    run = fit_eps_limit(X_TEXT, CENTERS, 3.0)
    assert center_distance(run.means_, kmeans_textbook.centers_) > 0.5
    # With a variance wider than the data every mean drifts to the data mean.
    np.testing.assert_allclose(run.means_, np.repeat(X_TEXT.mean(0)[None], 3, axis=0), atol=0.05)
    assert hardness(run.resp_) < 0.5


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_limit_on_blobs_from_kmeanspp(seed):
    X, _ = datasets.make("blobs", n_samples=300, random_state=seed)
    start = gmmviz.fit_kmeans(X, 4, init="k-means++", random_state=seed, max_iter=0).centers_
    km = gmmviz.fit_kmeans(X, 4, centers_init=start)
    run = fit_eps_limit(X, start, 1e-5 * X.var(0).mean())
    assert center_distance(run.means_, km.centers_) < 1e-6


def test_center_distance_closed_form_and_permutation():
    a = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    shifts = np.array([[0.3, 0.4], [0.0, -1.0], [0.6, 0.8]])  # lengths 0.5, 1, 1
    b = a + shifts
    assert center_distance(a, b) == pytest.approx(1.0)
    assert center_distance(a, b, reduce="mean") == pytest.approx(2.5 / 3)
    for perm in ([2, 0, 1], [1, 0, 2], [2, 1, 0]):
        assert center_distance(a, b[perm]) == pytest.approx(1.0)
        assert center_distance(a[perm], b) == pytest.approx(1.0)
        assert center_distance(a, a[perm]) == 0.0
    # Unmatched (row by row) the distance would be large; matching is what makes it small.
    assert np.linalg.norm(a - b[[2, 0, 1]], axis=1).max() > 10


def test_center_distance_rejects_different_sizes():
    with pytest.raises(gmmviz.InputError):
        center_distance(np.zeros((3, 2)), np.zeros((2, 2)))


def test_hardness_bounds():
    assert hardness(np.full((5, 4), 0.25)) == pytest.approx(0.25)
    assert hardness(np.eye(3)) == 1.0
    assert hardness(np.array([[0.5, 0.5], [1.0, 0.0]])) == pytest.approx(0.75)


def test_eps_sweep_columns_and_agreement(kmeans_textbook):
    eps = [1.0, 0.1, 0.001]
    df = eps_sweep(X_TEXT, CENTERS, eps)
    assert list(df.columns) == ["eps", "distance", "hardness", "nll", "n_iter"]
    assert df["eps"].tolist() == eps
    for row in df.itertuples():
        run = fit_eps_limit(X_TEXT, CENTERS, row.eps)
        assert row.distance == pytest.approx(center_distance(run.means_, kmeans_textbook.centers_))
        assert row.hardness == pytest.approx(hardness(run.resp_))
        assert row.nll == pytest.approx(run.final.nll)
    assert df["distance"].iloc[-1] < 1e-6


def test_eps_grid_and_steps():
    g = eps_grid(1e-3, 10.0, 9)
    np.testing.assert_allclose(np.log10(g), np.linspace(-3, 1, 9))
    assert list(EPS_STEPS) == sorted(EPS_STEPS)
    assert EPS_STEPS[0] == 1e-4 and EPS_STEPS[-1] == 100.0
    assert 1e-3 in EPS_STEPS and 0.5 in EPS_STEPS and len(set(EPS_STEPS)) == len(EPS_STEPS)


@pytest.mark.parametrize("eps", [0.0, -1.0, float("nan"), "abc"])
def test_bad_eps_is_input_error(eps):
    with pytest.raises(gmmviz.InputError):
        fit_eps_limit(X_TEXT, CENTERS, eps)


def test_bad_centres_are_input_error():
    with pytest.raises(gmmviz.InputError):
        fit_eps_limit(X_TEXT, np.zeros(3), 0.1)
    with pytest.raises(gmmviz.InputError):
        fit_eps_limit(X_TEXT, [[0, 0], [np.nan, 1]], 0.1)


@pytest.mark.parametrize("learn_weights", [True, False])
def test_start_is_the_given_centres(learn_weights):
    start = np.array([[0.1, 0.2], [-1.3, 0.7], [1.1, -0.9]])
    run = fit_eps_limit(X_TEXT, start, 0.3, learn_weights=learn_weights, max_iter=5)
    np.testing.assert_array_equal(run.steps[0].means, start)
    np.testing.assert_array_equal(run.steps[0].weights, np.full(3, 1 / 3))
    assert [s.kind for s in run.steps[:3]] == ["init", "E", "M"]
