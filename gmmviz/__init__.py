"""gmmviz: K-means and Gaussian mixtures fitted by EM, recorded half-step by half-step."""

from gmmviz import datasets
from gmmviz._errors import InputError
from gmmviz.em import (
    COVARIANCE_TYPES,
    GMMRun,
    GMMStep,
    component_log_prob,
    fit_gmm,
    mixture_density,
    predict_proba,
)
from gmmviz.io import load_points
from gmmviz.kmeans import KMeansRun, KMeansStep, fit_kmeans
from gmmviz.starts import GMM_INITS, NOTES_STARTS, TEXTBOOK_CENTERS

__all__ = [
    "COVARIANCE_TYPES",
    "GMM_INITS",
    "NOTES_STARTS",
    "TEXTBOOK_CENTERS",
    "GMMRun",
    "GMMStep",
    "KMeansRun",
    "KMeansStep",
    "InputError",
    "component_log_prob",
    "datasets",
    "fit_gmm",
    "fit_kmeans",
    "load_points",
    "mixture_density",
    "predict_proba",
]
