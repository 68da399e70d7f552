"""K-means by Lloyd's algorithm, recorded half-step by half-step.

Assign each point to the nearest centre, move each centre to the mean of its points, repeat.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn.utils import check_random_state

from gmmviz import _validate as v
from gmmviz._errors import InputError
from gmmviz._scaling import Magnitudes, power_of_ten, unit_factor
from gmmviz.i18n import _
from gmmviz.starts import KMEANS_INITS, TEXTBOOK_CENTERS, distinct_points, plusplus_centers

_LOG2_J_MAX = 1022  # the distortion J must stay below 2**1022

@dataclass(frozen=True)
class KMeansStep:
    """One recorded half-step of K-means.

    Attributes
    ----------
    kind : {"init", "assign", "update"}
    iteration : int
    centers : ndarray of shape (n_clusters, 2)
    labels : ndarray of shape (n_samples,)
        At the start every point is in the first cluster, as the notes begin.
    distortion : float
        J = sum_n ||x_n - mu_label(n)||^2 for these centres and labels.
    empty : tuple of int
        Clusters left without points by this step; an update keeps their old centre.
    """

    kind: str
    iteration: int
    centers: np.ndarray
    labels: np.ndarray
    distortion: float
    empty: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        """A caption such as "Iteration 2 · assign: each point to its nearest centre"."""
        if self.kind == "init":
            return "Start"
        what = ("assign: each point to its nearest centre" if self.kind == "assign"
                else "update: each centre to the mean of its points")
        return f"Iteration {self.iteration} · {what}"


@dataclass
class KMeansRun:
    """A whole K-means run.

    Attributes
    ----------
    steps : list of KMeansStep
        "init", then "assign" and "update" for every iteration.
    centers_ : ndarray of shape (n_clusters, 2)
    labels_ : ndarray of shape (n_samples,)
    n_iter_ : int
    converged_ : bool
        True when an assign step left every point where it was.
    stop_reason : str
    """

    X: np.ndarray
    steps: list[KMeansStep]
    converged_: bool
    stop_reason: str

    @property
    def distortion(self) -> np.ndarray:
        """J after each assign step, shape (n_iter_,)."""
        return np.array([s.distortion for s in self.steps if s.kind == "assign"])

    @property
    def centers_(self) -> np.ndarray:
        return self.steps[-1].centers

    @property
    def labels_(self) -> np.ndarray:
        return self.steps[-1].labels

    @property
    def n_iter_(self) -> int:
        return self.steps[-1].iteration


def assign(X: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Index of the nearest centre for every point, shape (n_samples,)."""
    # ||x - mu||^2 from centred differences (exact for ties between equal centres)
    d2 = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=-1)
    return d2.argmin(axis=1)


def update(X: np.ndarray, labels: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Each centre to the mean of its points; an empty cluster keeps its old centre.

    Returns
    -------
    centers : ndarray of shape (n_clusters, 2)
    empty : tuple of int
    """
    k = centers.shape[0]
    counts = np.bincount(labels, minlength=k)
    sums = np.stack([np.bincount(labels, weights=X[:, j], minlength=k) for j in (0, 1)], axis=1)
    new = centers.copy()
    filled = counts > 0
    new[filled] = sums[filled] / counts[filled, None]
    return new, tuple(int(j) for j in np.flatnonzero(~filled))


def distortion(X: np.ndarray, centers: np.ndarray, labels: np.ndarray) -> float:
    """J = sum_n ||x_n - mu_label(n)||^2 (the notes' distortion measure)."""
    return float(((X - centers[labels]) ** 2).sum())


def _starting_centers(X: np.ndarray, k: int, init: str, centers_init: object,
                      random_state: int | np.random.RandomState | None) -> np.ndarray:
    """The given centres, or those ``init`` picks, shape (k, 2)."""
    if centers_init is not None:
        return v.means(centers_init, k).copy()
    if v.choice(init, KMEANS_INITS, "init") == "notes":
        if k != 3:
            raise InputError(_("The notes' starting centres are for k = 3 only; set k to 3."))
        return TEXTBOOK_CENTERS.copy()
    pick = plusplus_centers if init == "k-means++" else distinct_points
    return pick(X, k, check_random_state(random_state))


def _check_distances(magnitudes: Magnitudes, centers: np.ndarray, n_samples: int) -> None:
    """InputError when a squared distance, or J summed over the points, could overflow.

    Every ||x_n - mu_k|| is at most the largest distance r of a point or a centre from the data's
    mean, twice over, so J <= N * 2 * (2 r)^2 per coordinate pair; that bound must stay below
    2**1022.
    """
    half = 0.5 * centers - 0.5 * magnitudes.center  # (mu - mean) / 2: cannot overflow
    reach = np.max(np.abs(half), axis=1)
    j = int(np.argmax(reach))
    log2_centers = math.log2(reach[j]) + 1.0 if reach[j] > 0 else -math.inf
    log2_reach = max(magnitudes.log2_spread, log2_centers)
    limit = 0.5 * (_LOG2_J_MAX - math.log2(n_samples) - 1.0) - 1.0  # largest log2 r allowed
    if log2_reach <= limit:
        return
    if log2_centers > magnitudes.log2_spread:
        raise InputError(_(
            "Centre {j}, ({x}, {y}), lies about "
            "{distance} from the mean of the data: squared distances that "
            "large overflow double precision. Give starting centres within about "
            "{limit} of the data."
        ).format(j=j + 1, x=f"{centers[j, 0]:.3g}", y=f"{centers[j, 1]:.3g}",
                 distance=power_of_ten(log2_centers), limit=power_of_ten(limit)))
    raise InputError(_(
        "The data spread too far for K-means: {n} points up to about "
        "{distance} from their mean could give a distortion beyond "
        "double precision. Divide the data by {factor} (the "
        "clusters are the same in any unit)."
    ).format(n=n_samples, distance=power_of_ten(magnitudes.log2_spread),
             factor=unit_factor(magnitudes.log2_sd)))


def fit_kmeans(
    X: object,
    n_clusters: int,
    *,
    init: str = "k-means++",
    centers_init: object = None,
    max_iter: int = 100,
    tol: float = 0.0,
    random_state: int | np.random.RandomState | None = None,
) -> KMeansRun:
    """Lloyd's algorithm, recording every assign and update step.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    n_clusters : int
    init : {"k-means++", "random", "notes"}
        k-means++ seeds, K distinct data points, or the textbook's centres (k = 3).
    centers_init : array-like of shape (n_clusters, 2), optional
        Overrides ``init``.
    max_iter : int
    tol : float
        Also stop when the centres move by less than ``tol`` times the mean data variance
        (scikit-learn's meaning); the run always stops once no assignment changes.
    random_state : int, RandomState or None
        A whole number from 0 to 2**32 - 1 makes the random starts repeatable.

    Returns
    -------
    KMeansRun
    """
    X = v.points(X)
    k = v.component_count(X, n_clusters)
    max_iter = v.count(max_iter, "max_iter", 0, v.MAX_ITER)
    tol = v.non_negative(tol, "tol")
    random_state = v.random_state(random_state)
    magnitudes = Magnitudes.of(X)
    magnitudes.check()
    centers = _starting_centers(X, k, init, centers_init, random_state)
    _check_distances(magnitudes, centers, X.shape[0])
    shift_tol = tol * float(np.mean(np.var(X, axis=0)))

    labels = np.zeros(X.shape[0], dtype=int)
    steps = [KMeansStep("init", 0, centers, labels, distortion(X, centers, labels))]
    converged, reason = False, _("reached max_iter")
    for t in range(1, max_iter + 1):
        new_labels = assign(X, centers)
        steps.append(KMeansStep("assign", t, centers, new_labels,
                                distortion(X, centers, new_labels)))
        new_centers, empty = update(X, new_labels, centers)
        steps.append(KMeansStep("update", t, new_centers, new_labels,
                                distortion(X, new_centers, new_labels), empty))
        unchanged = t > 1 and np.array_equal(new_labels, labels)
        shift = float(((new_centers - centers) ** 2).sum())
        labels, centers = new_labels, new_centers
        if unchanged or shift <= shift_tol:
            converged = True
            reason = (_("converged: no point changed cluster") if unchanged
                      else _("converged: centres moved less than tol"))
            break
    return KMeansRun(X, steps, converged, reason)
