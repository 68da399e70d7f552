"""What finished runs show: verdicts and numbers that the pages turn into sentences.

The thresholds live here, beside the reasoning, so that every page and notebook that asks
"did these starts end at different optima?" gets the same answer.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gmmviz import supervised
from gmmviz._errors import InputError
from gmmviz.i18n import _

if TYPE_CHECKING:
    from gmmviz._em_run import GMMRun
    from gmmviz.selection import RestartsResult

#: Final NLLs whose gap is at most this, relative to max(1, |best NLL|), count as the same end.
SAME_END_RTOL = 1e-3
#: NLLs at convergence whose gap is at most this, relative to max(1, |best NLL|), count as the
#: same optimum.
SAME_OPTIMUM_RTOL = 1e-4
#: fit_gmm settings that run a start on to the optimum it climbs to.
TO_CONVERGENCE = {"max_iter": 1000, "tol": 1e-8}
#: A component whose weight ends below this explains hardly any points.
LIGHT_WEIGHT = 0.01
#: A component that explains fewer points than this (n_samples * weight) ...
SPURIOUS_POINTS = 20.0
#: ... and whose 1-sigma ellipse has less than this share of the area of the widest
#: component's looks spurious (McLachlan and Peel 2000, section 3.10).
SPURIOUS_AREA = 0.1


class StartsOutcome(enum.Enum):
    """How runs of the same data and model from different starts ended."""

    #: every run ended at practically the same NLL
    SAME_END = "same_end"
    #: the runs ended apart; run the worst and the best on to convergence to tell why
    APART = "apart"
    #: run to convergence, the worst still ends above the best: a worse local optimum
    WORSE_OPTIMUM = "worse_optimum"
    #: run to convergence, the worst reaches the best's NLL: it only climbed more slowly
    SLOWER_CLIMB = "slower_climb"


@dataclass(frozen=True)
class StartsVerdict:
    """The verdict of :func:`compare_starts`.

    Attributes
    ----------
    outcome : StartsOutcome
    best, worst : int
        Indices of the runs with the lowest and the highest final NLL (the first of equals).
    final_nll : tuple of float, length n_runs
        Every run's final NLL, ``run.nll[-1]``.
    gap : float
        ``final_nll[worst] - final_nll[best]``, in nats (0 or more).
    converged_nll : tuple of float (worst, best), or None
        The final NLLs of the worst and the best run continued to convergence, when given.
    """

    outcome: StartsOutcome
    best: int
    worst: int
    final_nll: tuple[float, ...]
    gap: float
    converged_nll: tuple[float, float] | None = None


def _apart(high: float, low: float, rtol: float) -> bool:
    return high - low > rtol * max(1.0, abs(low))


def compare_starts(runs: Sequence[GMMRun],
                   converged: tuple[GMMRun, GMMRun] | None = None) -> StartsVerdict:
    """Did runs from different starts end at different local optima, or only climb unevenly?

    Runs of the same data and model that differ only in their start end at different NLLs
    for one of two reasons: a run is stuck at a worse local optimum, or it climbs more slowly
    and has not got there yet within the iterations it was given. Only running on tells the
    two apart, so the verdict comes in two steps: first from ``runs`` alone (SAME_END or
    APART, with the best and the worst run named), then, with ``converged``, the worst and
    the best run continued (e.g. with :data:`TO_CONVERGENCE`) decide WORSE_OPTIMUM or
    SLOWER_CLIMB.

    Parameters
    ----------
    runs : sequence of GMMRun, length n_runs >= 1
        Each with ``nll`` of shape (n_iter + 1,): the NLL at every iteration.
    converged : tuple of two GMMRun (worst, best), optional
        The runs ``runs[verdict.worst]`` and ``runs[verdict.best]`` (as the first step
        names them) fitted again from the same starts until they converge. Ignored when the
        runs ended at the same NLL.

    Returns
    -------
    StartsVerdict
        Final NLLs apart by more than :data:`SAME_END_RTOL` (relative to max(1, |best|))
        are APART, else SAME_END; continued runs apart by more than
        :data:`SAME_OPTIMUM_RTOL` are a WORSE_OPTIMUM, else a SLOWER_CLIMB.
    """
    if not runs:
        raise ValueError("compare_starts needs at least one run")
    final = np.array([float(run.nll[-1]) for run in runs])
    best, worst = int(np.argmin(final)), int(np.argmax(final))
    gap = float(final[worst] - final[best])
    verdict = StartsVerdict(StartsOutcome.APART, best, worst, tuple(final.tolist()), gap)
    if not _apart(final[worst], final[best], SAME_END_RTOL):
        return StartsVerdict(StartsOutcome.SAME_END, best, worst, verdict.final_nll, gap)
    if converged is None:
        return verdict
    end_worst, end_best = (float(run.nll[-1]) for run in converged)
    outcome = (StartsOutcome.WORSE_OPTIMUM if _apart(end_worst, end_best, SAME_OPTIMUM_RTOL)
               else StartsOutcome.SLOWER_CLIMB)
    return StartsVerdict(outcome, best, worst, verdict.final_nll, gap, (end_worst, end_best))


def last_change_per_point(nll: np.ndarray, n_samples: int) -> float:
    """How much the NLL per point moved in the last iteration: the number ``tol`` is held to.

    Parameters
    ----------
    nll : ndarray of shape (n_iter + 1,)
        A run's NLL at every iteration (``GMMRun.nll``).
    n_samples : int

    Returns
    -------
    float
        ``|nll[-1] - nll[-2]| / n_samples``; 0 for a run without iterations.
    """
    if len(nll) < 2:
        return 0.0
    return abs(float(nll[-1]) - float(nll[-2])) / n_samples


def light_components(weights: np.ndarray, min_weight: float = LIGHT_WEIGHT) -> list[int]:
    """The components whose weight is below ``min_weight``.

    Parameters
    ----------
    weights : ndarray of shape (n_components,)
    min_weight : float, default LIGHT_WEIGHT

    Returns
    -------
    list of int
        Their indices, counted from 0, in order.
    """
    return [int(j) for j in np.flatnonzero(np.asarray(weights) < min_weight)]


def spurious_components(weights: np.ndarray, covariances: np.ndarray, n_samples: int, *,
                        max_points: float = SPURIOUS_POINTS,
                        max_area: float = SPURIOUS_AREA) -> list[int]:
    """The components that look like a spurious optimum rather than a cluster.

    A spurious local maximiser of the likelihood (McLachlan and Peel 2000, section 3.10;
    scikit-learn's and mclust's documentation warn of the same) fits a component to a few
    points that lie close together: a small weight and a small generalised variance
    det(Sigma_k) set against the other components'. Its likelihood can beat the sensible
    fit's, and it grows without bound as the component closes in on fewer points. Here a
    component looks spurious when both hold:

    - it explains fewer than ``max_points`` points: ``n_samples * pi_k < max_points``;
    - its 1-sigma ellipse, of area pi * sqrt(det Sigma_k), covers less than ``max_area`` of
      the widest component's: ``sqrt(det Sigma_k / max_j det Sigma_j) < max_area``.

    Parameters
    ----------
    weights : ndarray of shape (n_components,)
    covariances : ndarray of shape (n_components, 2, 2)
    n_samples : int
        The number of points the mixture was fitted to.
    max_points : float, default SPURIOUS_POINTS
    max_area : float, default SPURIOUS_AREA

    Returns
    -------
    list of int
        Their indices, counted from 0, in order; empty for a single component.
    """
    weights, covariances = np.asarray(weights, dtype=float), np.asarray(covariances, dtype=float)
    det = np.linalg.det(covariances)  # generalised variances, shape (n_components,)
    widest = det.max()
    if weights.shape[0] < 2 or not widest > 0:
        return []
    few = n_samples * weights < max_points
    small = np.sqrt(np.clip(det, 0.0, None) / widest) < max_area  # ellipse areas' ratio
    return [int(j) for j in np.flatnonzero(few & small)]


def best_reasonable_restart(result: RestartsResult) -> int | None:
    """The restart with the lowest final NLL among those without a spurious component.

    Parameters
    ----------
    result : RestartsResult
        As :func:`gmmviz.fit_restarts` returns it.

    Returns
    -------
    int or None
        Its index (the first of equal NLLs), or None when every restart has a component
        that :func:`spurious_components` names, or none has a finite NLL.
    """
    for i in np.argsort(result.nll, kind="stable"):
        if np.isfinite(result.nll[i]) and not spurious_components(
                result.weights_[i], result.covariances_[i], result.n_samples):
            return int(i)
    return None


def rank(values: np.ndarray, index: int) -> int:
    """The place of ``values[index]`` in ``values`` sorted from lowest: 1 for the lowest.

    Parameters
    ----------
    values : ndarray of shape (n,)
        E.g. the final NLLs of n restarts.
    index : int

    Returns
    -------
    int
        From 1 to n; equal values keep their order of index.
    """
    order = np.argsort(values, kind="stable")
    return int(np.flatnonzero(order == index)[0]) + 1


def adjusted_rand_index(labels_true: object, labels_pred: object) -> float:
    """How well a fit's hard labels recover known classes: the adjusted Rand index.

    Over the n(n - 1)/2 pairs of points, with n_ij points of class i in cluster j, a_i and b_j
    the row and column sums of that table (Hubert & Arabie 1985),

        ARI = (sum_ij C(n_ij, 2) - E) / ((sum_i C(a_i, 2) + sum_j C(b_j, 2)) / 2 - E),
        E = sum_i C(a_i, 2) sum_j C(b_j, 2) / C(n, 2):

    1 when the clusters are the classes (whatever their numbering), about 0 for labels drawn
    at random, negative when worse than chance. Two partitions that cannot differ (one group
    each, or every point alone in both) score 1. Computed by
    :func:`gmmviz.supervised.adjusted_rand_index` on the labels flattened.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
        The known classes (e.g. :attr:`gmmviz.datasets.RealData.labels`).
    labels_pred : array-like of shape (n_samples,)
        The fit's labels (e.g. ``run.labels_``).

    Returns
    -------
    float
    """
    true, pred = np.asarray(labels_true).ravel(), np.asarray(labels_pred).ravel()
    if true.shape != pred.shape or true.size == 0:
        raise InputError(_("Compare labels of the same points: got {n_true} known classes "
                           "and {n_pred} fitted labels.").format(n_true=true.size,
                                                                 n_pred=pred.size))
    return supervised.adjusted_rand_index(true, pred)
