"""The bound touches ln p: L(q, theta) as a curve over one mean, touching ln p(X | theta) at
theta_old, and the M-step's move to its top."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import gmmviz
from gmmviz.bound_curve import BoundCurve, bound_climb_curves, bound_terms_along
from gmmviz.figures.notes_1d import bound_curve_figure
from gmmviz.i18n import _
from views import _common as ui
from views import _notes as notes

COORDS = {"x1": "x₁", "x2": "x₂"}
MAX_CLIMB = 10
SCHEMA: dict[str, ui.Param] = {
    **ui.EXPLORER,
    "start": ui.EXPLORER_EXTRA["start"],
    **ui.EDIT_PARAMS,  # the explorer's points added or removed by hand
    "it": ui.Param(0, "int", low=0, high=500, help="θ_old: the run after this iteration"),
    "comp": ui.Param(1, "int", low=1, high=10, help="the component whose mean moves"),
    "coord": ui.Param("x1", "choice", tuple(COORDS), help="the coordinate of its mean"),
    "climb": ui.Param(0, "int", low=0, high=MAX_CLIMB, help="E- and M-steps along it"),
}
FIGURE_HEIGHT = 460
_LAST_RUN = "_bound_curve_run"


@st.cache_data(max_entries=16, show_spinner=False)
def _curves(digest: str, _X: object, theta: tuple, component: int, axis: int,
            climb: int) -> list[BoundCurve]:
    # ``digest`` names the data; theta_old's arrays are hashed by value
    return bound_climb_curves(_X, *theta, component=component, axis=axis, n_steps=climb)


def _choices(run: gmmviz.GMMRun) -> tuple[int, int, int, int]:
    """The component, the coordinate and the climb's length (beside the figure)."""
    k = run.n_components
    if int(st.session_state.get("comp", 1)) > k:
        st.session_state["comp"] = 1
    comp = st.selectbox(_("Component k"), list(range(1, k + 1)), key="comp",
                        help=_("Whose mean moves along the curve."))
    coord = st.radio(_("Coordinate of μ_k"), tuple(COORDS), key="coord",
                     format_func=COORDS.get, horizontal=True)
    climb = st.slider(_("More E- and M-steps"), 0, MAX_CLIMB, key="climb",
                      help=_("0: one E-step (the bound touches) and its M-step. More: repeat "
                             "along this coordinate, each new bound touching where the last "
                             "M-step landed."))
    return int(comp) - 1, 0 if coord == "x1" else 1, int(climb)


def _terms_table(run: gmmviz.GMMRun, theta: tuple, curve: BoundCurve, k: int,
                 axis: int) -> None:
    old, new = bound_terms_along(run.X, *theta, component=k, axis=axis,
                                 values=[curve.at, curve.best])
    rows = [("Σ_Z q ln p(X, Z | θ)", old.expected_log_joint, new.expected_log_joint),
            ("H(q) = −Σ_Z q ln q", old.entropy, new.entropy),
            (_("L(q, θ) = their sum"), old.elbo, new.elbo),
            ("ln p(X | θ)", old.log_p, new.log_p),
            ("KL(q ‖ p(Z | X, θ)) = ln p − L", old.kl, new.kl)]
    coord = "x₁" if axis == 0 else "x₂"
    columns = ["", _("at θ_old ({coord} = {value})").format(coord=coord,
                                                            value=f"{curve.at:.4f}"),
               _("at the bound's top ({coord} = {value})").format(coord=coord,
                                                                  value=f"{curve.best:.4f}")]
    st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True, width="stretch")
    st.caption(_("q is held at p(Z | X, θ_old): the entropy H(q) does not change; the M-step "
                 "raises the first term, and the KL gap opens again."))


def _body(run: gmmviz.GMMRun) -> None:
    figure, controls = st.columns([3, 1], gap="medium")
    with controls:
        k, axis, climb = _choices(run)
    with figure:
        it = notes.stepper(_("θ_old: the parameters after iteration"), "it",
                           range(run.n_iter_ + 1), _("0 is the start; the bound is drawn for "
                                                     "this θ_old."))
        step = run.steps[2 * it]  # theta after iteration it (the start for 0)
        theta = (step.weights, step.means, step.covariances)
        with st.spinner(_("Drawing the bound…")):
            curves, notice = ui.fit_or_notice(
                lambda: _curves(ui.data_digest(run.X), run.X, theta, k, axis, climb))
        if notice is not None:
            notice.show()
            return
        name = _("μ_{k}, its {coord}").format(k=k + 1, coord="x₁" if axis == 0 else "x₂")
        st.plotly_chart(bound_curve_figure(curves, parameter=name, height=FIGURE_HEIGHT),
                        key="bound_curve_figure", width="stretch",
                        config={"displaylogo": False, "scrollZoom": False})
    first, last = curves[0], curves[-1]
    text = _("E-step at θ_old: L touches ln p = {log_p_at} at {at}. M-step: the bound's top "
             "is at {best}, where L = {elbo_best} and ln p = {log_p_best} (+{gain}).").format(
                 log_p_at=f"{first.log_p_at:.4f}", at=f"{first.at:.4f}",
                 best=f"{first.best:.4f}", elbo_best=f"{first.elbo_best:.4f}",
                 log_p_best=f"{first.log_p_best:.4f}",
                 gain=f"{first.log_p_best - first.log_p_at:.4g}")
    if climb:
        text += " " + _("After {climb} more E- and M-steps along this coordinate: ln p = "
                        "{log_p} at {best}.").format(climb=climb,
                                                     log_p=f"{last.log_p_best:.4f}",
                                                     best=f"{last.best:.4f}")
    st.success(text, icon=":material/trending_up:")
    if first.m_step_off_line:
        st.caption(_("The full M-step moves every parameter at once: it sets this coordinate "
                     "to {m_step}, the γ-weighted mean; along this one line, with the rest held "
                     "at θ_old (a tilted Σ_k couples the two coordinates), the bound's top is "
                     "at {best}.").format(m_step=f"{first.m_step_value:.4f}",
                                          best=f"{first.best:.4f}"))
    _terms_table(run, theta, first, k, axis)


def _explanation() -> None:
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(_("**E-step** (the notes, Theory 8.9): the bound falls short of ln p by a "
                      "KL divergence, which q = p(Z | X, θ_old) makes 0, so the bound touches "
                      "ln p at θ_old:"))
        st.latex(r"\ln p(X \mid \theta) = \mathcal{L}(q, \theta) + \mathrm{KL}\big(q \,\|\,"
                 r"p(Z \mid X, \theta)\big)")
        st.latex(r"\mathcal{L}(q, \theta) = \sum_Z q(Z) \ln p(X, Z \mid \theta) + H(q)")
    with right:
        st.markdown(_("**M-step**: hold q and move θ to the top of the bound. The bound rose, "
                      "and ln p lies on or above the bound, so ln p rose at least as much. "
                      "Then the next E-step draws a new bound touching at θ_new. Here only one "
                      "coordinate of one mean moves, so the picture is a curve: the bound is a "
                      "parabola in it, below ln p everywhere and touching it once."))
        st.latex(r"\ln p(X \mid \theta^{new}) \ge \mathcal{L}(q, \theta^{new}) \ge "
                 r"\mathcal{L}(q, \theta^{old}) = \ln p(X \mid \theta^{old})")


# ----------------------------------------------------------------------------- the page
def _page() -> None:
    """The page, top to bottom (a function: a run's values go with it)."""
    values = ui.url_state(SCHEMA)
    notes.page_head(_("The bound touches ln p"),
                    _("ln p(X | θ) and the bound L(q, θ) over one coordinate of one mean, the rest "
                      "held at θ_old: the E-step makes them touch, the M-step climbs to the top."))
    run, controls, _description = notes.sidebar_run(values, "bound_curve", _LAST_RUN)
    if run is not None:
        _body(run)
    notes.the_notes(_("Why the bound touches, and why the M-step climbs"), _explanation)
    ui.sync_url({**values, "start": controls.start}, SCHEMA)


_page()
