"""Hard EM (label, then refit) against direct computation, and beside soft EM."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import gmmviz
from gmmviz import InputError, StopKind
from gmmviz.hard_em import compare_hard_soft, fit_hard_em


@pytest.fixture(scope="module")
def textbook_runs():
    X, _ = gmmviz.datasets.textbook()
    hard = fit_hard_em(X, 3, init="textbook-b", reg_covar=0, max_iter=50)
    soft = gmmviz.fit_gmm(X, 3, init="textbook-b", reg_covar=0, max_iter=200, tol=1e-8)
    return X, hard, soft


def _labels_by_scipy(X, weights, means, covs):
    """The component with the largest pi_k N(x_n | mu_k, Sigma_k), with scipy's densities."""
    dens = np.column_stack([w * stats.multivariate_normal(m, c).pdf(X)
                            for w, m, c in zip(weights, means, covs, strict=True)])
    return dens.argmax(axis=1)


def test_every_step_is_the_notes_overview(textbook_runs):
    X, hard, _ = textbook_runs
    assert hard.steps[0].kind == "init"
    assert [s.kind for s in hard.steps[1:]] == ["E", "M"] * hard.n_iter_
    for e, m in zip(hard.steps[1::2], hard.steps[2::2], strict=True):
        # label: each point to its most likely Gaussian (scipy's densities, weighted by pi)
        np.testing.assert_array_equal(e.labels, _labels_by_scipy(X, e.weights, e.means,
                                                                 e.covariances))
        # refit: each Gaussian's mean, spread and share from its own points
        for k in range(3):
            pts = X[m.labels == k]
            np.testing.assert_allclose(m.means[k], pts.mean(axis=0), atol=1e-12)
            np.testing.assert_allclose(m.covariances[k], np.cov(pts.T, bias=True), atol=1e-12)
            assert m.weights[k] == pytest.approx(pts.shape[0] / X.shape[0])
    assert hard.steps[1].label == "Iteration 1 · label: each point to its most likely Gaussian"


def test_the_start_is_soft_ems_start(textbook_runs):
    _, hard, soft = textbook_runs
    for name in ("weights", "means", "covariances"):
        np.testing.assert_array_equal(getattr(hard.steps[0], name), getattr(soft.steps[0], name))
    assert hard.steps[0].nll == pytest.approx(426.22, abs=0.005)  # the textbook's first NLL


def test_stops_when_no_label_changes(textbook_runs):
    _, hard, _ = textbook_runs
    assert hard.stop_kind is StopKind.CONVERGED and hard.converged_
    assert hard.stop_reason == "converged: no point changed its label"
    np.testing.assert_array_equal(hard.steps[-1].labels, hard.steps[-3].labels)
    np.testing.assert_array_equal(hard.labels_, hard.steps[-1].labels)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(2, 4))
def test_hard_em_never_lowers_its_classification_likelihood(seed, k):
    X, _ = gmmviz.datasets.make("blobs", n_samples=150, random_state=seed)
    hard = fit_hard_em(X, k, init="random", reg_covar=0, max_iter=30, random_state=seed)
    values = [s.hard_log_lik for s in hard.steps[1:]]
    assert all(b >= a - 1e-9 * abs(a) for a, b in zip(values, values[1:], strict=False))


def test_where_hard_and_soft_differ(textbook_runs):
    X, hard, soft = textbook_runs
    c = compare_hard_soft(hard, soft)
    expected = hard.labels_ != soft.resp_.argmax(axis=1)
    np.testing.assert_array_equal(c.differ, expected)
    assert c.n_differ == int(expected.sum()) > 0
    # the points they disagree on are those soft EM is unsure of
    assert c.soft_certainty[c.differ].max() < np.median(c.soft_certainty[~c.differ])
    # soft EM maximises the mixture likelihood; hard EM's end is no better by it
    assert c.nll_soft <= c.nll_hard
    np.testing.assert_allclose(c.mean_shift, np.linalg.norm(hard.means_ - soft.means_, axis=1))


def test_a_component_left_on_one_point_stops_the_run():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [5.0, 5.0], [-0.1, 0.05]])
    hard = fit_hard_em(X, 2, init="identical", means_init=[[0.0, 0.0], [5.0, 5.0]],
                       reg_covar=0, max_iter=5)
    assert hard.stop_kind is StopKind.COLLAPSED
    assert "component 2 collapsed onto a single point at iteration 1" == hard.stop_reason


def test_an_emptied_component_keeps_its_place_with_weight_zero():
    X, _ = gmmviz.datasets.make("blobs", n_samples=200, random_state=0)
    hard = fit_hard_em(X, 2, init="identical",
                       means_init=[[float(X[:, 0].mean()), float(X[:, 1].mean())], [500, 500]],
                       covariances_init=[np.cov(X.T), np.eye(2)], max_iter=3)
    m = hard.steps[2]
    assert m.empty == (1,) and m.weights[1] == 0.0
    np.testing.assert_array_equal(m.means[1], [500, 500])
    assert np.all(hard.labels_ == 0)


def test_mistakes_are_input_errors():
    X, _ = gmmviz.datasets.textbook()
    with pytest.raises(InputError, match="k = 3 only"):
        fit_hard_em(X, 2, init="textbook-b")
    with pytest.raises(InputError, match="max_iter"):
        fit_hard_em(X, 3, max_iter=-1)
    with pytest.raises(InputError, match="same data"):
        compare_hard_soft(fit_hard_em(X, 3, init="textbook-b", max_iter=2),
                          gmmviz.fit_gmm(X, 2, max_iter=2, random_state=0))
