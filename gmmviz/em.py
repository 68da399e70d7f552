"""Expectation-maximisation for bivariate Gaussian mixtures, recorded half-step by half-step.

The maths lives in small functions (:func:`e_step`, :func:`m_step`); one loop, :func:`run_em`,
owns the order for a batch of starts at once. :func:`fit_gmm` runs a batch of one and records
every half-step as plain data for the figures; :func:`gmmviz.fit_restarts` runs many starts and
keeps their final states.

Internally the data are centred and scaled by a power of two (see :mod:`gmmviz._scaling`), so that
every magnitude whose variance double precision can hold behaves alike (a standard deviation from
about 1e-152, no point more than about 1e+153 from the mean; beyond that an InputError says how to
rescale); every number a run reports is in the original units.

This module holds the algorithm; its parts live beside it and are imported from here too:
the checked settings and the scaled data (:mod:`gmmviz._em_settings`), why runs stop and where
(:mod:`gmmviz._em_stops`), the recorded runs (:mod:`gmmviz._em_run`) and Bayes' rule at
arbitrary points (:mod:`gmmviz._em_posterior`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np
from threadpoolctl import ThreadpoolController

from gmmviz import _gauss2d as g2
from gmmviz import _validate as v
from gmmviz._em_posterior import bayes_terms, component_log_prob, mixture_density, predict_proba
from gmmviz._em_run import GMMRun, GMMStep, kl_divergence
from gmmviz._em_settings import EMSettings, ScaledData
from gmmviz._em_stops import (
    SINGULAR_EIGENVALUE,
    EMOutcome,
    StopKind,
    _first_collapse,
    _refusal,
    collapsed_components,
)
from gmmviz._errors import InputError

__all__ = [
    "COVARIANCE_TYPES", "SINGULAR_EIGENVALUE", "EMOutcome", "EMSettings", "EMState", "GMMRun",
    "GMMStep", "ScaledData", "StopKind", "Theta", "bayes_terms", "collapsed_components",
    "component_log_prob", "e_step", "em_context", "fit_gmm", "identical_components",
    "kl_divergence", "m_step", "mixture_density", "predict_proba", "run_em",
]

COVARIANCE_TYPES = ("full", "diag", "spherical", "tied")
_NK_EPS = 10 * np.finfo(float).eps  # added to N_k as scikit-learn does

Theta = tuple[np.ndarray, np.ndarray, np.ndarray]  # weights, means, packed covariances


# --------------------------------------------------------------------------- identical components
def identical_components(weights: np.ndarray, means: np.ndarray,
                         packed: np.ndarray) -> np.ndarray | None:
    """Which components are exact copies of an earlier one, or None when all differ.

    Returns
    -------
    same : ndarray of int of shape (..., n_components) or None
        ``same[..., k]`` is the first component with the same weight, mean and covariance as
        component k (k itself when none before it has).
    """
    params = np.concatenate([weights[..., None], means, packed], axis=-1)  # (..., K, 6)
    k = params.shape[-2]
    equal = np.all(params[..., :, None, :] == params[..., None, :, :], axis=-1)
    equal |= np.eye(k, dtype=bool)
    same = equal.argmax(axis=-1)
    return None if np.array_equal(same, np.broadcast_to(np.arange(k), same.shape)) else same


def _on_distinct(fn: Callable, same: np.ndarray | None, *arrays: np.ndarray):
    """``fn`` over the distinct components only; each copy gets its original's result bit for bit.

    Every array has shape ``same.shape + rest`` (components on the last axis of ``same``); ``fn``
    takes them flattened to (n_distinct,) + rest and returns arrays (or a tuple of arrays) with
    n_distinct leading rows, which come back with the batch and component axes.
    """
    if same is None:
        return fn(*arrays)
    k = same.shape[-1]
    flat_same = (same + k * np.arange(same.size // k).reshape(same.shape[:-1] + (1,))).ravel()
    first = flat_same == np.arange(flat_same.size)
    position = (np.cumsum(first) - 1)[flat_same]  # row of each component's original in fn's input
    out = fn(*(a.reshape((-1,) + a.shape[same.ndim:])[first] for a in arrays))

    def expand(y: np.ndarray) -> np.ndarray:
        return y[position].reshape(same.shape + y.shape[1:])

    return tuple(expand(y) for y in out) if isinstance(out, tuple) else expand(out)

# --------------------------------------------------------------------------- E and M steps
def e_step(
    X: np.ndarray, F: np.ndarray, weights: np.ndarray, means: np.ndarray, packed: np.ndarray,
    same: np.ndarray | None = None, keep_wlp: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """E-step: gamma_nk = pi_k N(x_n|mu_k,Sigma_k) / sum_j pi_j N(x_n|mu_j,Sigma_j) (Bayes' rule).

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    F : ndarray of shape (n_samples, 6)
        ``quad_features(X)``.
    weights : ndarray of shape (..., n_components)
    means : ndarray of shape (..., n_components, 2)
    packed : ndarray of shape (..., n_components, 3)
    same : ndarray of int of shape (..., n_components), optional
        From :func:`identical_components`: copies get their original's values exactly.
    keep_wlp : bool
        False returns ``wlp`` as None and computes resp in its place (one array less).

    Returns
    -------
    resp : ndarray of shape (..., n_components, n_samples)
    log_prob_norm : ndarray of shape (..., n_samples)
        log p(x_n | theta).
    wlp : ndarray of shape (..., n_components, n_samples) or None
        log pi_k + log N(x_n | mu_k, Sigma_k).
    """
    wlp = _on_distinct(lambda w, m, p: g2.weighted_log_prob(X, F, w, m, p), same,
                       weights, means, packed)
    resp, log_prob_norm = g2.log_normalize(wlp, in_place=not keep_wlp)
    return resp, log_prob_norm, wlp if keep_wlp else None


def _second_moments(
    X: np.ndarray, F: np.ndarray, resp: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """N_k, mu_k and the responsibility-weighted covariance of every component (unregularised).

    Returns nk (..., K), means (..., K, 2) and packed covariances (..., K, 3).
    """
    # (..., K, 6): sums of gamma_nk times x0^2, x0 x1, x1^2, x0, x1, 1 (one product for all)
    G = (resp.reshape(-1, resp.shape[-1]) @ F).reshape(resp.shape[:-1] + (6,))
    nk = G[..., 5] + _NK_EPS
    means = G[..., 3:5] / nk[..., None]  # mu_k = sum_n gamma_nk x_n / N_k
    m0, m1 = means[..., 0], means[..., 1]
    # Sigma_k = sum_n gamma_nk x_n x_n^T / N_k - mu_k mu_k^T
    cov = G[..., 0:3] / nk[..., None] - np.stack([m0 * m0, m0 * m1, m1 * m1], axis=-1)
    second = np.maximum(G[..., 0], G[..., 2]) / nk
    narrow = np.minimum(cov[..., 0], cov[..., 2]) < 1e-6 * second
    for idx in zip(*np.nonzero(narrow), strict=True):
        # Recompute from centred coordinates where the expansion would cancel.
        r = resp[idx]
        dx = X[:, 0] - m0[idx]
        dy = X[:, 1] - m1[idx]
        cov[idx] = np.array([r @ (dx * dx), r @ (dx * dy), r @ (dy * dy)]) / nk[idx]
    return nk, means, cov


def _cov_full(nk: np.ndarray, cov: np.ndarray) -> np.ndarray:
    return cov


def _cov_diag(nk: np.ndarray, cov: np.ndarray) -> np.ndarray:
    return np.stack([cov[..., 0], np.zeros_like(cov[..., 1]), cov[..., 2]], axis=-1)


def _cov_spherical(nk: np.ndarray, cov: np.ndarray) -> np.ndarray:
    s = 0.5 * (cov[..., 0] + cov[..., 2])  # sigma_k^2 = trace(Sigma_k) / 2
    return np.stack([s, np.zeros_like(s), s], axis=-1)


def _cov_tied(nk: np.ndarray, cov: np.ndarray) -> np.ndarray:
    # Sigma = sum_k N_k Sigma_k / N, shared by every component.
    shared = (nk[..., None] * cov).sum(axis=-2, keepdims=True) / nk.sum(axis=-1)[..., None, None]
    return np.broadcast_to(shared, cov.shape).copy()


_COV_ESTIMATORS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "full": _cov_full,
    "diag": _cov_diag,
    "spherical": _cov_spherical,
    "tied": _cov_tied,
}


def m_step(
    X: np.ndarray,
    F: np.ndarray,
    resp: np.ndarray,
    reg_covar: float,
    covariance_type: str,
    fixed_covariance: float | None = None,
    same: np.ndarray | None = None,
) -> Theta:
    """M-step: pi_k = N_k / N, mu_k and Sigma_k the responsibility-weighted mean and covariance.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    F : ndarray of shape (n_samples, 6)
    resp : ndarray of shape (..., n_components, n_samples)
    reg_covar : float
        Added to the diagonal of every covariance.
    covariance_type : {"full", "diag", "spherical", "tied"}
    fixed_covariance : float, optional
        If given, every covariance is held at ``fixed_covariance * I``.
    same : ndarray of int of shape (..., n_components), optional
        From :func:`identical_components`: copies get their original's values exactly.

    Returns
    -------
    weights : ndarray of shape (..., n_components)
    means : ndarray of shape (..., n_components, 2)
    packed : ndarray of shape (..., n_components, 3)
    """
    nk, means, cov = _on_distinct(lambda r: _second_moments(X, F, r), same, resp)
    weights = nk / nk.sum(axis=-1, keepdims=True)
    if fixed_covariance is not None:
        packed = np.zeros_like(cov)
        packed[..., 0] = packed[..., 2] = fixed_covariance
        return weights, means, packed
    packed = _COV_ESTIMATORS[covariance_type](nk, cov)
    packed[..., 0] += reg_covar
    packed[..., 2] += reg_covar
    return weights, means, packed


# --------------------------------------------------------------------------- the loop
class EMState(NamedTuple):
    """Parameters of a batch of runs and what the E-step gives at them.

    Attributes
    ----------
    theta : tuple of ndarrays of shapes (B, K), (B, K, 2), (B, K, 3)
        Weights, means and packed covariances in scaled units.
    resp : ndarray of shape (B, K, n_samples) or None
    lpn : ndarray of shape (B, n_samples)
        log p(x_n | theta).
    wlp : ndarray of shape (B, K, n_samples) or None
        log pi_k + log N(x_n | mu_k, Sigma_k); None where nothing records the steps.
    nll : ndarray of shape (B,)
        In the user's units.
    """

    theta: Theta
    resp: np.ndarray | None
    lpn: np.ndarray
    wlp: np.ndarray | None
    nll: np.ndarray

    def take(self, keep: np.ndarray) -> EMState:
        """The runs where ``keep`` is True (no copy when all are)."""
        if keep.all():
            return self
        big = [None if a is None else a[keep] for a in (self.resp, self.wlp)]
        return EMState(tuple(a[keep] for a in self.theta), big[0], self.lpn[keep], big[1],
                       self.nll[keep])

    def light(self) -> EMState:
        """The state without its (B, K, n_samples) arrays, for a loop that records no steps."""
        return self._replace(resp=None, wlp=None)


def _evaluate(s: ScaledData, theta: Theta, same: np.ndarray | None, recorded: bool) -> EMState:
    resp, lpn, wlp = e_step(s.Xs, s.F, *theta, same=same, keep_wlp=recorded)
    return EMState(theta, resp, lpn, wlp, s.nll(lpn))


def _select(keep: np.ndarray, rows: np.ndarray, same: np.ndarray | None,
            *states: EMState) -> tuple:
    """The runs where ``keep`` is True: their rows, copies map and states (no copy if all)."""
    if keep.all():
        return (rows, same, *states)
    return (rows[keep], None if same is None else same[keep], *(st.take(keep) for st in states))


def run_em(
    s: ScaledData,
    settings: EMSettings,
    theta: Theta,
    *,
    on_step: Callable[[int, EMState | None, EMState], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> EMOutcome:
    """EM from a batch of starts at once: E, M and the stopping rules, for every run alike.

    A start with a singular covariance or a likelihood that cannot be evaluated stops at
    iteration 0; a run whose M-step collapses a component, or whose likelihood is not finite,
    stops before that iteration is recorded; a run whose NLL per point changes by less than
    ``tol`` stops after it. Stopped runs leave the batch.

    Parameters
    ----------
    s : ScaledData
    settings : EMSettings
    theta : tuple of ndarrays of shapes (B, K), (B, K, 2), (B, K, 3)
        The starts, in scaled units.
    on_step : callable(t, before, after), optional
        Called for every recorded iteration with the live runs' states (t = 0: the start, with
        ``before`` None).
    progress : callable(increment), optional
        Told the work done after every iteration, in run-iterations (a stopped run counts the
        iterations it did not need).

    Returns
    -------
    EMOutcome
    """
    n_runs, k = theta[0].shape
    report = progress or (lambda increment: None)
    out = EMOutcome.empty(n_runs, k)
    recorded = on_step is not None
    rows, same = np.arange(n_runs), identical_components(*theta)
    rows, same, state = _evaluable(s, settings, out, 0, rows, same, theta, recorded)
    report(max(settings.max_iter, 1) * (n_runs - rows.size))
    out.keep(rows, state, 0)
    if on_step is not None and rows.size:
        on_step(0, None, state)

    for t in range(1, settings.max_iter + 1):
        if rows.size == 0:
            break
        n_live = rows.size
        theta = m_step(s.Xs, s.F, state.resp, s.reg, settings.covariance_type, s.fixed, same)
        if not settings.learn_weights:
            theta = _hold_weights(theta, state.theta, state.resp)
        before = state if recorded else state.light()
        rows, same, new, state = _evaluable(s, settings, out, t, rows, same, theta, recorded,
                                            before)
        out.keep(rows, new, t)
        if on_step is not None and rows.size:
            on_step(t, state, new)
        converged = np.abs(state.nll - new.nll) / s.X.shape[0] < settings.tol
        out.stop(rows[converged], StopKind.CONVERGED, t)
        rows, same, state = _select(~converged, rows, same, new)
        report(rows.size + (n_live - rows.size) * (settings.max_iter - t + 1))
    return out


def _evaluable(s: ScaledData, settings: EMSettings, out: EMOutcome, t: int, rows: np.ndarray,
               same: np.ndarray | None, theta: Theta, recorded: bool,
               *states: EMState) -> tuple:
    """The E-step at ``theta`` for the runs it can be taken for; the others stop at iteration t.

    A run stops when a covariance is singular, or when the likelihood is not finite. Returns the
    remaining rows, their copies map, their new state and ``states`` cut to them.
    """
    bad, details = _first_collapse(theta, settings.reg_covar)
    out.stop(rows[bad], StopKind.COLLAPSED, t, details)
    rows, same, *states = _select(~bad, rows, same, *states)
    new = _evaluate(s, tuple(a[~bad] for a in theta) if bad.any() else theta, same, recorded)
    bad = ~np.all(np.isfinite(new.lpn), axis=-1)
    out.stop(rows[bad], StopKind.NOT_EVALUABLE, t)
    return _select(~bad, rows, same, new, *states)


def _hold_weights(theta: Theta, theta_prev: Theta, q: np.ndarray) -> Theta:
    """The means-only M-step: pi_k stays; a component with no responsibility keeps its mean."""
    _w, means, packed = theta
    empty = q.sum(axis=-1) < 1e-12
    means[empty] = theta_prev[1][empty]
    return theta_prev[0], means, packed


# --------------------------------------------------------------------------- fit_gmm
def fit_gmm(
    X: object,
    n_components: int,
    *,
    covariance_type: str = "full",
    init: str = "kmeans",
    weights_init: object = None,
    means_init: object = None,
    covariances_init: object = None,
    max_iter: int = 100,
    tol: float = 1e-4,
    reg_covar: float = 1e-6,
    random_state: int | np.random.RandomState | None = None,
    fixed_covariance: float | None = None,
    learn_weights: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> GMMRun:
    """Fit a Gaussian mixture by EM and record every half-step.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    n_components : int
        K, from 1 to the number of distinct points.
    covariance_type : {"full", "diag", "spherical", "tied"}
        As in scikit-learn's GaussianMixture.
    init : str
        "random" (K distinct data points, the data covariance, equal weights), "random-resp"
        (random responsibilities then an M-step), "kmeans" (responsibilities from K-means),
        "kmeans-pp" (k-means++ seeds, the data covariance, equal weights), "identical" (every
        component the same), or the fixed values (k = 3, identity covariances) of the notes,
        "notes-a" and "notes-b", and of the textbook, "textbook-a" and "textbook-b" (see
        :data:`gmmviz.NOTES_STARTS`). scikit-learn's spellings "random_resp" and "k-means++"
        are accepted too, and "notes-a2" for "notes-a".
    weights_init : array-like of shape (K,), optional
    means_init : array-like of shape (K, 2), optional
    covariances_init : array-like of shape (K, 2, 2) or (2, 2), optional
        Explicit starting values; each overrides what ``init`` gives.
    max_iter : int
    tol : float
        Stop when the NLL per point changes by less than ``tol``; 0 runs ``max_iter`` iterations.
    reg_covar : float
        Added to the diagonal of every covariance. With 0, a collapsing component stops the run.
    random_state : int, RandomState or None
        A whole number from 0 to 2**32 - 1 makes the random starts repeatable.
    fixed_covariance : float, optional
        Hold every covariance at ``fixed_covariance * I`` and learn only weights and means (the
        K-means limit of EM as it goes to 0).
    learn_weights : bool
        False holds the weights at their start; a component left without responsibility then
        keeps its mean, as an empty K-means cluster keeps its centre.
    progress : callable(done, total), optional
        Called after every iteration with the iterations done so far (a run that stops early
        counts the ones it did not need) and ``total = max(max_iter, 1)``.

    Returns
    -------
    GMMRun
    """
    from gmmviz.starts import canonical_init, check_gmm_init, pick_start

    X = v.points(X)
    settings = EMSettings(n_components, covariance_type, max_iter, tol, reg_covar,
                          fixed_covariance, learn_weights)
    k = v.component_count(X, settings.n_components)
    check_gmm_init(init, k)
    explicit = (
        None if weights_init is None else v.weights(weights_init, k),
        None if means_init is None else v.means(means_init, k),
        None if covariances_init is None else v.covariances(covariances_init, k),
    )
    random_state = v.random_state(random_state)
    s = ScaledData.of(X, settings)
    with em_context():
        start = pick_start(s, settings, canonical_init(init), explicit, random_state)
        run = GMMRun(s, settings, start)
        out = run_em(s, settings, tuple(a[None] for a in start.theta), on_step=run._record,
                     progress=None if progress is None else _counter(progress, settings))
        if not run.steps:  # the start itself was refused
            raise InputError(_refusal(out, s, settings, start, explicit))
    run.stop_kind, run.stop_reason = out.kinds[0], out.reasons[0]
    run.converged_ = run.stop_kind is StopKind.CONVERGED
    return run


def _counter(progress: Callable[[int, int], None], settings: EMSettings
             ) -> Callable[[int], None]:
    """run_em's increments as (done, total) for one run."""
    total, done = max(settings.max_iter, 1), [0]

    def report(increment: int) -> None:
        done[0] += increment
        progress(min(done[0], total), total)
    return report


@functools.cache
def _thread_pools() -> ThreadpoolController:
    """The BLAS and OpenMP libraries loaded in this process, found once (a scan of the process'
    memory map, slower than a small fit)."""
    return ThreadpoolController()


@contextmanager
def em_context() -> Iterator[None]:
    """One BLAS thread, as the inner products have only 6 columns (one thread beats several on
    them); over- and underflow are handled by the loop's checks, not warned about."""
    with _thread_pools().limit(limits=1, user_api="blas"), np.errstate(
            over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        yield
