"""Bayes' rule at arbitrary points under a recorded step's parameters, in the user's units.

:func:`component_log_prob` gives log pi_k + log N(x | mu_k, Sigma_k) at every point;
:func:`bayes_terms`, :func:`predict_proba` and :func:`mixture_density` normalise it into the
pieces of Bayes' rule for one point, the posterior gamma_nk, and the density p(x).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gmmviz import _gauss2d as g2
from gmmviz._scaling import Scaler, safe_mean

if TYPE_CHECKING:
    from gmmviz._em_run import GMMStep


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
