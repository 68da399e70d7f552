"""gmmviz: K-means and Gaussian mixtures fitted by EM, recorded half-step by half-step.

``import gmmviz`` loads the algorithms only; the Plotly figures (``gmmviz.figures`` and
``gmmviz.em_figure``) load on first use.
"""

import importlib

from gmmviz import (
    bound,
    bound_curve,
    budget,
    datasets,
    derivation,
    divergence,
    edits,
    export,
    five_points,
    gaussian,
    hard_em,
    likelihood,
    outcomes,
    starts,
    supervised,
)
from gmmviz._em_posterior import bayes_terms, component_log_prob, mixture_density, predict_proba
from gmmviz._em_run import GMMRun, GMMStep
from gmmviz._em_settings import EMSettings
from gmmviz._em_stops import StopKind
from gmmviz._errors import InputError
from gmmviz.bound import bound_table
from gmmviz.edits import edited_points
from gmmviz.em import COVARIANCE_TYPES, fit_gmm
from gmmviz.export import load_run, write_gif, write_png
from gmmviz.hard_em import HardEMRun, fit_hard_em
from gmmviz.io import load_points
from gmmviz.kmeans import KMeansRun, KMeansStep, fit_kmeans
from gmmviz.limit import center_distance, eps_sweep, fit_eps_limit, hardness, match_components
from gmmviz.selection import (
    RestartsResult,
    aic,
    bic,
    fit_restarts,
    identical_start_check,
    n_parameters,
    selection_grid,
)
from gmmviz.starts import GMM_INITS, NOTES_STARTS, TEXTBOOK_CENTERS

__all__ = [
    "COVARIANCE_TYPES",
    "GMM_INITS",
    "NOTES_STARTS",
    "TEXTBOOK_CENTERS",
    "EMSettings",
    "GMMRun",
    "GMMStep",
    "HardEMRun",
    "KMeansRun",
    "KMeansStep",
    "InputError",
    "RestartsResult",
    "StopKind",
    "aic",
    "bayes_terms",
    "bic",
    "bound",
    "bound_curve",
    "bound_table",
    "budget",
    "center_distance",
    "component_log_prob",
    "datasets",
    "derivation",
    "divergence",
    "edited_points",
    "edits",
    "em_figure",
    "eps_sweep",
    "export",
    "figures",
    "gaussian",
    "hard_em",
    "fit_eps_limit",
    "fit_gmm",
    "fit_hard_em",
    "five_points",
    "fit_kmeans",
    "fit_restarts",
    "hardness",
    "identical_start_check",
    "likelihood",
    "load_points",
    "load_run",
    "match_components",
    "mixture_density",
    "n_parameters",
    "outcomes",
    "predict_proba",
    "selection_grid",
    "starts",
    "write_gif",
    "write_png",
    "supervised",
]


def __getattr__(name: str) -> object:
    """``gmmviz.figures`` and ``gmmviz.em_figure`` import Plotly on first use only."""
    if name == "figures":
        return importlib.import_module("gmmviz.figures")
    if name == "em_figure":
        return importlib.import_module("gmmviz.figures").em_figure
    raise AttributeError(f"module 'gmmviz' has no attribute {name!r}")
