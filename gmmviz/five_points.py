"""The notes' five points 1, 4, 5, 6, 9 under two Gaussians, orange O(x) and blue B(x).

Each point's probability under a Gaussian is its density, O(x_n); the points are independent,
so the likelihood of a Gaussian is the product O(1) O(4) O(5) O(6) O(9), larger for the Gaussian
closer to the maximum-likelihood one (orange, in the notes).

The notes write the probability of point 1 under orange as O(1) / (O(1) + O(4) + O(5) + O(6)
+ O(9)). That is not the model's probability: it shares 1 among the five points seen, whatever
the Gaussian, and the product of five shares summing to 1 is largest when all are 1/5, i.e. for
an ever wider Gaussian anywhere on the line (:func:`notes_normalised`). The likelihood uses the
densities themselves.

With two Gaussians, each point may be labelled orange or blue: a labelling z has likelihood
prod_n N(x_n | mu_{z_n}, sigma_{z_n}^2), and the best labelling gives every point its more likely
Gaussian (:func:`labellings`). Weighting each labelling by prod_n pi_{z_n} and summing over all of
them gives the mixture's likelihood prod_n sum_k pi_k N(x_n | mu_k, sigma_k^2): the sum over z.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from gmmviz import _validate as v
from gmmviz._errors import InputError
from gmmviz.i18n import _
from gmmviz.likelihood import NOTES_POINTS, _log_densities, _mu, _points, _sigma

__all__ = [
    "NOTES_BLUE", "NOTES_ORANGE", "NOTES_POINTS", "labellings", "mixture_log_likelihood",
    "notes_normalised",
]

#: The orange Gaussian (mu, sigma) as the notes draw it: over the middle of the points.
NOTES_ORANGE = (5.0, 2.0)
#: The blue Gaussian (mu, sigma) as the notes draw it: off to the left of the points.
NOTES_BLUE = (1.0, 2.0)
#: The two Gaussians' names and letters, in the order of ``gaussians`` arguments.
NAMES = ("orange", "blue")


def _gaussians(gaussians: object) -> list[tuple[float, float]]:
    try:
        raw = [(mu, sigma) for mu, sigma in gaussians]  # type: ignore[attr-defined]
    except (TypeError, ValueError) as exc:
        raise InputError(_("Give each Gaussian as a pair (mu, sigma).")) from exc
    pairs = [(_mu(mu), _sigma(sigma)) for mu, sigma in raw]
    if not 1 <= len(pairs) <= 4:
        raise InputError(_("Give one to four Gaussians; got {n}.").format(n=len(pairs)))
    return pairs


def notes_normalised(x: object, mu: float, sigma: float) -> np.ndarray:
    """The notes' shares O(x_n) / sum_m O(x_m): the densities rescaled to sum to 1 over the
    points seen (not probabilities of the model).

    Parameters
    ----------
    x : array-like of shape (n_samples,)
    mu, sigma : float

    Returns
    -------
    ndarray of shape (n_samples,)
        Summing to 1; their product is at most (1 / n_samples)^n_samples, reached as sigma grows
        without bound.
    """
    log_d = _log_densities(_points(x), _mu(mu), _sigma(sigma))
    w = np.exp(log_d - log_d.max())
    return w / w.sum()


def labellings(x: object = NOTES_POINTS, gaussians: object = (NOTES_ORANGE, NOTES_BLUE),
               weights: object = None) -> pd.DataFrame:
    """Every way to label the points with one of the Gaussians, most likely first.

    Parameters
    ----------
    x : array-like of shape (n_samples,), default the notes' five points
        At most 10 points (K^N labellings).
    gaussians : sequence of (mu, sigma), default the notes' orange and blue
    weights : array-like of shape (n_gaussians,), optional
        pi_k; by default equal.

    Returns
    -------
    pandas.DataFrame, one row per labelling, with columns
        labels : str
            One letter per point, its Gaussian's initial ("OOBOO": the third point blue).
        log_likelihood : float
            sum_n ln N(x_n | mu_{z_n}, sigma_{z_n}^2).
        likelihood : float
            Its exponential.
        log_joint : float
            ln p(X, z) = sum_n ln pi_{z_n} N(x_n | mu_{z_n}, sigma_{z_n}^2); the log of the sum
            of exp(log_joint) over all rows is :func:`mixture_log_likelihood`.
    """
    pts, pairs = _points(x), _gaussians(gaussians)
    if pts.size > 10:
        raise InputError(_("{k}^{n} labellings are too many to list: give at "
                           "most 10 points.").format(k=len(pairs), n=pts.size))
    pi = _pi(weights, len(pairs))
    log_d = np.array([_log_densities(pts, mu, sigma) for mu, sigma in pairs])  # (K, N)
    letters = [name[0].upper() for name in NAMES] + ["C", "D"]
    rows = []
    for z in itertools.product(range(len(pairs)), repeat=pts.size):
        ll = float(log_d[list(z), np.arange(pts.size)].sum())
        rows.append(("".join(letters[k] for k in z), ll, float(np.exp(ll)),
                     ll + float(np.log(pi[list(z)]).sum())))
    frame = pd.DataFrame(rows, columns=["labels", "log_likelihood", "likelihood", "log_joint"])
    return frame.sort_values("log_likelihood", ascending=False, kind="stable").reset_index(
        drop=True)


def _pi(weights: object, k: int) -> np.ndarray:
    return np.full(k, 1.0 / k) if weights is None else v.weights(weights, k)


def mixture_log_likelihood(x: object = NOTES_POINTS,
                           gaussians: object = (NOTES_ORANGE, NOTES_BLUE),
                           weights: object = None) -> float:
    """ln p(X) = sum_n ln sum_k pi_k N(x_n | mu_k, sigma_k^2) for a 1-D mixture.

    Parameters are those of :func:`labellings` (any number of points).
    """
    pts, pairs = _points(x), _gaussians(gaussians)
    pi = _pi(weights, len(pairs))
    lj = np.array([np.log(p) + _log_densities(pts, mu, sigma)
                   for p, (mu, sigma) in zip(pi, pairs, strict=True)])
    top = lj.max(axis=0)
    return float(np.sum(top + np.log(np.exp(lj - top).sum(axis=0))))
