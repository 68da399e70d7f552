"""z, then x: a mixture as a generative story, and p(x) as the sum over z."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gmmviz.divergence import as_distribution
from gmmviz.figures.notes import marginal_figure, mixture_story_figure
from gmmviz.gaussian import MixtureSample, pick_edges, sample_mixture, textbook_mixture
from gmmviz.i18n import _
from views import _common as ui
from views import _notes as notes

WEIGHTS, MEANS, COVS = textbook_mixture()
MAX_DRAWS = 2000
SCHEMA: dict[str, ui.Param] = {
    "seed": ui.EXPLORER["seed"],
    "draws": ui.Param(200, "int", low=1, high=MAX_DRAWS, help="points drawn in all"),
    "shown": ui.Param(1, "int", low=0, high=MAX_DRAWS, help="points drawn so far"),
    **{f"w{k + 1}": ui.Param(float(w), "float", low=0.05, high=1.0,
                             help=f"the weight of component {k + 1}")
       for k, w in enumerate(WEIGHTS)},
    "line": ui.Param(0.0, "float", low=-3.0, high=3.0, help="x₂ of the line below"),
}
FIGURE_HEIGHT = 480


@st.cache_data(max_entries=16, show_spinner=False)
def _sample(weights: tuple[float, ...], draws: int, seed: int) -> MixtureSample:
    return sample_mixture(np.array(weights), MEANS, COVS, draws, random_state=seed)


def _controls() -> tuple[np.ndarray, int, int]:
    """Weights (normalised), the number of draws and the seed."""
    st.markdown(_("**The weights**, before dividing by their sum"))
    raw = [st.slider(_("component {k}").format(k=k + 1), 0.05, 1.0, step=0.05, key=f"w{k + 1}")
           for k in range(len(WEIGHTS))]
    weights = as_distribution(raw)  # pi_k = w_k / sum_j w_j
    st.caption("π = (" + ", ".join(f"{w:.2f}" for w in weights) + ")")
    draws = st.number_input(_("Points drawn in all"), min_value=1, max_value=MAX_DRAWS,
                            step=50, key="draws",
                            help=_("Step through them one by one, or jump to all."))
    seed = int(st.number_input(_("Random seed"), min_value=0, max_value=2**31 - 1, step=1,
                               key="seed", help=_("The same seed draws the same points.")))
    return weights, int(draws), seed


def _jump_to_all(draws: int) -> None:
    st.session_state["shown"] = draws


def _last_draw(weights: np.ndarray, sample: MixtureSample, shown: int) -> None:
    if shown == 0:
        st.info(_("No point drawn yet: press ▶ to pick a z, then an x."),
                icon=":material/casino:")
        return
    u, z, x = float(sample.u[shown - 1]), int(sample.z[shown - 1]), sample.X[shown - 1]
    edges = pick_edges(weights)
    one_hot = ", ".join("1" if j == z else "0" for j in range(len(weights)))
    st.success(
        _("Draw {shown}: u = {u} falls in [{low}, {high}), component {k}'s share of [0, 1), "
          "so z = ({one_hot}) — z_{k} = 1. Then x = ({x1}, {x2}) is drawn from "
          "N(μ_{k}, Σ_{k}).").format(
              shown=shown, u=f"{u:.3f}", low=f"{edges[z]:.2f}", high=f"{edges[z + 1]:.2f}",
              k=z + 1, one_hot=one_hot, x1=f"{x[0]:.2f}", x2=f"{x[1]:.2f}"),
        icon=":material/casino:")


def _shares(weights: np.ndarray, sample: MixtureSample, shown: int) -> None:
    shares = sample.shares(len(weights), shown)
    cols = st.columns(len(weights))
    for k, col in enumerate(cols):
        col.metric(f"z = {k + 1}", _("{share} of {n}").format(share=f"{shares[k]:.0%}", n=shown),
                   delta=f"π_{k + 1} = {weights[k]:.0%}", delta_color="off", delta_arrow="off",
                   help=_("How often component k was picked so far, against its weight."))


def _explanation(weights: np.ndarray) -> None:
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(_("**The latent variable z** is one-hot: z_k = 1 when x comes from "
                      "cluster k, every other entry 0. Picking a cluster has probability its "
                      "weight (a heavy cluster is picked more often), and inside cluster k, x "
                      "follows its Gaussian:"))
        st.latex(r"p(z_k = 1) = \pi_k, \qquad p(z) = \prod_k \pi_k^{z_k}")
        st.latex(r"p(x \mid z_k = 1) = \mathcal{N}(x \mid \mu_k, \Sigma_k)")
    with right:
        st.markdown(_("**The joint and the marginal.** The two give the joint p(x, z); "
                      "summing it over the K values of z (marginalising) leaves p(x), the "
                      "mixture:"))
        st.latex(r"p(x) = \sum_z p(z)\, p(x \mid z) = \sum_{k=1}^{K} \pi_k\, "
                 r"\mathcal{N}(x \mid \mu_k, \Sigma_k)")
        st.markdown(_("Below, along the line x₂ = const, each coloured band is one term "
                      "π_k N(x | μ_k, Σ_k); stacked, they are p(x). The E-step asks the "
                      "reverse question: given x, which z? That is p(z_k = 1 | x) = γ(z_k)."))
    line = st.slider(_("The line x₂ ="), -3.0, 3.0, step=0.1, key="line")
    st.plotly_chart(marginal_figure(weights, MEANS, COVS, at=float(line), height=300),
                    key="marginal_figure", width="stretch",
                    config={"displaylogo": False, "displayModeBar": False})


# ----------------------------------------------------------------------------- the page
def _page() -> None:
    """The page, top to bottom (a function: a run's values go with it)."""
    values = ui.url_state(SCHEMA)
    notes.page_head(_("z, then x: a mixture as a story"),
                    _("The textbook's mixture draws its points in two moves: pick a component z "
                      "with probability π_z, then a point x from that component's Gaussian."))
    figure, controls = st.columns([3, 1], gap="medium")
    with controls:
        weights, draws, seed = _controls()
        st.button(_("Draw all {n}").format(n=draws), key="all", on_click=_jump_to_all,
                  args=(draws,), icon=":material/fast_forward:", width="stretch")
    sample = _sample(tuple(float(w) for w in weights), draws, seed)
    with figure:
        shown = notes.stepper(_("Points drawn"), "shown", range(draws + 1),
                              _("Step through the draws one at a time, or slide to draw "
                                "many."))
        st.plotly_chart(mixture_story_figure(weights, MEANS, COVS, sample, shown,
                                             height=FIGURE_HEIGHT),
                        key="story_figure", width="stretch",
                        config={"displaylogo": False, "scrollZoom": False})
    _last_draw(weights, sample, shown)
    _shares(weights, sample, shown)
    notes.the_notes(_("z, p(z), p(x | z) and p(x), in the notes' words"),
                    lambda: _explanation(weights))
    ui.sync_url(values, SCHEMA)


_page()
