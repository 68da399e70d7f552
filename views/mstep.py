"""The M-step, derived: set the derivatives to zero, with the numbers of one step of a run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import gmmviz
from gmmviz.derivation import MStepDerivation, m_step_derivation
from gmmviz.figures.notes import m_step_figure
from gmmviz.i18n import _
from views import _common as ui
from views import _notes as notes

SCHEMA: dict[str, ui.Param] = {
    **ui.EXPLORER,
    "start": ui.EXPLORER_EXTRA["start"],
    **ui.EDIT_PARAMS,  # the explorer's points added or removed by hand
    "it": ui.Param(1, "int", low=1, high=500, help="the iteration whose M-step is derived"),
}
FIGURE_HEIGHT = 470
_LAST_RUN = "_mstep_run"


def _table(d: MStepDerivation) -> pd.DataFrame:
    rows = []
    for k in range(len(d.nk)):
        rows.append({
            "k": k + 1, "N_k": d.nk[k], "π_k old": d.old_weights[k],
            "Σ_n N(x_n|k) / p(x_n)": d.density_sums[k], "π_k = N_k / N": d.weights[k],
            "μ_k": f"({d.means[k, 0]:.4f}, {d.means[k, 1]:.4f})",
            "Σ_k": (f"[[{d.covariances[k, 0, 0]:.4f}, {d.covariances[k, 0, 1]:.4f}], "
                    f"[{d.covariances[k, 1, 0]:.4f}, {d.covariances[k, 1, 1]:.4f}]]"),
        })
    return pd.DataFrame(rows)


def _worked(d: MStepDerivation) -> None:
    """The notes' three derivations with this step's numbers."""
    n, lam = d.n_samples, d.lagrange
    nk = " + ".join(f"{v:.3f}" for v in d.nk)
    one, two, three = st.columns(3, gap="medium")
    with one:
        st.markdown(_("**1 · μ_k.** Set the derivative to zero:"))
        st.latex(r"\frac{\partial \ln p}{\partial \mu_k} = \sum_{n} \gamma(z_{nk})\,"
                 r"\Sigma_k^{-1}(x_n - \mu_k) = 0")
        st.latex(r"\Rightarrow\; \mu_k = \frac{\sum_n \gamma(z_{nk})\, x_n}{N_k}")
        st.caption(_("At the new μ_k the derivative is {most} at most: zero up to "
                     "rounding.").format(most=f"{np.abs(d.grad_means).max():.1e}"))
    with two:
        st.markdown(_("**2 · Σ_k.** The same for the covariance:"))
        st.latex(r"\Sigma_k = \frac{\sum_n \gamma(z_{nk})(x_n - \mu_k)(x_n - \mu_k)^\top}"
                 r"{N_k}")
        st.caption(_("Its derivative at the new Σ_k: {most} at most.").format(
            most=f"{np.abs(d.grad_covariances).max():.1e}"))
    with three:
        st.markdown(_("**3 · π_k**, which must sum to 1: a Lagrange multiplier λ."))
        st.latex(r"\frac{\partial}{\partial \pi_k}\Big[\ln p + \lambda\big(\textstyle\sum_k"
                 r"\pi_k - 1\big)\Big] = \sum_n \frac{\mathcal{N}(x_n \mid \mu_k, \Sigma_k)}"
                 r"{\sum_j \pi_j \mathcal{N}(x_n \mid \mu_j, \Sigma_j)} + \lambda = 0")
        st.markdown(_("Multiply by π_k: N_k + λ π_k = 0. Sum over k: N + λ = 0."))
    st.latex(rf"N = \sum_k N_k = {nk} = {n}, \qquad \lambda = -N = {lam:g}, \qquad "
             r"\pi_k = \frac{N_k}{N}")
    st.dataframe(_table(d), hide_index=True, width="stretch", column_config={
        "N_k": st.column_config.NumberColumn(format="%.4f"),
        "π_k old": st.column_config.NumberColumn(_("π_k old"), format="%.4f"),
        "Σ_n N(x_n|k) / p(x_n)": st.column_config.NumberColumn(
            format="%.3f", help=_("The notes' sum at θ_old: N_k / π_k(old). It equals N = −λ "
                                  "only once EM has settled; the M-step makes N_k / π_k = N.")),
        "π_k = N_k / N": st.column_config.NumberColumn(format="%.4f"),
    })


def _body(run: gmmviz.GMMRun) -> None:
    if run.n_iter_ == 0:
        st.info(_("The run has no iterations (max iterations is 0): there is no M-step to "
                  "derive."), icon=":material/info:")
        return
    it = notes.stepper(_("Iteration"), "it", range(1, run.n_iter_ + 1),
                       _("The M-step of this iteration, from the responsibilities its E-step "
                         "gave."))
    before = run.steps[2 * it - 2]  # theta_old: the parameters after iteration it - 1
    d, notice = ui.fit_or_notice(
        lambda: m_step_derivation(run.X, before.weights, before.means, before.covariances))
    if notice is not None:
        notice.show()
        return
    st.plotly_chart(m_step_figure(run.X, before.means, before.covariances, d,
                                  height=FIGURE_HEIGHT),
                    key="mstep_figure", width="stretch",
                    config={"displaylogo": False, "scrollZoom": False})
    if run.covariance_type != "full" or run.reg_covar > 0:
        cov = _(ui.COV_NAMES.get(run.covariance_type, run.covariance_type))
        st.caption(_("The derivation is for full covariances without reg_covar; this run "
                     "({cov}, reg_covar = {reg}) constrains or widens Σ_k, so its own M-step "
                     "differs a little from the numbers below.").format(
                         cov=cov, reg=f"{run.reg_covar:g}"))
    _worked(d)


# ----------------------------------------------------------------------------- the page
def _page() -> None:
    """The page, top to bottom (a function: a run's values go with it)."""
    values = ui.url_state(SCHEMA)
    notes.page_head(_("The M-step, derived"),
                    _("With the E-step's γ(z_nk) held fixed, set the derivative of the "
                      "log-likelihood to zero for μ_k, Σ_k and π_k: the numbers are this run's."))
    run, controls, _unused = notes.sidebar_run(values, "mstep", _LAST_RUN)
    if run is not None:
        _body(run)
    ui.sync_url({**values, "start": controls.start}, SCHEMA)


_page()
