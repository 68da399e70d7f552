"""Hard EM, then soft: the notes' overview (label, refit) beside EM, from the same start."""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

import gmmviz
from gmmviz import i18n
from gmmviz.hard_em import HardEMRun, compare_hard_soft, fit_hard_em
from gmmviz.i18n import _
from views import _common as ui
from views import _notes as notes
from views import _player

SCHEMA: dict[str, ui.Param] = {
    **ui.EXPLORER,
    "start": ui.EXPLORER_EXTRA["start"],
    **ui.EDIT_PARAMS,  # the explorer's points added or removed by hand
    "step": ui.Param(1000, "int", low=0, high=1000, help="the half-step shown"),
}
_LAST_RUN = "_hard_em_run"
PLAYER = "hard_em_player"  # both runs, stepped together


@st.cache_data(max_entries=16, show_spinner=False)
def _hard(key: str, _X: Any, n_components: int, _kwargs: dict[str, Any], lang: str) -> HardEMRun:
    # ``key`` names the data and every setting (the soft fit's key); ``lang`` the words'
    return fit_hard_em(_X, n_components, **_kwargs)


def _hard_run(controls: ui.EMControls) -> HardEMRun | None:
    """Hard EM from the soft run's start (the same arguments but tol), or a notice."""
    request = controls.request
    if request is None:
        return None
    kwargs = {k: v for k, v in request.fit_kwargs().items() if k != "tol"}
    with st.spinner(_("Running hard EM…")):
        hard, notice = ui.fit_or_notice(lambda: _hard(request.key, request.X,
                                                      request.n_components, kwargs,
                                                      i18n.get_language()))
    if notice is not None:
        notice.show()
    return hard


@st.cache_resource(max_entries=16, show_spinner=False)
def _player_data(key: str, _hard: HardEMRun, _run: gmmviz.GMMRun, lang: str) -> dict:
    """Both runs in one player, hard EM on the left (shared, read-only)."""
    from gmmviz.figures.player import compare_player

    return compare_player([_hard, _run], [_("hard EM: label, refit"),
                                          _("soft EM: γ, then π, μ, Σ")])


def _figure(run: gmmviz.GMMRun, hard: HardEMRun, key: str, linked: int) -> None:
    """Both runs in the step player, stepped together (the one that stopped holds its end);
    the URL's ``step`` is the half-step it shows."""
    n_steps = max(len(run.steps), len(hard.steps))
    step = notes.linked_step(PLAYER, "step", linked, n_steps)
    with st.spinner(_("Drawing the runs…")):
        data = _player_data(key, hard, run, i18n.get_language())
    _player.player({**data, "step": step}, key=PLAYER, url=False)
    c = compare_hard_soft(hard, run)
    a, b, d, e = st.columns(4)
    a.metric(_("points they end on differently"), f"{c.n_differ}",
             help=_("Hard label ≠ the component with the largest γ at soft EM's end (listed "
                    "below)."))
    b.metric(_("NLL, hard EM's end"), f"{c.nll_hard:.3f}",
             help=_("{n} iterations, {reason}").format(n=hard.n_iter_, reason=hard.stop_reason))
    d.metric(_("NLL, soft EM's end"), f"{c.nll_soft:.3f}",
             help=_("{n} iterations, {reason}").format(n=run.n_iter_, reason=run.stop_reason))
    e.metric(_("largest mean shift"), f"{c.mean_shift.max():.3g}",
             help=_("Between the two runs' final means, component by component."))
    if c.n_differ:
        where = np.flatnonzero(c.differ)
        listed = ", ".join(str(int(n)) for n in where[:12]) + ("…" if c.n_differ > 12 else "")
        st.caption(_("Points {listed} end in different components. They are those soft EM is "
                     "unsure of: their largest responsibility is {most} at most (1 means no "
                     "doubt). Hard EM forced each wholly into one Gaussian, and that Gaussian's "
                     "mean and spread followed.").format(
                         listed=listed, most=f"{c.soft_certainty[c.differ].max():.2f}"))


def _explanation() -> None:
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(_(
            "**The notes' overview** (before EM proper):\n\n"
            "1. Knowing nothing, set the parameters at random (or from K-means).\n"
            "2. Label every point with its most likely distribution.\n"
            "3. Refit each distribution from the mean and spread of the points labelled "
            "with it.\n\n"
            "Repeat 2 and 3. Here step 2 takes the component with the largest "
            "π_k N(x_n | μ_k, Σ_k), and step 3 also sets π_k to the share of points, "
            "N_k / N; it stops when no label changes."))
    with right:
        st.markdown(_(
            "**Soft EM** keeps the doubt: the E-step gives every point responsibilities "
            "γ(z_nk) between 0 and 1, and the M-step weighs every point by them. Hard EM "
            "rounds γ to 0 or 1. Where a point is nearly shared, the two disagree, and a "
            "hard label pulls its Gaussian further than it should. Hard EM climbs its own "
            "objective, Σ_n ln π_{z_n} N(x_n | μ_{z_n}, Σ_{z_n}); soft EM climbs ln p(X | θ), "
            "and ends no worse by it."))
        st.latex(r"\gamma(z_{nk}) = \frac{\pi_k \mathcal{N}(x_n \mid \mu_k, \Sigma_k)}"
                 r"{\sum_j \pi_j \mathcal{N}(x_n \mid \mu_j, \Sigma_j)}"
                 r"\quad\longrightarrow\quad r_{nk} = [k = \arg\max_j \gamma(z_{nj})]")


# ----------------------------------------------------------------------------- the page
def _page() -> None:
    """The page, top to bottom (a function: a run's values go with it)."""
    values = ui.url_state(SCHEMA)
    notes.page_head(_("Hard EM, then soft"),
                    _("The same data and start: left, every point labelled with its most likely "
                      "Gaussian and each Gaussian refitted from its points; right, EM's soft "
                      "responsibilities."))
    run, controls, _unused = notes.sidebar_run(values, "hard_em", _LAST_RUN)
    hard = _hard_run(controls) if run is not None else None
    if run is not None and hard is not None and hard.n_components == run.n_components:
        _figure(run, hard, controls.request.key, values["step"])
    notes.the_notes(_("Label, refit — and what soft EM does instead"), _explanation)
    ui.sync_url({**values, "start": controls.start}, SCHEMA)


_page()
