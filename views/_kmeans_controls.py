"""Controls shared by the K-means page and the limit page: k, where K-means starts, iterations.

URL parameters: the explorer's ``data``, ``n``, ``seed``, ``k``, ``iters`` and ``kinit``, the
K-means start ("notes": the textbook's centres, "kmeans-pp", "random").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import streamlit as st

import gmmviz
from gmmviz.i18n import N_, _
from gmmviz.starts import KMEANS_FALLBACK, KMEANS_START_LABELS, kmeans_start_used
from views._cache import cached_kmeans
from views._urlstate import EXPLORER, Param

#: URL value -> fit_kmeans' init.
KINIT_NAMES = {"notes": "notes", "kmeans-pp": "k-means++", "random": "random"}


def kinit_label(kinit: str) -> str:
    """A K-means start (URL value) as the select box shows it, in the language in use."""
    label = KMEANS_START_LABELS.get(KINIT_NAMES.get(kinit, kinit), kinit)
    return f"{_(label)} (k = 3)" if kinit == "notes" else _(label)


KINIT_HELP = N_(
    "Where the centres start. The textbook's centres: (-2, 1), (-2, 0), (-2, -1), as in the "
    "notes (k = 3 only); k-means++: spread-out seeds, each new one drawn far from the others; "
    "random: k distinct data points. The random starts change with the seed."
)
#: Used instead of the textbook's centres when k is not 3 (URL value).
NOTES_FALLBACK = next(name for name, init in KINIT_NAMES.items() if init == KMEANS_FALLBACK)

KMEANS_SCHEMA: dict[str, Param] = {
    "data": EXPLORER["data"],
    "n": EXPLORER["n"],
    "seed": EXPLORER["seed"],
    "features": EXPLORER["features"],
    "k": EXPLORER["k"],
    "kinit": Param("notes", "choice", tuple(KINIT_NAMES)),
    "iters": EXPLORER["iters"],
}


def kmeans_controls() -> dict[str, Any]:
    """The k slider, the start's select box and the iteration limit (keys "k", "kinit", "iters").

    A textbook start with k other than 3 says why and uses k-means++ instead.

    Returns
    -------
    dict
        ``n_clusters``, ``init`` (fit_kmeans' name), ``kinit`` (the URL value actually used),
        ``start`` (the :class:`gmmviz.starts.StartUsed`, for a header) and ``max_iter``.
    """
    k = int(st.slider(
        _("Number of clusters k"), min_value=1, max_value=10, step=1, key="k",
        help=_("How many clusters (centres) K-means looks for."),
    ))
    kinit = st.selectbox(_("Start"), tuple(KINIT_NAMES), key="kinit",
                         format_func={v: kinit_label(v) for v in KINIT_NAMES}.get,
                         help=_(KINIT_HELP))
    start = kmeans_start_used(KINIT_NAMES[kinit], k)
    if start.fell_back:
        st.warning(
            _("The textbook's centres are for k = 3 only, and k is {k}: using {used} instead. "
              "Set k to 3 to use them.").format(k=k, used=_(KMEANS_START_LABELS[start.init])),
            icon=":material/info:",
        )
        kinit = NOTES_FALLBACK
    st.number_input(
        _("Max iterations"), min_value=0, max_value=500, step=5, key="iters",
        help=_("Stop after this many iterations (each one assign and one update step) at "
               "most."),
    )
    return {"n_clusters": k, "init": start.init, "kinit": kinit, "start": start,
            "max_iter": int(st.session_state["iters"])}


def kmeans_run(X: np.ndarray, controls: Mapping[str, Any], seed: int) -> gmmviz.KMeansRun:
    """K-means on ``X`` with the controls' settings (cached); raises InputError."""
    return cached_kmeans(X, controls["n_clusters"], init=controls["init"],
                         max_iter=controls["max_iter"], random_state=int(seed))
