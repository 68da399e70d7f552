"""Likelihood from scratch, in one dimension: a coin, and a few points under a Gaussian.

The likelihood of a parameter is the probability (or density) of the data seen, read as a
function of the parameter with the data held fixed. Maximum likelihood picks the parameter
under which the data are most probable.
"""

from __future__ import annotations

import numpy as np

from gmmviz._errors import InputError
from gmmviz.i18n import _

NOTES_POINTS = np.array([1.0, 4.0, 5.0, 6.0, 9.0])
"""The notes' five points on a line."""

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)


def _count(value: object, name: str) -> int:
    """A whole number >= 0."""
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InputError(_("{name} must be a whole number of 0 or more; got {value!r}.").format(
            name=name, value=value)) from exc
    if not np.isfinite(f) or f < 0 or not f.is_integer():
        raise InputError(_("{name} must be a whole number of 0 or more; got {value!r}.").format(
            name=name, value=value))
    return int(f)


def _probability(w: object) -> np.ndarray:
    try:
        arr = np.asarray(w, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(_("w must be a number between 0 and 1; got {w!r}.").format(w=w)) from exc
    if not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
        raise InputError(_("w is the probability of heads: choose values between 0 and 1."))
    return arr


def _sigma(sigma: object, name: str = "sigma") -> float:
    try:
        s = float(sigma)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InputError(_("{name} must be a number above 0; got {value!r}.").format(
            name=_(name), value=sigma)) from exc
    if not np.isfinite(s) or s <= 0:
        raise InputError(_(
            "{name} is a standard deviation and must be above 0; got {value!r}: "
            "choose a positive value."
        ).format(name=_(name), value=sigma))
    return s


def _mu(mu: object, name: str = "mu") -> float:
    try:
        m = float(mu)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InputError(_("{name} must be a finite number; got {value!r}.").format(
            name=_(name), value=mu)) from exc
    if not np.isfinite(m):
        raise InputError(_("{name} must be a finite number; got {value!r}.").format(
            name=_(name), value=mu))
    return m


def _points(x: object) -> np.ndarray:
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(_("The points must be numbers; some values are not numbers.")) from exc
    arr = np.atleast_1d(arr)
    if arr.ndim != 1:
        raise InputError(_("The points must be a flat list of numbers; got shape {shape}.").format(
            shape=arr.shape))
    if arr.size == 0:
        raise InputError(_("Give at least one point."))
    if not np.all(np.isfinite(arr)):
        raise InputError(_("The points contain missing or infinite values: remove them."))
    return arr


def coin_likelihood(w: float | np.ndarray, heads: int = 1, tails: int = 3) -> float | np.ndarray:
    """Probability of one particular sequence of coin flips: L(w) = w^heads (1 - w)^tails.

    The notes' sequence is tails, tails, tails, heads, so ``L(w) = (1 - w)^3 w``.

    Parameters
    ----------
    w : float or ndarray of any shape
        Probability of heads, each value in [0, 1].
    heads, tails : int
        Numbers of heads and tails in the sequence.

    Returns
    -------
    float or ndarray of the shape of ``w``

    Raises
    ------
    InputError
        If ``w`` is outside [0, 1] or a count is not a whole number of 0 or more.
    """
    h, t = _count(heads, "heads"), _count(tails, "tails")
    arr = _probability(w)
    out = arr**h * (1.0 - arr) ** t  # independent flips: the probabilities multiply
    return float(out) if out.ndim == 0 else out


def coin_log_likelihood(
    w: float | np.ndarray, heads: int = 1, tails: int = 3
) -> float | np.ndarray:
    """log L(w) = heads log w + tails log(1 - w); -inf where L(w) = 0.

    Parameters
    ----------
    w : float or ndarray of any shape
        Probability of heads, each value in [0, 1].
    heads, tails : int

    Returns
    -------
    float or ndarray of the shape of ``w``
    """
    h, t = _count(heads, "heads"), _count(tails, "tails")
    arr = _probability(w)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_w = np.where(h > 0, h * np.log(arr), 0.0)  # 0 log 0 = 0 when there are no heads
        log_1mw = np.where(t > 0, t * np.log1p(-arr), 0.0)
    out = log_w + log_1mw
    return float(out) if out.ndim == 0 else out


def coin_mle(heads: int, tails: int) -> float:
    """The w that maximises w^heads (1 - w)^tails: the fraction of heads, heads / (heads + tails).

    Setting d/dw [h log w + t log(1 - w)] = h / w - t / (1 - w) to 0 gives w = h / (h + t).

    Raises
    ------
    InputError
        If there are no flips.
    """
    h, t = _count(heads, "heads"), _count(tails, "tails")
    if h + t == 0:
        raise InputError(_("With no flips every w is equally likely: give at least one flip."))
    return h / (h + t)


def gaussian_densities(x: object, mu: float, sigma: float) -> np.ndarray:
    """N(x_n | mu, sigma^2) = exp(-(x_n - mu)^2 / (2 sigma^2)) / (sigma sqrt(2 pi)) per point.

    Parameters
    ----------
    x : array-like of shape (n_samples,)
    mu : float
    sigma : float
        Standard deviation, above 0.

    Returns
    -------
    ndarray of shape (n_samples,)

    Raises
    ------
    InputError
        If ``sigma <= 0`` or a value is not a finite number.
    """
    arr, m, s = _points(x), _mu(mu), _sigma(sigma)
    return np.exp(_log_densities(arr, m, s))


def _log_densities(x: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    # log N(x | mu, sigma^2) = -(x - mu)^2 / (2 sigma^2) - log sigma - log sqrt(2 pi)
    z = (x - mu) / sigma
    return -0.5 * z * z - np.log(sigma) - _LOG_SQRT_2PI


def gaussian_log_likelihood(x: object, mu: float, sigma: float) -> float:
    """log p(x | mu, sigma) = sum_n log N(x_n | mu, sigma^2) for independent points.

    Parameters
    ----------
    x : array-like of shape (n_samples,)
    mu : float
    sigma : float
        Standard deviation, above 0.

    Returns
    -------
    float

    Raises
    ------
    InputError
        If ``sigma <= 0`` or a value is not a finite number.
    """
    arr, m, s = _points(x), _mu(mu), _sigma(sigma)
    return float(_log_densities(arr, m, s).sum())


def gaussian_likelihood(x: object, mu: float, sigma: float) -> float:
    """p(x | mu, sigma) = prod_n N(x_n | mu, sigma^2) (may underflow to 0 for many points)."""
    return float(np.exp(gaussian_log_likelihood(x, mu, sigma)))


def gaussian_mle(x: object) -> tuple[float, float]:
    """Maximum-likelihood mean and standard deviation of a 1-D Gaussian.

    mu = (1/N) sum_n x_n and sigma = sqrt((1/N) sum_n (x_n - mu)^2), the *biased* standard
    deviation (divide by N, not N - 1).

    Parameters
    ----------
    x : array-like of shape (n_samples,)

    Returns
    -------
    mu, sigma : float

    Raises
    ------
    InputError
        If there are no points or all points are equal (the likelihood then grows without
        bound as sigma shrinks).
    """
    arr = _points(x)
    mu = float(arr.mean())
    sigma = float(np.sqrt(np.mean((arr - mu) ** 2)))
    if sigma == 0.0:
        raise InputError(_(
            "All points are equal, so the likelihood grows without bound as sigma shrinks: "
            "give at least two different points."
        ))
    return mu, sigma


def gaussian_log_likelihood_grid(x: object, mus: object, sigmas: object) -> np.ndarray:
    """log p(x | mu, sigma) on a grid of means and standard deviations.

    Parameters
    ----------
    x : array-like of shape (n_samples,)
    mus : array-like of shape (n_mu,)
    sigmas : array-like of shape (n_sigma,)
        Each above 0.

    Returns
    -------
    ndarray of shape (n_sigma, n_mu)
        Entry [i, j] is sum_n log N(x_n | mus[j], sigmas[i]^2).
    """
    arr = _points(x)
    m = np.atleast_1d(np.asarray(mus, dtype=float))
    s = np.atleast_1d(np.asarray(sigmas, dtype=float))
    if m.ndim != 1 or not np.all(np.isfinite(m)):
        raise InputError(_("The grid of means must be a flat list of finite numbers."))
    if s.ndim != 1 or not np.all(np.isfinite(s) & (s > 0)):
        raise InputError(_("Every sigma of the grid must be a finite number above 0."))
    n = arr.size
    # sum_n (x_n - mu)^2 = S2 - 2 mu S1 + N mu^2, with S1, S2 the sums of x and x^2 (centred)
    c = arr.mean()
    d = arr - c
    ss = np.sum(d * d) + n * (m - c) ** 2  # shape (n_mu,)
    return (-0.5 * ss[None, :] / (s[:, None] ** 2) - n * np.log(s)[:, None]
            - n * _LOG_SQRT_2PI)
