"""Starting values typed in by hand: checks, renormalisation, and the URL encoding."""

from __future__ import annotations

import numpy as np
import pytest

import gmmviz
from gmmviz import manual


def _row(pi, mx, my, sxx, sxy, syy):
    return dict(zip(manual.COLUMNS, (pi, mx, my, sxx, sxy, syy), strict=True))


def test_manual_start_returns_the_table_as_arrays():
    rows = [_row(0.25, 1, 2, 1.0, 0.5, 2.0), _row(0.75, -1, 0, 0.5, 0.0, 0.5)]
    w, m, c, notices = manual.manual_start(rows)
    np.testing.assert_allclose(w, [0.25, 0.75])
    np.testing.assert_allclose(m, [[1, 2], [-1, 0]])
    np.testing.assert_allclose(c, [[[1.0, 0.5], [0.5, 2.0]], [[0.5, 0.0], [0.0, 0.5]]])
    assert notices == []


def test_weights_not_summing_to_one_are_renormalised_with_a_notice():
    rows = [_row(1, 0, 0, 1, 0, 1), _row(3, 1, 1, 1, 0, 1)]
    w, _, _, notices = manual.manual_start(rows)
    np.testing.assert_allclose(w, [0.25, 0.75])
    assert w.sum() == pytest.approx(1.0)
    assert len(notices) == 1 and "summed to 4" in notices[0]


@pytest.mark.parametrize(
    ("sxx", "sxy", "syy"),
    [(1.0, 1.0, 1.0), (1.0, 2.0, 1.0), (0.0, 0.0, 1.0), (-1.0, 0.0, -1.0), (1.0, 0.0, 0.0)],
)
def test_non_positive_definite_sigma_is_refused(sxx, sxy, syy):
    rows = [_row(0.5, 0, 0, 1, 0, 1), _row(0.5, 1, 1, sxx, sxy, syy)]
    with pytest.raises(gmmviz.InputError, match="component 2 is not positive definite"):
        manual.manual_start(rows)


@pytest.mark.parametrize(
    ("row", "match"),
    [
        (_row(-0.5, 0, 0, 1, 0, 1), "negative"),
        (_row(0.0, 0, 0, 1, 0, 1), "is 0"),
        (_row(None, 0, 0, 1, 0, 1), "column pi"),
        (_row(0.5, float("nan"), 0, 1, 0, 1), "column mu_x"),
        (_row(0.5, 0, 0, 1, "a", 1), "column s_xy"),
    ],
)
def test_bad_cells_are_refused_with_a_message(row, match):
    with pytest.raises(gmmviz.InputError, match=match):
        manual.manual_start([_row(0.5, 0, 0, 1, 0, 1), row])


def test_no_rows_is_refused():
    with pytest.raises(gmmviz.InputError, match="no row: add one row per component"):
        manual.manual_start([])


def test_default_rows_spread_means_along_the_main_axis_with_the_data_covariance():
    X, _ = gmmviz.datasets.textbook()
    rows = manual.default_rows(X, 3)
    w, m, c, notices = manual.manual_start(rows)
    assert notices == []
    np.testing.assert_allclose(w, 1 / 3, atol=1e-4)
    cov = np.cov(X, rowvar=False, bias=True)
    np.testing.assert_allclose(c[0], cov, atol=5e-3)
    # the means are symmetric about the data mean, the middle one on it
    np.testing.assert_allclose(m[1], X.mean(axis=0), atol=5e-3)
    np.testing.assert_allclose((m[0] + m[2]) / 2, X.mean(axis=0), atol=5e-3)
    # and they lie along the leading eigenvector
    v = np.linalg.eigh(cov)[1][:, -1]
    d = (m[2] - m[0]) / np.linalg.norm(m[2] - m[0])
    assert abs(d @ v) == pytest.approx(1.0, abs=1e-3)


def test_default_rows_fit_the_fit():
    X, _ = gmmviz.datasets.textbook()
    w, m, c, _ = manual.manual_start(manual.default_rows(X, 4))
    run = gmmviz.fit_gmm(X, 4, weights_init=w, means_init=m, covariances_init=c, max_iter=3)
    np.testing.assert_allclose(run.steps[0].means, m)
    np.testing.assert_allclose(run.steps[0].weights, w)
    np.testing.assert_allclose(run.steps[0].covariances, c)


def test_default_rows_for_degenerate_data_are_positive_definite():
    X = np.zeros((5, 2))
    X[:, 0] = np.arange(5)  # all on a line: the data covariance is singular
    assert np.linalg.det(np.cov(X, rowvar=False, bias=True)) == 0
    w, m, c, notices = manual.manual_start(manual.default_rows(X, 2))
    assert notices == []
    np.testing.assert_allclose(w, [0.5, 0.5])
    for cov in c:
        # positive definite by both tests numpy offers: positive eigenvalues, and a Cholesky
        # factor that rebuilds it
        assert np.all(np.linalg.eigvalsh(cov) > 0)
        low = np.linalg.cholesky(cov)
        np.testing.assert_allclose(low @ low.T, cov)
        # the data's covariance (the variance of 0..4 is 2) with a small ridge on the diagonal
        assert cov[0, 0] == pytest.approx(2.0, rel=1e-4) and cov[0, 1] == 0
        assert 0 < cov[1, 1] < 1e-4
    # the means lie on the data's line, symmetric about its mean
    np.testing.assert_array_equal(m[:, 1], 0.0)
    assert (m[0, 0] + m[1, 0]) / 2 == pytest.approx(2.0)


def test_encode_decode_round_trip():
    rows = [_row(0.3, 2, 2, 1, 0.25, 1), _row(0.7, -2.5, 0, 1.5, 0, 0.125)]
    items = manual.encode_rows(rows)
    assert len(items) == 12
    assert manual.decode_rows(items, 2) == rows


def test_decode_refuses_a_wrong_count_or_text():
    with pytest.raises(gmmviz.InputError, match="needs 12 numbers"):
        manual.decode_rows(["1"] * 6, 2)
    with pytest.raises(gmmviz.InputError, match="numbers only"):
        manual.decode_rows(["x"] * 6, 1)
    with pytest.raises(gmmviz.InputError, match="finite"):
        manual.decode_rows(["inf"] * 6, 1)


def test_default_rows_after_a_url_round_trip_need_no_renormalisation():
    X, _ = gmmviz.datasets.textbook()
    rows = manual.decode_rows(manual.encode_rows(manual.default_rows(X, 3)), 3)
    assert manual.manual_start(rows)[3] == []
