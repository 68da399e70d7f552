"""Why EM climbs: log p(X | theta) = L(q, theta) + KL(q || p(Z | X, theta)) at every half-step."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

import gmmviz
from gmmviz.bound import bound_table, describe_step, zoom_window
from gmmviz.figures.compare import COV_NAMES
from gmmviz.figures.player import bound_chart, bound_step_html
from gmmviz.figures.teaching import bound_figure, step_tick_labels
from gmmviz.i18n import N_, _
from gmmviz.numbers import format_number as num
from views import _common as ui
from views import _notes as notes
from views import _player
from views._urlstate import shown_labels

ZOOM_LABELS = {"near": N_("this iteration and the next"), "all": N_("the whole run")}
SCHEMA: dict[str, ui.Param] = {
    **ui.EXPLORER_SCHEMA,
    "half": ui.Param(4, "int", low=0, high=1000, help="the half-step shown"),
    "zoom": ui.Param("near", "choice", tuple(ZOOM_LABELS)),
}
KIND_TEXT = {"init": N_("start"), "E": N_("E-step: q = posterior"),
             "M": N_("M-step: θ maximises L")}
_LAST_RUN = "_lower_bound_run"
PLAYER = "bound_player"  # the player's key: it reports the half-step the user settled on


def _intro() -> None:
    """The idea in a paragraph, under the player."""
    st.markdown(_(
        "EM never lowers the likelihood. The reason is a **lower bound**: for any guess q of "
        "which component made each point, a quantity L(q, θ) sits below log p(X | θ), and the "
        "distance between them is a KL divergence. The **E-step** makes the bound touch "
        "(KL = 0); the **M-step** pushes the bound up, and log p, resting on top of it, has to "
        "rise with it. Step through the half-steps of the run above and watch the gap open and "
        "close."
    ))


def _half_step(run: gmmviz.GMMRun, table: pd.DataFrame, description: str, key: str,
               linked: int) -> int:
    """The run's caption and its player, whose step panel says log p = L + KL with the
    half-step's numbers; returns the half-step it shows (``linked``: the link's, when the
    run's values came from a link)."""
    n_rows = len(table)
    cov = run.covariance_type
    st.caption(_("{description} · k = {k} · {cov} covariances · {n} iterations, {reason}.")
               .format(description=description, k=run.n_components,
                       cov=_(COV_NAMES.get(cov, cov)), n=run.n_iter_, reason=run.stop_reason))
    half = notes.linked_step(PLAYER, "half", linked, n_rows)
    if n_rows == 1:
        st.info(_("The run has no iterations (max iterations is 0): only the start is "
                  "shown."))
    data = ui.cached_player(run, run.X, key, levels=(1, 2), duration_ms=700, density=False)
    _player.player({**data, "chart": bound_chart(table), "html": bound_step_html(table),
                    "step": half, "point": None}, key=PLAYER, url=False)
    sentence = describe_step(table, half)
    if table.iloc[half]["kind"] == "M":
        st.success(sentence, icon=":material/trending_up:")
    else:
        st.info(sentence, icon=":material/join_inner:")
    return half


def _chart(table: pd.DataFrame, half: int) -> None:
    """The three curves with the half-step marked, beside its numbers and the zoom."""
    row = table.iloc[half]
    chart, numbers = st.columns([4, 1], gap="medium")
    with numbers:
        zoom = st.radio(_("Show"), tuple(ZOOM_LABELS), key="zoom",
                        format_func=shown_labels(ZOOM_LABELS),
                        help=_("The first M-steps gain the most; zoom in to see the later, "
                               "smaller gaps."))
        st.metric("log p(X | θ)", num(row["log_p"], 3),
                  delta=None if half == 0 else f"{row['d_log_p']:+.4g}")
        st.metric("L(q, θ)", num(row["elbo"], 3),
                  delta=None if half == 0 else f"{row['d_elbo']:+.4g}")
        st.metric(_("KL gap"), f"{row['kl']:.4g}",
                  delta=None if half == 0 else f"{row['d_kl']:+.4g}", delta_color="inverse")
    window = zoom_window(table, half) if zoom == "near" else None
    with chart:
        st.plotly_chart(bound_figure(table, current=half, window=window), width="stretch",
                        key="bound_figure")


def _argument() -> None:
    st.subheader(_("The argument"))
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(_("Take any distribution q(Z) over the assignments Z. Multiply and divide "
                      "by q inside the sum, then move the log inside it: the log is concave, so "
                      "by **Jensen's inequality** the result can only be smaller."))
        st.latex(r"\begin{aligned} \log p(X \mid \theta)"
                 r" &= \log \sum_Z q(Z)\,\frac{p(X, Z \mid \theta)}{q(Z)} \\"
                 r" &\ge \sum_Z q(Z) \log \frac{p(X, Z \mid \theta)}{q(Z)} \\"
                 r" &= \mathcal{L}(q, \theta) \end{aligned}")
        st.markdown(_("What the bound falls short by is exactly a KL divergence, never "
                      "negative:"))
        st.latex(r"\log p(X \mid \theta) = \mathcal{L}(q, \theta)"
                 r" + \mathrm{KL}\big(q \,\|\, p(Z \mid X, \theta)\big)")
    with right:
        st.markdown(_("**E-step** — set q to the posterior (the responsibilities γ): the gap "
                      "closes."))
        st.latex(r"\begin{aligned} q(Z) &= p(Z \mid X, \theta^{\text{old}}) \\"
                 r" \Rightarrow\; \mathrm{KL} = 0, \;\; \mathcal{L}(q, \theta^{\text{old}})"
                 r" &= \log p(X \mid \theta^{\text{old}}) \end{aligned}")
        st.markdown(_("**M-step** — hold q fixed and move θ to the top of the bound."))
        st.latex(r"\begin{aligned} \theta^{\text{new}} &= \arg\max_\theta \mathcal{L}(q, \theta)"
                 r" \\ \Rightarrow\; \mathcal{L}(q, \theta^{\text{new}}) &\ge "
                 r"\mathcal{L}(q, \theta^{\text{old}}) \end{aligned}")
        st.markdown(_("**So log p never falls:** the new likelihood is the raised bound plus "
                      "a gap that cannot be negative."))
        st.latex(r"\begin{aligned} \log p(X \mid \theta^{\text{new}})"
                 r" &= \mathcal{L}(q, \theta^{\text{new}}) + \mathrm{KL} \\"
                 r" &\ge \mathcal{L}(q, \theta^{\text{old}})"
                 r" = \log p(X \mid \theta^{\text{old}}) \end{aligned}")
    st.caption(_("With reg_covar > 0 the M-step adds a little to every covariance, so it no "
                 "longer maximises L exactly; set reg_covar to 0 to see the argument hold to "
                 "the last digit."))


def _numbers(table: pd.DataFrame, half: int) -> None:
    """Every half-step's log p, L and KL and their changes, the current one highlighted."""
    st.subheader(_("The numbers, half-step by half-step"))
    what = table["kind"].map(lambda kind: _(KIND_TEXT[kind]))
    shown = table.assign(half=step_tick_labels(table), what=what)[
        ["half", "what", "log_p", "elbo", "kl", "d_log_p", "d_elbo", "d_kl"]]
    number = st.column_config.NumberColumn
    # the start has no change to show: its Δ cells are a dash (na_rep), not "None"
    styled = shown.style.format(
        {"log_p": lambda v: num(v, 6), "elbo": lambda v: num(v, 6), "kl": "{:.3e}",
         "d_log_p": "{:+.3e}", "d_elbo": "{:+.3e}", "d_kl": "{:+.3e}"}, na_rep="—",
    ).set_properties(subset=pd.IndexSlice[[half], :], **{"background-color": "#fde7c8"})
    st.dataframe(
        styled, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(table)),
        column_config={
            "half": st.column_config.TextColumn(_("half-step")),
            "what": st.column_config.TextColumn(_("what happened")),
            "log_p": number("log p"),
            "elbo": number("L"),
            "kl": number("KL"),
            "d_log_p": number("Δ log p"),
            "d_elbo": number("Δ L"),
            "d_kl": number("Δ KL"),
        },
    )


def _explorer_link(query: dict[str, str]) -> None:
    explorer_query = {name: text for name, text in query.items() if name in ui.EXPLORER_SCHEMA}
    try:
        st.page_link("views/explorer.py", label=_("Open this run in the explorer"),
                     icon=":material/scatter_plot:", query_params=explorer_query)
    except StreamlitPageNotFoundError:  # the page run on its own, outside the app's navigation
        st.markdown("[{label}](/?{query})".format(label=_("Open this run in the explorer"),
                                                  query=urlencode(explorer_query)))


# ----------------------------------------------------------------------------- the page
def _page() -> None:
    """The page, top to bottom (a function: a run's values go with it)."""
    values = ui.url_state(SCHEMA)
    ui.page_top(_("Why EM climbs"))
    run, controls, description = notes.sidebar_run(values, "lower_bound", _LAST_RUN)
    if run is None:
        _intro()
    else:
        table = bound_table(run)
        key = controls.request.key if controls.request is not None else f"last-{id(run)}"
        half = _half_step(run, table, description, key, values["half"])
        _intro()
        _chart(table, half)
        _argument()
        _numbers(table, half)
    query = ui.sync_url({**values, "start": controls.start}, SCHEMA)
    if run is not None:
        _explorer_link(query)


_page()
