"""Why EM runs stop: the kinds of stop and their sentences, singular covariances, and where each
run of a batch stopped.

A run stops when its NLL per point changes by less than ``tol`` (:attr:`StopKind.CONVERGED`),
after ``max_iter`` iterations, when a covariance turns singular (:attr:`StopKind.COLLAPSED`) or
when the likelihood cannot be evaluated (:attr:`StopKind.NOT_EVALUABLE`). :class:`EMOutcome` is
what :func:`gmmviz.em.run_em` fills in for every run of a batch; a start EM cannot begin from gets
a sentence saying what will help (:func:`_refusal`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gmmviz import _gauss2d as g2
from gmmviz._scaling import Magnitudes, power_of_ten
from gmmviz.i18n import N_, _

if TYPE_CHECKING:
    from gmmviz._em_settings import EMSettings, ScaledData
    from gmmviz.em import EMState, Theta
    from gmmviz.starts import Start

#: Below this eigenvalue (in units of the data variance) a covariance counts as singular.
SINGULAR_EIGENVALUE = 1e-12


# --------------------------------------------------------------------------- why a run stops
class StopKind(enum.Enum):
    """Why an EM run stopped; ``GMMRun.stop_reason`` is its sentence."""

    CONVERGED = "converged"
    MAX_ITER = "max_iter"
    COLLAPSED = "collapsed"
    NOT_EVALUABLE = "not_evaluable"

    def reason(self, iteration: int, component: int = 0, where: str = "") -> str:
        """The sentence of this stop at ``iteration`` (0: the start was refused).

        ``component`` (counted from 0) and ``where`` ("a single point" or "a line") describe
        a collapse.
        """
        template = (_START_REASONS if iteration == 0 else _REASONS)[self]
        return _(template).format(iteration=iteration, component=component + 1,
                                  where=_(where) if where else where)


_REASONS = {
    StopKind.CONVERGED: N_("converged: NLL change below tol"),
    StopKind.MAX_ITER: N_("reached max_iter"),
    StopKind.COLLAPSED: N_("component {component} collapsed onto {where} at iteration {iteration}"),
    StopKind.NOT_EVALUABLE: N_("the likelihood could not be evaluated at iteration {iteration}"),
}
_START_REASONS = {
    **_REASONS,
    StopKind.COLLAPSED: N_("the start puts component {component} on {where}"),
    StopKind.NOT_EVALUABLE: N_("the likelihood could not be evaluated at the start"),
}


# --------------------------------------------------------------------------- singular covariances
def _collapsed(packed: np.ndarray, reg_covar: float) -> np.ndarray:
    """True for every component whose covariance is singular, shape (..., n_components)."""
    lo, _hi = g2.eigvalsh(packed)
    limit = SINGULAR_EIGENVALUE if reg_covar == 0 else 0.0
    return ~(lo > limit) | ~g2.is_positive_definite(packed)  # ~(lo > limit): NaN too


def _collapse_shape(packed: np.ndarray) -> str:
    """"a single point" or "a line": what one singular covariance (shape (3,)) has shrunk onto."""
    return N_("a single point") if g2.eigvalsh(packed)[1] <= SINGULAR_EIGENVALUE else N_("a line")


def collapsed_components(packed: np.ndarray, reg_covar: float) -> list[tuple[int, str]]:
    """Components whose covariance is singular, with ``"a single point"`` or ``"a line"``.

    Parameters
    ----------
    packed : ndarray of shape (n_components, 3)
        Covariances in scaled units (the data variance is about 1).
    reg_covar : float
        With ``reg_covar > 0`` only a covariance that is not numerically positive definite counts.
    """
    with np.errstate(invalid="ignore"):  # an infinite entry makes an eigenvalue NaN
        return [(int(k), _collapse_shape(packed[k]))
                for k in np.flatnonzero(_collapsed(packed, reg_covar))]


def _first_collapse(theta: Theta, reg_covar: float) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Runs with a singular covariance, and for each the first such component and its shape."""
    mask = _collapsed(theta[2], reg_covar)
    bad = mask.any(axis=-1)
    if not bad.any():
        return bad, []
    details = [(int(j), _collapse_shape(theta[2][b, j]))
               for b, j in zip(np.flatnonzero(bad), mask[bad].argmax(axis=-1), strict=True)]
    return bad, details


# --------------------------------------------------------------------------- where each run stopped
@dataclass
class EMOutcome:
    """Where each run of a batch stopped and why.

    Attributes
    ----------
    theta : tuple of ndarrays of shapes (B, K), (B, K, 2), (B, K, 3)
        The last parameters each run reached (scaled units; zeros for a refused start).
    nll : ndarray of shape (B,)
        NLL at those parameters (``inf`` for a refused start).
    n_iter : ndarray of int of shape (B,)
    kinds : list of StopKind
    reasons : list of str
        The sentence of each stop.
    """

    theta: Theta
    nll: np.ndarray
    n_iter: np.ndarray
    kinds: list[StopKind]
    reasons: list[str]

    @classmethod
    def empty(cls, n_runs: int, n_components: int) -> EMOutcome:
        theta = (np.zeros((n_runs, n_components)), np.zeros((n_runs, n_components, 2)),
                 np.zeros((n_runs, n_components, 3)))
        return cls(theta, np.full(n_runs, np.inf), np.zeros(n_runs, dtype=int),
                   [StopKind.MAX_ITER] * n_runs, [StopKind.MAX_ITER.reason(1)] * n_runs)

    @property
    def converged(self) -> np.ndarray:
        return np.array([kind is StopKind.CONVERGED for kind in self.kinds])

    def keep(self, rows: np.ndarray, state: EMState, t: int) -> None:
        """Record the state the runs ``rows`` reached at iteration t."""
        for out, values in zip(self.theta, state.theta, strict=True):
            out[rows] = values
        self.nll[rows] = state.nll
        self.n_iter[rows] = t

    def put(self, rows: np.ndarray, part: EMOutcome) -> None:
        """Copy in the outcome of the runs ``rows``, run as a batch of their own."""
        for whole, values in zip(self.theta, part.theta, strict=True):
            whole[rows] = values
        self.nll[rows], self.n_iter[rows] = part.nll, part.n_iter
        for i, row in enumerate(rows):
            self.kinds[row], self.reasons[row] = part.kinds[i], part.reasons[i]

    def stop(self, rows: np.ndarray, kind: StopKind, t: int,
             details: list[tuple[int, str]] | None = None) -> None:
        """Stop the runs ``rows`` at iteration t: the one place a kind and its sentence are set."""
        for i, row in enumerate(rows):
            component, where = (0, "") if details is None else details[i]
            self.kinds[row], self.reasons[row] = kind, kind.reason(t, component, where)


# --------------------------------------------------------------------------- refused starts
def _refusal(out: EMOutcome, s: ScaledData, settings: EMSettings, start: Start,
             explicit: tuple) -> str:
    """The sentence for a start EM cannot begin from, saying what will help."""
    var = s.scaler.variance
    if out.kinds[0] is StopKind.NOT_EVALUABLE:
        means = explicit[1] if explicit[1] is not None else start.means
        if means is None:
            return _(
                "The likelihood cannot be evaluated at the start: some points are so far from "
                "every component that their density is below what double precision holds. Give "
                "means_init and covariances_init nearer the data, or choose another "
                "initialization.")
        d = np.max(np.abs(np.asarray(means) - s.scaler.center), axis=1)
        j = int(np.argmax(d))
        return _(
            "The likelihood cannot be evaluated at the start: some points are so far from every "
            "component that their density is below what double precision holds (component "
            "{component}'s mean lies about {distance} from the data's mean). Give "
            "means_init and covariances_init nearer the data, or choose another initialization."
        ).format(component=j + 1, distance=f"{d[j]:.1e}")
    packed = start.theta[2]
    j = int(np.flatnonzero(_collapsed(packed, settings.reg_covar))[0])
    where = _(_collapse_shape(packed[j]))
    if explicit[2] is not None:
        return _("The start puts component {component} on {where}: its covariance in "
                 "covariances_init is too small next to the data's "
                 "variance (about {variance}) to be used. Give a larger covariance, or leave "
                 "covariances_init out.").format(component=j + 1, where=where,
                                                 variance=f"{var:.1e}")
    if settings.reg_covar == 0:
        return _("The start puts component {component} on {where}, so its covariance is "
                 "singular: set reg_covar above 0 or choose another "
                 "initialization.").format(component=j + 1, where=where)
    far = Magnitudes.of(s.X)
    return _("The start puts component {component} on {where}, and reg_covar = {reg_covar} is "
             "too small next to the data's "
             "variance (about {variance}) to keep its covariance positive definite: raise "
             "reg_covar to {raise_to} or more, remove far-off points (the farthest, "
             "({x}, {y}), lies about "
             "{distance} from the mean of the data), or choose another "
             "initialization.").format(
        component=j + 1, where=where, reg_covar=f"{settings.reg_covar:g}", variance=f"{var:.1e}",
        raise_to=f"{1e-10 * var:.0e}", x=f"{far.farthest[0]:.3g}", y=f"{far.farthest[1]:.3g}",
        distance=power_of_ten(far.log2_spread))
