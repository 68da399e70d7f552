"""The Restarts, Identical starts and Choosing k tabs of Compare starts, and what its tabs
share: the sidebar's settings."""

from __future__ import annotations

import dataclasses
import time
from typing import Any, NamedTuple
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

import gmmviz
from gmmviz import i18n, outcomes, selection
from gmmviz.budget import Request
from gmmviz.figures import compare as cf
from gmmviz.i18n import N_, _
from gmmviz.numbers import DECIMALS
from gmmviz.numbers import format_number as num
from gmmviz.starts import GMM_START_LABELS
from views import _common as ui
from views import _player
from views._urlstate import shown_labels

#: The random starts: they change with the seed.
RESTART_INITS = ("random", "random-resp", "kmeans-pp", "kmeans")
#: The choosing-k grid: every k and covariance type (selection_grid's defaults).
GRID_KS = tuple(range(1, 11))
#: The widgets that make the restarts smaller.
RESTART_ITERS = ui.Lever("riters", N_("iterations"))
RESTARTS = ui.Lever("restarts", N_("restarts"), ui.Setting.RUNS, lowest=2)
#: Session keys of the last good value of each tab.
_LAST_RESTARTS = "_compare_last_restarts"
_LAST_IDENTICAL = "_compare_last_identical"
_LAST_GRID = "_compare_last_grid"
RESTART_PLAYER, IDENTICAL_PLAYER = "restart_player", "identical_player"
#: The choosing-k table's columns (selection_grid's names) and the headers shown for them.
GRID_COLUMNS = {"covariance_type": N_("covariance_type"), "bic": N_("bic"),
                "aic": N_("aic"), "nll": N_("nll"), "n_parameters": N_("n_parameters"),
                "converged": N_("converged")}

_RESTART_SHOWN = "_compare_restart_shown"  # the fit key of the restart the player shows


class Shared(NamedTuple):
    """The sidebar's data and EM settings, shared by every run on the page."""

    X: np.ndarray | None
    description: str
    n_components: int
    #: fit_gmm's covariance_type, max_iter, tol and reg_covar
    settings: dict[str, Any]

    def request(self, init_name: str, random_state: int, **changes: Any) -> ui.FitRequest:
        """The fit from the start ``init_name`` with these settings (and ``changes``)."""
        return ui.FitRequest(self.X, self.description, init_name, self.n_components,
                             random_state=random_state, **{**self.settings, **changes})


@st.cache_data(max_entries=16, show_spinner=False)
def _restarts(digest: str, _X: np.ndarray, k: int, n_init: int, settings: tuple, lang: str
              ) -> selection.RestartsResult:
    """fit_restarts with a progress bar (replayed, already full, when cached), in ``lang``."""
    bar = st.progress(0.0, text=_("Running EM from {n} random starts…").format(n=n_init))
    shown = [0.0]
    t0 = time.perf_counter()

    def progress(done: int, total: int) -> None:
        frac = done / total
        if frac - shown[0] >= 0.05 or done == total:
            shown[0] = frac
            bar.progress(min(frac, 1.0), text=_("Running EM from {n} random starts… "
                                                "{percent}%").format(
                                                    n=n_init, percent=f"{100 * frac:.0f}"))

    result = selection.fit_restarts(_X, k, n_init, progress=progress, **dict(settings))
    bar.progress(1.0, text=_("{n} restarts of EM computed in {seconds} s.").format(
        n=n_init, seconds=f"{time.perf_counter() - t0:.2f}"))
    return result


@st.cache_data(max_entries=8 * len(GRID_KS) * len(ui.COV_TYPES), show_spinner=False)
def _grid_cell(digest: str, _X: np.ndarray, k: int, covariance_type: str, n_init: int,
               reg_covar: float, max_iter: int, random_state: int) -> pd.DataFrame:
    """One cell of the choosing-k grid (no row when k exceeds the distinct points)."""
    return selection.selection_grid(_X, [k], [covariance_type], n_init=n_init,
                                    reg_covar=reg_covar, max_iter=max_iter,
                                    random_state=random_state)


def _grid(X: np.ndarray, work: ui.Work, **settings: Any) -> pd.DataFrame:
    """:func:`gmmviz.selection_grid` cell by cell, in its order, reporting to ``work``."""
    cells = [(cov, k) for cov in ui.COV_TYPES for k in GRID_KS]
    digest, frames = ui.data_digest(X), []
    for i, (cov, k) in enumerate(cells):
        frames.append(_grid_cell(digest, X, k, cov, **settings))
        work.progress(i + 1, len(cells))
    filled = [f for f in frames if len(f)]
    return pd.concat(filled, ignore_index=True) if filled else frames[0]


@st.cache_resource(max_entries=16, show_spinner=False)
def _compare_player_data(keys: tuple, _runs: list, titles: tuple, duration_ms: int,
                         lang: str) -> dict:
    from gmmviz.figures.player import compare_player

    return compare_player(_runs, list(titles), duration_ms=duration_ms)


def compare_player_data(keys: tuple, runs: list, titles: tuple, duration_ms: int) -> dict:
    """The player's data for the runs (cached on their fit keys and the language; shared,
    read-only)."""
    with st.spinner(_("Drawing the panels…")):
        return _compare_player_data(keys, runs, titles, duration_ms, i18n.get_language())


def outcome_phrase(run: gmmviz.GMMRun) -> str:
    """How the run ended, e.g. "converged at 15", "ran all 20 iterations"."""
    if run.stop_kind is gmmviz.StopKind.CONVERGED:
        return _("converged at {n}").format(n=run.n_iter_)
    if run.stop_kind is gmmviz.StopKind.MAX_ITER:
        return _("ran all {n} iterations").format(n=run.n_iter_)
    return _("stopped: {reason}").format(reason=run.stop_reason)


# ----------------------------------------------------------------------------- Restarts
def restarts_tab(shared: Shared, values: dict[str, Any]) -> None:
    """Many random restarts: where each ends, the distinct optima, and any restart's fit."""
    st.markdown(_(
        "Run EM to convergence from many random starts (with the sidebar's data, k, "
        "covariance type and reg_covar) and see where each one ends. In practice one keeps "
        "the best: the lowest final NLL."))
    n_init, request = _restart_controls(shared)
    settings = tuple(sorted(request.fit_kwargs().items()))
    digest = ui.data_digest(shared.X)
    work = ui.Work((request.size(n_init, animated=False),), f"{digest}|{n_init}|{settings}",
                   "restarts", ui.with_points(RESTART_ITERS, RESTARTS), runs=_("restarts"),
                   reports=True, bar=False)
    kept, notice = ui.fit_or_last_good(_LAST_RESTARTS, lambda: (
        _restarts(digest, shared.X, shared.n_components, n_init, settings,
                  i18n.get_language()), request), work)
    ui.fit_notice(kept, notice, stale=_("The restarts shown are the last ones that worked; "
                                        "change the settings to update them."))
    if kept is None:
        return
    result, request = kept
    n_init = result.n_init
    settings = tuple(sorted(request.fit_kwargs().items()))
    chosen = _picked_restart(result, (settings, n_init, shared.n_components))
    st.plotly_chart(cf.restarts_figure(result, chosen), key="restarts_fig",
                    on_select="rerun", selection_mode="points", width="stretch",
                    config={"displaylogo": False})
    optima = result.distinct_optima()
    st.caption(_(
        "Each dot is one restart: click one to show its fit below. Dots that share a column "
        "reached the same local optimum ({n_optima} here); the star is the best of the "
        "{n_init}, and {percent}% of the restarts found it.").format(
            n_optima=len(optima), n_init=n_init,
            percent=f"{100 * optima['share'].iloc[0]:.0f}"))
    _chosen_restart(result, request, values)
    with st.expander(_("The {n} local optima found").format(n=len(optima))):
        st.dataframe(
            optima.rename(columns={"nll": "final NLL", "count": "restarts",
                                   "first_restart": "e.g. restart"})
            .style.format({"final NLL": num, "share": "{:.0%}"}),
            hide_index=True, width="stretch",
            column_config={"final NLL": _("final NLL"), "restarts": _("restarts"),
                           "share": _("share"), "e.g. restart": _("e.g. restart")})


def _restart_controls(shared: Shared) -> tuple[int, ui.FitRequest]:
    """How many restarts, from which random start, with which stopping rule; returns the
    number and the first restart's request (restart i uses the data seed + i)."""
    c1, c2, c3, c4 = st.columns([3, 3, 2, 2])  # the start's full name fits its box
    n_init = int(c1.slider(
        _("Number of restarts"), min_value=2, max_value=200, step=1, key="restarts",
        help=_("How many random starts to run (restart i uses seed = the data seed + i).")))
    rinit = c2.selectbox(
        _("Random start"), RESTART_INITS, key="rinit",
        format_func=shown_labels(GMM_START_LABELS),
        help=_("How each restart picks its starting values."))
    r_iter = int(c3.number_input(
        _("Max iterations"), min_value=1, max_value=2000, step=50, key="riters",
        help=_("Each restart stops after this many iterations at most.")))
    r_tol = float(c4.number_input(
        _("Tolerance"), min_value=0.0, max_value=1.0, step=1e-6, format="%g", key="rtol",
        help=_("Each restart stops when its NLL per point changes by less than this; small "
               "values let it reach its optimum, so equal optima line up.")))
    request = shared.request(rinit, int(st.session_state["seed"]), max_iter=r_iter, tol=r_tol)
    return n_init, request


def _picked_restart(result: selection.RestartsResult, settings: tuple) -> int:
    """The restart to show: the best one for new settings, else the one clicked or typed."""
    best = result.best_index
    if st.session_state.get("_restart_for") != settings:
        st.session_state["_restart_for"] = settings
        st.session_state["restart_pick"] = best
    try:
        clicked = st.session_state.get("restarts_fig")["selection"]["points"][0]["customdata"]
    except (KeyError, IndexError, TypeError):
        clicked = None
    if isinstance(clicked, list | tuple):
        clicked = clicked[0] if clicked else None
    if clicked is not None and st.session_state.get("_restart_click") != clicked:
        st.session_state["_restart_click"] = clicked
        if 0 <= int(clicked) < result.n_init:
            st.session_state["restart_pick"] = int(clicked)
    chosen = int(st.session_state.get("restart_pick", best))
    return chosen if 0 <= chosen < result.n_init else best


def _chosen_restart(result: selection.RestartsResult, request: ui.FitRequest,
                    values: dict[str, Any]) -> None:
    """The restart to show, its NLL against the best and its rank, and its final fit."""
    best, n_init = result.best_index, result.n_init
    c1, c2, c3 = st.columns([1.2, 1.3, 3], vertical_alignment="center")
    with c1:
        st.number_input(
            _("Restart to show"), min_value=0, max_value=n_init - 1, step=1,
            key="restart_pick",
            help=_("Which restart's fit to draw below (clicking a dot picks it too); it starts "
                   "at the best one."))
    chosen = int(st.session_state["restart_pick"])
    seed = int(result.seeds[chosen])
    restart = dataclasses.replace(request, random_state=seed)
    run, notice = ui.fit_or_notice(restart.fit, restart.work(
        "restart_fit", levers=ui.with_points(RESTART_ITERS)))
    gap = result.nll[chosen] - result.nll[best]
    level = round(gap, DECIMALS) == 0  # the best, or as good as it to the digits shown
    with c2:
        st.metric(_("Final NLL of this restart"), num(result.nll[chosen]),
                  delta=_("the best") if chosen == best else _("{gap} vs best").format(
                      gap=num(gap, signed=True)),
                  delta_color="off" if level else "inverse", delta_arrow="off" if level else "auto",
                  help=_("Its negative log-likelihood; the delta is the gap to the best "
                         "restart."))
    with c3:
        st.markdown(
            _("**Restart {i}** (seed {seed}) ranks **{rank} of {n}**; it {outcome}.").format(
                i=chosen, seed=seed, rank=outcomes.rank(result.nll, chosen), n=n_init,
                outcome=outcome_phrase(run) if run else result.stop_reasons[chosen])
            + (_(" It is the **best of {n}**.").format(n=n_init) if chosen == best else ""))
    _spurious_caution(result, chosen)
    if notice is not None:
        notice.show()
        return
    data = ui.cached_player(run, restart.X, restart.key, levels=(1, 2),
                            duration_ms=int(values["speed"]), density=False)
    view = _player.view(RESTART_PLAYER)
    html = ui.cached_step_html(run, restart.X, restart.key, point=view.point,
                               source=_("Restart {i}, seed {seed}.").format(i=chosen,
                                                                           seed=seed))
    # a new restart opens at its final fit; the player then keeps where the user left it
    step = view.step if st.session_state.get(_RESTART_SHOWN) == restart.key else None
    st.session_state[_RESTART_SHOWN] = restart.key
    _player.player({**data, "html": html, "point": view.point,
                    "step": len(run.steps) - 1 if step is None else step},
                   key=RESTART_PLAYER, url=False)


def _show_restart(index: int) -> None:
    st.session_state["restart_pick"] = index


def _spurious_caution(result: selection.RestartsResult, chosen: int) -> None:
    """A caution when the restart shown has a component that looks spurious, with a button
    to the best restart without one."""
    weights, covariances = result.weights_[chosen], result.covariances_[chosen]
    thin = outcomes.spurious_components(weights, covariances, result.n_samples)
    if not thin:
        return
    which = "; ".join(_("component {j}: π = {pi}, about {n} points").format(
        j=j + 1, pi=f"{weights[j]:.3f}", n=f"{result.n_samples * weights[j]:.0f}")
        for j in thin)
    if len(thin) == 1:
        text = _(
            "**This fit looks spurious:** a component in a tiny ellipse around a few points "
            "({which}). Such a component buys likelihood by closing in on a handful of points "
            "rather than describing a cluster, so its low NLL is no sign of a better model; "
            "scikit-learn's and mclust's documentation warn of these spurious optima."
        ).format(which=which)
    else:
        text = _(
            "**This fit looks spurious:** components in a tiny ellipse around a few points "
            "({which}). Such a component buys likelihood by closing in on a handful of points "
            "rather than describing a cluster, so its low NLL is no sign of a better model; "
            "scikit-learn's and mclust's documentation warn of these spurious optima."
        ).format(which=which)
    other = outcomes.best_reasonable_restart(result)
    a, b = st.columns([4, 1.3], vertical_alignment="center")
    if other is None:
        a.warning(text + " " + _("Every restart here has such a component: try a smaller k or "
                                 "a larger reg_covar."), icon=":material/warning:")
        return
    a.warning(text + " " + _("The best restart without one is **restart {other}** (NLL "
                             "{nll}).").format(other=other, nll=num(result.nll[other])),
              icon=":material/warning:")
    b.button(_("Show restart {other}").format(other=other), key="show_reasonable",
             on_click=_show_restart, args=(other,), icon=":material/arrow_forward:",
             help=_("Draw the best restart whose components are all clusters."))


# ----------------------------------------------------------------------------- Identical starts
def identical_tab(shared: Shared, values: dict[str, Any]) -> None:
    """Every component starting at the same place stays there: EM learns nothing."""
    st.markdown(_(
        "Start every component at the **same** place: the same weight 1/k, the data's "
        "mean and the data's covariance. What can EM learn from there?"))
    demo = st.toggle(
        _("Run EM from an identical start"), key="identical_demo",
        help=_("Fit the mixture with every component starting identical, for the sidebar's "
               "number of iterations (at least 10), and check whether they ever differ."))
    if not demo:
        return
    request = shared.request("identical", 0, max_iter=max(shared.settings["max_iter"], 10),
                             tol=0.0)
    kept, notice = ui.fit_or_last_good(_LAST_IDENTICAL, lambda: (request, request.fit()),
                                       request.work("identical"))
    ui.fit_notice(kept, notice, stale=_("The run shown is the last one that worked; change "
                                        "the settings to update it."))
    if kept is None:
        return
    request, run = kept
    k = run.n_components
    spread = selection.identical_start_check(run)
    a, b = st.columns([1.3, 3], vertical_alignment="center")
    a.metric(_("Component spread"), f"{spread:.3g}",
             help=_("Over every step: the largest gap between any two components' weights, "
                    "means or covariance entries. 0 means identical."))
    if k == 1:
        b.info(_("With k = 1 there is only one component: set k to 2 or more to see the "
                 "point."))
    elif spread == 0:
        b.success(_("All {k} components stayed **exactly identical** for all {n} iterations: "
                    "their ellipses are drawn on top of each other, and the NLL never "
                    "moves.").format(k=k, n=run.n_iter_))
    else:
        b.warning(_("The components differ by {spread}: rounding, not EM, separated "
                    "them.").format(spread=f"{spread:.3g}"))
    data = compare_player_data((request.key,), [run],
                               (_("Identical start, k = {k}").format(k=k),),
                               int(values["speed"]))
    _player.player({**data, "step": _player.view(IDENTICAL_PLAYER).step or 0},
                   key=IDENTICAL_PLAYER, url=False)
    _why_identical_stays()


def _why_identical_stays() -> None:
    left, right = st.columns([1, 1], gap="large")
    left.markdown(_(
        "**Why.** Components that start identical give every point identical "
        "responsibilities in the E-step: γ_nk = 1/k for every k. The M-step then computes "
        "each component's π, μ and Σ from the same weighted points, so they come out "
        "identical again. By induction they never separate: nothing can be learned, and the "
        "mixture stays one Gaussian copied k times. Break the symmetry with a random or "
        "k-means start."))
    with right:
        ui.equations_block("e")


# ----------------------------------------------------------------------------- Choosing k
def choosing_k_tab(shared: Shared, values: dict[str, Any]) -> None:
    """BIC and AIC over k and the covariance types, and any cell opened in the explorer."""
    st.markdown(_(
        "More components always fit the data at least as well, so the NLL alone cannot "
        "choose k. **BIC** and **AIC** add a penalty for the number of free parameters p "
        "(lower is better); BIC's penalty grows with the number of points N. Every cell "
        "is fitted from a k-means start, as scikit-learn does."))
    grid_init = int(st.columns([1, 3])[0].number_input(
        _("Starts per cell"), min_value=1, max_value=10, step=1, value=1, key="grid_n_init",
        help=_("Fit each (k, covariance type) this many times from k-means starts and keep "
               "the best; more is steadier but slower.")))
    digest = ui.data_digest(shared.X)
    settings = {"n_init": grid_init, "reg_covar": shared.settings["reg_covar"],
                "max_iter": max(shared.settings["max_iter"], 100),
                "random_state": int(st.session_state["seed"])}
    n, t = shared.X.shape[0], settings["max_iter"]
    size = Request(n, sum(GRID_KS), t, len(ui.COV_TYPES) * grid_init, animated=False)
    work = ui.Work(
        (size,), f"{digest}|{settings}", "grid",
        ui.with_points(ui.Lever("iters", N_("iterations"), lowest=100),
                       ui.Lever("grid_n_init", N_("starts per cell"), ui.Setting.RUNS,
                                per=len(ui.COV_TYPES))),
        what=_("Fitting every k from 1 to {k_max} and {n_cov} covariance types, {starts} "
               "start(s) per cell, to {n} points for up to {t} iterations").format(
                   k_max=GRID_KS[-1], n_cov=len(ui.COV_TYPES), starts=grid_init, n=f"{n:,}",
                   t=t),
        label=_("Fitting every k and covariance type…"), reports=True)
    kept, notice = ui.fit_or_last_good(_LAST_GRID, lambda: (
        digest, _grid(shared.X, work, **settings)), work)
    ui.fit_notice(kept, notice, stale=_("The values shown are the last ones that worked; "
                                        "change the settings to update them."))
    if kept is None or not len(kept[1]):
        return
    digest, df = kept
    best, aic_best = df.loc[df["bic"].idxmin()], df.loc[df["aic"].idxmin()]
    if st.session_state.get("_grid_for") != digest:
        st.session_state["_grid_for"] = digest
        st.session_state["pick_k"] = int(best["k"])
        st.session_state["pick_cov"] = best["covariance_type"]
    pick = (int(st.session_state.get("pick_k", int(best["k"]))),
            st.session_state.get("pick_cov", best["covariance_type"]))
    st.plotly_chart(cf.selection_figure(df, "both", chosen=pick), key="selection_fig",
                    width="stretch", config={"displaylogo": False})
    st.caption(_(
        "BIC is lowest at **k = {bic_k}, {bic_cov}**; AIC at **k = {aic_k}, {aic_cov}**. p "
        "counts (k − 1) weights, 2k means and the covariances' free entries.").format(
            bic_k=int(best["k"]), bic_cov=best["covariance_type"], aic_k=int(aic_best["k"]),
            aic_cov=aic_best["covariance_type"]))
    _open_in_explorer(sorted(df["k"].unique().tolist()), int(best["k"]), shared, values)
    with st.expander(_("All values")):
        st.dataframe(df.style.format({"bic": "{:.2f}", "aic": "{:.2f}", "nll": "{:.3f}"}),
                     hide_index=True, width="stretch",
                     column_config={name: _(label) for name, label in GRID_COLUMNS.items()})


def _open_in_explorer(ks: list[int], best_k: int, shared: Shared,
                      values: dict[str, Any]) -> None:
    """Pick a k and a covariance type, and a link that opens them in the explorer."""
    a, b, c = st.columns([1, 1, 2], vertical_alignment="bottom")
    if st.session_state.get("pick_k") not in ks:
        st.session_state["pick_k"] = best_k
    a.selectbox(_("k to open"), ks, key="pick_k",
                help=_("The number of components to open in the explorer."))
    b.selectbox(_("Covariance type to open"), ui.COV_TYPES, key="pick_cov",
                format_func=shown_labels(ui.COV_LABELS),
                help=_("The covariance type to open in the explorer."))
    query = {
        "data": values["data"], "n": str(int(st.session_state.get("n", values["n"]))),
        "seed": str(int(st.session_state["seed"])), "k": str(st.session_state["pick_k"]),
        "init": "kmeans", "cov": st.session_state["pick_cov"], "iters": "100",
        "tol": "0.0001", "reg": f"{shared.settings['reg_covar']:g}",
    }
    label = _("Open k = {k}, {cov} in the explorer").format(k=query["k"], cov=query["cov"])
    with c:
        try:
            st.page_link("views/explorer.py", label=label, icon=":material/scatter_plot:",
                         query_params=query)
        except StreamlitPageNotFoundError:  # the page run outside the app
            st.markdown(f"[{label}](/?{urlencode(query)})")
    if values["data"] == "upload":
        st.caption(_("The explorer needs the file again: upload it there too."))
