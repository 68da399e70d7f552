"""Centring and power-of-two scaling, judged in log2 so that no magnitude over- or underflows.

EM works on x_scaled = (x - center) / scale with scale = 2**exponent near the data's standard
deviation: dividing by a power of two is exact, so every result maps back to the user's units
without rounding. Data whose variance, or whose largest squared deviation, cannot be held in
double precision are refused with a sentence that says how to rescale them: the standard
deviation must be at least 2**-505 (about 1.9e-152) and no point may lie more than 2**509 (about
1.7e+153) from the mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gmmviz._errors import InputError
from gmmviz.i18n import _

LOG2_SD_MIN = -505  # sd**2 >= 2**-1010: the data's variance is a normal double
LOG2_SPREAD_MAX = 509  # (2 * spread)**2 <= 2**1020: every covariance of the data is finite
_LOG10_2 = math.log10(2.0)


def power_of_ten(log2_value: float) -> str:
    """A magnitude given by its log2 as "1e+200" (never over- or underflows)."""
    return f"1e{round(log2_value * _LOG10_2):+d}"


def unit_factor(log2_sd: float) -> str:
    """The power of ten that brings a standard deviation to about 1, at most 1e+300 (a float)."""
    return f"1e+{min(abs(round(log2_sd * _LOG10_2)), 300)}"


def safe_mean(X: np.ndarray) -> np.ndarray:
    """Column means of X, shape (2,), also when the plain sum would overflow."""
    center = X.mean(axis=0)
    if np.all(np.isfinite(center)):
        return center
    # sum of x / 2**e, then times 2**e: exact, as both are powers of two
    e = math.frexp(float(np.max(np.abs(X))))[1]
    return np.ldexp(np.ldexp(X, -e).mean(axis=0), e)


@dataclass(frozen=True)
class Magnitudes:
    """Where the data sit and how far they spread, as logarithms base 2.

    Attributes
    ----------
    center : ndarray of shape (2,)
        The mean of the data.
    log2_spread : float
        log2 of the largest |x_nd - center_d| (``-inf`` when every point is the same).
    log2_sd : float
        log2 of the root mean square of x - center over both coordinates.
    farthest : ndarray of shape (2,)
        The point that sets the spread.
    sd : float
        The root mean square itself, once ``check`` passed (as the data's scale is computed).
    """

    center: np.ndarray
    log2_spread: float
    log2_sd: float
    farthest: np.ndarray
    sd: float = 0.0

    @classmethod
    def of(cls, X: np.ndarray) -> Magnitudes:
        center = safe_mean(X)
        half = 0.5 * X - 0.5 * center  # (x - center) / 2: cannot overflow
        size = np.max(np.abs(half), axis=1)
        n = int(np.argmax(size))
        big = float(size[n])
        if big == 0.0:
            return cls(center, -math.inf, -math.inf, X[n])
        rms = float(np.sqrt(np.mean((half / big) ** 2)))  # sd / spread, in (0, 1]
        log2_spread = math.log2(big) + 1.0
        sd = rms * (2.0 * big)  # inf beyond the float range: check() refuses it first
        return cls(center, log2_spread, math.log2(rms) + log2_spread, X[n], sd)

    def check(self) -> None:
        """Raise InputError when the data's variance or squared spread leaves double precision.

        Identical points (no spread at all) pass: they are a valid, if degenerate, data set.
        """
        if self.log2_spread == -math.inf:
            return
        if self.log2_sd < LOG2_SD_MIN:
            raise InputError(_(
                "The data spread too little to fit: their standard deviation is about "
                "{sd}, and its square is below the smallest number "
                "double precision holds. Multiply the data by {factor} "
                "(the fit is the same in any unit)."
            ).format(sd=power_of_ten(self.log2_sd), factor=unit_factor(self.log2_sd)))
        if self.log2_spread > LOG2_SPREAD_MAX:
            x, y = self.farthest
            raise InputError(_(
                "The data spread too far to fit: the point ({x}, {y}) lies about "
                "{distance} from the mean of the data, and squares that "
                "large overflow double precision. Remove far-off points, or divide the data by "
                "{factor} (the fit is the same in any unit)."
            ).format(x=f"{x:.3g}", y=f"{y:.3g}", distance=power_of_ten(self.log2_spread),
                     factor=unit_factor(self.log2_sd)))


@dataclass(frozen=True)
class Scaler:
    """x_scaled = (x - center) / scale, with scale = 2**exponent (exact to invert)."""

    center: np.ndarray
    exponent: int

    @classmethod
    def fit(cls, X: np.ndarray) -> Scaler:
        """Centre on the mean and scale by the power of two nearest the standard deviation.

        Raises InputError for data outside the range described in the module's docstring.
        """
        m = Magnitudes.of(X)
        m.check()
        if m.log2_spread == -math.inf:
            return cls(m.center, 0)
        return cls(m.center, int(np.round(np.log2(m.sd))))

    @property
    def scale(self) -> float:
        return math.ldexp(1.0, self.exponent)

    @property
    def variance(self) -> float:
        """scale**2: the unit of every covariance in scaled coordinates."""
        return math.ldexp(1.0, 2 * self.exponent)

    def x(self, X: np.ndarray) -> np.ndarray:
        return (X - self.center) / self.scale

    def means_in(self, means: np.ndarray) -> np.ndarray:
        """Means in scaled units (``inf`` for a mean too far to be held there)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return (np.asarray(means, dtype=float) - self.center) / self.scale

    def means_out(self, means: np.ndarray) -> np.ndarray:
        return means * self.scale + self.center

    def log_jacobian(self) -> float:
        """log |d x_scaled / d x| for one 2-D point: p(x) = p_scaled(x_scaled) / scale**2."""
        return -2.0 * math.log(self.scale)
