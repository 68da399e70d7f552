"""A classifier from labelled points against the mixture fitted without them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.metrics import adjusted_rand_score

import gmmviz
from gmmviz import InputError
from gmmviz.supervised import adjusted_rand_index, fit_classifier, labels_or_none, match_labels


@pytest.fixture(scope="module")
def textbook():
    return gmmviz.datasets.textbook()


def test_classifier_fits_each_class_from_its_own_points(textbook):
    X, y = textbook
    clf = fit_classifier(X, y, reg_covar=0)
    for i, c in enumerate(clf.classes_):
        pts = X[y == c]
        assert clf.weights_[i] == pytest.approx(pts.shape[0] / X.shape[0])
        np.testing.assert_allclose(clf.means_[i], pts.mean(axis=0), atol=1e-13)
        np.testing.assert_allclose(clf.covariances_[i], np.cov(pts.T, bias=True), atol=1e-13)


def test_classifier_predicts_by_bayes_rule(textbook):
    X, y = textbook
    clf = fit_classifier(X, y, reg_covar=0)
    lj = np.column_stack([np.log(w) + stats.multivariate_normal(m, c).logpdf(X) for w, m, c in
                          zip(clf.weights_, clf.means_, clf.covariances_, strict=True)])
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[lj.argmax(axis=1)])
    post = np.exp(lj - np.logaddexp.reduce(lj, axis=1, keepdims=True))
    np.testing.assert_allclose(clf.predict_proba(X), post, atol=1e-12)
    # ln p(X, Z | theta): each point under its own class
    assert clf.log_likelihood(X, y) == pytest.approx(lj[np.arange(100), y].sum(), rel=1e-12)
    assert np.mean(clf.predict(X) == y) > 0.8


def test_the_sum_over_labellings_is_at_least_the_labelled_likelihood(textbook):
    """With labels, ln p(X, Z) for the true Z; without, ln p(X) = ln sum_Z p(X, Z) >= ln p(X, Z)
    for the same theta. The mixture's own theta maximises ln p(X) instead."""
    X, y = textbook
    clf = fit_classifier(X, y, reg_covar=0)
    mix = gmmviz.fit_gmm(X, 3, weights_init=clf.weights_, means_init=clf.means_,
                         covariances_init=clf.covariances_, init="identical", max_iter=0)
    assert -mix.final.nll >= clf.log_likelihood(X, y)


@settings(max_examples=100, deadline=None)
@given(a=st.lists(st.integers(0, 3), min_size=2, max_size=40), seed=st.integers(0, 1000))
def test_adjusted_rand_index_equals_sklearn(a, seed):
    b = np.random.default_rng(seed).integers(0, 4, size=len(a))
    assert adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)
    assert adjusted_rand_index(a, a) == pytest.approx(1.0)


def test_adjusted_rand_index_of_the_mixture(textbook):
    X, y = textbook
    run = gmmviz.fit_gmm(X, 3, init="notes-b")
    assert adjusted_rand_index(y, run.labels_) == pytest.approx(
        adjusted_rand_score(y, run.labels_), abs=1e-12)
    # names do not matter: the same grouping under other labels
    assert adjusted_rand_index(y, (y + 1) % 3) == pytest.approx(1.0)


def test_match_labels_pairs_clusters_with_classes(textbook):
    _, y = textbook
    relabelled = np.array([2, 0, 1])[y]
    assert match_labels(relabelled, y) == {2: 0, 0: 1, 1: 2}


def test_mistakes(textbook):
    X, y = textbook
    with pytest.raises(InputError, match="one label per point"):
        fit_classifier(X, y[:10])
    with pytest.raises(InputError, match="fewer than two distinct points"):
        fit_classifier(X[:3], np.array([0, 1, 1]), reg_covar=0)
    with pytest.raises(InputError, match="not among the classes"):
        fit_classifier(X, y).log_likelihood(X, np.full(100, 7))


@pytest.mark.parametrize(("name", "k"), [("textbook", 3), ("outliers", 4), ("moons", 2)])
def test_labels_or_none_against_direct_computation(name, k):
    X, y = gmmviz.datasets.make(name, n_samples=300, random_state=1)
    run = gmmviz.fit_gmm(X, k, init="kmeans", random_state=1)
    r = labels_or_none(X, y, run)
    classes = np.unique(y)
    index = np.searchsorted(classes, y)
    assert r.ari_mixture == pytest.approx(adjusted_rand_score(y, run.labels_))
    assert r.ari_classifier == pytest.approx(adjusted_rand_score(y, r.classifier.predict(X)))
    assert r.accuracy_classifier == pytest.approx(np.mean(r.classifier.predict(X) == y))
    # the matching is the best one-to-one pairing (checked by trying every permutation)
    from itertools import permutations
    best = max(np.mean(np.array(p)[run.labels_] == index)
               for p in permutations(range(max(k, classes.size)), k))
    assert r.accuracy_mixture == pytest.approx(best)
    assert r.log_lik_mixture == pytest.approx(-run.final.nll)
    assert r.log_lik_classes == pytest.approx(r.classifier.log_likelihood(X, y))
    for j, c in enumerate(r.matched):
        if c < classes.size:
            assert r.mean_distance[j] == pytest.approx(
                np.linalg.norm(run.means_[j] - X[y == classes[c]].mean(axis=0)), rel=1e-9)
