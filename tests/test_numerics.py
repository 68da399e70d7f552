"""Numerical edge cases of EM: underflow, extreme magnitudes, degenerate data, collapse, memory."""

from __future__ import annotations

import re
import tracemalloc

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

import gmmviz
from gmmviz import COVARIANCE_TYPES, NOTES_STARTS, InputError, fit_gmm

TEXTBOOK_X = gmmviz.datasets.textbook()[0]
COLLAPSE = re.compile(r"component \d+ collapsed onto (a single point|a line) at iteration \d+")


def assert_all_finite(run: gmmviz.GMMRun) -> None:
    """No NaN or inf in any recorded number, and every posterior row sums to 1."""
    for step in run.steps:
        assert np.all(np.isfinite([step.nll, step.elbo, step.kl])), step
        for a in (step.weights, step.means, step.covariances):
            assert np.all(np.isfinite(a)), step
        q = step.resp
        if q is not None:
            assert np.all(np.isfinite(q)), step
            np.testing.assert_allclose(q.sum(axis=1), 1.0, rtol=0, atol=1e-12)


def assert_positive_definite(run: gmmviz.GMMRun) -> None:
    for step in run.steps:
        for c in step.covariances:
            assert np.all(np.linalg.eigvalsh(c) > 0), (step, c)


# --------------------------------------------------------------------------- underflow
def test_point_far_from_every_component():
    # log N(x|mu, I) is about -1e12 for every component: exp() alone would give 0 / 0
    X = np.vstack([TEXTBOOK_X, [[1e6, 1e6]]])
    run = fit_gmm(X, 3, init="textbook-b", reg_covar=1e-6, tol=0.0, max_iter=10)
    assert run.stop_reason == "reached max_iter"
    assert_all_finite(run)
    first = run.steps[1]
    assert first.kind == "E"
    # the far point goes to the component whose log-density falls off slowest: the one at (2, 2)
    np.testing.assert_array_equal(first.resp[-1], [1.0, 0.0, 0.0])
    assert first.nll == pytest.approx(1e12, rel=1e-4)
    # the outlier ends up alone in one component, held open by reg_covar
    assert run.weights_.min() == pytest.approx(1 / 101, rel=1e-9)


def test_far_point_without_regularisation_stops_cleanly():
    X = np.vstack([TEXTBOOK_X, [[1e6, 1e6]]])
    run = fit_gmm(X, 3, init="textbook-b", reg_covar=0.0, tol=0.0, max_iter=10)
    assert_all_finite(run)
    assert not run.converged_
    assert COLLAPSE.fullmatch(run.stop_reason) or run.stop_reason == "reached max_iter"


def test_predictions_far_away_are_finite():
    run = fit_gmm(TEXTBOOK_X, 3, init="textbook-b", reg_covar=0.0, tol=0.0, max_iter=5)
    far = np.array([[1e6, 0.0], [-1e8, 1e8], [0.0, 1e20], [3e50, 3e50]])
    proba = gmmviz.predict_proba(far, run.final)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    log_prob = gmmviz.component_log_prob(far, run.weights_, run.means_, run.covariances_)
    assert np.all(np.isfinite(log_prob))
    # log N(x | mu, Sigma) -> -x^T Sigma^-1 x / 2 far away
    x = far[0]
    for k in range(3):
        maha = x @ np.linalg.solve(run.covariances_[k], x)
        assert log_prob[0, k] == pytest.approx(-0.5 * maha, rel=1e-4)
    assert np.all(gmmviz.mixture_density(far, run.final) == 0.0)


def test_component_log_prob_rows_do_not_depend_on_other_points():
    run = fit_gmm(TEXTBOOK_X, 3, init="textbook-b", reg_covar=0.0, tol=0.0, max_iter=5)
    w, m, c = run.weights_, run.means_, run.covariances_
    points = np.array([[0.0, 0.0], [1.0, -0.5], [1e6, 0.0], [3e50, -3e50], [-2.0, 2.5]])
    together = gmmviz.component_log_prob(points, w, m, c)
    for i in range(points.shape[0]):
        alone = gmmviz.component_log_prob(points[i:i + 1], w, m, c)
        np.testing.assert_allclose(together[i:i + 1], alone, rtol=1e-12)
    near = points[[0, 1, 4]]
    expected = np.column_stack([np.log(w[k]) + multivariate_normal(m[k], c[k]).logpdf(near)
                                for k in range(3)])
    np.testing.assert_allclose(together[[0, 1, 4]], expected, rtol=1e-12)


# --------------------------------------------------------------------------- magnitudes
@pytest.mark.parametrize("c", [1e150, 1e-150])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_scaled_data_gives_scaled_results(c, covariance_type):
    """x -> c x maps means by c, covariances by c^2, and adds 2 N log c to the NLL."""
    n = TEXTBOOK_X.shape[0]
    shift = 2.0 * n * np.log(c)  # log p_c(c x) = log p(x) - 2 log c for 2-D points
    weights, means = NOTES_STARTS["textbook-b"]
    starts = [
        ({"init": "textbook-b"}, {"init": "textbook-b", "means_init": means * c,
                               "covariances_init": np.eye(2) * c**2}),
        ({"init": "random_resp", "random_state": 4}, {"init": "random_resp", "random_state": 4}),
        ({"init": "random", "random_state": 4}, {"init": "random", "random_state": 4}),
    ]
    for plain_kw, scaled_kw in starts:
        kw = {"covariance_type": covariance_type, "reg_covar": 0.0, "tol": 0.0, "max_iter": 8}
        plain = fit_gmm(TEXTBOOK_X, 3, **kw, **plain_kw)
        scaled = fit_gmm(TEXTBOOK_X * c, 3, **kw, **scaled_kw)
        assert scaled.n_iter_ == plain.n_iter_ == 8
        assert_all_finite(scaled)
        for a, b in zip(plain.steps, scaled.steps, strict=True):
            np.testing.assert_allclose(b.weights, a.weights, rtol=1e-10, atol=1e-14)
            np.testing.assert_allclose(b.means / c, a.means, rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(b.covariances / c**2, a.covariances, rtol=1e-10,
                                       atol=1e-12)
            assert b.nll == pytest.approx(a.nll + shift, rel=1e-12, abs=1e-8)
            assert b.elbo == pytest.approx(a.elbo - shift, rel=1e-12, abs=1e-8)
            assert b.kl == pytest.approx(a.kl, rel=1e-8, abs=1e-10)
            if a.resp is not None:
                np.testing.assert_allclose(b.resp, a.resp, rtol=0, atol=1e-10)
        grid = TEXTBOOK_X[::7]
        np.testing.assert_allclose(
            gmmviz.component_log_prob(grid * c, scaled.weights_, scaled.means_,
                                      scaled.covariances_),
            gmmviz.component_log_prob(grid, plain.weights_, plain.means_, plain.covariances_)
            - 2.0 * np.log(c), rtol=1e-10)
        np.testing.assert_allclose(gmmviz.predict_proba(grid * c, scaled.final),
                                   gmmviz.predict_proba(grid, plain.final), rtol=0, atol=1e-10)


def test_large_offset_is_a_translation():
    offset = np.array([1e8, -3e7])
    plain = fit_gmm(TEXTBOOK_X, 3, init="random_resp", reg_covar=0.0, tol=0.0, max_iter=10,
                    random_state=0)
    moved = fit_gmm(TEXTBOOK_X + offset, 3, init="random_resp", reg_covar=0.0, tol=0.0,
                    max_iter=10, random_state=0)
    assert moved.n_iter_ == 10
    # the shifted data themselves are only exact to about 1e-8: allow for that
    np.testing.assert_allclose(moved.means_ - offset, plain.means_, rtol=0, atol=1e-7)
    np.testing.assert_allclose(moved.covariances_, plain.covariances_, rtol=0, atol=1e-7)
    assert moved.nll[-1] == pytest.approx(plain.nll[-1], rel=1e-7)


# --------------------------------------------------------------------------- degenerate data
IDENTICAL_X = np.full((12, 2), 3.25)


@pytest.mark.parametrize("init", ["random", "k-means++", "identical"])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_identical_points_one_component_collapses(init, covariance_type):
    run = fit_gmm(IDENTICAL_X, 1, init=init, covariance_type=covariance_type, reg_covar=0.0,
                  random_state=0)
    assert run.stop_reason == "component 1 collapsed onto a single point at iteration 1"
    assert not run.converged_
    assert_all_finite(run)
    np.testing.assert_array_equal(run.means_, [[3.25, 3.25]])


@pytest.mark.parametrize("init", ["kmeans", "random_resp", "random", "identical"])
def test_identical_points_one_component_with_reg_covar(init):
    run = fit_gmm(IDENTICAL_X, 1, init=init, reg_covar=1e-6, tol=0.0, max_iter=5,
                  random_state=0)
    assert run.n_iter_ == 5
    assert_all_finite(run)
    np.testing.assert_allclose(run.means_, [[3.25, 3.25]], rtol=1e-15)
    np.testing.assert_allclose(run.covariances_[0], 1e-6 * np.eye(2), rtol=1e-9)
    # N points at the mean of N(mu, 1e-6 I): -log p = log(2 pi) + log(1e-6) each
    assert run.nll[-1] == pytest.approx(12 * (np.log(2 * np.pi) + np.log(1e-6)), rel=1e-12)


def test_identical_points_degenerate_start_is_refused():
    # K-means responsibilities put the component on one point: no density to start from
    with pytest.raises(InputError, match="reg_covar"):
        fit_gmm(IDENTICAL_X, 1, init="kmeans", reg_covar=0.0)


def test_identical_points_two_components():
    with pytest.raises(InputError, match="distinct"):
        fit_gmm(IDENTICAL_X, 2)


COLLINEAR_X = np.column_stack([np.linspace(-3, 5, 40), 0.5 * np.linspace(-3, 5, 40) + 1.0])


@pytest.mark.parametrize("init", ["random", "k-means++", "identical"])
def test_collinear_points_full_collapse_onto_a_line(init):
    run = fit_gmm(COLLINEAR_X, 2, init=init, covariance_type="full", reg_covar=0.0,
                  random_state=0)
    assert COLLAPSE.fullmatch(run.stop_reason)
    assert "line" in run.stop_reason
    assert re.match(r"component [12] ", run.stop_reason)
    assert not run.converged_
    assert_all_finite(run)


def test_collinear_points_kmeans_start_is_refused():
    with pytest.raises(InputError, match="line.*reg_covar"):
        fit_gmm(COLLINEAR_X, 2, init="kmeans", reg_covar=0.0, random_state=0)


@pytest.mark.parametrize("init", ["kmeans", "random", "k-means++", "random_resp"])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_collinear_points_with_reg_covar(init, covariance_type):
    run = fit_gmm(COLLINEAR_X, 2, init=init, covariance_type=covariance_type, reg_covar=1e-6,
                  tol=0.0, max_iter=20, random_state=0)
    assert run.n_iter_ == 20, run.stop_reason
    assert_all_finite(run)
    assert_positive_definite(run)


@pytest.mark.parametrize("covariance_type", ["diag", "spherical"])
def test_collinear_points_diagonal_types_need_no_regularisation(covariance_type):
    # a slanted line has spread along both axes, so axis-aligned covariances stay regular
    run = fit_gmm(COLLINEAR_X, 2, init="k-means++", covariance_type=covariance_type,
                  reg_covar=0.0, tol=0.0, max_iter=20, random_state=0)
    assert run.n_iter_ == 20
    assert_all_finite(run)


# --------------------------------------------------------------------------- k = 1 and k = N
@pytest.mark.parametrize("init", ["kmeans", "random", "random_resp", "k-means++", "identical"])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_one_component_is_the_sample_mean_and_covariance(init, covariance_type):
    X = gmmviz.datasets.blobs(n_samples=150, random_state=3)[0]
    run = fit_gmm(X, 1, init=init, covariance_type=covariance_type, reg_covar=0.0, tol=0.0,
                  max_iter=3, random_state=0)
    c = np.cov(X.T, bias=True)
    expected = {"full": c, "tied": c, "diag": np.diag(np.diag(c)),
                "spherical": np.trace(c) / 2 * np.eye(2)}[covariance_type]
    m_steps = [s for s in run.steps if s.kind == "M"]
    for step in m_steps:
        np.testing.assert_array_equal(step.weights, [1.0])
        np.testing.assert_allclose(step.means[0], X.mean(axis=0), rtol=0, atol=1e-12)
        np.testing.assert_allclose(step.covariances[0], expected, rtol=1e-12, atol=1e-13)
        log_p = multivariate_normal(X.mean(axis=0), expected).logpdf(X)
        assert step.nll == pytest.approx(-log_p.sum(), rel=1e-12)
    # once there, EM stays: the NLL stops changing and tol > 0 says so at iteration 2
    conv = fit_gmm(X, 1, init=init, covariance_type=covariance_type, reg_covar=0.0, tol=1e-9,
                   random_state=0)
    assert conv.converged_ and conv.n_iter_ <= 2


N_POINTS_X = np.random.default_rng(0).normal(size=(7, 2)) * [3.0, 1.0]


def test_k_equals_n_collapses_onto_single_points():
    # one narrow component on every point: every responsibility is 0 or 1 after the first E-step
    k = N_POINTS_X.shape[0]
    run = fit_gmm(N_POINTS_X, k, means_init=N_POINTS_X, covariances_init=1e-4 * np.eye(2),
                  weights_init=np.full(k, 1 / k), reg_covar=0.0)
    assert re.fullmatch(r"component \d+ collapsed onto a single point at iteration 1",
                        run.stop_reason)
    assert not run.converged_
    assert run.n_iter_ == 0 and len(run.steps) == 1
    assert_all_finite(run)


@pytest.mark.parametrize("init", ["random", "k-means++"])
def test_k_equals_n_from_data_covariance_collapses(init):
    k = N_POINTS_X.shape[0]
    run = fit_gmm(N_POINTS_X, k, init=init, reg_covar=0.0, max_iter=200, random_state=0)
    assert COLLAPSE.fullmatch(run.stop_reason), run.stop_reason
    assert_all_finite(run)
    assert np.all(np.diff(run.nll) <= 1e-9 * np.abs(run.nll[:-1]))


def test_k_equals_n_kmeans_start_is_refused():
    with pytest.raises(InputError, match="single point.*reg_covar"):
        fit_gmm(N_POINTS_X, N_POINTS_X.shape[0], init="kmeans", reg_covar=0.0, random_state=0)


@pytest.mark.parametrize("init", ["kmeans", "random", "random_resp", "k-means++", "identical"])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_k_equals_n_with_reg_covar_is_finite(init, covariance_type):
    k = N_POINTS_X.shape[0]
    run = fit_gmm(N_POINTS_X, k, init=init, covariance_type=covariance_type, reg_covar=1e-3,
                  tol=0.0, max_iter=30, random_state=0)
    assert run.n_iter_ == 30, run.stop_reason
    assert_all_finite(run)
    assert_positive_definite(run)


# --------------------------------------------------------------------------- collapse
def collapsing_data() -> np.ndarray:
    """A tight pair of points far from a broad cloud: a component shrinks onto the pair."""
    rng = np.random.default_rng(1)
    return np.vstack([rng.normal(size=(60, 2)), [[6.0, 6.0], [6.0, 6.0 + 1e-9]],
                      [[-5.0, 5.0]]])


def test_collapse_with_zero_reg_covar_stops_the_run():
    X = collapsing_data()
    means = np.array([[0.0, 0.0], [6.0, 6.0], [-5.0, 5.0]])
    run = fit_gmm(X, 3, means_init=means, covariances_init=np.eye(2) * 0.5, reg_covar=0.0,
                  max_iter=500, tol=0.0)
    assert COLLAPSE.fullmatch(run.stop_reason), run.stop_reason
    assert not run.converged_
    assert run.n_iter_ < 500
    assert_all_finite(run)
    assert np.all(np.diff(run.nll) <= 1e-9 * np.abs(run.nll[:-1]))
    t = int(run.stop_reason.rsplit(" ", 1)[1])
    assert run.n_iter_ == t - 1 and len(run.steps) == 1 + 2 * (t - 1)


@pytest.mark.parametrize("reg_covar", [1e-9, 1e-6, 1e-2])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_collapse_with_reg_covar_stays_positive_definite(reg_covar, covariance_type):
    X = collapsing_data()
    means = np.array([[0.0, 0.0], [6.0, 6.0], [-5.0, 5.0]])
    run = fit_gmm(X, 3, means_init=means, covariances_init=np.eye(2) * 0.5,
                  covariance_type=covariance_type, reg_covar=reg_covar, max_iter=60, tol=0.0)
    assert run.n_iter_ == 60, run.stop_reason
    assert_all_finite(run)
    assert_positive_definite(run)
    for step in run.steps:
        for c in step.covariances:
            assert np.linalg.eigvalsh(c).min() >= reg_covar * (1 - 1e-9)


# --------------------------------------------------------------------------- scipy at extremes
def test_nll_matches_scipy_on_a_wide_data_set():
    X = gmmviz.datasets.make("varied", n_samples=400, random_state=2)[0] * 1e4
    run = fit_gmm(X, 3, init="k-means++", reg_covar=0.0, tol=0.0, max_iter=10, random_state=0)
    for step in run.steps:
        log_joint = np.column_stack([
            np.log(w) + multivariate_normal(m, c).logpdf(X)
            for w, m, c in zip(step.weights, step.means, step.covariances, strict=True)
        ])
        assert step.nll == pytest.approx(-logsumexp(log_joint, axis=1).sum(), rel=1e-10)


# --------------------------------------------------------------------------- memory
def test_long_large_run_memory_stays_below_one_gigabyte():
    """200,000 points, 5 components, 100 iterations: steps hold no (N, K) array each."""
    X = gmmviz.datasets.blobs(n_samples=200_000, random_state=0)[0]
    tracemalloc.start()
    try:
        run = fit_gmm(X, 5, init="k-means++", tol=0.0, reg_covar=1e-6, max_iter=100,
                      random_state=0)
        held_after_fit = tracemalloc.get_traced_memory()[0]
        assert len(run.steps) == 201
        total = 0.0
        for step in run.steps:
            q = step.resp
            if q is not None:
                total += float(q[0, 0])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert np.isfinite(total)
    assert peak < 1e9, f"peak traced memory {peak / 1e6:.0f} MB"
    # an (N, K) float array is 8 MB here; 201 steps each holding one would be 1.6 GB
    assert held_after_fit < 100e6, f"{held_after_fit / 1e6:.0f} MB held after the fit"


# --------------------------------------------------------------------------- beyond the float range
BLOB_X = np.random.default_rng(0).standard_normal((50, 2))


@pytest.mark.parametrize("reg_covar", [0.0, 1e-6])
@pytest.mark.parametrize("X", [BLOB_X * 1e-200, BLOB_X * 1e-163, BLOB_X * 1e-300,
                               np.array([[1e-320, 2e-320], [3e-320, 0.0], [0.0, 5e-321]])],
                         ids=["1e-200", "1e-163", "1e-300", "subnormal"])
def test_data_too_narrow_for_their_variance_are_refused(X, reg_covar):
    with pytest.raises(InputError, match=r"spread too little.*Multiply the data by 1e\+\d+"):
        fit_gmm(X, 2, reg_covar=reg_covar)
    # following the advice fits
    scale = float(re.search(r"by (1e\+\d+)", _message(X, reg_covar)).group(1))
    assert_all_finite(fit_gmm(X * scale, 2, init="random", reg_covar=reg_covar,
                              random_state=0))


def _message(X: np.ndarray, reg_covar: float) -> str:
    try:
        fit_gmm(X, 2, reg_covar=reg_covar)
    except InputError as exc:
        return str(exc)
    raise AssertionError("no InputError")


@pytest.mark.parametrize("c", [1e154, 1e200, 1e300])
def test_data_too_wide_for_their_squares_are_refused(c):
    with pytest.raises(InputError, match=r"spread too far.*divide the data by 1e\+\d+"):
        fit_gmm(BLOB_X * c, 3)


def test_a_lone_outlier_beyond_the_float_range_is_named():
    X = BLOB_X.copy()
    X[7] = [1e200, 0.0]
    for fit in (lambda: fit_gmm(X, 3), lambda: gmmviz.fit_restarts(X, 3, 4),
                lambda: gmmviz.fit_kmeans(X, 3)):
        with pytest.raises(InputError, match=r"the point \(1e\+200, 0\) lies about 1e\+200"):
            fit()


@pytest.mark.parametrize("init", ["kmeans", "random", "k-means++", "random_resp"])
@pytest.mark.parametrize("outlier", [1e100, 1e150])
def test_a_lone_outlier_within_range_fits_or_is_named(init, outlier):
    X = BLOB_X.copy()
    X[7] = [outlier, -outlier]
    try:
        run = fit_gmm(X, 3, init=init, random_state=1)
    except InputError as exc:
        assert "remove far-off points (the farthest," in str(exc)
        assert f"({outlier:.3g}, {-outlier:.3g})" in str(exc)
        return
    assert_all_finite(run)


def test_default_reg_covar_on_tiny_data_says_what_helps():
    X = BLOB_X * 1e-80
    with pytest.raises(InputError, match="Lower reg_covar") as info:
        fit_gmm(X, 3)
    message = str(info.value)
    assert "above 0" not in message
    # both remedies it names work
    smaller = float(re.search(r"Lower reg_covar to (\S+) or less", message).group(1))
    factor = float(re.search(r"multiply the data by (1e\+\d+)", message).group(1))
    assert_all_finite(fit_gmm(X, 3, reg_covar=smaller, random_state=0))
    assert_all_finite(fit_gmm(X * factor, 3, random_state=0))


def test_eps_far_from_the_data_variance_is_refused():
    with pytest.raises(InputError, match=r"eps = 1e-300 is too small.*choose eps between"):
        fit_gmm(TEXTBOOK_X, 3, fixed_covariance=1e-300)
    with pytest.raises(InputError, match=r"eps = 1e\+300 is too large"):
        gmmviz.fit_eps_limit(TEXTBOOK_X, NOTES_STARTS["textbook-b"][1], 1e300)


def test_one_mean_far_off_leaves_its_component_empty_and_every_number_finite():
    run = fit_gmm(BLOB_X, 3, means_init=[[1e300, 0.0], [0.0, 0.0], [1.0, 1.0]], tol=0.0,
                  max_iter=10)
    assert run.n_iter_ == 10
    assert_all_finite(run)
    assert not np.isnan(run.resp_).any()
    assert np.all(run.steps[1].resp[:, 0] == 0.0)  # no point wants the component at 1e300
    assert np.all(np.diff(run.nll[1:]) <= 1e-9 * np.abs(run.nll[1:-1]))


@pytest.mark.parametrize("means", [[[1e200, 0.0]] * 3,
                                   [[1e200, 0.0], [-1e200, 0.0], [0.0, 1e200]]])
def test_every_mean_far_off_is_refused(means):
    with pytest.raises(InputError, match=r"cannot be evaluated at the start.*means_init"):
        fit_gmm(BLOB_X, 3, means_init=means)


def test_wide_notes_start_on_narrow_data_fits():
    # the notes' identity covariances are 1e+300 times the data's variance here
    run = fit_gmm(TEXTBOOK_X * 1e-150, 3, init="textbook-b", reg_covar=0.0, tol=0.0, max_iter=5)
    assert run.n_iter_ == 5
    assert_all_finite(run)
