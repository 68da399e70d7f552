"""The checked settings of an EM run, and the data in the units every step computes with.

:class:`EMSettings` checks each setting when it is made (every mistake is an InputError).
:class:`ScaledData` holds the data centred and scaled by a power of two (see
:mod:`gmmviz._scaling`), with ``reg_covar`` and the fixed covariance in the same units; it refuses
those too far from the data's variance for double precision.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gmmviz import _gauss2d as g2
from gmmviz import _validate as v
from gmmviz._em_stops import SINGULAR_EIGENVALUE
from gmmviz._errors import InputError
from gmmviz._scaling import Scaler, unit_factor
from gmmviz.i18n import N_, _

# Covariances held fixed or added (reg_covar) must lie within this factor of the data variance,
# so that determinants and precisions stay inside double precision.
_RELATIVE_RANGE = 1e150
# Smallest eps / variance of a fixed covariance: below it the squared distances, computed from
# quadratic features with an error of about 1e-16 of the data's variance, would be off by more
# than 1e-6 of eps, and the likelihood could rise where EM must lower it.
_SMALLEST_FIXED = 1e-10


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
        eps = N_("The fixed covariance eps")
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
            raise InputError(_(
                "reg_covar = {reg_covar} is more than {ratio} times the "
                "data's variance (about {variance}): every component would be a round blob far "
                "wider than the data. Lower reg_covar to {lower_to} or less (a millionth "
                "of the variance), or multiply the data by {factor}."
            ).format(reg_covar=f"{settings.reg_covar:g}", ratio=f"{_RELATIVE_RANGE:.0e}",
                     variance=f"{var:.1e}", lower_to=f"{1e-6 * var:.0e}",
                     factor=unit_factor(scaler.exponent)))
        fixed = None
        if settings.fixed_covariance is not None:
            fixed = settings.fixed_covariance / var
            if not _SMALLEST_FIXED <= fixed <= _RELATIVE_RANGE:
                message = (
                    N_("The fixed covariance eps = {eps} is too small next to the data's "
                       "variance (about {variance}): choose eps between {low} and {high}.")
                    if fixed < 1 else
                    N_("The fixed covariance eps = {eps} is too large next to the data's "
                       "variance (about {variance}): choose eps between {low} and {high}."))
                raise InputError(_(message).format(
                    eps=f"{settings.fixed_covariance:g}", variance=f"{var:.1e}",
                    low=f"{var * _SMALLEST_FIXED:.0e}", high=f"{var * _RELATIVE_RANGE:.0e}"))
        Xs = scaler.x(X)
        return cls(X, scaler, Xs, g2.quad_features(Xs), reg, fixed)

    def nll(self, log_prob_norm: np.ndarray) -> np.ndarray:
        """-sum_n log p(x_n | theta) in the user's units, one value per leading (batch) index."""
        return -(log_prob_norm.sum(axis=-1) + log_prob_norm.shape[-1] * self.scaler.log_jacobian())

    def data_covariance(self, covariance_type: str) -> np.ndarray:
        """The data covariance in the form of covariance_type, made positive definite, plus reg.

        Shape (3,), scaled units; computed once per type (every random start uses it).
        """
        from gmmviz.em import m_step  # gmmviz.em imports this module

        if covariance_type not in self._data_covariances:
            # one component holding every point (tied is then full)
            _w, _m, packed = m_step(self.Xs, self.F, np.ones((1, self.X.shape[0])), 0.0,
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
