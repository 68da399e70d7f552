"""Model choice for Gaussian mixtures: parameter counts, BIC and AIC, many restarts at once.

:func:`fit_restarts` runs n random starts of EM as one batch through the broadcasting
:func:`gmmviz.em.e_step` and :func:`gmmviz.em.m_step`; restart i is exactly the run that
``fit_gmm(X, k, init=init, random_state=seeds[i], ...)`` records. :func:`selection_grid`
tabulates BIC and AIC over k and the covariance types, as scikit-learn's model-selection
example and R's mclust show them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gmmviz import _validate as v
from gmmviz import em
from gmmviz._em_run import GMMRun
from gmmviz._em_settings import EMSettings, ScaledData
from gmmviz._em_stops import EMOutcome, StopKind
from gmmviz.em import COVARIANCE_TYPES, fit_gmm
from gmmviz.starts import canonical_init, check_gmm_init, pick_start

__all__ = [
    "RestartsResult",
    "aic",
    "bic",
    "fit_restarts",
    "identical_start_check",
    "n_parameters",
    "selection_grid",
]

MAX_RESTARTS = 10_000
# Upper bound on n_restarts * n_components * n_samples per batch (the size of one resp array).
_CHUNK_ELEMENTS = 2_000_000


# --------------------------------------------------------------------------- information criteria
def n_parameters(n_components: int, covariance_type: str, n_features: int = 2) -> int:
    """Number of free parameters of a Gaussian mixture, as scikit-learn counts them.

    (K - 1) weights, K * d means, and the covariances: K d(d+1)/2 ("full"), K d ("diag"),
    d(d+1)/2 ("tied") or K ("spherical").

    Parameters
    ----------
    n_components : int
    covariance_type : {"full", "diag", "spherical", "tied"}
    n_features : int, default 2

    Returns
    -------
    int
    """
    k = v.count(n_components, "n_components", 1)
    d = v.count(n_features, "n_features", 1)
    v.covariance_type(covariance_type)
    cov_params = {
        "full": k * d * (d + 1) // 2,
        "diag": k * d,
        "tied": d * (d + 1) // 2,
        "spherical": k,
    }[covariance_type]
    return cov_params + k * d + k - 1


def _criterion(nll: float | np.ndarray, p: int, n_samples: int, kind: str) -> float | np.ndarray:
    # BIC = -2 log L + p log N ; AIC = -2 log L + 2 p, with log L = -NLL.
    penalty = p * math.log(n_samples) if kind == "bic" else 2.0 * p
    return 2.0 * nll + penalty


def bic(run: GMMRun) -> float:
    """Bayesian information criterion 2 NLL + p log N at a run's final parameters (lower is better).

    Parameters
    ----------
    run : GMMRun

    Returns
    -------
    float
    """
    p = n_parameters(run.n_components, run.covariance_type)
    return float(_criterion(run.final.nll, p, run.n_samples, "bic"))


def aic(run: GMMRun) -> float:
    """Akaike information criterion 2 NLL + 2 p at a run's final parameters (lower is better).

    Parameters
    ----------
    run : GMMRun

    Returns
    -------
    float
    """
    p = n_parameters(run.n_components, run.covariance_type)
    return float(_criterion(run.final.nll, p, run.n_samples, "aic"))


# --------------------------------------------------------------------------- restarts
@dataclass(frozen=True)
class RestartsResult:
    """Final state of n EM runs that differ only in their random start.

    Attributes
    ----------
    nll : ndarray of shape (n_init,)
        Final NLL of every restart (``inf`` for a start that was already singular).
    n_iter : ndarray of shape (n_init,)
        Iterations each restart ran (``fit_gmm(...).n_iter_``).
    converged : ndarray of shape (n_init,)
    stop_reasons : tuple of str
        The sentence ``fit_gmm(...).stop_reason`` gives, one per restart.
    stop_kinds : tuple of StopKind
        ``fit_gmm(...).stop_kind`` of every restart, for code to branch on.
    seeds : ndarray of shape (n_init,)
        ``random_state`` of each restart: ``fit_gmm(X, ..., random_state=int(seeds[i]))``
        reproduces restart i.
    weights_ : ndarray of shape (n_init, n_components)
    means_ : ndarray of shape (n_init, n_components, 2)
    covariances_ : ndarray of shape (n_init, n_components, 2, 2)
        Final parameters of every restart, in the data's units.
    n_components, covariance_type, init, max_iter, tol, reg_covar, n_samples :
        The settings shared by every restart.
    """

    nll: np.ndarray
    n_iter: np.ndarray
    converged: np.ndarray
    stop_reasons: tuple[str, ...]
    seeds: np.ndarray
    weights_: np.ndarray
    means_: np.ndarray
    covariances_: np.ndarray
    n_components: int
    covariance_type: str
    init: str
    max_iter: int
    tol: float
    reg_covar: float
    n_samples: int
    stop_kinds: tuple[StopKind, ...] = ()

    @property
    def n_init(self) -> int:
        return int(self.nll.shape[0])

    @property
    def best_index(self) -> int:
        """Index of the restart with the lowest final NLL (the first one on a tie)."""
        return int(np.argmin(self.nll))

    def optimum_labels(self, rtol: float = 1e-4) -> np.ndarray:
        """Which local optimum each restart reached, 0 being the lowest NLL.

        Final NLLs sorted in increasing order start a new optimum wherever the gap to the
        previous one exceeds ``rtol`` times its magnitude (EM stops near, not at, an optimum).

        Returns
        -------
        ndarray of int of shape (n_init,)
        """
        order = np.argsort(self.nll, kind="stable")
        s = self.nll[order]
        finite = np.isfinite(s)
        gap = np.diff(s) > rtol * np.maximum(np.abs(s[1:]), 1.0)
        gap |= np.diff(finite.astype(int)) != 0  # failed starts form their own group
        group = np.concatenate([[0], np.cumsum(gap)])
        labels = np.empty(self.n_init, dtype=int)
        labels[order] = group
        return labels

    def distinct_optima(self, rtol: float = 1e-4) -> pd.DataFrame:
        """The local optima the restarts found, best first.

        Parameters
        ----------
        rtol : float
            Final NLLs within this relative distance of each other count as one optimum.

        Returns
        -------
        pandas.DataFrame
            Columns ``nll`` (the lowest final NLL of the group), ``count`` (restarts that
            reached it), ``share`` (count / n_init) and ``first_restart`` (its lowest index).
        """
        labels = self.optimum_labels(rtol)
        rows = []
        for g in range(int(labels.max()) + 1):
            members = np.flatnonzero(labels == g)
            rows.append({
                "nll": float(self.nll[members].min()),
                "count": int(members.size),
                "share": members.size / self.n_init,
                "first_restart": int(members.min()),
            })
        return pd.DataFrame(rows, columns=["nll", "count", "share", "first_restart"])

    def refit(self, X: object, index: int) -> GMMRun:
        """Restart ``index`` recorded half-step by half-step (the same run, via fit_gmm)."""
        i = v.count(index, "index", 0, self.n_init - 1)
        return fit_gmm(
            X, self.n_components, covariance_type=self.covariance_type, init=self.init,
            max_iter=self.max_iter, tol=self.tol, reg_covar=self.reg_covar,
            random_state=int(self.seeds[i]),
        )


def restart_seeds(n_init: int, random_state: int | np.random.RandomState | None) -> np.ndarray:
    """Seeds of the restarts: ``random_state + i`` for restart i.

    With ``random_state=None`` (or a RandomState) the base seed is drawn at random first.

    Returns
    -------
    ndarray of int64 of shape (n_init,)
    """
    checked = v.random_state(random_state, n_seeds=n_init)
    if checked is None or isinstance(checked, np.random.RandomState):
        rng = np.random.RandomState() if checked is None else checked
        base = int(rng.randint(0, 2**31 - 1))
    else:
        base = checked
    return base + np.arange(n_init, dtype=np.int64)


def fit_restarts(
    X: object,
    n_components: int,
    n_init: int,
    *,
    covariance_type: str = "full",
    init: str = "random",
    max_iter: int = 100,
    tol: float = 1e-4,
    reg_covar: float = 1e-6,
    random_state: int | np.random.RandomState | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RestartsResult:
    """Run EM from ``n_init`` random starts at once and keep the final state of each.

    Every restart follows fit_gmm's loop exactly (same start, same stopping rules); they are
    advanced together as a batch, and a restart that converges or collapses is frozen.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    n_components : int
    n_init : int
        Number of restarts, 1 to 10,000.
    covariance_type : {"full", "diag", "spherical", "tied"}
    init : str
        Any init of :func:`gmmviz.fit_gmm` (the random ones differ between restarts).
    max_iter, tol, reg_covar :
        As in :func:`gmmviz.fit_gmm`.
    random_state : int, RandomState or None
        Restart i uses ``random_state + i`` (see :func:`restart_seeds`).
    progress : callable(done, total), optional
        Called after every batched iteration with the work done so far in restart-iterations
        (a stopped restart counts as ``max_iter``) and ``total = n_init * max(max_iter, 1)``.

    Returns
    -------
    RestartsResult
    """
    X = v.points(X)
    settings = EMSettings(n_components, covariance_type, max_iter, tol, reg_covar)
    k = v.component_count(X, settings.n_components)
    n_init = v.count(n_init, "n_init", 1, MAX_RESTARTS)
    check_gmm_init(init, k)
    init = canonical_init(init)
    seeds = restart_seeds(n_init, random_state)
    s = ScaledData.of(X, settings)

    total = n_init * max(settings.max_iter, 1)
    done = [0]

    def report(increment: int) -> None:
        done[0] += increment
        if progress is not None:
            progress(done[0], total)

    out = EMOutcome.empty(n_init, k)
    chunk = max(1, _CHUNK_ELEMENTS // (k * X.shape[0]))
    with em.em_context():
        for lo in range(0, n_init, chunk):
            rows = np.arange(lo, min(lo + chunk, n_init))
            starts = [pick_start(s, settings, init, (None, None, None), int(seeds[i])).theta
                      for i in rows]
            batch = tuple(np.stack(parts) for parts in zip(*starts, strict=True))
            out.put(rows, em.run_em(s, settings, batch, progress=report))
    if progress is not None and done[0] < total:
        report(total - done[0])

    return RestartsResult(
        nll=out.nll, n_iter=out.n_iter, converged=out.converged,
        stop_reasons=tuple(out.reasons), stop_kinds=tuple(out.kinds), seeds=seeds,
        weights_=out.theta[0], means_=s.scaler.means_out(out.theta[1]),
        covariances_=s.covariances_out(out.theta[2]), n_components=k,
        covariance_type=settings.covariance_type, init=init, max_iter=settings.max_iter,
        tol=settings.tol, reg_covar=settings.reg_covar, n_samples=X.shape[0],
    )


# --------------------------------------------------------------------------- choosing k
def selection_grid(
    X: object,
    k_values: Iterable[int] = range(1, 11),
    covariance_types: Iterable[str] = COVARIANCE_TYPES,
    *,
    n_init: int = 1,
    random_state: int | None = 0,
    reg_covar: float = 1e-6,
    max_iter: int = 100,
    tol: float = 1e-3,
) -> pd.DataFrame:
    """BIC and AIC of the best of ``n_init`` k-means-started fits for every k and covariance type.

    As scikit-learn's GaussianMixture model-selection example (init "kmeans", tol 1e-3);
    a k larger than the number of distinct points is skipped.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    k_values : iterable of int
    covariance_types : iterable of {"full", "diag", "spherical", "tied"}
    n_init : int
        Restarts per cell; the one with the lowest NLL counts.
    random_state : int or None
    reg_covar, max_iter, tol :
        As in :func:`gmmviz.fit_gmm`.

    Returns
    -------
    pandas.DataFrame
        One row per (k, covariance_type): columns ``k``, ``covariance_type``, ``bic``, ``aic``,
        ``nll``, ``n_parameters``, ``converged``.
    """
    X = v.points(X)
    ks = [v.count(k, "k", 1) for k in k_values]
    covs = list(covariance_types)
    for c in covs:
        v.covariance_type(c)
    distinct = v.n_distinct(X)
    n = X.shape[0]
    rows = []
    for cov in covs:
        for k in ks:
            if k > distinct:
                continue
            res = fit_restarts(X, k, n_init, covariance_type=cov, init="kmeans",
                               max_iter=max_iter, tol=tol, reg_covar=reg_covar,
                               random_state=random_state)
            best = res.best_index
            nll = float(res.nll[best])
            p = n_parameters(k, cov)
            rows.append({
                "k": k, "covariance_type": cov,
                "bic": float(_criterion(nll, p, n, "bic")),
                "aic": float(_criterion(nll, p, n, "aic")),
                "nll": nll, "n_parameters": p, "converged": bool(res.converged[best]),
            })
    columns = ["k", "covariance_type", "bic", "aic", "nll", "n_parameters", "converged"]
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------- identical starts
def identical_start_check(run: GMMRun) -> float:
    """Largest difference between components, over every recorded step.

    The spread of a parameter is max_k - min_k of each of its entries; this returns the
    largest spread of the weights, means and covariances over all steps. It is 0 exactly when
    the components were identical at every step.

    Parameters
    ----------
    run : GMMRun

    Returns
    -------
    float
    """
    spread = 0.0
    for step in run.steps:
        for values in (step.weights, step.means, step.covariances):
            spread = max(spread, float(np.max(np.ptp(values, axis=0))))
    return spread
