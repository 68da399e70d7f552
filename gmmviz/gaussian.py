"""One bivariate Gaussian N(x | mu, Sigma), and a mixture of them as a generative story.

The notes write a point as x = (x0, x1) and its Gaussian with a mean mu and a 2 x 2 covariance
Sigma: the diagonal entries spread the density along x0 and along x1, the off-diagonal entry
tilts it (a positive covariance leans the ellipse to the right, a negative one to the left).
Sigma must be positive definite (both variances above 0 and Sigma_00 Sigma_11 > Sigma_01^2):
:func:`covariance_problem` says why a matrix is not.

A mixture picks a component first, z with p(z_k = 1) = pi_k, and then a point,
x ~ N(mu_k, Sigma_k); summing the joint p(x, z_k = 1) = pi_k N(x | mu_k, Sigma_k) over k gives
p(x) (:func:`sample_mixture`, :func:`joint_densities`, :func:`mixture_pdf`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtr
from sklearn.utils import check_random_state

from gmmviz import _validate as v
from gmmviz._em_posterior import component_log_prob
from gmmviz._errors import InputError
from gmmviz.datasets import TEXTBOOK_CUMULATIVE_PI, TEXTBOOK_MEANS, TEXTBOOK_STDS
from gmmviz.i18n import N_, _

__all__ = [
    "CovarianceShape", "MixtureSample", "Slice", "check_covariance", "covariance_problem",
    "covariance_shape", "density_grid",
    "density_slice", "ellipse_axes", "ellipse_mass", "joint_densities", "mixture_pdf",
    "nearest_allowed_covariance", "bivariate_density", "sample_mixture", "textbook_mixture",
]


# --------------------------------------------------------------------------- Sigma
def covariance_problem(s00: float, s01: float, s11: float) -> str | None:
    """Why Sigma = [[s00, s01], [s01, s11]] is not positive definite, or None when it is.

    Parameters
    ----------
    s00, s11 : float
        The variances along x0 and x1 (the spread per axis).
    s01 : float
        The covariance (the tilt).

    Returns
    -------
    str or None
        A sentence that says what to change.
    """
    values = np.array([s00, s01, s11], dtype=float)
    if not np.all(np.isfinite(values)):
        return _("Every entry of Σ must be a finite number.")
    for name, axis, value in (("Σ₀₀", "x₀", s00), ("Σ₁₁", "x₁", s11)):
        if value <= 0:
            return _("{name} = {value} is the variance along {axis} and must be above 0: "
                     "choose a positive value.").format(name=name, value=f"{value:g}", axis=axis)
    limit = float(np.sqrt(s00 * s11))
    if s01 * s01 >= s00 * s11:
        return _("Σ₀₁ = {s01} would make Σ not positive definite: with Σ₀₀ = {s00} and "
                 "Σ₁₁ = {s11}, det Σ = Σ₀₀ Σ₁₁ − Σ₀₁² = {det} is not "
                 "above 0, so its contours are no longer ellipses (at 0 they flatten onto a "
                 "line). Keep |Σ₀₁| below "
                 "√(Σ₀₀ Σ₁₁) = {limit}, or widen Σ₀₀ or Σ₁₁.").format(
            s01=f"{s01:g}", s00=f"{s00:g}", s11=f"{s11:g}", det=f"{s00 * s11 - s01 * s01:.3g}",
            limit=f"{limit:.3g}")
    return None


def check_covariance(covariance: object) -> np.ndarray:
    """Sigma as a (2, 2) array, or InputError saying why it cannot be a covariance.

    Parameters
    ----------
    covariance : array-like of shape (2, 2)
        Symmetric.

    Returns
    -------
    ndarray of shape (2, 2)
    """
    c = v._shaped(covariance, (2, 2), "Σ", N_("a 2 x 2 matrix"))
    if abs(c[0, 1] - c[1, 0]) > 1e-12 * max(1.0, float(np.abs(c).max())):
        raise InputError(_("Σ must be symmetric: Σ₀₁ and Σ₁₀ are one number, the covariance."))
    problem = covariance_problem(c[0, 0], c[0, 1], c[1, 1])
    if problem is not None:
        raise InputError(problem)
    return c


def nearest_allowed_covariance(s00: float, s01: float, s11: float, *,
                               margin: float = 0.95) -> tuple[np.ndarray, str | None]:
    """Sigma from its entries, with the covariance pulled inside the allowed range if needed.

    A page keeps showing a Gaussian while a slider asks for a covariance that is not allowed:
    Sigma_01 is moved to ``margin`` times the limit sqrt(Sigma_00 Sigma_11), with its sign,
    and the reason is returned to be shown.

    Parameters
    ----------
    s00, s11 : float
        Variances, above 0 (InputError otherwise: no covariance can mend them).
    s01 : float
    margin : float, default 0.95
        In (0, 1).

    Returns
    -------
    covariance : ndarray of shape (2, 2)
    reason : str or None
        :func:`covariance_problem`'s sentence when Sigma_01 was moved.
    """
    reason = covariance_problem(s00, s01, s11)
    if reason is not None and not (np.isfinite(s01) and s00 > 0 and s11 > 0):
        raise InputError(reason)
    if reason is not None:
        s01 = float(np.sign(s01)) * margin * float(np.sqrt(s00 * s11))
    return np.array([[s00, s01], [s01, s11]], dtype=float), reason


def ellipse_axes(covariance: object) -> tuple[float, float, float]:
    """The 1-sigma ellipse's semi-axes and tilt.

    Sigma = R diag(l1, l2) R^T with l1 >= l2: the semi-axes are sqrt(l1) and sqrt(l2), and the
    major axis makes the angle of R's first column with the x0 axis.

    Parameters
    ----------
    covariance : array-like of shape (2, 2)

    Returns
    -------
    major, minor : float
        Semi-axes of the 1-sigma ellipse.
    angle : float
        Of the major axis with the x0 axis, in degrees in (-90, 90]: positive (leaning right)
        when Sigma_01 > 0, negative when Sigma_01 < 0, 0 for an axis-aligned ellipse.
    """
    c = check_covariance(covariance)
    s00, s01, s11 = c[0, 0], c[0, 1], c[1, 1]
    half_trace, radius = 0.5 * (s00 + s11), float(np.hypot(0.5 * (s00 - s11), s01))
    # tan(2 angle) = 2 s01 / (s00 - s11): the eigenvector of the larger eigenvalue
    angle = 0.5 * np.degrees(np.arctan2(2.0 * s01, s00 - s11))
    if angle <= -90.0:
        angle += 180.0
    return (float(np.sqrt(half_trace + radius)), float(np.sqrt(max(half_trace - radius, 0.0))),
            float(angle))


class CovarianceShape(NamedTuple):
    """What a 2 x 2 covariance does to its Gaussian, in numbers.

    Attributes
    ----------
    det : float
        det Sigma = Sigma_00 Sigma_11 - Sigma_01^2: the squared area factor of the ellipses.
    correlation : float
        rho = Sigma_01 / sqrt(Sigma_00 Sigma_11), in (-1, 1).
    major, minor : float
        The 1-sigma ellipse's semi-axes.
    angle : float
        Its tilt in degrees (see :func:`ellipse_axes`).
    """

    det: float
    correlation: float
    major: float
    minor: float
    angle: float


def covariance_shape(covariance: object) -> CovarianceShape:
    """The determinant, correlation and ellipse of a covariance (InputError if not one)."""
    c = check_covariance(covariance)
    major, minor, angle = ellipse_axes(c)
    return CovarianceShape(float(c[0, 0] * c[1, 1] - c[0, 1] ** 2),
                           float(c[0, 1] / np.sqrt(c[0, 0] * c[1, 1])), major, minor, angle)


def ellipse_mass(n_std: float | np.ndarray) -> float | np.ndarray:
    """The probability inside the n-sigma ellipse of a bivariate Gaussian: 1 - exp(-n^2 / 2).

    The squared Mahalanobis distance of a bivariate Gaussian is chi-squared with 2 degrees of
    freedom, whose distribution function is 1 - exp(-r / 2).
    """
    n = np.asarray(n_std, dtype=float)
    out = -np.expm1(-0.5 * n * n)
    return float(out) if out.ndim == 0 else out


# --------------------------------------------------------------------------- the density
def _mean(mean: object) -> np.ndarray:
    return v._shaped(mean, (2,), "μ", N_("two numbers, (μ₀, μ₁)"))


def bivariate_density(X: object, mean: object, covariance: object) -> np.ndarray:
    """N(x | mu, Sigma) = exp(-(x - mu)^T Sigma^-1 (x - mu) / 2) / (2 pi sqrt(det Sigma)).

    Parameters
    ----------
    X : array-like of shape (n_points, 2)
    mean : array-like of shape (2,)
    covariance : array-like of shape (2, 2)
        Positive definite (InputError with the reason otherwise).

    Returns
    -------
    ndarray of shape (n_points,)
    """
    X = v.points(X)
    c = check_covariance(covariance)
    return np.exp(component_log_prob(X, np.ones(1), _mean(mean)[None], c[None])[:, 0])


def density_grid(mean: object, covariance: object, xs: object, ys: object) -> np.ndarray:
    """N(x | mu, Sigma) on a grid.

    Parameters
    ----------
    mean : array-like of shape (2,)
    covariance : array-like of shape (2, 2)
    xs : array-like of shape (n_x,)
        x0 values.
    ys : array-like of shape (n_y,)
        x1 values.

    Returns
    -------
    ndarray of shape (n_y, n_x)
        Entry [i, j] is the density at (xs[j], ys[i]), as Plotly's contour takes it.
    """
    gx, gy = np.meshgrid(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
    dens = bivariate_density(np.column_stack([gx.ravel(), gy.ravel()]), mean, covariance)
    return dens.reshape(gx.shape)


class Slice(NamedTuple):
    """The density along a line x_axis = at: ``height * N(t | center, sd^2)`` in the other
    coordinate t.

    Attributes
    ----------
    height : float
        N(at | mu_axis, Sigma_axis,axis): the marginal density of the fixed coordinate, also the
        slice's area.
    center : float
        mu_other + Sigma_01 / Sigma_axis,axis (at - mu_axis): where the slice peaks.
    sd : float
        sqrt(Sigma_other,other - Sigma_01^2 / Sigma_axis,axis): the slice's spread (the
        conditional standard deviation), narrower than the marginal one when Sigma_01 != 0.
    """

    height: float
    center: float
    sd: float

    def values(self, t: object) -> np.ndarray:
        """The slice's heights at the other coordinate's values ``t``, shape of ``t``."""
        z = (np.asarray(t, dtype=float) - self.center) / self.sd
        return self.height * np.exp(-0.5 * z * z) / (self.sd * np.sqrt(2.0 * np.pi))


def density_slice(mean: object, covariance: object, axis: int, at: float) -> Slice:
    """The 1-D slice of N(x | mu, Sigma) along the line where coordinate ``axis`` equals ``at``.

    p(x_axis = at, x_other = t) = N(at | mu_a, S_aa) N(t | mu_o + S_oa / S_aa (at - mu_a),
    S_oo - S_oa^2 / S_aa): a scaled 1-D Gaussian in t.

    Parameters
    ----------
    mean : array-like of shape (2,)
    covariance : array-like of shape (2, 2)
    axis : {0, 1}
        The coordinate held fixed: 1 slices along x0 (a horizontal line x1 = at), 0 along x1.
    at : float

    Returns
    -------
    Slice
    """
    mu, c = _mean(mean), check_covariance(covariance)
    if axis not in (0, 1):
        raise InputError(_(
            "The slice holds x0 or x1 fixed: choose axis 0 or 1; got {axis!r}.").format(axis=axis))
    at = float(at)
    if not np.isfinite(at):
        raise InputError(_("The slice's position must be a finite number."))
    other = 1 - axis
    s_aa, s_oa, s_oo = c[axis, axis], c[other, axis], c[other, other]
    z = (at - mu[axis]) / np.sqrt(s_aa)
    height = float(np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi * s_aa))
    center = float(mu[other] + s_oa / s_aa * (at - mu[axis]))
    return Slice(height, center, float(np.sqrt(s_oo - s_oa * s_oa / s_aa)))


# --------------------------------------------------------------------------- a mixture
def _mixture(weights: object, means: object, covariances: object
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    w = np.atleast_1d(np.asarray(weights, dtype=float))
    if w.ndim != 1 or w.size == 0:
        raise InputError(_("Give the weights π as a flat list with one number per component."))
    k = w.size
    w = v.weights(w, k)
    return w, v.means(means, k), v.covariances(covariances, k)


def joint_densities(X: object, weights: object, means: object, covariances: object) -> np.ndarray:
    """p(x_n, z_k = 1) = p(z_k = 1) p(x_n | z_k = 1) = pi_k N(x_n | mu_k, Sigma_k).

    Parameters
    ----------
    X : array-like of shape (n_points, 2)
    weights : array-like of shape (n_components,)
        Above 0 and summing to 1.
    means : array-like of shape (n_components, 2)
    covariances : array-like of shape (n_components, 2, 2)

    Returns
    -------
    ndarray of shape (n_points, n_components)
    """
    w, m, c = _mixture(weights, means, covariances)
    return np.exp(component_log_prob(v.points(X), w, m, c))


def mixture_pdf(X: object, weights: object, means: object, covariances: object) -> np.ndarray:
    """p(x) = sum_k pi_k N(x | mu_k, Sigma_k): the joint summed over z (marginalisation).

    Parameters are those of :func:`joint_densities`.

    Returns
    -------
    ndarray of shape (n_points,)
    """
    return joint_densities(X, weights, means, covariances).sum(axis=1)


def textbook_mixture() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The mixture the textbook's data were drawn from: weights (3,), means (3, 2) and
    (diagonal) covariances (3, 2, 2)."""
    weights = np.diff(np.r_[0.0, TEXTBOOK_CUMULATIVE_PI])
    return weights, TEXTBOOK_MEANS.copy(), np.array([np.diag(s * s) for s in TEXTBOOK_STDS])


class MixtureSample(NamedTuple):
    """Points drawn from a mixture, one by one: pick z, then x.

    Attributes
    ----------
    X : ndarray of shape (n_samples, 2)
    z : ndarray of int of shape (n_samples,)
        The component each point came from (counted from 0).
    u : ndarray of shape (n_samples,)
        The uniform number in [0, 1) that picked z: z is the first k with
        u < pi_1 + ... + pi_k.
    """

    X: np.ndarray
    z: np.ndarray
    u: np.ndarray

    def shares(self, n_components: int, first: int | None = None) -> np.ndarray:
        """How often each component was picked among the first ``first`` points (all by
        default), as fractions, shape (n_components,); zeros before any point."""
        z = self.z[:first]
        counts = np.bincount(z, minlength=n_components).astype(float)
        return counts / max(z.size, 1)


def pick_edges(weights: ArrayLike) -> np.ndarray:
    """Where each component's share of [0, 1) begins and ends when z is picked with a uniform
    u: component k is picked when edges[k] <= u < edges[k + 1].

    Parameters
    ----------
    weights : array-like of shape (n_components,)
        The mixing coefficients pi, summing to 1.

    Returns
    -------
    edges : ndarray of shape (n_components + 1,)
        0, then the running sums of pi, the last set to exactly 1 (rounding aside).
    """
    edges = np.r_[0.0, np.cumsum(np.asarray(weights, dtype=float))]
    edges[-1] = 1.0
    return edges


def sample_mixture(weights: object, means: object, covariances: object, n_samples: int, *,
                   random_state: int | np.random.RandomState | None = None) -> MixtureSample:
    """Draw points from a Gaussian mixture: for each, pick z with p(z_k = 1) = pi_k, then draw
    x from N(mu_z, Sigma_z).

    The draws are made point by point, so the first m points of a larger sample are the m
    points of a sample of m with the same ``random_state``.

    Parameters
    ----------
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, 2)
    covariances : array-like of shape (n_components, 2, 2)
    n_samples : int
        0 or more.
    random_state : int, RandomState or None

    Returns
    -------
    MixtureSample
    """
    w, m, c = _mixture(weights, means, covariances)
    n = v.count(n_samples, "n_samples", 0, 10_000_000)
    rng = check_random_state(v.random_state(random_state))
    draws = rng.standard_normal((n, 3))  # per point: one number for z, two for x
    u = ndtr(draws[:, 0])  # uniform on [0, 1)
    edges = pick_edges(w)[1:]
    z = np.minimum(np.searchsorted(edges, u, side="right"), w.size - 1)  # first k: u < sum pi
    # x = mu_z + L_z e with Sigma_z = L_z L_z^T (Cholesky) and e standard normal
    chol = np.linalg.cholesky(c)
    X = m[z] + np.einsum("nij,nj->ni", chol[z], draws[:, 1:])
    return MixtureSample(X, z.astype(int), u)
