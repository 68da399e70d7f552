"""The notes' five points under two Gaussians, orange and blue: the likelihood of each, the
likelihood of each labelling, and the notes' normalisation error."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gmmviz.figures.notes_1d import five_points_figure, labellings_figure, normalisation_figure
from gmmviz.five_points import (
    NOTES_BLUE,
    NOTES_ORANGE,
    NOTES_POINTS,
    labellings,
    mixture_log_likelihood,
    notes_normalised,
)
from gmmviz.i18n import _
from gmmviz.likelihood import gaussian_densities, gaussian_log_likelihood, gaussian_mle
from views import _common as ui
from views import _notes as notes

MU_RANGE, SIGMA_RANGE = (-2.0, 12.0), (0.5, 8.0)
SCHEMA: dict[str, ui.Param] = {
    "mo": ui.Param(NOTES_ORANGE[0], "float", low=MU_RANGE[0], high=MU_RANGE[1],
                   help="the orange Gaussian's μ"),
    "so": ui.Param(NOTES_ORANGE[1], "float", low=SIGMA_RANGE[0], high=SIGMA_RANGE[1],
                   help="the orange Gaussian's σ"),
    "mb": ui.Param(NOTES_BLUE[0], "float", low=MU_RANGE[0], high=MU_RANGE[1],
                   help="the blue Gaussian's μ"),
    "sb": ui.Param(NOTES_BLUE[1], "float", low=SIGMA_RANGE[0], high=SIGMA_RANGE[1],
                   help="the blue Gaussian's σ"),
}
FIGURE_HEIGHT = 460
POINTS_TEXT = ", ".join(f"{x:g}" for x in NOTES_POINTS)


def _reset() -> None:
    st.session_state.update(mo=NOTES_ORANGE[0], so=NOTES_ORANGE[1], mb=NOTES_BLUE[0],
                            sb=NOTES_BLUE[1])


def _to_best() -> None:
    st.session_state["mo"], st.session_state["so"] = gaussian_mle(NOTES_POINTS)


def _controls() -> tuple[tuple[float, float], tuple[float, float]]:
    st.markdown(":orange[**{label}**]".format(label=_("orange O(x)")))
    mo = st.slider(_("μ of orange"), *MU_RANGE, step=0.05, key="mo")
    so = st.slider(_("σ of orange"), *SIGMA_RANGE, step=0.05, key="so")
    st.markdown(":blue[**{label}**]".format(label=_("blue B(x)")))
    mb = st.slider(_("μ of blue"), *MU_RANGE, step=0.05, key="mb")
    sb = st.slider(_("σ of blue"), *SIGMA_RANGE, step=0.05, key="sb")
    a, b = st.columns(2)
    a.button(_("As the notes"), key="notes_values", on_click=_reset, width="stretch",
             help=_("Orange over the middle of the points, blue off to the left."))
    b.button(_("Orange at its best"), key="orange_best", on_click=_to_best, width="stretch",
             help=_("The maximum-likelihood μ and σ of the five points."))
    return (float(mo), float(so)), (float(mb), float(sb))


def _normalisation(orange: tuple[float, float]) -> None:
    st.subheader(_("The notes' normalisation, corrected"))
    st.info(_(
        "The notes write the probability of point 1 under orange as "
        "O(1) / (O(1) + O(4) + O(5) + O(6) + O(9)). That divides by the sum over the five "
        "points seen, which the model never does: the probability (density) of a point is "
        "O(x) itself. The shares always sum to 1 whatever the Gaussian, and their product is "
        "largest when all five are 1/5, i.e. for an ever wider Gaussian anywhere on the line, "
        "so maximising it would not find the data's centre. This page uses the densities."),
        icon=":material/error:")
    left, right = st.columns([2, 3], gap="large")
    with left:
        dens = gaussian_densities(NOTES_POINTS, *orange)
        shares = notes_normalised(NOTES_POINTS, *orange)
        density, share = _("O(x): the density"), _("O(x) / Σ O: the notes' share")
        st.dataframe(pd.DataFrame({"x": NOTES_POINTS, density: dens, share: shares}),
                     hide_index=True, width="stretch", column_config={
                         density: st.column_config.NumberColumn(format="%.5f"),
                         share: st.column_config.NumberColumn(format="%.5f")})
    with right:
        st.plotly_chart(normalisation_figure(NOTES_POINTS, orange[0], height=340),
                        key="normalisation_figure", width="stretch",
                        config={"displaylogo": False, "displayModeBar": False})


def _labellings(orange: tuple[float, float], blue: tuple[float, float]) -> None:
    st.subheader(_("Each point orange or blue: the likelihood of every labelling"))
    frame = labellings(NOTES_POINTS, (orange, blue))
    best = frame.iloc[0]
    st.markdown(_(
        "Labelling each point with one of the two Gaussians gives 2⁵ = {n} labellings; the "
        "likelihood of one is the product of each point's density under its own Gaussian. The "
        "most likely, **{labels}** (ln = {ln}), gives every point its more likely Gaussian — "
        "the hard assignment. Weighting every labelling by Π π and summing over all of them is "
        "the mixture's likelihood with π = (½, ½): ln p(X) = **{mixture}**, the sum over z."
    ).format(n=len(frame), labels=best["labels"], ln=f"{best['log_likelihood']:.3f}",
             mixture=f"{mixture_log_likelihood(NOTES_POINTS, (orange, blue)):.3f}"))
    st.plotly_chart(labellings_figure(frame, height=330), key="labellings_figure",
                    width="stretch", config={"displaylogo": False, "displayModeBar": False})


# ----------------------------------------------------------------------------- the page
def _page() -> None:
    """The page, top to bottom (a function: a run's values go with it)."""
    values = ui.url_state(SCHEMA)
    notes.page_head(_("Five points, orange and blue"),
                    _("The notes' points {points} under two Gaussians. Each point's probability "
                      "is its density; the likelihood of a Gaussian is their product.").format(
                          points=POINTS_TEXT))
    figure, controls = st.columns([3, 1], gap="medium")
    with controls:
        orange, blue = _controls()
    with figure:
        st.plotly_chart(five_points_figure(NOTES_POINTS, orange, blue, height=FIGURE_HEIGHT),
                        key="five_points_figure", width="stretch",
                        config={"displaylogo": False, "scrollZoom": False})
        lo, lb = (gaussian_log_likelihood(NOTES_POINTS, *g) for g in (orange, blue))
        mu_hat, sigma_hat = gaussian_mle(NOTES_POINTS)
        numbers = {"orange": f"{lo:.3f}", "blue": f"{lb:.3f}", "mu": f"{mu_hat:g}",
                   "sigma": f"{sigma_hat:.2f}"}
        if lo >= lb:
            sentence = _("ln likelihood: orange **{orange}**, blue **{blue}**: the **orange** "
                         "Gaussian makes the five points more probable, as the one nearer the "
                         "maximum likelihood (μ = {mu}, σ = {sigma}).")
        else:
            sentence = _("ln likelihood: orange **{orange}**, blue **{blue}**: the **blue** "
                         "Gaussian makes the five points more probable, as the one nearer the "
                         "maximum likelihood (μ = {mu}, σ = {sigma}).")
        st.markdown(sentence.format(**numbers))
    _normalisation(orange)
    _labellings(orange, blue)
    ui.sync_url(values, SCHEMA)


_page()
