"""K-means step by step: assign and update half-steps, beside a Gaussian mixture of the data."""

from __future__ import annotations

from typing import Any

import streamlit as st

import gmmviz
from gmmviz import urlstate
from gmmviz.figures.kmeans import hard_soft_figure, kmeans_figure
from gmmviz.limit import hardness
from gmmviz.urlstate import EXPLORER, Param
from views import _common as ui
from views import _kmeans_controls as kc

SCHEMA: dict[str, Param] = {
    **kc.KMEANS_SCHEMA,
    "cov": EXPLORER["cov"],
    "speed": ui.EXPLORER_EXTRA["speed"],
    "voronoi": Param("1", "choice", ("0", "1")),
}
FIGURE_HEIGHT = 600
_LAST_GOOD = "_kmeans_last_good"  # (run, X, fit key, description) of the last run that worked


@st.cache_data(max_entries=16, show_spinner="Drawing the figure…")
def _kmeans_figure(key: str, _run: gmmviz.KMeansRun, options: tuple) -> Any:
    return kmeans_figure(_run, **dict(options))


@st.cache_data(max_entries=16, show_spinner="Drawing the figure…")
def _hard_soft_figure(key: str, _gmm: gmmviz.GMMRun, _run: gmmviz.KMeansRun) -> Any:
    return hard_soft_figure(_gmm, _run, height=520)


def _show_anisotropic() -> None:
    """Switch to the stretched clusters, where round K-means clusters do not fit."""
    st.session_state["data"] = "anisotropic"
    st.session_state["k"] = 3
    st.session_state["kinit"] = "kmeans-pp"


values = ui.url_state(SCHEMA)

ui.page_element()
st.title("K-means, step by step")
st.markdown(
    "K-means splits the points into k groups by repeating two half-steps. **Assign**: every "
    "point joins the centre nearest to it (the shaded regions show which centre is nearest "
    "where). **Update**: every centre moves to the mean of the points that joined it. Neither "
    "half-step can raise the distortion J, the sum of squared distances from the points to "
    "their centres, so J only falls and the run stops once no point changes cluster — at a "
    "minimum that depends on where the centres started. Press ▶ Play under the figure."
)

with st.expander("The equations: assign, update, distortion", expanded=False):
    ui.equations_block("kmeans")
    st.markdown(
        "J falls at the assign step (each point picks the nearest centre, for the current "
        "centres) and at the update step (the mean minimises the sum of squared distances to "
        "a group of points, for the current assignment)."
    )

# ----------------------------------------------------------------------------- sidebar
with st.sidebar:
    st.header("Data")
    X, data_text = ui.data_source_controls(values)
    st.header("K-means")
    controls = kc.kmeans_controls()
    st.header("Display")
    st.slider(
        "Animation speed (ms per frame)", min_value=50, max_value=3000, step=50, key="speed",
        help="How long each half-step stays on screen while playing; smaller is faster.",
    )
    st.toggle("Shade the regions of the centres", key="voronoi",
              help="Colour the plane by its nearest centre (the Voronoi regions).")
    st.header("Gaussian mixture")
    st.selectbox(
        "Covariance type", urlstate.COV_TYPES, key="cov",
        format_func=ui.COV_LABELS.get,
        help="The shape each Gaussian of the mixture on the right may take.",
    )
    st.button("Show the round-cluster limit", on_click=_show_anisotropic,
              icon=":material/open_in_full:",
              help="Load the stretched (anisotropic) clusters with k = 3 and k-means++.")
values = ui.current_values(values, SCHEMA)
ui.sync_url(values, SCHEMA)

# ----------------------------------------------------------------------------- fit
seed = int(values["seed"])
error = None
if X is not None:
    try:
        run = kc.kmeans_run(X, controls, seed)
    except gmmviz.InputError as e:
        error = str(e)
    else:
        key = ui.fit_key(X, controls["n_clusters"], init=controls["init"],
                         max_iter=controls["max_iter"], random_state=seed)
        st.session_state[_LAST_GOOD] = (run, X, key, data_text)
last_good = st.session_state.get(_LAST_GOOD)
if error:
    st.error(error, icon=":material/error:")
if last_good is None:
    if not error:
        st.info("Choose a data set in the sidebar to start.", icon=":material/arrow_back:")
    st.stop()
if error:
    st.caption("The figures show the last run that worked; change the setting to update them.")
run, X, key, data_text = last_good
k = run.steps[0].centers.shape[0]

st.subheader("K-means: hard assignments")
fig = _kmeans_figure(key, run, (("duration_ms", int(values["speed"])),
                                ("height", FIGURE_HEIGHT),
                                ("voronoi", values["voronoi"] == "1")))
st.plotly_chart(fig, key="kmeans_fig", width="stretch",
                config={"displaylogo": False, "scrollZoom": False})
verb = "Converged" if run.converged_ else "Stopped"
st.caption(
    f"**Data:** {data_text} · **k** = {k} · **start:** "
    f"{kc.KINIT_LABELS[controls['kinit']]}. {verb} after {run.n_iter_} iteration"
    f"{'s' if run.n_iter_ != 1 else ''} ({run.stop_reason}); final J = "
    f"{run.steps[-1].distortion:,.2f}."
)

# ----------------------------------------------------------------------------- the mixture
st.subheader("Beside it: a Gaussian mixture of the same data")
gmm_kwargs = dict(init="identical", means_init=run.steps[0].centers,
                  covariance_type=values["cov"], max_iter=controls["max_iter"],
                  tol=EXPLORER["tol"].default, reg_covar=EXPLORER["reg"].default,
                  random_state=seed)
try:
    gmm = ui.cached_fit(X, k, **gmm_kwargs)
except gmmviz.InputError as e:
    st.error(str(e), icon=":material/error:")
    gmm = None
soft_col, round_col = st.columns(2, gap="large")
soft_col.markdown(
    "**Hard or soft.** K-means gives every point a plain yes or no: a point midway between "
    "two centres belongs wholly to one of them, and nothing records the doubt. The mixture "
    "gives each point responsibilities that sum to 1, so such a point shows a blended colour."
)
round_col.markdown(
    "**Round or stretched.** K-means only measures the distance to a centre, so its "
    "boundaries are straight lines halfway between centres and its clusters are round and "
    "equally spread. The mixture's covariances let a cluster be stretched, tilted, wide or "
    "narrow, and its boundaries curve. To see it, press **Show the round-cluster limit** in "
    "the sidebar."
)
if gmm is not None:
    st.plotly_chart(_hard_soft_figure(ui.fit_key(X, k, **gmm_kwargs) + key, gmm, run),
                    key="compare_fig", width="stretch",
                    config={"displaylogo": False, "scrollZoom": False})
    st.caption(
        f"Both at their end, from the same {k} centres; the shading shows where each cluster "
        f"wins. The mixture starts with equal weights and the data's covariance "
        f"({values['cov']} covariances) and ran {gmm.n_iter_} iterations ({gmm.stop_reason}). "
        f"**Mean largest responsibility: {hardness(gmm.resp_):.3f}** (K-means: 1, every point "
        f"wholly in one cluster; 1/k = {1 / k:.2f}: no preference)."
    )

if gmm is not None:
    st.markdown("##### EM on the same data, half-step by half-step")
    gfig = ui.cached_em_figure(gmm, X, ui.fit_key(X, k, **gmm_kwargs), levels=(1, 2),
                               duration_ms=int(values["speed"]), height=FIGURE_HEIGHT)
    st.plotly_chart(gfig, key="gmm_fig", width="stretch",
                    config={"displaylogo": False, "scrollZoom": False})
