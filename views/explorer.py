"""Explorer: a Gaussian mixture fitted by EM, every E-step and M-step animated in the browser."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

import gmmviz
from gmmviz.figures import PALETTE, animation_html, responsibility_bars
from views import _common as ui

SCHEMA = ui.EXPLORER_SCHEMA
FIGURE_HEIGHT = 600
PRESENTATION_HEIGHT = 780
# (run, X, fit key, data description, init name) of the last fit that worked
_LAST_GOOD = "_explorer_last_good"
_TABLE_RUN = "_explorer_table_run"  # fit key the step selector was last reset for
_CLICK = "_explorer_last_click"  # the last chart selection already applied to the point input
_INSPECT = "_explorer_inspect"  # a point was clicked or chosen: show its numbers
_SHOWN = "_explorer_shown"  # the session's first run, which sends only the figure, is over

# The widget keys are set only once the page draws its widgets (see the figure below).
values = ui.url_state(SCHEMA, assign=False)

# ----------------------------------------------------------------------------- layout
# Filled once the run is known; the manual start's table goes between them and the figure.
head, status, metrics = st.columns([2.3, 1.6, 1.2], vertical_alignment="center")
manual_area = st.container()
messages = st.container()
figure_area = st.container()


def _draw_figure(run: gmmviz.GMMRun, X: np.ndarray, key: str) -> tuple[Any, Any]:
    """The EM animation in ``figure_area``; returns the figure and its selection event."""
    levels = tuple(sorted(int(s) for s in values["levels"]))
    with figure_area:
        if not levels:
            st.caption("No ellipse level is chosen in the sidebar: drawing the 1 σ ellipses.")
            levels = (1,)
        try:
            fig = ui.cached_em_figure(
                run, X, key, levels=levels, duration_ms=int(values["speed"]),
                show_density=values["density"] == "1",
                height=PRESENTATION_HEIGHT if values["present"] == "1" else FIGURE_HEIGHT,
            )
        except gmmviz.InputError as e:
            st.error(str(e), icon=":material/error:")
            st.stop()
        event = st.plotly_chart(
            fig, key="em_fig", on_select="rerun", selection_mode="points", width="stretch",
            config={"displaylogo": False, "scrollZoom": False,
                    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]},
        )
    return fig, event


def _summary(run: gmmviz.GMMRun) -> tuple[str, str]:
    """(kind, text): kind is "success", "info", "warning" or "error" for the run's outcome."""
    t = run.n_iter_
    if run.converged_:
        return "success", (
            f"**Converged at iteration {t}**: the NLL per point moved less than "
            f"tol = {run.tol:g}."
        )
    reason = run.stop_reason
    if "collapsed" in reason:
        return "error", (
            f"**Stopped: {reason}.** A Gaussian squeezed onto one point (or onto a line) has an "
            "unbounded density there, so the likelihood runs off to infinity and EM cannot go "
            "on. To avoid it, raise **reg_covar** (e.g. to 1e-3), choose another "
            "**initialization** or seed, or lower **k**."
        )
    if run.max_iter == 0:
        return "warning", "**Max iterations is 0**: only the start is shown."
    if reason == "reached max_iter":
        if run.tol == 0:
            return "info", f"**Ran all {t} iterations** (tol = 0 never stops early)."
        change = abs(run.nll[-1] - run.nll[-2]) / run.n_samples if len(run.nll) > 1 else 0.0
        return "warning", (
            f"**Stopped at max iterations ({t}) before converging**: the NLL per point still "
            f"changed by {change:.2g} in the last iteration (tol = {run.tol:g}). Raise **Max "
            "iterations** to let EM finish."
        )
    return "warning", f"**Stopped at iteration {t}**: {reason}."


def _header(run: gmmviz.GMMRun, data_text: str, init_name: str) -> None:
    """The title with the run's settings, its outcome and its final NLL, above the figure."""
    final, first = run.final, run.steps[0]
    with head:
        st.markdown("### EM for a Gaussian mixture, step by step")
        init_label = ui.INIT_LABELS[init_name].split(" (")[0]
        st.caption(
            f"**Data:** {data_text} · **k** = {run.n_components} · **start:** {init_label} · "
            f"**covariance:** {run.covariance_type}"
        )
    with status:
        kind, text = _summary(run)
        {"success": st.success, "info": st.info, "warning": st.warning,
         "error": st.error}[kind](text)
    with metrics:
        st.metric(
            "Final NLL",
            f"{final.nll:,.1f}" if abs(final.nll) >= 1000 else f"{final.nll:.2f}",
            delta=f"{final.nll - first.nll:,.1f}", delta_color="inverse",
            help="Negative log-likelihood of the data at the final parameters, in nats; EM "
                 "lowers it at every iteration.",
        )


def _light_warning(run: gmmviz.GMMRun) -> None:
    """A warning naming the components that ended with almost no weight."""
    light = [j + 1 for j, w in enumerate(run.final.weights) if w < 0.01]
    if light and run.n_components > 1:
        st.warning(
            f"Component{'s' if len(light) > 1 else ''} {', '.join(map(str, light))} ended with "
            "almost no weight (π < 1%): it explains hardly any points. Lower **k** or choose "
            "another start."
        )


# The figure first: for a preset and a named start every setting is known before the widgets
# are drawn, so the figure goes to the browser before the sidebar's widgets. On a session's
# first run the page stops after the figure and its header, and reruns once the browser has
# drawn the figure: Plotly's code and the figure's first drawing then have the network and the
# CPU to themselves.
drawn_key = None
first_view = not st.session_state.get(_SHOWN)
st.session_state[_SHOWN] = True
early = ui.peek_preset_fit(values)
if early is not None:
    try:
        early_run = ui.cached_fit(early.X, early.n_components, **early.kwargs)
    except gmmviz.InputError:
        pass
    else:
        drawn_key = ui.fit_key(early.X, early.n_components, **early.kwargs)
        fig, event = _draw_figure(early_run, early.X, drawn_key)
        if first_view:
            _header(early_run, early.description, early.init_name)
            with messages:
                _light_warning(early_run)
            with figure_area:
                ui.page_element(rerun_when_drawn=True)
            st.stop()
ui.assign_widget_keys(values, SCHEMA)

with st.sidebar:
    st.header("Data")
    X, data_text = ui.data_source_controls(values)
    st.header("EM")
    controls = ui.gmm_controls(values, seed=int(st.session_state["seed"]), X=X,
                               manual_container=manual_area)
    st.header("Display")
    st.multiselect(
        "Ellipse levels", ["1", "2", "3"], key="levels", format_func=lambda s: f"{s} σ",
        help="Draw each component's ellipse at 1, 2 and/or 3 standard deviations from its mean.",
    )
    st.slider(
        "Animation speed (ms per frame)", min_value=50, max_value=3000, step=50, key="speed",
        help="How long each half-step stays on screen while playing; smaller is faster.",
    )
    st.toggle(
        "Show the mixture density", key="density",
        help="Shade the mixture density p(x) of the current step behind the points.",
    )
    st.toggle(
        "Presentation mode", key="present",
        help="Show only the animation, larger, for a projector; collapse the sidebar for more "
             "room.",
    )
values = ui.current_values(values, SCHEMA)
values["start"] = controls["start"]
ui.sync_url(values, SCHEMA)

# ----------------------------------------------------------------------------- fit
run = None
fit_error = None
if X is not None and controls["error"] is None:
    k = controls["n_components"]
    kwargs = ui.fit_kwargs(controls)
    try:
        run = ui.cached_fit(X, k, **kwargs)
    except gmmviz.InputError as e:
        fit_error = str(e)
    else:
        st.session_state[_LAST_GOOD] = (run, X, ui.fit_key(X, k, **kwargs), data_text,
                                        controls["init_name"])

last_good = st.session_state.get(_LAST_GOOD)
if run is None and last_good is None:
    head.markdown("### EM for a Gaussian mixture, step by step")
    if fit_error:
        st.error(fit_error, icon=":material/error:")
    elif controls["error"] is None:  # (a refused manual table shows its own message)
        st.info("Choose a data set in the sidebar to start.", icon=":material/arrow_back:")
    st.stop()
stale = run is None  # a setting failed: show the last run that worked
run, X, key, data_text, init_name = last_good
final = run.final


# ----------------------------------------------------------------------------- header
_header(run, data_text, init_name)
with messages:
    if fit_error:
        st.error(fit_error, icon=":material/error:")
    if stale:
        st.caption("The figure shows the last run that worked; change the settings to update it.")
    for text in controls["notices"]:
        st.info(text, icon=":material/balance:")
    _light_warning(run)

def _points_curves(figure: Any) -> set[int]:
    """Indices of the traces that draw the data points: em_figure puts them in trace 0
    (``customdata`` = row in X)."""
    return {0} if figure.data and figure.data[0].type in ("scatter", "scattergl") else set()


def _clicked_point(evt: Any, figure: Any, X: np.ndarray) -> int | None:
    """The data index of the clicked point, or None."""
    try:
        points = evt["selection"]["points"]
    except (KeyError, TypeError):
        return None
    curves = _points_curves(figure)
    for p in points:
        if p.get("curve_number") not in curves:
            continue
        custom = p.get("customdata")
        if isinstance(custom, list | tuple) and custom:
            custom = custom[0]
        if isinstance(custom, int | float) and 0 <= int(custom) < X.shape[0]:
            return int(custom)
        idx = p.get("point_index", p.get("point_number"))
        if isinstance(idx, int) and 0 <= idx < X.shape[0]:
            return idx
    return None


# ----------------------------------------------------------------------------- figure
presenting = values["present"] == "1"
if drawn_key != key:
    fig, event = _draw_figure(run, X, key)
with figure_area:
    ui.page_element()
share, export = st.columns([3, 1], vertical_alignment="center")
share.caption("**Keys:** → or Page Down steps forward, ← or Page Up back, Space plays or "
              "pauses. The address bar holds every setting: copy it to share or bookmark "
              "this demo.")
export.download_button(
    "Download the animation", data=lambda: animation_html(fig),
    file_name="gmmviz-em.html", mime="text/html", on_click="ignore",
    icon=":material/download:",
    help="A standalone HTML file with Play, Pause and the slider; it opens offline in any "
         "browser.",
)
if presenting:
    st.stop()  # presentation mode: the animation alone

clicked = _clicked_point(event, fig, X)
if clicked is not None and st.session_state.get(_CLICK) != (key, clicked):
    st.session_state[_CLICK] = (key, clicked)
    st.session_state["point"] = clicked
    st.session_state[_INSPECT] = "new"
point = st.session_state.get("point", 0)
st.session_state["point"] = point if isinstance(point, int) and 0 <= point < X.shape[0] else 0


# ----------------------------------------------------------------------------- inspect a point
def _tex_number(log_value: float) -> str:
    """exp(log_value) in LaTeX, in scientific notation when it is very small or large."""
    if log_value == -math.inf:
        return "0"
    l10 = log_value / math.log(10)
    if -3 <= l10 < 4:
        return f"{math.exp(log_value):.4g}"
    e = math.floor(l10)
    return rf"{10 ** (l10 - e):.3g}\times 10^{{{e}}}"


# ----------------------------------------------------------------------------- details
# Lazy tabs: only the open one runs, so the page's figure draws before anything below it.
TABS = ["Inspect a point", "π, μ, Σ at a step", "The equations"]
if st.session_state.get(_INSPECT) == "new":
    st.session_state["explorer_tab"] = TABS[0]  # a click shows the point's numbers
    st.session_state[_INSPECT] = True
tab_point, tab_params, tab_eq = st.tabs(TABS, key="explorer_tab", on_change="rerun")
if tab_point.open is not False:
    with tab_point:
        pick, bars_col, bayes_col = st.columns([0.9, 1.6, 2.1], gap="medium")
        with pick:
            st.number_input(
                "Point number", min_value=0, max_value=int(X.shape[0]) - 1, step=1, key="point",
                help="Which data point to explain; clicking a point in the figure selects it too.",
                on_change=lambda: st.session_state.update({_INSPECT: True}),
            )
            n = int(st.session_state["point"])
            x_n = X[n]
            st.markdown(f"x = ({x_n[0]:.4g}, {x_n[1]:.4g})")
        if not st.session_state.get(_INSPECT):
            # Until a point is chosen the tab stays light, so the page's figure draws sooner.
            bars_col.info("Click a point in the figure, or type its number, to see its "
                          "responsibilities and Bayes' rule with its numbers filled in.",
                          icon=":material/ads_click:")
        else:
            log_num, log_den, gamma = gmmviz.bayes_terms(x_n, final)
            with bars_col:
                bars = responsibility_bars(gamma, title=f"γ of point {n}, final step", height=300)
                st.plotly_chart(bars, key="resp_bars", width="stretch",
                                config={"displayModeBar": False, "staticPlot": True})
            with bayes_col:
                st.markdown(f"**Bayes' rule for point {n}**, with the final parameters:")
                st.latex(r"\gamma_{nk} = \frac{\pi_k\,\mathcal{N}(x_n \mid \mu_k, \Sigma_k)}"
                         r"{\sum_j \pi_j\,\mathcal{N}(x_n \mid \mu_j, \Sigma_j)}")
                den = _tex_number(log_den)
                lines = [
                    rf"\gamma_{{{n},{j + 1}}} &= \frac{{{_tex_number(float(lv))}}}{{{den}}}"
                    rf" = {gamma[j]:.3f}"
                    for j, lv in enumerate(log_num)
                ]
                st.latex(r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}")
                if run.n_components <= 5:
                    terms = " + ".join(_tex_number(float(lv)) for lv in log_num)
                    st.caption("The denominator is the sum of the numerators:")
                    st.latex(terms + " = " + den)
if tab_params.open:
    with tab_params:
        options = list(range(len(run.steps)))
        chosen = st.session_state.get("table_step")
        if st.session_state.get(_TABLE_RUN) != key or chosen not in options:
            chosen = options[-1]  # a new run: show its final parameters
        st.session_state["table_step"] = chosen
        st.session_state[_TABLE_RUN] = key
        i = st.select_slider(
            "Half-step", options=options, key="table_step",
            format_func=lambda i: run.steps[i].label,
            help="Pick a half-step of the run to list its parameters.",
        )
        step = run.steps[i]
        table = pd.DataFrame({
            "component": [f"● {j + 1}" for j in range(run.n_components)],
            "π": step.weights,
            "μ x": step.means[:, 0],
            "μ y": step.means[:, 1],
            "Σ xx": step.covariances[:, 0, 0],
            "Σ xy": step.covariances[:, 0, 1],
            "Σ yy": step.covariances[:, 1, 1],
        })
        colours = [PALETTE[j % len(PALETTE)] for j in range(run.n_components)]
        styled = table.style.format("{:.4g}", subset=table.columns[1:]).apply(
            lambda col: [f"color: {c}; font-weight: 700" for c in colours], subset=["component"]
        )
        # a plain HTML table: light to load, so the page's figure draws sooner
        st.html(styled.hide(axis="index").set_table_attributes('class="gmmviz-params"')
                .set_table_styles([{"selector": "td, th", "props": "padding: 0.3rem 0.9rem;"
                                    " text-align: right; font-size: 1rem;"}]).to_html())
        st.caption(f"{step.label} · NLL = {step.nll:,.3f}")
if tab_eq.open:
    with tab_eq:
        ui.equations_block("em")
