"""The lower bound as the notes draw it: a curve over theta that touches ln p(X | theta) at
theta_old, and the M-step's move to its top.

In its entropy form (notes, Theory 8.8),

    L(q, theta) = sum_Z q(Z) ln p(X, Z | theta) + H(q)
                = sum_nk q_nk ln(pi_k N(x_n | mu_k, Sigma_k)) - sum_nk q_nk ln q_nk,

and ln p(X | theta) = L(q, theta) + KL(q || p(Z | X, theta)) (:func:`bound_terms`). With q the
posterior at theta_old (the E-step), L touches ln p at theta_old and lies below it everywhere
else. :func:`bound_curve` draws both over one parameter, one coordinate of one component's mean,
with every other parameter held at theta_old; the bound is a parabola there, whose top the
M-step moves to. :func:`bound_climb` repeats E and M along that one coordinate.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from gmmviz import _validate as v
from gmmviz._em_posterior import component_log_prob
from gmmviz._errors import InputError
from gmmviz.i18n import _

__all__ = ["BoundCurve", "BoundTerms", "bound_climb", "bound_climb_curves", "bound_curve",
           "bound_terms", "bound_terms_along", "posterior"]


class BoundTerms(NamedTuple):
    """The bound's two terms, its value, and what it falls short of ln p by (all in nats).

    Attributes
    ----------
    expected_log_joint : float
        sum_nk q_nk ln(pi_k N(x_n | mu_k, Sigma_k)) = sum_Z q(Z) ln p(X, Z | theta).
    entropy : float
        H(q) = -sum_nk q_nk ln q_nk (0 ln 0 = 0).
    elbo : float
        L(q, theta) = expected_log_joint + entropy.
    log_p : float
        ln p(X | theta) = sum_n ln sum_k pi_k N(x_n | mu_k, Sigma_k).
    kl : float
        KL(q || p(Z | X, theta)) = log_p - elbo, at least 0.
    """

    expected_log_joint: float
    entropy: float
    elbo: float
    log_p: float
    kl: float


def _theta(X: object, weights: object, means: object, covariances: object
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    X = v.points(X)
    w = np.atleast_1d(np.asarray(weights, dtype=float))
    k = w.size
    return X, v.weights(w, k), v.means(means, k), v.covariances(covariances, k)


def _log_joint(X: np.ndarray, w: np.ndarray, m: np.ndarray, c: np.ndarray) -> np.ndarray:
    """ln pi_k + ln N(x_n | mu_k, Sigma_k), shape (n_samples, n_components); InputError when it
    is not finite (a point beyond what double precision holds under some component)."""
    lj = component_log_prob(X, w, m, c)
    if not np.all(np.isfinite(lj)):
        raise InputError(_("Some points are so far from a component that their density is 0 in "
                           "double precision: choose parameters nearer the data."))
    return lj


def _log_p(lj: np.ndarray) -> np.ndarray:
    """ln sum_k exp(lj_nk) per point (log-sum-exp), shape (n_samples,)."""
    top = lj.max(axis=1, keepdims=True)
    return (top + np.log(np.exp(lj - top).sum(axis=1, keepdims=True)))[:, 0]


def _posterior(lj: np.ndarray) -> np.ndarray:
    """exp(lj_nk - ln p(x_n)): the posterior of the log joint ``lj``, shape (n_samples, K)."""
    return np.exp(lj - _log_p(lj)[:, None])


def posterior(X: object, weights: object, means: object, covariances: object) -> np.ndarray:
    """The E-step's q: gamma_nk = pi_k N(x_n | mu_k, Sigma_k) / p(x_n), shape (n_samples, K)."""
    return _posterior(_log_joint(*_theta(X, weights, means, covariances)))


def _terms(lj: np.ndarray, q: np.ndarray) -> BoundTerms:
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = float(np.sum(np.where(q > 0, q * lj, 0.0)))
        entropy = float(-np.sum(np.where(q > 0, q * np.log(q), 0.0)))
    log_p = float(_log_p(lj).sum())
    elbo = expected + entropy
    return BoundTerms(expected, entropy, elbo, log_p, max(log_p - elbo, 0.0))


def bound_terms(X: object, weights: object, means: object, covariances: object,
                resp: object) -> BoundTerms:
    """L(q, theta) = sum_Z q ln p(X, Z | theta) + H(q), its terms, ln p(X | theta) and the KL gap.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, 2)
    covariances : array-like of shape (n_components, 2, 2)
    resp : array-like of shape (n_samples, n_components)
        q: every row 0 or more, summing to 1.

    Returns
    -------
    BoundTerms
    """
    X, w, m, c = _theta(X, weights, means, covariances)
    q = np.asarray(resp, dtype=float)
    if q.shape != (X.shape[0], w.size):
        raise InputError(_("q must have one row per point and one column per component, shape "
                           "{shape}; got {got}.").format(shape=(X.shape[0], w.size), got=q.shape))
    if not np.all(np.isfinite(q)) or np.any(q < 0) or np.any(np.abs(q.sum(axis=1) - 1) > 1e-6):
        raise InputError(_("Every row of q must be probabilities of 0 or more that sum to 1."))
    return _terms(_log_joint(X, w, m, c), q)


class BoundCurve(NamedTuple):
    """ln p(X | theta) and the bound L(q_old, theta) over one coordinate t of one mean.

    Attributes
    ----------
    values : ndarray of shape (n_values,)
        The coordinate's values t.
    log_p : ndarray of shape (n_values,)
    elbo : ndarray of shape (n_values,)
        L(q_old, theta(t)), q_old the posterior at theta_old; at most ``log_p``.
    at : float
        The coordinate at theta_old, where the two touch.
    best : float
        Where the bound is highest: the M-step's move along this coordinate.
    log_p_at, log_p_best, elbo_best : float
        ln p at theta_old and at the bound's top, and the bound's top.
    m_step_value : float
        The coordinate a full M-step gives (the responsibility-weighted mean of the points).
    curvature : float
        N_k (Sigma_k^-1)_ee: the bound is elbo_best - curvature (t - best)^2 / 2.
    """

    values: np.ndarray
    log_p: np.ndarray
    elbo: np.ndarray
    at: float
    best: float
    log_p_at: float
    log_p_best: float
    elbo_best: float
    m_step_value: float
    curvature: float

    @property
    def m_step_off_line(self) -> bool:
        """Whether the full M-step sets this coordinate elsewhere than the bound's top along
        the line (a tilted Sigma_k couples the mean's two coordinates)."""
        return abs(self.best - self.m_step_value) > 1e-9 * max(1.0, abs(self.best))


def _check_coordinate(k: int, component: object, axis: object) -> tuple[int, int]:
    j = v.count(component, "component", 0, k - 1)
    if axis not in (0, 1):
        raise InputError(_(
            "Choose the mean's coordinate x0 or x1 (axis 0 or 1); got {axis!r}.").format(axis=axis))
    return j, int(axis)


def _along(X: np.ndarray, w: np.ndarray, m: np.ndarray, c: np.ndarray, j: int, e: int,
           t: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ln p and L(q, theta) with mu_j's coordinate e set to each value of t."""
    lj = _log_joint(X, w, m, c)
    log_p, elbo = np.empty(t.size), np.empty(t.size)
    for i, value in enumerate(t):
        mj = m[j].copy()
        mj[e] = value
        lj[:, j] = _log_joint(X, w[j:j + 1], mj[None], c[j:j + 1])[:, 0]
        terms = _terms(lj, q)
        log_p[i], elbo[i] = terms.log_p, terms.elbo
    return log_p, elbo


def _top(X: np.ndarray, m: np.ndarray, c: np.ndarray, j: int, e: int, q: np.ndarray
         ) -> tuple[float, float, float]:
    """The bound's top along mu_j's coordinate e, the full M-step's value, and the curvature.

    dL/dt = N_j [Sigma_j^-1 (xbar_j - mu_j(t))]_e = 0 with xbar_j the q-weighted mean gives
    t* = xbar_e - Sigma_eo / Sigma_oo (xbar_o - mu_o) (o the other coordinate).
    """
    o = 1 - e
    nk = float(q[:, j].sum())
    if nk <= 0:
        raise InputError(_("Component {j} has no responsibility for any point, so the bound "
                           "does not depend on its mean: choose another component.").format(
            j=j + 1))
    xbar = q[:, j] @ X / nk
    s = c[j]
    best = float(xbar[e] - s[e, o] / s[o, o] * (xbar[o] - m[j, o]))
    # (Sigma^-1)_ee = 1 / (Sigma_ee - Sigma_eo^2 / Sigma_oo), without the determinant's overflow
    return best, float(xbar[e]), nk / float(s[e, e] - s[e, o] * (s[e, o] / s[o, o]))


def _span(at: float, best: float, curvature: float, n_values: object) -> np.ndarray:
    """``n_values`` coordinates around theta_old's (``at``) and the bound's top (``best``)."""
    # the parabola around both points: 2.5 times their distance, and at least 3 / sqrt(its
    # curvature) (where the bound has fallen 4.5 nats below its top)
    half = max(2.5 * abs(best - at), 3.0 / np.sqrt(curvature), 1e-12)
    mid = 0.5 * (at + best)
    return np.linspace(mid - half, mid + half, v.count(n_values, "n_values", 3, 5001))


def bound_curve(X: object, weights: object, means: object, covariances: object, *,
                component: int, axis: int, values: object = None,
                n_values: int = 201) -> BoundCurve:
    """ln p(X | theta) and the bound L(q_old, theta), theta_old's with one mean coordinate moved.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    weights, means, covariances : theta_old, shapes (K,), (K, 2), (K, 2, 2)
    component : int
        Which mean moves (counted from 0).
    axis : {0, 1}
        Which of its coordinates, x0 or x1.
    values : array-like of shape (n_values,), optional
        The coordinate's values; by default ``n_values`` values around theta_old's and the
        bound's top, wide enough to show the parabola.
    n_values : int, default 201

    Returns
    -------
    BoundCurve
    """
    X, w, m, c = _theta(X, weights, means, covariances)
    j, e = _check_coordinate(w.size, component, axis)
    q = _posterior(_log_joint(X, w, m, c))
    best, m_value, curvature = _top(X, m, c, j, e, q)
    at = float(m[j, e])
    if values is None:
        values = _span(at, best, curvature, n_values)
    t = np.asarray(values, dtype=float).ravel()
    if t.size == 0 or not np.all(np.isfinite(t)):
        raise InputError(_("Give the coordinate's values as finite numbers."))
    log_p, elbo = _along(X, w, m, c, j, e, t, q)
    at_best = _along(X, w, m, c, j, e, np.array([at, best]), q)
    return BoundCurve(t, log_p, elbo, at, best, float(at_best[0][0]), float(at_best[0][1]),
                      float(at_best[1][1]), m_value, curvature)


def bound_climb(X: object, weights: object, means: object, covariances: object, *,
                component: int, axis: int, n_steps: int = 10) -> np.ndarray:
    """EM along one coordinate of one mean: E (the bound touches at t), M (t to its top), ...

    Parameters
    ----------
    X, weights, means, covariances, component, axis
        As :func:`bound_curve`.
    n_steps : int, default 10
        Number of M-steps.

    Returns
    -------
    ndarray of shape (n_steps + 1,)
        The coordinate at theta_old, then after each M-step; ln p never falls along it.
    """
    X, w, m, c = _theta(X, weights, means, covariances)
    j, e = _check_coordinate(w.size, component, axis)
    n = v.count(n_steps, "n_steps", 0, 10_000)
    m = m.copy()
    out = [float(m[j, e])]
    for _step in range(n):
        q = _posterior(_log_joint(X, w, m, c))  # E-step: q = posterior at the current t
        m[j, e] = _top(X, m, c, j, e, q)[0]  # M-step: t to the bound's top
        out.append(float(m[j, e]))
    return np.array(out)


def bound_climb_curves(X: object, weights: object, means: object, covariances: object, *,
                       component: int, axis: int, n_steps: int = 3,
                       n_values: int = 201) -> list[BoundCurve]:
    """The bound of every E-step of :func:`bound_climb`, on one grid that holds the whole climb.

    Parameters
    ----------
    X, weights, means, covariances, component, axis
        As :func:`bound_curve`.
    n_steps : int, default 3
        Number of M-steps: the list has ``n_steps + 1`` curves, the first touching ln p at
        theta_old, each next one at the coordinate the M-step before it reached.
    n_values : int, default 201

    Returns
    -------
    list of BoundCurve
    """
    X, w, m, c = _theta(X, weights, means, covariances)
    ts = bound_climb(X, w, m, c, component=component, axis=axis, n_steps=n_steps)
    j, e = _check_coordinate(w.size, component, axis)
    best, _m, curvature = _top(X, m, c, j, e, _posterior(_log_joint(X, w, m, c)))
    first = _span(ts[0], best, curvature, n_values)  # the grid bound_curve would choose
    values = np.linspace(min(first[0], ts.min()), max(first[-1], ts.max()), first.size)
    curves = []
    for t in ts:
        moved = m.copy()
        moved[j, e] = t
        curves.append(bound_curve(X, w, moved, c, component=component, axis=axis, values=values))
    return curves


def bound_terms_along(X: object, weights: object, means: object, covariances: object, *,
                      component: int, axis: int, values: object) -> list[BoundTerms]:
    """:func:`bound_terms` with q the posterior at theta_old and one mean coordinate moved to
    each of ``values`` (e.g. theta_old's and the bound's top: the M-step's before and after).

    Returns
    -------
    list of BoundTerms, one per value
    """
    X, w, m, c = _theta(X, weights, means, covariances)
    j, e = _check_coordinate(w.size, component, axis)
    q = _posterior(_log_joint(X, w, m, c))
    out = []
    for value in np.atleast_1d(np.asarray(values, dtype=float)):
        moved = m.copy()
        moved[j, e] = value
        out.append(_terms(_log_joint(X, w, moved, c), q))
    return out
