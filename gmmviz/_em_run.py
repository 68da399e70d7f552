"""Recorded EM runs: :class:`GMMStep`, one half-step, and :class:`GMMRun`, a whole run.

:func:`gmmviz.em.fit_gmm` runs EM on a batch of one and hands every iteration to the run, which
keeps it as plain data in the user's units for the figures: the parameters, the NLL, and the lower
bound L(q, theta) with its gap KL(q || p(z | x, theta)). Responsibilities are recomputed on demand
from the parameters that produced them, so a long run holds no (N, K) array per step.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from gmmviz._em_stops import StopKind

if TYPE_CHECKING:
    from gmmviz._em_settings import EMSettings, ScaledData
    from gmmviz.em import EMState, Theta
    from gmmviz.starts import Start


# --------------------------------------------------------------------------- the bound's gap
def kl_divergence(log_q: np.ndarray, log_p: np.ndarray, q: np.ndarray) -> float:
    """KL(q || p) = sum_nk q_nk (log q_nk - log p_nk), with 0 log 0 = 0; never below 0."""
    with np.errstate(invalid="ignore"):
        diff = np.where(q > 0, log_q - log_p, 0.0)
    return max(float(np.vdot(q, diff)), 0.0)


def _m_step_kl(q: np.ndarray, wlp: np.ndarray, lpn: np.ndarray, wlp_new: np.ndarray,
               lpn_new: np.ndarray) -> float:
    """KL(q || p(z | x, theta_t)) after an M-step, q being the posterior at theta_{t-1}.

    log q = wlp_{t-1} - lpn_{t-1} and log p = wlp_t - lpn_t; each column of q sums to 1, so the
    log-normaliser difference enters once per point.
    """
    kl = float(np.vdot(q, wlp - wlp_new)) - float(np.sum(lpn - lpn_new))
    if not math.isfinite(kl):  # a component of density 0 somewhere: 0 log 0 = 0 there
        kl = kl_divergence(wlp - lpn[..., None, :], wlp_new - lpn_new[..., None, :], q)
    return max(kl, 0.0)


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

    def __init__(self, run: GMMRun, kind: str, iteration: int, theta: Theta, q: object,
                 nll: float, elbo: float, kl: float,
                 params: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> None:
        # ``params``: the weights, means and covariances in the user's units when they are known
        # exactly (a run read back from a file), rather than converted from ``theta``
        self._run, self.kind, self.iteration, self._theta, self._q = run, kind, iteration, theta, q
        self.weights, self.means, self.covariances = (
            run._to_original(theta) if params is None else params)
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
            "M-step: π, μ, Σ updated")
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
    settings : EMSettings
        The checked settings of the run (also as ``n_components``, ``covariance_type``,
        ``reg_covar``, ``tol`` and ``max_iter``).
    """

    def __init__(self, s: ScaledData, settings: EMSettings, start: Start) -> None:
        from gmmviz.em import identical_components  # gmmviz.em imports this module

        self.X = s.X
        self.settings = settings
        self.n_components = settings.n_components
        self.covariance_type = settings.covariance_type
        self.reg_covar = settings.reg_covar
        self.tol = settings.tol
        self.max_iter = settings.max_iter
        self.steps: list[GMMStep] = []
        self.converged_ = False
        self.stop_kind = StopKind.MAX_ITER
        self.stop_reason = ""
        self._scaled = s
        self._start = start
        self._same = identical_components(*start.theta)
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()

    def __getstate__(self) -> dict:
        # Posteriors are recomputed on demand: never pickle the cache (st.cache_data pickles).
        return {**self.__dict__, "_cache": OrderedDict()}

    # -- conversions between the internal (scaled) and the user's units
    def _to_original(self, theta: Theta) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        w, m, p = theta
        if theta is self._start.theta and self._start.means is not None:
            # the start's means exactly as given or picked (the scaled round trip can move an ulp)
            means = self._start.means.copy()
        else:
            means = self._scaled.scaler.means_out(m)
        return w.copy(), means, self._scaled.covariances_out(p)

    def _posterior(self, theta: Theta) -> np.ndarray:
        from gmmviz.em import e_step  # gmmviz.em imports this module

        key = id(theta)
        if key not in self._cache:
            with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
                resp = e_step(self._scaled.Xs, self._scaled.F, *theta, same=self._same)[0]
            self._cache[key] = resp
            if len(self._cache) > 4:
                self._cache.popitem(last=False)
        return self._cache[key]

    def _record(self, t: int, before: EMState | None, after: EMState) -> None:
        """Append the steps of iteration t (t = 0: the start) from a batch of one."""
        nll = float(after.nll[0])
        if before is None:
            theta, q0 = self._start.theta, self._start.resp
            kl = 0.0
            if q0 is not None:
                with np.errstate(divide="ignore"):
                    log_q0 = np.log(np.where(q0 > 0, q0, 1.0))
                kl = kl_divergence(log_q0, after.wlp[0] - after.lpn[0][None, :], q0)
            self.steps.append(GMMStep(self, "init", 0, theta, q0, nll, -nll - kl, kl))
            return
        prev = self.steps[-1]
        theta_prev, nll_prev = prev._theta, prev.nll
        theta = tuple(a[0] for a in after.theta)
        kl = _m_step_kl(before.resp[0], before.wlp[0], before.lpn[0], after.wlp[0], after.lpn[0])
        self.steps.append(GMMStep(self, "E", t, theta_prev, theta_prev, nll_prev, -nll_prev, 0.0))
        self.steps.append(GMMStep(self, "M", t, theta, theta_prev, nll, -nll - kl, kl))

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

    # -- taking the run away (see gmmviz.export)
    def to_frame(self, step: int = -1) -> pd.DataFrame:
        """The points with their responsibilities and hard labels at one half-step.

        See :func:`gmmviz.export.run_frame`: columns ``x``, ``y``, ``resp_1`` ... ``resp_K``
        and ``label`` (the component, 1 to K, with the largest responsibility), one row per
        point (index ``point``); NaN and a missing label at a start without responsibilities.
        """
        from gmmviz.export import run_frame

        return run_frame(self, step)

    def to_json(self, source: str | None = None) -> str:
        """The whole run as JSON text, read back by :func:`gmmviz.load_run`.

        See :func:`gmmviz.export.run_json`: the settings, how the run stopped, ``source`` (a
        description of the data, if given), the points, and every half-step's kind, label,
        pi, mu, Sigma, NLL, ELBO and KL.
        """
        from gmmviz.export import run_json

        return run_json(self, source)

    def __repr__(self) -> str:
        return (f"GMMRun(n_components={self.n_components}, covariance_type="
                f"{self.covariance_type!r}, n_iter_={self.n_iter_}, nll={self.final.nll:.6g}, "
                f"stop_reason={self.stop_reason!r})")
