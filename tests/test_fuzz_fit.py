"""Generated calls of fit_gmm and fit_kmeans: every one fits or raises InputError, nothing else.

Data of every magnitude from 1e-300 to 1e+300, with offsets, lone outliers, duplicates and few
points; every covariance type and start, explicit starting values near and far, and odd
random_state values. The promise checked on every fit: finite NLL, ELBO and KL at every step,
responsibilities that sum to 1, and an NLL (a K-means distortion) that never rises.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import gmmviz
from gmmviz import COVARIANCE_TYPES, InputError, fit_gmm, fit_kmeans
from gmmviz.starts import GMM_START_LABELS, KMEANS_INITS, NOTES_STARTS, url_init
from tests.test_numerics import assert_all_finite


def evenly(*choices: object) -> st.SearchStrategy:
    """One of ``choices``, each as often (hypothesis alone favours the ends of a list)."""
    return st.integers(0, 2**32 - 1).map(
        lambda i: choices[np.random.default_rng(i).integers(len(choices))])


GMM_STARTS = sorted(set(GMM_START_LABELS) - {"manual"}) + ["random_resp", "k-means++",
                                                            "notes-a2"]
VALID_SEEDS = [None, 0, 7, 2**32 - 1, np.int64(3), 2.0, np.random.RandomState(1)]
ODD_SEEDS = [-5, 2**32, 2**64, "x", 1.5, True, float("nan")]
SEEDS = evenly(*VALID_SEEDS * 3, *ODD_SEEDS)  # three valid seeds for every odd one



# any exponent a third of the time, one inside the range that fits otherwise
EXPONENTS = st.one_of(st.integers(-300, 300), st.integers(-150, 150), st.integers(-150, 150))
FUZZ = settings(max_examples=1000, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
# about a quarter of the generated EM calls are valid: twice as many to fit some 500
FUZZ_EM = settings(FUZZ, max_examples=2000)


@st.composite
def points(draw) -> np.ndarray:
    """3 to 40 points: Gaussian blobs or a coarse grid, at any magnitude and offset."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(3, 40))
    if draw(st.booleans()):
        X = rng.standard_normal((n, 2)) + rng.integers(-3, 4, size=(n, 1)) * 4.0
    else:
        X = rng.integers(0, 4, size=(n, 2)).astype(float)  # duplicates and lines
    X = X * 10.0 ** draw(EXPONENTS)
    if draw(st.booleans()):
        X = X + 10.0 ** draw(EXPONENTS) * draw(st.sampled_from([-1.0, 1.0]))
    if draw(st.integers(0, 3)) == 0:  # one lone outlier
        X[draw(st.integers(0, n - 1))] = 10.0 ** draw(st.integers(0, 300)) * rng.choice([-1, 1], 2)
    return X


def rows_near(draw, X: np.ndarray, k: int) -> np.ndarray:
    """k rows of (x, y): data points moved by anything from 1e-300 to 1e+300, either way."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    size = 10.0 ** np.array([[draw(EXPONENTS)] for _ in range(k)])
    return X[rng.integers(0, X.shape[0], size=k)] + rng.standard_normal((k, 2)) * size


def assert_gmm_promise(run: gmmviz.GMMRun, monotone: bool) -> None:
    """Finite numbers at every step, posteriors that sum to 1, and (if ``monotone``) an NLL
    that never rises."""
    assert_all_finite(run)
    resp = run.resp_
    assert np.all(np.isfinite(resp))
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    nll = run.nll
    if monotone:
        rise = np.diff(nll)
        assert np.all(rise <= 1e-7 * (np.abs(nll[:-1]) + run.n_samples)), (nll, run.stop_reason)


@FUZZ_EM
@given(
    X=points(),
    k=st.integers(1, 4),
    covariance_type=st.sampled_from(COVARIANCE_TYPES),
    init=st.sampled_from(GMM_STARTS),
    reg_covar=evenly(0.0, 0.0, 1e-6, 1e-6, 1e-3, 1e-300, 1e300),
    random_state=SEEDS,
    explicit=evenly("none", "none", "means", "all"),
    fixed=evenly(None, None, None, None, None, 0.5, 1e-300, 1e300),
    learn_weights=st.booleans(),
    max_iter=st.integers(0, 12),
    data=st.data(),
)
def test_fit_gmm_fits_or_says_why(X, k, covariance_type, init, reg_covar, random_state,
                                  explicit, fixed, learn_weights, max_iter, data):
    if url_init(init) in NOTES_STARTS:
        k = 3
    kwargs = {}
    if explicit != "none":
        kwargs["means_init"] = rows_near(data.draw, X, k)
    if explicit == "all":
        kwargs["weights_init"] = np.full(k, 1.0 / k)
        kwargs["covariances_init"] = np.eye(2) * 10.0 ** data.draw(EXPONENTS)
    try:
        run = fit_gmm(X, k, covariance_type=covariance_type, init=init, reg_covar=reg_covar,
                      random_state=random_state, fixed_covariance=fixed,
                      learn_weights=learn_weights, max_iter=max_iter, tol=0.0, **kwargs)
    except InputError as exc:
        assert str(exc).endswith("."), exc  # a sentence
        event(f"InputError: {str(exc)[:40]}")
        return
    event(run.stop_kind.value)
    # EM raises the likelihood; with reg_covar > 0 the M-step maximises a different function
    assert_gmm_promise(run, monotone=reg_covar == 0 or fixed is not None)


@FUZZ
@given(
    X=points(),
    k=st.integers(1, 4),
    init=st.sampled_from(KMEANS_INITS),
    random_state=SEEDS,
    given_centers=st.booleans(),
    max_iter=st.integers(0, 12),
    data=st.data(),
)
def test_fit_kmeans_fits_or_says_why(X, k, init, random_state, given_centers, max_iter, data):
    if init == "notes":
        k = 3
    centers = rows_near(data.draw, X, k) if given_centers else None
    try:
        run = fit_kmeans(X, k, init=init, centers_init=centers, random_state=random_state,
                         max_iter=max_iter)
    except InputError as exc:
        assert str(exc).endswith("."), exc
        event(f"InputError: {str(exc)[:40]}")
        return
    event("fitted")
    distortion = np.array([s.distortion for s in run.steps])
    assert np.all(np.isfinite(distortion))
    assert np.all(np.isfinite(run.centers_))
    assert run.labels_.min() >= 0 and run.labels_.max() < k
    # every assign and every update step lowers J or keeps it (the init step has all in one),
    # up to where a mean can be put: on the float grid, within eps * |x| of the exact mean
    after_start = distortion[1:]
    grid = X.shape[0] * (4 * np.finfo(float).eps * np.max(np.abs(X))) ** 2
    assert np.all(np.diff(after_start) <= 1e-9 * after_start[:-1] + grid), distortion
