"""The notes' five points under two Gaussians: labellings, the mixture, the notes' shares."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats

from gmmviz import InputError
from gmmviz.five_points import (
    NOTES_BLUE,
    NOTES_ORANGE,
    NOTES_POINTS,
    labellings,
    mixture_log_likelihood,
    notes_normalised,
)
from gmmviz.likelihood import gaussian_log_likelihood, gaussian_mle


def test_the_notes_orange_gaussian_is_the_more_likely():
    orange = gaussian_log_likelihood(NOTES_POINTS, *NOTES_ORANGE)
    blue = gaussian_log_likelihood(NOTES_POINTS, *NOTES_BLUE)
    assert orange == pytest.approx(stats.norm(*NOTES_ORANGE).logpdf(NOTES_POINTS).sum())
    assert orange > blue


def test_every_labelling_against_scipy():
    frame = labellings()
    assert len(frame) == 2**5 and frame["labels"].is_unique
    o, b = stats.norm(*NOTES_ORANGE), stats.norm(*NOTES_BLUE)
    for z in itertools.product("OB", repeat=5):
        row = frame[frame["labels"] == "".join(z)].iloc[0]
        expected = sum((o if c == "O" else b).logpdf(x) for c, x in zip(z, NOTES_POINTS,
                                                                        strict=True))
        assert row["log_likelihood"] == pytest.approx(expected, rel=1e-12)
        assert row["log_joint"] == pytest.approx(expected + 5 * np.log(0.5), rel=1e-12)
    assert list(frame["log_likelihood"]) == sorted(frame["log_likelihood"], reverse=True)


def test_the_best_labelling_gives_each_point_its_more_likely_gaussian():
    best = labellings().iloc[0]["labels"]
    o, b = stats.norm(*NOTES_ORANGE), stats.norm(*NOTES_BLUE)
    assert best == "".join("O" if o.pdf(x) >= b.pdf(x) else "B" for x in NOTES_POINTS)
    assert best == "BOOOO"  # point 1 sits under blue's peak


@pytest.mark.parametrize("weights", [None, [0.7, 0.3], [0.2, 0.8]])
def test_summing_over_labellings_is_the_mixture_likelihood(weights):
    frame = labellings(weights=weights)
    total = np.logaddexp.reduce(frame["log_joint"].to_numpy())
    pi = [0.5, 0.5] if weights is None else weights
    direct = np.sum(np.log(pi[0] * stats.norm(*NOTES_ORANGE).pdf(NOTES_POINTS)
                           + pi[1] * stats.norm(*NOTES_BLUE).pdf(NOTES_POINTS)))
    assert mixture_log_likelihood(weights=weights) == pytest.approx(direct, rel=1e-12)
    assert total == pytest.approx(direct, rel=1e-12)


def test_the_notes_normalisation_is_not_the_likelihood():
    shares = notes_normalised(NOTES_POINTS, *NOTES_ORANGE)
    dens = stats.norm(*NOTES_ORANGE).pdf(NOTES_POINTS)
    np.testing.assert_allclose(shares, dens / dens.sum(), rtol=1e-12)
    assert shares.sum() == pytest.approx(1.0)
    # Its product is largest for an ever wider Gaussian, anywhere: (1/5)^5 ...
    mu_hat, sigma_hat = gaussian_mle(NOTES_POINTS)
    wide = np.prod(notes_normalised(NOTES_POINTS, -40.0, 1e4))
    assert wide == pytest.approx(0.2**5, rel=1e-6)
    assert wide > np.prod(notes_normalised(NOTES_POINTS, mu_hat, sigma_hat))
    # ... while the true likelihood of that wide Gaussian is far below the best one's
    assert gaussian_log_likelihood(NOTES_POINTS, -40.0, 1e4) < gaussian_log_likelihood(
        NOTES_POINTS, mu_hat, sigma_hat) - 25


def test_mistakes():
    with pytest.raises(InputError, match="at most 10"):
        labellings(np.arange(11.0))
    with pytest.raises(InputError, match="above 0"):
        labellings(gaussians=[(0.0, 0.0), (1.0, 1.0)])
    with pytest.raises(InputError, match="sum to 1"):
        mixture_log_likelihood(weights=[0.5, 0.6])
