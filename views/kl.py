"""KL divergence: its definition, KL >= 0, and its asymmetry, between two distributions you move."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gmmviz import InputError
from gmmviz.divergence import (
    as_distribution,
    cross_entropy,
    entropy,
    js_divergence,
    kl_discrete,
    kl_gaussian,
)
from gmmviz.figures.notes_1d import kl_discrete_figure, kl_gaussian_figure
from gmmviz.i18n import _
from views import _common as ui
from views import _notes as notes

P_MASSES, Q_MASSES = (0.1, 0.2, 0.3, 0.4), (0.4, 0.3, 0.2, 0.1)
SCHEMA: dict[str, ui.Param] = {
    "mp": ui.Param(0.0, "float", low=-4.0, high=4.0, help="μ of p"),
    "sp": ui.Param(1.0, "float", low=0.3, high=3.0, help="σ of p"),
    "mq": ui.Param(1.0, "float", low=-4.0, high=4.0, help="μ of q"),
    "sq": ui.Param(2.0, "float", low=0.3, high=3.0, help="σ of q"),
    **{f"p{i + 1}": ui.Param(m, "float", low=0.0, high=1.0, help=f"p's mass on outcome {i + 1}")
       for i, m in enumerate(P_MASSES)},
    **{f"q{i + 1}": ui.Param(m, "float", low=0.0, high=1.0, help=f"q's mass on outcome {i + 1}")
       for i, m in enumerate(Q_MASSES)},
}


def _gaussians() -> None:
    figure, controls = st.columns([3, 1], gap="medium")
    with controls:
        st.markdown("**p**")
        mp = st.slider(_("μ of p"), -4.0, 4.0, step=0.1, key="mp")
        sp = st.slider(_("σ of p"), 0.3, 3.0, step=0.05, key="sp")
        st.markdown("**q**")
        mq = st.slider(_("μ of q"), -4.0, 4.0, step=0.1, key="mq")
        sq = st.slider(_("σ of q"), 0.3, 3.0, step=0.05, key="sq")
    with figure:
        st.plotly_chart(kl_gaussian_figure(mp, sp, mq, sq, height=440), key="kl_gauss_figure",
                        width="stretch", config={"displaylogo": False, "scrollZoom": False})
    a, b, c = st.columns(3)
    kl_pq, kl_qp = kl_gaussian(mp, sp, mq, sq), kl_gaussian(mq, sq, mp, sp)
    a.metric("KL(p ‖ q)", f"{kl_pq:.4f}", help=_("The area under p ln(p/q)."))
    b.metric("KL(q ‖ p)", f"{kl_qp:.4f}", help=_("The area under q ln(q/p)."))
    c.metric(_("asymmetry"), f"{kl_pq - kl_qp:+.4f}",
             help=_("0 when the spreads are equal; otherwise the two directions differ."))


def _distribution(masses: list[float], name: str) -> np.ndarray:
    """The masses divided by their sum; uniform, saying why, when they are all 0."""
    try:
        return as_distribution(masses)
    except InputError as e:
        st.warning(_("{name}: {error} Drawn uniform instead.").format(name=name, error=e),
                   icon=":material/warning:")
        return as_distribution([1.0] * len(masses))


def _discrete() -> None:
    st.subheader(_("Two distributions over four outcomes"))
    figure, controls = st.columns([3, 1], gap="medium")
    with controls:
        pc, qc = st.columns(2)
        pm = [pc.slider(f"p{i + 1}", 0.0, 1.0, step=0.05, key=f"p{i + 1}")
              for i in range(len(P_MASSES))]
        qm = [qc.slider(f"q{i + 1}", 0.0, 1.0, step=0.05, key=f"q{i + 1}")
              for i in range(len(Q_MASSES))]
        st.caption(_("Masses are divided by their sum."))
    with figure:
        p, q = _distribution(pm, "p"), _distribution(qm, "q")
        st.plotly_chart(kl_discrete_figure(p, q, height=400), key="kl_discrete_figure",
                        width="stretch", config={"displaylogo": False, "scrollZoom": False})
    a, b, c, d = st.columns(4)
    a.metric("KL(p ‖ q)", f"{kl_discrete(p, q):.4f}")
    b.metric("KL(q ‖ p)", f"{kl_discrete(q, p):.4f}")
    c.metric("H(p, q) − H(p)", f"{cross_entropy(p, q) - entropy(p):.4f}",
             help=_("Cross-entropy minus entropy: the same number as KL(p ‖ q)."))
    d.metric("JSD(p ‖ q)", f"{js_divergence(p, q):.4f}",
             help=_("Jensen-Shannon: symmetric, at most ln 2."))


def _explanation() -> None:
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(_("**KL divergence** measures how far q is from p (the notes, Theory "
                      "8.9):"))
        st.latex(_(r"\mathrm{{KL}}(p \,\|\, q) = \sum_i p_i \ln\frac{{p_i}}{{q_i}} = H(p, q) "
                   r"- H(p)\quad\text{{or}}\quad \int p(x)\ln\frac{{p(x)}}{{q(x)}}\,dx").format())
        st.markdown(_("It is **never negative**, by Jensen's inequality for the concave ln, "
                      "and 0 only when q = p:"))
        st.latex(r"\mathrm{KL}(p \,\|\, q) = -\int p \ln\frac{q}{p}\,dx \ge -\ln\int p\,"
                 r"\frac{q}{p}\,dx = -\ln 1 = 0")
    with right:
        st.markdown(_("It is **not symmetric**: KL(p ‖ q) ≠ KL(q ‖ p) in general. Make q "
                      "wider than p: KL(p ‖ q) stays small (q covers p), KL(q ‖ p) grows (q "
                      "puts mass where p has almost none). The Jensen-Shannon divergence "
                      "averages both sides against M = (p + q)/2 and is symmetric."))
        st.latex(r"\mathrm{JSD}(p \,\|\, q) = \tfrac12 \mathrm{KL}(p \,\|\, M) + \tfrac12"
                 r"\mathrm{KL}(q \,\|\, M)")
        st.markdown(_("**In EM**, the bound falls short of ln p(X | θ) by exactly "
                      "KL(q(Z) ‖ p(Z | X, θ)); the E-step sets q to the posterior so that it "
                      "is 0."))


# ----------------------------------------------------------------------------- the page
def _page() -> None:
    """The page, top to bottom (a function: a run's values go with it)."""
    values = ui.url_state(SCHEMA)
    notes.page_head(_("KL divergence"),
                    _("Two Gaussians p and q: the shaded areas below are the two KLs, and they "
                      "differ."))
    _gaussians()
    _discrete()
    notes.the_notes(_("The definition, KL ≥ 0 and the asymmetry, in the notes' words"),
                    _explanation)
    ui.sync_url(values, SCHEMA)


_page()
