"""K-means step by step: assign and update half-steps, beside a Gaussian mixture of the data."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import streamlit as st

import gmmviz
from gmmviz import i18n
from gmmviz.budget import Request
from gmmviz.figures.kmeans import hard_soft_figure
from gmmviz.i18n import _
from gmmviz.limit import hardness
from gmmviz.numbers import format_number as num
from views import _common as ui
from views import _kmeans_controls as kc
from views import _player
from views._urlstate import shown_labels

SCHEMA: dict[str, ui.Param] = {
    **kc.KMEANS_SCHEMA,
    "cov": ui.EXPLORER["cov"],
    "speed": ui.EXPLORER_EXTRA["speed"],
    "voronoi": ui.Param("1", "choice", ("0", "1")),
}
KMEANS_PLAYER, GMM_PLAYER = "kmeans_player", "gmm_player"
_LAST_GOOD = "_kmeans_last_good"  # the Fitted of the last run that worked


class Fitted(NamedTuple):
    """A K-means run with its data, the key of its fit and the data's caption."""

    run: gmmviz.KMeansRun
    X: np.ndarray
    key: str
    description: str


@st.cache_resource(max_entries=16, show_spinner=False)
def _kmeans_player(key: str, _run: gmmviz.KMeansRun, options: tuple, lang: str) -> dict:
    """The player's data for the run (shared, read-only), in the language ``lang``."""
    from gmmviz.figures.player import kmeans_player

    return kmeans_player(_run, **dict(options))


@st.cache_data(max_entries=16, show_spinner=False)
def _hard_soft_figure(key: str, _gmm: gmmviz.GMMRun, _run: gmmviz.KMeansRun, lang: str) -> Any:
    return hard_soft_figure(_gmm, _run, height=520)


def _show_anisotropic() -> None:
    """Switch to the stretched clusters, where round K-means clusters do not fit."""
    st.session_state["data"] = "anisotropic"
    st.session_state["k"] = 3
    st.session_state["kinit"] = "kmeans-pp"


def _intro() -> None:
    """What K-means does, under its figure (the figure comes first)."""
    st.markdown(_(
        "K-means splits the points into k groups by repeating two half-steps. **Assign**: "
        "every point joins the centre nearest to it (the shaded regions show which centre is "
        "nearest where). **Update**: every centre moves to the mean of the points that joined "
        "it. Neither half-step can raise the distortion J, the sum of squared distances from "
        "the points to their centres, so J only falls and the run stops once no point changes "
        "cluster — at a minimum that depends on where the centres started. Press ▶ Play under "
        "the figure."
    ))
    with st.expander(_("The equations: assign, update, distortion"), expanded=False):
        ui.equations_block("kmeans")
        st.markdown(_(
            "J falls at the assign step (each point picks the nearest centre, for the current "
            "centres) and at the update step (the mean minimises the sum of squared distances "
            "to a group of points, for the current assignment)."
        ))


def _sidebar(values: dict[str, Any]) -> tuple[np.ndarray | None, str, dict[str, Any]]:
    """The data, K-means, display and mixture controls; returns the data, its caption and
    the K-means controls' settings."""
    with st.sidebar:
        st.header(_("Data"))
        X, description = ui.data_source_controls()
        st.header("K-means")
        controls = kc.kmeans_controls()
        st.header(_("Display"))
        st.slider(
            _("Animation speed (ms per frame)"), min_value=50, max_value=3000, step=50,
            key="speed",
            help=_("How long each half-step stays on screen while playing; smaller is faster."),
        )
        st.toggle(_("Shade the regions of the centres"), key="voronoi",
                  help=_("Colour the plane by its nearest centre (the Voronoi regions)."))
        st.header(_("Gaussian mixture"))
        st.selectbox(
            _("Covariance type"), ui.COV_TYPES, key="cov",
            format_func=shown_labels(ui.COV_LABELS),
            help=_("The shape each Gaussian of the mixture on the right may take."),
        )
        st.button(_("Show the round-cluster limit"), on_click=_show_anisotropic,
                  icon=":material/open_in_full:",
                  help=_("Load the stretched (anisotropic) clusters with k = 3 and k-means++."))
    return X, description, controls


def _fitted(X: np.ndarray | None, description: str, controls: dict[str, Any],
            seed: int) -> Fitted | None:
    """The K-means run the controls ask for, or the last one that worked (saying why)."""
    if X is None:
        fitted, notice = ui.fit_or_last_good(_LAST_GOOD, None)
    else:
        key = ui.fit_key(X, controls["n_clusters"], init=controls["init"],
                         max_iter=controls["max_iter"], random_state=seed)
        # K-means and the mixture beside it, both animated
        size = Request(X.shape[0], controls["n_clusters"], controls["max_iter"], 2)
        fitted, notice = ui.fit_or_last_good(
            _LAST_GOOD, lambda: Fitted(kc.kmeans_run(X, controls, seed), X, key, description),
            ui.Work((size,), key, "kmeans", ui.with_points(ui.ITERATIONS)))
    ui.fit_notice(fitted, notice, stale=_("The figures show the last run that worked; change "
                                          "the setting to update them."))
    return fitted


def _kmeans_panel(fitted: Fitted, controls: dict[str, Any], values: dict[str, Any]) -> None:
    """The K-means animation and what the run did."""
    run = fitted.run
    st.subheader(_("K-means: hard assignments"))
    view = _player.view(KMEANS_PLAYER)
    point = view.point if isinstance(view.point, int) and view.point < len(fitted.X) else None
    with st.spinner(_("Drawing the figure…")):
        data = _kmeans_player(fitted.key, run, (
            ("duration_ms", int(values["speed"])), ("regions", values["voronoi"] == "1"),
            ("point", point), ("source", kc.kinit_label(controls["kinit"]))),
            i18n.get_language())
    _player.player({**data, "step": view.step or 0}, key=KMEANS_PLAYER, url=False)
    head = _("**Data:** {data} · **k** = {k} · **start:** {start}.").format(
        data=fitted.description, k=run.steps[0].centers.shape[0], start=controls["start"].label)
    if run.converged_:
        outcome = (_("Converged after {n} iteration ({reason}); final J = {j}.")
                   if run.n_iter_ == 1 else
                   _("Converged after {n} iterations ({reason}); final J = {j}."))
    else:
        outcome = (_("Stopped after {n} iteration ({reason}); final J = {j}.")
                   if run.n_iter_ == 1 else
                   _("Stopped after {n} iterations ({reason}); final J = {j}."))
    st.caption(head + " " + outcome.format(n=run.n_iter_, reason=run.stop_reason,
                                           j=num(run.steps[-1].distortion)))


def _mixture_panel(fitted: Fitted, controls: dict[str, Any], values: dict[str, Any]) -> None:
    """A Gaussian mixture from the same centres: hard against soft, round against stretched."""
    st.subheader(_("Beside it: a Gaussian mixture of the same data"))
    gmm, gmm_key = _mixture_run(fitted, controls, values)
    soft_col, round_col = st.columns(2, gap="large")
    soft_col.markdown(_(
        "**Hard or soft.** K-means gives every point a plain yes or no: a point midway between "
        "two centres belongs wholly to one of them, and nothing records the doubt. The mixture "
        "gives each point responsibilities that sum to 1, so such a point shows a blended "
        "colour."
    ))
    round_col.markdown(_(
        "**Round or stretched.** K-means only measures the distance to a centre, so its "
        "boundaries are straight lines halfway between centres and its clusters are round and "
        "equally spread. The mixture's covariances let a cluster be stretched, tilted, wide or "
        "narrow, and its boundaries curve. To see it, press **Show the round-cluster limit** "
        "in the sidebar."
    ))
    if gmm is not None:
        _both_at_their_end(fitted, gmm, gmm_key, values)


def _mixture_run(fitted: Fitted, controls: dict[str, Any], values: dict[str, Any]
                 ) -> tuple[gmmviz.GMMRun | None, str]:
    """EM from the centres where K-means ended (equal weights, the data's covariance), and
    the key of its fit; None and a message when it cannot run.

    Both models then begin from the same clusters, so what differs at their end is the
    model (hard or soft, round or stretched), not the luck of a start: from the textbook's
    centres themselves EM climbs to a worse optimum than K-means finds from them.
    """
    centers = fitted.run.centers_
    gmm_kwargs = dict(init="identical", means_init=centers,
                      covariance_type=values["cov"], max_iter=controls["max_iter"],
                      tol=ui.EXPLORER["tol"].default, reg_covar=ui.EXPLORER["reg"].default,
                      random_state=int(values["seed"]))
    k = centers.shape[0]
    gmm, notice = ui.fit_or_notice(lambda: ui.cached_fit(fitted.X, k, **gmm_kwargs))
    if notice is not None:
        notice.show()
        return None, ""
    return gmm, ui.fit_key(fitted.X, k, **gmm_kwargs)


def _both_at_their_end(fitted: Fitted, gmm: gmmviz.GMMRun, gmm_key: str,
                       values: dict[str, Any]) -> None:
    """K-means and the mixture at their end side by side, then the mixture's EM animation."""
    k, km = gmm.n_components, fitted.run
    with st.spinner(_("Drawing the figure…")):
        figure = _hard_soft_figure(gmm_key + fitted.key, gmm, km, i18n.get_language())
    st.plotly_chart(figure, key="compare_fig", width="stretch",
                    config={"displaylogo": False, "scrollZoom": False})
    reached = (_("**K-means reached J = {j}** after {n} iteration; **the mixture reached "
                 "NLL = {nll}** after {m} ({reason}). The mixture starts where K-means ended, "
                 "at its {k} final centres: both begin from the same clusters, so what differs "
                 "at their end is the model, not the start.")
               if km.n_iter_ == 1 else
               _("**K-means reached J = {j}** after {n} iterations; **the mixture reached "
                 "NLL = {nll}** after {m} ({reason}). The mixture starts where K-means ended, "
                 "at its {k} final centres: both begin from the same clusters, so what differs "
                 "at their end is the model, not the start."))
    st.markdown(reached.format(j=num(km.steps[-1].distortion), n=km.n_iter_,
                               nll=num(gmm.final.nll), m=gmm.n_iter_, reason=gmm.stop_reason,
                               k=k))
    cov_name = ui.COV_NAMES[values["cov"]]
    st.caption(_(
        "Both at their end; the shading shows where each cluster wins. The mixture starts "
        "with equal weights and the data's covariance ({cov} covariances). "
        "**Mean largest responsibility: {hardness}** (K-means: 1, every point "
        "wholly in one cluster; 1/k = {uniform}: no preference)."
    ).format(cov=_(cov_name), hardness=f"{hardness(gmm.resp_):.3f}", uniform=f"{1 / k:.2f}"))
    st.markdown(_("##### EM on the same data, half-step by half-step"))
    data = ui.cached_player(gmm, fitted.X, gmm_key, levels=(1, 2),
                            duration_ms=int(values["speed"]), density=False)
    view = _player.view(GMM_PLAYER)
    html = ui.cached_step_html(gmm, fitted.X, gmm_key, point=view.point,
                               source=_("The K-means start's centres, equal weights and the "
                                        "data's covariance."))
    _player.player({**data, "html": html, "step": view.step or 0, "point": view.point},
                   key=GMM_PLAYER, url=False)


# ----------------------------------------------------------------------------- the page
def _page() -> None:
    """The page, top to bottom (a function: a run's values go with it)."""
    values = ui.url_state(SCHEMA)
    ui.page_element()
    ui.page_top(_("K-means, step by step"))

    X, description, controls = _sidebar(values)
    values = ui.current_values(values, SCHEMA)
    ui.sync_url(values, SCHEMA)
    fitted = _fitted(X, description, controls, int(values["seed"]))
    if fitted is not None:
        _kmeans_panel(fitted, controls, values)
    _intro()
    if fitted is not None:
        _mixture_panel(fitted, controls, values)


_page()
