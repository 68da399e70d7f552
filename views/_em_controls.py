"""The EM controls shared by the pages, and the fit request they build.

URL parameters (and widget keys): ``k``, ``init``, ``cov``, ``iters``, ``tol``, ``reg``; the
seed is the data controls' ``seed``, and ``start`` holds the manual start's table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
import streamlit as st

import gmmviz
from gmmviz.budget import Request
from gmmviz.i18n import N_, _
from gmmviz.starts import (
    FIXED_STARTS_K,
    GMM_START_LABELS,
    NOTES_STARTS,
    StartUsed,
    start_label,
    start_used,
    start_values,
)
from views._cache import cached_fit, fit_key
from views._data import preset
from views._manual import manual_start_editor
from views._urlstate import COV_TYPES, INIT_CHOICES, shown_labels
from views._work import ITERATIONS, Lever, Work, with_points


def fixed_start_lines() -> str:
    """The fixed starts' values, one line each ("notes A: μ (-2, -1), ...; π ...; Σ = I"), in
    the language in use."""
    return "\n".join(f"- {start_label(name)}: {start_values(name)}" for name in NOTES_STARTS)


#: The start's help; ``{lines}`` is :func:`fixed_start_lines` (see :func:`init_help`).
INIT_HELP_TEXT = N_(
    "Where EM starts. The notes' and the textbook's fixed values (k = 3 only):\n\n"
    "{lines}\n\n"
    "random: k data points as means; random responsibilities: a random soft assignment then "
    "an M-step; k-means: the clusters of a K-means fit; k-means++: spread-out seeds; "
    "identical: every component the same; manual: your own π, μ, Σ."
)


def init_help() -> str:
    """The start's help, in the language in use."""
    return _(INIT_HELP_TEXT).format(lines=fixed_start_lines())


#: The start's help in English (kept for the pages that read it as a constant).
FIXED_START_LINES = fixed_start_lines()
INIT_HELP = INIT_HELP_TEXT.format(lines=FIXED_START_LINES)
COV_LABELS = {
    "full": N_("full (any ellipse)"),
    "diag": N_("diagonal (axis-aligned)"),
    "spherical": N_("spherical (circles)"),
    "tied": N_("tied (one shared ellipse)"),
}
#: The covariance types' short names, as a header shows them.
#: The controls' help, by URL parameter; a page fitting several mixtures words its own.
EM_HELP = {
    "k": N_("How many Gaussians the mixture has."),
    "cov": N_("The shape each Gaussian may take: any ellipse, axis-aligned, round, or one "
              "ellipse shared by all."),
    "iters": N_("EM stops after this many iterations (each one E-step and one M-step) at "
                "most."),
    "tol": N_("EM stops when the NLL per point changes by less than this; 0 runs every "
              "iteration."),
    "reg": N_("Added to each covariance's diagonal so that no Gaussian collapses onto a "
              "point; 0 lets a collapse stop the run."),
}


def fit_init(init_name: str, k: int) -> str:
    """fit_gmm's ``init`` for the start ``init_name`` (URL spelling): a fixed start needs
    k = 3 and gives way to k-means otherwise (:func:`gmmviz.starts.start_used`)."""
    return start_used(init_name, k).init


@dataclass(frozen=True, eq=False)
class FitRequest:
    """One EM fit as a page's controls ask for it: the data and fit_gmm's settings.

    Built once per run: from the URL's values before any widget is drawn
    (:func:`preset_request`, for a new session's first figure) or from the widgets
    (:func:`gmm_controls`); the page then fits and draws from it alone.

    Attributes
    ----------
    X : ndarray of shape (n_samples, 2)
    description : str
        The data's caption, e.g. "blobs, 500 points, seed 0".
    init_name : str
        The start chosen, by its URL spelling ("notes-a", "kmeans-pp", "manual", ...).
    n_components, covariance_type, max_iter, tol, reg_covar, random_state
        As :func:`gmmviz.fit_gmm` takes them.
    manual_start : tuple of ndarray, optional
        A manual start's weights (k,), means (k, 2) and covariances (k, 2, 2).
    """

    X: np.ndarray
    description: str
    init_name: str
    n_components: int
    covariance_type: str
    max_iter: int
    tol: float
    reg_covar: float
    random_state: int
    manual_start: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @classmethod
    def from_values(cls, X: np.ndarray, description: str, values: Mapping[str, Any],
                    manual_start: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                    ) -> FitRequest:
        """The request for the URL parameters' ``values`` (k, init, cov, iters, tol, reg,
        seed)."""
        return cls(X, description, values["init"], int(values["k"]), values["cov"],
                   int(values["iters"]), float(values["tol"]), float(values["reg"]),
                   int(values["seed"]), manual_start)

    @property
    def init(self) -> str:
        """fit_gmm's ``init``: the start chosen, k-means in place of a fixed start when k is
        not 3, or "identical" under a manual start's explicit values."""
        if self.manual_start is not None:
            return "identical"
        return fit_init(self.init_name, self.n_components)

    @property
    def start(self) -> StartUsed:
        """The start the fit really uses, with the header's words for it (a fixed start
        with k other than 3 names its fallback)."""
        return start_used(self.init_name, self.n_components)

    def fit_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of :func:`gmmviz.fit_gmm` (without ``n_components``)."""
        kwargs: dict[str, Any] = {
            "init": self.init, "covariance_type": self.covariance_type,
            "max_iter": self.max_iter, "tol": self.tol, "reg_covar": self.reg_covar,
            "random_state": self.random_state,
        }
        if self.manual_start is not None:
            weights, means, covariances = self.manual_start
            kwargs.update(weights_init=weights, means_init=means, covariances_init=covariances)
        return kwargs

    @cached_property
    def key(self) -> str:
        """Names this fit (data digest and settings), to key figure caches on."""
        return fit_key(self.X, self.n_components, **self.fit_kwargs())

    def fit(self) -> gmmviz.GMMRun:
        """The run (cached); raises InputError as :func:`gmmviz.fit_gmm` does."""
        return cached_fit(self.X, self.n_components, **self.fit_kwargs())

    def size(self, n_runs: int = 1, *, animated: bool = True) -> Request:
        """The work of ``n_runs`` fits like this one, for the work budget."""
        return Request(self.X.shape[0], self.n_components, self.max_iter, n_runs, animated)

    def work(self, slot: str, *, animated: bool = True,
             levers: tuple[Lever, ...] | None = None) -> Work:
        """This one fit as work weighed against the budget, at the place ``slot`` of the
        page; by default the max iterations (and the points of a generated data set) are
        offered when it is over."""
        return Work((self.size(animated=animated),), self.key, slot,
                    with_points(ITERATIONS) if levers is None else levers, reports=True,
                    one_fit=True)


class EMControls(NamedTuple):
    """What :func:`gmm_controls` hands back."""

    #: None while there are no data, or the manual start's table is refused
    request: FitRequest | None
    #: the manual start's table for the URL parameter ``start`` (empty for a named start)
    start: list[str]
    #: why the manual start's table was refused, or None
    error: str | None


def preset_request(values: Mapping[str, Any]) -> FitRequest | None:
    """The fit that the data controls and :func:`gmm_controls` will ask for in this run, from
    the page's URL ``values`` before any widget is drawn.

    None for an upload or a manual start, whose values need their widgets, and for values
    the controls would not accept.
    """
    if values.get("data") == "upload" or values.get("init") == "manual":
        return None
    try:
        X, description = preset(values["data"], int(values["n"]), int(values["seed"]),
                                tuple(values.get("features", ())))
        return FitRequest.from_values(X, description, values)
    except (KeyError, TypeError, ValueError, gmmviz.InputError):
        return None


def k_control(help_text: str = EM_HELP["k"]) -> int:
    """The number of components (key "k")."""
    return int(st.slider(_("Number of components k"), min_value=1, max_value=10, step=1,
                         key="k", help=_(help_text)))


def init_control(k: int, *, key: str = "init", label: str = N_("Initialization")) -> str:
    """A start's select box (key "init"), with the fixed start's values under it; a fixed
    start with k other than 3 says why it gives way to k-means. Returns the start chosen (URL
    spelling)."""
    init_name = st.selectbox(_(label), INIT_CHOICES, key=key,
                             format_func=shown_labels(GMM_START_LABELS),
                             help=init_help())
    if start_values(init_name) is not None:
        st.caption(start_values(init_name))
    used = start_used(init_name, k)
    if used.fell_back:
        st.warning(
            _("The starting values of {start} are for k = {fixed} only, and k is {k}: using "
              "{used} instead. Set k to {fixed} to use them.").format(
                start=start_label(init_name), fixed=FIXED_STARTS_K, k=k,
                used=start_label(used.init)), icon=":material/info:",
        )
    return init_name


def settings_controls(helps: Mapping[str, str] = EM_HELP) -> dict[str, Any]:
    """Covariance type, max iterations, tolerance and reg_covar (keys "cov", "iters", "tol",
    "reg"), as fit_gmm's keyword arguments."""
    shown = {name: _(text) for name, text in helps.items()}  # in the language in use
    cov = st.selectbox(_("Covariance type"), COV_TYPES, key="cov",
                       format_func=shown_labels(COV_LABELS), help=shown["cov"])
    max_iter = st.number_input(_("Max iterations"), min_value=0, max_value=500, step=5,
                               key="iters", help=shown["iters"])
    tol = st.number_input(_("Tolerance"), min_value=0.0, max_value=1.0, step=1e-4, format="%g",
                          key="tol", help=shown["tol"])
    reg = st.number_input(_("reg_covar"), min_value=0.0, max_value=10.0, step=1e-3, format="%g",
                          key="reg", help=shown["reg"])
    return {"covariance_type": cov, "max_iter": int(max_iter), "tol": float(tol),
            "reg_covar": float(reg)}


def gmm_controls(values: Mapping[str, Any], X: np.ndarray | None, description: str, *,
                 manual_area: Any = None) -> EMControls:
    """The EM controls: k, initialization, covariance type, max iterations, tol, reg_covar.

    The seed is the data controls' (drawn before). With "manual", the table of
    :func:`views._manual.manual_start_editor` is drawn in ``manual_area`` (default: here)
    for the data ``X``, starting from ``values["start"]``.
    """
    k = k_control()
    init_name = init_control(k)
    settings = settings_controls()
    manual = None
    if init_name == "manual":
        with manual_area if manual_area is not None else st.container():
            manual = manual_start_editor(k, X, values.get("start", []))
    start, error = (manual.start, manual.error) if manual else ([], None)
    if X is None or error is not None:
        return EMControls(None, start, error)
    request = FitRequest(X, description, init_name, k, random_state=int(st.session_state["seed"]),
                         manual_start=manual.values if manual else None, **settings)
    return EMControls(request, start, error)


#: Starts that draw from the random generator, so that their seed says which start it was.
SEEDED = ("random", "random-resp", "kmeans", "kmeans-pp")


def start_source(request: FitRequest) -> str:
    """Where the run's start comes from, in a sentence, for the player's start panel."""
    if request.manual_start is not None:
        return _("Your own values, from the manual start's table.")
    init = request.init
    label = _(GMM_START_LABELS.get(init, init))
    seeded = init in SEEDED
    if init != request.init_name:
        text = (_("{start} needs k = 3; with k = {k} the start is {label} (seed {seed}) "
                  "instead.") if seeded else
                _("{start} needs k = 3; with k = {k} the start is {label} instead."))
        return text.format(start=start_label(request.init_name), k=request.n_components,
                           label=label, seed=request.random_state)
    if seeded:
        return _("{label} (seed {seed}).").format(label=label, seed=request.random_state)
    return f"{label}."
