"""Expectation-maximisation for bivariate Gaussian mixtures, recorded half-step by half-step.

The maths lives in small functions (:func:`e_step`, :func:`m_step`); :func:`fit_gmm` owns the
order and records every half-step as plain data for the figures.

Internally the data are centred and scaled by a power of two, so that magnitudes from 1e-150
to 1e+150 behave alike; every number a run reports is in the original units.
"""

from __future__ import annotations

import enum
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from gmmviz import _gauss2d as g2
from gmmviz._errors import InputError

COVARIANCE_TYPES = ("full", "diag", "spherical", "tied")
_NK_EPS = 10 * np.finfo(float).eps  # added to N_k as scikit-learn does
_COLLAPSE = 1e-12  # smallest eigenvalue (in units of the data variance) of a singular covariance


# --------------------------------------------------------------------------- data scaling
@dataclass(frozen=True)
class _Scaler:
    """x_scaled = (x - center) / scale, with scale a power of two (exact to invert)."""

    center: np.ndarray
    scale: float

    @classmethod
    def fit(cls, X: np.ndarray) -> _Scaler:
        center = X.mean(axis=0)
        dev = X - center
        spread = float(np.max(np.abs(dev)))
        if not np.isfinite(spread) or spread == 0.0:
            return cls(center, 1.0)
        sd = float(np.sqrt(np.mean((dev / spread) ** 2))) * spread
        return cls(center, float(2.0 ** np.round(np.log2(sd))))

    def x(self, X: np.ndarray) -> np.ndarray:
        return (X - self.center) / self.scale

    def means_in(self, means: np.ndarray) -> np.ndarray:
        return (np.asarray(means, dtype=float) - self.center) / self.scale

    def means_out(self, means: np.ndarray) -> np.ndarray:
        return means * self.scale + self.center

    def log_jacobian(self) -> float:
        """log |d x_scaled / d x| for one 2-D point: p(x) = p_scaled(x_scaled) / scale**2."""
        return -2.0 * float(np.log(self.scale))


# --------------------------------------------------------------------------- E and M steps
def e_step(
    X: np.ndarray, F: np.ndarray, weights: np.ndarray, means: np.ndarray, packed: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """E-step: gamma_nk = pi_k N(x_n|mu_k,Sigma_k) / sum_j pi_j N(x_n|mu_j,Sigma_j) (Bayes' rule).

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    F : ndarray of shape (n_samples, 6)
        ``quad_features(X)``.
    weights : ndarray of shape (..., n_components)
    means : ndarray of shape (..., n_components, 2)
    packed : ndarray of shape (..., n_components, 3)

    Returns
    -------
    resp : ndarray of shape (..., n_components, n_samples)
    log_prob_norm : ndarray of shape (..., n_samples)
        log p(x_n | theta).
    wlp : ndarray of shape (..., n_components, n_samples)
        log pi_k + log N(x_n | mu_k, Sigma_k).
    """
    wlp = g2.weighted_log_prob(X, F, weights, means, packed)
    resp, log_prob_norm = g2.log_normalize(wlp)
    return resp, log_prob_norm, wlp


def _second_moments(
    X: np.ndarray, F: np.ndarray, resp: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """N_k, mu_k and the responsibility-weighted covariance of every component (unregularised).

    Returns nk (..., K), means (..., K, 2) and packed covariances (..., K, 3).
    """
    G = resp @ F  # (..., K, 6): sums of gamma_nk times x0^2, x0 x1, x1^2, x0, x1, 1
    nk = G[..., 5] + _NK_EPS
    means = G[..., 3:5] / nk[..., None]  # mu_k = sum_n gamma_nk x_n / N_k
    m0, m1 = means[..., 0], means[..., 1]
    # Sigma_k = sum_n gamma_nk x_n x_n^T / N_k - mu_k mu_k^T
    cov = G[..., 0:3] / nk[..., None] - np.stack([m0 * m0, m0 * m1, m1 * m1], axis=-1)
    second = np.maximum(G[..., 0], G[..., 2]) / nk
    narrow = np.minimum(cov[..., 0], cov[..., 2]) < 1e-6 * second
    for idx in zip(*np.nonzero(narrow), strict=True):
        # Recompute from centred coordinates where the expansion would cancel.
        r = resp[idx]
        dx = X[:, 0] - m0[idx]
        dy = X[:, 1] - m1[idx]
        cov[idx] = np.array([r @ (dx * dx), r @ (dx * dy), r @ (dy * dy)]) / nk[idx]
    return nk, means, cov


def _cov_full(nk: np.ndarray, cov: np.ndarray) -> np.ndarray:
    return cov


def _cov_diag(nk: np.ndarray, cov: np.ndarray) -> np.ndarray:
    return np.stack([cov[..., 0], np.zeros_like(cov[..., 1]), cov[..., 2]], axis=-1)


def _cov_spherical(nk: np.ndarray, cov: np.ndarray) -> np.ndarray:
    s = 0.5 * (cov[..., 0] + cov[..., 2])  # sigma_k^2 = trace(Sigma_k) / 2
    return np.stack([s, np.zeros_like(s), s], axis=-1)


def _cov_tied(nk: np.ndarray, cov: np.ndarray) -> np.ndarray:
    # Sigma = sum_k N_k Sigma_k / N, shared by every component.
    shared = (nk[..., None] * cov).sum(axis=-2, keepdims=True) / nk.sum(axis=-1)[..., None, None]
    return np.broadcast_to(shared, cov.shape).copy()


_COV_ESTIMATORS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "full": _cov_full,
    "diag": _cov_diag,
    "spherical": _cov_spherical,
    "tied": _cov_tied,
}


def m_step(
    X: np.ndarray,
    F: np.ndarray,
    resp: np.ndarray,
    reg_covar: float,
    covariance_type: str,
    fixed_covariance: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """M-step: pi_k = N_k / N, mu_k and Sigma_k the responsibility-weighted mean and covariance.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    F : ndarray of shape (n_samples, 6)
    resp : ndarray of shape (..., n_components, n_samples)
    reg_covar : float
        Added to the diagonal of every covariance.
    covariance_type : {"full", "diag", "spherical", "tied"}
    fixed_covariance : float, optional
        If given, every covariance is held at ``fixed_covariance * I``.

    Returns
    -------
    weights : ndarray of shape (..., n_components)
    means : ndarray of shape (..., n_components, 2)
    packed : ndarray of shape (..., n_components, 3)
    """
    nk, means, cov = _second_moments(X, F, resp)
    weights = nk / nk.sum(axis=-1, keepdims=True)
    if fixed_covariance is not None:
        packed = np.zeros_like(cov)
        packed[..., 0] = packed[..., 2] = fixed_covariance
        return weights, means, packed
    packed = _COV_ESTIMATORS[covariance_type](nk, cov)
    packed[..., 0] += reg_covar
    packed[..., 2] += reg_covar
    return weights, means, packed


def collapsed_components(packed: np.ndarray, reg_covar: float) -> list[tuple[int, str]]:
    """Components whose covariance is singular, with ``"a single point"`` or ``"a line"``.

    Parameters
    ----------
    packed : ndarray of shape (n_components, 3)
        Covariances in scaled units (the data variance is about 1).
    reg_covar : float
        With ``reg_covar > 0`` only a covariance that is not numerically positive definite counts.
    """
    lo, hi = g2.eigvalsh(packed)
    limit = _COLLAPSE if reg_covar == 0 else 0.0
    bad = ~np.isfinite(lo) | (lo <= limit) | ~g2.is_positive_definite(packed)
    return [
        (int(k), "a single point" if hi[k] <= _COLLAPSE else "a line") for k in np.flatnonzero(bad)
    ]


def kl_divergence(log_q: np.ndarray, log_p: np.ndarray, q: np.ndarray) -> float:
    """KL(q || p) = sum_nk q_nk (log q_nk - log p_nk), with 0 log 0 = 0; never below 0."""
    diff = np.where(q > 0, log_q - log_p, 0.0)
    return max(float(np.vdot(q, diff)), 0.0)


# --------------------------------------------------------------------------- recorded runs
class GMMStep:
    """One recorded half-step of EM.

    Attributes
    ----------
    kind : {"init", "E", "M"}
    iteration : int
        0 for the start; t for the E- and M-step of iteration t.
    weights : ndarray of shape (n_components,)
    means : ndarray of shape (n_components, 2)
    covariances : ndarray of shape (n_components, 2, 2)
        Full matrices whatever the covariance type.
    nll : float
        -sum_n log p(x_n | theta) in nats at this step's parameters.
    elbo : float
        L(q, theta) = sum_nk q_nk [log pi_k + log N(x_n | mu_k, Sigma_k) - log q_nk], q = ``resp``.
    kl : float
        KL(q || p(z | x, theta)); ``-nll == elbo + kl``. Zero after every E-step. At a start
        without responsibilities the bound is reported at its tight value (kl = 0).
    """

    __slots__ = ("kind", "iteration", "weights", "means", "covariances", "nll", "elbo", "kl",
                 "_run", "_q", "_theta")

    def __init__(self, run: GMMRun, kind: str, iteration: int, theta: tuple, q: object,
                 nll: float, elbo: float, kl: float) -> None:
        self._run, self.kind, self.iteration, self._theta, self._q = run, kind, iteration, theta, q
        self.weights, self.means, self.covariances = run._to_original(theta)
        self.nll, self.elbo, self.kl = float(nll), float(elbo), float(kl)

    @property
    def resp(self) -> np.ndarray | None:
        """Responsibilities in force at this step, shape (n_samples, n_components), or None.

        After an E-step the new posterior, after an M-step the ones it used; computed on demand
        from the parameters that produced them, so a long run holds no (N, K) copy per step.
        """
        if self._q is None:
            return None
        if isinstance(self._q, np.ndarray):
            return self._q.T
        return self._run._posterior(self._q).T

    @property
    def label(self) -> str:
        """A caption such as "Iteration 3 · E-step: responsibilities updated"."""
        if self.kind == "init":
            return "Start"
        what = "E-step: responsibilities updated" if self.kind == "E" else (
            "M-step: pi, mu, Sigma updated")
        return f"Iteration {self.iteration} · {what}"

    def __repr__(self) -> str:
        return f"GMMStep({self.kind!r}, iteration={self.iteration}, nll={self.nll:.6g})"


class GMMRun:
    """A whole EM run: every half-step, and the fitted values in scikit-learn's style.

    Attributes
    ----------
    steps : list of GMMStep
        "init", then "E" and "M" for every iteration.
    nll : ndarray of shape (n_iter_ + 1,)
        NLL at theta_0, theta_1, ..., theta_T.
    weights_, means_, covariances_ : final parameters, shapes (K,), (K, 2), (K, 2, 2).
    resp_ : ndarray of shape (n_samples, K)
        Posterior at the final parameters.
    labels_ : ndarray of shape (n_samples,)
    n_iter_ : int
    converged_ : bool
    stop_kind : StopKind
        Why the run stopped, for code to branch on.
    stop_reason : str
        The same as a sentence, for people.
    """

    def __init__(self, X: np.ndarray, scaler: _Scaler, F: np.ndarray, n_components: int,
                 covariance_type: str, reg_covar: float, tol: float, max_iter: int) -> None:
        self.X = X
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.reg_covar = reg_covar
        self.tol = tol
        self.max_iter = max_iter
        self.steps: list[GMMStep] = []
        self.converged_ = False
        self.stop_kind = StopKind.MAX_ITER
        self.stop_reason = ""
        self._scaler = scaler
        self._Xs = scaler.x(X)
        self._F = F
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._start_means: tuple[tuple, np.ndarray] | None = None

    def __getstate__(self) -> dict:
        # Posteriors are recomputed on demand: never pickle the cache (st.cache_data pickles).
        return {**self.__dict__, "_cache": OrderedDict()}

    # -- conversions between the internal (scaled) and the user's units
    def _to_original(self, theta: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        w, m, p = theta
        if self._start_means is not None and theta is self._start_means[0]:
            # the start's means exactly as given or picked (the scaled round trip can move an ulp)
            means = self._start_means[1].copy()
        else:
            means = self._scaler.means_out(m)
        return w.copy(), means, g2.unpack(p) * self._scaler.scale**2

    def _posterior(self, theta: tuple) -> np.ndarray:
        key = id(theta)
        if key not in self._cache:
            self._cache[key] = e_step(self._Xs, self._F, *theta)[0]
            if len(self._cache) > 4:
                self._cache.popitem(last=False)
        return self._cache[key]

    # -- the fitted values
    @property
    def final(self) -> GMMStep:
        return self.steps[-1]

    @property
    def nll(self) -> np.ndarray:
        return np.array([s.nll for s in self.steps if s.kind != "E"])

    @property
    def weights_(self) -> np.ndarray:
        return self.final.weights

    @property
    def means_(self) -> np.ndarray:
        return self.final.means

    @property
    def covariances_(self) -> np.ndarray:
        return self.final.covariances

    @property
    def resp_(self) -> np.ndarray:
        return self._posterior(self.final._theta).T

    @property
    def labels_(self) -> np.ndarray:
        return self.resp_.argmax(axis=1)

    @property
    def n_iter_(self) -> int:
        return self.final.iteration

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    def __repr__(self) -> str:
        return (f"GMMRun(n_components={self.n_components}, covariance_type="
                f"{self.covariance_type!r}, n_iter_={self.n_iter_}, nll={self.final.nll:.6g}, "
                f"stop_reason={self.stop_reason!r})")


def _nll(log_prob_norm: np.ndarray, scaler: _Scaler) -> float | np.ndarray:
    """-sum_n log p(x_n | theta) in the user's units; one value per leading (batch) index."""
    return -(log_prob_norm.sum(axis=-1) + log_prob_norm.shape[-1] * scaler.log_jacobian())


class StopKind(enum.Enum):
    """Why an EM run stopped; ``GMMRun.stop_reason`` is its sentence."""

    CONVERGED = "converged"
    MAX_ITER = "max_iter"
    COLLAPSED = "collapsed"
    NOT_EVALUABLE = "not_evaluable"


# Stop reasons, shared by fit_gmm and the batched restarts.
CONVERGED = "converged: NLL change below tol"
MAX_ITER = "reached max_iter"


def collapse_reason(component: int, where: str, iteration: int) -> str:
    """The stop reason for a singular covariance (``component`` counted from 0)."""
    return f"component {component + 1} collapsed onto {where} at iteration {iteration}"


def unevaluable_reason(iteration: int) -> str:
    """The stop reason for a likelihood that is not finite."""
    return f"the likelihood could not be evaluated at iteration {iteration}"


def fit_gmm(
    X: object,
    n_components: int,
    *,
    covariance_type: str = "full",
    init: str = "kmeans",
    weights_init: object = None,
    means_init: object = None,
    covariances_init: object = None,
    max_iter: int = 100,
    tol: float = 1e-4,
    reg_covar: float = 1e-6,
    random_state: int | np.random.RandomState | None = None,
    fixed_covariance: float | None = None,
    learn_weights: bool = True,
) -> GMMRun:
    """Fit a Gaussian mixture by EM and record every half-step.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    n_components : int
        K, from 1 to the number of distinct points.
    covariance_type : {"full", "diag", "spherical", "tied"}
        As in scikit-learn's GaussianMixture.
    init : str
        "random" (K distinct data points, the data covariance, equal weights), "random_resp"
        (random responsibilities then an M-step), "kmeans" (responsibilities from K-means),
        "k-means++" (k-means++ seeds, the data covariance, equal weights), "identical" (every
        component the same), or the notes' fixed values "notes-a", "notes-a2", "notes-b" (k = 3).
    weights_init : array-like of shape (K,), optional
    means_init : array-like of shape (K, 2), optional
    covariances_init : array-like of shape (K, 2, 2) or (2, 2), optional
        Explicit starting values; each overrides what ``init`` gives.
    max_iter : int
    tol : float
        Stop when the NLL per point changes by less than ``tol``; 0 runs ``max_iter`` iterations.
    reg_covar : float
        Added to the diagonal of every covariance. With 0, a collapsing component stops the run.
    random_state : int, RandomState or None
    fixed_covariance : float, optional
        Hold every covariance at ``fixed_covariance * I`` and learn only weights and means (the
        K-means limit of EM as it goes to 0).
    learn_weights : bool
        False holds the weights at their start; a component left without responsibility then
        keeps its mean, as an empty K-means cluster keeps its centre.

    Returns
    -------
    GMMRun
    """
    from gmmviz import _validate as v
    from gmmviz.starts import canonical_init, check_gmm_init

    X = v.points(X)
    k = v.component_count(X, n_components)
    if covariance_type not in COVARIANCE_TYPES:
        raise InputError(
            f"Unknown covariance type {covariance_type!r}: choose one of "
            f"{', '.join(COVARIANCE_TYPES)}."
        )
    check_gmm_init(init, k)
    init = canonical_init(init)
    max_iter = v.count(max_iter, "max_iter", 0, 100_000)
    tol = v.non_negative(tol, "tol")
    reg_covar = v.non_negative(reg_covar, "reg_covar")
    if fixed_covariance is not None and not v.non_negative(fixed_covariance, "eps") > 0:
        raise InputError("The fixed covariance eps must be above 0.")
    explicit = (
        None if weights_init is None else v.weights(weights_init, k),
        None if means_init is None else v.means(means_init, k),
        None if covariances_init is None else v.covariances(covariances_init, k),
    )

    # The inner products have only 6 columns: one BLAS thread beats several on them.
    with threadpool_limits(limits=1, user_api="blas"):
        return _fit(X, k, covariance_type, init, explicit, max_iter, tol, reg_covar,
                    random_state, fixed_covariance, bool(learn_weights))


def _fit(X, k, covariance_type, init, explicit, max_iter, tol, reg_covar, random_state,
         fixed_covariance, learn_weights) -> GMMRun:
    """The EM loop of fit_gmm on validated arguments."""
    scaler = _Scaler.fit(X)
    Xs = scaler.x(X)
    F = g2.quad_features(Xs)
    s2 = scaler.scale**2
    reg = reg_covar / s2
    fixed = None if fixed_covariance is None else float(fixed_covariance) / s2
    run = GMMRun(X, scaler, F, k, covariance_type, reg_covar, tol, max_iter)

    q0, theta, means0 = _start(X, Xs, F, scaler, k, init, explicit, reg, covariance_type,
                               fixed, random_state)
    bad = collapsed_components(theta[2], reg_covar)
    if bad:
        j, where = bad[0]
        raise InputError(
            f"The start puts component {j + 1} on {where}, so its covariance is singular: set "
            f"reg_covar above 0 or choose another initialization."
        )
    resp, lpn, wlp = e_step(Xs, F, *theta)
    nll = float(_nll(lpn, scaler))
    kl = 0.0
    if q0 is not None:
        kl = kl_divergence(np.log(np.where(q0 > 0, q0, 1.0)), wlp - lpn[None, :], q0)
    if means0 is not None:
        run._start_means = (theta, means0)
    run.steps.append(GMMStep(run, "init", 0, theta, q0, nll, -nll - kl, kl))
    run.stop_kind, run.stop_reason = StopKind.MAX_ITER, MAX_ITER

    for t in range(1, max_iter + 1):
        q, theta_prev = resp, theta
        e = GMMStep(run, "E", t, theta_prev, theta_prev, nll, -nll, 0.0)
        theta = m_step(Xs, F, q, reg, covariance_type, fixed)
        if not learn_weights:
            theta = _hold_weights(theta, theta_prev, q)
        bad = collapsed_components(theta[2], reg_covar)
        if bad:
            j, where = bad[0]
            run.stop_kind, run.stop_reason = StopKind.COLLAPSED, collapse_reason(j, where, t)
            break
        resp, lpn_new, wlp_new = e_step(Xs, F, *theta)
        if not np.all(np.isfinite(lpn_new)):
            run.stop_kind, run.stop_reason = StopKind.NOT_EVALUABLE, unevaluable_reason(t)
            break
        nll_prev, nll = nll, float(_nll(lpn_new, scaler))
        # KL(q || p(z|x, theta_t)) with log q = wlp_{t-1} - lpn_{t-1}, log p = wlp_t - lpn_t.
        # Each column of q sums to 1, so the log-normaliser difference enters once per point.
        kl = max(float(np.vdot(q, wlp - wlp_new)) - float(np.sum(lpn - lpn_new)), 0.0)
        run.steps.append(e)
        run.steps.append(GMMStep(run, "M", t, theta, theta_prev, nll, -nll - kl, kl))
        wlp, lpn = wlp_new, lpn_new
        if abs(nll_prev - nll) / X.shape[0] < tol:
            run.converged_ = True
            run.stop_kind, run.stop_reason = StopKind.CONVERGED, CONVERGED
            break
    return run


def _hold_weights(theta: tuple, theta_prev: tuple, q: np.ndarray) -> tuple:
    """The means-only M-step: pi_k stays; a component with no responsibility keeps its mean."""
    _, means, packed = theta
    empty = q.sum(axis=-1) < 1e-12
    means[empty] = theta_prev[1][empty]
    return theta_prev[0], means, packed


def _start(X, Xs, F, scaler, k, init, explicit, reg, covariance_type, fixed, random_state):
    """theta_0 = (weights, means, packed covariances) in scaled units, and q_0 if the start has one.

    Returns
    -------
    q0 : ndarray of shape (K, n_samples) or None
    theta : tuple of ndarrays of shapes (K,), (K, 2), (K, 3)
    means0 : ndarray of shape (K, 2) or None
        The start's means in the user's units when given or picked from the data.
    """
    from sklearn.utils import check_random_state

    from gmmviz import starts

    rng = check_random_state(random_state)
    q0 = means0 = None
    w_init, m_init, c_init = explicit
    if w_init is not None and m_init is not None and (c_init is not None or fixed is not None):
        init = "identical"  # every value is given: nothing to compute (as scikit-learn)
    if init in ("kmeans", "random_resp"):
        if init == "kmeans":
            q0 = starts.one_hot(starts.kmeans_labels(X, k, rng), k)
        else:
            q0 = rng.uniform(size=(X.shape[0], k)).T.copy()
            q0 /= q0.sum(axis=0, keepdims=True)
        w, m, p = m_step(Xs, F, q0, reg, covariance_type, fixed)
    else:
        data_cov = _data_covariance(Xs, covariance_type, reg)
        w = np.full(k, 1.0 / k)
        p = np.repeat(data_cov[None, :], k, axis=0)
        if init == "random":
            means0 = starts.distinct_points(X, k, rng)
            m = scaler.means_in(means0)
        elif init == "k-means++":
            means0 = starts.plusplus_centers(X, k, rng)
            m = scaler.means_in(means0)
        elif init == "identical":
            m = np.repeat(Xs.mean(axis=0)[None, :], k, axis=0)
        else:  # the notes' fixed values, identity covariances
            w0, m0 = starts.NOTES_STARTS[init]
            w, m, means0 = w0.copy(), scaler.means_in(m0), m0
            p = np.repeat(np.array([[1.0, 0.0, 1.0]]) / scaler.scale**2, k, axis=0)
    if w_init is not None:
        w = w_init.copy()
    if m_init is not None:
        m, means0 = scaler.means_in(m_init), m_init
    if c_init is not None:
        p = g2.pack(c_init) / scaler.scale**2
    if fixed is not None:
        p = np.repeat(np.array([[fixed, 0.0, fixed]]), k, axis=0)
    return q0, (w, m, p), means0


def _data_covariance(Xs: np.ndarray, covariance_type: str, reg: float) -> np.ndarray:
    """The data covariance in the form of covariance_type, made positive definite, shape (3,)."""
    n = Xs.shape[0]
    _, _, cov = _second_moments(Xs, g2.quad_features(Xs), np.ones((1, n)))
    packed = _COV_ESTIMATORS[covariance_type if covariance_type != "tied" else "full"](
        np.array([float(n)]), cov)[0]
    lo, hi = g2.eigvalsh(packed)
    if lo <= _COLLAPSE * max(hi, 1.0):
        # Identical or collinear points: widen so the start has a proper density.
        packed = packed + np.array([1.0, 0.0, 1.0]) * max(1e-3 * hi, 1e-3)
    packed[[0, 2]] += reg
    return packed


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
    scale = float(2.0 ** np.round(np.log2(spread))) if 0 < spread < np.inf else 1.0
    scaler = _Scaler(means.mean(axis=0), scale)
    Xs = scaler.x(X)
    wlp = g2.weighted_log_prob(
        Xs, g2.quad_features(Xs), np.asarray(weights, dtype=float), scaler.means_in(means),
        packed / scaler.scale**2,
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
