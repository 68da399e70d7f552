"""Likelihood from scratch: the coin and five points under a 1-D Gaussian."""

import numpy as np
import pytest
from scipy import stats

from gmmviz import InputError
from gmmviz.likelihood import (
    NOTES_POINTS,
    coin_likelihood,
    coin_log_likelihood,
    coin_mle,
    gaussian_densities,
    gaussian_likelihood,
    gaussian_log_likelihood,
    gaussian_mle,
)


def test_coin_likelihood_is_the_notes_polynomial():
    w = np.linspace(0, 1, 11)
    np.testing.assert_allclose(coin_likelihood(w), (1 - w) ** 3 * w, rtol=1e-15, atol=0)
    assert coin_likelihood(0.25) == pytest.approx(27 / 256)


def test_coin_maximum_is_a_quarter():
    grid = np.linspace(0, 1, 100_001)
    w_best = grid[np.argmax(coin_likelihood(grid))]
    assert coin_mle(1, 3) == 0.25
    assert w_best == pytest.approx(0.25, abs=1e-5)


@pytest.mark.parametrize(("heads", "tails"), [(1, 3), (3, 1), (7, 2), (0, 5), (4, 0), (5, 5)])
def test_coin_mle_matches_grid_argmax(heads, tails):
    grid = np.linspace(0, 1, 20_001)
    w_best = grid[np.argmax(coin_likelihood(grid, heads, tails))]
    assert coin_mle(heads, tails) == pytest.approx(w_best, abs=1e-4)


def test_coin_log_likelihood_is_log_of_likelihood():
    w = np.linspace(0.01, 0.99, 50)
    np.testing.assert_allclose(coin_log_likelihood(w, 2, 5), np.log(coin_likelihood(w, 2, 5)),
                               rtol=1e-12)
    assert coin_log_likelihood(0.0, 1, 3) == -np.inf
    assert coin_log_likelihood(0.0, 0, 3) == 0.0


@pytest.mark.parametrize("bad", [-0.1, 1.5, np.nan, "x"])
def test_coin_rejects_w_outside_unit_interval(bad):
    with pytest.raises(InputError):
        coin_likelihood(bad)


def test_coin_rejects_bad_counts():
    with pytest.raises(InputError):
        coin_likelihood(0.5, heads=-1)
    with pytest.raises(InputError):
        coin_likelihood(0.5, tails=1.5)
    with pytest.raises(InputError):
        coin_mle(0, 0)


def test_gaussian_log_likelihood_matches_scipy():
    rng = np.random.default_rng(0)
    for _ in range(20):
        x = rng.normal(size=rng.integers(1, 30)) * 5
        mu, sigma = rng.normal() * 3, rng.uniform(0.1, 10)
        assert gaussian_log_likelihood(x, mu, sigma) == pytest.approx(
            stats.norm.logpdf(x, mu, sigma).sum(), rel=1e-12)
        np.testing.assert_allclose(gaussian_densities(x, mu, sigma),
                                   stats.norm.pdf(x, mu, sigma), rtol=1e-12,
                                   atol=1e-300)


def test_gaussian_likelihood_is_the_product_of_densities():
    d = gaussian_densities(NOTES_POINTS, 4.0, 2.0)
    assert gaussian_likelihood(NOTES_POINTS, 4.0, 2.0) == pytest.approx(np.prod(d), rel=1e-12)


def test_gaussian_mle_of_the_notes_points():
    mu, sigma = gaussian_mle(NOTES_POINTS)
    # mean 25 / 5 = 5; squared deviations 16 + 1 + 0 + 1 + 16 = 34, so sigma^2 = 34 / 5.
    assert mu == 5.0
    assert sigma == pytest.approx(np.sqrt(34 / 5), rel=1e-15)
    assert sigma == pytest.approx(2.6077, abs=1e-4)


@pytest.mark.parametrize("seed", range(5))
def test_gaussian_mle_is_mean_and_biased_sd_and_a_maximum(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(2.0, 3.0, size=rng.integers(2, 40))
    mu, sigma = gaussian_mle(x)
    assert mu == pytest.approx(np.mean(x), rel=1e-12, abs=1e-12)
    assert sigma == pytest.approx(np.std(x, ddof=0), rel=1e-12)
    # scipy's own fit of a normal gives the same maximum-likelihood values.
    ref_mu, ref_sigma = stats.norm.fit(x)
    assert (mu, sigma) == pytest.approx((ref_mu, ref_sigma), rel=1e-9)
    best = gaussian_log_likelihood(x, mu, sigma)
    for dmu, ds in [(0.05, 0), (-0.05, 0), (0, 0.05), (0, -0.05), (0.1, 0.1), (-0.3, -0.2)]:
        assert gaussian_log_likelihood(x, mu + dmu, sigma * (1 + ds)) < best


@pytest.mark.parametrize("sigma", [0.0, -1.0, np.nan, np.inf])
def test_sigma_must_be_positive(sigma):
    with pytest.raises(InputError, match="sigma"):
        gaussian_log_likelihood(NOTES_POINTS, 5.0, sigma)
    with pytest.raises(InputError, match="sigma"):
        gaussian_densities(NOTES_POINTS, 5.0, sigma)


def test_bad_points_and_mu():
    with pytest.raises(InputError):
        gaussian_log_likelihood([], 0.0, 1.0)
    with pytest.raises(InputError):
        gaussian_log_likelihood([1.0, np.nan], 0.0, 1.0)
    with pytest.raises(InputError):
        gaussian_log_likelihood([[1.0, 2.0]], 0.0, 1.0)
    with pytest.raises(InputError):
        gaussian_log_likelihood([1.0], np.inf, 1.0)
    with pytest.raises(InputError, match="different"):
        gaussian_mle([3.0, 3.0, 3.0])


def test_log_likelihood_grid_matches_pointwise_and_peaks_at_the_mle():
    from gmmviz.likelihood import gaussian_log_likelihood_grid

    mus = np.linspace(0, 10, 101)
    sigmas = np.linspace(0.5, 6, 111)
    grid = gaussian_log_likelihood_grid(NOTES_POINTS, mus, sigmas)
    assert grid.shape == (111, 101)
    for i, j in [(0, 0), (50, 50), (110, 100), (20, 73)]:
        assert grid[i, j] == pytest.approx(
            stats.norm.logpdf(NOTES_POINTS, mus[j], sigmas[i]).sum(), rel=1e-12)
    i, j = np.unravel_index(np.argmax(grid), grid.shape)
    mu, sigma = gaussian_mle(NOTES_POINTS)
    assert mus[j] == pytest.approx(mu, abs=0.05)
    assert sigmas[i] == pytest.approx(sigma, abs=0.05)
    with pytest.raises(InputError):
        gaussian_log_likelihood_grid(NOTES_POINTS, mus, [1.0, 0.0])


def test_coin_figure_marks_the_maximum_and_w():
    from gmmviz.figures import coin_figure

    fig = coin_figure(0.6)
    stars = [t for t in fig.data if t.marker is not None and t.marker.symbol == "star"]
    assert [s.x[0] for s in stars] == [0.25, 0.25]
    assert stars[0].y[0] == pytest.approx(27 / 256)
    assert stars[1].y[0] == pytest.approx(np.log(27 / 256))
    current = next(t for t in fig.data if t.name and t.name.startswith("your w"))
    assert current.x[0] == 0.6 and current.y[0] == pytest.approx(0.4 ** 3 * 0.6)
    coin_figure(0.0)  # log L = -inf is drawn as text, not a point
    coin_figure(1.0)


def test_gaussian_points_figure_stems_are_the_densities():
    from gmmviz.figures import gaussian_points_figure

    fig = gaussian_points_figure(NOTES_POINTS, 4.0, 2.0)
    stems = next(t for t in fig.data if t.name == "density of each point")
    tops = np.asarray(stems.y, dtype=float)[1::3]
    np.testing.assert_allclose(tops, stats.norm.pdf(NOTES_POINTS, 4.0, 2.0), rtol=1e-12)
    ll = stats.norm.logpdf(NOTES_POINTS, 4.0, 2.0).sum()
    assert f"{ll:.3f}" in fig.layout.title.text
    with pytest.raises(InputError):
        gaussian_points_figure(NOTES_POINTS, 4.0, 0.0)
