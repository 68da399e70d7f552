"""The Gaussian in two dimensions: what mu moves, what each entry of Sigma does, and its slices."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gmmviz.figures.notes import GAUSSIAN_VIEW, gaussian_figure
from gmmviz.gaussian import covariance_shape, ellipse_mass, nearest_allowed_covariance
from gmmviz.i18n import N_, _
from views import _common as ui
from views import _notes as notes
from views._urlstate import shown_labels

CUTS = {"x1": N_("along x₀, at a height x₁"), "x0": N_("along x₁, at a place x₀")}
SCHEMA: dict[str, ui.Param] = {
    "m0": ui.Param(0.0, "float", low=-3.0, high=3.0, help="μ₀, the mean's x₀"),
    "m1": ui.Param(0.0, "float", low=-3.0, high=3.0, help="μ₁, the mean's x₁"),
    "s00": ui.Param(2.0, "float", low=0.1, high=4.0, help="Σ₀₀, the spread along x₀"),
    "s11": ui.Param(1.0, "float", low=0.1, high=4.0, help="Σ₁₁, the spread along x₁"),
    "s01": ui.Param(0.8, "float", low=-4.0, high=4.0, help="Σ₀₁ = Σ₁₀, the tilt"),
    "cut": ui.Param("x1", "choice", tuple(CUTS)),
    "at": ui.Param(0.5, "float", low=-GAUSSIAN_VIEW, high=GAUSSIAN_VIEW,
                   help="where the slice cuts"),
}
FIGURE_HEIGHT = 470


def _controls() -> tuple[np.ndarray, np.ndarray, str | None, int, float]:
    """The sliders beside the figure; returns mu, Sigma (kept positive definite), the reason
    when the covariance slider asked for one that is not, and the slice's axis and place."""
    st.markdown(_("**Mean μ**"))
    m0 = st.slider("μ₀", -3.0, 3.0, step=0.1, key="m0", help=_("Moves the bell along x₀."))
    m1 = st.slider("μ₁", -3.0, 3.0, step=0.1, key="m1", help=_("Moves the bell along x₁."))
    st.markdown(_("**Covariance Σ**"))
    s00 = st.slider(_("Σ₀₀: spread along x₀"), 0.1, 4.0, step=0.1, key="s00",
                    help=_("The variance along x₀ (the notes' σ₀)."))
    s11 = st.slider(_("Σ₁₁: spread along x₁"), 0.1, 4.0, step=0.1, key="s11",
                    help=_("The variance along x₁ (the notes' σ₁)."))
    s01 = st.slider(_("Σ₀₁ = Σ₁₀: tilt"), -4.0, 4.0, step=0.05, key="s01",
                    help=_("The covariance (the notes' σ₂): positive leans the ellipse to the "
                           "right, negative to the left. It must stay below √(Σ₀₀ Σ₁₁)."))
    cov, reason = nearest_allowed_covariance(float(s00), float(s01), float(s11))
    cut = st.radio(_("Slice"), tuple(CUTS), key="cut", format_func=shown_labels(CUTS),
                   horizontal=False)
    at = st.slider(_("The slice's place"), -GAUSSIAN_VIEW, GAUSSIAN_VIEW, step=0.1, key="at",
                   help=_("Where the dashed line cuts the density."))
    return np.array([m0, m1], dtype=float), cov, reason, 1 if cut == "x1" else 0, float(at)


def _numbers(cov: np.ndarray) -> None:
    shape = covariance_shape(cov)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("det Σ", f"{shape.det:.3f}", help=_("Σ₀₀ Σ₁₁ − Σ₀₁²: above 0 for every Σ."))
    c2.metric(_("correlation ρ"), f"{shape.correlation:+.2f}", help="Σ₀₁ / √(Σ₀₀ Σ₁₁)")
    c3.metric(_("semi-axes (1σ)"), f"{shape.major:.2f} × {shape.minor:.2f}")
    c4.metric(_("tilt"), f"{shape.angle:+.0f}°", help=_("Of the long axis, from the x₀ axis."))


def _explanation() -> None:
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(_("**The density.** For a point x = (x₀, x₁), a mean μ and a covariance "
                      "Σ:"))
        st.latex(r"\mathcal{N}(x \mid \mu, \Sigma) = \frac{1}{(2\pi)^{D/2}}\,"
                 r"\frac{1}{|\Sigma|^{1/2}}\exp\!\Big(-\tfrac{1}{2}(x - \mu)^\top"
                 r"\Sigma^{-1}(x - \mu)\Big),\quad D = 2")
        st.latex(r"\Sigma = \begin{pmatrix} \Sigma_{00} & \Sigma_{01} \\ \Sigma_{10} & "
                 r"\Sigma_{11} \end{pmatrix},\quad \Sigma_{10} = \Sigma_{01}")
        st.markdown(_(
            "Σ₀₀ and Σ₁₁ spread the density along x₀ and along x₁ (the notes' σ₀ and σ₁); "
            "Σ₀₁ tilts it (the notes' σ₂): positive leans the ellipses to the right, negative "
            "to the left, 0 keeps them upright. The factor in front makes the density "
            "integrate to 1 (the notes' height a). The notes (Theory 8.7) print it as "
            "1/(2π^{D/2}); it is 1/(2π)^{D/2}, here 1/(2π)."))
    with right:
        st.markdown(_("**Kept positive definite.** Σ must have both variances above 0 and "
                      "Σ₀₁² < Σ₀₀ Σ₁₁ (det Σ > 0): otherwise the contours are no ellipses and "
                      "the formula has no meaning. A tilt beyond that is drawn at 95 % of the "
                      "limit, and the reason is shown above the figure."))
        masses = ", ".join(f"{n}σ: {m:.1%}" for n, m in zip((1, 2, 3), ellipse_mass(
            np.array([1.0, 2.0, 3.0])), strict=True))
        st.markdown(_("**The ellipses.** Where (x − μ)ᵀ Σ⁻¹ (x − μ) = n², the n-σ contours; "
                      "inside each lies 1 − e^(−n²/2) of the probability ({masses}).").format(
                          masses=masses))
        st.markdown(_("**A slice** along the line x₁ = c is a 1-D bell in x₀: its area is "
                      "N(c | μ₁, Σ₁₁), it peaks at μ₀ + Σ₀₁ / Σ₁₁ (c − μ₁) and spreads "
                      "√(Σ₀₀ − Σ₀₁² / Σ₁₁): narrower than Σ₀₀ alone whenever Σ₀₁ ≠ 0."))


# ----------------------------------------------------------------------------- the page
def _page() -> None:
    """The page, top to bottom (a function: a run's values go with it)."""
    values = ui.url_state(SCHEMA)
    notes.page_head(_("The Gaussian in 2-D"),
                    _("Move μ and every entry of Σ: the density, its 1σ, 2σ and 3σ ellipses, and "
                      "the density along the dashed line."))
    figure, controls = st.columns([3, 1], gap="medium")
    with controls:
        mean, cov, reason, axis, at = _controls()
    with figure:
        if reason is not None:
            st.warning(_("{reason} Drawn with Σ₀₁ = {s01} instead.").format(
                reason=reason, s01=f"{cov[0, 1]:.2f}"), icon=":material/warning:")
        st.plotly_chart(gaussian_figure(mean, cov, axis=axis, at=at, height=FIGURE_HEIGHT),
                        key="gaussian_figure", width="stretch",
                        config={"displaylogo": False, "scrollZoom": False})
    _numbers(cov)
    notes.the_notes(_("The density, Σ's entries, the ellipses and the slices"), _explanation)

    ui.sync_url(values, SCHEMA)


_page()
