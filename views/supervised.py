"""With labels and without: a classifier from labelled points beside a mixture fitted to the
same points without their labels."""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

import gmmviz
from gmmviz.datasets import DATASETS
from gmmviz.figures.notes import supervised_figure
from gmmviz.i18n import _
from gmmviz.supervised import LabelsOrNone, labels_or_none
from views import _common as ui
from views import _notes as notes
from views._data import DATA_LABELS, seed_control
from views._em_controls import fit_init, init_help
from views._urlstate import shown_labels

SCHEMA: dict[str, ui.Param] = {
    "data": ui.Param("textbook", "choice", tuple(DATASETS)),
    "n": ui.EXPLORER["n"],
    "seed": ui.EXPLORER["seed"],
    "init": ui.EXPLORER["init"],
    "cov": ui.EXPLORER["cov"],
}
INITS = tuple(name for name in ui.INIT_CHOICES if name != "manual")
FIGURE_HEIGHT = 500
_LAST_GOOD = "_supervised_last_good"


@st.cache_data(max_entries=16, show_spinner=False)
def _labelled(name: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    return gmmviz.datasets.make(name, n_samples=n, random_state=seed)


def _sidebar() -> tuple[str, int, int, str, str]:
    with st.sidebar:
        st.header(_("Data, with its labels"))
        name = st.selectbox(_("Data"), DATASETS, key="data",
                            format_func=shown_labels(DATA_LABELS),
                            help=_("A generated data set: every point comes with the class it "
                                   "was generated from."))
        n = st.number_input(_("Number of points"), min_value=10, max_value=50_000, step=100,
                            key="n", disabled=name == "textbook")
        seed = seed_control()
        st.header(_("The mixture, without them"))
        init = st.selectbox(_("Initialization"), INITS, key="init",
                            format_func=shown_labels(ui.INIT_LABELS), help=init_help())
        cov_help = ui.EM_HELP["cov"]
        cov = st.selectbox(_("Covariance type"), ui.COV_TYPES, key="cov",
                           format_func=shown_labels(ui.COV_LABELS), help=_(cov_help))

    return name, int(n), seed, init, cov


def _compare(name: str, n: int, seed: int, init: str, cov: str
             ) -> tuple[np.ndarray, gmmviz.GMMRun, LabelsOrNone] | None:
    """The labelled data, the mixture fitted without labels (k = the number of classes), and
    the comparison; or the last one that worked."""
    def fit() -> tuple[np.ndarray, gmmviz.GMMRun, LabelsOrNone]:
        X, y = _labelled(name, n, seed)
        k = int(np.unique(y).size)
        run = ui.cached_fit(X, k, init=fit_init(init, k), covariance_type=cov,
                            max_iter=ui.EXPLORER["iters"].default, tol=ui.EXPLORER["tol"].default,
                            reg_covar=ui.EXPLORER["reg"].default, random_state=seed)
        return X, run, labels_or_none(X, y, run, reg_covar=run.reg_covar)

    result, notice = ui.fit_or_last_good(_LAST_GOOD, fit)
    ui.fit_notice(result, notice, stale=_("Still showing the last data that worked."))
    if result is not None and fit_init(init, result[1].n_components) != init:
        st.caption(_("The notes' starts are for 3 components and these data have "
                     "{k} classes: the mixture starts from k-means.").format(
                         k=result[1].n_components))
    return result


def _numbers(run: gmmviz.GMMRun, r: LabelsOrNone) -> None:
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(_("**With labels** — one Gaussian fitted to each class's own points"))
        a, b, c = st.columns(3)
        a.metric(_("accuracy"), f"{r.accuracy_classifier:.1%}",
                 help=_("Points the classifier puts in their own class (Bayes' rule)."))
        b.metric(_("adjusted Rand"), f"{r.ari_classifier:.3f}",
                 help=_("1: the same grouping as the classes; about 0: unrelated."))
        c.metric("ln p(X, Z | θ)", f"{r.log_lik_classes:.2f}",
                 help=_("Each point under its own class's Gaussian: Z is known."))
    with right:
        st.markdown(_("**Without labels** — a mixture of k = {k} fitted by EM").format(
            k=run.n_components))
        a, b, c = st.columns(3)
        a.metric(_("accuracy"), f"{r.accuracy_mixture:.1%}",
                 help=_("Each component stands for the class it shares the most points with."))
        b.metric(_("adjusted Rand"), f"{r.ari_mixture:.3f}",
                 help=_("Whatever the components' order: 1 when they recover the classes."))
        c.metric("ln p(X | θ)", f"{r.log_lik_mixture:.2f}",
                 help=_("ln Σ_Z p(X, Z | θ): Z is summed over, not known."))


def _explanation() -> None:
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(_("Unsupervised learning : clustering = supervised learning : "
                      "classification (the notes' first line). With the complete data [X, Z], "
                      "the classes Z are seen and the log-likelihood is maximised directly: "
                      "each class's π, μ and Σ come from its own points. Clustering sees X "
                      "alone, so Z is summed out inside the log, and that sum is what EM is "
                      "for."))
        st.latex(_(r"\text{{classification: }} \ln p(X, Z \mid \theta) \qquad "
                   r"\text{{clustering: }} \ln p(X \mid \theta) = \ln \sum_Z p(X, Z \mid \theta)"
                   ).format())

    with right:
        st.markdown(_("The likelihood is the classifier too (the notes' last paragraph): a "
                      "new point goes to the class under which it is most probable, by Bayes' "
                      "rule — the shaded regions on the left. A mixture's components can "
                      "recover classes only as far as the classes are Gaussian-shaped blobs: "
                      "try the moons, the circles or the uniform noise. The adjusted Rand index "
                      "compares groupings whatever their labels' names."))
        st.latex(r"\hat c(x) = \arg\max_c\; \pi_c\, \mathcal{N}(x \mid \mu_c, \Sigma_c)")


# ----------------------------------------------------------------------------- the page
def _page() -> None:
    """The page, top to bottom (a function: a run's values go with it)."""
    values: dict[str, Any] = ui.url_state(SCHEMA)
    notes.page_head(_("With labels and without"),
                    _("Left: classification, a Gaussian per class from the labelled points. Right: "
                      "clustering, the mixture EM fits to the same points without their labels."))
    name, n, seed, init, cov = _sidebar()
    result = _compare(name, n, seed, init, cov)
    if result is not None:
        X, run, r = result
        st.plotly_chart(supervised_figure(X, r, run, height=FIGURE_HEIGHT),
                        key="supervised_figure", width="stretch",
                        config={"displaylogo": False, "scrollZoom": False})
        _numbers(run, r)
    notes.the_notes(_("Classification and clustering, in the notes' words"), _explanation)

    ui.sync_url(values, SCHEMA)


_page()
