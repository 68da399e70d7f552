"""EM for Gaussian mixtures: the textbook's numbers, scikit-learn parity, the bound, the starts.

References are independent of gmmviz: scikit-learn's GaussianMixture and kmeans_plusplus,
scipy.stats.multivariate_normal, numpy's covariance, and the values the textbook prints.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scipy.special import logsumexp
from scipy.stats import multivariate_normal
from sklearn.cluster import kmeans_plusplus
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

import gmmviz
from gmmviz import COVARIANCE_TYPES, GMM_INITS, NOTES_STARTS, InputError, fit_gmm

TEXTBOOK_X = gmmviz.datasets.textbook()[0]
BLOBS_X = gmmviz.datasets.blobs(n_samples=300, random_state=1)[0]


# --------------------------------------------------------------------------- references
def sk_precisions(covariances: np.ndarray, covariance_type: str) -> np.ndarray:
    """Inverse covariances in scikit-learn's shape for ``precisions_init``."""
    if covariance_type == "full":
        return np.linalg.inv(covariances)
    if covariance_type == "tied":
        return np.linalg.inv(covariances[0])
    if covariance_type == "diag":
        return 1.0 / np.diagonal(covariances, axis1=1, axis2=2)
    return 1.0 / covariances[:, 0, 0]


def sk_full_covariances(gm: GaussianMixture, k: int) -> np.ndarray:
    """scikit-learn's fitted covariances as (k, 2, 2) matrices."""
    c = gm.covariances_
    if gm.covariance_type == "full":
        return c
    if gm.covariance_type == "tied":
        return np.broadcast_to(c, (k, 2, 2))
    if gm.covariance_type == "diag":
        return np.stack([np.diag(v) for v in c])
    return c[:, None, None] * np.eye(2)


def sk_fit(X: np.ndarray, k: int, **kwargs: object) -> GaussianMixture:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return GaussianMixture(n_components=k, tol=0.0, **kwargs).fit(X)


def sk_from_step(X, step, covariance_type, reg_covar, max_iter) -> GaussianMixture:
    """scikit-learn started from a recorded step's parameters and run ``max_iter`` iterations."""
    return sk_fit(
        X, step.weights.shape[0], covariance_type=covariance_type, reg_covar=reg_covar,
        max_iter=max_iter, weights_init=step.weights, means_init=step.means,
        precisions_init=sk_precisions(step.covariances, covariance_type),
    )


def scipy_log_joint(X: np.ndarray, step: gmmviz.GMMStep) -> np.ndarray:
    """log pi_k + log N(x_n | mu_k, Sigma_k) by scipy, shape (N, K)."""
    return np.column_stack([
        np.log(w) + multivariate_normal(mean=m, cov=c).logpdf(X)
        for w, m, c in zip(step.weights, step.means, step.covariances, strict=True)
    ])


def max_abs_param_diff(step: gmmviz.GMMStep, gm: GaussianMixture) -> float:
    k = step.weights.shape[0]
    return max(
        np.abs(step.weights - gm.weights_).max(),
        np.abs(step.means - gm.means_).max(),
        np.abs(step.covariances - sk_full_covariances(gm, k)).max(),
    )


# --------------------------------------------------------------------------- the textbook
def test_textbook_first_nll():
    run = fit_gmm(TEXTBOOK_X, 3, init="textbook-b", covariance_type="full", reg_covar=0.0)
    assert round(run.nll[0], 2) == 426.22
    assert round(run.steps[0].nll, 2) == 426.22
    assert run.steps[0].kind == "init"


def test_textbook_run_is_monotone_and_finite():
    run = fit_gmm(TEXTBOOK_X, 3, init="textbook-b", reg_covar=0.0, tol=0.0, max_iter=20)
    assert run.stop_reason == "reached max_iter"
    assert np.all(np.diff(run.nll) <= 1e-9 * np.abs(run.nll[:-1]))
    assert run.nll[-1] < 426.22 - 100
    # the textbook's 20-iteration run: 426.22 at the start, 215.08 after 20 iterations
    assert (round(run.nll[0], 2), round(run.nll[20], 2)) == (426.22, 215.08)


def test_the_notes_start_b_begins_at_its_own_nll():
    # the notes' start B has the first example's weights 0.33, 0.33, 0.34, not the textbook
    # run's 0.3, 0.3, 0.4: its first NLL is 423.89, not 426.22
    run = fit_gmm(TEXTBOOK_X, 3, init="notes-b", reg_covar=0.0, tol=0.0, max_iter=20)
    assert round(run.nll[0], 2) == 423.89
    assert round(run.nll[-1], 2) == 215.08
    # the NLL of the start, written out: -sum_n log sum_k pi_k N(x_n | mu_k, I)
    weights, means = NOTES_STARTS["notes-b"]
    log_joint = np.column_stack([np.log(w) + multivariate_normal(mean=m, cov=np.eye(2))
                                 .logpdf(TEXTBOOK_X) for w, m in zip(weights, means, strict=True)])
    assert run.nll[0] == pytest.approx(-logsumexp(log_joint, axis=1).sum(), rel=1e-12)


# --------------------------------------------------------------------------- scikit-learn parity
STARTS = [
    pytest.param(TEXTBOOK_X, 3, "textbook-b", id="textbook-textbook-b"),
    pytest.param(BLOBS_X, 4, "k-means++", id="blobs-k-means++"),
    pytest.param(TEXTBOOK_X, 3, "random_resp", id="textbook-random_resp"),
]


@pytest.mark.parametrize("reg_covar", [0.0, 1e-6])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize(("X", "k", "init"), STARTS)
def test_every_m_step_equals_sklearn(X, k, init, covariance_type, reg_covar):
    t_max = 6
    run = fit_gmm(X, k, init=init, covariance_type=covariance_type, reg_covar=reg_covar,
                  tol=0.0, max_iter=t_max, random_state=3)
    assert run.n_iter_ == t_max, run.stop_reason
    start = run.steps[0]
    m_steps = [s for s in run.steps if s.kind == "M"]
    assert [s.iteration for s in m_steps] == list(range(1, t_max + 1))
    for step in m_steps:
        gm = sk_from_step(X, start, covariance_type, reg_covar, step.iteration)
        assert max_abs_param_diff(step, gm) < 1e-8, (step.iteration, step.kind)
    # gm is now scikit-learn after t_max iterations: likelihood and posterior agree too
    n = X.shape[0]
    assert gm.score(X) * n == pytest.approx(-run.final.nll, rel=1e-9)
    assert gm.score(X) * n == pytest.approx(-run.nll[-1], rel=1e-9)
    np.testing.assert_allclose(run.resp_, gm.predict_proba(X), rtol=0, atol=1e-8)
    np.testing.assert_array_equal(run.labels_, run.resp_.argmax(axis=1))


@pytest.mark.parametrize("max_iter", [1, 5])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize(("init", "init_params"), [("kmeans", "kmeans"),
                                                   ("random_resp", "random")])
def test_random_inits_reproduce_sklearn(init, init_params, covariance_type, max_iter):
    X = gmmviz.datasets.blobs(n_samples=250, random_state=2)[0]
    for seed in (0, 7):
        run = fit_gmm(X, 4, init=init, covariance_type=covariance_type, reg_covar=1e-6,
                      tol=0.0, max_iter=max_iter, random_state=seed)
        gm = sk_fit(X, 4, covariance_type=covariance_type, reg_covar=1e-6, max_iter=max_iter,
                    init_params=init_params, random_state=seed)
        assert max_abs_param_diff(run.final, gm) < 1e-8
        np.testing.assert_allclose(run.resp_, gm.predict_proba(X), rtol=0, atol=1e-8)


# --------------------------------------------------------------------------- NLL never rises
@st.composite
def blob_data(draw) -> np.ndarray:
    """3 to 5 Gaussian blobs with random means and covariances, 20 to 300 points."""
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(20, 300))
    n_blobs = draw(st.integers(3, 5))
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-6.0, 6.0, size=(n_blobs, 2))
    A = rng.normal(scale=rng.uniform(0.2, 1.5, size=(n_blobs, 1, 1)), size=(n_blobs, 2, 2))
    which = rng.integers(0, n_blobs, size=n)
    z = rng.standard_normal((n, 2))
    return centres[which] + np.einsum("nij,nj->ni", A[which], z)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    X=blob_data(),
    k=st.integers(1, 5),
    init=st.sampled_from(GMM_INITS),
    covariance_type=st.sampled_from(COVARIANCE_TYPES),
    seed=st.integers(0, 1000),
)
def test_em_never_increases_nll(X, k, init, covariance_type, seed):
    if init in NOTES_STARTS:
        k = 3
    try:
        run = fit_gmm(X, k, init=init, covariance_type=covariance_type, reg_covar=0.0,
                      tol=0.0, max_iter=30, random_state=seed)
    except InputError as exc:
        # a start that puts a component on one point is refused, saying what to change
        assert "reg_covar" in str(exc)
        event("start refused")
        return
    event("collapsed" if run.n_iter_ < 30 else "ran max_iter")
    nll = run.nll
    assert np.all(np.isfinite(nll))
    assert np.all(nll[1:] <= nll[:-1] + 1e-9 * np.abs(nll[:-1])), (nll, run.stop_reason)
    if run.n_iter_ < 30:
        assert re.fullmatch(r"component \d+ collapsed onto (a single point|a line) "
                            r"at iteration \d+", run.stop_reason)


def test_fixed_covariance_em_never_increases_nll():
    run = fit_gmm(BLOBS_X, 4, init="k-means++", fixed_covariance=0.5, tol=0.0, max_iter=30,
                  random_state=0)
    assert np.all(np.diff(run.nll) <= 1e-9 * np.abs(run.nll[:-1]))
    for step in run.steps:
        np.testing.assert_array_equal(step.covariances, np.broadcast_to(0.5 * np.eye(2),
                                                                        (4, 2, 2)))


# --------------------------------------------------------------------------- the bound
BOUND_CASES = [
    pytest.param(TEXTBOOK_X, 3, init, ct, id=f"{init}-{ct}")
    for init in GMM_INITS for ct in COVARIANCE_TYPES
    if init in ("kmeans", "random_resp", "random", "textbook-b") or ct == "full"
]


@pytest.mark.parametrize(("X", "k", "init", "covariance_type"), BOUND_CASES)
def test_bound_identities_and_scipy(X, k, init, covariance_type):
    run = fit_gmm(X, k, init=init, covariance_type=covariance_type, reg_covar=0.0, tol=0.0,
                  max_iter=8, random_state=5)
    assert len(run.steps) == 1 + 2 * run.n_iter_
    for step in run.steps:
        numbers = [step.nll, step.elbo, step.kl]
        assert np.all(np.isfinite(numbers))
        assert -step.nll == pytest.approx(step.elbo + step.kl, rel=1e-9)
        assert step.kl >= 0.0
        if step.kind == "E":
            assert step.kl == 0.0
        log_joint = scipy_log_joint(X, step)
        assert step.nll == pytest.approx(-logsumexp(log_joint, axis=1).sum(), rel=1e-9)
        q = step.resp
        if q is None:
            assert step.kind == "init"
            assert step.kl == 0.0
            continue
        assert q.shape == (X.shape[0], k)
        assert np.all(q >= 0)
        np.testing.assert_allclose(q.sum(axis=1), 1.0, rtol=0, atol=1e-12)
        safe_q = np.where(q > 0, q, 1.0)
        elbo = float(np.sum(np.where(q > 0, q * (log_joint - np.log(safe_q)), 0.0)))
        assert step.elbo == pytest.approx(elbo, rel=1e-8)


def test_m_step_bound_is_loose_and_e_step_tight():
    run = fit_gmm(TEXTBOOK_X, 3, init="textbook-b", reg_covar=0.0, tol=0.0, max_iter=5)
    for prev, step in zip(run.steps, run.steps[1:], strict=False):
        if step.kind == "E":
            # the E-step leaves theta alone and makes the bound tight
            np.testing.assert_array_equal(step.means, prev.means)
            assert step.nll == prev.nll
            assert step.elbo >= prev.elbo
        else:
            # the M-step raises the bound, and the likelihood at least as much
            np.testing.assert_allclose(step.resp, prev.resp, rtol=0, atol=0)
            assert step.elbo >= prev.elbo
            assert step.kl > 0.0


def scipy_posterior(X: np.ndarray, step: gmmviz.GMMStep) -> np.ndarray:
    log_joint = scipy_log_joint(X, step)
    return np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))


def test_resp_is_the_posterior_of_the_previous_parameters():
    run = fit_gmm(BLOBS_X, 4, init="k-means++", reg_covar=0.0, tol=0.0, max_iter=3,
                  random_state=0)
    for prev, step in zip(run.steps, run.steps[1:], strict=False):
        # an E-step's resp is the posterior at its own (unchanged) parameters; an M-step keeps
        # the resp it used, the posterior at the parameters before it
        source = step if step.kind == "E" else prev
        np.testing.assert_allclose(step.resp, scipy_posterior(BLOBS_X, source), rtol=0,
                                   atol=1e-10)
        np.testing.assert_allclose(gmmviz.predict_proba(BLOBS_X, step),
                                   scipy_posterior(BLOBS_X, step), rtol=0, atol=1e-10)


def test_mixture_density_and_component_log_prob_match_scipy():
    run = fit_gmm(TEXTBOOK_X, 3, init="textbook-b", reg_covar=0.0, tol=0.0, max_iter=4)
    grid = np.array([[0.0, 0.0], [3.0, -1.0], [-2.5, 2.0], [10.0, 10.0]])
    step = run.final
    np.testing.assert_allclose(
        gmmviz.component_log_prob(grid, step.weights, step.means, step.covariances),
        scipy_log_joint(grid, step), rtol=1e-10)
    np.testing.assert_allclose(gmmviz.mixture_density(grid, step),
                               np.exp(scipy_log_joint(grid, step)).sum(axis=1), rtol=1e-10)


# --------------------------------------------------------------------------- iterations
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_tol_zero_runs_exactly_max_iter(covariance_type):
    run = fit_gmm(BLOBS_X, 3, covariance_type=covariance_type, tol=0.0, max_iter=17,
                  random_state=0)
    assert len(run.steps) == 1 + 2 * 17
    assert run.n_iter_ == 17
    assert run.nll.shape == (18,)
    assert not run.converged_
    assert run.stop_reason == "reached max_iter"
    assert [s.kind for s in run.steps] == ["init"] + ["E", "M"] * 17
    assert [s.iteration for s in run.steps] == [0] + [t for t in range(1, 18) for _ in "EM"]
    assert run.steps[0].label == "Start"
    assert run.steps[3].label.startswith("Iteration 2 · E-step")
    assert run.steps[4].label.startswith("Iteration 2 · M-step")


def test_tol_stops_with_convergence():
    tol = 1e-3
    run = fit_gmm(BLOBS_X, 3, tol=tol, max_iter=500, random_state=0)
    assert run.converged_
    assert run.stop_reason == "converged: NLL change below tol"
    assert run.n_iter_ < 500
    n = BLOBS_X.shape[0]
    assert abs(run.nll[-1] - run.nll[-2]) / n < tol
    assert np.all(np.abs(np.diff(run.nll[:-1])) / n >= tol)


def test_max_iter_zero_records_only_the_start():
    run = fit_gmm(TEXTBOOK_X, 3, init="textbook-b", max_iter=0)
    assert len(run.steps) == 1 and run.n_iter_ == 0
    assert run.resp_.shape == (100, 3)


# --------------------------------------------------------------------------- starts
@pytest.mark.parametrize("name", sorted(NOTES_STARTS))
def test_notes_starts_are_exact(name):
    weights, means = NOTES_STARTS[name]
    for X in (TEXTBOOK_X, BLOBS_X * 3.7 + 11.0):
        step = fit_gmm(X, 3, init=name, max_iter=0).steps[0]
        np.testing.assert_array_equal(step.weights, weights)
        np.testing.assert_array_equal(step.means, means)
        np.testing.assert_array_equal(step.covariances, np.broadcast_to(np.eye(2), (3, 2, 2)))
        assert step.resp is None


def test_notes_values():
    np.testing.assert_array_equal(NOTES_STARTS["textbook-b"][0], [0.3, 0.3, 0.4])
    np.testing.assert_array_equal(NOTES_STARTS["textbook-b"][1], [[2, 2], [-2, 0], [2, -2]])
    np.testing.assert_array_equal(NOTES_STARTS["textbook-a"][1], [[-2, 1], [-2, 0], [-2, -1]])
    np.testing.assert_array_equal(NOTES_STARTS["notes-a"][1], [[-2, -1], [-2, 0], [-2, 1]])
    # the notes print start A as pi = [0.33, 0.33, 0.34], mu = [[-2 -1] [-2 0] [-2 1]], and
    # start B as the centres [[2, 2], [-2, 0], [2, -2]] with the first example's pi
    np.testing.assert_array_equal(NOTES_STARTS["notes-a"][0], [0.33, 0.33, 0.34])
    np.testing.assert_array_equal(NOTES_STARTS["notes-b"][0], [0.33, 0.33, 0.34])
    np.testing.assert_array_equal(NOTES_STARTS["notes-b"][1], [[2, 2], [-2, 0], [2, -2]])
    np.testing.assert_array_equal(NOTES_STARTS["textbook-a"][0], [0.33, 0.33, 0.34])
    assert sorted(NOTES_STARTS) == ["notes-a", "notes-b", "textbook-a", "textbook-b"]


def test_notes_a2_is_the_former_name_of_notes_a():
    a2 = fit_gmm(TEXTBOOK_X, 3, init="notes-a2", max_iter=3, tol=0.0)
    a = fit_gmm(TEXTBOOK_X, 3, init="notes-a", max_iter=3, tol=0.0)
    np.testing.assert_array_equal(a2.nll, a.nll)
    np.testing.assert_array_equal(a2.steps[0].means, NOTES_STARTS["notes-a"][1])


@pytest.mark.parametrize(("init", "k", "expected"), [
    ("notes-a", 3, ("notes-a", "notes A", False)),
    ("notes-a2", 3, ("notes-a", "notes A", False)),
    ("textbook-b", 3, ("textbook-b", "textbook B", False)),
    ("notes-a2", 4, ("kmeans", "k-means (notes A is for k = 3 only)", True)),
    ("textbook-a", 2, ("kmeans", "k-means (textbook A is for k = 3 only)", True)),
    ("k-means++", 4, ("kmeans-pp", "k-means++", False)),
    ("random_resp", 3, ("random-resp", "random responsibilities", False)),
    ("manual", 5, ("manual", "manual", False)),
])
def test_start_used_names_the_start_a_fit_really_uses(init, k, expected):
    used = gmmviz.starts.start_used(init, k)
    assert tuple(used) == expected
    if used.init != "manual":  # the fallback is a start fit_gmm takes with that k
        fit_gmm(TEXTBOOK_X, k, init=used.init, max_iter=1, random_state=0)


def test_start_values_give_each_fixed_start_as_printed():
    values = gmmviz.starts.start_values
    assert values("notes-a") == "μ (-2, -1), (-2, 0), (-2, 1); π 0.33, 0.33, 0.34; Σ = I"
    assert values("notes-a2") == values("notes-a")
    assert values("notes-b") == "μ (2, 2), (-2, 0), (2, -2); π 0.33, 0.33, 0.34; Σ = I"
    assert values("textbook-a") == "μ (-2, 1), (-2, 0), (-2, -1); π 0.33, 0.33, 0.34; Σ = I"
    assert values("textbook-b") == "μ (2, 2), (-2, 0), (2, -2); π 0.3, 0.3, 0.4; Σ = I"
    assert values("kmeans") is None and values("manual") is None


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_start(seed):
    X = np.vstack([BLOBS_X[:40], BLOBS_X[:40]])  # duplicates: picks must still be distinct
    k = 5
    for reg in (0.0, 1e-3):
        step = fit_gmm(X, k, init="random", reg_covar=reg, max_iter=0,
                       random_state=seed).steps[0]
        rows = {tuple(x) for x in X}
        assert all(tuple(m) in rows for m in step.means)
        assert len({tuple(m) for m in step.means}) == k
        np.testing.assert_array_equal(step.weights, np.full(k, 1 / k))
        data_cov = np.cov(X.T, bias=True) + reg * np.eye(2)
        np.testing.assert_allclose(step.covariances, np.broadcast_to(data_cov, (k, 2, 2)),
                                   rtol=1e-12, atol=1e-14)


def test_random_start_differs_by_seed_and_repeats_by_seed():
    a = fit_gmm(BLOBS_X, 4, init="random", max_iter=0, random_state=1).steps[0].means
    b = fit_gmm(BLOBS_X, 4, init="random", max_iter=0, random_state=1).steps[0].means
    c = fit_gmm(BLOBS_X, 4, init="random", max_iter=0, random_state=2).steps[0].means
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_data_covariance_start_per_type(covariance_type):
    step = fit_gmm(BLOBS_X, 3, init="random", covariance_type=covariance_type, reg_covar=0.0,
                   max_iter=0, random_state=0).steps[0]
    c = np.cov(BLOBS_X.T, bias=True)
    expected = {"full": c, "tied": c, "diag": np.diag(np.diag(c)),
                "spherical": np.trace(c) / 2 * np.eye(2)}[covariance_type]
    np.testing.assert_allclose(step.covariances, np.broadcast_to(expected, (3, 2, 2)),
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("seed", [0, 4, 11])
def test_kmeans_plusplus_start_equals_sklearn(seed):
    step = fit_gmm(BLOBS_X, 4, init="k-means++", max_iter=0, random_state=seed).steps[0]
    centers, _ = kmeans_plusplus(BLOBS_X, 4, random_state=seed)
    np.testing.assert_array_equal(step.means, centers)
    np.testing.assert_array_equal(step.weights, np.full(4, 0.25))


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_identical_start_stays_identical(covariance_type):
    for X, k in ((TEXTBOOK_X, 3), (BLOBS_X, 5)):
        run = fit_gmm(X, k, init="identical", covariance_type=covariance_type, reg_covar=0.0,
                      tol=0.0, max_iter=10)
        assert run.n_iter_ == 10
        for step in run.steps:
            assert np.all(step.weights == step.weights[0])
            assert np.all(step.means == step.means[0])
            assert np.all(step.covariances == step.covariances[0])
            if step.resp is not None:
                assert np.all(step.resp == step.resp[:, :1])
        np.testing.assert_allclose(run.means_[0], X.mean(axis=0), rtol=0, atol=1e-12)


def test_explicit_values_override_init():
    w = np.array([0.2, 0.5, 0.3])
    m = np.array([[0.1, 0.2], [1.0, -1.0], [-1.5, 0.5]])
    c = np.array([[[1.0, 0.3], [0.3, 0.5]], [[2.0, 0.0], [0.0, 2.0]], [[0.4, -0.1], [-0.1, 0.4]]])
    for init in GMM_INITS:
        step = fit_gmm(TEXTBOOK_X, 3, init=init, weights_init=w, means_init=m,
                       covariances_init=c, max_iter=0, random_state=0).steps[0]
        np.testing.assert_array_equal(step.weights, w)
        np.testing.assert_array_equal(step.means, m)
        np.testing.assert_allclose(step.covariances, c, rtol=1e-15)
    # a single (2, 2) matrix serves every component
    step = fit_gmm(TEXTBOOK_X, 3, covariances_init=c[0], max_iter=0, random_state=0).steps[0]
    np.testing.assert_allclose(step.covariances, np.broadcast_to(c[0], (3, 2, 2)), rtol=1e-15)


@pytest.mark.parametrize("init", ["kmeans", "random_resp", "random", "k-means++"])
def test_fully_explicit_start_ignores_init(init):
    # with pi, mu and Sigma all given there is nothing left for init to compute (scikit-learn
    # skips its initialisation too), so the start has no responsibilities of its own
    w = np.array([0.2, 0.5, 0.3])
    m = np.array([[0.1, 0.2], [1.0, -1.0], [-1.5, 0.5]])
    c = np.eye(2) * 0.7
    run = fit_gmm(TEXTBOOK_X, 3, init=init, weights_init=w, means_init=m, covariances_init=c,
                  tol=0.0, max_iter=3, random_state=0)
    same = fit_gmm(TEXTBOOK_X, 3, init="identical", weights_init=w, means_init=m,
                   covariances_init=c, tol=0.0, max_iter=3)
    assert run.steps[0].resp is None and run.steps[0].kl == 0.0
    np.testing.assert_array_equal(run.nll, same.nll)
    np.testing.assert_array_equal(run.means_, same.means_)


def test_random_state_reproduces_runs():
    a = fit_gmm(BLOBS_X, 4, init="kmeans", random_state=9, max_iter=5, tol=0.0)
    b = fit_gmm(BLOBS_X, 4, init="kmeans", random_state=9, max_iter=5, tol=0.0)
    np.testing.assert_array_equal(a.nll, b.nll)
    np.testing.assert_array_equal(a.means_, b.means_)


# --------------------------------------------------------------------------- input errors
@pytest.mark.parametrize(
    ("X", "keyword"),
    [
        (np.zeros((10, 1)), "two columns"),
        (np.zeros((10, 3)), "two columns"),
        (np.zeros((10, 2, 2)), "two columns"),
        (np.zeros((0, 2)), "empty"),
        (np.array([]), "two columns"),
        (np.array([[0.0, 1.0], [np.nan, 2.0], [3.0, 1.0]]), "missing"),
        (np.array([[0.0, 1.0], [np.inf, 2.0], [3.0, 1.0]]), "infinite"),
        ([["a", "b"], ["c", "d"]], "numbers"),
    ],
)
def test_bad_data_is_input_error(X, keyword):
    with pytest.raises(InputError, match=keyword):
        fit_gmm(X, 1)


@pytest.mark.parametrize(
    ("kwargs", "keyword"),
    [
        ({"n_components": 101}, "distinct"),
        ({"n_components": 0}, "k must be"),
        ({"n_components": 2.5}, "whole number"),
        ({"n_components": 3, "covariances_init": [[1.0, 2.0], [2.0, 1.0]]}, "positive definite"),
        ({"n_components": 2, "covariances_init": [[[1.0, 0], [0, 1.0]], [[-1.0, 0], [0, 1.0]]]},
         "positive definite"),
        ({"n_components": 2, "covariances_init": [[[1.0, 0.5], [0.2, 1.0]]] * 2}, "symmetric"),
        ({"n_components": 3, "covariances_init": np.eye(3)}, "shape"),
        ({"n_components": 3, "weights_init": [0.5, 0.3, 0.3]}, "sum to 1"),
        ({"n_components": 3, "weights_init": [0.5, 0.5]}, "shape"),
        ({"n_components": 2, "weights_init": [1.2, -0.2]}, "negative"),
        ({"n_components": 3, "means_init": [[0.0, 0.0], [1.0, 1.0]]}, "shape"),
        ({"n_components": 3, "means_init": np.zeros((3, 3))}, "shape"),
        ({"n_components": 2, "means_init": [[0.0, np.nan], [1.0, 1.0]]}, "finite"),
        ({"n_components": 2, "init": "textbook-b"}, "k = 3"),
        ({"n_components": 4, "init": "textbook-a"}, "k = 3"),
        ({"n_components": 4, "init": "notes-a2"}, "k = 3"),
        ({"n_components": 2, "init": "notes-b"}, "k = 3"),
        ({"n_components": 3, "init": "kmeans++"}, "Unknown init"),
        ({"n_components": 3, "covariance_type": "round"}, "covariance type"),
        ({"n_components": 3, "tol": -1e-3}, "tol"),
        ({"n_components": 3, "reg_covar": -1e-6}, "reg_covar"),
        ({"n_components": 3, "reg_covar": float("nan")}, "reg_covar"),
        ({"n_components": 3, "max_iter": -1}, "max_iter"),
        ({"n_components": 3, "fixed_covariance": 0.0}, "above 0"),
        ({"n_components": 3, "random_state": -5}, "random_state must be from 0 to 4294967295"),
        ({"n_components": 3, "random_state": 2**32}, "random_state must be from 0"),
        ({"n_components": 3, "random_state": 2**64}, "random_state must be from 0"),
        ({"n_components": 3, "random_state": "x"}, "random_state must be a whole number"),
        ({"n_components": 3, "random_state": 1.5}, "random_state must be a whole number"),
        ({"n_components": 3, "random_state": True}, "random_state must be a whole number"),
    ],
)
def test_bad_settings_are_input_errors(kwargs, keyword):
    with pytest.raises(InputError, match=re.escape(keyword)):
        fit_gmm(TEXTBOOK_X, **kwargs)


def test_too_many_components_names_the_count():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0], [1.0, 1.0]])
    with pytest.raises(InputError, match=r"2 distinct point"):
        fit_gmm(X, 3)
    assert fit_gmm(X, 2, reg_covar=1e-6).n_iter_ >= 1


def test_bayes_terms_match_scipy_densities():
    from scipy.stats import multivariate_normal

    X, _ = gmmviz.datasets.textbook()
    run = gmmviz.fit_gmm(X, 3, init="textbook-b", reg_covar=0.0, max_iter=5, tol=0.0)
    step = run.final
    for n in (0, 17, 99):
        log_num, log_den, gamma = gmmviz.bayes_terms(X[n], step)
        dens = np.array([
            w * multivariate_normal(m, c).pdf(X[n])
            for w, m, c in zip(step.weights, step.means, step.covariances, strict=True)
        ])
        np.testing.assert_allclose(np.exp(log_num), dens, rtol=1e-10)
        np.testing.assert_allclose(np.exp(log_den), dens.sum(), rtol=1e-10)
        np.testing.assert_allclose(gamma, dens / dens.sum(), rtol=1e-10)
        np.testing.assert_allclose(gamma, run.resp_[n], rtol=1e-9)


# --------------------------------------------------------------------------- settings
def test_settings_are_checked_once_and_frozen():
    import dataclasses

    settings = gmmviz.EMSettings(3, "diag", max_iter=5.0, tol=0, reg_covar=1, learn_weights=0)
    assert (settings.max_iter, settings.tol, settings.reg_covar) == (5, 0.0, 1.0)
    assert type(settings.max_iter) is int and settings.learn_weights is False
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.max_iter = 7
    for kwargs, keyword in [({"covariance_type": "round"}, "Unknown covariance type 'round'"),
                            ({"max_iter": 100_001}, "max_iter must be between 0 and 100000"),
                            ({"tol": -1}, "tol must be"), ({"reg_covar": "x"}, "reg_covar"),
                            ({"fixed_covariance": -1.0}, "eps")]:
        with pytest.raises(InputError, match=re.escape(keyword)):
            gmmviz.EMSettings(3, **kwargs)
    run = fit_gmm(TEXTBOOK_X, 3, covariance_type="diag", max_iter=5.0, tol=0, reg_covar=1,
                  init="textbook-b")
    assert run.settings == dataclasses.replace(settings, learn_weights=True)


@pytest.mark.parametrize("init", ["random-resp", "kmeans-pp"])
def test_url_spellings_are_the_same_starts(init):
    other = {"random-resp": "random_resp", "kmeans-pp": "k-means++"}[init]
    a = fit_gmm(BLOBS_X, 3, init=init, max_iter=3, tol=0.0, random_state=4)
    b = fit_gmm(BLOBS_X, 3, init=other, max_iter=3, tol=0.0, random_state=4)
    np.testing.assert_array_equal(a.nll, b.nll)
    np.testing.assert_array_equal(a.means_, b.means_)



def test_a_fixed_covariance_below_the_data_precision_is_refused():
    # Points 1 apart beside one at -1e15: eps = 0.5 is 1e-30 of the variance, far below what
    # the quadratic features resolve; the NLL of the means-only step rose by 4 before.
    X = np.array([[-1e15, -1e15], [2.0, 1.0], [1.0, 0.0]])
    with pytest.raises(InputError, match="eps = 0.5 is too small"):
        fit_gmm(X, 2, init="kmeans-pp", fixed_covariance=0.5, learn_weights=False, max_iter=1,
                random_state=0)
    run = fit_gmm(X, 2, init="kmeans-pp", fixed_covariance=1e21, learn_weights=False,
                  max_iter=3, tol=0.0, random_state=0)
    assert np.all(np.diff(run.nll) <= 1e-9 * np.abs(run.nll[:-1]))


def test_progress_counts_iterations_up_to_max_iter():
    seen: list[tuple[int, int]] = []
    run = fit_gmm(TEXTBOOK_X, 3, init="textbook-b", max_iter=40,
                  progress=lambda d, t: seen.append((d, t)))
    plain = fit_gmm(TEXTBOOK_X, 3, init="textbook-b", max_iter=40)
    assert [s.nll for s in run.steps] == [s.nll for s in plain.steps]
    done = [d for d, _ in seen]
    assert all(t == 40 for _, t in seen) and done == sorted(done)
    # one report at the start and one per iteration; the last counts the iterations not needed
    assert len(seen) == run.n_iter_ + 1 and done[-1] == 40 and done[-2] == run.n_iter_ - 1
