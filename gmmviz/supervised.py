"""Supervised against unsupervised: a classifier from labelled points, and how far a mixture
fitted without the labels recovers them.

The notes (Theory 8.8): classification knows every point's class Z, so its log-likelihood is
ln p(X, Z | theta) and each class's Gaussian is fitted from its own points directly; clustering
does not, so it maximises ln p(X | theta) = ln sum_Z p(X, Z | theta), which is what EM is for.
:func:`fit_classifier` is the first: per class, pi_c = N_c / N and the maximum-likelihood mean
and covariance, and a point's class by Bayes' rule. :func:`adjusted_rand_index` measures how
well any labelling (a mixture's, say) agrees with the true one, whatever the clusters' order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gmmviz import _validate as v
from gmmviz._em_posterior import component_log_prob
from gmmviz._errors import InputError
from gmmviz.i18n import _

if TYPE_CHECKING:
    from gmmviz._em_run import GMMRun

__all__ = ["GaussianClassifier", "LabelsOrNone", "adjusted_rand_index", "fit_classifier",
           "labels_or_none", "match_labels"]


def _labels(y: object, n: int, name: str = "y") -> np.ndarray:
    arr = np.asarray(y)
    if arr.shape != (n,):
        raise InputError(_("Give one label per point in {name}: {n} points, shape {shape}.").format(
            name=name, n=n, shape=arr.shape))
    return arr


@dataclass(frozen=True)
class GaussianClassifier:
    """One Gaussian per class, fitted from labelled points by maximum likelihood.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels, sorted.
    weights_ : ndarray of shape (n_classes,)
        pi_c = N_c / N.
    means_ : ndarray of shape (n_classes, 2)
    covariances_ : ndarray of shape (n_classes, 2, 2)
        Dividing by N_c, plus ``reg_covar`` on the diagonal.
    """

    classes_: np.ndarray
    weights_: np.ndarray
    means_: np.ndarray
    covariances_: np.ndarray

    def joint_log_prob(self, X: object) -> np.ndarray:
        """ln pi_c + ln N(x_n | mu_c, Sigma_c), shape (n_points, n_classes)."""
        return component_log_prob(v.points(X), self.weights_, self.means_, self.covariances_)

    def predict_proba(self, X: object) -> np.ndarray:
        """p(c | x_n) by Bayes' rule, shape (n_points, n_classes)."""
        lj = self.joint_log_prob(X)
        lj -= lj.max(axis=1, keepdims=True)
        p = np.exp(lj)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, X: object) -> np.ndarray:
        """The most probable class of every point, shape (n_points,)."""
        return self.classes_[self.joint_log_prob(X).argmax(axis=1)]

    def log_likelihood(self, X: object, y: object) -> float:
        """ln p(X, Z | theta) = sum_n ln pi_{y_n} N(x_n | mu_{y_n}, Sigma_{y_n}): the
        classification log-likelihood of the labelled points."""
        X = v.points(X)
        y = _labels(y, X.shape[0])
        index = np.searchsorted(self.classes_, y)
        if np.any(index >= self.classes_.size) or np.any(self.classes_[index] != y):
            raise InputError(_("Some labels are not among the classes the classifier learnt."))
        return float(self.joint_log_prob(X)[np.arange(X.shape[0]), index].sum())


def fit_classifier(X: object, y: object, *, reg_covar: float = 1e-6) -> GaussianClassifier:
    """Fit one Gaussian per class from labelled points (supervised learning).

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    y : array-like of shape (n_samples,)
        Each point's class.
    reg_covar : float, default 1e-6
        Added to the diagonal of every covariance.

    Returns
    -------
    GaussianClassifier
    """
    X = v.points(X)
    y = _labels(y, X.shape[0])
    reg = v.non_negative(reg_covar, "reg_covar")
    classes = np.unique(y)
    weights, means, covs = [], [], []
    for c in classes:
        pts = X[y == c]
        if v.n_distinct(pts) < 2 and reg == 0:
            raise InputError(_("Class {c!r} has fewer than two distinct points, so its covariance "
                               "is singular: give it more points or set reg_covar above 0.").format(
                c=c))
        mu = pts.mean(axis=0)
        d = pts - mu
        weights.append(pts.shape[0] / X.shape[0])  # pi_c = N_c / N
        means.append(mu)
        covs.append(d.T @ d / pts.shape[0] + reg * np.eye(2))  # divide by N_c
    covariances = np.array(covs)
    v.covariances(covariances, classes.size)  # positive definite, or a sentence
    return GaussianClassifier(classes, np.array(weights), np.array(means), covariances)


def adjusted_rand_index(labels_true: object, labels_pred: object) -> float:
    """The adjusted Rand index of two labellings of the same points (Hubert and Arabie, 1985).

    1 when they group the points alike (whatever the labels' names or order), about 0 for
    labellings unrelated to each other; it can be negative.

    Parameters
    ----------
    labels_true, labels_pred : array-like of shape (n_samples,)

    Returns
    -------
    float
    """
    a = np.asarray(labels_true)
    b = _labels(labels_pred, a.shape[0] if a.ndim == 1 else -1, "labels_pred")
    if a.ndim != 1 or a.size == 0:
        raise InputError(_("Give each labelling as a flat list with one label per point."))
    _u, ia = np.unique(a, return_inverse=True)
    _u, ib = np.unique(b, return_inverse=True)
    table = np.zeros((ia.max() + 1, ib.max() + 1))
    np.add.at(table, (ia, ib), 1.0)  # the contingency table

    def pairs(counts: np.ndarray) -> float:
        return float(np.sum(counts * (counts - 1)) / 2.0)

    index = pairs(table)
    rows, cols = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    total = a.size * (a.size - 1) / 2.0
    expected = rows * cols / total if total else 0.0
    largest = 0.5 * (rows + cols)
    if largest == expected:  # both put all points in one group, or each in its own
        return 1.0
    return float((index - expected) / (largest - expected))


def match_labels(labels_pred: object, labels_true: object) -> dict[int, object]:
    """The class each predicted cluster stands for: the one-to-one matching of clusters to
    classes that agrees on the most points (the Hungarian algorithm).

    Returns
    -------
    dict
        Cluster label -> class label (a cluster left without a class is not in it).
    """
    from scipy.optimize import linear_sum_assignment

    t = np.asarray(labels_true)
    p = _labels(labels_pred, t.shape[0], "labels_pred")
    clusters, ip = np.unique(p, return_inverse=True)
    classes, it = np.unique(t, return_inverse=True)
    table = np.zeros((clusters.size, classes.size))
    np.add.at(table, (ip, it), 1.0)
    rows, cols = linear_sum_assignment(-table)
    return {clusters[r].item(): classes[c].item() for r, c in zip(rows, cols, strict=True)}


@dataclass(frozen=True)
class LabelsOrNone:
    """A classifier fitted with the labels beside a mixture fitted without them.

    Attributes
    ----------
    classifier : GaussianClassifier
    class_index : ndarray of int of shape (n_samples,)
        Each point's class as a position in ``classifier.classes_``.
    matched : ndarray of int of shape (n_components,)
        The class (position in ``classes_``) each component stands for; ``len(classes_)``
        for a component matched to none (more components than classes).
    accuracy_classifier, accuracy_mixture : float
        Share of points put in their own class (the mixture's through ``matched``).
    ari_classifier, ari_mixture : float
        Adjusted Rand index of each labelling against the classes.
    log_lik_classes : float
        ln p(X, Z | theta) of the classifier at the true classes.
    log_lik_mixture : float
        ln p(X | theta) = ln sum_Z p(X, Z | theta) of the mixture.
    mean_distance : ndarray of shape (n_components,)
        From each component's mean to its class's mean (NaN for a component matched to none).
    """

    classifier: GaussianClassifier
    class_index: np.ndarray
    matched: np.ndarray
    accuracy_classifier: float
    accuracy_mixture: float
    ari_classifier: float
    ari_mixture: float
    log_lik_classes: float
    log_lik_mixture: float
    mean_distance: np.ndarray


def labels_or_none(X: object, y: object, run: GMMRun, *, reg_covar: float = 1e-6
                   ) -> LabelsOrNone:
    """Classify with the labels, and compare the mixture ``run`` fitted to X without them.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    y : array-like of shape (n_samples,)
    run : GMMRun
        A mixture fitted to the same X.
    reg_covar : float, default 1e-6
        The classifier's (use the run's for a like-for-like comparison).

    Returns
    -------
    LabelsOrNone
    """
    X = v.points(X)
    clf = fit_classifier(X, y, reg_covar=reg_covar)
    labels = getattr(run, "labels_", None)
    if labels is None or len(labels) != X.shape[0]:
        raise InputError(_("Compare with a mixture fitted to the same points."))
    index = np.searchsorted(clf.classes_, np.asarray(y))
    pairs = match_labels(labels, index)
    k, n_classes = run.n_components, clf.classes_.size
    matched = np.array([pairs.get(j, n_classes) for j in range(k)], dtype=int)
    means = run.means_
    distance = np.array([np.linalg.norm(means[j] - clf.means_[c]) if c < n_classes else np.nan
                         for j, c in enumerate(matched)])
    lj = clf.joint_log_prob(X)
    predicted = lj.argmax(axis=1)  # the classifier's class of each point, as an index
    return LabelsOrNone(
        clf, index, matched, float(np.mean(predicted == index)),
        float(np.mean(matched[labels] == index)), adjusted_rand_index(index, predicted),
        adjusted_rand_index(index, labels), float(lj[np.arange(X.shape[0]), index].sum()),
        -float(run.final.nll), distance)
