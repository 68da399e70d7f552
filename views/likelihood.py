"""Likelihood from scratch, in one dimension: a coin, then five points under a Gaussian."""

from __future__ import annotations

import streamlit as st

from gmmviz.figures.teaching import (
    coin_figure,
    gaussian_log_likelihood_figure,
    gaussian_points_figure,
)
from gmmviz.i18n import _
from gmmviz.likelihood import (
    NOTES_POINTS,
    coin_likelihood,
    coin_log_likelihood,
    coin_mle,
    gaussian_likelihood,
    gaussian_log_likelihood,
    gaussian_mle,
)
from views import _common as ui

HEADS, TAILS = 1, 3  # the notes' flips: tails, tails, tails, heads
MU_RANGE = (-2.0, 12.0)
SIGMA_RANGE = (0.3, 8.0)
SCHEMA: dict[str, ui.Param] = {
    "w": ui.Param(0.5, "float", low=0.0, high=1.0, help="probability of heads"),
    "mu": ui.Param(3.0, "float", low=MU_RANGE[0], high=MU_RANGE[1], help="the Gaussian's mean"),
    "sigma": ui.Param(1.5, "float", low=SIGMA_RANGE[0], high=SIGMA_RANGE[1],
                      help="the Gaussian's standard deviation"),
}
MU_HAT, SIGMA_HAT = gaussian_mle(NOTES_POINTS)
BEST_LOG_LIKELIHOOD = gaussian_log_likelihood(NOTES_POINTS, MU_HAT, SIGMA_HAT)


def _jump_to_mle() -> None:
    st.session_state["mu"] = MU_HAT
    st.session_state["sigma"] = SIGMA_HAT


def _intro() -> None:
    """What a likelihood is, under the first figure (the figure comes first)."""
    st.markdown(_(
        "A model with parameters gives every possible data set a probability. Once the data "
        "are in, we turn this around: hold the data fixed and ask, for each value of the "
        "parameters, how probable the data we actually saw would have been. That function of "
        "the parameters is the **likelihood**, and the **maximum-likelihood** estimate is the "
        "value that makes the data most probable. Two small examples, before the mixtures."
    ))


def _coin() -> None:
    """The notes' four flips, the likelihood of w, and its maximum at 1/4."""
    st.header(_("1 · A coin"))
    left, right = st.columns([1, 2], gap="large")
    with left:
        w = float(st.slider(_("w, the probability of heads"), min_value=0.0, max_value=1.0,
                            step=0.01, key="w",
                            help=_("Move w and watch the probability of the flips change.")))
        lw = coin_likelihood(w, HEADS, TAILS)
        st.metric("L(w)", f"{lw:.4f}")
        st.metric("log L(w)", f"{coin_log_likelihood(w, HEADS, TAILS):.3f}" if lw > 0 else "−∞")
        if lw == 0:
            st.markdown(_("These flips are impossible for this coin."))
        w_star = coin_mle(HEADS, TAILS)
        st.markdown(_("The data are most probable for a **1/4 coin** (w = {w}, L = {lik}): the "
                      "fraction of heads seen.").format(
                          w=f"{w_star:g}", lik=f"{coin_likelihood(w_star, HEADS, TAILS):.4f}"))
    with right:
        st.plotly_chart(coin_figure(w, HEADS, TAILS, height=440 if ui.presenting() else 520),
                        width="stretch", key="coin_figure")
    _intro()
    st.markdown(_(
        "We flip a coin four times and see **tails, tails, tails, heads**. If the coin lands "
        "heads with probability w, the flips are independent, so the probability of this "
        "sequence is the product of the four probabilities. The log turns the product into a "
        "sum and peaks at the same w; setting its slope to zero finds the peak."
    ))
    st.latex(r"\begin{aligned} L(w) &= (1 - w)\,(1 - w)\,(1 - w)\,w \\"
             r" &= (1 - w)^3\, w \end{aligned}")
    st.latex(r"\begin{aligned} \log L(w) &= 3 \log(1 - w) + \log w \\"
             r" \frac{d}{dw} \log L(w) &= \frac{1}{w} - \frac{3}{1 - w} = 0"
             r" \;\Rightarrow\; w = \tfrac{1}{4} \end{aligned}")


def _five_points() -> tuple[float, float]:
    """Five points under a Gaussian whose mu and sigma the sliders move; returns them."""
    st.header(_("2 · Five points under a Gaussian"))
    points_text = ", ".join(f"{x:g}" for x in NOTES_POINTS)
    st.markdown(_(
        "Now the data are five numbers, **{points}**, and the model is a Gaussian with "
        "mean μ and standard deviation σ. Each point gets a density, the height of the bell "
        "curve above it. The points are independent, so the likelihood is the product of the "
        "five densities, and the log-likelihood the sum of their logs."
    ).format(points=points_text))
    st.latex(r"\mathcal{N}(x \mid \mu, \sigma^2) = \frac{1}{\sigma\sqrt{2\pi}}"
             r"\exp\!\Big(-\frac{(x - \mu)^2}{2\sigma^2}\Big)")
    st.latex(r"\begin{aligned} p(X \mid \mu, \sigma) &= \prod_{n=1}^{5}"
             r" \mathcal{N}(x_n \mid \mu, \sigma^2) \\"
             r" \log p(X \mid \mu, \sigma) &= \sum_{n=1}^{5}"
             r" \log \mathcal{N}(x_n \mid \mu, \sigma^2) \end{aligned}")
    left, right = st.columns([1, 2], gap="large")
    with left:
        mu = float(st.slider(_("μ, the mean"), min_value=MU_RANGE[0], max_value=MU_RANGE[1],
                             step=0.05, key="mu", help=_("Slide the bell curve left and right.")))
        sigma = float(st.slider(_("σ, the standard deviation"), min_value=SIGMA_RANGE[0],
                                max_value=SIGMA_RANGE[1], step=0.01, key="sigma",
                                help=_("Make the bell curve narrow and tall, or wide and flat.")))
        st.button(_("Jump to the best fit"), key="mle", on_click=_jump_to_mle,
                  icon=":material/my_location:", type="primary", width="stretch",
                  help=_("Set μ to the sample mean ({mu}) and σ to the standard deviation "
                         "that divides by N ({sigma}).").format(mu=f"{MU_HAT:g}",
                                                                sigma=f"{SIGMA_HAT:.4f}"))
        log_lik = gaussian_log_likelihood(NOTES_POINTS, mu, sigma)
        st.metric(_("likelihood"), f"{gaussian_likelihood(NOTES_POINTS, mu, sigma):.3g}")
        gap = log_lik - BEST_LOG_LIKELIHOOD
        st.metric(_("log-likelihood"), f"{log_lik:.3f}",
                  delta=_("the best there is") if gap > -5e-4 else
                  _("{gap} below the best").format(gap=f"{gap:+.3f}"),
                  delta_color="off", delta_arrow="off")
    with right:
        st.plotly_chart(gaussian_points_figure(NOTES_POINTS, mu, sigma, x_range=(-3.0, 13.0)),
                        width="stretch", key="points_figure")
    return mu, sigma


def _best_values(mu: float, sigma: float) -> None:
    """The maximum-likelihood values worked out, beside the log-likelihood of every (mu, sigma)."""
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.markdown(_("**The best values.** Setting the derivatives of the log-likelihood to "
                      "zero gives the sample mean, and the standard deviation that divides by N "
                      "(not N − 1). The squared distances from 5 are 16, 1, 0, 1 and 16."))
        st.latex(r"\hat\mu = \frac{1}{N}\sum_n x_n = \frac{25}{5} = 5")
        st.latex(r"\begin{aligned} \hat\sigma^2 &= \frac{1}{N}\sum_n (x_n - \hat\mu)^2 \\"
                 r" &= \frac{34}{5} = 6.8 \end{aligned}")
        st.markdown(_("so σ̂ = √6.8 ≈ **{sigma}**, where the log-likelihood is **{best}**. On "
                      "the right, the log-likelihood of every (μ, σ): a single peak, at the "
                      "star.").format(sigma=f"{SIGMA_HAT:.4f}",
                                      best=f"{BEST_LOG_LIKELIHOOD:.3f}"))
    with right:
        st.plotly_chart(gaussian_log_likelihood_figure(NOTES_POINTS, mu, sigma,
                                                       mu_range=MU_RANGE,
                                                       sigma_range=SIGMA_RANGE, height=480),
                        width="stretch", key="loglik_figure")


# ----------------------------------------------------------------------------- the page
def _page() -> None:
    """The page, top to bottom (a function: a run's values go with it)."""
    values = ui.url_state(SCHEMA)
    ui.page_top(_("Likelihood from scratch"))
    _coin()
    mu, sigma = _five_points()
    _best_values(mu, sigma)
    ui.sync_url(values, SCHEMA)


_page()
