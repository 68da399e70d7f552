"""Hard EM, the notes' overview before the soft version: label, then refit.

1. Start from parameters (random, or from K-means: the same starts as :func:`gmmviz.fit_gmm`).
2. Label every point with its most likely Gaussian: the component with the largest
   pi_k N(x_n | mu_k, Sigma_k), i.e. the largest responsibility gamma_nk, made 1 (others 0).
3. Refit every Gaussian from its own points: mu_k their mean, Sigma_k their covariance
   (dividing by N_k), pi_k = N_k / N their share.
4. Repeat 2 and 3 until no point changes its label.

Soft EM keeps every gamma_nk between 0 and 1; hard EM rounds them. :func:`fit_hard_em` records
every half-step as :func:`gmmviz.fit_gmm` does, so that a page can step through both from the
same start; :func:`compare_hard_soft` says where they end differently.

Hard EM never lowers the classification log-likelihood sum_n ln pi_{z_n} N(x_n | mu_{z_n},
Sigma_{z_n}) of its labels z: labelling maximises it for the parameters, refitting for the
labels (exactly so with reg_covar = 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from gmmviz import _validate as v
from gmmviz._em_settings import ScaledData
from gmmviz._em_stops import StopKind, _first_collapse
from gmmviz._errors import InputError
from gmmviz.em import e_step, em_context, fit_gmm, m_step
from gmmviz.i18n import _
from gmmviz.starts import one_hot

__all__ = ["HardEMRun", "HardEMStep", "HardSoftComparison", "compare_hard_soft", "fit_hard_em"]

_KIND_TEXT = {"E": "label: each point to its most likely Gaussian",
              "M": "refit: mean and spread from each Gaussian's points"}


@dataclass(frozen=True)
class HardEMStep:
    """One recorded half-step of hard EM.

    Attributes
    ----------
    kind : {"init", "E", "M"}
        The start, a labelling (E) or a refit (M).
    iteration : int
    weights : ndarray of shape (n_components,)
    means : ndarray of shape (n_components, 2)
    covariances : ndarray of shape (n_components, 2, 2)
    labels : ndarray of int of shape (n_samples,) or None
        The labels in force: after an E-step the new ones, after an M-step those it refitted
        from; None at the start.
    nll : float
        The mixture's -sum_n ln p(x_n | theta) at this step's parameters (as fit_gmm's).
    hard_log_lik : float
        sum_n ln pi_{z_n} N(x_n | mu_{z_n}, Sigma_{z_n}) for the labels in force (NaN at the
        start): what hard EM climbs.
    empty : tuple of int
        Components left without points by this refit (they keep their mean and covariance,
        with weight 0).
    """

    kind: str
    iteration: int
    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    labels: np.ndarray | None
    nll: float
    hard_log_lik: float
    empty: tuple[int, ...] = ()

    @property
    def resp(self) -> np.ndarray | None:
        """The labels in force as 0/1 responsibilities, shape (n_samples, n_components), or
        None at the start: r_nk = [k = z_n], what hard EM puts in soft EM's place."""
        return None if self.labels is None else one_hot(self.labels, len(self.weights)).T

    @property
    def label(self) -> str:
        """A caption such as "Iteration 2 · label: each point to its most likely Gaussian"."""
        return "Start" if self.kind == "init" else (
            f"Iteration {self.iteration} · {_KIND_TEXT[self.kind]}")


@dataclass
class HardEMRun:
    """A whole hard-EM run, in scikit-learn's style.

    Attributes
    ----------
    X : ndarray of shape (n_samples, 2)
    steps : list of HardEMStep
        "init", then "E" and "M" for every iteration.
    n_components : int
    covariance_type : str
    stop_kind : StopKind
    stop_reason : str
    """

    X: np.ndarray
    n_components: int
    covariance_type: str
    steps: list[HardEMStep] = field(default_factory=list)
    stop_kind: StopKind = StopKind.MAX_ITER
    stop_reason: str = "reached max_iter"

    @property
    def converged_(self) -> bool:
        return self.stop_kind is StopKind.CONVERGED

    @property
    def n_samples(self) -> int:
        return len(self.X)

    @property
    def n_iter_(self) -> int:
        return self.steps[-1].iteration

    @property
    def weights_(self) -> np.ndarray:
        return self.steps[-1].weights

    @property
    def means_(self) -> np.ndarray:
        return self.steps[-1].means

    @property
    def covariances_(self) -> np.ndarray:
        return self.steps[-1].covariances

    @property
    def labels_(self) -> np.ndarray:
        """The last labels (the start's most likely Gaussians for a run of 0 iterations)."""
        labels = self.steps[-1].labels
        return self._start_labels if labels is None else labels

    @property
    def nll(self) -> np.ndarray:
        """NLL at theta_0, theta_1, ..., theta_T (after every refit)."""
        return np.array([s.nll for s in self.steps if s.kind != "E"])

    _start_labels: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]


def _hard_log_lik(s: ScaledData, wlp: np.ndarray, labels: np.ndarray) -> float:
    """sum_n ln pi_{z_n} N(x_n | mu_{z_n}, Sigma_{z_n}) in the user's units."""
    picked = wlp[labels, np.arange(labels.size)]
    return float(-s.nll(picked))


def _refit(s: ScaledData, labels: np.ndarray, theta: tuple, covariance_type: str
           ) -> tuple[tuple, tuple[int, ...]]:
    """The M-step with one-hot responsibilities; an empty component keeps its mean and
    covariance, with weight 0."""
    k = theta[0].shape[-1]
    weights, means, packed = (a[0] for a in m_step(s.Xs, s.F, one_hot(labels, k)[None], s.reg,
                                                   covariance_type))
    empty = tuple(int(j) for j in np.flatnonzero(np.bincount(labels, minlength=k) == 0))
    if empty:
        idx = list(empty)
        weights[idx] = 0.0
        weights /= weights.sum()
        means[idx], packed[idx] = theta[1][idx], theta[2][idx]
    return (weights, means, packed), empty


def fit_hard_em(
    X: object,
    n_components: int,
    *,
    covariance_type: str = "full",
    init: str = "kmeans",
    weights_init: object = None,
    means_init: object = None,
    covariances_init: object = None,
    max_iter: int = 100,
    reg_covar: float = 1e-6,
    random_state: int | np.random.RandomState | None = None,
) -> HardEMRun:
    """Fit a Gaussian mixture by hard EM and record every half-step.

    The start is exactly :func:`gmmviz.fit_gmm`'s for the same arguments, so the two runs can
    be compared step by step. Parameters are those of fit_gmm; there is no ``tol``: the run
    stops when no point changes its label (or a refit leaves a component on a single point or
    a line, with ``reg_covar = 0``).

    Returns
    -------
    HardEMRun
    """
    # fit_gmm with no iterations checks every argument and picks the start (the same one).
    start = fit_gmm(X, n_components, covariance_type=covariance_type, init=init,
                    weights_init=weights_init, means_init=means_init,
                    covariances_init=covariances_init, max_iter=0, tol=0.0,
                    reg_covar=reg_covar, random_state=random_state)
    max_iter = v.count(max_iter, "max_iter", 0, v.MAX_ITER)
    s, settings = start._scaled, start.settings
    run = HardEMRun(s.X, settings.n_components, settings.covariance_type)
    run.stop_reason = _("reached max_iter")
    theta = start._start.theta
    with em_context():
        _r, lpn, wlp = (a[0] for a in e_step(s.Xs, s.F, *(a[None] for a in theta)))
        run._start_labels = wlp.argmax(axis=0)
        first = start.steps[0]  # the start exactly as fit_gmm reports it
        run.steps.append(HardEMStep("init", 0, first.weights, first.means, first.covariances,
                                    None, first.nll, np.nan))
        previous = None
        for t in range(1, max_iter + 1):
            labels = wlp.argmax(axis=0)  # the largest pi_k N(x_n | mu_k, Sigma_k)
            run.steps.append(_step(s, "E", t, theta, labels, lpn, _hard_log_lik(s, wlp, labels)))
            new, empty = _refit(s, labels, theta, settings.covariance_type)
            bad, details = _first_collapse(tuple(a[None] for a in new), settings.reg_covar)
            if bad[0]:
                run.stop_kind = StopKind.COLLAPSED
                run.stop_reason = StopKind.COLLAPSED.reason(t, *details[0])
                break
            theta = new
            _r, lpn, wlp = (a[0] for a in e_step(s.Xs, s.F, *(a[None] for a in theta)))
            run.steps.append(_step(s, "M", t, theta, labels, lpn, _hard_log_lik(s, wlp, labels),
                                   empty))
            if previous is not None and np.array_equal(labels, previous):
                run.stop_kind = StopKind.CONVERGED
                run.stop_reason = _("converged: no point changed its label")
                break
            previous = labels
    return run


def _step(s: ScaledData, kind: str, t: int, theta: tuple, labels: np.ndarray | None,
          lpn: np.ndarray, hard_log_lik: float, empty: tuple[int, ...] = ()) -> HardEMStep:
    weights, means, packed = theta
    return HardEMStep(kind, t, weights.copy(), s.scaler.means_out(means),
                      s.covariances_out(packed), labels, float(s.nll(lpn)), hard_log_lik, empty)


# --------------------------------------------------------------------------- hard against soft
class HardSoftComparison(NamedTuple):
    """Where hard and soft EM from the same start end differently.

    Attributes
    ----------
    differ : ndarray of bool of shape (n_samples,)
        Points whose final hard label is not their most responsible soft component.
    n_differ : int
    soft_certainty : ndarray of shape (n_samples,)
        Each point's largest final responsibility under soft EM (1: no doubt).
    nll_hard, nll_soft : float
        The mixture NLL at each run's final parameters.
    mean_shift : ndarray of shape (n_components,)
        The distance between the two runs' final means, component by component.
    """

    differ: np.ndarray
    n_differ: int
    soft_certainty: np.ndarray
    nll_hard: float
    nll_soft: float
    mean_shift: np.ndarray


def compare_hard_soft(hard: HardEMRun, soft: object) -> HardSoftComparison:
    """Compare a hard-EM run with a soft one (a :class:`gmmviz.GMMRun`) on the same data.

    Components are compared by their number: both runs must start from the same parameters
    (the same arguments to :func:`fit_hard_em` and :func:`gmmviz.fit_gmm`).

    Returns
    -------
    HardSoftComparison
    """
    resp = getattr(soft, "resp_", None)
    if resp is None or resp.shape != (hard.X.shape[0], hard.n_components):
        raise InputError(_("Compare hard EM with a soft run of the same data and number of "
                           "components (fit_gmm with the same arguments)."))
    differ = hard.labels_ != resp.argmax(axis=1)
    return HardSoftComparison(
        differ, int(differ.sum()), resp.max(axis=1), float(hard.steps[-1].nll),
        float(soft.steps[-1].nll),  # type: ignore[attr-defined]
        np.linalg.norm(hard.means_ - soft.means_, axis=1),  # type: ignore[attr-defined]
    )
