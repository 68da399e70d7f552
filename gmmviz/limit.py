"""K-means as the hard limit of EM: every covariance held at eps * I, eps -> 0.

With Sigma_k = eps * I the Gaussian is N(x | mu_k, eps I) ∝ exp(-||x - mu_k||^2 / (2 eps)), so the
E-step's responsibilities are

    gamma_nk = pi_k exp(-||x_n - mu_k||^2 / 2 eps) / sum_j pi_j exp(-||x_n - mu_j||^2 / 2 eps).

As eps -> 0 the term with the smallest distance dominates every sum and gamma_nk tends to the
hard assignment r_nk of K-means (for any weights pi_k > 0); the M-step's mean
mu_k = sum_n gamma_nk x_n / sum_n gamma_nk then becomes K-means' update. This module fits that
model, compares it with K-means from the same centres, and sweeps eps.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from gmmviz import _validate as v
from gmmviz._em_run import GMMRun
from gmmviz._errors import InputError
from gmmviz.em import fit_gmm
from gmmviz.i18n import _
from gmmviz.kmeans import KMeansRun, fit_kmeans

EPS_STEPS: tuple[float, ...] = tuple(
    float(f"{m}e{e}") for e in range(-4, 2) for m in (1, 2, 5)
) + (100.0,)
"""A 1-2-5 ladder of eps values from 1e-4 to 100 (in the data's squared units), for a log-scale
slider."""


def eps_grid(low: float = 1e-4, high: float = 100.0, n: int = 25) -> np.ndarray:
    """``n`` eps values evenly spaced in log10 from ``low`` to ``high``, shape (n,)."""
    if not (0 < low < high) or n < 2:
        raise InputError(_("The eps range needs 0 < low < high and at least two values."))
    return np.logspace(np.log10(low), np.log10(high), int(n))


def fit_eps_limit(
    X: object,
    centers_init: object,
    eps: float,
    *,
    learn_weights: bool = True,
    max_iter: int = 100,
    tol: float = 1e-6,
) -> GMMRun:
    """EM with every covariance held at ``eps * I``: only the means (and weights) are learned.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    centers_init : array-like of shape (n_components, 2)
        Starting means (the same centres K-means starts from); the weights start equal.
    eps : float
        The shared variance, above 0.
    learn_weights : bool
        True: the M-step re-estimates pi_k = N_k / N (the textbook's EM). False: the weights stay
        at 1 / K and only the means are learned.
    max_iter : int
    tol : float
        Stop when the NLL per point changes by less than ``tol``.

    Returns
    -------
    GMMRun
        Every step's covariances are exactly ``eps * I``.
    """
    X = v.points(X)
    centers = np.asarray(centers_init, dtype=float) if centers_init is not None else None
    if centers is None or centers.ndim != 2:
        raise InputError(_("The starting centres must be a table of K rows and 2 columns."))
    k = v.component_count(X, centers.shape[0])
    centers = v.means(centers, k)
    return fit_gmm(X, k, init="identical", weights_init=np.full(k, 1.0 / k), means_init=centers,
                   fixed_covariance=eps, learn_weights=learn_weights, max_iter=max_iter, tol=tol)


def match_components(a: object, b: object) -> np.ndarray:
    """The one-to-one pairing of two sets of centres with the smallest total distance.

    Solves the assignment problem on d_ij = ||a_i - b_j|| (Hungarian algorithm), so the pairing
    does not depend on the order of either set.

    Parameters
    ----------
    a, b : array-like of shape (n_components, 2)

    Returns
    -------
    ndarray of shape (n_components,), dtype int
        ``a[i]`` is paired with ``b[perm[i]]``; ``perm`` is a permutation of ``0..K-1``.

    Raises
    ------
    InputError
        If the two sets do not have the same number of centres.
    """
    a = np.atleast_2d(np.asarray(a, dtype=float))
    b = np.atleast_2d(np.asarray(b, dtype=float))
    if a.shape != b.shape:
        raise InputError(_(
            "Both sets need the same number of centres; got {a} and {b}.").format(
            a=a.shape[0], b=b.shape[0]))
    # d_ij = ||a_i - b_j||, then the pairing with the smallest sum of d_ij; for a square
    # matrix the rows come back as 0..K-1 in order
    d = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1))
    _rows, cols = linear_sum_assignment(d)
    return cols


def center_distance(a: object, b: object, *, reduce: str = "max") -> float:
    """Distance between two sets of centres, matched one to one.

    The centres are paired by :func:`match_components`, the assignment that minimises the
    total Euclidean distance, so the answer does not depend on the order of either set.

    Parameters
    ----------
    a, b : array-like of shape (n_components, 2)
    reduce : {"max", "mean"}
        The largest or the mean distance over the matched pairs.

    Returns
    -------
    float
    """
    perm = match_components(a, b)
    if reduce not in ("max", "mean"):
        raise InputError(_("reduce must be 'max' or 'mean'."))
    a = np.atleast_2d(np.asarray(a, dtype=float))
    b = np.atleast_2d(np.asarray(b, dtype=float))
    matched = np.sqrt(((a - b[perm]) ** 2).sum(axis=-1))
    return float(matched.max() if reduce == "max" else matched.mean())


def hardness(resp: np.ndarray) -> float:
    """Mean over points of max_k gamma_nk: 1/K for even responsibilities, 1 for hard ones.

    Parameters
    ----------
    resp : ndarray of shape (n_samples, n_components)
    """
    resp = np.atleast_2d(np.asarray(resp, dtype=float))
    return float(resp.max(axis=1).mean())


def eps_sweep(
    X: object,
    centers_init: object,
    eps_values: Sequence[float] | np.ndarray,
    *,
    learn_weights: bool = True,
    max_iter: int = 100,
    tol: float = 1e-6,
    kmeans: KMeansRun | None = None,
) -> pd.DataFrame:
    """Fit the eps-limit model for every eps and compare each fit with K-means.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    centers_init : array-like of shape (n_components, 2)
        Where both EM and K-means start.
    eps_values : sequence of float
    learn_weights, max_iter, tol
        As in :func:`fit_eps_limit`.
    kmeans : KMeansRun, optional
        K-means from ``centers_init``; fitted here (with ``max_iter``) when not given.

    Returns
    -------
    pandas.DataFrame
        One row per eps, in the given order, with columns ``eps``, ``distance`` (the largest
        matched distance between the EM means and the K-means centres), ``hardness`` (mean
        max-responsibility at the fit), ``nll`` (of the fit) and ``n_iter``.
    """
    X = v.points(X)
    centers = np.asarray(centers_init, dtype=float)
    if kmeans is None:
        kmeans = fit_kmeans(X, centers.shape[0], centers_init=centers, max_iter=max_iter)
    rows = []
    for eps in eps_values:
        run = fit_eps_limit(X, centers, float(eps), learn_weights=learn_weights,
                            max_iter=max_iter, tol=tol)
        rows.append({
            "eps": float(eps),
            "distance": center_distance(run.means_, kmeans.centers_),
            "hardness": hardness(run.resp_),
            "nll": run.final.nll,
            "n_iter": run.n_iter_,
        })
    return pd.DataFrame(rows, columns=["eps", "distance", "hardness", "nll", "n_iter"])
