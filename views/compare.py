"""Compare starts: EM from several starts side by side, many restarts, identical starts, and k."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

import gmmviz
from gmmviz import manual as manual_table
from gmmviz import selection, urlstate
from gmmviz.figures import compare as cf
from gmmviz.urlstate import EXPLORER, Param
from views import _common as ui

INIT_CHOICES = tuple(urlstate.INIT_NAMES)
RESTART_INITS = ("random", "random-resp", "kmeans-pp", "kmeans")
DEFAULT_PANELS = ["notes-a2", "notes-b", "kmeans"]
# Starts for panels added beyond the URL's list.
EXTRA_PANELS = ["random", "kmeans-pp", "random-resp", "random", "random", "random"]
MAX_SEED = 2**31 - 1

SCHEMA: dict[str, Param] = {
    **{name: p for name, p in EXPLORER.items() if name != "init"},
    # every panel plays the same window of 20 iterations by default
    "iters": Param(20, "int", low=0, high=500),
    "tol": Param(0.0, "float", low=0.0, high=1.0),
    "panels": Param(DEFAULT_PANELS, "list", INIT_CHOICES, low=2, high=cf.MAX_PANELS),
    "seeds": Param(["0", "1", "2"], "list", low=1, high=cf.MAX_PANELS),
    "speed": ui.EXPLORER_EXTRA["speed"],
    "start": ui.EXPLORER_EXTRA["start"],
    "restarts": Param(50, "int", low=2, high=200),
    "rinit": Param("random", "choice", RESTART_INITS),
    "riters": Param(200, "int", low=1, high=2000),
    "rtol": Param(1e-5, "float", low=0.0, high=1.0),
}
TABS = ("Side by side", "Restarts", "Identical starts", "Choosing k")
_WRITTEN = "_compare_panels_written"  # (panels, seeds) this page last put in session state


def _label(init_name: str) -> str:
    return ui.INIT_LABELS[init_name].split(" (")[0]


# ----------------------------------------------------------------------------- cached work
@st.cache_data(max_entries=16, show_spinner=False)
def _restarts(digest: str, _X: np.ndarray, k: int, n_init: int, settings: tuple
              ) -> selection.RestartsResult:
    """fit_restarts with a progress bar (replayed, already full, when cached)."""
    bar = st.progress(0.0, text=f"Running EM from {n_init} random starts…")
    shown = [0.0]
    t0 = time.perf_counter()

    def progress(done: int, total: int) -> None:
        frac = done / total
        if frac - shown[0] >= 0.05 or done == total:
            shown[0] = frac
            bar.progress(min(frac, 1.0), text=f"Running EM from {n_init} random starts… "
                                              f"{100 * frac:.0f}%")

    result = selection.fit_restarts(_X, k, n_init, progress=progress, **dict(settings))
    bar.progress(1.0, text=f"{n_init} restarts of EM computed in "
                           f"{time.perf_counter() - t0:.2f} s.")
    return result


@st.cache_data(max_entries=8, show_spinner="Fitting every k and covariance type…")
def _grid(digest: str, _X: np.ndarray, n_init: int, reg_covar: float, max_iter: int,
          random_state: int) -> pd.DataFrame:
    return selection.selection_grid(_X, n_init=n_init, reg_covar=reg_covar, max_iter=max_iter,
                                    random_state=random_state)


@st.cache_data(max_entries=16, show_spinner="Drawing the panels…")
def _compare_figure(keys: tuple, _runs: list, titles: tuple, duration_ms: int) -> Any:
    return cf.compare_figure(_runs, list(titles), duration_ms=duration_ms)


def _fit(X: np.ndarray, k: int, **kwargs: Any) -> tuple[gmmviz.GMMRun | None, str, str]:
    """(run, fit key, error message)."""
    try:
        return ui.cached_fit(X, k, **kwargs), ui.fit_key(X, k, **kwargs), ""
    except gmmviz.InputError as e:
        return None, "", str(e)


def _outcome(run: gmmviz.GMMRun) -> str:
    if run.converged_:
        return f"converged at {run.n_iter_}"
    if run.stop_reason == "reached max_iter":
        return f"ran all {run.n_iter_} iterations"
    return f"stopped: {run.stop_reason}"


# ----------------------------------------------------------------------------- URL state
values = ui.url_state(SCHEMA)
written = st.session_state.get(_WRITTEN)
panel_values = list(values["panels"])
seed_values = []
bad_seeds = []
for text in values["seeds"]:
    try:
        seed = int(text)
    except ValueError:
        seed = -1
    if not 0 <= seed <= MAX_SEED:
        bad_seeds.append(text)
        seed = len(seed_values)
    seed_values.append(seed)
seed_values = (seed_values + list(range(len(seed_values), cf.MAX_PANELS)))[:len(panel_values)]
if written != (values["panels"], values["seeds"]):
    # A link was opened (or this is the session's first run): the panels' widgets follow it.
    if bad_seeds:
        st.warning(f"The link's seeds {', '.join(map(repr, bad_seeds))} are not whole numbers "
                   f"from 0 to {MAX_SEED}; using the panel's number instead.",
                   icon=":material/link_off:")
    st.session_state["n_panels"] = len(panel_values)
    for p, (init_name, seed) in enumerate(zip(panel_values, seed_values, strict=True)):
        st.session_state[f"panel_init_{p}"] = init_name
        st.session_state[f"panel_seed_{p}"] = seed
else:
    # Widgets that were off screen (another tab was open) lost their state: restore it.
    st.session_state.setdefault("n_panels", len(panel_values))
    for p, (init_name, seed) in enumerate(zip(panel_values, seed_values, strict=True)):
        st.session_state.setdefault(f"panel_init_{p}", init_name)
        st.session_state.setdefault(f"panel_seed_{p}", seed)

# ----------------------------------------------------------------------------- sidebar
ui.page_element()
with st.sidebar:
    st.header("Data")
    X, data_text = ui.data_source_controls(values)
    st.header("EM, shared by every run")
    k = int(st.slider("Number of components k", min_value=1, max_value=10, step=1, key="k",
                      help="How many Gaussians every mixture on this page has."))
    cov = st.selectbox(
        "Covariance type", urlstate.COV_TYPES, key="cov", format_func=ui.COV_LABELS.get,
        help="The shape each Gaussian may take: any ellipse, axis-aligned, round, or one "
             "ellipse shared by all.")
    max_iter = int(st.number_input(
        "Max iterations", min_value=0, max_value=500, step=5, key="iters",
        help="Every run stops after this many iterations (E-step plus M-step) at most."))
    tol = float(st.number_input(
        "Tolerance", min_value=0.0, max_value=1.0, step=1e-4, format="%g", key="tol",
        help="A run stops when its NLL per point changes by less than this; 0 plays every "
             "iteration."))
    reg = float(st.number_input(
        "reg_covar", min_value=0.0, max_value=10.0, step=1e-3, format="%g", key="reg",
        help="Added to each covariance's diagonal so that no Gaussian collapses onto a point."))
    st.slider("Animation speed (ms per frame)", min_value=50, max_value=3000, step=50,
              key="speed", help="How long each half-step stays on screen while playing.")

st.markdown("### Compare starts: where EM begins decides where it ends")
st.caption(f"**Data:** {data_text or 'none yet'} · **k** = {k} · **covariance:** {cov}. "
           "EM only ever walks downhill in NLL from its start, so different starts can end in "
           "different local optima.")
shared = {"covariance_type": cov, "max_iter": max_iter, "tol": tol, "reg_covar": reg}

tabs = st.tabs(TABS, key="compare_tab", on_change="rerun")


def _is_open(i: int) -> bool:
    return tabs[i].open is not False


# ----------------------------------------------------------------------------- 1. side by side
manual_start: list[str] = list(values["start"])
if _is_open(0):
    with tabs[0]:
        n_panels = int(st.columns([1, 4])[0].number_input(
            "Number of panels", min_value=2, max_value=cf.MAX_PANELS, step=1, key="n_panels",
            help="How many runs to play side by side (2 to 6), each from its own start."))
        for p in range(n_panels):
            if f"panel_init_{p}" not in st.session_state:  # a panel added just now
                st.session_state[f"panel_init_{p}"] = EXTRA_PANELS[p]
                st.session_state[f"panel_seed_{p}"] = p
        inits, seeds = [], []
        cols = st.columns({4: 2}.get(n_panels, min(n_panels, 3)))
        for p in range(n_panels):
            with cols[p % len(cols)]:
                a, b = st.columns([3, 2])
                inits.append(a.selectbox(
                    f"Start of panel {p + 1}", INIT_CHOICES, key=f"panel_init_{p}",
                    format_func=ui.INIT_LABELS.get, help=ui.INIT_HELP))
                seeds.append(int(b.number_input(
                    f"Seed {p + 1}", min_value=0, max_value=MAX_SEED, step=1,
                    key=f"panel_seed_{p}",
                    help="Seeds this panel's random start (random, k-means and k-means++ "
                         "starts).")))
        st.session_state["panels"] = inits
        st.session_state["seeds"] = [str(s) for s in seeds]
        st.session_state[_WRITTEN] = (inits, [str(s) for s in seeds])

        manual = None
        if "manual" in inits:
            with st.expander("Manual start (used by every panel set to manual)", expanded=True):
                try:
                    w, m, c, rows = ui.manual_start_editor(k, X, values["start"],
                                                           key="compare_manual_table")
                except gmmviz.InputError:
                    manual = "error"
                else:
                    manual = {"weights_init": w, "means_init": m, "covariances_init": c}
                    manual_start = manual_table.encode_rows(rows)

        runs, titles, keys, problems, fit_args = [], [], [], [], []
        if X is not None:
            for p, (init_name, seed) in enumerate(zip(inits, seeds, strict=True)):
                init = urlstate.INIT_NAMES[init_name]
                title = _label(init_name)
                extra: dict[str, Any] = {}
                if init_name.startswith("notes") and k != 3:
                    problems.append(f"Panel {p + 1}: the notes' starting values are for k = 3 "
                                    f"only, and k is {k}; it starts from k-means instead.")
                    init, title = "kmeans", f"k-means (for {title})"
                if init_name == "manual":
                    if not isinstance(manual, dict):
                        problems.append(f"Panel {p + 1}: the manual table is not usable, so "
                                        "the panel is left out.")
                        continue
                    init, extra = "identical", manual
                if init in ("random", "random_resp", "kmeans", "k-means++"):
                    title = f"{title} · seed {seed}"
                run, key, err = _fit(X, k, init=init, random_state=seed, **shared, **extra)
                if run is None:
                    problems.append(f"Panel {p + 1} ({title}): {err}")
                    continue
                runs.append(run)
                titles.append(f"{p + 1} · {title}")
                keys.append(key)
                fit_args.append({"init": init, "random_state": seed, **extra})
        for text in problems:
            st.warning(text, icon=":material/warning:")
        if len(runs) >= 1:
            fig = _compare_figure(tuple(keys), runs, tuple(titles), int(values["speed"]))
            st.plotly_chart(fig, key="compare_fig", width="stretch",
                            config={"displaylogo": False, "scrollZoom": False})
            final = np.array([r.final.nll for r in runs])
            best, worst = int(np.argmin(final)), int(np.argmax(final))
            lesson = (
                f"▶ **Play** moves every panel at once; a run that stopped early holds its last "
                f"step. After at most {max_iter} iterations, **{titles[best]}** has the lowest "
                f"NLL ({final[best]:.2f})")
            gap = final[worst] - final[best]
            if gap > 1e-3 * max(1.0, abs(final[best])):
                lesson += (f" and **{titles[worst]}** the highest ({final[worst]:.2f}, "
                           f"{gap:.2f} nats worse): same data, same model, same algorithm; "
                           "only the start differs.")
                st.markdown(lesson)
                # Run both to convergence: a worse local optimum, or only a slower climb?
                long = {**shared, "max_iter": 1000, "tol": 1e-8}
                end_w, _, _ = _fit(X, k, **{**fit_args[worst], **long})
                end_b, _, _ = _fit(X, k, **{**fit_args[best], **long})
                if end_w is not None and end_b is not None:
                    nw, nb = end_w.final.nll, end_b.final.nll
                    if nw - nb > 1e-4 * max(1.0, abs(nb)):
                        verdict = (f"Run to convergence, **{titles[worst]}** settles at NLL "
                                   f"{nw:.2f}, still above the {nb:.2f} of **{titles[best]}**: "
                                   "it is stuck in a **worse local optimum**, not just slower. "
                                   "Where EM starts decides which optimum it climbs to.")
                    else:
                        verdict = (f"Run to convergence, **{titles[worst]}** reaches NLL "
                                   f"{nw:.2f}, like **{titles[best]}** ({nb:.2f}): here it was "
                                   "only a slower climb, not a worse optimum.")
                    if fit_args[worst]["init"] == "notes-a2":
                        verdict = ("**The lecture notes' values (notes A2)** put all three "
                                   "means in a column at x = −2, at the left edge of the "
                                   "data. " + verdict)
                    st.info(verdict, icon=":material/school:")
            else:
                st.markdown(lesson + "; every run reached practically the same NLL.")
            colours = [cf.panel_color(i) for i in range(len(runs))]
            left, right = st.container(), st.container()
            with left:
                st.plotly_chart(cf.nll_overlay(runs, titles, colours, height=380),
                                key="nll_overlay", width="stretch",
                                config={"displaylogo": False})
            with right:
                table = pd.DataFrame({
                    "run": titles,
                    "final NLL": final,
                    "BIC": [selection.bic(r) for r in runs],
                    "iterations": [r.n_iter_ for r in runs],
                    "outcome": [_outcome(r) for r in runs],
                    "best": ["★" if i == best else "" for i in range(len(runs))],
                })

                def _row_style(row: pd.Series) -> list[str]:
                    bg = "background-color: #fff1c2; font-weight: 700" if row.name == best \
                        else ""
                    return [f"color: {colours[row.name]}; font-weight: 700"
                            if c == "run" else bg for c in row.index]

                st.dataframe(
                    table.style.apply(_row_style, axis=1).format(
                        {"final NLL": "{:.3f}", "BIC": "{:.2f}"}),
                    hide_index=True, width="stretch",
                    column_config={
                        "run": st.column_config.TextColumn(
                            help="The panel: its number, its start and its seed."),
                        "final NLL": st.column_config.NumberColumn(
                            width="small",
                            help="Negative log-likelihood at the run's last parameters "
                                 "(lower is better)."),
                        "BIC": st.column_config.NumberColumn(
                            width="small",
                            help="2·NLL + p·log N: here it differs between runs only through "
                                 "the NLL, since k and the covariance type are shared."),
                        "iterations": st.column_config.NumberColumn(width="small"),
                        "outcome": st.column_config.TextColumn(
                            help="Converged, ran every iteration, or why it "
                                                 "stopped."),
                        "best": st.column_config.TextColumn(
                            width="small", help="★ marks the run with the lowest final NLL."),
                    })
                st.caption("The highlighted row has the lowest final NLL. Each run's colour "
                           "matches its panel title and its NLL curve.")
        elif X is not None:
            st.error("No run could be drawn: change the settings named above.")

# ----------------------------------------------------------------------------- 2. restarts
if _is_open(1) and X is not None:
    with tabs[1]:
        st.markdown(
            "Run EM to convergence from many random starts (with the sidebar's data, k, "
            "covariance type and reg_covar) and see where each one ends. In practice one keeps "
            "the best: the lowest final NLL.")
        c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
        n_init = int(c1.slider(
            "Number of restarts", min_value=2, max_value=200, step=1, key="restarts",
            help="How many random starts to run (restart i uses seed = the data seed + i)."))
        rinit = c2.selectbox(
            "Random start", RESTART_INITS, key="rinit", format_func=ui.INIT_LABELS.get,
            help="How each restart picks its starting values.")
        r_iter = int(c3.number_input(
            "Max iterations", min_value=1, max_value=2000, step=50, key="riters",
            help="Each restart stops after this many iterations at most."))
        r_tol = float(c4.number_input(
            "Tolerance", min_value=0.0, max_value=1.0, step=1e-6, format="%g", key="rtol",
            help="Each restart stops when its NLL per point changes by less than this; small "
                 "values let it reach its optimum, so equal optima line up."))
        r_args = {"covariance_type": cov, "max_iter": r_iter, "tol": r_tol, "reg_covar": reg,
                  "init": urlstate.INIT_NAMES[rinit]}
        settings = tuple(sorted({**r_args,
                                 "random_state": int(st.session_state["seed"])}.items()))
        try:
            result = _restarts(ui.data_digest(X), X, k, n_init, settings)
        except gmmviz.InputError as e:
            st.error(str(e), icon=":material/error:")
            result = None
        if result is not None:
            best = result.best_index
            ranks = np.argsort(result.nll, kind="stable")
            if st.session_state.get("_restart_for") != (settings, n_init, k):
                st.session_state["_restart_for"] = (settings, n_init, k)
                st.session_state["restart_pick"] = best
            pick_event = st.session_state.get("restarts_fig")
            try:
                clicked = pick_event["selection"]["points"][0]["customdata"]
            except (KeyError, IndexError, TypeError):
                clicked = None
            if isinstance(clicked, list | tuple):
                clicked = clicked[0] if clicked else None
            if clicked is not None and st.session_state.get("_restart_click") != clicked:
                st.session_state["_restart_click"] = clicked
                if 0 <= int(clicked) < n_init:
                    st.session_state["restart_pick"] = int(clicked)
            chosen = int(st.session_state.get("restart_pick", best))
            chosen = chosen if 0 <= chosen < n_init else best
            st.plotly_chart(cf.restarts_figure(result, chosen), key="restarts_fig",
                            on_select="rerun", selection_mode="points", width="stretch",
                            config={"displaylogo": False})
            optima = result.distinct_optima()
            st.caption(
                f"Each dot is one restart: click one to show its fit below. Dots that share a "
                f"column reached the same local optimum ({len(optima)} here); the star is the "
                f"best of the {n_init}, and {100 * optima['share'].iloc[0]:.0f}% of the "
                "restarts found it.")
            c1, c2, c3 = st.columns([1.2, 1.3, 3], vertical_alignment="center")
            with c1:
                st.number_input(
                    "Restart to show", min_value=0, max_value=n_init - 1, step=1,
                    key="restart_pick",
                    help="Which restart's fit to draw below (clicking a dot picks it too); "
                         "it starts at the best one.")
            chosen = int(st.session_state["restart_pick"])
            rank = int(np.flatnonzero(ranks == chosen)[0]) + 1
            run, key, err = _fit(X, k, random_state=int(result.seeds[chosen]), **r_args)
            with c2:
                st.metric("Final NLL of this restart", f"{result.nll[chosen]:,.3f}",
                          delta=f"{result.nll[chosen] - result.nll[best]:+,.3f} vs best",
                          delta_color="inverse",
                          help="Its negative log-likelihood; the delta is the gap to the best "
                               "restart.")
            with c3:
                st.markdown(
                    f"**Restart {chosen}** (seed {int(result.seeds[chosen])}) ranks **{rank} of "
                    f"{n_init}**; it {_outcome(run) if run else result.stop_reasons[chosen]}."
                    + (" It is the **best of n**." if chosen == best else ""))
            if run is None:
                st.error(err)
            else:
                fig = ui.cached_em_figure(run, X, key, levels=(1, 2),
                                          duration_ms=int(values["speed"]), height=540,
                                          frame=len(run.steps) - 1,
                                          title=f"Restart {chosen}: its final fit")
                st.plotly_chart(fig, key="restart_fit", width="stretch",
                                config={"displaylogo": False})
            with st.expander(f"The {len(optima)} local optima found"):
                st.dataframe(
                    optima.rename(columns={"nll": "final NLL", "count": "restarts",
                                           "first_restart": "e.g. restart"})
                    .style.format({"final NLL": "{:.3f}", "share": "{:.0%}"}),
                    hide_index=True, width="stretch")

# ----------------------------------------------------------------------------- 3. identical
if _is_open(2) and X is not None:
    with tabs[2]:
        st.markdown(
            "Start every component at the **same** place: the same weight 1/k, the data's "
            "mean and the data's covariance. What can EM learn from there?")
        demo = st.toggle(
            "Run EM from an identical start", key="identical_demo",
            help="Fit the mixture with every component starting identical, for the sidebar's "
                 "number of iterations (at least 10), and check whether they ever differ.")
        if demo:
            run, key, err = _fit(X, k, init="identical", random_state=0,
                                 covariance_type=cov, max_iter=max(max_iter, 10), tol=0.0,
                                 reg_covar=reg)
            if run is None:
                st.error(err, icon=":material/error:")
            else:
                spread = selection.identical_start_check(run)
                a, b = st.columns([1.3, 3], vertical_alignment="center")
                with a:
                    st.metric(
                        "Component spread", f"{spread:.3g}",
                        help="Over every step: the largest gap between any two components' "
                             "weights, means or covariance entries. 0 means identical.")
                with b:
                    if k == 1:
                        st.info("With k = 1 there is only one component: set k to 2 or more "
                                "to see the point.")
                    elif spread == 0:
                        st.success(f"All {k} components stayed **exactly identical** for all "
                                   f"{run.n_iter_} iterations: their ellipses are drawn on top "
                                   "of each other, and the NLL never moves.")
                    else:
                        st.warning(f"The components differ by {spread:.3g}: rounding, not EM, "
                                   "separated them.")
                fig = _compare_figure((key,), [run], (f"Identical start, k = {k}",),
                                      int(values["speed"]))
                st.plotly_chart(fig, key="identical_fig", width="stretch",
                                config={"displaylogo": False})
                left, right = st.columns([1, 1], gap="large")
                with left:
                    st.markdown(
                        "**Why.** Components that start identical give every point identical "
                        "responsibilities in the E-step: γ_nk = 1/k for every k. The M-step "
                        "then computes each component's π, μ and Σ from the same weighted "
                        "points, so they come out identical again. By induction they never "
                        "separate: nothing can be learned, and the mixture stays one Gaussian "
                        "copied k times. Break the symmetry with a random or k-means start.")
                with right:
                    ui.equations_block("e")

# ----------------------------------------------------------------------------- 4. choosing k
if _is_open(3) and X is not None:
    with tabs[3]:
        st.markdown(
            "More components always fit the data at least as well, so the NLL alone cannot "
            "choose k. **BIC** and **AIC** add a penalty for the number of free parameters p "
            "(lower is better); BIC's penalty grows with the number of points N. Every cell "
            "is fitted from a k-means start, as scikit-learn does.")
        c1, _ = st.columns([1, 3])
        grid_init = int(c1.number_input(
            "Starts per cell", min_value=1, max_value=10, step=1, value=1, key="grid_n_init",
            help="Fit each (k, covariance type) this many times from k-means starts and keep "
                 "the best; more is steadier but slower."))
        try:
            df = _grid(ui.data_digest(X), X, grid_init, reg, max(max_iter, 100),
                       int(st.session_state["seed"]))
        except gmmviz.InputError as e:
            st.error(str(e), icon=":material/error:")
            df = None
        if df is not None and len(df):
            best = df.loc[df["bic"].idxmin()]
            if st.session_state.get("_grid_for") != ui.data_digest(X):
                st.session_state["_grid_for"] = ui.data_digest(X)
                st.session_state["pick_k"] = int(best["k"])
                st.session_state["pick_cov"] = best["covariance_type"]
            pick_k = int(st.session_state.get("pick_k", int(best["k"])))
            pick_cov = st.session_state.get("pick_cov", best["covariance_type"])
            st.plotly_chart(cf.selection_figure(df, "both", chosen=(pick_k, pick_cov)),
                            key="selection_fig", width="stretch",
                            config={"displaylogo": False})
            aic_best = df.loc[df["aic"].idxmin()]
            st.caption(
                f"BIC is lowest at **k = {int(best['k'])}, {best['covariance_type']}**; AIC at "
                f"**k = {int(aic_best['k'])}, {aic_best['covariance_type']}**. p counts (k − 1) "
                "weights, 2k means and the covariances' free entries.")
            a, b, c = st.columns([1, 1, 2], vertical_alignment="bottom")
            ks = sorted(df["k"].unique().tolist())
            if st.session_state.get("pick_k") not in ks:
                st.session_state["pick_k"] = int(best["k"])
            a.selectbox("k to open", ks, key="pick_k",
                        help="The number of components to open in the explorer.")
            b.selectbox("Covariance type to open", urlstate.COV_TYPES, key="pick_cov",
                        format_func=ui.COV_LABELS.get,
                        help="The covariance type to open in the explorer.")
            query = {
                "data": values["data"], "n": str(int(st.session_state.get("n", values["n"]))),
                "seed": str(int(st.session_state["seed"])), "k": str(st.session_state["pick_k"]),
                "init": "kmeans", "cov": st.session_state["pick_cov"], "iters": "100",
                "tol": "0.0001", "reg": f"{reg:g}",
            }
            label = (f"Open k = {query['k']}, {query['cov']} in the explorer")
            with c:
                try:
                    st.page_link("views/explorer.py", label=label,
                                 icon=":material/scatter_plot:", query_params=query)
                except StreamlitPageNotFoundError:  # the page run outside the app
                    st.markdown(f"[{label}](/?{urlencode(query)})")
            if values["data"] == "upload":
                st.caption("The explorer needs the file again: upload it there too.")
            with st.expander("All values"):
                st.dataframe(df.style.format({"bic": "{:.2f}", "aic": "{:.2f}",
                                              "nll": "{:.3f}"}),
                             hide_index=True, width="stretch")

if X is None:
    st.info("Choose or upload data in the sidebar to start.", icon=":material/arrow_back:")

values = ui.current_values(values, SCHEMA)
values["start"] = manual_start
ui.sync_url(values, SCHEMA)
