"""Jensen's inequality, drawn for ln: the chord lies below the curve."""

from __future__ import annotations

import streamlit as st

from gmmviz import InputError
from gmmviz.divergence import jensen_log
from gmmviz.figures.notes_1d import jensen_figure
from gmmviz.i18n import _
from views import _common as ui
from views import _notes as notes

POINTS = ((1.0, 0.25), (4.0, 0.25), (8.0, 0.5))  # (x_i, a_i) at the start
SCHEMA: dict[str, ui.Param] = {
    **{f"x{i + 1}": ui.Param(x, "float", low=0.1, high=10.0, help=f"point x_{i + 1}")
       for i, (x, _a) in enumerate(POINTS)},
    **{f"a{i + 1}": ui.Param(a, "float", low=0.0, high=1.0, help=f"weight a_{i + 1}")
       for i, (_x, a) in enumerate(POINTS)},
}
FIGURE_HEIGHT = 470


def _controls() -> tuple[list[float], list[float]]:
    xs, weights = [], []
    for i in range(len(POINTS)):
        st.markdown(_("**Point {i}**").format(i=i + 1))
        xs.append(float(st.slider(f"x_{i + 1}", 0.1, 10.0, step=0.1, key=f"x{i + 1}",
                                  label_visibility="collapsed",
                                  help=_("Where point {i} sits on the x axis.").format(
                                      i=i + 1))))
        weights.append(float(st.slider(_("weight a_{i}").format(i=i + 1), 0.0, 1.0, step=0.05,
                                       key=f"a{i + 1}",
                                       help=_("Weights are divided by their sum."))))
    return xs, weights


def _explanation() -> None:
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(_("**Jensen's inequality** (the notes, Theory 8.8), for weights aᵢ ≥ 0:"))
        st.latex(_(r"\text{{convex }} \varphi:\quad \varphi\Big(\frac{{\sum a_i x_i}}"
                   r"{{\sum a_i}}\Big)\le \frac{{\sum a_i \varphi(x_i)}}{{\sum a_i}}").format())
        st.latex(_(r"\text{{concave }} \varphi:\quad \varphi\Big(\frac{{\sum a_i x_i}}"
                   r"{{\sum a_i}}\Big)\ge \frac{{\sum a_i \varphi(x_i)}}{{\sum a_i}}").format())
        st.markdown(_("ln is concave, so ln of a weighted mean is at least the weighted mean of "
                      "the lns: on the figure, the curve above the mean stands over the chord "
                      "(or the region between the points' chords). The gap closes only when "
                      "all points with weight coincide."))
    with right:
        st.markdown(_("**Why EM needs it.** ln p(X | θ) has a sum inside the log. Multiply and "
                      "divide by any distribution q(Z), and let Jensen move the log inside: the "
                      "points are p(X, Z | θ)/q(Z), the weights q(Z)."))
        st.latex(r"\ln \sum_Z q(Z)\frac{p(X, Z \mid \theta)}{q(Z)} \;\ge\; \sum_Z q(Z)"
                 r"\ln\frac{p(X, Z \mid \theta)}{q(Z)}")
        st.latex(r"= \sum_Z q(Z)\ln p(X, Z \mid \theta) + H(q) = \mathcal{L}(q, \theta)")
        st.markdown(_("The right side is the lower bound (here in its entropy form, "
                      "H(q) = −Σ q ln q). Its gap is a KL divergence, 0 when q is the "
                      "posterior: see *KL divergence* and *The bound touches ln p*."))


# ----------------------------------------------------------------------------- the page
def _page() -> None:
    """The page, top to bottom (a function: a run's values go with it)."""
    values = ui.url_state(SCHEMA)
    notes.page_head(_("Jensen's inequality"),
                    _("Move the points on ln x and their weights: ln of the weighted mean (on the "
                      "curve) never falls below the weighted mean of the lns (on the chord)."))
    figure, controls = st.columns([3, 1], gap="medium")
    with controls:
        xs, weights = _controls()
    with figure:
        try:
            j = jensen_log(xs, weights)
        except InputError as e:  # every weight at 0
            st.warning(_("{error} Drawn with equal weights instead.").format(error=e),
                       icon=":material/warning:")
            weights = [1.0] * len(xs)
            j = jensen_log(xs, weights)
        st.plotly_chart(jensen_figure(xs, weights, height=FIGURE_HEIGHT), key="jensen_figure",
                        width="stretch", config={"displaylogo": False, "scrollZoom": False})
        a, b, c = st.columns(3)
        a.metric("ln(Σ aᵢ xᵢ)", f"{j.log_of_mean:.4f}",
                 help=_("mean Σ aᵢ xᵢ = {mean}").format(mean=f"{j.mean:.4f}"))
        b.metric("Σ aᵢ ln xᵢ", f"{j.mean_of_log:.4f}")
        c.metric(_("the gap"), f"{j.gap:.4f}", help=_("Never below 0 (ln is concave)."))
    notes.the_notes(_("Jensen's inequality, and where EM uses it"), _explanation)
    ui.sync_url(values, SCHEMA)


_page()
