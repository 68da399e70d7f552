"""K-means as the hard limit of EM: every covariance fixed to eps * I, and eps shrinking."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

import gmmviz
from gmmviz.figures.kmeans import eps_sweep_figure, limit_figure
from gmmviz.limit import EPS_STEPS, center_distance, eps_grid, eps_sweep, fit_eps_limit, hardness
from gmmviz.urlstate import Param
from views import _common as ui
from views import _kmeans_controls as kc

WEIGHT_LABELS = {
    "learned": "learned (π_k = N_k / N)",
    "equal": "fixed at 1/k (means only)",
}
SCHEMA: dict[str, Param] = {
    **kc.KMEANS_SCHEMA,
    "eps": Param(0.5, "float", low=EPS_STEPS[0], high=EPS_STEPS[-1]),
    "weights": Param("learned", "choice", tuple(WEIGHT_LABELS)),
    "speed": ui.EXPLORER_EXTRA["speed"],
}
SWEEP_SIZE = 25
FIGURE_HEIGHT = 540
_LAST_GOOD = "_limit_last_good"


@st.cache_data(max_entries=32, show_spinner="Running EM with Σ = εI…")
def _eps_run(digest: str, _X: np.ndarray, centers: tuple, eps: float, learn_weights: bool,
             max_iter: int) -> gmmviz.GMMRun:
    return fit_eps_limit(_X, np.array(centers).reshape(-1, 2), eps,
                         learn_weights=learn_weights, max_iter=max_iter)


@st.cache_data(max_entries=8, show_spinner="Sweeping ε from 10⁻⁴ to 100…")
def _sweep(digest: str, _X: np.ndarray, centers: tuple, learn_weights: bool, max_iter: int,
           _kmeans: gmmviz.KMeansRun) -> pd.DataFrame:
    return eps_sweep(_X, np.array(centers).reshape(-1, 2),
                     eps_grid(EPS_STEPS[0], EPS_STEPS[-1], SWEEP_SIZE),
                     learn_weights=learn_weights, max_iter=max_iter, kmeans=_kmeans)


@st.cache_data(max_entries=16, show_spinner="Drawing the figure…")
def _limit_figure(key: str, _eps_run: gmmviz.GMMRun, _kmeans: gmmviz.KMeansRun) -> Any:
    return limit_figure(_eps_run, _kmeans, height=FIGURE_HEIGHT)


values = ui.url_state(SCHEMA)

ui.page_element()
st.title("K-means as the limit of EM")
st.markdown(
    "Take a Gaussian mixture whose components all have the same round covariance εI, held "
    "fixed, so EM learns only the means (and the weights). A component's density then "
    "depends on nothing but the distance to its mean, and the responsibilities compare "
    "those distances on the scale ε. Make ε small and the nearest mean wins every point "
    "outright: the E-step turns into K-means' assignment, and the M-step, a mean weighted by "
    "0s and 1s, into K-means' update. Slide ε down and watch the soft colours harden and the "
    "means land on the K-means centres."
)
# ----------------------------------------------------------------------------- controls
with st.sidebar:
    st.header("Data")
    X, data_text = ui.data_source_controls(values)
    st.header("K-means and EM")
    controls = kc.kmeans_controls()
    st.radio("Weights π", tuple(WEIGHT_LABELS), key="weights", format_func=WEIGHT_LABELS.get,
             help="Learned: EM's usual M-step for the weights, as in the textbook. Fixed: the "
                  "weights stay equal and only the means move. The limit is K-means either "
                  "way.")
    st.slider(
        "Animation speed (ms per frame)", min_value=50, max_value=3000, step=50, key="speed",
        help="How long each half-step of the EM animation stays on screen while playing.",
    )
eps_options = sorted({*EPS_STEPS, float(st.session_state["eps"])})
st.select_slider(
    "ε, the variance of every component (log scale)", options=eps_options, key="eps",
    format_func=lambda v: f"{v:g}",
    help="Every covariance is held at ε times the identity. Large ε: broad, overlapping "
         "Gaussians and blended responsibilities. Small ε: hard assignments, as in K-means.",
)
values = ui.current_values(values, SCHEMA)
ui.sync_url(values, SCHEMA)

# ----------------------------------------------------------------------------- fits
seed = int(values["seed"])
eps = float(values["eps"])
learn_weights = values["weights"] == "learned"
error = None
if X is not None:
    try:
        kmeans = kc.kmeans_run(X, controls, seed)
        centers = kmeans.steps[0].centers
        digest = ui.data_digest(X)
        plain = tuple(float(c) for c in centers.ravel())
        eps_run = _eps_run(digest, X, plain, eps, learn_weights, controls["max_iter"])
    except gmmviz.InputError as e:
        error = str(e)
    else:
        st.session_state[_LAST_GOOD] = (X, kmeans, eps_run, digest, plain, data_text)
last_good = st.session_state.get(_LAST_GOOD)
if error:
    st.error(error, icon=":material/error:")
if last_good is None:
    if not error:
        st.info("Choose a data set in the sidebar to start.", icon=":material/arrow_back:")
    st.stop()
if error:
    st.caption("The figures show the last runs that worked; change the setting to update them.")
X, kmeans, eps_run, digest, plain, data_text = last_good
k = eps_run.n_components
eps = float(eps_run.covariances_[0, 0, 0])

# ----------------------------------------------------------------------------- results
distance = center_distance(eps_run.means_, kmeans.centers_)
hard = hardness(eps_run.resp_)
m1, m2, m3, m4 = st.columns(4)
m1.metric("Distance to K-means", f"{distance:.3g}",
          help="The largest distance between an EM mean and the K-means centre it is paired "
               "with (pairs chosen to make the distances smallest).")
m2.metric("Hardness", f"{hard:.4f}",
          help="The mean largest responsibility, the average over points of max_k γ_nk: 1 "
               "when every point is wholly in one component (hard, as in K-means); "
               f"1/k = {1 / k:.2f} when all are even.")
m3.metric("EM iterations", f"{eps_run.n_iter_}", help=eps_run.stop_reason)
m4.metric("K-means iterations", f"{kmeans.n_iter_}", help=kmeans.stop_reason)

key = f"{digest}|{plain}|{eps!r}|{learn_weights}|{eps_run.max_iter}"
st.plotly_chart(_limit_figure(key, eps_run, kmeans), key="limit_fig", width="stretch",
                config={"displaylogo": False, "scrollZoom": False})
st.caption(
    f"**Data:** {data_text} · **k** = {k} · **start:** "
    f"{kc.KINIT_LABELS[controls['kinit']]} for both. Lines join each EM mean (◆) to its "
    f"K-means centre (✕); circles: 1σ and 2σ of N(μₖ, εI) with ε = {eps:g} (σ = √ε = "
    f"{np.sqrt(eps):.3g}). Shading: where each component or centre wins."
)

st.subheader("Why the limit is K-means")
eq1, eq2 = st.columns(2, gap="large")
with eq1:
    st.markdown("**A round Gaussian of variance ε**")
    st.latex(r"\mathcal{N}(x \mid \mu_k, \varepsilon I) = \frac{1}{2\pi\varepsilon}"
             r"\exp\!\Big(-\frac{\lVert x - \mu_k \rVert^2}{2\varepsilon}\Big)")
    st.markdown("**The M-step for the means** (unchanged)")
    st.latex(r"\mu_k = \frac{\sum_n \gamma_{nk}\, x_n}{\sum_n \gamma_{nk}}")
with eq2:
    st.markdown("**Its responsibilities**")
    st.latex(r"\gamma_{nk} = \frac{\pi_k \exp(-\lVert x_n - \mu_k \rVert^2 / 2\varepsilon)}"
             r"{\sum_j \pi_j \exp(-\lVert x_n - \mu_j \rVert^2 / 2\varepsilon)}")
    st.markdown(
        "Divide top and bottom by the nearest mean's term: every other term is multiplied by "
        r"$e^{-(d_{nj}^2 - d_{\min}^2)/2\varepsilon}$, with $d_{nj} = \lVert x_n - \mu_j "
        r"\rVert$ and $d_{\min}$ the smallest of them. That factor goes to 0 as "
        r"$\varepsilon \to 0$, whatever the weights $\pi_j > 0$."
    )
st.markdown("**As ε → 0 the responsibilities become K-means' hard assignments**")
st.latex(r"\gamma_{nk} \;\xrightarrow[\;\varepsilon \to 0\;]{}\; r_{nk} = \begin{cases} 1 & "
         r"\text{if } k = \arg\min_j \lVert x_n - \mu_j \rVert^2 \\ 0 & \text{otherwise}"
         r"\end{cases}")

st.subheader("The whole range of ε")
sweep = _sweep(digest, X, plain, learn_weights, int(eps_run.max_iter), kmeans)
st.plotly_chart(eps_sweep_figure(sweep, eps=eps, n_components=k), key="sweep_fig",
                width="stretch", config={"displaylogo": False, "displayModeBar": False})
st.caption(
    f"{len(sweep)} fits from the same start, ε from {EPS_STEPS[0]:g} to {EPS_STEPS[-1]:g} "
    "(the vertical line marks the ε above). Once ε is small next to the squared gaps between "
    "clusters the distance drops to rounding error and the responsibilities to 0 or 1. "
    "Very large ε makes every component cover all the data, and the means merge at the "
    "data's mean."
)

with st.expander("Watch this EM run half-step by half-step"):
    fig = ui.cached_em_figure(eps_run, X, key, levels=(1, 2),
                              duration_ms=int(values["speed"]), height=600)
    st.plotly_chart(fig, key="eps_em_fig", width="stretch",
                    config={"displaylogo": False, "scrollZoom": False})
