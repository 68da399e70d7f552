"""The M-step derived, as the notes do it (Theory 8.6), with the numbers of one step.

With the responsibilities gamma(z_nk) of the E-step held fixed, set the derivative of the
log-likelihood to zero, one parameter at a time:

- mu_k: sum_n gamma(z_nk) Sigma_k^-1 (x_n - mu_k) = 0
  -> mu_k = sum_n gamma(z_nk) x_n / N_k, with N_k = sum_n gamma(z_nk);
- Sigma_k: -> Sigma_k = sum_n gamma(z_nk) (x_n - mu_k)(x_n - mu_k)^T / N_k;
- pi_k, which must sum to 1: a Lagrange multiplier,
  d/dpi_k [ln p(X | theta) + lambda (sum_k pi_k - 1)] = sum_n N(x_n | mu_k, Sigma_k) / p(x_n)
  + lambda = 0. Multiplying by pi_k gives N_k + lambda pi_k = 0; summing over k, N + lambda = 0,
  so lambda = -N and pi_k = N_k / N.

:func:`m_step_derivation` gives every number of that sequence for one E-step's gamma, and the
derivatives at the result (zero up to rounding).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmmviz.bound_curve import _theta, posterior

__all__ = ["MStepDerivation", "m_step_derivation"]


@dataclass(frozen=True)
class MStepDerivation:
    """Every number of the M-step's derivation for one E-step.

    Attributes
    ----------
    resp : ndarray of shape (n_samples, n_components)
        gamma(z_nk) at theta_old.
    nk : ndarray of shape (n_components,)
        N_k = sum_n gamma(z_nk).
    n_samples : int
        N = sum_k N_k.
    lagrange : float
        lambda = -N.
    old_weights : ndarray of shape (n_components,)
    density_sums : ndarray of shape (n_components,)
        sum_n N(x_n | mu_k, Sigma_k) / p(x_n) at theta_old, the notes' sum; it equals
        N_k / pi_k(old), and N = -lambda only once EM has settled.
    weights : ndarray of shape (n_components,)
        pi_k = N_k / N.
    means : ndarray of shape (n_components, 2)
        mu_k = sum_n gamma(z_nk) x_n / N_k.
    covariances : ndarray of shape (n_components, 2, 2)
        Sigma_k = sum_n gamma(z_nk) (x_n - mu_k)(x_n - mu_k)^T / N_k.
    grad_weights : ndarray of shape (n_components,)
        N_k / pi_k + lambda at the new pi: 0.
    grad_means : ndarray of shape (n_components, 2)
        sum_n gamma(z_nk) Sigma_k^-1 (x_n - mu_k) at the new mu and Sigma: 0.
    grad_covariances : ndarray of shape (n_components, 2, 2)
        (1/2) sum_n gamma(z_nk) [Sigma_k^-1 (x_n - mu_k)(x_n - mu_k)^T Sigma_k^-1 - Sigma_k^-1]
        at the new mu and Sigma: 0.
    """

    resp: np.ndarray
    nk: np.ndarray
    n_samples: int
    lagrange: float
    old_weights: np.ndarray
    density_sums: np.ndarray
    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    grad_weights: np.ndarray
    grad_means: np.ndarray
    grad_covariances: np.ndarray


def m_step_derivation(X: object, weights: object, means: object,
                      covariances: object) -> MStepDerivation:
    """The E-step at theta_old, then the M-step worked out as the notes derive it.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    weights, means, covariances : theta_old, shapes (K,), (K, 2), (K, 2, 2)

    Returns
    -------
    MStepDerivation
    """
    X, w, m, c = _theta(X, weights, means, covariances)
    gamma = posterior(X, w, m, c)
    nk = gamma.sum(axis=0)  # N_k = sum_n gamma(z_nk)
    n = X.shape[0]
    lagrange = -float(nk.sum())  # N + lambda = 0
    new_w = nk / -lagrange  # pi_k = N_k / N
    new_m = (gamma.T @ X) / nk[:, None]  # mu_k = sum_n gamma(z_nk) x_n / N_k
    diff = X[None, :, :] - new_m[:, None, :]  # (K, N, 2): x_n - mu_k
    new_c = np.einsum("kn,kni,knj->kij", gamma.T, diff, diff) / nk[:, None, None]
    precision = np.linalg.inv(new_c)
    # sum_n gamma(z_nk) Sigma_k^-1 (x_n - mu_k), for each k
    grad_m = np.einsum("kij,kj->ki", precision, np.einsum("kn,kni->ki", gamma.T, diff))
    scatter = np.einsum("kn,kni,knj->kij", gamma.T, diff, diff)  # N_k Sigma_k at the new mu
    grad_c = 0.5 * (precision @ scatter @ precision - nk[:, None, None] * precision)
    with np.errstate(divide="ignore"):
        density_sums = nk / w  # sum_n N(x_n | k) / p(x_n) = sum_n gamma(z_nk) / pi_k
    return MStepDerivation(gamma, nk, n, lagrange, w, density_sums, new_w, new_m, new_c,
                           nk / new_w + lagrange, grad_m, grad_c)
