"""One bivariate Gaussian and a mixture as a generative story, against scipy and closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from gmmviz import InputError
from gmmviz.datasets import TEXTBOOK_MEANS, TEXTBOOK_STDS
from gmmviz.gaussian import (
    bivariate_density,
    check_covariance,
    covariance_problem,
    covariance_shape,
    density_grid,
    density_slice,
    ellipse_axes,
    ellipse_mass,
    joint_densities,
    mixture_pdf,
    nearest_allowed_covariance,
    pick_edges,
    sample_mixture,
    textbook_mixture,
)

MEAN = np.array([1.0, -0.5])
COV = np.array([[2.0, 0.8], [0.8, 1.0]])
WEIGHTS = np.array([0.4, 0.4, 0.2])  # the textbook's mixture (cumulative 0.4, 0.8, 1.0)
MEANS = TEXTBOOK_MEANS
COVS = np.array([np.diag(s**2) for s in TEXTBOOK_STDS])


@st.composite
def gaussians(draw):
    s00 = draw(st.floats(0.05, 20.0))
    s11 = draw(st.floats(0.05, 20.0))
    rho = draw(st.floats(-0.95, 0.95))
    mean = np.array([draw(st.floats(-10, 10)), draw(st.floats(-10, 10))])
    s01 = rho * np.sqrt(s00 * s11)
    return mean, np.array([[s00, s01], [s01, s11]])


@settings(max_examples=60, deadline=None)
@given(g=gaussians(), seed=st.integers(0, 1000))
def test_density_equals_scipy(g, seed):
    mean, cov = g
    X = mean + np.random.default_rng(seed).normal(scale=3.0, size=(20, 2))
    np.testing.assert_allclose(bivariate_density(X, mean, cov),
                               stats.multivariate_normal(mean, cov).pdf(X), rtol=1e-10)


def test_density_grid_is_laid_out_as_plotly_takes_it():
    xs, ys = np.linspace(-3, 5, 7), np.linspace(-4, 3, 5)
    grid = density_grid(MEAN, COV, xs, ys)
    assert grid.shape == (5, 7)
    assert grid[2, 4] == pytest.approx(stats.multivariate_normal(MEAN, COV).pdf([xs[4], ys[2]]))


def test_density_integrates_to_one():
    total, _ = integrate.dblquad(lambda y, x: bivariate_density([[x, y]], MEAN, COV)[0],
                                 -12, 14, -12, 11, epsabs=1e-10)
    assert total == pytest.approx(1.0, abs=1e-7)


@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("at", [-2.0, -0.5, 0.7, 3.0])
def test_slice_is_the_density_along_the_line(axis, at):
    s = density_slice(MEAN, COV, axis, at)
    t = np.linspace(-6, 6, 41)
    pts = np.column_stack([t, np.full_like(t, at)]) if axis == 1 else np.column_stack(
        [np.full_like(t, at), t])
    np.testing.assert_allclose(s.values(t), stats.multivariate_normal(MEAN, COV).pdf(pts),
                               rtol=1e-10)
    # its area is the fixed coordinate's marginal density, N(at | mu_a, Sigma_aa)
    area, _ = integrate.quad(lambda u: float(s.values(u)), -np.inf, np.inf)
    marginal = stats.norm(MEAN[axis], np.sqrt(COV[axis, axis])).pdf(at)
    assert area == pytest.approx(marginal, rel=1e-8)
    assert s.height == pytest.approx(marginal, rel=1e-12)
    # its spread is the conditional one, narrower than the marginal's when Sigma_01 != 0
    other = 1 - axis
    assert s.sd == pytest.approx(np.sqrt(COV[other, other] - COV[0, 1] ** 2 / COV[axis, axis]))
    assert s.sd < np.sqrt(COV[other, other])


def test_slice_peaks_on_the_regression_line():
    s = density_slice(MEAN, COV, 1, 1.5)
    t = np.linspace(-5, 7, 120001)
    assert t[np.argmax(s.values(t))] == pytest.approx(s.center, abs=1e-4)
    assert s.center == pytest.approx(MEAN[0] + COV[0, 1] / COV[1, 1] * (1.5 - MEAN[1]))


@settings(max_examples=60, deadline=None)
@given(g=gaussians())
def test_ellipse_axes_are_the_eigen_decomposition(g):
    _, cov = g
    major, minor, angle = ellipse_axes(cov)
    vals, vecs = np.linalg.eigh(cov)
    assert major == pytest.approx(np.sqrt(vals[1]), rel=1e-9)
    assert minor == pytest.approx(np.sqrt(vals[0]), rel=1e-6, abs=1e-12)
    direction = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])
    # the major axis is the eigenvector of the larger eigenvalue (a circle has no major axis)
    if vals[1] - vals[0] > 1e-6 * vals[1]:
        assert abs(direction @ vecs[:, 1]) == pytest.approx(1.0, abs=1e-6)
    # positive covariance leans right (0 < angle < 90), negative leans left
    if cov[0, 1] > 1e-9:
        assert 0 < angle < 90
    elif cov[0, 1] < -1e-9:
        assert -90 < angle < 0


def test_axis_aligned_ellipses():
    assert ellipse_axes([[4.0, 0.0], [0.0, 1.0]]) == pytest.approx((2.0, 1.0, 0.0))
    assert ellipse_axes([[1.0, 0.0], [0.0, 4.0]]) == pytest.approx((2.0, 1.0, 90.0))


def test_ellipse_mass_is_the_chi_squared_cdf_and_matches_samples():
    n = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(ellipse_mass(n), stats.chi2(2).cdf(n**2), rtol=1e-12)
    X = sample_mixture([1.0], [MEAN], [COV], 40_000, random_state=3).X
    d = X - MEAN
    maha = np.einsum("ni,ij,nj->n", d, np.linalg.inv(COV), d)
    for level, mass in zip(n, ellipse_mass(n), strict=True):
        share = np.mean(maha <= level**2)
        assert abs(share - mass) < 5 * np.sqrt(mass * (1 - mass) / X.shape[0])


@pytest.mark.parametrize(("entries", "words"), [
    ((1.0, 1.5, 2.0), ["Σ₀₁ = 1.5", "not positive definite", "1.41"]),
    ((1.0, -1.0, 1.0), ["Σ₀₁ = -1", "det Σ", "below"]),
    ((0.0, 0.0, 1.0), ["Σ₀₀", "above 0"]),
    ((1.0, 0.0, -2.0), ["Σ₁₁", "above 0"]),
    ((1.0, np.nan, 1.0), ["finite"]),
])
def test_covariance_problem_says_why(entries, words):
    reason = covariance_problem(*entries)
    assert reason is not None
    for word in words:
        assert word in reason
    with pytest.raises(InputError, match="Σ"):
        check_covariance([[entries[0], entries[1]], [entries[1], entries[2]]])


@settings(max_examples=100, deadline=None)
@given(s00=st.floats(0.01, 10), s11=st.floats(0.01, 10), s01=st.floats(-10, 10))
def test_covariance_problem_agrees_with_the_eigenvalues(s00, s01, s11):
    vals = np.linalg.eigvalsh([[s00, s01], [s01, s11]])
    ok = covariance_problem(s00, s01, s11) is None
    # away from the boundary, where rounding decides
    if abs(s01 * s01 - s00 * s11) > 1e-9 * s00 * s11:
        assert ok == bool(vals.min() > 0)


def test_nearest_allowed_covariance_keeps_the_sign_and_says_why():
    cov, reason = nearest_allowed_covariance(1.0, -3.0, 4.0)
    assert reason is not None and "Σ₀₁ = -3" in reason
    assert cov[0, 1] == pytest.approx(-0.95 * 2.0)
    assert np.linalg.eigvalsh(cov).min() > 0
    cov, reason = nearest_allowed_covariance(1.0, 0.5, 4.0)
    assert reason is None and cov[0, 1] == 0.5
    with pytest.raises(InputError, match="above 0"):
        nearest_allowed_covariance(-1.0, 0.0, 1.0)


def test_asymmetric_covariance_is_refused():
    with pytest.raises(InputError, match="symmetric"):
        check_covariance([[1.0, 0.2], [0.3, 1.0]])


# ----------------------------------------------------------------------------- a mixture
def test_joint_and_marginal_equal_scipy():
    X = np.random.default_rng(1).normal(size=(30, 2))
    joint = joint_densities(X, WEIGHTS, MEANS, COVS)
    expected = np.column_stack([w * stats.multivariate_normal(m, c).pdf(X)
                                for w, m, c in zip(WEIGHTS, MEANS, COVS, strict=True)])
    np.testing.assert_allclose(joint, expected, rtol=1e-10)
    # p(x) = sum_k p(x, z_k = 1): marginalising z
    np.testing.assert_allclose(mixture_pdf(X, WEIGHTS, MEANS, COVS), expected.sum(axis=1),
                               rtol=1e-10)


def test_sampling_picks_z_with_probability_pi_then_x_from_its_gaussian():
    n = 60_000
    s = sample_mixture(WEIGHTS, MEANS, COVS, n, random_state=0)
    assert s.X.shape == (n, 2) and s.z.shape == (n,)
    share = np.bincount(s.z, minlength=3) / n
    assert np.all(np.abs(share - WEIGHTS) < 5 * np.sqrt(WEIGHTS * (1 - WEIGHTS) / n))
    # z is the first k whose cumulative pi exceeds u
    np.testing.assert_array_equal(s.z, np.searchsorted(np.cumsum(WEIGHTS), s.u, side="right"))
    for k in range(3):
        pts = s.X[s.z == k]
        se = np.sqrt(np.diag(COVS[k]) / pts.shape[0])
        assert np.all(np.abs(pts.mean(axis=0) - MEANS[k]) < 5 * se)
        np.testing.assert_allclose(np.cov(pts.T), COVS[k], atol=0.05)
        # each coordinate of x | z = k is normal (Kolmogorov-Smirnov against scipy)
        assert stats.kstest(pts[:, 0], stats.norm(MEANS[k, 0], TEXTBOOK_STDS[k, 0]).cdf
                            ).pvalue > 1e-3


def test_a_sample_grows_point_by_point():
    small = sample_mixture(WEIGHTS, MEANS, COVS, 5, random_state=7)
    large = sample_mixture(WEIGHTS, MEANS, COVS, 500, random_state=7)
    np.testing.assert_array_equal(large.X[:5], small.X)
    np.testing.assert_array_equal(large.z[:5], small.z)
    assert sample_mixture(WEIGHTS, MEANS, COVS, 0).X.shape == (0, 2)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"weights": [0.5, 0.6]}, "sum to 1"),
    ({"covariances": [[[1, 2], [2, 1]], np.eye(2)]}, "positive definite"),
    ({"n_samples": -1}, "n_samples"),
    ({"random_state": "x"}, "random_state"),
])
def test_sampling_mistakes_are_input_errors(kwargs, match):
    args = {"weights": [0.5, 0.5], "means": [[0, 0], [1, 1]],
            "covariances": [np.eye(2), np.eye(2)], "n_samples": 3} | kwargs
    with pytest.raises(InputError, match=match):
        sample_mixture(args["weights"], args["means"], args["covariances"], args["n_samples"],
                       random_state=kwargs.get("random_state"))


def test_covariance_shape_numbers():
    shape = covariance_shape(COV)
    assert shape.det == pytest.approx(np.linalg.det(COV))
    assert shape.correlation == pytest.approx(np.corrcoef(
        sample_mixture([1.0], [MEAN], [COV], 50_000, random_state=1).X.T)[0, 1], abs=0.02)
    assert (shape.major, shape.minor, shape.angle) == ellipse_axes(COV)


def test_textbook_mixture_is_the_textbooks_generator():
    weights, means, covs = textbook_mixture()
    np.testing.assert_allclose(weights, [0.4, 0.4, 0.2])
    np.testing.assert_array_equal(means, TEXTBOOK_MEANS)
    np.testing.assert_allclose(np.sqrt(np.diagonal(covs, axis1=1, axis2=2)), TEXTBOOK_STDS)


def test_shares_count_the_picks_so_far():
    s = sample_mixture(WEIGHTS, MEANS, COVS, 50, random_state=2)
    np.testing.assert_allclose(s.shares(3, 10), np.bincount(s.z[:10], minlength=3) / 10)
    np.testing.assert_allclose(s.shares(3), np.bincount(s.z, minlength=3) / 50)
    np.testing.assert_array_equal(s.shares(3, 0), np.zeros(3))


def test_pick_edges_split_the_unit_interval_by_pi_as_sample_mixture_picks():
    weights = np.array([0.3, 0.3, 0.4])
    edges = pick_edges(weights)
    np.testing.assert_allclose(edges, [0.0, 0.3, 0.6, 1.0])
    assert edges[-1] == 1.0 and np.all(np.diff(edges) >= 0)
    # sample_mixture picks component k exactly when edges[k] <= u < edges[k + 1]
    s = sample_mixture(weights, TEXTBOOK_MEANS, np.stack([np.eye(2)] * 3), 2_000, random_state=0)
    assert np.all((edges[s.z] <= s.u) & (s.u < edges[s.z + 1]))
