"""Jensen's inequality for ln, and the KL divergence between two distributions.

The notes (Theory 8.8-8.9) use both to derive EM:

- Jensen, concave form: phi(sum a_i x_i / sum a_i) >= sum a_i phi(x_i) / sum a_i for a concave
  phi; for phi = ln the gap between the two sides is never negative and is 0 only when every
  point with weight is the same (:func:`jensen_log`).
- KL(p || q) = sum_i p_i ln(p_i / q_i) = H(p, q) - H(p) (discrete) or
  integral p(x) ln(p(x) / q(x)) dx (continuous): never below 0, 0 only for p = q, and not
  symmetric, KL(p || q) != KL(q || p) (:func:`kl_discrete`, :func:`kl_gaussian`). The
  Jensen-Shannon divergence is the notes' symmetric alternative (:func:`js_divergence`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from gmmviz._errors import InputError
from gmmviz.i18n import N_, _
from gmmviz.likelihood import _mu, _sigma

__all__ = [
    "JensenGap", "as_distribution", "cross_entropy", "entropy", "jensen_log", "js_divergence",
    "kl_discrete", "kl_gaussian", "kl_gaussian_integrand",
]


# --------------------------------------------------------------------------- Jensen
class JensenGap(NamedTuple):
    """Both sides of Jensen's inequality for ln at weighted points.

    Attributes
    ----------
    mean : float
        sum a_i x_i / sum a_i, the weighted mean of the points.
    log_of_mean : float
        ln(mean): the curve above the mean.
    mean_of_log : float
        sum a_i ln x_i / sum a_i: the chord (the weighted mean of the curve's values).
    gap : float
        log_of_mean - mean_of_log, at least 0.
    """

    mean: float
    log_of_mean: float
    mean_of_log: float
    gap: float


def _vector(values: object, what: str) -> np.ndarray:
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError) as exc:
        raise InputError(_("The {what} must be numbers.").format(what=_(what))) from exc
    if arr.ndim != 1 or arr.size == 0:
        raise InputError(_("Give the {what} as a flat list of at least one number.").format(
            what=_(what)))
    if not np.all(np.isfinite(arr)):
        raise InputError(_("The {what} must be finite numbers.").format(what=_(what)))
    return arr


def _weights(weights: object, n: int) -> np.ndarray:
    a = _vector(weights, N_("weights"))
    if a.size != n:
        raise InputError(_("Give one weight per point: {n} points, {m} weights.").format(
            n=n, m=a.size))
    if np.any(a < 0) or a.sum() <= 0:
        raise InputError(_("The weights must be 0 or more, with at least one above 0."))
    return a


def jensen_log(points: object, weights: object) -> JensenGap:
    """ln of the weighted mean against the weighted mean of ln, at positive points.

    Parameters
    ----------
    points : array-like of shape (n_points,)
        Each above 0 (ln is defined there).
    weights : array-like of shape (n_points,)
        Each 0 or more, not all 0; they need not sum to 1 (the notes divide by their sum).

    Returns
    -------
    JensenGap
    """
    x = _vector(points, N_("points"))
    if np.any(x <= 0):
        raise InputError(_("ln is defined for numbers above 0 only: move every point above 0."))
    a = _weights(weights, x.size)
    a = a / a.sum()
    mean = float(a @ x)
    log_of_mean, mean_of_log = float(np.log(mean)), float(a @ np.log(x))
    # the gap is never negative (ln is concave); rounding may leave -1e-16
    return JensenGap(mean, log_of_mean, mean_of_log, max(log_of_mean - mean_of_log, 0.0))


# --------------------------------------------------------------------------- discrete
def as_distribution(masses: object) -> np.ndarray:
    """Masses of 0 or more, not all 0, divided by their sum: a probability vector.

    Parameters
    ----------
    masses : array-like of shape (n_outcomes,)

    Returns
    -------
    ndarray of shape (n_outcomes,)
        Summing to 1.
    """
    m = _vector(masses, N_("probabilities"))
    if np.any(m < 0) or m.sum() <= 0:
        raise InputError(_("Probabilities must be 0 or more, with at least one above 0."))
    return m / m.sum()


def _distribution(p: object, name: str) -> np.ndarray:
    arr = _vector(p, {"p": N_("probabilities of p"), "q": N_("probabilities of q")}[name])
    if np.any(arr < 0) or abs(arr.sum() - 1.0) > 1e-9:
        raise InputError(_("{name} must be probabilities of 0 or more that sum to 1 (they sum to "
                           "{total}): divide each by their sum.").format(
            name=name, total=f"{arr.sum():.6g}"))
    return arr


def _pair(p: object, q: object) -> tuple[np.ndarray, np.ndarray]:
    p, q = _distribution(p, "p"), _distribution(q, "q")
    if p.size != q.size:
        raise InputError(_("p and q must give a probability to the same outcomes: p has {p}, "
                           "q has {q}.").format(p=p.size, q=q.size))
    return p, q


def entropy(p: object) -> float:
    """H(p) = -sum_i p_i ln p_i in nats, with 0 ln 0 = 0."""
    p = _distribution(p, "p")
    nz = p > 0
    return float(-(p[nz] @ np.log(p[nz])))


def cross_entropy(p: object, q: object) -> float:
    """H(p, q) = -sum_i p_i ln q_i in nats; infinite when q_i = 0 where p_i > 0."""
    p, q = _pair(p, q)
    nz = p > 0
    if np.any(q[nz] == 0):
        return float("inf")
    return float(-(p[nz] @ np.log(q[nz])))


def kl_discrete(p: object, q: object) -> float:
    """KL(p || q) = sum_i p_i ln(p_i / q_i) in nats (0 ln 0 = 0); infinite when q_i = 0 where
    p_i > 0. Equals H(p, q) - H(p).

    Parameters
    ----------
    p, q : array-like of shape (n_outcomes,)
        Probabilities summing to 1.

    Returns
    -------
    float
        At least 0; 0 only when p = q.
    """
    p, q = _pair(p, q)
    nz = p > 0
    if np.any(q[nz] == 0):
        return float("inf")
    return max(float(p[nz] @ (np.log(p[nz]) - np.log(q[nz]))), 0.0)


def js_divergence(p: object, q: object) -> float:
    """JSD(p || q) = KL(p || M) / 2 + KL(q || M) / 2 with M = (p + q) / 2: symmetric, at most
    ln 2."""
    p, q = _pair(p, q)
    m = 0.5 * (p + q)
    return 0.5 * kl_discrete(p, m) + 0.5 * kl_discrete(q, m)


# --------------------------------------------------------------------------- two Gaussians
def kl_gaussian(mu_p: float, sigma_p: float, mu_q: float, sigma_q: float) -> float:
    """KL(p || q) for p = N(mu_p, sigma_p^2) and q = N(mu_q, sigma_q^2), in closed form.

    KL = ln(sigma_q / sigma_p) + (sigma_p^2 + (mu_p - mu_q)^2) / (2 sigma_q^2) - 1/2.

    Parameters
    ----------
    mu_p, mu_q : float
    sigma_p, sigma_q : float
        Standard deviations, above 0.

    Returns
    -------
    float
        At least 0.
    """
    mp, sp = _mu(mu_p, N_("μ of p")), _sigma(sigma_p, N_("σ of p"))
    mq, sq = _mu(mu_q, N_("μ of q")), _sigma(sigma_q, N_("σ of q"))
    r = sp / sq
    d = (mp - mq) / sq
    # ln(sq / sp) + (r^2 + d^2 - 1) / 2, with log1p/expm1 keeping r near 1 exact
    return max(float(-np.log(r) + 0.5 * (np.expm1(2.0 * np.log(r)) + d * d)), 0.0)


def kl_gaussian_integrand(t: object, mu_p: float, sigma_p: float, mu_q: float,
                          sigma_q: float) -> np.ndarray:
    """p(t) ln(p(t) / q(t)) for the Gaussians of :func:`kl_gaussian`: its area is KL(p || q).

    Parameters
    ----------
    t : array-like of any shape

    Returns
    -------
    ndarray of the shape of ``t``
        Negative where q(t) > p(t); the area above the axis outweighs the area below.
    """
    mp, sp = _mu(mu_p, N_("μ of p")), _sigma(sigma_p, N_("σ of p"))
    mq, sq = _mu(mu_q, N_("μ of q")), _sigma(sigma_q, N_("σ of q"))
    t = np.asarray(t, dtype=float)
    zp, zq = (t - mp) / sp, (t - mq) / sq
    log_p = -0.5 * zp * zp - np.log(sp) - 0.5 * np.log(2.0 * np.pi)
    log_ratio = np.log(sq / sp) - 0.5 * zp * zp + 0.5 * zq * zq  # ln p(t) - ln q(t)
    return np.exp(log_p) * log_ratio
