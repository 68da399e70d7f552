"""Expectation-maximisation for bivariate Gaussian mixtures, recorded half-step by half-step.

The maths lives in small functions (:func:`e_step`, :func:`m_step`); one loop, :func:`run_em`,
owns the order for a batch of starts at once. :func:`fit_gmm` runs a batch of one and records
every half-step as plain data for the figures; :func:`gmmviz.fit_restarts` runs many starts and
keeps their final states.

Internally the data are centred and scaled by a power of two (see :mod:`gmmviz._scaling`), so that
every magnitude whose variance double precision can hold behaves alike (a standard deviation from
about 1e-152, no point more than about 1e+153 from the mean; beyond that an InputError says how to
rescale); every number a run reports is in the original units.
"""

from __future__ import annotations

import enum
import functools
import math
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from threadpoolctl import ThreadpoolController

from gmmviz import _gauss2d as g2
from gmmviz import _validate as v
from gmmviz._errors import InputError
from gmmviz._scaling import Magnitudes, Scaler, power_of_ten, safe_mean, unit_factor

if TYPE_CHECKING:
    from gmmviz.starts import Start

COVARIANCE_TYPES = ("full", "diag", "spherical", "tied")
_NK_EPS = 10 * np.finfo(float).eps  # added to N_k as scikit-learn does
#: Below this eigenvalue (in units of the data variance) a covariance counts as singular.
SINGULAR_EIGENVALUE = 1e-12
# Covariances held fixed or added (reg_covar) must lie within this factor of the data variance,
# so that determinants and precisions stay inside double precision.
_RELATIVE_RANGE = 1e150
# Smallest eps / variance of a fixed covariance: below it the squared distances, computed from
# quadratic features with an error of about 1e-16 of the data's variance, would be off by more
# than 1e-6 of eps, and the likelihood could rise where EM must lower it.
_SMALLEST_FIXED = 1e-10

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


def _collapsed(packed: np.ndarray, reg_covar: float) -> np.ndarray:
    """True for every component whose covariance is singular, shape (..., n_components)."""
    lo, _ = g2.eigvalsh(packed)
    limit = SINGULAR_EIGENVALUE if reg_covar == 0 else 0.0
    return ~(lo > limit) | ~g2.is_positive_definite(packed)  # ~(lo > limit): NaN too


def _collapse_shape(packed: np.ndarray) -> str:
    """"a single point" or "a line": what one singular covariance (shape (3,)) has shrunk onto."""
    return "a single point" if g2.eigvalsh(packed)[1] <= SINGULAR_EIGENVALUE else "a line"


def collapsed_components(packed: np.ndarray, reg_covar: float) -> list[tuple[int, str]]:
    """Components whose covariance is singular, with ``"a single point"`` or ``"a line"``.

    Parameters
    ----------
    packed : ndarray of shape (n_components, 3)
        Covariances in scaled units (the data variance is about 1).
    reg_covar : float
        With ``reg_covar > 0`` only a covariance that is not numerically positive definite counts.
    """
    with np.errstate(invalid="ignore"):  # an infinite entry makes an eigenvalue NaN
        return [(int(k), _collapse_shape(packed[k]))
                for k in np.flatnonzero(_collapsed(packed, reg_covar))]


def kl_divergence(log_q: np.ndarray, log_p: np.ndarray, q: np.ndarray) -> float:
    """KL(q || p) = sum_nk q_nk (log q_nk - log p_nk), with 0 log 0 = 0; never below 0."""
    with np.errstate(invalid="ignore"):
        diff = np.where(q > 0, log_q - log_p, 0.0)
    return max(float(np.vdot(q, diff)), 0.0)


def _m_step_kl(q: np.ndarray, wlp: np.ndarray, lpn: np.ndarray, wlp_new: np.ndarray,
               lpn_new: np.ndarray) -> float:
    """KL(q || p(z | x, theta_t)) after an M-step, q being the posterior at theta_{t-1}.

    log q = wlp_{t-1} - lpn_{t-1} and log p = wlp_t - lpn_t; each column of q sums to 1, so the
    log-normaliser difference enters once per point.
    """
    kl = float(np.vdot(q, wlp - wlp_new)) - float(np.sum(lpn - lpn_new))
    if not math.isfinite(kl):  # a component of density 0 somewhere: 0 log 0 = 0 there
        kl = kl_divergence(wlp - lpn[..., None, :], wlp_new - lpn_new[..., None, :], q)
    return max(kl, 0.0)


# --------------------------------------------------------------------------- why a run stops
class StopKind(enum.Enum):
    """Why an EM run stopped; ``GMMRun.stop_reason`` is its sentence."""

    CONVERGED = "converged"
    MAX_ITER = "max_iter"
    COLLAPSED = "collapsed"
    NOT_EVALUABLE = "not_evaluable"

    def reason(self, iteration: int, component: int = 0, where: str = "") -> str:
        """The sentence of this stop at ``iteration`` (0: the start was refused).

        ``component`` (counted from 0) and ``where`` ("a single point" or "a line") describe
        a collapse.
        """
        template = (_START_REASONS if iteration == 0 else _REASONS)[self]
        return template.format(iteration=iteration, component=component + 1, where=where)


_REASONS = {
    StopKind.CONVERGED: "converged: NLL change below tol",
    StopKind.MAX_ITER: "reached max_iter",
    StopKind.COLLAPSED: "component {component} collapsed onto {where} at iteration {iteration}",
    StopKind.NOT_EVALUABLE: "the likelihood could not be evaluated at iteration {iteration}",
}
_START_REASONS = {
    **_REASONS,
    StopKind.COLLAPSED: "the start puts component {component} on {where}",
    StopKind.NOT_EVALUABLE: "the likelihood could not be evaluated at the start",
}


# --------------------------------------------------------------------------- checked settings
@dataclass(frozen=True)
class EMSettings:
    """The settings of an EM run, checked when made (each mistake is an InputError).

    Attributes
    ----------
    n_components : int
        K, at least 1 (:func:`fit_gmm` also checks it against the data's distinct points).
    covariance_type : {"full", "diag", "spherical", "tied"}
    max_iter : int
        0 to 100,000.
    tol : float
        Stop when the NLL per point changes by less than ``tol``; 0 runs ``max_iter``.
    reg_covar : float
        Added to the diagonal of every covariance, 0 or more.
    fixed_covariance : float or None
        Hold every covariance at ``fixed_covariance * I`` (above 0) and learn means and weights.
    learn_weights : bool
        False holds the weights at their start.
    """

    n_components: int
    covariance_type: str = "full"
    max_iter: int = 100
    tol: float = 1e-4
    reg_covar: float = 1e-6
    fixed_covariance: float | None = None
    learn_weights: bool = True

    def __post_init__(self) -> None:
        fixed = self.fixed_covariance
        eps = "The fixed covariance eps"
        checked = {
            "n_components": v.count(self.n_components, "k", 1),
            "covariance_type": v.covariance_type(self.covariance_type),
            "max_iter": v.count(self.max_iter, "max_iter", 0, v.MAX_ITER),
            "tol": v.non_negative(self.tol, "tol"),
            "reg_covar": v.non_negative(self.reg_covar, "reg_covar"),
            "fixed_covariance": None if fixed is None else v.positive(fixed, eps),
            "learn_weights": bool(self.learn_weights),
        }
        for name, value in checked.items():
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class ScaledData:
    """The data and the covariance settings in scaled units, as every step computes with them."""

    X: np.ndarray
    scaler: Scaler
    Xs: np.ndarray
    F: np.ndarray
    reg: float
    fixed: float | None
    _data_covariances: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, X: np.ndarray, settings: EMSettings) -> ScaledData:
        """Scale the data (InputError beyond double precision) and the covariance settings."""
        scaler = Scaler.fit(X)
        var = scaler.variance
        reg = settings.reg_covar / var
        if reg > _RELATIVE_RANGE:
            raise InputError(
                f"reg_covar = {settings.reg_covar:g} is more than {_RELATIVE_RANGE:.0e} times the "
                f"data's variance (about {var:.1e}): every component would be a round blob far "
                f"wider than the data. Lower reg_covar to {1e-6 * var:.0e} or less (a millionth "
                f"of the variance), or multiply the data by {unit_factor(scaler.exponent)}."
            )
        fixed = None
        if settings.fixed_covariance is not None:
            fixed = settings.fixed_covariance / var
            if not _SMALLEST_FIXED <= fixed <= _RELATIVE_RANGE:
                raise InputError(
                    f"The fixed covariance eps = {settings.fixed_covariance:g} is too "
                    f"{'small' if fixed < 1 else 'large'} next to the data's variance (about "
                    f"{var:.1e}): choose eps between {var * _SMALLEST_FIXED:.0e} and "
                    f"{var * _RELATIVE_RANGE:.0e}."
                )
        Xs = scaler.x(X)
        return cls(X, scaler, Xs, g2.quad_features(Xs), reg, fixed)

    def nll(self, log_prob_norm: np.ndarray) -> np.ndarray:
        """-sum_n log p(x_n | theta) in the user's units, one value per leading (batch) index."""
        return -(log_prob_norm.sum(axis=-1) + log_prob_norm.shape[-1] * self.scaler.log_jacobian())

    def data_covariance(self, covariance_type: str) -> np.ndarray:
        """The data covariance in the form of covariance_type, made positive definite, plus reg.

        Shape (3,), scaled units; computed once per type (every random start uses it).
        """
        if covariance_type not in self._data_covariances:
            # one component holding every point (tied is then full)
            _, _, packed = m_step(self.Xs, self.F, np.ones((1, self.X.shape[0])), 0.0,
                                  "full" if covariance_type == "tied" else covariance_type)
            packed = packed[0]
            lo, hi = g2.eigvalsh(packed)
            if lo <= SINGULAR_EIGENVALUE * max(hi, 1.0):
                # Identical or collinear points: widen so the start has a proper density.
                packed = packed + np.array([1.0, 0.0, 1.0]) * max(1e-3 * hi, 1e-3)
            packed[[0, 2]] += self.reg
            self._data_covariances[covariance_type] = packed
        return self._data_covariances[covariance_type]

    def covariances_out(self, packed: np.ndarray) -> np.ndarray:
        """Packed scaled covariances as (..., 2, 2) matrices in the user's units."""
        return g2.unpack(packed) * self.scaler.variance


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


@dataclass
class EMOutcome:
    """Where each run of a batch stopped and why.

    Attributes
    ----------
    theta : tuple of ndarrays of shapes (B, K), (B, K, 2), (B, K, 3)
        The last parameters each run reached (scaled units; zeros for a refused start).
    nll : ndarray of shape (B,)
        NLL at those parameters (``inf`` for a refused start).
    n_iter : ndarray of int of shape (B,)
    kinds : list of StopKind
    reasons : list of str
        The sentence of each stop.
    """

    theta: Theta
    nll: np.ndarray
    n_iter: np.ndarray
    kinds: list[StopKind]
    reasons: list[str]

    @classmethod
    def empty(cls, n_runs: int, n_components: int) -> EMOutcome:
        theta = (np.zeros((n_runs, n_components)), np.zeros((n_runs, n_components, 2)),
                 np.zeros((n_runs, n_components, 3)))
        return cls(theta, np.full(n_runs, np.inf), np.zeros(n_runs, dtype=int),
                   [StopKind.MAX_ITER] * n_runs, [StopKind.MAX_ITER.reason(1)] * n_runs)

    @property
    def converged(self) -> np.ndarray:
        return np.array([kind is StopKind.CONVERGED for kind in self.kinds])

    def keep(self, rows: np.ndarray, state: EMState, t: int) -> None:
        """Record the state the runs ``rows`` reached at iteration t."""
        for out, values in zip(self.theta, state.theta, strict=True):
            out[rows] = values
        self.nll[rows] = state.nll
        self.n_iter[rows] = t

    def put(self, rows: np.ndarray, part: EMOutcome) -> None:
        """Copy in the outcome of the runs ``rows``, run as a batch of their own."""
        for whole, values in zip(self.theta, part.theta, strict=True):
            whole[rows] = values
        self.nll[rows], self.n_iter[rows] = part.nll, part.n_iter
        for i, row in enumerate(rows):
            self.kinds[row], self.reasons[row] = part.kinds[i], part.reasons[i]

    def stop(self, rows: np.ndarray, kind: StopKind, t: int,
             details: list[tuple[int, str]] | None = None) -> None:
        """Stop the runs ``rows`` at iteration t: the one place a kind and its sentence are set."""
        for i, row in enumerate(rows):
            component, where = (0, "") if details is None else details[i]
            self.kinds[row], self.reasons[row] = kind, kind.reason(t, component, where)


def _evaluate(s: ScaledData, theta: Theta, same: np.ndarray | None, recorded: bool) -> EMState:
    resp, lpn, wlp = e_step(s.Xs, s.F, *theta, same=same, keep_wlp=recorded)
    return EMState(theta, resp, lpn, wlp, s.nll(lpn))


def _first_collapse(theta: Theta, reg_covar: float) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Runs with a singular covariance, and for each the first such component and its shape."""
    mask = _collapsed(theta[2], reg_covar)
    bad = mask.any(axis=-1)
    if not bad.any():
        return bad, []
    details = [(int(j), _collapse_shape(theta[2][b, j]))
               for b, j in zip(np.flatnonzero(bad), mask[bad].argmax(axis=-1), strict=True)]
    return bad, details


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
    _, means, packed = theta
    empty = q.sum(axis=-1) < 1e-12
    means[empty] = theta_prev[1][empty]
    return theta_prev[0], means, packed


# --------------------------------------------------------------------------- recorded runs
class GMMStep:
    """One recorded half-step of EM.

    Attributes
    ----------
    kind : {"init", "E", "M"}
    iteration : int
        0 for the start; t for the E- and M-step of iteration t.
    weights : ndarray of shape (n_components,)
    means : ndarray of shape (n_components, 2)
    covariances : ndarray of shape (n_components, 2, 2)
        Full matrices whatever the covariance type.
    nll : float
        -sum_n log p(x_n | theta) in nats at this step's parameters.
    elbo : float
        L(q, theta) = sum_nk q_nk [log pi_k + log N(x_n | mu_k, Sigma_k) - log q_nk], q = ``resp``.
    kl : float
        KL(q || p(z | x, theta)); ``-nll == elbo + kl``. Zero after every E-step. At a start
        without responsibilities the bound is reported at its tight value (kl = 0).
    """

    __slots__ = ("kind", "iteration", "weights", "means", "covariances", "nll", "elbo", "kl",
                 "_run", "_q", "_theta")

    def __init__(self, run: GMMRun, kind: str, iteration: int, theta: Theta, q: object,
                 nll: float, elbo: float, kl: float) -> None:
        self._run, self.kind, self.iteration, self._theta, self._q = run, kind, iteration, theta, q
        self.weights, self.means, self.covariances = run._to_original(theta)
        self.nll, self.elbo, self.kl = float(nll), float(elbo), float(kl)

    @property
    def resp(self) -> np.ndarray | None:
        """Responsibilities in force at this step, shape (n_samples, n_components), or None.

        After an E-step the new posterior, after an M-step the ones it used; computed on demand
        from the parameters that produced them, so a long run holds no (N, K) copy per step.
        """
        if self._q is None:
            return None
        if isinstance(self._q, np.ndarray):
            return self._q.T
        return self._run._posterior(self._q).T

    @property
    def label(self) -> str:
        """A caption such as "Iteration 3 · E-step: responsibilities updated"."""
        if self.kind == "init":
            return "Start"
        what = "E-step: responsibilities updated" if self.kind == "E" else (
            "M-step: pi, mu, Sigma updated")
        return f"Iteration {self.iteration} · {what}"

    def __repr__(self) -> str:
        return f"GMMStep({self.kind!r}, iteration={self.iteration}, nll={self.nll:.6g})"


class GMMRun:
    """A whole EM run: every half-step, and the fitted values in scikit-learn's style.

    Attributes
    ----------
    steps : list of GMMStep
        "init", then "E" and "M" for every iteration.
    nll : ndarray of shape (n_iter_ + 1,)
        NLL at theta_0, theta_1, ..., theta_T.
    weights_, means_, covariances_ : final parameters, shapes (K,), (K, 2), (K, 2, 2).
    resp_ : ndarray of shape (n_samples, K)
        Posterior at the final parameters.
    labels_ : ndarray of shape (n_samples,)
    n_iter_ : int
    converged_ : bool
    stop_kind : StopKind
        Why the run stopped, for code to branch on.
    stop_reason : str
        The same as a sentence, for people.
    settings : EMSettings
        The checked settings of the run (also as ``n_components``, ``covariance_type``,
        ``reg_covar``, ``tol`` and ``max_iter``).
    """

    def __init__(self, s: ScaledData, settings: EMSettings, start: Start) -> None:
        self.X = s.X
        self.settings = settings
        self.n_components = settings.n_components
        self.covariance_type = settings.covariance_type
        self.reg_covar = settings.reg_covar
        self.tol = settings.tol
        self.max_iter = settings.max_iter
        self.steps: list[GMMStep] = []
        self.converged_ = False
        self.stop_kind = StopKind.MAX_ITER
        self.stop_reason = ""
        self._scaled = s
        self._start = start
        self._same = identical_components(*start.theta)
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()

    def __getstate__(self) -> dict:
        # Posteriors are recomputed on demand: never pickle the cache (st.cache_data pickles).
        return {**self.__dict__, "_cache": OrderedDict()}

    # -- conversions between the internal (scaled) and the user's units
    def _to_original(self, theta: Theta) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        w, m, p = theta
        if theta is self._start.theta and self._start.means is not None:
            # the start's means exactly as given or picked (the scaled round trip can move an ulp)
            means = self._start.means.copy()
        else:
            means = self._scaled.scaler.means_out(m)
        return w.copy(), means, self._scaled.covariances_out(p)

    def _posterior(self, theta: Theta) -> np.ndarray:
        key = id(theta)
        if key not in self._cache:
            with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
                resp = e_step(self._scaled.Xs, self._scaled.F, *theta, same=self._same)[0]
            self._cache[key] = resp
            if len(self._cache) > 4:
                self._cache.popitem(last=False)
        return self._cache[key]

    def _record(self, t: int, before: EMState | None, after: EMState) -> None:
        """Append the steps of iteration t (t = 0: the start) from a batch of one."""
        nll = float(after.nll[0])
        if before is None:
            theta, q0 = self._start.theta, self._start.resp
            kl = 0.0
            if q0 is not None:
                with np.errstate(divide="ignore"):
                    log_q0 = np.log(np.where(q0 > 0, q0, 1.0))
                kl = kl_divergence(log_q0, after.wlp[0] - after.lpn[0][None, :], q0)
            self.steps.append(GMMStep(self, "init", 0, theta, q0, nll, -nll - kl, kl))
            return
        prev = self.steps[-1]
        theta_prev, nll_prev = prev._theta, prev.nll
        theta = tuple(a[0] for a in after.theta)
        kl = _m_step_kl(before.resp[0], before.wlp[0], before.lpn[0], after.wlp[0], after.lpn[0])
        self.steps.append(GMMStep(self, "E", t, theta_prev, theta_prev, nll_prev, -nll_prev, 0.0))
        self.steps.append(GMMStep(self, "M", t, theta, theta_prev, nll, -nll - kl, kl))

    # -- the fitted values
    @property
    def final(self) -> GMMStep:
        return self.steps[-1]

    @property
    def nll(self) -> np.ndarray:
        return np.array([s.nll for s in self.steps if s.kind != "E"])

    @property
    def weights_(self) -> np.ndarray:
        return self.final.weights

    @property
    def means_(self) -> np.ndarray:
        return self.final.means

    @property
    def covariances_(self) -> np.ndarray:
        return self.final.covariances

    @property
    def resp_(self) -> np.ndarray:
        return self._posterior(self.final._theta).T

    @property
    def labels_(self) -> np.ndarray:
        return self.resp_.argmax(axis=1)

    @property
    def n_iter_(self) -> int:
        return self.final.iteration

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    def __repr__(self) -> str:
        return (f"GMMRun(n_components={self.n_components}, covariance_type="
                f"{self.covariance_type!r}, n_iter_={self.n_iter_}, nll={self.final.nll:.6g}, "
                f"stop_reason={self.stop_reason!r})")


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
        component the same), or the notes' fixed values "notes-a", "notes-a2", "notes-b" (k = 3).
        scikit-learn's spellings "random_resp" and "k-means++" are accepted too.
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
        out = run_em(s, settings, tuple(a[None] for a in start.theta), on_step=run._record)
        if not run.steps:  # the start itself was refused
            raise InputError(_refusal(out, s, settings, start, explicit))
    run.stop_kind, run.stop_reason = out.kinds[0], out.reasons[0]
    run.converged_ = run.stop_kind is StopKind.CONVERGED
    return run


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


def _refusal(out: EMOutcome, s: ScaledData, settings: EMSettings, start: Start,
             explicit: tuple) -> str:
    """The sentence for a start EM cannot begin from, saying what will help."""
    var = s.scaler.variance
    if out.kinds[0] is StopKind.NOT_EVALUABLE:
        means = explicit[1] if explicit[1] is not None else start.means
        far = ""
        if means is not None:
            d = np.max(np.abs(np.asarray(means) - s.scaler.center), axis=1)
            j = int(np.argmax(d))
            far = f" (component {j + 1}'s mean lies about {d[j]:.1e} from the data's mean)"
        return (
            "The likelihood cannot be evaluated at the start: some points are so far from every "
            f"component that their density is below what double precision holds{far}. Give "
            "means_init and covariances_init nearer the data, or choose another initialization."
        )
    packed = start.theta[2]
    j = int(np.flatnonzero(_collapsed(packed, settings.reg_covar))[0])
    lead = f"The start puts component {j + 1} on {_collapse_shape(packed[j])}"
    if explicit[2] is not None:
        return (f"{lead}: its covariance in covariances_init is too small next to the data's "
                f"variance (about {var:.1e}) to be used. Give a larger covariance, or leave "
                "covariances_init out.")
    if settings.reg_covar == 0:
        return (f"{lead}, so its covariance is singular: set reg_covar above 0 or choose another "
                "initialization.")
    far = Magnitudes.of(s.X)
    return (f"{lead}, and reg_covar = {settings.reg_covar:g} is too small next to the data's "
            f"variance (about {var:.1e}) to keep its covariance positive definite: raise "
            f"reg_covar to {1e-10 * var:.0e} or more, remove far-off points (the farthest, "
            f"({far.farthest[0]:.3g}, {far.farthest[1]:.3g}), lies about "
            f"{power_of_ten(far.log2_spread)} from the mean of the data), or choose another "
            "initialization.")


def component_log_prob(
    X: object, weights: np.ndarray, means: np.ndarray, covariances: np.ndarray
) -> np.ndarray:
    """log pi_k + log N(x_n | mu_k, Sigma_k) at arbitrary points, in the user's units.

    Parameters
    ----------
    X : array-like of shape (n_points, 2)
    weights : ndarray of shape (K,)
    means : ndarray of shape (K, 2)
    covariances : ndarray of shape (K, 2, 2)

    Returns
    -------
    ndarray of shape (n_points, K)
    """
    X = np.atleast_2d(np.asarray(X, dtype=float))
    means = np.asarray(means, dtype=float)
    packed = g2.pack(covariances)
    # Centre and scale by the components alone, so far-off points cannot swamp near ones.
    spread = float(np.sqrt(np.max(np.abs(packed))))
    exponent = int(np.round(np.log2(spread))) if 0 < spread < np.inf else 0
    scaler = Scaler(safe_mean(means), exponent)
    Xs = scaler.x(X)
    wlp = g2.weighted_log_prob(
        Xs, g2.quad_features(Xs), np.asarray(weights, dtype=float), scaler.means_in(means),
        packed / scaler.variance,
    )
    return (wlp + scaler.log_jacobian()).T


def bayes_terms(x: object, step: GMMStep) -> tuple[np.ndarray, float, np.ndarray]:
    """The pieces of Bayes' rule for one point under a step's parameters.

    Parameters
    ----------
    x : array-like of shape (2,)
    step : GMMStep

    Returns
    -------
    log_numerators : ndarray of shape (n_components,)
        log pi_k N(x | mu_k, Sigma_k).
    log_denominator : float
        log sum_j pi_j N(x | mu_j, Sigma_j) = log p(x).
    resp : ndarray of shape (n_components,)
        gamma_k = numerator_k / denominator.
    """
    log_num = component_log_prob(np.asarray(x, dtype=float).reshape(1, 2), step.weights,
                                 step.means, step.covariances)[0]
    resp, log_den = g2.log_normalize(log_num[:, None])
    return log_num, float(log_den[0]), resp[:, 0]


def predict_proba(X: object, step: GMMStep) -> np.ndarray:
    """Posterior gamma_nk at arbitrary points under a step's parameters, shape (n_points, K)."""
    wlp = component_log_prob(X, step.weights, step.means, step.covariances)
    return g2.log_normalize(wlp.T)[0].T


def mixture_density(X: object, step: GMMStep) -> np.ndarray:
    """p(x) = sum_k pi_k N(x | mu_k, Sigma_k) at arbitrary points, shape (n_points,)."""
    wlp = component_log_prob(X, step.weights, step.means, step.covariances)
    return np.exp(g2.log_normalize(wlp.T)[1])
