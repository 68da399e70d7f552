"""Closed forms for bivariate Gaussians.

Covariances are packed as ``(..., 3)`` arrays ``[s00, s01, s11]``; responsibilities and
log-probabilities are laid out component-major, ``(..., n_components, n_samples)``, so
that every reduction over components runs over contiguous rows.
"""

from __future__ import annotations

import numpy as np

LOG_2PI = float(np.log(2.0 * np.pi))

# A component whose precision times the squared data radius exceeds this is evaluated
# from centred coordinates instead of the expanded quadratic form (cancellation guard).
_EXPANDED_LIMIT = 1e8
# Below this size of its entries, a determinant s00 * s11 - s01**2 can underflow.
_SMALL_ENTRY = 1e-140


def pack(covariances: np.ndarray) -> np.ndarray:
    """(..., 2, 2) symmetric matrices -> (..., 3) ``[s00, s01, s11]``."""
    c = np.asarray(covariances, dtype=float)
    return np.stack([c[..., 0, 0], 0.5 * (c[..., 0, 1] + c[..., 1, 0]), c[..., 1, 1]], axis=-1)


def unpack(packed: np.ndarray) -> np.ndarray:
    """(..., 3) ``[s00, s01, s11]`` -> (..., 2, 2) symmetric matrices."""
    s00, s01, s11 = packed[..., 0], packed[..., 1], packed[..., 2]
    return np.stack([np.stack([s00, s01], -1), np.stack([s01, s11], -1)], -2)


def det(packed: np.ndarray) -> np.ndarray:
    """Determinant s00 * s11 - s01**2, shape (...)."""
    return packed[..., 0] * packed[..., 2] - packed[..., 1] ** 2


def eigvalsh(packed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest eigenvalue of each packed 2 x 2 matrix, each of shape (...)."""
    half_trace = 0.5 * (packed[..., 0] + packed[..., 2])
    radius = np.hypot(0.5 * (packed[..., 0] - packed[..., 2]), packed[..., 1])
    return half_trace - radius, half_trace + radius


def _safe(d: np.ndarray) -> bool:
    """True when every determinant is finite and far from underflow (the usual case)."""
    return d.size == 0 or bool(d.min() > _SMALL_ENTRY**2 and d.max() < np.inf)


def _far_from_one(packed: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Where s00 * s11 - s01**2 may have left the float range (entries beyond about 1e+-140)."""
    t = np.maximum(np.abs(packed[..., 0]), np.abs(packed[..., 2]))
    return ~np.isfinite(d) | (t < _SMALL_ENTRY)


def _unit_det(packed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """det(Sigma / t) and t = max(|s00|, |s11|): det Sigma = t**2 det(Sigma / t), in range."""
    t = np.maximum(np.abs(packed[..., 0]), np.abs(packed[..., 2]))
    u = packed / t[..., None]
    return u[..., 0] * u[..., 2] - u[..., 1] ** 2, t


def is_positive_definite(packed: np.ndarray) -> np.ndarray:
    """True where the matrix is symmetric positive definite (and finite)."""
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        d = det(packed)
        if _safe(d):
            return packed[..., 0] > 0
        off = _far_from_one(packed, d)
        if np.any(off):
            d = np.where(off, _unit_det(packed)[0], d)  # the sign of det, without overflow
    return np.all(np.isfinite(packed), axis=-1) & (d > 0) & (packed[..., 0] > 0)


def log_det_and_precision(
    packed: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """log det Sigma and the precision Sigma^-1 = [[a, b], [b, c]] of every packed matrix.

    Returns ``(log_det, a, b, c)``, each of shape (...). By the 2 x 2 inverse formula; where the
    determinant would over- or underflow, from Sigma / t with t its largest diagonal entry.
    """
    s00, s01, s11 = packed[..., 0], packed[..., 1], packed[..., 2]
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        d = s00 * s11 - s01 * s01
        a, b, c, log_d = s11 / d, -s01 / d, s00 / d, np.log(d)
        off = None if _safe(d) else _far_from_one(packed, d)
        if off is not None and np.any(off):
            du, t = _unit_det(packed[off])
            ud = du * t  # det / t, in range for a positive definite matrix
            a[off], b[off], c[off] = s11[off] / t / ud, -s01[off] / t / ud, s00[off] / t / ud
            log_d[off] = np.log(du) + 2.0 * np.log(t)
    return log_d, a, b, c


def quad_features(X: np.ndarray) -> np.ndarray:
    """Features whose linear combinations give any quadratic form in x.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)

    Returns
    -------
    F : ndarray of shape (n_samples, 6)
        Columns ``[x0**2, x0*x1, x1**2, x0, x1, 1]``.
    """
    x0, x1 = X[:, 0], X[:, 1]
    return np.column_stack([x0 * x0, x0 * x1, x1 * x1, x0, x1, np.ones_like(x0)])


def weighted_log_prob(
    X: np.ndarray,
    F: np.ndarray,
    weights: np.ndarray,
    means: np.ndarray,
    packed: np.ndarray,
) -> np.ndarray:
    """log pi_k + log N(x_n | mu_k, Sigma_k) for every component and point.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    F : ndarray of shape (n_samples, 6)
        ``quad_features(X)``.
    weights : ndarray of shape (..., n_components)
    means : ndarray of shape (..., n_components, 2)
    packed : ndarray of shape (..., n_components, 3)
        Positive-definite covariances.

    Returns
    -------
    wlp : ndarray of shape (..., n_components, n_samples)
    """
    log_d, a, b, c = log_det_and_precision(packed)
    m0, m1 = means[..., 0], means[..., 1]
    const = np.log(weights) - LOG_2PI - 0.5 * log_d
    # (x - mu)^T P (x - mu) expanded into the six features of quad_features.
    W = np.stack(
        [
            -0.5 * a,
            -b,
            -0.5 * c,
            a * m0 + b * m1,
            b * m0 + c * m1,
            const - 0.5 * (a * m0 * m0 + 2.0 * b * m0 * m1 + c * m1 * m1),
        ],
        axis=-2,
    )  # (..., 6, K)
    Wt = np.swapaxes(W, -1, -2)
    # one product for the whole batch: (..., K, 6) rows times the 6 features of every point
    wlp = (Wt.reshape(-1, 6) @ F.T).reshape(Wt.shape[:-1] + (F.shape[0],))
    radius2 = float(np.max(F[:, 0] + F[:, 2])) + 1.0
    sharp = (np.abs(a) + np.abs(b) + np.abs(c)) * (radius2 + m0 * m0 + m1 * m1) > _EXPANDED_LIMIT
    for idx in zip(*np.nonzero(sharp), strict=True):
        # A narrow component: evaluate the quadratic form from centred coordinates.
        dx = X[:, 0] - m0[idx]
        dy = X[:, 1] - m1[idx]
        maha = a[idx] * dx * dx + 2.0 * b[idx] * dx * dy + c[idx] * dy * dy
        wlp[idx] = const[idx] - 0.5 * maha
    return wlp


def log_normalize(wlp: np.ndarray, in_place: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Bayes' rule in log space: posterior over components for every point.

    Parameters
    ----------
    wlp : ndarray of shape (..., n_components, n_samples)
    in_place : bool
        Overwrite ``wlp`` with the posterior (saves a copy when wlp is not needed after).

    Returns
    -------
    resp : ndarray of shape (..., n_components, n_samples)
        gamma_nk = exp(wlp_nk - log sum_j exp(wlp_nj)).
    log_prob_norm : ndarray of shape (..., n_samples)
        log p(x_n | theta) by log-sum-exp.
    """
    top = wlp.max(axis=-2, keepdims=True)
    e = np.subtract(wlp, top, out=wlp if in_place else None)
    np.exp(e, out=e)
    s = e.sum(axis=-2, keepdims=True)
    e /= s
    return e, (top + np.log(s))[..., 0, :]
