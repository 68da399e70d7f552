"""K-means as the hard limit of EM: every covariance fixed to eps * I, and eps shrinking."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import streamlit as st

import gmmviz
from gmmviz import i18n
from gmmviz.budget import Request
from gmmviz.figures.kmeans import eps_sweep_figure, limit_figure
from gmmviz.i18n import N_, _
from gmmviz.limit import EPS_STEPS, center_distance, eps_grid, eps_sweep, fit_eps_limit, hardness
from views import _common as ui
from views import _kmeans_controls as kc
from views import _player
from views._urlstate import shown_labels

WEIGHT_LABELS = {
    "learned": N_("learned (π_k = N_k / N)"),
    "equal": N_("fixed at 1/k (means only)"),
}
SCHEMA: dict[str, ui.Param] = {
    **kc.KMEANS_SCHEMA,
    "eps": ui.Param(0.5, "float", low=EPS_STEPS[0], high=EPS_STEPS[-1]),
    "weights": ui.Param("learned", "choice", tuple(WEIGHT_LABELS)),
    "speed": ui.EXPLORER_EXTRA["speed"],
}
SWEEP_SIZE = 25
FIGURE_HEIGHT = 540
_LAST_GOOD = "_limit_last_good"  # the Fitted of the last runs that worked
PLAYER = "eps_player"  # the eps run, half-step by half-step


class Fitted(NamedTuple):
    """K-means and the eps-limit EM run from its start, on the same data."""

    X: np.ndarray
    kmeans: gmmviz.KMeansRun
    eps_run: gmmviz.GMMRun
    digest: str
    centers: tuple[float, ...]  # the shared start, flattened (a cache key)
    learn_weights: bool
    description: str

    @property
    def eps(self) -> float:
        """The run's eps: every covariance is eps * I."""
        return float(self.eps_run.covariances_[0, 0, 0])

    @property
    def key(self) -> str:
        return (f"{self.digest}|{self.centers}|{self.eps!r}|{self.learn_weights}|"
                f"{self.eps_run.max_iter}")


@st.cache_data(max_entries=32, show_spinner=False)
def _eps_run(digest: str, _X: np.ndarray, centers: tuple, eps: float, learn_weights: bool,
             max_iter: int, lang: str) -> gmmviz.GMMRun:
    # ``lang``: the run's stop reason is in words
    return fit_eps_limit(_X, np.array(centers).reshape(-1, 2), eps,
                         learn_weights=learn_weights, max_iter=max_iter)


@st.cache_data(max_entries=8 * SWEEP_SIZE, show_spinner=False)
def _sweep_point(digest: str, _X: np.ndarray, centers: tuple, eps: float, learn_weights: bool,
                 max_iter: int, _kmeans: gmmviz.KMeansRun) -> pd.DataFrame:
    """One row of the sweep (K-means from ``centers`` is ``_kmeans``)."""
    return eps_sweep(_X, np.array(centers).reshape(-1, 2), [eps],
                     learn_weights=learn_weights, max_iter=max_iter, kmeans=_kmeans)


def _sweep(fitted: Fitted, work: ui.Work) -> pd.DataFrame:
    """The eps-limit fit for every eps of the sweep, one after the other (reporting to
    ``work``)."""
    eps_values = eps_grid(EPS_STEPS[0], EPS_STEPS[-1], SWEEP_SIZE)
    rows = []
    for i, eps in enumerate(eps_values):
        rows.append(_sweep_point(fitted.digest, fitted.X, fitted.centers, float(eps),
                                 fitted.learn_weights, int(fitted.eps_run.max_iter),
                                 fitted.kmeans))
        work.progress(i + 1, len(eps_values))
    return pd.concat(rows, ignore_index=True)


@st.cache_data(max_entries=16, show_spinner=False)
def _limit_figure(key: str, _eps_run: gmmviz.GMMRun, _kmeans: gmmviz.KMeansRun,
                  height: int, lang: str) -> Any:
    return limit_figure(_eps_run, _kmeans, height=height)


def _intro() -> None:
    """The idea, under the figure (the figure comes first)."""
    st.markdown(_(
        "Take a Gaussian mixture whose components all have the same round covariance εI, held "
        "fixed, so EM learns only the means (and the weights). A component's density then "
        "depends on nothing but the distance to its mean, and the responsibilities compare "
        "those distances on the scale ε. Make ε small and the nearest mean wins every point "
        "outright: the E-step turns into K-means' assignment, and the M-step, a mean weighted "
        "by 0s and 1s, into K-means' update. Slide ε down and watch the soft colours harden "
        "and the means land on the K-means centres."
    ))


def _controls() -> tuple[np.ndarray | None, str, dict[str, Any]]:
    """The sidebar's data, K-means and EM controls, then the eps slider on the page."""
    with st.sidebar:
        st.header(_("Data"))
        X, description = ui.data_source_controls()
        st.header(_("K-means and EM"))
        controls = kc.kmeans_controls()
        st.radio(_("Weights π"), tuple(WEIGHT_LABELS), key="weights",
                 format_func=shown_labels(WEIGHT_LABELS),
                 help=_("Learned: EM's usual M-step for the weights, as in the textbook. "
                        "Fixed: the weights stay equal and only the means move. The limit is "
                        "K-means either way."))
        st.slider(
            _("Animation speed (ms per frame)"), min_value=50, max_value=3000, step=50,
            key="speed",
            help=_("How long each half-step of the EM animation stays on screen while "
                   "playing."),
        )
    st.select_slider(
        _("ε, the variance of every component (log scale)"),
        options=sorted({*EPS_STEPS, float(st.session_state["eps"])}), key="eps",
        format_func=lambda v: f"{v:g}",
        help=_("Every covariance is held at ε times the identity. Large ε: broad, overlapping "
               "Gaussians and blended responsibilities. Small ε: hard assignments, as in "
               "K-means."),
    )
    return X, description, controls


def _fitted(X: np.ndarray | None, description: str, controls: dict[str, Any],
            values: dict[str, Any]) -> Fitted | None:
    """K-means and the eps-limit run the controls ask for, or the last ones that worked."""
    learn_weights = values["weights"] == "learned"

    def fit() -> Fitted:
        kmeans = kc.kmeans_run(X, controls, int(values["seed"]))
        digest = ui.data_digest(X)
        centers = tuple(float(c) for c in kmeans.steps[0].centers.ravel())
        with st.spinner(_("Running EM with Σ = εI…")):
            eps_run = _eps_run(digest, X, centers, float(values["eps"]), learn_weights,
                               controls["max_iter"], i18n.get_language())
        return Fitted(X, kmeans, eps_run, digest, centers, learn_weights, description)

    work = None
    if X is not None:
        # K-means, the eps-limit run and the sweep's fits; the first two are animated
        n, k, t = X.shape[0], controls["n_clusters"], controls["max_iter"]
        work = ui.Work((Request(n, k, t, 2 + SWEEP_SIZE, animated=False), Request(n, k, t, 2)),
                       f"{ui.data_digest(X)}|{controls}|{values['eps']}|{learn_weights}", "limit",
                       ui.with_points(ui.ITERATIONS), runs=N_("fits"))
    fitted, notice = ui.fit_or_last_good(_LAST_GOOD, fit if X is not None else None, work)
    ui.fit_notice(fitted, notice, stale=_("The figures show the last runs that worked; change "
                                          "the setting to update them."))
    return fitted


def _results(fitted: Fitted, controls: dict[str, Any]) -> None:
    """How far EM is from K-means and how hard its assignments are, and the two side by side."""
    eps_run, kmeans = fitted.eps_run, fitted.kmeans
    k = eps_run.n_components
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(_("Distance to K-means"),
              f"{center_distance(eps_run.means_, kmeans.centers_):.3g}",
              help=_("The largest distance between an EM mean and the K-means centre it is "
                     "paired with (pairs chosen to make the distances smallest)."))
    m2.metric(_("Hardness"), f"{hardness(eps_run.resp_):.4f}",
              help=_("The mean largest responsibility, the average over points of max_k γ_nk: "
                     "1 when every point is wholly in one component (hard, as in K-means); "
                     "1/k = {even} when all are even.").format(even=f"{1 / k:.2f}"))
    m3.metric(_("EM iterations"), f"{eps_run.n_iter_}", help=eps_run.stop_reason)
    m4.metric(_("K-means iterations"), f"{kmeans.n_iter_}", help=kmeans.stop_reason)
    with st.spinner(_("Drawing the figure…")):
        figure = _limit_figure(fitted.key, eps_run, kmeans,
                               420 if ui.presenting() else FIGURE_HEIGHT, i18n.get_language())
    st.plotly_chart(figure, key="limit_fig", width="stretch",
                    config={"displaylogo": False, "scrollZoom": False})
    eps = fitted.eps
    st.caption(_(
        "**Data:** {data} · **k** = {k} · **start:** {start} for both. Lines join each EM "
        "mean (◆) to its K-means centre (✕); circles: 1σ and 2σ of N(μₖ, εI) with ε = {eps} "
        "(σ = √ε = {sigma}). Shading: where each component or centre wins."
    ).format(data=fitted.description, k=k, start=controls["start"].label, eps=f"{eps:g}",
             sigma=f"{np.sqrt(eps):.3g}"))


def _why_the_limit() -> None:
    st.subheader(_("Why the limit is K-means"))
    eq1, eq2 = st.columns(2, gap="large")
    with eq1:
        st.markdown(_("**A round Gaussian of variance ε**"))
        st.latex(r"\mathcal{N}(x \mid \mu_k, \varepsilon I) = \frac{1}{2\pi\varepsilon}"
                 r"\exp\!\Big(-\frac{\lVert x - \mu_k \rVert^2}{2\varepsilon}\Big)")
        st.markdown(_("**The M-step for the means** (unchanged)"))
        st.latex(r"\mu_k = \frac{\sum_n \gamma_{nk}\, x_n}{\sum_n \gamma_{nk}}")
    with eq2:
        st.markdown(_("**Its responsibilities**"))
        st.latex(r"\gamma_{nk} = \frac{\pi_k \exp(-\lVert x_n - \mu_k \rVert^2 / 2\varepsilon)}"
                 r"{\sum_j \pi_j \exp(-\lVert x_n - \mu_j \rVert^2 / 2\varepsilon)}")
        st.markdown(_(  # literal braces doubled: the Korean reorders the words
            "Divide top and bottom by the nearest mean's term: every other term is multiplied "
            r"by $e^{{-(d_{{nj}}^2 - d_{{\min}}^2)/2\varepsilon}}$, with $d_{{nj}} = \lVert x_n "
            r"- \mu_j \rVert$ and $d_{{\min}}$ the smallest of them. That factor goes to 0 as "
            r"$\varepsilon \to 0$, whatever the weights $\pi_j > 0$."
        ).format())
    st.markdown(_("**As ε → 0 the responsibilities become K-means' hard assignments**"))
    st.latex(_(r"\gamma_{{nk}} \;\xrightarrow[\;\varepsilon \to 0\;]{{}}\; r_{{nk}} = "
               r"\begin{{cases}} 1 & \text{{if }} k = \arg\min_j \lVert x_n - \mu_j \rVert^2 "
               r"\\ 0 & \text{{otherwise}}\end{{cases}}").format())


def _eps_range(fitted: Fitted) -> None:
    """Distance and hardness over the whole range of eps, from the same start."""
    st.subheader(_("The whole range of ε"))
    eps_run = fitted.eps_run
    work = ui.Work((Request(fitted.X.shape[0], eps_run.n_components, int(eps_run.max_iter),
                            SWEEP_SIZE, animated=False),),
                   fitted.key, "sweep", runs=N_("values of ε"),
                   label=_("Sweeping ε from {low} to {high}…").format(
                       low=f"{EPS_STEPS[0]:g}", high=f"{EPS_STEPS[-1]:g}"), reports=True)
    sweep, notice = ui.fit_or_notice(lambda: _sweep(fitted, work), work)
    if notice is not None:
        notice.show()
        return
    st.plotly_chart(eps_sweep_figure(sweep, eps=fitted.eps,
                                     n_components=eps_run.n_components),
                    key="sweep_fig", width="stretch",
                    config={"displaylogo": False, "displayModeBar": False})
    st.caption(_(
        "{n} fits from the same start, ε from {low} to {high} (the vertical line marks the ε "
        "above). Once ε is small next to the squared gaps between clusters the distance drops "
        "to rounding error and the responsibilities to 0 or 1. Very large ε makes every "
        "component cover all the data, and the means merge at the data's mean."
    ).format(n=len(sweep), low=f"{EPS_STEPS[0]:g}", high=f"{EPS_STEPS[-1]:g}"))


def _em_animation(fitted: Fitted, values: dict[str, Any]) -> None:
    """The eps run in the step player: its E-step panels show the hardened γ."""
    with st.expander(_("Watch this EM run half-step by half-step")):
        run, view = fitted.eps_run, _player.view(PLAYER)
        data = ui.cached_player(run, fitted.X, fitted.key, levels=(1, 2),
                                duration_ms=int(values["speed"]), density=False)
        html = ui.cached_step_html(
            run, fitted.X, fitted.key, point=view.point,
            source=_("The K-means start's centres; every covariance fixed at εI, ε = "
                     "{eps}.").format(eps=f"{fitted.eps:g}"))
        _player.player({**data, "html": html, "step": view.step or 0, "point": view.point},
                       key=PLAYER, url=False)


# ----------------------------------------------------------------------------- the page
def _page() -> None:
    """The page, top to bottom (a function: a run's values go with it)."""
    values = ui.url_state(SCHEMA)
    ui.page_element()
    ui.page_top(_("K-means as the limit of EM"))
    X, description, controls = _controls()
    values = ui.current_values(values, SCHEMA)
    ui.sync_url(values, SCHEMA)
    fitted = _fitted(X, description, controls, values)
    if fitted is not None:
        _results(fitted, controls)
    _intro()
    if fitted is not None:
        _why_the_limit()
        _eps_range(fitted)
        _em_animation(fitted, values)


_page()
