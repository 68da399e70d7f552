"""Explorer: a Gaussian mixture fitted by EM, every E-step and M-step animated in the browser.

The page, top to bottom: the header (the settings, the run's outcome, its final NLL), the
manual start's table, messages, the figure, the row that edits the points and the start by
hand (:mod:`views._hands`), the share and download row, and the tabs below.
A new session's first run sends the header and the figure alone; the browser asks for the
rest once it has drawn the figure (see :func:`views._page.page_element`).
"""

from __future__ import annotations

import dataclasses
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import streamlit as st

import gmmviz
from gmmviz import outcomes
from gmmviz.figures import PALETTE, animation_html, responsibility_bars
from gmmviz.i18n import N_, _
from gmmviz.numbers import format_number
from views import _common as ui
from views import _hands, _player

SCHEMA = ui.EXPLORER_SCHEMA
FIGURE_HEIGHT = 600
TITLE = N_("EM for a Gaussian mixture, step by step")
# Lazy tabs: only the open one runs, so the page's figure draws before anything below it.
TABS = [N_("Inspect a point"), N_("π, μ, Σ at a step"), N_("The equations")]
_LAST_GOOD = "_explorer_last_good"  # (request, run) of the last fit that worked
_INSPECT = "_explorer_inspect"  # a point was clicked or chosen: show its numbers
PLAYER = "em_player"  # the player's key: it reports its half-step and clicked point under it
_SHOWN = "_explorer_shown"  # the session's first run, which sends only the figure, is over


class Shown(NamedTuple):
    """The run the page shows, and what went wrong on the way to it."""

    request: ui.FitRequest | None
    run: gmmviz.GMMRun | None
    #: the settings failed: this is the last run that worked
    stale: bool = False
    #: why the run asked for is not shown (refused, over the work budget)
    notice: ui.Notice | None = None
    #: the manual start's table was refused (the table says why)
    table_error: str | None = None


# ----------------------------------------------------------------------------- controls
def _first_run_alone(values: dict[str, Any]) -> Shown | None:
    """A new session's first run with a preset and a named start: the run, from the URL
    alone, so that its header and figure go out before any widget; else None."""
    first = not st.session_state.get(_SHOWN)
    st.session_state[_SHOWN] = True
    request = ui.preset_request(values) if first else None
    if request is None:
        return None
    change = _hands.edited(request.X, values, from_link=bool(st.session_state.get(ui.FROM_LINK)))
    if change:
        X, description = _hands.edited_data(request.X, request.description, change)
        request = dataclasses.replace(request, X=X, description=description)
    run, notice = ui.fit_or_notice(request.fit, request.work("explorer"))
    return None if notice is not None else Shown(request, run)  # the controls will say why


def _sidebar(values: dict[str, Any], manual_area: Any) -> tuple[dict[str, Any], ui.EMControls]:
    """The data, EM and display controls; the URL follows them. Returns the current values
    and what the EM controls ask for."""
    with st.sidebar:
        st.header(_("Data"))
        X, description = ui.data_source_controls()
        if X is not None:
            change = _hands.edited(X, values, from_link=bool(st.session_state.get(ui.FROM_LINK)),
                                   warnings=manual_area)
            X, description = _hands.edited_data(X, description, change)
        st.header(_("EM"))
        controls = ui.gmm_controls(values, X, description, manual_area=manual_area)
        st.header(_("Display"))
        _display_controls()
    values = ui.current_values(values, SCHEMA)
    values["start"] = controls.start
    values["step"], values["point"] = _player.view(PLAYER)
    _hands.url_values(values)
    ui.sync_url(values, SCHEMA)
    return values, controls


def _display_controls() -> None:
    st.multiselect(
        _("Ellipse levels"), ["1", "2", "3"], key="levels", format_func=lambda s: f"{s} σ",
        help=_("Draw each component's ellipse at 1, 2 and/or 3 standard deviations from its "
               "mean."),
    )
    st.slider(
        _("Animation speed (ms per frame)"), min_value=50, max_value=3000, step=50, key="speed",
        help=_("How long each half-step stays on screen while playing; smaller is faster."),
    )
    st.toggle(
        _("Show the mixture density"), key="density",
        help=_("Shade the mixture density p(x) of the current step behind the points."),
    )


def _run_to_show(controls: ui.EMControls) -> Shown:
    """The run the controls ask for or, when it cannot be had, the last one that worked."""
    request = controls.request
    fit, work = (None, None) if request is None else (
        lambda: (request, request.fit()), request.work("explorer"))
    kept, notice = ui.fit_or_last_good(_LAST_GOOD, fit, work)
    if kept is None:
        return Shown(None, None, False, notice, controls.error)
    stale = fit is None or notice is not None
    return Shown(*kept, stale, notice, controls.error)


# ----------------------------------------------------------------------------- above the figure
def _nothing_yet(shown: Shown) -> None:
    if shown.notice is not None:
        shown.notice.show()
    elif shown.table_error is None:
        st.info(_("Choose a data set in the sidebar to start."), icon=":material/arrow_back:")


def _header(head: list[Any], shown: Shown) -> None:
    """The title with the run's settings, its outcome and its final NLL, above the figure."""
    title, status, metric = head
    request, run = shown.request, shown.run
    with title:
        st.caption(
            _("**Data:** {data} · **k** = {k} · **start:** {start} · **covariance:** {cov}")
            .format(data=request.description, k=run.n_components, start=request.start.label,
                    cov=_(ui.COV_NAMES.get(run.covariance_type, run.covariance_type)))
        )
    if st.session_state.get("present") is not True:  # presentation mode: the figure first
        with status:
            _outcome(run)
    with metric:
        final, first = run.final, run.steps[0]
        st.metric(
            _("Final NLL"),
            format_number(final.nll),
            delta=format_number(final.nll - first.nll, signed=True), delta_color="inverse",
            help=_("Negative log-likelihood of the data at the final parameters, in nats; EM "
                   "lowers it at every iteration."),
        )


def _outcome(run: gmmviz.GMMRun) -> None:
    """Why the run stopped, and what to do about it."""
    t, kind = run.n_iter_, run.stop_kind
    if kind is gmmviz.StopKind.CONVERGED:
        st.success(_("**Converged at iteration {t}**: the NLL per point moved less than "
                     "tol = {tol}.").format(t=t, tol=f"{run.tol:g}"))
    elif kind is gmmviz.StopKind.COLLAPSED:
        st.error(_(
            "**Stopped: {reason}.** A Gaussian squeezed onto one point (or onto a "
            "line) has an unbounded density there, so the likelihood runs off to infinity and "
            "EM cannot go on. To avoid it, raise **reg_covar** (e.g. to 1e-3), choose another "
            "**initialization** or seed, or lower **k**."
        ).format(reason=run.stop_reason))
    elif run.max_iter == 0:
        st.warning(_("**Max iterations is 0**: only the start is shown."))
    elif kind is gmmviz.StopKind.MAX_ITER and run.tol == 0:
        st.info(_("**Ran all {t} iterations** (tol = 0 never stops early).").format(t=t))
    elif kind is gmmviz.StopKind.MAX_ITER:
        change = outcomes.last_change_per_point(run.nll, run.n_samples)
        st.warning(_(
            "**Stopped at max iterations ({t}) before converging**: the NLL per point still "
            "changed by {change} in the last iteration (tol = {tol}). Raise **Max "
            "iterations** to let EM finish."
        ).format(t=t, change=f"{change:.2g}", tol=f"{run.tol:g}"))
    else:
        st.warning(_("**Stopped at iteration {t}**: {reason}.").format(t=t, reason=run.stop_reason))


def _messages(shown: Shown) -> None:
    """What went wrong with the settings, and components left without weight."""
    with st.container():
        if shown.notice is not None:
            shown.notice.show()
        if shown.stale:
            st.caption(_("The figure shows the last run that worked; change the settings to "
                         "update it."))
        light = outcomes.light_components(shown.run.final.weights)
        if light and shown.run.n_components > 1:
            text = (_("Components {which} ended with almost no weight (π < 1%): it explains "
                      "hardly any points. Lower **k** or choose another start.")
                    if len(light) > 1 else
                    _("Component {which} ended with almost no weight (π < 1%): it explains "
                      "hardly any points. Lower **k** or choose another start."))
            st.warning(text.format(which=", ".join(str(j + 1) for j in light)))


# ----------------------------------------------------------------------------- the figure
def _levels(values: dict[str, Any]) -> tuple[int, ...]:
    levels = tuple(sorted(int(s) for s in values["levels"]))
    if not levels:
        st.caption(_("No ellipse level is chosen in the sidebar: drawing the 1 σ ellipses."))
        levels = (1,)
    return levels


def _linked_view(values: dict[str, Any]) -> None:
    """A link's ``step`` and ``point``: the player opens there, the point's numbers shown.
    (A link without them leaves the player where it is.)"""
    if values["step"] is None and values["point"] is None:
        return
    _player.set_view(PLAYER, values["step"], values["point"])
    if values["point"] is not None:
        st.session_state["point"] = values["point"]
        st.session_state[_INSPECT] = True
        st.session_state["explorer_tab"] = _(TABS[0])


def _step_and_point(shown: Shown) -> tuple[int, int | None]:
    """The half-step and point the player shows, within this run."""
    view = _player.view(PLAYER)
    last, n = len(shown.run.steps) - 1, shown.request.X.shape[0]
    step, point = view.step, view.point
    if isinstance(step, int) and step > last and not st.session_state.get(ui.FROM_LINK):
        step = last  # a new, shorter run: its last half-step
    elif isinstance(step, int) and step > last:
        st.warning(_("The half-step {step} is beyond this run's last one ({last}); showing "
                     "the start instead.").format(step=step, last=last),
                   icon=":material/link_off:")
        step = 0
    if isinstance(point, int) and point >= n:
        st.warning(_("Point {point} does not exist: the data have {n} points (0 to {last}). "
                     "Showing the most uncertain point instead.").format(
                         point=point, n=f"{n:,}", last=n - 1), icon=":material/link_off:")
        point = None
    _player.set_view(PLAYER, step, point)
    return (step if isinstance(step, int) else 0), point


def _figure(shown: Shown, values: dict[str, Any]) -> tuple[int, int | None] | None:
    """The step player of the run; returns the half-step and point it shows (None when it
    cannot be drawn)."""
    levels = _levels(values)
    step, point = _step_and_point(shown)
    request = shown.request
    data, notice = ui.fit_or_notice(lambda: ui.cached_player(
        shown.run, request.X, request.key, levels=levels, duration_ms=int(values["speed"]),
        density=values["density"] == "1"))
    if notice is not None:
        notice.show()
        return None
    html = ui.cached_step_html(shown.run, request.X, request.key, point=point,
                               source=ui.start_source(request))
    hands = _hands.player_options(data["uid"], shown.run, stale=shown.stale)
    _player.player({**data, "html": html, "step": step, "point": point}, key=PLAYER,
                   present=values["present"] == "1", hands=hands, on_edit=_hands.on_edit(PLAYER))
    return step, point


def _share_row(shown: Shown, values: dict[str, Any], step: int) -> None:
    """The keys and the link; the run to take away: the animation as a standalone file, the
    points' responsibilities at the player's half-step (CSV), the whole run (JSON), a picture
    of the half-step (PNG) and the animation for slides (GIF)."""
    request = shown.request

    def standalone() -> str:
        fig = ui.cached_em_figure(
            shown.run, request.X, request.key, levels=_levels(values),
            duration_ms=int(values["speed"]), show_density=values["density"] == "1",
            height=FIGURE_HEIGHT)
        return animation_html(fig)

    st.caption(_("**Keys:** → or Page Down steps forward, ← or Page Up back, Space plays or "
                 "pauses. The address bar holds every setting and the half-step: copy it to "
                 "share or bookmark this moment of the demo."))
    html_col, csv_col, json_col, png_col, gif_col = st.columns(5)
    html_col.download_button(
        _("Animation (HTML)"), data=standalone,
        file_name="gmmviz-em.html", mime="text/html", on_click="ignore",
        icon=":material/download:",
        help=_("A standalone HTML file with Play, Pause and the slider; it opens offline in "
               "any browser."),
    )
    ui.export_buttons(shown.run, request.description, step=step, key_prefix="explorer_export",
                      columns=(csv_col, json_col))
    ui.picture_buttons(shown.run, request.X, step, fit_key=request.key, levels=_levels(values),
                       duration_ms=int(values["speed"]), columns=(png_col, gif_col),
                       key_prefix="explorer")


# ----------------------------------------------------------------------------- below the figure
def _show_inspected(n_samples: int, point: int | None) -> None:
    """The number box holds the player's point; a click opens the point's tab."""
    if _player.clicked(PLAYER) and point is not None:
        st.session_state["point"] = point
        st.session_state["explorer_tab"] = _(TABS[0])  # a click shows the point's numbers
        st.session_state[_INSPECT] = True
    typed = st.session_state.get("point", 0)
    if not (isinstance(typed, int) and 0 <= typed < n_samples):
        st.session_state["point"] = point if point is not None else 0


def _details(shown: Shown, step: int, point: int | None) -> None:
    """The tabs below the figure, at the player's half-step: a point's numbers, the
    parameters, the equations."""
    _show_inspected(shown.request.X.shape[0], point)
    ui.tab_in_language("explorer_tab", TABS)
    tab_point, tab_params, tab_eq = st.tabs([_(t) for t in TABS], key="explorer_tab",
                                            on_change="rerun")
    if tab_point.open is not False:
        with tab_point:
            _inspect_tab(shown, step)
    if tab_params.open:
        with tab_params:
            _parameters_tab(shown, step)
    if tab_eq.open:
        with tab_eq:
            ui.equations_block("em")


def _point_typed() -> None:
    """A point number typed in: the player explains that point."""
    st.session_state[_INSPECT] = True
    _player.set_view(PLAYER, _player.view(PLAYER).step, st.session_state.get("point"))


def _inspect_tab(shown: Shown, step: int) -> None:
    """A point's number and coordinates, its responsibilities and Bayes' rule with its
    numbers, at the player's half-step."""
    X = shown.request.X
    pick, bars_col, bayes_col = st.columns([0.9, 1.6, 2.1], gap="medium")
    with pick:
        st.number_input(
            _("Point number"), min_value=0, max_value=int(X.shape[0]) - 1, step=1, key="point",
            help=_("Which data point to explain; clicking a point in the figure selects it "
                   "too."),
            on_change=_point_typed,
        )
        n = int(st.session_state["point"])
        st.markdown(f"x = ({X[n][0]:.4g}, {X[n][1]:.4g})")
    if not st.session_state.get(_INSPECT):
        # Until a point is chosen the tab stays light, so the page's figure draws sooner.
        bars_col.info(_("Click a point in the figure, or type its number, to see its "
                        "responsibilities and Bayes' rule with its numbers filled in."),
                      icon=":material/ads_click:")
        return
    at = shown.run.steps[step]
    log_num, log_den, gamma = gmmviz.bayes_terms(X[n], at)
    with bars_col:
        bars = responsibility_bars(gamma, title=_("γ of point {n}, {step}").format(
                                       n=n, step=_step_name(at)),
                                   height=300)
        st.plotly_chart(bars, key="resp_bars", width="stretch",
                        config={"displayModeBar": False, "staticPlot": True})
    with bayes_col:
        _bayes_rule(n, log_num, log_den, gamma, at)


def _step_name(step: Any) -> str:
    """"Iteration 2 · E-step" or "the start", for captions."""
    if step.kind == "init":
        return _("the start")
    if step.kind == "E":
        return _("Iteration {i} · E-step").format(i=step.iteration)
    return _("Iteration {i} · M-step").format(i=step.iteration)


def _bayes_rule(n: int, log_num: np.ndarray, log_den: float, gamma: np.ndarray,
                step: Any) -> None:
    """Bayes' rule for point ``n`` with its numerators, denominator and responsibilities."""
    st.markdown(_("**Bayes' rule for point {n}**, with the parameters of {step}:").format(
        n=n, step=_step_name(step)))
    st.latex(r"\gamma_{nk} = \frac{\pi_k\,\mathcal{N}(x_n \mid \mu_k, \Sigma_k)}"
             r"{\sum_j \pi_j\,\mathcal{N}(x_n \mid \mu_j, \Sigma_j)}")
    den = ui.tex_number(log_den)
    lines = [
        rf"\gamma_{{{n},{j + 1}}} &= \frac{{{ui.tex_number(float(lv))}}}{{{den}}}"
        rf" = {gamma[j]:.3f}"
        for j, lv in enumerate(log_num)
    ]
    st.latex(r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}")
    if len(log_num) <= 5:
        terms = " + ".join(ui.tex_number(float(lv)) for lv in log_num)
        st.caption(_("The denominator is the sum of the numerators:"))
        st.latex(terms + " = " + den)


def _parameters_tab(shown: Shown, step: int) -> None:
    """pi, mu and Sigma of every component at the player's half-step."""
    run = shown.run
    at = run.steps[step]
    table = pd.DataFrame({
        _("component"): [f"● {j + 1}" for j in range(run.n_components)],
        "π": at.weights,
        "μ x": at.means[:, 0],
        "μ y": at.means[:, 1],
        "Σ xx": at.covariances[:, 0, 0],
        "Σ xy": at.covariances[:, 0, 1],
        "Σ yy": at.covariances[:, 1, 1],
    })
    colours = [PALETTE[j % len(PALETTE)] for j in range(run.n_components)]
    styled = table.style.format("{:.4g}", subset=table.columns[1:]).apply(
        lambda col: [f"color: {c}; font-weight: 700" for c in colours],
        subset=[_("component")]
    )
    # a plain HTML table: light to load, so the page's figure draws sooner
    st.html(styled.hide(axis="index").set_table_attributes('class="gmmviz-params"')
            .set_table_styles([{"selector": "td, th", "props": "padding: 0.3rem 0.9rem;"
                                " text-align: right; font-size: 1rem;"}]).to_html())
    st.caption(_("At the figure's half-step: {label} · NLL = {nll}. Step through the "
                 "figure to list another half-step.").format(label=ui.step_label(at),
                                                             nll=f"{at.nll:,.3f}"))


# ----------------------------------------------------------------------------- the page
def _page() -> None:
    """The page, top to bottom. A function, so that a run's fit and figure are its locals and
    go with it, rather than globals of the script's namespace."""
    values = ui.url_state(SCHEMA, assign=False)
    if st.session_state.get(ui.FROM_LINK):
        _linked_view(values)
    _hands.start_set(values, PLAYER)
    alone = _first_run_alone(values)
    if alone is None:
        ui.assign_widget_keys(values, SCHEMA)
    ui.page_top(_(TITLE), present=None if alone is None else values["present"] == "1",
                toggle=alone is None)
    # The header row is filled once the run is known: the manual start's table under it decides it.
    head = st.columns([2.1, 2.2, 1.0], vertical_alignment="center")
    manual_area = st.container()
    if alone is None:
        values, controls = _sidebar(values, manual_area)
        shown = _run_to_show(controls)
    else:
        shown = alone
    if shown.run is None:
        _nothing_yet(shown)
    else:
        _header(head, shown)
        _messages(shown)
        ui.class_agreement(shown.run, shown.request.X)
        at = _figure(shown, values)
        ui.page_element(rerun_when_drawn=alone is not None)
        if alone is None and at is not None:
            _hands.controls(PLAYER)
            _share_row(shown, values, at[0])
            if values["present"] != "1":  # presentation mode: the animation alone
                _details(shown, *at)


_page()
